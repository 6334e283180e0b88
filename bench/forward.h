/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * forward.h - what the forwarding benchmark's BPF programs and their C++
 * drivers share: the traffic generator's per-flow fields
 * (bench/trafficgen.bpf.c), the sink's match rule and counters
 * (bench/sink.bpf.c). The bare forwarder (bench/redirect.bpf.c) only needs
 * an ifindex.
 */
#ifndef XMIP_BENCH_FORWARD_H
#define XMIP_BENCH_FORWARD_H

#include <linux/types.h>

#define XMIP_TGEN_MAX_FLOWS 65536
#define XMIP_TGEN_MAX_FRAME 1514

/* The frame every transmission starts from (flow 0's bytes). */
struct xmip_tgen_template {
	__u32 len;
	__u8 bytes[XMIP_TGEN_MAX_FRAME];
};

/* The bytes of the frame template that differ between flows, written at
 * fixed offsets over the template before every transmission.
 * All in network byte order; the checksum is the flow's complete UDP
 * checksum, computed in userspace. */
struct xmip_tgen_flow {
	__u16 port;     /* UDP source port */
	__u16 csum;     /* UDP checksum of this flow's frame */
	__u32 addr_lo;  /* last 32 bits of the varying address (a home address) */
};

/* Where the varying fields sit in the template. addr_off 0: the address
 * does not vary. */
struct xmip_tgen_layout {
	__u32 port_off;
	__u32 csum_off;
	__u32 addr_off;
	__u32 nflows;
};

/* The sink counts a frame as delivered when it is IPv6 with next header
 * `nexthdr` and its source and destination start with src/dst over
 * src_len/dst_len bytes (an address, or a prefix when flows vary it); a
 * tunnelled frame (nexthdr 41, or UDP with `vxlan` set: UDP to port
 * XMIP_SINK_VXLAN_PORT, an 8-byte VXLAN header and an Ethernet header) must
 * also carry an IPv6/UDP packet whose destination starts with inner_dst
 * over inner_dst_len bytes. Anything else is counted as other. Both are
 * dropped. */
#define XMIP_SINK_VXLAN_PORT 4789
struct xmip_sink_rule {
	__u8 src[16];
	__u8 dst[16];
	__u8 inner_dst[16];
	__u8 src_len;
	__u8 dst_len;
	__u8 inner_dst_len;
	__u8 nexthdr;
	__u8 vxlan; /* 1: nexthdr 17 and a VXLAN tunnel (the kernel's VXLAN way) */
};

enum xmip_sink_counter {
	XMIP_SINK_MATCHED = 0,
	XMIP_SINK_OTHER = 1,
	XMIP_SINK_MAX = 2,
};

#endif
