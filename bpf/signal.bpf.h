/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * signal.bpf.h - hand Mobility Header packets to xmipd.
 *
 * Without CONFIG_IPV6_MIP6 the kernel drops a Binding Update carrying a Home
 * Address option and a Binding Acknowledgement carrying a type 2 routing
 * header before any socket sees them. XDP sees them first: it copies the
 * IPv6 packet, exactly as received, into a ring buffer the agent reads, and
 * drops the frame (the kernel could only have dropped it later). One path for
 * every MH message keeps the agent's input uniform and lets it verify the
 * checksum against the addresses that were really on the wire.
 */
#ifndef XMIP_SIGNAL_BPF_H
#define XMIP_SIGNAL_BPF_H

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <bpf/bpf_helpers.h>
#include "xmip_shared.h"
#include "maps.bpf.h"

/* Copy the IPv6 packet (l3_len bytes from the IPv6 header, at most
 * XMIP_SIGNAL_MAX_LEN) into the ring for the agent, saying what it is
 * (XMIP_SIG_*). 0 when queued, -1 when the ring is full, -2 when the packet
 * could not be read; nothing is counted here (the callers count what the
 * packet was). */
static __always_inline int xdp_signal_copy(struct xdp_md *ctx, __u32 l3_len, __u32 kind)
{
	struct xmip_signal_event *ev;
	__u32 len = l3_len;

	if (len > XMIP_SIGNAL_MAX_LEN)
		len = XMIP_SIGNAL_MAX_LEN;
	if (len < 1) /* keeps the verifier's range of len non-empty */
		len = 1;

	/* Two record sizes, each reserved with a constant (xmip_shared.h,
	 * XMIP_SIGNAL_SMALL_LEN): each branch copies at most what it reserved.
	 * Written out twice on purpose: with one call after the branch, clang
	 * may pass a selected size, which the verifier refuses (the size must
	 * be a constant), and the copy's bound would rest on the register
	 * allocation. */
	if (len <= XMIP_SIGNAL_SMALL_LEN) {
		ev = bpf_ringbuf_reserve(&xmip_signal_ring,
					 XMIP_SIGNAL_HDR_LEN + XMIP_SIGNAL_SMALL_LEN, 0);
		if (!ev)
			return -1;
		if (bpf_xdp_load_bytes(ctx, sizeof(struct ethhdr), ev->data, len)) {
			bpf_ringbuf_discard(ev, 0);
			return -2;
		}
	} else {
		ev = bpf_ringbuf_reserve(&xmip_signal_ring, sizeof(*ev), 0);
		if (!ev)
			return -1;
		if (bpf_xdp_load_bytes(ctx, sizeof(struct ethhdr), ev->data, len)) {
			bpf_ringbuf_discard(ev, 0);
			return -2;
		}
	}
	ev->ifindex = ctx->ingress_ifindex;
	ev->len = len;
	ev->orig_len = l3_len;
	ev->kind = kind;
	bpf_ringbuf_submit(ev, 0);
	return 0;
}

/* l3_len: the IPv6 packet (what the agent gets); rx_len: the frame, for the
 * counters. */
static __always_inline int xdp_signal_to_agent(struct xdp_md *ctx, __u32 l3_len, __u32 rx_len)
{
	int rc = xdp_signal_copy(ctx, l3_len, XMIP_SIG_MOBILITY);

	if (rc == -1)
		count(XMIP_CNT_DROP_SIGNAL_QUEUE, rx_len);
	else if (rc)
		count(XMIP_CNT_DROP_TRUNCATED, rx_len);
	else
		count(XMIP_CNT_SIGNAL_TO_AGENT, rx_len);
	return XDP_DROP;
}

#endif
