/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ro_rh2.bpf.h - the type 2 routing header (RFC 6275 6.4): the
 * correspondent inserts it on the way out (tc egress), the mobile node takes
 * it on the way in (XDP). This kernel has no MIP6: its stack drops a type 2
 * routing header with segments left 1 and ignores one with segments left 0
 * (an unknown routing type that is used up, RFC 8200 4.4).
 * docs/route-optimisation.md, "Datapath".
 *
 * Both functions return a verdict, or -1 for "not route-optimised traffic:
 * carry on as without route optimisation".
 */
#ifndef XMIP_RO_RH2_BPF_H
#define XMIP_RO_RH2_BPF_H

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ipv6.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>
#include "xmip_shared.h"
#include "maps.bpf.h"
#include "parse.bpf.h"
#include "encap.bpf.h"
#include "forward.bpf.h"
#include "ro_maps.bpf.h"

#ifndef offsetof
#define offsetof(t, m) __builtin_offsetof(t, m)
#endif

/* Offsets inside a type 2 routing header (RFC 6275 6.4). */
#define XMIP_RH_TYPE 2
#define XMIP_RH_SEGLEFT 3
#define XMIP_RH2_ADDR 8

/*
 * Correspondent egress: a packet from this node's address to a home address
 * it holds a binding for leaves to the care-of address with the home address
 * in a type 2 routing header (segments left 1). The upper-layer checksum was
 * computed with the home address as destination, which is the final
 * destination the pseudo-header takes (RFC 8200 8.1) and what the mobile
 * node's stack sees after its datapath swapped it back. The care-of address
 * may be reached by another interface or next hop than the home address:
 * the packet is routed again (bpf_redirect_neigh fills the link layer).
 */
static __always_inline int ro_cn_egress(struct __sk_buff *skb, __u32 rx_len)
{
	const __u32 l3 = sizeof(struct ethhdr);
	struct xmip_ro_binding *rb;
	struct bpf_fib_lookup fib;
	struct xmip_ro_key key;
	struct ethhdr *eth;
	struct ipv6hdr *ip6;
	void *data, *data_end;
	__u8 hdr[XMIP_RO_EXT_LEN];
	__u8 nexthdr = XMIP_NEXTHDR_ROUTING;
	__be16 plen;
	__u32 mtu_len = 0;
	int rc;

	bpf_skb_pull_data(skb, sizeof(*eth) + sizeof(*ip6) + 4);
	data = (void *)(long)skb->data;
	data_end = (void *)(long)skb->data_end;
	if (parse_eth_ipv6(data, data_end, &eth, &ip6) != PARSE_OK)
		return -1;
	if (ro_leaves_alone(ip6, data_end))
		return -1;
	ro_key(&key, &ip6->daddr, &ip6->saddr);
	rb = bpf_map_lookup_elem(&xmip_cn_bindings, &key);
	if (!rb)
		return -1;

	hdr[0] = ip6->nexthdr;
	hdr[1] = XMIP_RO_EXT_LEN / 8 - 1;
	hdr[XMIP_RH_TYPE] = XMIP_RH2_TYPE;
	hdr[XMIP_RH_SEGLEFT] = 1;
	*(__u32 *)(hdr + 4) = 0;
	__builtin_memcpy(hdr + XMIP_RH2_ADDR, &ip6->daddr, 16);
	plen = bpf_htons(bpf_ntohs(ip6->payload_len) + XMIP_RO_EXT_LEN);

	rc = fib_lookup_ipv6(skb, &fib, skb->ifindex, &ip6->saddr, &rb->care_of,
			     *(__be32 *)ip6 & bpf_htonl(0x000fffff), ip6->nexthdr, 0,
			     BPF_FIB_LOOKUP_OUTPUT);
	/* FWD_DISABLED: a host; fib.ifindex is still ours and
	 * bpf_redirect_neigh routes by itself (as xmip_mn_egress). */
	if (rc != BPF_FIB_LKUP_RET_SUCCESS && rc != BPF_FIB_LKUP_RET_NO_NEIGH &&
	    rc != BPF_FIB_LKUP_RET_FWD_DISABLED) {
		count(XMIP_CNT_DROP_NO_ROUTE, rx_len);
		return TC_ACT_SHOT;
	}
	if (bpf_check_mtu(skb, fib.ifindex, &mtu_len, XMIP_RO_EXT_LEN, 0)) {
		/* Dropped, the sender would never learn why (no Packet Too Big
		 * from here): the home agent's path takes it and answers. */
		count(XMIP_CNT_RO_CN_TOO_BIG, rx_len);
		return TC_ACT_OK;
	}
	if (bpf_skb_adjust_room(skb, XMIP_RO_EXT_LEN, BPF_ADJ_ROOM_NET, 0) ||
	    bpf_skb_store_bytes(skb, l3 + sizeof(struct ipv6hdr), hdr, sizeof(hdr), 0) ||
	    bpf_skb_store_bytes(skb, l3 + offsetof(struct ipv6hdr, payload_len), &plen,
				sizeof(plen), 0) ||
	    bpf_skb_store_bytes(skb, l3 + offsetof(struct ipv6hdr, nexthdr), &nexthdr, 1, 0) ||
	    bpf_skb_store_bytes(skb, l3 + offsetof(struct ipv6hdr, daddr), &rb->care_of, 16, 0)) {
		count(XMIP_CNT_DROP_ADJUST, rx_len);
		return TC_ACT_SHOT;
	}
	ro_mark_used(rb);
	count(XMIP_CNT_RO_CN_RH2, rx_len);
	return bpf_redirect_neigh(fib.ifindex, NULL, 0, 0);
}

/*
 * Mobile node ingress: ip6 is addressed to one of its addresses (a care-of
 * address) and starts with a type 2 routing header.
 *   - Length other than 24 bytes, segments left other than 1, cut short:
 *     dropped, counted (RFC 6275 6.4: exactly one address, 1 left).
 *   - A Mobility Header behind it (the correspondent's BA): -1, the agent
 *     gets it exactly as received.
 *   - The address in it is a home address of this node (a binding in
 *     xmip_bindings): processed as RFC 8200 4.4 / RFC 6275 11.3.3 say a
 *     node processes it: destination and the routing header's address
 *     swapped, segments left 0. The stack then sees a packet to the home
 *     address whose type 2 routing header is used up, which it ignores as
 *     an unknown routing type with nothing left (REFERENCE 5b); the
 *     upper-layer checksum, computed for the home address, holds.
 *   - Any other address: dropped, counted (RFC 6275 11.3.3: never
 *     forwarded, whatever it names).
 */
static __always_inline int ro_mn_ingress(struct ipv6hdr *ip6, void *data_end, __u32 rx_len)
{
	__u8 *rh = (__u8 *)(ip6 + 1);
	struct xmip_in6 coa;

	if (ip6->nexthdr != XMIP_NEXTHDR_ROUTING)
		return -1;
	if ((void *)(rh + XMIP_RH_TYPE + 1) > data_end || rh[XMIP_RH_TYPE] != XMIP_RH2_TYPE)
		return -1; /* cut before the type, or another routing type: not ours */
	if ((void *)(rh + XMIP_RO_EXT_LEN) > data_end ||
	    sizeof(*ip6) + XMIP_RO_EXT_LEN > ipv6_len(ip6) || rh[1] != XMIP_RO_EXT_LEN / 8 - 1 ||
	    rh[XMIP_RH_SEGLEFT] != 1) {
		count(XMIP_CNT_RO_RH2_MALFORMED, rx_len);
		return XDP_DROP;
	}
	if (rh[0] == IPPROTO_MH)
		return -1;
	if (!bpf_map_lookup_elem(&xmip_bindings, rh + XMIP_RH2_ADDR)) {
		count(XMIP_CNT_RO_MN_RH2_FOREIGN, rx_len);
		return XDP_DROP;
	}
	__builtin_memcpy(&coa, &ip6->daddr, 16);
	__builtin_memcpy(&ip6->daddr, rh + XMIP_RH2_ADDR, 16);
	__builtin_memcpy(rh + XMIP_RH2_ADDR, &coa, 16);
	rh[XMIP_RH_SEGLEFT] = 0;
	count(XMIP_CNT_RO_MN_RH2, rx_len);
	return XDP_PASS;
}

#endif
