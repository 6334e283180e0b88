// SPDX-License-Identifier: GPL-2.0-only
/*
 * sink.bpf.c - the forwarding benchmark's receiver: counts what arrives
 * (per-CPU, no atomics) and drops it. A frame counts as delivered only when
 * it is what the path under test must deliver (struct xmip_sink_rule): for
 * a tunnel, IPv6-in-IPv6 (or the kernel's VXLAN over IPv6) with the
 * expected outer source and destination around the generator's UDP packet; after decapsulation, the plain UDP
 * packet. Anything else (a neighbour solicitation, a frame the path got
 * wrong) counts as other, so a path cannot score with frames it mangled.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ipv6.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "forward.h"

char LICENSE[] SEC("license") = "GPL";

/* One element: the rule for the current measurement (the benchmark swaps
 * it between paths without reloading the program). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xmip_sink_rule);
} xmip_sink_rule_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, XMIP_SINK_MAX);
	__type(key, __u32);
	__type(value, __u64);
} xmip_sink_counters SEC(".maps");

static __always_inline int starts_with(const __u8 *addr, const __u8 *want, __u8 len)
{
	int i;

#pragma unroll
	for (i = 0; i < 16; i++)
		if (i < len && addr[i] != want[i])
			return 0;
	return 1;
}

static __always_inline int matches(const struct xmip_sink_rule *rule, void *data, void *data_end)
{
	struct ethhdr *eth = data;
	struct ipv6hdr *ip6 = (void *)(eth + 1);
	struct ipv6hdr *inner = ip6 + 1;

	if ((void *)(ip6 + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IPV6))
		return 0;
	if (ip6->nexthdr != rule->nexthdr || !starts_with(ip6->saddr.s6_addr, rule->src, rule->src_len) ||
	    !starts_with(ip6->daddr.s6_addr, rule->dst, rule->dst_len))
		return 0;
	if (rule->nexthdr != 41 && !rule->vxlan)
		return 1;
	if (rule->nexthdr != 41) { /* UDP, VXLAN header, Ethernet, the packet */
		struct udphdr *udp = (void *)(ip6 + 1);
		struct ethhdr *inner_eth = (void *)(udp + 1) + 8;

		inner = (void *)(inner_eth + 1);
		if ((void *)(inner + 1) > data_end || udp->dest != bpf_htons(XMIP_SINK_VXLAN_PORT) ||
		    inner_eth->h_proto != bpf_htons(ETH_P_IPV6))
			return 0;
	}
	if ((void *)(inner + 1) > data_end || inner->version != 6 || inner->nexthdr != 17)
		return 0;
	return starts_with(inner->daddr.s6_addr, rule->inner_dst, rule->inner_dst_len);
}

SEC("xdp")
int xmip_sink(struct xdp_md *ctx)
{
	__u32 key = 0;
	const struct xmip_sink_rule *rule = bpf_map_lookup_elem(&xmip_sink_rule_map, &key);
	__u64 *n;

	key = rule && matches(rule, (void *)(long)ctx->data, (void *)(long)ctx->data_end)
		      ? XMIP_SINK_MATCHED
		      : XMIP_SINK_OTHER;
	n = bpf_map_lookup_elem(&xmip_sink_counters, &key);

	if (n)
		(*n)++;
	return XDP_DROP;
}
