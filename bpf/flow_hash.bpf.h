/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * flow_hash.bpf.h - the outer flow label of a tunnelled packet, derived from
 * the inner flow (RFC 6438) so that ECMP and RSS spread tunnels the way they
 * would spread the inner traffic: one flow keeps one label, flows differ.
 */
#ifndef XMIP_FLOW_HASH_BPF_H
#define XMIP_FLOW_HASH_BPF_H

#include <linux/ipv6.h>
#include <bpf/bpf_endian.h>
#include "parse.bpf.h"

/* MurmurHash3 (x86_32): a cheap body step per word, the full finaliser once.
 * The body's multiplications depend only on the word, not on the running
 * hash, so the CPU overlaps them across words; the hash carries one rotate,
 * one multiply by 5 and an add per word. (A finaliser per word, as this
 * once did, puts two dependent multiplications per word on the critical
 * path: about 20 ns more per packet, measured with
 * `xmip-bench-forward --profile`, docs/performance.md.) */
static __always_inline __u32 fh_rotl(__u32 x, int r)
{
	return (x << r) | (x >> (32 - r));
}

static __always_inline __u32 fh_body(__u32 h, __u32 k)
{
	k *= 0xcc9e2d51;
	k = fh_rotl(k, 15);
	k *= 0x1b873593;
	h ^= k;
	h = fh_rotl(h, 13);
	return h * 5 + 0xe6546b64;
}

static __always_inline __u32 fh_final(__u32 h, __u32 len)
{
	h ^= len;
	h ^= h >> 16;
	h *= 0x85ebca6b;
	h ^= h >> 13;
	h *= 0xc2b2ae35;
	h ^= h >> 16;
	return h;
}

/* Inner source, destination, next header, the inner flow label and, when the
 * transport header follows the IPv6 header directly, the port pair - if the
 * packet holds it: bytes past its payload length are link padding, which
 * must not make one flow's packets hash differently. */
static __always_inline __u32 inner_flow_label(const struct ipv6hdr *ip6, void *data_end)
{
	const __u32 *w = (const __u32 *)ip6;
	__u32 h = 0x9e3779b9 ^ ip6->nexthdr;
	__u32 len = 9 * 4;
	int i;

	h = fh_body(h, w[0] & bpf_htonl(0x000fffff)); /* inner flow label */
#pragma unroll
	for (i = 0; i < 8; i++)
		h = fh_body(h, w[2 + i]); /* saddr, daddr */
	if (ip6->nexthdr == IPPROTO_TCP || ip6->nexthdr == IPPROTO_UDP ||
	    ip6->nexthdr == IPPROTO_SCTP) {
		const __u32 *ports = (const __u32 *)(ip6 + 1);

		if ((void *)(ports + 1) <= data_end &&
		    bpf_ntohs(ip6->payload_len) >= sizeof(*ports)) {
			h = fh_body(h, *ports);
			len += 4;
		}
	}
	h = fh_final(h, len) & 0x000fffff;
	return h ? h : 1; /* 0 means "no label" (RFC 6437) */
}

#endif
