// SPDX-License-Identifier: GPL-2.0-only
/*
 * lookup_probe.bpf.c - times one hash lookup of a random home address, the
 * way the datapath looks bindings up, in a table whose type, size and value
 * size the benchmark chooses before load (--lookup-study): why a lookup
 * costs more in a table of 10^6 bindings. Reads the value's first and last
 * 8 bytes, as the datapath reads a binding's addresses. Never touches the
 * frame: the kernel's repeat loop times it directly. Counts its hits (the
 * benchmark checks that every lookup found its address).
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "harness.h"

char LICENSE[] SEC("license") = "GPL";

const volatile __u32 value_size = 40; /* set before load, with the table's */

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xmip_bench_lookup_params);
} xmip_bench_lookup_map SEC(".maps");

/* No BTF types: the benchmark changes the value size and flags before load. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1);
	__uint(key_size, 16);
	__uint(value_size, 40);
} xmip_bench_table SEC(".maps");

SEC("xdp")
int xmip_bench_lookup(struct xdp_md *ctx)
{
	__u32 zero = 0;
	struct xmip_bench_lookup_params *p = bpf_map_lookup_elem(&xmip_bench_lookup_map, &zero);
	__u8 key[16];
	__u64 iid, *v;
	int b;

	if (!p)
		return XDP_ABORTED;
	iid = xmip_bench_mix64(p->n ? bpf_get_prandom_u32() % p->n : 0);
	__builtin_memcpy(key, p->prefix, 8);
#pragma unroll
	for (b = 0; b < 8; b++)
		key[8 + b] = (__u8)(iid >> (56 - 8 * b));
	if (!p->call) {
		p->sink += key[15];
		return XDP_PASS;
	}
	v = bpf_map_lookup_elem(&xmip_bench_table, key);
	if (!v)
		return XDP_DROP;
	p->sink += v[0] + *(__u64 *)((__u8 *)v + ((value_size - 8) & 0xff8));
	p->hits++;
	return XDP_PASS;
}
