/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * harness.h - what the benchmark's own BPF programs and xmip-bench-datapath
 * share: the frame bench/harness.bpf.c puts back before every run of the
 * program under test, the route lookup bench/fib_probe.bpf.c times and the
 * table lookup bench/lookup_probe.bpf.c times.
 */
#ifndef XMIP_BENCH_HARNESS_H
#define XMIP_BENCH_HARNESS_H

#include <linux/types.h>

#define XMIP_BENCH_MAX_FRAME 256

enum xmip_bench_pick {
	XMIP_BENCH_FIXED = 0,          /* the frame as written */
	XMIP_BENCH_RANDOM_BOUND = 1,   /* address at patch_off: home address i, i random in [0, n) */
	XMIP_BENCH_RANDOM_UNBOUND = 2, /* ... i = XMIP_BENCH_UNBOUND_BASE + random: never bound */
	XMIP_BENCH_ZIPF_BOUND = 3,     /* ... i = xmip_bench_zipf[random]: Zipf (s = 1) over [0, n) */
};

/* Samples of the skewed pick, drawn by the benchmark for the current n. */
#define XMIP_BENCH_ZIPF_SAMPLES 65536

#define XMIP_BENCH_UNBOUND_BASE (1ull << 40)

/* splitmix64's finaliser: a bijection on 64 bits, so distinct indexes give
 * distinct interface identifiers, and an index outside [0, N) is never bound.
 * One definition for the BPF programs and the benchmark, which must agree. */
static inline __u64 xmip_bench_mix64(__u64 z)
{
	z += 0x9e3779b97f4a7c15ull;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Home address i = prefix (8 bytes) then mix64(i), big-endian: the same
 * function in the benchmark and in the harness. */
struct xmip_bench_frame {
	__u32 len;       /* bytes of frame[] in use */
	__u32 patch_off; /* offset of the 16-byte address a random pick replaces */
	__u32 pick;      /* enum xmip_bench_pick */
	__u32 n;         /* number of bound home addresses */
	__u8 prefix[8];
	__u8 frame[XMIP_BENCH_MAX_FRAME];
};

/* One bpf_fib_lookup as the datapath makes it (bpf/forward.bpf.h), from the
 * run's ingress interface. call = 0: the probe returns before the lookup (its
 * own cost, to subtract). */
struct xmip_bench_fib_params {
	__u8 src[16];
	__u8 dst[16];
	__u32 flags;    /* BPF_FIB_LOOKUP_* */
	__u32 flowinfo; /* network byte order */
	__u16 tot_len;
	__u8 l4_protocol;
	__u8 call;
};

/* bench/lookup_probe.bpf.c: one lookup of home address i (i random in
 * [0, n)) in a hash table the benchmark sized and filled with addresses
 * 0..N-1. call = 0: everything but the lookup. */
struct xmip_bench_lookup_params {
	__u32 n;
	__u32 call;
	__u8 prefix[8];
	__u64 sink; /* written, so that nothing is optimised away */
	__u64 hits; /* lookups that found their address */
};

#endif
