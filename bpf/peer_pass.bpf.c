// SPDX-License-Identifier: GPL-2.0-only
/*
 * peer_pass.bpf.c - passes every frame. Not part of xmip's datapath: the
 * testbeds and the demo attach it (natively) to the far end of each veth a
 * home agent transmits into with XDP_TX or XDP_REDIRECT. veth_xdp_xmit()
 * queues such frames on the receiving peer's NAPI ring, which exists only
 * while that peer has NAPI; an XDP program gives it NAPI (docs/datapath.md,
 * "veth peers"). A real NIC needs nothing of the kind.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

SEC("xdp")
int xmip_peer_pass(struct xdp_md *ctx)
{
	return XDP_PASS;
}
