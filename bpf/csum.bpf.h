/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * csum.bpf.h - Internet checksum (RFC 1071) helpers for the ICMPv6 messages
 * the datapath originates.
 */
#ifndef XMIP_CSUM_BPF_H
#define XMIP_CSUM_BPF_H

#include <linux/bpf.h>
#include <linux/in6.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

static __always_inline __u16 csum_fold(__u64 sum)
{
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)~sum;
}

/* Partial sum of the IPv6 pseudo-header (RFC 8200 8.1). */
static __always_inline __u64 ipv6_pseudo_sum(const struct in6_addr *src, const struct in6_addr *dst,
					     __u32 upper_len, __u8 proto)
{
	__u64 sum = 0;
	int i;

#pragma unroll
	for (i = 0; i < 4; i++) {
		sum += src->in6_u.u6_addr32[i];
		sum += dst->in6_u.u6_addr32[i];
	}
	sum += bpf_htonl(upper_len);
	sum += bpf_htonl(proto);
	return sum;
}

#define XMIP_CSUM_CHUNK 64

/*
 * Add to *sum the len bytes of an XDP packet starting at off (len a multiple
 * of 4, at most 1280). Bytes are copied to the stack with bpf_xdp_load_bytes
 * in fixed chunks, which keeps the verifier's view simple whatever the
 * offsets are. Returns 0, or -1 when a load fails or len is not all summed:
 * the caller must then not send what it was summing (a partial sum is a
 * wrong checksum), it fails closed.
 */
static __always_inline int xdp_sum_bytes(struct xdp_md *ctx, __u32 off, __u32 len, __u64 *sum)
{
	__u32 buf[XMIP_CSUM_CHUNK / 4];
	__s64 part;
	int i;

	for (i = 0; i < 1280 / XMIP_CSUM_CHUNK; i++) {
		if (len < XMIP_CSUM_CHUNK)
			break;
		if (bpf_xdp_load_bytes(ctx, off, buf, XMIP_CSUM_CHUNK))
			return -1;
		/* Seeded with 0, not *sum: the helper's seed is 32 bits. */
		part = bpf_csum_diff(0, 0, (__be32 *)buf, XMIP_CSUM_CHUNK, 0);
		if (part < 0)
			return -1;
		*sum += (__u64)part;
		off += XMIP_CSUM_CHUNK;
		len -= XMIP_CSUM_CHUNK;
	}
	for (i = 0; i < XMIP_CSUM_CHUNK / 4; i++) {
		if (len < 4)
			break;
		if (bpf_xdp_load_bytes(ctx, off, buf, 4))
			return -1;
		*sum += buf[0];
		off += 4;
		len -= 4;
	}
	return len ? -1 : 0;
}

#endif
