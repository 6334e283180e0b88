/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * encap.bpf.h - IPv6-in-IPv6 (RFC 2473) encapsulation and decapsulation in
 * XDP, and the outer header shared with the tc encapsulation.
 */
#ifndef XMIP_ENCAP_BPF_H
#define XMIP_ENCAP_BPF_H

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ipv6.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>
#include "xmip_shared.h"
#include "parse.bpf.h"

static __always_inline void copy_in6(void *dst, const struct xmip_in6 *src)
{
	__builtin_memcpy(dst, src, sizeof(*src));
}

static __always_inline int in6_equal(const void *a, const struct xmip_in6 *b)
{
	const __u64 *x = a;

	return x[0] == b->u64[0] && x[1] == b->u64[1];
}

/*
 * The outer header: traffic class copied from the inner packet (DSCP
 * survives the tunnel, RFC 2983 uniform model), flow label from the inner
 * flow, next header 41.
 */
static __always_inline void build_outer_ipv6(struct ipv6hdr *outer, const struct ipv6hdr *inner,
					     __u32 flow_label, __u16 inner_len,
					     const struct xmip_binding *b, __u8 hop_limit)
{
	__u32 tclass = (bpf_ntohl(*(const __be32 *)inner) >> 20) & 0xff;

	*(__be32 *)outer = bpf_htonl((6u << 28) | (tclass << 20) | flow_label);
	outer->payload_len = bpf_htons(inner_len);
	outer->nexthdr = XMIP_NEXTHDR_IPV6;
	outer->hop_limit = hop_limit;
	copy_in6(&outer->saddr, &b->local);
	copy_in6(&outer->daddr, &b->remote);
}

/* Hop limit of the outer header: configured, or the default when unset. */
static __always_inline __u8 tunnel_hop_limit(const struct xmip_config *cfg)
{
	return cfg && cfg->tunnel_hop_limit ? cfg->tunnel_hop_limit : XMIP_DEFAULT_TUNNEL_HOP_LIMIT;
}

/*
 * Prepend an outer IPv6 header in front of the IPv6 packet of an Ethernet
 * frame: the Ethernet header moves 40 bytes towards the head and the outer
 * header is written where it was. Returns the new Ethernet header (addresses
 * unchanged, the caller fills them) or NULL when the kernel refuses the
 * headroom.
 */
static __always_inline struct ethhdr *xdp_push_outer(struct xdp_md *ctx,
						      const struct ipv6hdr *outer_hdr)
{
	struct ethhdr eth_copy;
	struct ethhdr *eth;
	struct ipv6hdr *outer;
	void *data, *data_end;

	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	if (data + sizeof(eth_copy) > data_end)
		return NULL;
	__builtin_memcpy(&eth_copy, data, sizeof(eth_copy));
	if (bpf_xdp_adjust_head(ctx, -(int)sizeof(struct ipv6hdr)))
		return NULL;
	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	eth = data;
	outer = (void *)(eth + 1);
	if ((void *)(outer + 1) > data_end)
		return NULL;
	__builtin_memcpy(eth, &eth_copy, sizeof(eth_copy));
	__builtin_memcpy(outer, outer_hdr, sizeof(*outer));
	return eth;
}

/* Remove the outer IPv6 header and any extension headers before the inner
 * one (strip bytes in all): the Ethernet header moves towards the tail. */
static __always_inline int xdp_pop_outer(struct xdp_md *ctx, __u32 strip)
{
	struct ethhdr eth_copy;
	void *data, *data_end;

	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	if (data + sizeof(eth_copy) > data_end)
		return -1;
	__builtin_memcpy(&eth_copy, data, sizeof(eth_copy));
	if (strip > XMIP_MAX_EXT_OFFSET + sizeof(struct ipv6hdr))
		return -1;
	if (bpf_xdp_adjust_head(ctx, (int)strip))
		return -1;
	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	if (data + sizeof(eth_copy) > data_end)
		return -1;
	__builtin_memcpy(data, &eth_copy, sizeof(eth_copy));
	return 0;
}

#endif
