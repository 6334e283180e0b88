// SPDX-License-Identifier: GPL-2.0-only
/*
 * trafficgen.bpf.c - the traffic generator's XDP program, run by
 * BPF_PROG_TEST_RUN with BPF_F_TEST_XDP_LIVE_FRAMES: the kernel hands it
 * the frame template (once per page of its page pool) and transmits what it
 * returns XDP_TX for out of the test run's ingress interface.
 *
 * The kernel recycles its pages without restoring their contents, and the
 * receivers write into them: an XDP program that encapsulates moves the
 * frame 40 bytes into the headroom of the very page the generator sends
 * again later, the stack pushes headers into it. So every transmission
 * first writes the whole template over the frame, then the flow's fields:
 * the next flow in turn (per-CPU counter), its UDP source port, checksum
 * and, optionally, the last 32 bits of a home address.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "forward.h"

char LICENSE[] SEC("license") = "GPL";

const volatile struct xmip_tgen_layout layout = {};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, XMIP_TGEN_MAX_FLOWS);
	__type(key, __u32);
	__type(value, struct xmip_tgen_flow);
} xmip_tgen_flows SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xmip_tgen_template);
} xmip_tgen_template_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} xmip_tgen_next SEC(".maps");

SEC("xdp")
int xmip_tgen(struct xdp_md *ctx)
{
	__u32 zero = 0, key, len;
	__u64 *next = bpf_map_lookup_elem(&xmip_tgen_next, &zero);
	struct xmip_tgen_template *t = bpf_map_lookup_elem(&xmip_tgen_template_map, &zero);
	struct xmip_tgen_flow *f;
	void *data, *data_end;

	if (!next || !t)
		return XDP_ABORTED;
	len = t->len;
	if (len < 14 || len > XMIP_TGEN_MAX_FRAME)
		return XDP_ABORTED;
	if (bpf_xdp_store_bytes(ctx, 0, t->bytes, len))
		return XDP_ABORTED;
	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	key = layout.nflows > 1 ? (__u32)(*next % layout.nflows) : 0;
	(*next)++;
	f = bpf_map_lookup_elem(&xmip_tgen_flows, &key);
	if (!f)
		return XDP_ABORTED;
	if (data + layout.port_off + 2 > data_end || data + layout.csum_off + 2 > data_end)
		return XDP_ABORTED;
	*(__u16 *)(data + layout.port_off) = f->port;
	*(__u16 *)(data + layout.csum_off) = f->csum;
	if (layout.addr_off) {
		if (data + layout.addr_off + 4 > data_end)
			return XDP_ABORTED;
		*(__u32 *)(data + layout.addr_off) = f->addr_lo;
	}
	return XDP_TX;
}
