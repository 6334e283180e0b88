// SPDX-License-Identifier: GPL-2.0-only
/*
 * xmip.bpf.c - the xmip datapath: the programs, around the helpers in
 * parse / encap / forward / icmp6_ptb / signal / csum / flow_hash.
 *
 *   xmip_ha_xdp     home agent, every interface: tunnels packets for bound
 *                   home addresses to their care-of addresses (downlink),
 *                   answers Neighbour Solicitations for them on the home
 *                   link (nd_proxy.bpf.h),
 *                   ends reverse tunnels from registered care-of addresses
 *                   (uplink), hands Mobility Header packets to xmipd.
 *   xmip_mn_xdp     mobile node, ingress: ends the tunnel from the home
 *                   agent, hands Mobility Header packets to xmipd.
 *   xmip_mn_egress  mobile node, tc egress: tunnels packets sent from the
 *                   home address to the home agent while away from home,
 *                   or sends them route-optimised (ro_hao.bpf.h).
 *   xmip_cn_xdp     correspondent, ingress: takes route-optimised packets
 *                   (Home Address option, ro_hao.bpf.h), hands Mobility
 *                   Header packets to xmipd.
 *   xmip_ha_egress  home agent, tc egress on the home link: tunnels what
 *                   the home agent itself sends to a bound home address
 *                   (ha_local.bpf.h).
 *   xmip_cn_egress  correspondent, tc egress: sends to a bound home address
 *                   by its care-of address (type 2 routing header,
 *                   ro_rh2.bpf.h).
 * The mobile node's XDP program also takes type 2 routing headers.
 */
#include <linux/bpf.h>
#include <linux/icmpv6.h>
#include <linux/if_ether.h>
#include <linux/ipv6.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "xmip_shared.h"
#include "maps.bpf.h"
#include "parse.bpf.h"
#include "flow_hash.bpf.h"
#include "encap.bpf.h"
#include "forward.bpf.h"
#include "nexthop.bpf.h"
#include "icmp6_ptb.bpf.h"
#include "signal.bpf.h"
#include "ro_hao.bpf.h"
#include "ro_rh2.bpf.h"
#include "ha_local.bpf.h"
#include "nd_proxy.bpf.h"
#include "ro_hint.bpf.h"

char LICENSE[] SEC("license") = "GPL";

/* A jumbogram (RFC 2675) declares payload length 0 and lives in hop-by-hop
 * options; nothing here can size it, so the stack gets it. */
static __always_inline int is_jumbogram(const struct ipv6hdr *ip6)
{
	return ip6->payload_len == 0 && ip6->nexthdr == XMIP_NEXTHDR_HOP;
}

/*
 * Every counter's bytes are rx_len, the frame as the program was handed it
 * (Ethernet header and link padding included), whatever the program then
 * does with it: docs/datapath.md, "What a counter counts". Each program run
 * adds to exactly one counter (or none when it leaves the packet alone).
 */
static __always_inline int count_parse_failure(enum parse_result r, __u32 bytes)
{
	switch (r) {
	case PARSE_VLAN:
		count(XMIP_CNT_PASS_VLAN, bytes);
		return XDP_PASS;
	case PARSE_NOT_IPV6:
		count(XMIP_CNT_PASS_NOT_IPV6, bytes);
		return XDP_PASS;
	default:
		count(XMIP_CNT_DROP_TRUNCATED, bytes);
		return XDP_DROP;
	}
}

/*
 * Home agent downlink: ip6 is addressed to a home address bound to b.
 * Encapsulate towards the care-of address (RFC 6275 10.4.2, RFC 2473).
 */
static __always_inline int ha_encap(struct xdp_md *ctx, struct ipv6hdr *ip6, void *data_end,
				    const struct xmip_binding *b, __u32 rx_len)
{
	const struct xmip_config *cfg = config();
	struct bpf_fib_lookup fib;
	struct ipv6hdr outer;
	struct ethhdr *eth;
	__u32 inner_len = ipv6_len(ip6);
	__u32 outer_len = inner_len + XMIP_TUNNEL_OVERHEAD;
	__u32 flow;
	int rc, act, is_tx;

	if (ip6->hop_limit <= 1) {
		count(XMIP_CNT_PASS_HOP_LIMIT, rx_len);
		return XDP_PASS;
	}
	flow = inner_flow_label(ip6, data_end);
	rc = nexthop_cached(&b->remote, outer_len, &fib);
	if (rc < 0) /* not cached, or stale: the kernel's lookup */
		rc = fib_lookup_ipv6(ctx, &fib, ctx->ingress_ifindex, &b->local, &b->remote,
				     bpf_htonl(flow), XMIP_NEXTHDR_IPV6, outer_len, 0);
	if (rc == BPF_FIB_LKUP_RET_FRAG_NEEDED) {
		__u32 mtu = fib.mtu_result > XMIP_TUNNEL_OVERHEAD ?
				    fib.mtu_result - XMIP_TUNNEL_OVERHEAD : 0;
		__u32 floor = cfg && cfg->min_ptb_mtu > XMIP_IPV6_MIN_MTU ? cfg->min_ptb_mtu
									   : XMIP_IPV6_MIN_MTU;

		if (mtu < floor)
			mtu = floor;
		if (xdp_send_ptb(ctx, &b->local, mtu, tunnel_hop_limit(cfg)) != XDP_TX) {
			count(XMIP_CNT_DROP_ADJUST, rx_len);
			return XDP_DROP;
		}
		count(XMIP_CNT_PTB_SENT, rx_len);
		return XDP_TX;
	}
	if (rc != BPF_FIB_LKUP_RET_SUCCESS && rc != BPF_FIB_LKUP_RET_NO_NEIGH) {
		count(XMIP_CNT_DROP_NO_ROUTE, rx_len);
		return XDP_DROP;
	}

	ip6->hop_limit--; /* we forward the inner packet (RFC 2473 3.1) */
	build_outer_ipv6(&outer, ip6, flow, inner_len, b, tunnel_hop_limit(cfg));
	eth = xdp_push_outer(ctx, &outer);
	if (!eth) {
		count(XMIP_CNT_DROP_ADJUST, rx_len);
		return XDP_DROP;
	}
	if (rc == BPF_FIB_LKUP_RET_NO_NEIGH) {
		/* The stack forwards the tunnelled packet and resolves the next
		 * hop; the first packet to a fresh care-of address is not lost. */
		count(XMIP_CNT_ENCAP_PASS, rx_len);
		return XDP_PASS;
	}
	act = xdp_send(eth, &fib, ctx->ingress_ifindex, &is_tx, &xmip_tx_ports);
	count(is_tx ? XMIP_CNT_ENCAP_TX : XMIP_CNT_ENCAP_REDIRECT, rx_len);
	return act;
}

/*
 * End a tunnel: the outer header and ext_off - 40 bytes of extension headers
 * before an inner IPv6 packet. The binding is looked up by the home address
 * (inner source at the home agent, inner destination at the mobile node)
 * and must name exactly this outer source and destination; anything else is
 * a spoofing attempt (RFC 6275 10.4.5). The home agent forwards the inner
 * packet; the mobile node delivers it locally.
 */
static __always_inline int xdp_decap(struct xdp_md *ctx, struct ipv6hdr *ip6, void *data_end,
				     __u32 ext_off, int forward, __u32 rx_len)
{
	struct ipv6hdr *inner = (void *)ip6 + ext_off;
	const struct xmip_binding *b;
	struct bpf_fib_lookup fib;
	struct ethhdr *eth;
	__u32 outer_len = ipv6_len(ip6);
	__u32 inner_len;
	int rc = -1, act, is_tx;

	if ((void *)(inner + 1) > data_end || inner->version != 6) {
		count(XMIP_CNT_DROP_TRUNCATED, rx_len);
		return XDP_DROP;
	}
	inner_len = ipv6_len(inner);
	if (ext_off + inner_len > outer_len) {
		count(XMIP_CNT_DROP_TRUNCATED, rx_len);
		return XDP_DROP;
	}
	b = bpf_map_lookup_elem(&xmip_bindings, forward ? &inner->saddr : &inner->daddr);
	if (!b || !in6_equal(&ip6->saddr, &b->remote) || !in6_equal(&ip6->daddr, &b->local)) {
		count(XMIP_CNT_DROP_SPOOFED, rx_len);
		return XDP_DROP;
	}

	if (forward) {
		if (inner->hop_limit <= 1) {
			if (xdp_pop_outer(ctx, ext_off))
				goto adjust_failed;
			count(XMIP_CNT_PASS_HOP_LIMIT, rx_len);
			return XDP_PASS;
		}
		struct xmip_route_key rk = {
			.ifindex = ctx->ingress_ifindex,
			.flowinfo = *(__be32 *)inner & bpf_htonl(0x000fffff),
			.proto = inner->nexthdr,
		};

		__builtin_memcpy(&rk.src, &inner->saddr, sizeof(rk.src));
		__builtin_memcpy(&rk.dst, &inner->daddr, sizeof(rk.dst));
		rc = route_lookup_ipv6(ctx, &fib, &rk, inner_len);
		if (rc == BPF_FIB_LKUP_RET_SUCCESS)
			inner->hop_limit--;
	}
	if (!forward && inner->nexthdr == IPPROTO_MH) {
		/* The home agent tunnels its signalling to an away home address
		 * (a Binding Refresh Request: RFC 6275 6.1 allows a type 2
		 * routing header to the BA only): the agent gets the inner
		 * packet like any other signalling. */
		if (xdp_pop_outer(ctx, ext_off))
			goto adjust_failed;
		return xdp_signal_to_agent(ctx, inner_len, rx_len);
	}
	if (xdp_pop_outer(ctx, ext_off))
		goto adjust_failed;
	if (rc != BPF_FIB_LKUP_RET_SUCCESS) {
		/* Local delivery (the mobile node; the HA itself), a next hop to
		 * resolve, or an error the stack reports better than we can. */
		count(XMIP_CNT_DECAP_PASS, rx_len);
		return XDP_PASS;
	}
	eth = (void *)(long)ctx->data;
	if ((void *)(eth + 1) > (void *)(long)ctx->data_end)
		goto adjust_failed;
	act = xdp_send(eth, &fib, ctx->ingress_ifindex, &is_tx, &xmip_tx_ports);
	count(is_tx ? XMIP_CNT_DECAP_TX : XMIP_CNT_DECAP_REDIRECT, rx_len);
	return act;

adjust_failed:
	count(XMIP_CNT_DROP_ADJUST, rx_len);
	return XDP_DROP;
}

/* A packet addressed to one of this node's own addresses: a tunnel to end,
 * signalling for the agent, or ordinary traffic for the stack. */
static __always_inline int xdp_local(struct xdp_md *ctx, struct ipv6hdr *ip6, void *data_end,
				     const struct xmip_local_addr *la, int forward, __u32 rx_len)
{
	struct upper_layer ul;
	__u32 len = ipv6_len(ip6);
	int ro;

	if (!forward && (ro = ro_mn_ingress(ip6, data_end, rx_len)) >= 0)
		return ro;
	if (is_jumbogram(ip6) || walk_ext_headers(data_end, ip6, &ul)) {
		count(XMIP_CNT_PASS_EXTHDR, rx_len);
		return XDP_PASS;
	}
	if (ul.proto == XMIP_NEXTHDR_IPV6 && (la->flags & XMIP_LF_TUNNEL_END))
		return xdp_decap(ctx, ip6, data_end, ul.off, forward, rx_len);
	if (ul.proto == IPPROTO_MH && (la->flags & XMIP_LF_SIGNALLING))
		return xdp_signal_to_agent(ctx, len, rx_len);
	count(XMIP_CNT_PASS_NOT_MOBILE, rx_len);
	return XDP_PASS;
}

/*
 * Traffic to a bound home address that is the home link's, not the tunnel's:
 * Neighbour Discovery for it (RFC 6275 10.4.1: the home agent defends the
 * home address and answers, by its proxy entry; a router's unicast NUD probe
 * comes to the home agent's MAC) and anything from or to a link-local
 * address (RFC 4291 2.5.6: never forwarded).
 */
static __always_inline int stays_on_home_link(const struct ipv6hdr *ip6, void *data_end)
{
	if (is_link_local(&ip6->saddr) || is_link_local(&ip6->daddr))
		return 1;
	return ip6->hop_limit == XMIP_ND_HOP_LIMIT && is_nd_type(icmpv6_type(ip6, data_end));
}

/*
 * A unicast frame on the home link for another host's MAC. A switch floods
 * a frame whose destination it has not learnt (in a fleet: the dead
 * holder's MAC, until the new holder's override NA reaches the senders),
 * and a bridge port or a promiscuous NIC shows it to XDP; the kernel would
 * drop it (PACKET_OTHERHOST). Acting on it here would make every member of
 * a fleet tunnel, or answer, the same frame. The home link only: its MAC is
 * in the config (the agent keeps it current); elsewhere nothing is checked.
 */
static __always_inline int for_another_host(const struct xdp_md *ctx, const struct ethhdr *eth)
{
	const struct xmip_config *cfg = config();
	const __u8 *d = eth->h_dest;
	const __u8 *m;

	if (!cfg || !cfg->home_ifindex || ctx->ingress_ifindex != cfg->home_ifindex)
		return 0;
	if (d[0] & 1) /* group address: multicast, broadcast */
		return 0;
	m = cfg->home_mac;
	return ((d[0] ^ m[0]) | (d[1] ^ m[1]) | (d[2] ^ m[2]) | (d[3] ^ m[3]) | (d[4] ^ m[4]) |
		(d[5] ^ m[5])) != 0;
}

/*
 * Both roles' XDP entry. Only the home agent tunnels towards care-of
 * addresses (a binding keyed by the destination); both end tunnels and hand
 * signalling to the agent at their local addresses. `home_agent` is a
 * constant in each caller, so each program is compiled with its branch only.
 */
static __always_inline int xdp_entry(struct xdp_md *ctx, const int home_agent,
				     const int correspondent)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	const struct xmip_local_addr *la;
	struct ethhdr *eth;
	struct ipv6hdr *ip6;
	enum parse_result r;
	__u32 rx_len = data_end - data;

	r = parse_eth_ipv6(data, data_end, &eth, &ip6);
	if (r != PARSE_OK)
		return count_parse_failure(r, rx_len);

	if (home_agent) {
		const struct xmip_binding *b;
		int nd;

		if (for_another_host(ctx, eth)) {
			count(XMIP_CNT_PASS_OTHER_HOST, rx_len);
			return XDP_PASS;
		}
		nd = ha_nd_proxy(ctx, eth, ip6, data_end, rx_len);

		if (nd >= 0)
			return nd;
		b = bpf_map_lookup_elem(&xmip_bindings, &ip6->daddr);
		if (b) {
			if (is_jumbogram(ip6)) {
				count(XMIP_CNT_PASS_EXTHDR, rx_len);
				return XDP_PASS;
			}
			if (stays_on_home_link(ip6, data_end)) {
				count(XMIP_CNT_PASS_HOME_LINK, rx_len);
				return XDP_PASS;
			}
			return ha_encap(ctx, ip6, data_end, b, rx_len);
		}
	}
	la = bpf_map_lookup_elem(&xmip_local_addrs, &ip6->daddr);
	if (la && correspondent) {
		int ro = ro_cn_ingress(ctx, ip6, data_end, rx_len);

		if (ro >= 0)
			return ro;
	}
	if (la)
		return xdp_local(ctx, ip6, data_end, la, home_agent, rx_len);
	count(XMIP_CNT_PASS_NOT_MOBILE, rx_len);
	return XDP_PASS;
}

SEC("xdp")
int xmip_ha_xdp(struct xdp_md *ctx)
{
	return xdp_entry(ctx, 1, 0);
}

SEC("xdp")
int xmip_mn_xdp(struct xdp_md *ctx)
{
	return xdp_entry(ctx, 0, 0);
}

/* A correspondent ends no tunnel: its local addresses carry only the
 * signalling flag, so xdp_local hands it its Mobility Header packets. */
SEC("xdp")
int xmip_cn_xdp(struct xdp_md *ctx)
{
	return xdp_entry(ctx, 0, 1);
}

/* Neighbour Discovery from the home address stays on the link (RFC 6275
 * 11.2.1 forbids tunnelling it); so does Mobility Header signalling. */
static __always_inline int must_go_direct(const struct ipv6hdr *ip6, void *data_end)
{
	const __u8 *icmp = (const __u8 *)(ip6 + 1);

	if (ip6->nexthdr == IPPROTO_MH)
		return 1;
	if (ip6->nexthdr != IPPROTO_ICMPV6)
		return 0;
	if ((void *)(icmp + 1) > data_end)
		return 1;
	return is_nd_type(icmp[0]);
}

/*
 * Tunnel a packet at tc egress: outer header local -> remote of b, sent by
 * the FIB's choice of link and next hop (the kernel fills L2). `done` is the
 * counter of a packet sent. The mobile node's and the home agent's own
 * traffic (xmip_mn_egress, xmip_ha_egress).
 */
static __always_inline int tc_encap(struct __sk_buff *skb, struct ipv6hdr *ip6, void *data_end,
				    const struct xmip_binding *b, __u32 rx_len,
				    enum xmip_counter done)
{
	struct bpf_fib_lookup fib;
	struct ipv6hdr outer;
	__u32 inner_len, flow, mtu_len = 0;
	int rc;

	inner_len = ipv6_len(ip6);
	flow = inner_flow_label(ip6, data_end);
	build_outer_ipv6(&outer, ip6, flow, inner_len, b, tunnel_hop_limit(config()));

	rc = fib_lookup_ipv6(skb, &fib, skb->ifindex, &b->local, &b->remote, bpf_htonl(flow),
			     XMIP_NEXTHDR_IPV6, 0, BPF_FIB_LOOKUP_OUTPUT);
	/* A mobile node is a host: forwarding is off on its interface and the
	 * lookup says FWD_DISABLED before it looks at all. fib.ifindex is then
	 * still skb->ifindex, and bpf_redirect_neigh routes by itself, which
	 * forwarding does not gate. */
	if (rc != BPF_FIB_LKUP_RET_SUCCESS && rc != BPF_FIB_LKUP_RET_NO_NEIGH &&
	    rc != BPF_FIB_LKUP_RET_FWD_DISABLED) {
		count(XMIP_CNT_DROP_NO_ROUTE, rx_len);
		return TC_ACT_SHOT;
	}
	if (bpf_check_mtu(skb, fib.ifindex, &mtu_len, XMIP_TUNNEL_OVERHEAD, 0)) {
		/* The agent sets the home address routes' MTU 40 bytes below
		 * the link's, so the stack sizes packets right; this is what is
		 * left when it could not (a raw socket, an MTU change). */
		count(XMIP_CNT_DROP_TOO_BIG, rx_len);
		return TC_ACT_SHOT;
	}
	if (bpf_skb_adjust_room(skb, XMIP_TUNNEL_OVERHEAD, BPF_ADJ_ROOM_MAC,
				BPF_F_ADJ_ROOM_ENCAP_L3_IPV6)) {
		count(XMIP_CNT_DROP_ADJUST, rx_len);
		return TC_ACT_SHOT;
	}
	if (bpf_skb_store_bytes(skb, sizeof(struct ethhdr), &outer, sizeof(outer), 0)) {
		count(XMIP_CNT_DROP_ADJUST, rx_len);
		return TC_ACT_SHOT;
	}
	count(done, rx_len);
	/* The outer destination may leave by another interface than the inner
	 * one would have: resend by the FIB's choice, the kernel fills L2. */
	return bpf_redirect_neigh(fib.ifindex, NULL, 0, 0);
}

SEC("tc")
int xmip_mn_egress(struct __sk_buff *skb)
{
	const struct xmip_binding *b;
	struct ethhdr *eth;
	struct ipv6hdr *ip6;
	void *data, *data_end;
	__u32 rx_len = skb->len; /* tc sees the frame from its Ethernet header */
	int rc;

	if (skb->protocol != bpf_htons(ETH_P_IPV6))
		return TC_ACT_OK;
	/* Headers may sit in paged data; a short packet just fails to pull. */
	bpf_skb_pull_data(skb, sizeof(*eth) + sizeof(*ip6) + 4);
	data = (void *)(long)skb->data;
	data_end = (void *)(long)skb->data_end;
	if (parse_eth_ipv6(data, data_end, &eth, &ip6) != PARSE_OK)
		return TC_ACT_OK;
	b = bpf_map_lookup_elem(&xmip_bindings, &ip6->saddr);
	if (!b || must_go_direct(ip6, data_end))
		return TC_ACT_OK;
	rc = ro_mn_egress(skb, ip6, data_end, rx_len);
	if (rc >= 0)
		return rc;
	if (b->flags & XMIP_BF_REGISTERING) {
		count(XMIP_CNT_DROP_REGISTERING, rx_len);
		return TC_ACT_SHOT;
	}
	/* Through the tunnel: the agent may want to optimise the route. */
	ro_hint(skb, config(), ip6, data_end);
	return tc_encap(skb, ip6, data_end, b, rx_len, XMIP_CNT_MN_ENCAP);
}

/*
 * Home agent, tc egress on the home link: what the home agent itself sends
 * to a bound home address is tunnelled to the care-of address, outer source
 * the home agent address of the binding (ha_local.bpf.h). Forwarded traffic
 * never gets here: XDP redirects it past tc.
 */
SEC("tc")
int xmip_ha_egress(struct __sk_buff *skb)
{
	const struct xmip_binding *b;
	struct xmip_in6 key;
	struct ethhdr *eth;
	struct ipv6hdr *ip6;
	void *data, *data_end;
	__u32 rx_len = skb->len;
	int rc;

	if (skb->protocol != bpf_htons(ETH_P_IPV6) || ha_egress_key(skb, &key))
		return TC_ACT_OK;
	b = bpf_map_lookup_elem(&xmip_bindings, &key);
	if (!b)
		return TC_ACT_OK; /* the common case: costs two loads and a lookup */
	/* Ours: the whole packet linear, to parse and hash it like XDP does. */
	bpf_skb_pull_data(skb, skb->len);
	data = (void *)(long)skb->data;
	data_end = (void *)(long)skb->data_end;
	if (parse_eth_ipv6(data, data_end, &eth, &ip6) != PARSE_OK) {
		count(XMIP_CNT_DROP_TRUNCATED, rx_len);
		return TC_ACT_SHOT;
	}
	rc = ha_answer_own_ns(skb, eth, ip6, data_end, &key, rx_len);
	if (rc >= 0)
		return rc;
	if (!in6_equal(&ip6->daddr, &key) || ha_local_stays(ip6, data_end)) {
		count(XMIP_CNT_PASS_HOME_LINK, rx_len);
		return TC_ACT_OK;
	}
	return tc_encap(skb, ip6, data_end, b, rx_len, XMIP_CNT_HA_LOCAL_ENCAP);
}

SEC("tc")
int xmip_cn_egress(struct __sk_buff *skb)
{
	int rc;

	if (skb->protocol != bpf_htons(ETH_P_IPV6))
		return TC_ACT_OK;
	rc = ro_cn_egress(skb, skb->len);
	return rc >= 0 ? rc : TC_ACT_OK;
}
