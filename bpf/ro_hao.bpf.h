/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ro_hao.bpf.h - the Home Address option (RFC 6275 6.3): the mobile node
 * inserts it on the way out (tc egress), the correspondent takes it on the
 * way in (XDP). This kernel has no MIP6: its stack drops a packet with the
 * option (type 201, "discard and send Parameter Problem"), so neither end
 * may let it see one. docs/route-optimisation.md, "Datapath".
 *
 * Both functions return a verdict, or -1 for "not route-optimised traffic:
 * carry on as without route optimisation".
 */
#ifndef XMIP_RO_HAO_BPF_H
#define XMIP_RO_HAO_BPF_H

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ipv6.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>
#include "xmip_shared.h"
#include "maps.bpf.h"
#include "parse.bpf.h"
#include "ro_maps.bpf.h"
#include "signal.bpf.h"

#define XMIP_OPT_PAD1 0
#define XMIP_OPT_PADN 1
/* Longest destination options header searched for a Home Address option
 * (ours is 24 bytes); a longer one is left to the stack, which drops it if
 * it holds one. Bounds the option walk for the verifier. */
#define XMIP_RO_MAX_DSTOPT_LEN 64
#define XMIP_RO_MAX_OPTS 16
#ifndef offsetof
#define offsetof(t, m) __builtin_offsetof(t, m)
#endif

/* The destination options header xmip inserts: PadN of 2 data bytes, then
 * the option at offset 6 (8n+6, RFC 6275 6.3), 24 bytes in all. */
static __always_inline void build_hao_header(__u8 *h, __u8 nexthdr, const void *home)
{
	h[0] = nexthdr;
	h[1] = XMIP_RO_EXT_LEN / 8 - 1;
	h[2] = XMIP_OPT_PADN;
	h[3] = 2;
	h[4] = 0;
	h[5] = 0;
	h[6] = XMIP_HAO_TYPE;
	h[7] = XMIP_HAO_OPT_LEN;
	__builtin_memcpy(h + 8, home, 16);
}

/*
 * Mobile node egress: a packet from a home address (ip6->saddr, bound to the
 * home agent) to a correspondent that accepted a binding leaves from the
 * care-of address with the home address in a Home Address option. Routing
 * is the stack's: the destination does not change. The upper-layer checksum
 * was computed with the home address as source, which is what the
 * correspondent's stack sees once its datapath has swapped it back.
 */
static __always_inline int ro_mn_egress(struct __sk_buff *skb, struct ipv6hdr *ip6, void *data_end,
					__u32 rx_len)
{
	const __u32 l3 = sizeof(struct ethhdr);
	struct xmip_ro_binding *rb;
	struct xmip_ro_key key;
	__u8 hdr[XMIP_RO_EXT_LEN];
	__u8 nexthdr = XMIP_NEXTHDR_DEST;
	__be16 plen;
	__u32 mtu_len = 0;

	if (ro_leaves_alone(ip6, data_end))
		return -1;
	ro_key(&key, &ip6->saddr, &ip6->daddr);
	rb = bpf_map_lookup_elem(&xmip_ro_peers, &key);
	if (!rb)
		return -1;
	build_hao_header(hdr, ip6->nexthdr, &ip6->saddr);
	plen = bpf_htons(bpf_ntohs(ip6->payload_len) + XMIP_RO_EXT_LEN);
	if (bpf_check_mtu(skb, skb->ifindex, &mtu_len, XMIP_RO_EXT_LEN, 0)) {
		count(XMIP_CNT_DROP_TOO_BIG, rx_len);
		return TC_ACT_SHOT;
	}
	/* Room after the IPv6 header; the upper layer stays where it is
	 * relative to the end, so a pending checksum offload still applies. */
	if (bpf_skb_adjust_room(skb, XMIP_RO_EXT_LEN, BPF_ADJ_ROOM_NET, 0) ||
	    bpf_skb_store_bytes(skb, l3 + sizeof(struct ipv6hdr), hdr, sizeof(hdr), 0) ||
	    bpf_skb_store_bytes(skb, l3 + offsetof(struct ipv6hdr, payload_len), &plen,
				sizeof(plen), 0) ||
	    bpf_skb_store_bytes(skb, l3 + offsetof(struct ipv6hdr, nexthdr), &nexthdr, 1, 0) ||
	    bpf_skb_store_bytes(skb, l3 + offsetof(struct ipv6hdr, saddr), &rb->care_of, 16, 0)) {
		count(XMIP_CNT_DROP_ADJUST, rx_len);
		return TC_ACT_SHOT;
	}
	ro_mark_used(rb);
	count(XMIP_CNT_RO_MN_HAO, rx_len);
	return TC_ACT_OK;
}

/*
 * Where the Home Address option is in the destination options header of
 * hlen bytes (8..XMIP_RO_MAX_DSTOPT_LEN) at hdr_off in the packet. Returns
 * its offset in the header (0: none), plus XMIP_RO_OTHER_OPTIONS when any
 * option but padding and it is there; -1 if the option is malformed
 * (length, alignment, repeated) or an option overruns the header.
 *
 * A global function: the verifier checks it once, on its own, instead of
 * once per path of every caller (inlined, its option walk multiplied the
 * XDP program's states past the verifier's limit). It reads the header into
 * a stack copy, as a global function cannot take packet pointers.
 */
#define XMIP_RO_OTHER_OPTIONS 0x100

__attribute__((noinline)) int xmip_find_hao(struct xdp_md *ctx, __u32 hdr_off, __u32 hlen)
{
	__u8 buf[XMIP_RO_MAX_DSTOPT_LEN];
	__u32 off = 2, hao_off = 0, others = 0;
	int i;

	if (!ctx || hlen < 8 || hlen > XMIP_RO_MAX_DSTOPT_LEN)
		return -1;
	/* hlen again, in a form whose range [1, 64] the verifier sees */
	if (bpf_xdp_load_bytes(ctx, hdr_off, buf, ((hlen - 1) & (XMIP_RO_MAX_DSTOPT_LEN - 1)) + 1))
		return -1;
	for (i = 0; i < XMIP_RO_MAX_OPTS; i++) {
		__u8 type, olen;

		if (off >= hlen)
			break;
		/* Keeps the verifier's view of off a range, so the paths
		 * through the options meet again and are verified once. */
		off &= XMIP_RO_MAX_DSTOPT_LEN - 1;
		hao_off &= XMIP_RO_MAX_DSTOPT_LEN - 1;
		type = buf[off];
		if (type == XMIP_OPT_PAD1) {
			off++;
			continue;
		}
		if (off + 2 > hlen)
			return -1;
		olen = buf[(off + 1) & (XMIP_RO_MAX_DSTOPT_LEN - 1)];
		if (off + 2 + olen > hlen)
			return -1;
		if (type == XMIP_HAO_TYPE) {
			if (olen != XMIP_HAO_OPT_LEN || off % 8 != 6 || hao_off)
				return -1;
			hao_off = off;
		} else if (type != XMIP_OPT_PADN) {
			others = XMIP_RO_OTHER_OPTIONS;
		}
		off += 2 + olen;
	}
	if (off < hlen)
		return -1; /* more options than walked */
	return (int)(hao_off | others);
}

/* The Ethernet and IPv6 headers, moved as one block when a header after
 * them is removed. */
#define XMIP_L2L3_LEN (sizeof(struct ethhdr) + sizeof(struct ipv6hdr))

/*
 * Correspondent ingress: ip6 is addressed to one of this node's addresses.
 * A destination options header first with a Home Address option:
 *   - a Mobility Header behind it (the BU, RFC 6275 9.5.1): -1, the agent
 *     gets it as every signalling packet;
 *   - the (home address, this address) binding names this source as the
 *     care-of address: the source becomes the home address and the header
 *     is removed (the stack sees the packet the mobile node's application
 *     sent, with the checksum it computed); PadN cannot stand in for the
 *     option: Linux refuses more than 7 bytes of padding (RFC 4942 2.1.9.5);
 *   - no such binding: dropped, counted, the packet copied to the agent
 *     (rate-limited) for its Binding Error status 1 (RFC 6275 9.3.1).
 */
static __always_inline int ro_cn_ingress(struct xdp_md *ctx, struct ipv6hdr *ip6, void *data_end,
					 __u32 rx_len)
{
	struct xmip_ro_binding *rb;
	struct xmip_ro_key key;
	__u8 l2l3[XMIP_L2L3_LEN];
	__u8 *h = (__u8 *)(ip6 + 1);
	__u32 hlen, hao_off;
	int found, others;
	const __u8 *home;
	void *data;

	if (ip6->nexthdr != XMIP_NEXTHDR_DEST)
		return -1;
	if ((void *)(h + 2) > data_end)
		return -1; /* the walk calls it unparsed */
	hlen = ((__u32)h[1] + 1) * 8;
	if (hlen > XMIP_RO_MAX_DSTOPT_LEN)
		return -1;
	if (sizeof(*ip6) + hlen > ipv6_len(ip6) || (void *)(h + hlen) > data_end) {
		count(XMIP_CNT_DROP_TRUNCATED, rx_len);
		return XDP_DROP;
	}
	found = xmip_find_hao(ctx, sizeof(struct ethhdr) + sizeof(*ip6), hlen);
	if (found < 0) {
		count(XMIP_CNT_RO_HAO_MALFORMED, rx_len);
		return XDP_DROP;
	}
	others = found & XMIP_RO_OTHER_OPTIONS;
	hao_off = found & 0xff;
	if (!hao_off)
		return -1;
	if (h[0] == IPPROTO_MH)
		return -1;
	if (hao_off > XMIP_RO_MAX_DSTOPT_LEN - 18)
		return -1; /* cannot be: find_hao checked it fits; for the verifier */
	home = h + hao_off + 2;
	if ((void *)(home + 16) > data_end)
		return -1;
	ro_key(&key, home, &ip6->daddr);
	rb = bpf_map_lookup_elem(&xmip_cn_bindings, &key);
	if (!rb || !in6_equal(&ip6->saddr, &rb->care_of)) {
		if (ro_signal_allowed())
			/* a full ring: the count says it */
			xdp_signal_copy(ctx, ipv6_len(ip6), XMIP_SIG_UNBOUND_HAO);
		count(XMIP_CNT_RO_CN_HAO_UNBOUND, rx_len);
		return XDP_DROP;
	}
	if (others) {
		count(XMIP_CNT_RO_HAO_MALFORMED, rx_len);
		return XDP_DROP;
	}
	ro_mark_used(rb);
	__builtin_memcpy(&ip6->saddr, home, 16);
	ip6->nexthdr = h[0];
	ip6->payload_len = bpf_htons(bpf_ntohs(ip6->payload_len) - hlen);
	data = (void *)(long)ctx->data;
	if (data + XMIP_L2L3_LEN > data_end)
		goto adjust_failed;
	__builtin_memcpy(l2l3, data, XMIP_L2L3_LEN);
	if (bpf_xdp_adjust_head(ctx, (int)hlen))
		goto adjust_failed;
	data = (void *)(long)ctx->data;
	if (data + XMIP_L2L3_LEN > (void *)(long)ctx->data_end)
		goto adjust_failed;
	__builtin_memcpy(data, l2l3, XMIP_L2L3_LEN);
	count(XMIP_CNT_RO_CN_HAO, rx_len);
	return XDP_PASS;

adjust_failed:
	count(XMIP_CNT_DROP_ADJUST, rx_len);
	return XDP_DROP;
}

#endif
