/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ha_local.bpf.h - the home agent's own traffic to an away home address
 * (issue 18 item 3): a ping, an ICMPv6 error, a probe the home agent sends
 * itself. XDP sees only what arrives, so this runs at tc egress on the home
 * link (xmip_ha_egress in xmip.bpf.c).
 *
 * The kernel routes a bound home address onto the home link, where nobody
 * answers for it (the mobile node is away; a host's proxy entry answers
 * others, never itself): the packet would wait in neighbour resolution and
 * never reach tc. So the home agent's own Neighbour Solicitation for a bound
 * home address is answered here, by a Neighbour Advertisement handed back to
 * the home link's ingress. The kernel's neighbour entry then resolves, the
 * waiting packets reach tc egress, and they are tunnelled to the care-of
 * address like forwarded ones. The advertisement names XMIP_OWN_NEIGH_MAC,
 * not the link's own MAC: the kernel ignores an advertisement of its own
 * MAC for an address it proxies (ndisc_recv_na), which a bound home address
 * is. Frames to it never reach the wire while this program is attached.
 * Solicitations from the unspecified address (duplicate address detection
 * for the mobile node, RFC 6275 10.4.1) go out untouched: they ask the link.
 */
#ifndef XMIP_HA_LOCAL_BPF_H
#define XMIP_HA_LOCAL_BPF_H

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ipv6.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>
#include "xmip_shared.h"
#include "maps.bpf.h"
#include "parse.bpf.h"
#include "csum.bpf.h"
#include "encap.bpf.h"

#define XMIP_ND_OPT_TARGET_LLADDR 2
#define XMIP_NA_FLAG_SOLICITED 0x40000000u
/* 02:78:6d:69:70:00, "xmip" in a locally administered unicast address. */
#define XMIP_OWN_NEIGH_MAC                                                                         \
	{                                                                                          \
		0x02, 'x', 'm', 'i', 'p', 0x00                                                     \
	}

/* The ICMPv6 part of the Neighbour Advertisement this builds (RFC 4861 4.4):
 * header, flags, target, Target Link-Layer Address option. */
struct ha_na_body {
	__u8 type;
	__u8 code;
	__be16 csum;
	__be32 flags;
	struct xmip_in6 target;
	__u8 opt_type;
	__u8 opt_len; /* units of 8 bytes */
	__u8 mac[6];
};

/* Offsets of the Neighbour Solicitation's target in the frame. */
#define HA_NS_TARGET_OFF (ETH_HLEN + sizeof(struct ipv6hdr) + 8)
#define HA_NS_MIN_LEN (HA_NS_TARGET_OFF + sizeof(struct xmip_in6))

static __always_inline int in6_is_unspecified(const struct in6_addr *a)
{
	return (a->in6_u.u6_addr32[0] | a->in6_u.u6_addr32[1] | a->in6_u.u6_addr32[2] |
		a->in6_u.u6_addr32[3]) == 0;
}

/* ff02::1:ffXX:XXXX, where Neighbour Solicitations for resolution go. */
static __always_inline int is_solicited_node(const struct in6_addr *a)
{
	return a->in6_u.u6_addr32[0] == bpf_htonl(0xff020000) && a->in6_u.u6_addr32[1] == 0 &&
	       a->in6_u.u6_addr32[2] == bpf_htonl(1) && a->in6_u.u6_addr8[12] == 0xff;
}

/*
 * The key a packet leaving the home link is looked up by: the target of a
 * Neighbour Solicitation to a solicited-node address, else the destination.
 * Returns -1 when the frame is no IPv6 packet tc could read a header from.
 */
static __always_inline int ha_egress_key(struct __sk_buff *skb, struct xmip_in6 *key)
{
	struct ipv6hdr ip6;
	__u8 type;

	if (bpf_skb_load_bytes(skb, ETH_HLEN, &ip6, sizeof(ip6)))
		return -1;
	if (ip6.nexthdr == XMIP_NEXTHDR_ICMPV6 && is_solicited_node(&ip6.daddr) &&
	    !bpf_skb_load_bytes(skb, ETH_HLEN + sizeof(ip6), &type, 1) &&
	    type == XMIP_ND_NEIGHBOUR_SOLICIT)
		return bpf_skb_load_bytes(skb, HA_NS_TARGET_OFF, key, sizeof(*key));
	__builtin_memcpy(key, &ip6.daddr, sizeof(*key));
	return 0;
}

/*
 * ip6 (in a frame of len bytes) is this host's Neighbour Solicitation for
 * the bound home address hoa, from one of its own addresses: turn the frame
 * into the advertisement that answers it and hand that to the home link's
 * ingress. Returns TC_ACT_REDIRECT, or -1 when the packet is not such a
 * solicitation (the caller lets it go).
 */
static __always_inline int ha_answer_own_ns(struct __sk_buff *skb, const struct ethhdr *eth,
					    const struct ipv6hdr *ip6, void *data_end,
					    const struct xmip_in6 *hoa, __u32 rx_len)
{
	const __u8 *icmp = (const __u8 *)(ip6 + 1);
	struct ha_na_body na = {};
	struct ipv6hdr hdr = {};
	const __u8 own_mac[ETH_ALEN] = XMIP_OWN_NEIGH_MAC;
	struct ethhdr e;
	__u32 *w = (__u32 *)&na;
	__u64 sum;
	int i;

	if ((void *)(icmp + 24) > data_end || icmp[0] != XMIP_ND_NEIGHBOUR_SOLICIT ||
	    icmp[1] != 0 || ip6->hop_limit != XMIP_ND_HOP_LIMIT ||
	    in6_is_unspecified(&ip6->saddr) || !in6_equal(icmp + 8, hoa))
		return -1;

	__builtin_memcpy(e.h_dest, eth->h_source, ETH_ALEN);
	__builtin_memcpy(e.h_source, own_mac, ETH_ALEN);
	e.h_proto = bpf_htons(ETH_P_IPV6);
	*(__be32 *)&hdr = bpf_htonl(6u << 28);
	hdr.payload_len = bpf_htons(sizeof(na));
	hdr.nexthdr = XMIP_NEXTHDR_ICMPV6;
	hdr.hop_limit = XMIP_ND_HOP_LIMIT;
	copy_in6(&hdr.saddr, hoa);
	__builtin_memcpy(&hdr.daddr, &ip6->saddr, sizeof(hdr.daddr));
	na.type = XMIP_ND_NEIGHBOUR_ADVERT;
	na.flags = bpf_htonl(XMIP_NA_FLAG_SOLICITED);
	na.target = *hoa;
	na.opt_type = XMIP_ND_OPT_TARGET_LLADDR;
	na.opt_len = 1;
	__builtin_memcpy(na.mac, own_mac, ETH_ALEN);

	sum = ipv6_pseudo_sum(&hdr.saddr, &hdr.daddr, sizeof(na), XMIP_NEXTHDR_ICMPV6);
#pragma unroll
	for (i = 0; i < (int)(sizeof(na) / 4); i++)
		sum += w[i];
	na.csum = csum_fold(sum);

	/* From here the frame's pointers are stale: only the copies are used. */
	if (bpf_skb_change_tail(skb, ETH_HLEN + sizeof(hdr) + sizeof(na), 0) ||
	    bpf_skb_store_bytes(skb, 0, &e, sizeof(e), 0) ||
	    bpf_skb_store_bytes(skb, ETH_HLEN, &hdr, sizeof(hdr), 0) ||
	    bpf_skb_store_bytes(skb, ETH_HLEN + sizeof(hdr), &na, sizeof(na), 0)) {
		count(XMIP_CNT_DROP_ADJUST, rx_len);
		return TC_ACT_SHOT;
	}
	count(XMIP_CNT_HA_OWN_NS_ANSWERED, rx_len);
	/* A constant verdict: the verifier must see no path back to the
	 * caller's (now stale) packet pointers. */
	return bpf_redirect(skb->ifindex, BPF_F_INGRESS) == TC_ACT_REDIRECT ? TC_ACT_REDIRECT
									    : TC_ACT_SHOT;
}

/* Left alone even to a bound home address: Neighbour Discovery (the proxy's
 * answers; RFC 6275 11.2.1 never tunnels it), link-local traffic, Mobility
 * Header signalling (the agent addresses it itself), an IPv6-in-IPv6 packet
 * (already a tunnel's: never wrapped twice) and a jumbogram (no length to
 * size the outer header by). */
static __always_inline int ha_local_stays(const struct ipv6hdr *ip6, void *data_end)
{
	if (is_link_local(&ip6->saddr) || is_link_local(&ip6->daddr))
		return 1;
	if (ip6->nexthdr == IPPROTO_MH || ip6->nexthdr == XMIP_NEXTHDR_IPV6)
		return 1;
	if (ip6->payload_len == 0 && ip6->nexthdr == XMIP_NEXTHDR_HOP)
		return 1;
	return is_nd_type(icmpv6_type(ip6, data_end)) ||
	       (ip6->nexthdr == XMIP_NEXTHDR_ICMPV6 && (void *)((__u8 *)(ip6 + 1) + 1) > data_end);
}

#endif
