/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * parse.bpf.h - bounds-checked parsing of Ethernet, IPv6 and the IPv6
 * extension-header chain. Used by the XDP and tc programs alike: everything
 * takes raw data/data_end pointers.
 */
#ifndef XMIP_PARSE_BPF_H
#define XMIP_PARSE_BPF_H

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ipv6.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>
#include "xmip_shared.h"

#ifndef IPPROTO_MH
#define IPPROTO_MH 135
#endif
#define XMIP_NEXTHDR_HOP 0
#define XMIP_NEXTHDR_ROUTING 43
#define XMIP_NEXTHDR_FRAGMENT 44
#define XMIP_NEXTHDR_AUTH 51
#define XMIP_NEXTHDR_DEST 60
#define XMIP_NEXTHDR_NONE 59
#define XMIP_NEXTHDR_IPV6 41
#define XMIP_NEXTHDR_ICMPV6 58

/* Neighbour Discovery's ICMPv6 types (RFC 4861 4): Router Solicitation and
 * Advertisement, Neighbor Solicitation and Advertisement, Redirect. The
 * kernel keeps its NDISC_* names out of the UAPI headers. They are valid
 * only with hop limit 255 (never forwarded). */
#define XMIP_ND_ROUTER_SOLICIT 133
#define XMIP_ND_ROUTER_ADVERT 134
#define XMIP_ND_NEIGHBOUR_SOLICIT 135
#define XMIP_ND_NEIGHBOUR_ADVERT 136
#define XMIP_ND_REDIRECT 137
#define XMIP_ND_HOP_LIMIT 255

/* fe80::/10 (RFC 4291 2.5.6): the first 10 bits. */
#define XMIP_LINK_LOCAL_BYTE0 0xfe
#define XMIP_LINK_LOCAL_BYTE1 0x80
#define XMIP_LINK_LOCAL_MASK1 0xc0

/* At most this many extension headers are walked, and none past this offset:
 * real signalling and tunnel packets carry one or two. Longer chains are
 * passed to the stack (counted), never misread. */
#define XMIP_MAX_EXT_HDRS 6
#define XMIP_MAX_EXT_OFFSET 512

enum parse_result {
	PARSE_OK,
	PARSE_NOT_IPV6,
	PARSE_VLAN,
	PARSE_TRUNCATED,
};

/* Ethernet then IPv6, both complete, version 6, payload length not beyond the
 * frame. On PARSE_OK *ip6out points at the IPv6 header (offset ETH_HLEN). */
static __always_inline enum parse_result parse_eth_ipv6(void *data, void *data_end,
							 struct ethhdr **ethout,
							 struct ipv6hdr **ip6out)
{
	struct ethhdr *eth = data;
	struct ipv6hdr *ip6;

	if ((void *)(eth + 1) > data_end)
		return PARSE_TRUNCATED;
	if (eth->h_proto == bpf_htons(ETH_P_8021Q) || eth->h_proto == bpf_htons(ETH_P_8021AD))
		return PARSE_VLAN;
	if (eth->h_proto != bpf_htons(ETH_P_IPV6))
		return PARSE_NOT_IPV6;
	ip6 = (void *)(eth + 1);
	if ((void *)(ip6 + 1) > data_end || ip6->version != 6)
		return PARSE_TRUNCATED;
	if ((void *)(ip6 + 1) + bpf_ntohs(ip6->payload_len) > data_end)
		return PARSE_TRUNCATED;
	*ethout = eth;
	*ip6out = ip6;
	return PARSE_OK;
}

/* Length of the IPv6 packet as declared by its header (Ethernet padding of
 * short frames is not part of it). A jumbogram declares 0: callers treat
 * that as "not ours" before they get here. */
static __always_inline __u32 ipv6_len(const struct ipv6hdr *ip6)
{
	return sizeof(*ip6) + bpf_ntohs(ip6->payload_len);
}

/* A link-local address: never forwarded, so never tunnelled (RFC 4291 2.5.6). */
static __always_inline int is_link_local(const struct in6_addr *a)
{
	return a->in6_u.u6_addr8[0] == XMIP_LINK_LOCAL_BYTE0 &&
	       (a->in6_u.u6_addr8[1] & XMIP_LINK_LOCAL_MASK1) == XMIP_LINK_LOCAL_BYTE1;
}

/* The ICMPv6 type of ip6 if an ICMPv6 header follows it directly, else -1. */
static __always_inline int icmpv6_type(const struct ipv6hdr *ip6, void *data_end)
{
	const __u8 *icmp = (const __u8 *)(ip6 + 1);

	if (ip6->nexthdr != XMIP_NEXTHDR_ICMPV6 || (void *)(icmp + 1) > data_end)
		return -1;
	return icmp[0];
}

static __always_inline int is_nd_type(int type)
{
	return type >= XMIP_ND_ROUTER_SOLICIT && type <= XMIP_ND_REDIRECT;
}

struct upper_layer {
	__u8 proto;  /* the first header that is not a walked extension header */
	__u16 off;   /* its offset from the start of the IPv6 header */
};

/*
 * Walk hop-by-hop, routing and destination-options headers to the upper
 * layer. Stops at a fragment header (a fragment's payload is not parseable
 * here) and at AH, reporting them as the upper layer so the caller passes the
 * packet on. Returns 0, or -1 if a header runs past the packet (as its
 * payload length declares it: what follows is link padding) or the chain is
 * longer than we walk. A header is checked whole, not only its first two
 * bytes: otherwise the upper layer of a cut header would be looked for past
 * the packet's end (a signalling packet handed to the agent with its Mobility
 * Header missing, a tunnel counted as truncated instead of unparsed).
 */
static __always_inline int walk_ext_headers(void *data_end, struct ipv6hdr *ip6,
					    struct upper_layer *ul)
{
	__u32 len = ipv6_len(ip6);
	__u8 nexthdr = ip6->nexthdr;
	__u32 off = sizeof(*ip6);
	int i;

#pragma unroll
	for (i = 0; i < XMIP_MAX_EXT_HDRS; i++) {
		__u8 *h;

		if (nexthdr != XMIP_NEXTHDR_HOP && nexthdr != XMIP_NEXTHDR_ROUTING &&
		    nexthdr != XMIP_NEXTHDR_DEST) {
			ul->proto = nexthdr;
			ul->off = off;
			return 0;
		}
		if (off > XMIP_MAX_EXT_OFFSET)
			return -1;
		h = (__u8 *)ip6 + off;
		if ((void *)(h + 2) > data_end)
			return -1;
		nexthdr = h[0];
		off += ((__u32)h[1] + 1) * 8;
		if (off > len)
			return -1;
	}
	return -1;
}

#endif
