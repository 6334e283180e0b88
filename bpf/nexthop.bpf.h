/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * nexthop.bpf.h - the next-hop cache's maps and its lookup (struct
 * xmip_nexthop in xmip_shared.h says what an entry holds and who keeps it
 * honest). The encapsulation path asks it before bpf_fib_lookup: a hit
 * fills the same fields of struct bpf_fib_lookup the kernel's lookup would
 * (egress ifindex, MACs; mtu_result when too big), so everything after the
 * lookup is the same code either way.
 */
#ifndef XMIP_NEXTHOP_BPF_H
#define XMIP_NEXTHOP_BPF_H

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <bpf/bpf_helpers.h>
#include "xmip_shared.h"
#include "forward.bpf.h"

/* care-of address (outer destination) -> next hop. Allocated on the agent's
 * writes (BPF_F_NO_PREALLOC): the datapath never writes it, and a cache of
 * a few care-of addresses costs a few entries whatever the capacity (the
 * loader sizes it to max_bindings: one care-of address per binding at most).
 * Not pinned: a restarted agent starts empty (every packet falls back to
 * bpf_fib_lookup) and resolves again. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, XMIP_DEFAULT_MAX_NEXTHOPS);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct xmip_in6);
	__type(value, struct xmip_nexthop);
} xmip_nexthops SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xmip_nh_state);
} xmip_nh_state_map SEC(".maps");

/* The uplink's route memo (struct xmip_route_key): written by the datapath
 * itself after a successful bpf_fib_lookup, so it is an LRU (a full map
 * evicts the coldest entry instead of refusing) with a list per CPU
 * (BPF_F_NO_COMMON_LRU: no lock shared between CPUs on a fill). Not pinned:
 * a restarted agent starts empty. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, XMIP_DEFAULT_MAX_ROUTES);
	__uint(map_flags, BPF_F_NO_COMMON_LRU);
	__type(key, struct xmip_route_key);
	__type(value, struct xmip_nexthop);
} xmip_routes SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, XMIP_NH_STAT_MAX);
	__type(key, __u32);
	__type(value, __u64);
} xmip_nh_stats SEC(".maps");

static __always_inline void nh_count(enum xmip_nh_stat id)
{
	__u32 key = id;
	__u64 *v = bpf_map_lookup_elem(&xmip_nh_stats, &key);

	if (v) /* per-CPU: no atomics */
		(*v)++;
}

/* Fill fib from an entry as bpf_fib_lookup would for tot_len bytes. */
static __always_inline int nexthop_answer(const struct xmip_nexthop *nh, __u32 tot_len,
					  struct bpf_fib_lookup *fib)
{
	fib->ifindex = nh->ifindex;
	__builtin_memcpy(fib->dmac, nh->dmac, ETH_ALEN);
	__builtin_memcpy(fib->smac, nh->smac, ETH_ALEN);
	if (tot_len > nh->mtu) {
		fib->mtu_result = nh->mtu;
		return BPF_FIB_LKUP_RET_FRAG_NEEDED;
	}
	return BPF_FIB_LKUP_RET_SUCCESS;
}

/* The cached next hop towards dst for a packet of tot_len bytes, in fib's
 * ifindex/smac/dmac: BPF_FIB_LKUP_RET_SUCCESS, or FRAG_NEEDED with
 * mtu_result set, as bpf_fib_lookup answers. -1: no usable entry (none, an
 * older generation, the cache off); the caller asks bpf_fib_lookup. */
static __always_inline int nexthop_cached(const struct xmip_in6 *dst, __u32 tot_len,
					  struct bpf_fib_lookup *fib)
{
	__u32 zero = 0;
	const struct xmip_nh_state *st = bpf_map_lookup_elem(&xmip_nh_state_map, &zero);
	const struct xmip_nexthop *nh;

	if (!st || (st->flags & XMIP_NHF_OFF)) {
		nh_count(XMIP_NH_OFF);
		return -1;
	}
	nh = bpf_map_lookup_elem(&xmip_nexthops, dst);
	if (!nh) {
		nh_count(XMIP_NH_MISS);
		return -1;
	}
	if (nh->gen != st->gen) {
		nh_count(XMIP_NH_STALE);
		return -1;
	}
	nh_count(XMIP_NH_HIT);
	return nexthop_answer(nh, tot_len, fib);
}

/* The uplink's route lookup: xmip_routes when the agent keeps it honest
 * (XMIP_NHF_ROUTES, not XMIP_NHF_OFF) and holds an entry of the current
 * route_gen for exactly these inputs, else bpf_fib_lookup, whose success is
 * remembered with the route_gen read *before* it: an answer given from a route the
 * agent has since seen change carries an older generation, never the new
 * one. Same results as fib_lookup_ipv6 with the same arguments (flags 0). */
static __always_inline int route_lookup_ipv6(struct xdp_md *ctx, struct bpf_fib_lookup *fib,
					     const struct xmip_route_key *k, __u32 tot_len)
{
	__u32 zero = 0, gen;
	const struct xmip_nh_state *st = bpf_map_lookup_elem(&xmip_nh_state_map, &zero);
	const struct xmip_nexthop *nh;
	struct xmip_nexthop fill;
	int rc;

	if (!st || (st->flags & (XMIP_NHF_OFF | XMIP_NHF_ROUTES)) != XMIP_NHF_ROUTES)
		return fib_lookup_ipv6(ctx, fib, k->ifindex, &k->src, &k->dst, k->flowinfo,
				       k->proto, tot_len, 0);
	gen = *(volatile const __u32 *)&st->route_gen;
	nh = bpf_map_lookup_elem(&xmip_routes, k);
	if (nh && nh->gen == gen) {
		nh_count(XMIP_NH_ROUTE_HIT);
		return nexthop_answer(nh, tot_len, fib);
	}
	nh_count(nh ? XMIP_NH_ROUTE_STALE : XMIP_NH_ROUTE_MISS);
	rc = fib_lookup_ipv6(ctx, fib, k->ifindex, &k->src, &k->dst, k->flowinfo, k->proto, tot_len,
			     0);
	/* On success the kernel (5.12+) leaves the route's MTU in mtu_result,
	 * 16 bits of it; an older kernel leaves tot_len there (the same union),
	 * and an MTU above 65535 wraps below 1280. Only an answer that cannot
	 * be either is remembered; the others just take the lookup each time. */
	if (rc == BPF_FIB_LKUP_RET_SUCCESS && fib->mtu_result > tot_len &&
	    fib->mtu_result >= XMIP_IPV6_MIN_MTU) {
		fill.ifindex = fib->ifindex;
		fill.mtu = fib->mtu_result;
		__builtin_memcpy(fill.dmac, fib->dmac, ETH_ALEN);
		__builtin_memcpy(fill.smac, fib->smac, ETH_ALEN);
		fill.gen = gen;
		bpf_map_update_elem(&xmip_routes, k, &fill, BPF_ANY);
	}
	return rc;
}

#endif
