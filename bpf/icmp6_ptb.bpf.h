/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * icmp6_ptb.bpf.h - answer a packet that will not fit the tunnel with an
 * ICMPv6 Packet Too Big (RFC 4443 3.2) straight from XDP, as Katran does: the
 * frame is turned around in place and sent back out the link it came from.
 */
#ifndef XMIP_ICMP6_PTB_BPF_H
#define XMIP_ICMP6_PTB_BPF_H

#include <linux/bpf.h>
#include <linux/icmpv6.h>
#include <linux/if_ether.h>
#include <linux/ipv6.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>
#include "xmip_shared.h"
#include "csum.bpf.h"
#include "encap.bpf.h"

#define XMIP_ICMP6_HDR_LEN 8
#define XMIP_PTB_HEADERS (sizeof(struct ipv6hdr) + XMIP_ICMP6_HDR_LEN)
/* The error must itself fit the minimum MTU: quote at most this much. */
#define XMIP_PTB_MAX_QUOTE (XMIP_IPV6_MIN_MTU - XMIP_PTB_HEADERS)

/*
 * Rewrite the frame into a Packet Too Big for its sender, from local (one of
 * our addresses), advertising mtu. The invoking packet is quoted from its
 * IPv6 header on, cut to a multiple of 4 bytes and to the minimum MTU.
 * Returns XDP_TX, or -1 if the frame could not be reshaped or summed (then
 * it is dropped: the frame is no longer the packet that came in).
 */
static __always_inline int xdp_send_ptb(struct xdp_md *ctx, const struct xmip_in6 *local,
					__u32 mtu, __u8 hop_limit)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr eth_copy;
	struct ipv6hdr *orig = data + sizeof(struct ethhdr);
	struct ipv6hdr *ip6;
	__u8 *icmp;
	struct in6_addr sender;
	__u32 orig_len, quote, frame_len;
	__u64 sum;

	if ((void *)(orig + 1) > data_end)
		return -1;
	__builtin_memcpy(&eth_copy, data, sizeof(eth_copy));
	__builtin_memcpy(&sender, &orig->saddr, sizeof(sender));
	orig_len = ipv6_len(orig);
	if (orig_len > data_end - (void *)orig)
		orig_len = data_end - (void *)orig;
	quote = orig_len < XMIP_PTB_MAX_QUOTE ? orig_len : XMIP_PTB_MAX_QUOTE;
	quote &= ~3u;

	if (bpf_xdp_adjust_head(ctx, -(int)XMIP_PTB_HEADERS))
		return -1;
	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	frame_len = data_end - data;
	if (frame_len > sizeof(struct ethhdr) + XMIP_PTB_HEADERS + quote &&
	    bpf_xdp_adjust_tail(ctx, -(int)(frame_len - (sizeof(struct ethhdr) +
							 XMIP_PTB_HEADERS + quote))))
		return -1;

	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	ip6 = data + sizeof(struct ethhdr);
	icmp = (__u8 *)(ip6 + 1);
	if ((void *)(icmp + XMIP_ICMP6_HDR_LEN) > data_end)
		return -1;

	/* Back to whoever handed us the packet: swap the MAC addresses. */
	__builtin_memcpy(((struct ethhdr *)data)->h_dest, eth_copy.h_source, ETH_ALEN);
	__builtin_memcpy(((struct ethhdr *)data)->h_source, eth_copy.h_dest, ETH_ALEN);
	((struct ethhdr *)data)->h_proto = eth_copy.h_proto;

	*(__be32 *)ip6 = bpf_htonl(6u << 28);
	ip6->payload_len = bpf_htons(XMIP_ICMP6_HDR_LEN + quote);
	ip6->nexthdr = IPPROTO_ICMPV6;
	ip6->hop_limit = hop_limit;
	copy_in6(&ip6->saddr, local);
	ip6->daddr = sender;

	icmp[0] = ICMPV6_PKT_TOOBIG;
	icmp[1] = 0;
	*(__u16 *)(icmp + 2) = 0;
	*(__be32 *)(icmp + 4) = bpf_htonl(mtu);

	sum = ipv6_pseudo_sum(&ip6->saddr, &ip6->daddr, XMIP_ICMP6_HDR_LEN + quote, IPPROTO_ICMPV6);
	if (xdp_sum_bytes(ctx, sizeof(struct ethhdr) + sizeof(struct ipv6hdr),
			  XMIP_ICMP6_HDR_LEN + quote, &sum))
		return -1; /* never a Packet Too Big with a wrong checksum */

	/* The helper calls above invalidated our packet pointers. */
	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	icmp = data + sizeof(struct ethhdr) + sizeof(struct ipv6hdr);
	if ((void *)(icmp + XMIP_ICMP6_HDR_LEN) > data_end)
		return -1;
	*(__u16 *)(icmp + 2) = csum_fold(sum);
	return XDP_TX;
}

#endif
