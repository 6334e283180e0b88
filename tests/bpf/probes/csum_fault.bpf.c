/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * csum_fault.bpf.c - the datapath's checksum code with bpf_xdp_load_bytes
 * made to fail on its Nth call (tests/bpf/csum_fault_test.cpp). The real
 * helper fails only on frames the verifier cannot rule out at load time, so
 * no fixture reaches that path; here every call can be the failing one, and
 * the test checks that each failure is reported (xdp_sum_bytes) and that no
 * Packet Too Big leaves with a partial checksum (xdp_send_ptb).
 * Kernel style, like bpf/ (the .clang-format here is bpf/'s).
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

__u32 fail_at;	  /* the call that fails, counted from 1; 0: none */
__u32 load_calls; /* calls made by the last run */
__u32 sum_len;	  /* sum_probe: bytes to sum from the frame's start */
__s32 sum_rc;	  /* sum_probe: what xdp_sum_bytes returned */
__u64 sum_value;  /* sum_probe: the sum it left */

static __always_inline long faulty_xdp_load_bytes(struct xdp_md *ctx, __u32 off, void *buf,
						  __u32 len)
{
	load_calls++;
	if (load_calls == fail_at)
		return -14; /* -EFAULT, what the helper returns out of bounds */
	return bpf_xdp_load_bytes(ctx, off, buf, len);
}
#define bpf_xdp_load_bytes faulty_xdp_load_bytes

#include "csum.bpf.h"
#include "icmp6_ptb.bpf.h"

SEC("xdp")
int sum_probe(struct xdp_md *ctx)
{
	__u64 sum = 0;

	load_calls = 0;
	sum_rc = xdp_sum_bytes(ctx, 0, sum_len, &sum);
	sum_value = sum;
	return XDP_PASS;
}

SEC("xdp")
int ptb_probe(struct xdp_md *ctx)
{
	const struct xmip_in6 local = {
		.u8 = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01}};
	int verdict;

	load_calls = 0;
	verdict = xdp_send_ptb(ctx, &local, 1280, 64);
	return verdict < 0 ? XDP_DROP : verdict;
}

char LICENSE[] SEC("license") = "GPL";
