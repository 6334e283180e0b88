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

/* After a successful lookup: rewrite the Ethernet header and send. Back
 * out of the link it came in on: XDP_TX. Elsewhere: XDP_REDIRECT through
 * tx_ports when the caller has one (a BPF_MAP_TYPE_DEVMAP_HASH keyed by
 * ifindex that the agent fills with its namespace's links): the entry
 * holds the device, which bpf_redirect looks up by ifindex per packet. A
 * link not in it (made since, or tx_ports NULL) goes by bpf_redirect; the
 * kernel drops a deleted link's entry itself, so an entry is never stale.
 * Both queue frames per CPU and flush them in bulk at the end of the NAPI
 * poll. */
static __always_inline int xdp_send(struct ethhdr *eth, const struct bpf_fib_lookup *fib,
				    __u32 in_ifindex, int *is_tx, void *tx_ports)
{
	__builtin_memcpy(eth->h_dest, fib->dmac, ETH_ALEN);
	__builtin_memcpy(eth->h_source, fib->smac, ETH_ALEN);
	if (fib->ifindex == in_ifindex) {
		*is_tx = 1;
		return XDP_TX;
	}
	*is_tx = 0;
	/* flags 0: a key not in the map returns XDP_ABORTED, not a redirect */
	if (tx_ports && bpf_redirect_map(tx_ports, fib->ifindex, 0) == XDP_REDIRECT)
		return XDP_REDIRECT;
	return bpf_redirect(fib->ifindex, 0);
}

#endif
