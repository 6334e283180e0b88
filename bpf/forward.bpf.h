/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * forward.bpf.h - route lookups through the kernel FIB and the XDP verdict
 * that sends a packet on its way (XDP_TX on the same link, XDP_REDIRECT to
 * another one). Neighbour state stays the kernel's: when it has none, the
 * packet goes to the stack, which resolves it, instead of being lost.
 */
#ifndef XMIP_FORWARD_BPF_H
#define XMIP_FORWARD_BPF_H

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ipv6.h>
#include <bpf/bpf_helpers.h>
#include "xmip_shared.h"

#ifndef AF_INET6
#define AF_INET6 10
#endif

/* Look up where a packet from src to dst of tot_len bytes leaves. tot_len
 * makes the kernel check the egress MTU (BPF_FIB_LKUP_RET_FRAG_NEEDED).
 * Lengths are __u32 everywhere in the datapath (an IPv6 packet plus a tunnel
 * header can exceed 65535); the lookup's field is 16 bits, so a longer
 * packet saturates at 65535 (larger than any MTU: still "too big") instead
 * of wrapping to a small length that would pass the check. */
static __always_inline int fib_lookup_ipv6(void *ctx, struct bpf_fib_lookup *fib, __u32 ifindex,
					   const void *src, const void *dst, __u32 flowinfo,
					   __u8 proto, __u32 tot_len, __u32 flags)
{
	__builtin_memset(fib, 0, sizeof(*fib));
	fib->family = AF_INET6;
	fib->l4_protocol = proto;
	fib->tot_len = tot_len > 0xffff ? 0xffff : (__u16)tot_len;
	fib->ifindex = ifindex;
	fib->flowinfo = flowinfo;
	__builtin_memcpy(fib->ipv6_src, src, 16);
	__builtin_memcpy(fib->ipv6_dst, dst, 16);
	return bpf_fib_lookup(ctx, fib, sizeof(*fib), flags);
}

/* After a successful lookup: rewrite the Ethernet header and send. */
static __always_inline int xdp_send(struct ethhdr *eth, const struct bpf_fib_lookup *fib,
				    __u32 in_ifindex, int *is_tx)
{
	__builtin_memcpy(eth->h_dest, fib->dmac, ETH_ALEN);
	__builtin_memcpy(eth->h_source, fib->smac, ETH_ALEN);
	if (fib->ifindex == in_ifindex) {
		*is_tx = 1;
		return XDP_TX;
	}
	*is_tx = 0;
	return bpf_redirect(fib->ifindex, 0);
}

#endif
