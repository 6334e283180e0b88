/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ro_maps.bpf.h - the route-optimisation maps (docs/route-optimisation.md,
 * "Datapath") and the rate limit on what the correspondent's datapath tells
 * the agent.
 */
#ifndef XMIP_RO_MAPS_BPF_H
#define XMIP_RO_MAPS_BPF_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "xmip_shared.h"

/* Mobile node: (home address, correspondent) -> the care-of address the
 * correspondent accepted in its BA. Written by the agent after return
 * routability, removed when the binding lapses or is refused. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, XMIP_DEFAULT_MAX_RO_PEERS);
	__type(key, struct xmip_ro_key);
	__type(value, struct xmip_ro_binding);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} xmip_ro_peers SEC(".maps");

/* Correspondent: (home address, own address) -> the registered care-of
 * address: its binding cache as the datapath needs it. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, XMIP_DEFAULT_MAX_CN_BINDINGS);
	__type(key, struct xmip_ro_key);
	__type(value, struct xmip_ro_binding);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} xmip_cn_bindings SEC(".maps");

/* Per CPU: the second being counted and how many packets were copied to the
 * agent in it. Not pinned: a restart may start a fresh second. */
struct xmip_ro_signal_budget {
	__u64 second;
	__u64 sent;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xmip_ro_signal_budget);
} xmip_ro_signal_rate SEC(".maps");

#define XMIP_NSEC_PER_SEC 1000000000ull

/* 1 if another packet may go to the agent this second on this CPU. A fixed
 * window, not a token bucket: Binding Errors need a bound, not smoothness. */
static __always_inline int ro_signal_allowed(void)
{
	__u32 key = 0;
	struct xmip_ro_signal_budget *b = bpf_map_lookup_elem(&xmip_ro_signal_rate, &key);
	__u64 now = bpf_ktime_get_ns() / XMIP_NSEC_PER_SEC;

	if (!b)
		return 0;
	if (b->second != now) {
		b->second = now;
		b->sent = 0;
	}
	if (b->sent >= XMIP_RO_SIGNALS_PER_SEC)
		return 0;
	b->sent++;
	return 1;
}

/* A packet used the binding: XMIP_RF_USED for the agent, which reads and
 * clears it to send a Binding Refresh Request only for bindings in use
 * (RFC 6275 9.5.5). Written only when missing, so a stream costs one write
 * per refresh period and the value's cache line stays shared between CPUs;
 * two CPUs setting it together write the same bit. */
static __always_inline void ro_mark_used(struct xmip_ro_binding *rb)
{
	if (!(rb->flags & XMIP_RF_USED))
		rb->flags |= XMIP_RF_USED;
}

static __always_inline void ro_key(struct xmip_ro_key *k, const void *home,
				   const void *correspondent)
{
	__builtin_memcpy(&k->home, home, sizeof(k->home));
	__builtin_memcpy(&k->correspondent, correspondent, sizeof(k->correspondent));
}

/* Packets the route-optimising egress programs leave alone: signalling (the
 * agent builds its own headers, and a HoTI/HoT must take the home agent's
 * path, RFC 6275 5.2.5), Neighbour Discovery, and packets whose first
 * header is one that must stay first or before ours (hop-by-hop; routing and
 * destination options, whose order with ours RFC 8200 4.1 fixes: xmip does
 * not walk past them, these go as without route optimisation). */
static __always_inline int ro_leaves_alone(const struct ipv6hdr *ip6, void *data_end)
{
	__u8 nh = ip6->nexthdr;

	if (nh == XMIP_NEXTHDR_HOP || nh == XMIP_NEXTHDR_ROUTING || nh == XMIP_NEXTHDR_DEST ||
	    nh == IPPROTO_MH)
		return 1;
	return is_nd_type(icmpv6_type(ip6, data_end)) || is_link_local(&ip6->saddr) ||
	       is_link_local(&ip6->daddr);
}

#endif
