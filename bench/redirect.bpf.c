// SPDX-License-Identifier: GPL-2.0-only
/*
 * redirect.bpf.c - the ceiling of the forwarding benchmark: an XDP program
 * that sends every frame out of another interface without reading or
 * changing a byte of it. Whatever a forwarding path costs above this is the
 * path's own work (parsing, lookups, rewriting, the route lookup).
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

const volatile __u32 out_ifindex = 0;

SEC("xdp")
int xmip_bench_redirect(struct xdp_md *ctx)
{
	return bpf_redirect(out_ifindex, 0);
}
