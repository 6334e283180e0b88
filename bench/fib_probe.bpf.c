// SPDX-License-Identifier: GPL-2.0-only
/*
 * fib_probe.bpf.c - times bpf_fib_lookup alone, made exactly as the datapath
 * makes it (fib_lookup_ipv6 from bpf/forward.bpf.h), with the parameters and
 * flags the benchmark writes in the map. It never touches the frame, so the
 * kernel's repeat loop times it directly. Returns XDP_PASS when the lookup
 * answers SUCCESS (or is skipped), XDP_DROP otherwise: the benchmark checks.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "forward.bpf.h"
#include "harness.h"

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xmip_bench_fib_params);
} xmip_bench_fib_map SEC(".maps");

SEC("xdp")
int xmip_bench_fib(struct xdp_md *ctx)
{
	__u32 zero = 0;
	struct xmip_bench_fib_params *p = bpf_map_lookup_elem(&xmip_bench_fib_map, &zero);
	struct bpf_fib_lookup fib;
	int rc;

	if (!p)
		return XDP_ABORTED;
	if (!p->call)
		return XDP_PASS;
	rc = fib_lookup_ipv6(ctx, &fib, ctx->ingress_ifindex, p->src, p->dst, p->flowinfo,
			     p->l4_protocol, p->tot_len, p->flags);
	return rc == BPF_FIB_LKUP_RET_SUCCESS ? XDP_PASS : XDP_DROP;
}
