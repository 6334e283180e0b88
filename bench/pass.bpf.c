// SPDX-License-Identifier: GPL-2.0-only
/*
 * pass.bpf.c - the baseline of the datapath micro-benchmark: an XDP program
 * that does nothing but return XDP_PASS. Run through BPF_PROG_TEST_RUN on the
 * same frame, from the same ingress interface and the same way as xmip's
 * programs, it measures what every run costs whatever the program does (the
 * test-run loop, the program call, the clock reads), so the datapath's
 * numbers can be given as ratios to it. Its tc twin is the baseline of the
 * tc egress programs (the same run, one skb per call).
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include <linux/pkt_cls.h> /* TC_ACT_OK, for the tc twin */

char LICENSE[] SEC("license") = "GPL";

SEC("xdp")
int xmip_bench_pass(struct xdp_md *ctx)
{
	return XDP_PASS;
}

SEC("tc")
int xmip_bench_tc_pass(struct __sk_buff* skb) { return TC_ACT_OK; }
