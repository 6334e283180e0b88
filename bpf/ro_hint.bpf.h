/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ro_hint.bpf.h - the mobile node's egress tells the agent which
 * correspondents' packets take the tunnel, so that it may start return
 * routability with them (RFC 6275 11.3.1, docs/route-optimisation.md, "The
 * mobile node"). Once per (home address, correspondent) per
 * XMIP_RO_HINT_INTERVAL_NS, not per packet: a last-sent time per pair in an
 * LRU hash (a flood of destinations evicts old pairs, never grows the map).
 * Only with XMIP_CF_RO_HINTS in the configuration (route optimisation on).
 */
#ifndef XMIP_RO_HINT_BPF_H
#define XMIP_RO_HINT_BPF_H

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ipv6.h>
#include <bpf/bpf_helpers.h>
#include "xmip_shared.h"
#include "maps.bpf.h"
#include "parse.bpf.h"
#include "ro_maps.bpf.h"

/* (home address, correspondent) -> bpf_ktime_get_ns() of the last hint. Not
 * pinned: a restarted agent may hear about every peer again. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, XMIP_DEFAULT_MAX_RO_PEERS);
	__type(key, struct xmip_ro_key);
	__type(value, __u64);
} xmip_ro_hints SEC(".maps");

/* ip6: a packet from a bound home address about to be tunnelled. Ignores
 * what route optimisation leaves alone anyway (ro_leaves_alone) and
 * multicast; a full ring only loses the hint (the next comes a second later). */
static __always_inline void ro_hint(struct __sk_buff *skb, const struct xmip_config *cfg,
				    const struct ipv6hdr *ip6, void *data_end)
{
	struct xmip_signal_event *ev;
	struct xmip_ro_key key;
	__u64 now, *last;

	if (!cfg || !(cfg->flags & XMIP_CF_RO_HINTS))
		return;
	if (ip6->daddr.in6_u.u6_addr8[0] == 0xff || ro_leaves_alone(ip6, data_end))
		return;
	ro_key(&key, &ip6->saddr, &ip6->daddr);
	now = bpf_ktime_get_ns();
	last = bpf_map_lookup_elem(&xmip_ro_hints, &key);
	if (last && now - *last < XMIP_RO_HINT_INTERVAL_NS)
		return;
	bpf_map_update_elem(&xmip_ro_hints, &key, &now, BPF_ANY);
	/* 40 bytes: a small record (xmip_shared.h, XMIP_SIGNAL_SMALL_LEN). */
	ev = bpf_ringbuf_reserve(&xmip_signal_ring, XMIP_SIGNAL_HDR_LEN + XMIP_SIGNAL_SMALL_LEN, 0);
	if (!ev)
		return;
	if (bpf_skb_load_bytes(skb, sizeof(struct ethhdr), ev->data, sizeof(struct ipv6hdr))) {
		bpf_ringbuf_discard(ev, 0);
		return;
	}
	ev->ifindex = skb->ifindex;
	ev->len = sizeof(struct ipv6hdr);
	ev->orig_len = ipv6_len(ip6);
	ev->kind = XMIP_SIG_RO_HINT;
	bpf_ringbuf_submit(ev, 0);
}

#endif
