// SPDX-License-Identifier: GPL-2.0-only
/*
 * harness.bpf.c - lets BPF_PROG_TEST_RUN's repeat loop time programs that
 * rewrite the frame.
 *
 * The kernel runs a program `repeat` times on one buffer and never restores
 * it: after the first encapsulation the home agent program sees its own
 * output, an outer header to the care-of address, and takes the miss path
 * for the remaining runs. This program is what the benchmark runs instead:
 * before every run it moves the frame start back to where it was, writes the
 * original bytes over the frame (and, for the random scenarios, a home
 * address drawn at random), then tail-calls the program under test, whose
 * verdict becomes the run's. The same harness around bench/pass.bpf.c, in
 * the same round, measures what the harness itself costs; the benchmark
 * subtracts it. The datapath counters then prove every run took the path.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "harness.h"

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xmip_bench_frame);
} xmip_bench_frame_map SEC(".maps");

/* Home address indexes Zipf-distributed over [0, n) (XMIP_BENCH_ZIPF_BOUND):
 * index k has probability proportional to 1/(k+1). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, XMIP_BENCH_ZIPF_SAMPLES);
	__type(key, __u32);
	__type(value, __u32);
} xmip_bench_zipf SEC(".maps");

/* Slot 0: the program under test (set by the benchmark). */
struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} xmip_bench_target SEC(".maps");

SEC("xdp")
int xmip_bench_harness(struct xdp_md *ctx)
{
	__u32 zero = 0, len, off;
	struct xmip_bench_frame *f = bpf_map_lookup_elem(&xmip_bench_frame_map, &zero);
	__u8 addr[16];
	__u64 i, iid;
	int b;

	if (!f)
		return XDP_ABORTED;
	len = f->len;
	if (len < 14 || len > XMIP_BENCH_MAX_FRAME)
		return XDP_ABORTED;
	/* Undo whatever the previous run did to the frame's start: the end
	 * never moves (xmip only adjusts the head). */
	if (bpf_xdp_adjust_head(ctx, (int)bpf_xdp_get_buff_len(ctx) - (int)len))
		return XDP_ABORTED;
	if (bpf_xdp_store_bytes(ctx, 0, f->frame, len))
		return XDP_ABORTED;
	if (f->pick != XMIP_BENCH_FIXED) {
		if (f->pick == XMIP_BENCH_ZIPF_BOUND) {
			__u32 k = bpf_get_prandom_u32() & (XMIP_BENCH_ZIPF_SAMPLES - 1);
			__u32 *z = bpf_map_lookup_elem(&xmip_bench_zipf, &k);

			if (!z)
				return XDP_ABORTED;
			i = *z;
		} else {
			i = f->pick == XMIP_BENCH_RANDOM_BOUND
				    ? bpf_get_prandom_u32() % (f->n ? f->n : 1)
				    : XMIP_BENCH_UNBOUND_BASE + (bpf_get_prandom_u32() & ((1u << 30) - 1));
		}
		iid = xmip_bench_mix64(i);
		__builtin_memcpy(addr, f->prefix, 8);
#pragma unroll
		for (b = 0; b < 8; b++)
			addr[8 + b] = (__u8)(iid >> (56 - 8 * b));
		off = f->patch_off;
		if (off > XMIP_BENCH_MAX_FRAME - sizeof(addr))
			return XDP_ABORTED;
		if (bpf_xdp_store_bytes(ctx, off, addr, sizeof(addr)))
			return XDP_ABORTED;
	}
	bpf_tail_call(ctx, &xmip_bench_target, 0);
	return XDP_ABORTED; /* empty slot */
}
