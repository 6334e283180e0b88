// SPDX-License-Identifier: GPL-2.0-only
/*
 * route_redirect.bpf.c - the bare forwarder plus the one route lookup the
 * datapath makes per packet: bpf_fib_lookup exactly as xmip calls it
 * (bpf/forward.bpf.h) for a configured destination (the care-of address for
 * the downlink, the correspondent for the uplink), then the Ethernet
 * addresses it returns and XDP_REDIRECT. The frame's IPv6 bytes are not
 * touched. What xmip costs above this is its tunnel work; what this costs
 * above the bare forwarder is the kernel's route lookup.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <bpf/bpf_helpers.h>

#include "forward.bpf.h"

char LICENSE[] SEC("license") = "GPL";

const volatile __u8 lookup_src[16] = {};
const volatile __u8 lookup_dst[16] = {};
const volatile __u8 lookup_proto = 0;

SEC("xdp")
int xmip_bench_route_redirect(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct bpf_fib_lookup fib;
	__u8 src[16], dst[16];
	int is_tx, i;

	if ((void *)(eth + 1) > data_end)
		return XDP_DROP;
#pragma unroll
	for (i = 0; i < 16; i++) {
		src[i] = lookup_src[i];
		dst[i] = lookup_dst[i];
	}
	if (fib_lookup_ipv6(ctx, &fib, ctx->ingress_ifindex, src, dst, 0, lookup_proto,
			    (__u16)(data_end - data - sizeof(*eth)), 0) != BPF_FIB_LKUP_RET_SUCCESS)
		return XDP_PASS;
	return xdp_send(eth, &fib, ctx->ingress_ifindex, &is_tx, NULL);
}
