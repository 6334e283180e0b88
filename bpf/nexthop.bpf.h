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
	fib->ifindex = nh->ifindex;
	__builtin_memcpy(fib->dmac, nh->dmac, ETH_ALEN);
	__builtin_memcpy(fib->smac, nh->smac, ETH_ALEN);
	if (tot_len > nh->mtu) {
		fib->mtu_result = nh->mtu;
		return BPF_FIB_LKUP_RET_FRAG_NEEDED;
	}
	return BPF_FIB_LKUP_RET_SUCCESS;
}

#endif
