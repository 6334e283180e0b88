/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * nd_proxy.bpf.h - the home agent defends bound home addresses on the home
 * link (RFC 6275 10.4.1) from the bindings map: a Neighbour Solicitation
 * arriving on the home link whose target is a bound home address is
 * answered here with a Neighbour Advertisement naming the home agent's MAC,
 * sent back out of the same link (XDP_TX).
 *
 * Why not the kernel's proxy entries: each one joins the target's
 * solicited-node group, and the kernel keeps a device's groups in a list it
 * walks on every join (__ipv6_dev_mc_inc), so the N-th entry costs O(N):
 * 3.8 ms per entry at 5 x 10^4 entries here, which made 10^5 first
 * registrations unreachable (docs/performance.md, "Proxy Neighbour Discovery
 * at 10^5 bindings"). Here an answer costs one hash lookup whatever N, and a
 * binding costs nothing beyond its map entry.
 *
 * The answer is the kernel proxy's (ndisc_recv_ns): Solicited set, Override
 * and Router clear, a Target Link-Layer Address option; to the solicitation's
 * source, or, for duplicate address detection (source ::), to all nodes with
 * Solicited clear (RFC 4861 7.2.4). Its source is the binding's home agent
 * address, an address of the home link. Anything this does not answer (not
 * the home link, unbound target, malformed) goes to the stack unchanged:
 * the kernel validates it and, for link-local targets the agent still
 * proxies there, answers it.
 */
#ifndef XMIP_ND_PROXY_BPF_H
#define XMIP_ND_PROXY_BPF_H

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ipv6.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>
#include "xmip_shared.h"
#include "maps.bpf.h"
#include "parse.bpf.h"
#include "csum.bpf.h"
#include "ha_local.bpf.h"

#define ND_PROXY_ICMP_OFF (ETH_HLEN + sizeof(struct ipv6hdr))
#define ND_PROXY_NA_LEN (ND_PROXY_ICMP_OFF + sizeof(struct ha_na_body))

/* ff02::1:ffXX:XXXX with the target's low 24 bits (RFC 4291 2.7.1). */
static __always_inline int is_solicited_node_of(const struct in6_addr *group,
						const struct xmip_in6 *t)
{
	return is_solicited_node(group) && group->in6_u.u6_addr8[13] == t->u8[13] &&
	       group->in6_u.u6_addr8[14] == t->u8[14] && group->in6_u.u6_addr8[15] == t->u8[15];
}

#define XMIP_ND_OPT_SOURCE_LLADDR 1
/* The longest solicitation checked here: 24 bytes and options (a source
 * link-layer address, a nonce, ...). A longer one is left to the stack. */
#define ND_PROXY_MAX_NS_LEN 256
#define ND_PROXY_MAX_OPTS ((ND_PROXY_MAX_NS_LEN - 24) / 8)

/*
 * What RFC 4861 7.1.1 asks of a solicitation before it is acted on, the
 * parts the header checks in ha_nd_proxy() do not see: the ICMPv6 checksum,
 * options of non-zero length that end where the message does, and no
 * source link-layer address option with an unspecified source. len is the
 * ICMPv6 length (the payload length: the next header is ICMPv6), already
 * known to be at least 24 and within the frame. The kernel would drop what
 * fails; answering it instead would let an off-link or forged solicitation
 * (a bad checksum is what a corrupted or crafted one looks like) make the
 * home agent claim the address. 1: valid, 0: not.
 */
static __always_inline int nd_proxy_ns_valid(struct xdp_md *ctx, const struct ipv6hdr *ip6,
					     __u32 len, int dad)
{
	__u64 sum;
	__u32 off = 24;
	__u8 opt[2];
	int i;

	if (len > ND_PROXY_MAX_NS_LEN || len % 8)
		return 0;
	sum = ipv6_pseudo_sum(&ip6->saddr, &ip6->daddr, len, XMIP_NEXTHDR_ICMPV6);
	if (xdp_sum_bytes(ctx, ND_PROXY_ICMP_OFF, len, &sum) || csum_fold(sum) != 0)
		return 0;
	for (i = 0; i < ND_PROXY_MAX_OPTS; i++) {
		if (off >= len)
			break;
		if (bpf_xdp_load_bytes(ctx, ND_PROXY_ICMP_OFF + off, opt, sizeof(opt)))
			return 0;
		if (opt[1] == 0 || (dad && opt[0] == XMIP_ND_OPT_SOURCE_LLADDR))
			return 0;
		off += (__u32)opt[1] * 8;
	}
	return off == len;
}

/*
 * Returns XDP_TX (the frame became the answer), XDP_DROP (it could not be
 * rewritten, counted), XDP_PASS (a solicitation on the home link that fails
 * RFC 4861 7.1.1, counted: the stack drops it) or -1: not a solicitation
 * this answers, the caller goes on with the packet untouched.
 */
static __always_inline int ha_nd_proxy(struct xdp_md *ctx, const struct ethhdr *eth,
				       const struct ipv6hdr *ip6, void *data_end, __u32 rx_len)
{
	const __u8 *icmp = (const __u8 *)(ip6 + 1);
	const struct xmip_config *cfg;
	const struct xmip_binding *b;
	struct ha_na_body na = {};
	struct ipv6hdr hdr = {};
	struct ethhdr e;
	struct xmip_in6 target;
	struct ethhdr *out_eth;
	void *data;
	__u32 *w = (__u32 *)&na;
	__u64 sum;
	__u32 len;
	int dad, i;

	if (ip6->nexthdr != XMIP_NEXTHDR_ICMPV6 || (void *)(icmp + 24) > data_end ||
	    icmp[0] != XMIP_ND_NEIGHBOUR_SOLICIT)
		return -1;
	cfg = config();
	if (!cfg || !(cfg->flags & XMIP_CF_ND_PROXY) || ctx->ingress_ifindex != cfg->home_ifindex)
		return -1;
	/* RFC 4861 7.1.1, the header's part: from the link (hop limit 255),
	 * code 0, at least 24 bytes and no more than the frame holds, and
	 * duplicate address detection (source ::) only to a solicited-node
	 * group. Invalid: counted and left to the stack, which drops it; never
	 * answered, nor taken for a packet to the home address. */
	dad = in6_is_unspecified(&ip6->saddr);
	len = bpf_ntohs(ip6->payload_len);
	if (icmp[1] != 0 || ip6->hop_limit != XMIP_ND_HOP_LIMIT || len < 24 ||
	    (void *)icmp + len > data_end || (dad && !is_solicited_node(&ip6->daddr)))
		goto invalid;
	__builtin_memcpy(&target, icmp + 8, sizeof(target));
	b = bpf_map_lookup_elem(&xmip_bindings, &target);
	if (!b)
		return -1;
	if (!is_solicited_node_of(&ip6->daddr, &target) && !in6_equal(&ip6->daddr, &target))
		return -1;
	/* Ours to answer: the checks that read the whole message, only now. */
	if (!nd_proxy_ns_valid(ctx, ip6, len, dad))
		goto invalid;

	__builtin_memcpy(e.h_dest, eth->h_source, ETH_ALEN);
	if (dad) {
		const __u8 all_nodes_mac[ETH_ALEN] = {0x33, 0x33, 0, 0, 0, 1};

		__builtin_memcpy(e.h_dest, all_nodes_mac, ETH_ALEN);
	}
	__builtin_memcpy(e.h_source, cfg->home_mac, ETH_ALEN);
	e.h_proto = bpf_htons(ETH_P_IPV6);
	*(__be32 *)&hdr = bpf_htonl(6u << 28);
	hdr.payload_len = bpf_htons(sizeof(na));
	hdr.nexthdr = XMIP_NEXTHDR_ICMPV6;
	hdr.hop_limit = XMIP_ND_HOP_LIMIT;
	copy_in6(&hdr.saddr, &b->local);
	if (dad) {
		hdr.daddr.in6_u.u6_addr32[0] = bpf_htonl(0xff020000);
		hdr.daddr.in6_u.u6_addr32[3] = bpf_htonl(1);
	} else {
		__builtin_memcpy(&hdr.daddr, &ip6->saddr, sizeof(hdr.daddr));
	}
	na.type = XMIP_ND_NEIGHBOUR_ADVERT;
	na.flags = dad ? 0 : bpf_htonl(XMIP_NA_FLAG_SOLICITED);
	na.target = target;
	na.opt_type = XMIP_ND_OPT_TARGET_LLADDR;
	na.opt_len = 1;
	__builtin_memcpy(na.mac, cfg->home_mac, ETH_ALEN);
	sum = ipv6_pseudo_sum(&hdr.saddr, &hdr.daddr, sizeof(na), XMIP_NEXTHDR_ICMPV6);
#pragma unroll
	for (i = 0; i < (int)(sizeof(na) / 4); i++)
		sum += w[i];
	na.csum = csum_fold(sum);

	/* From here the frame's pointers are stale: only the copies are used. */
	if (bpf_xdp_adjust_tail(ctx, (int)ND_PROXY_NA_LEN - (int)rx_len))
		goto failed;
	data = (void *)(long)ctx->data;
	out_eth = data;
	if (data + ND_PROXY_NA_LEN > (void *)(long)ctx->data_end)
		goto failed;
	__builtin_memcpy(out_eth, &e, sizeof(e));
	__builtin_memcpy(data + ETH_HLEN, &hdr, sizeof(hdr));
	__builtin_memcpy(data + ND_PROXY_ICMP_OFF, &na, sizeof(na));
	count(XMIP_CNT_ND_PROXY_ANSWERED, rx_len);
	return XDP_TX;
failed:
	count(XMIP_CNT_DROP_ADJUST, rx_len);
	return XDP_DROP;
invalid:
	count(XMIP_CNT_ND_PROXY_INVALID, rx_len);
	return XDP_PASS;
}

#endif
