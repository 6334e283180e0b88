/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * xmip_shared.h - every structure and constant shared by the BPF datapath and
 * the C++ userspace (agent, mipctl, tests, benchmarks).
 *
 * This is the only place where map keys/values, the counter list and the
 * signalling event layout are defined. BPF code includes it from C, userspace
 * from C++; static assertions pin the layouts so a change on one side cannot
 * silently disagree with the other.
 */
#ifndef XMIP_SHARED_H
#define XMIP_SHARED_H

#include <linux/types.h>

/* An IPv6 address as it sits on the wire (network byte order). A private type
 * instead of struct in6_addr so that the header compiles identically in BPF
 * (UAPI headers) and in C++ (glibc headers), which define in6_addr differently. */
struct xmip_in6 {
	union {
		__u8 u8[16];
		__be32 u32[4];
		__u64 u64[2];
	};
};

/*
 * Binding: the tunnel that carries one home address (the map key).
 *
 * The same structure serves both roles, seen from the node that holds it:
 *   home agent:  local = the HA address the MN registered with,
 *                remote = the mobile node's care-of address;
 *   mobile node: local = the current care-of address,
 *                remote = the home agent's address.
 * Encapsulation always writes outer src = local, dst = remote; decapsulation
 * accepts only outer src == remote and outer dst == local (RFC 6275 10.4.5:
 * a reverse-tunnelled packet must come from the registered care-of address).
 */
struct xmip_binding {
	struct xmip_in6 remote;
	struct xmip_in6 local;
	__u32 flags;    /* XMIP_BF_* */
	__u32 reserved; /* zero; keeps the value 8-byte aligned */
};

/* Binding flags (the datapath ignores unknown ones). */
#define XMIP_BF_NONE 0u
/* Mobile node: registering from a care-of address before the home agent has
 * accepted any (the first registration away from home, or after one was
 * refused). Tunnelled packets from the home agent to it are taken (the home
 * agent forwards from the moment it accepts, before its BA arrives), but
 * packets from the home address are held back and counted: sent natively
 * they would leave the visited link with a source that does not belong
 * there (RFC 6275 11.3.1), tunnelled the home agent would drop them as
 * spoofed and raise its alarms. */
#define XMIP_BF_REGISTERING 1u

/* Value of the local-address map: addresses of this node at which signalling
 * is received and tunnels end (the HA address; the MN's HoA and CoAs). */
struct xmip_local_addr {
	__u32 flags;    /* XMIP_LF_* */
	__u32 reserved;
};

#define XMIP_LF_TUNNEL_END 0x1u /* decapsulate IPv6-in-IPv6 addressed here */
#define XMIP_LF_SIGNALLING 0x2u /* hand Mobility Header packets to the agent */

/* Global datapath settings: a one-element array map. */
struct xmip_config {
	__u8 tunnel_hop_limit; /* hop limit of the outer header we add */
	__u8 reserved0;
	__u16 min_ptb_mtu;     /* never advertise less than this in a Packet Too Big */
	__u32 flags;           /* XMIP_CF_* */
	/* Home agent: the home link and its MAC. XMIP_CF_ND_PROXY answers
	 * Neighbour Solicitations for bound home addresses there; whatever the
	 * flags, a unicast frame there for another MAC is left alone (0: not
	 * set, nothing checked). */
	__u32 home_ifindex;
	__u8 home_mac[6];
	__u8 reserved1[2];
};

#define XMIP_CF_NONE 0u
/* Mobile node with route optimisation on: the egress program tells the agent
 * which correspondents' packets take the tunnel (bpf/ro_hint.bpf.h). */
#define XMIP_CF_RO_HINTS 1u
/* Home agent: XDP on the home link answers Neighbour Solicitations for bound
 * home addresses from the bindings map (bpf/nd_proxy.bpf.h), so the kernel
 * needs no proxy entry per binding (docs/performance.md, "Proxy Neighbour
 * Discovery at 10^5 bindings"). */
#define XMIP_CF_ND_PROXY 2u

#define XMIP_DEFAULT_TUNNEL_HOP_LIMIT 64
#define XMIP_IPV6_MIN_MTU 1280
#define XMIP_TUNNEL_OVERHEAD 40 /* one IPv6 header, RFC 2473 */

/*
 * Datapath counters, one per (verdict, reason). X(ID, name, verdict, help).
 * The enum below and the userspace name table are both generated from this
 * list, so a counter exists exactly once. Verdicts: pass (to the kernel
 * stack), tx/redirect (forwarded by XDP), drop, agent (handed to xmipd).
 */
#define XMIP_COUNTERS(X)                                                                           \
	X(PASS_NOT_IPV6, "not_ipv6", "pass", "frame is not IPv6 (ARP, IPv4, ...)")                 \
	X(PASS_VLAN, "vlan_tagged", "pass", "802.1Q/802.1ad tagged frame, left to the stack")      \
	X(DROP_TRUNCATED, "truncated", "drop", "Ethernet or IPv6 header shorter than declared")    \
	X(PASS_NOT_MOBILE, "not_mobile", "pass", "IPv6 packet that no binding or tunnel concerns") \
	X(PASS_EXTHDR, "exthdr_unparsed", "pass",                                                  \
	  "header chain xmip does not walk (jumbo, fragment, too long)")                           \
	X(PASS_HOP_LIMIT, "hop_limit", "pass",                                                     \
	  "inner hop limit <= 1: the stack sends Time Exceeded")                                   \
	X(ENCAP_TX, "encap", "tx",                                                                 \
	  "encapsulated towards the care-of address, sent back out (XDP_TX)")                      \
	X(ENCAP_REDIRECT, "encap", "redirect",                                                     \
	  "encapsulated towards the care-of address, redirected")                                  \
	X(ENCAP_PASS, "encap_neigh_unresolved", "pass",                                            \
	  "encapsulated; next hop not resolved, stack forwards it")                                \
	X(DECAP_TX, "decap", "tx", "reverse tunnel decapsulated and sent back out (XDP_TX)")       \
	X(DECAP_REDIRECT, "decap", "redirect", "reverse tunnel decapsulated and redirected")       \
	X(DECAP_PASS, "decap", "pass",                                                             \
	  "decapsulated and handed to the stack (local or unresolved)")                            \
	X(DROP_SPOOFED, "spoofed", "drop",                                                         \
	  "tunnelled packet whose inner/outer addresses match no binding")                         \
	X(PTB_SENT, "too_big", "tx", "ICMPv6 Packet Too Big returned to the sender")               \
	X(DROP_NO_ROUTE, "no_route", "drop", "no usable route to the tunnel end point")            \
	X(DROP_TOO_BIG, "too_big", "drop", "locally sent packet larger than the tunnel MTU")       \
	X(DROP_ADJUST, "adjust_failed", "drop", "the kernel refused to grow or shrink the packet") \
	X(SIGNAL_TO_AGENT, "signalling", "agent", "Mobility Header packet queued to xmipd")        \
	X(DROP_SIGNAL_QUEUE, "signal_queue_full", "drop",                                          \
	  "Mobility Header packet lost: queue to xmipd full")                                      \
	X(MN_ENCAP, "encap_to_home_agent", "redirect",                                             \
	  "mobile node: home-address packet tunnelled to the home agent")                          \
	X(DROP_REGISTERING, "registering", "drop",                                                 \
	  "mobile node: home-address packet held back until the home agent accepts a care-of "     \
	  "address")                                                                               \
	X(PASS_HOME_LINK, "home_link", "pass",                                                     \
	  "home agent: Neighbour Discovery for a bound home address, or link-local traffic: "      \
	  "answered on the home link, never tunnelled")                                            \
	X(HA_LOCAL_ENCAP, "encap_own", "redirect",                                                 \
	  "home agent: a packet it sent itself to a bound home address, tunnelled to the care-of " \
	  "address")                                                                               \
	X(HA_OWN_NS_ANSWERED, "own_solicitation_answered", "redirect",                             \
	  "home agent: its own Neighbour Solicitation for a bound home address, answered with "    \
	  "its own MAC so its packets reach the tunnel")                                           \
	X(ND_PROXY_ANSWERED, "nd_proxy_answered", "tx",                                            \
	  "home agent: a Neighbour Solicitation on the home link for a bound home address, "       \
	  "answered for the mobile node (RFC 6275 10.4.1)")                                        \
	X(ND_PROXY_INVALID, "nd_proxy_invalid", "pass",                                            \
	  "home agent: a Neighbour Solicitation on the home link that fails RFC 4861 7.1.1 "       \
	  "(checksum, hop limit, code, length, options): not answered, left to the stack")         \
	X(PASS_OTHER_HOST, "other_host", "pass",                                                   \
	  "home agent: a unicast frame on the home link for another host's MAC (flooded by a "     \
	  "switch, seen by a promiscuous port): left to the stack, which drops it")                \
	XMIP_RO_COUNTERS(X)

/*
 * ---- Route optimisation (RFC 6275 6.3, 6.4, 9.3, 11.3; issue 13) --------
 * docs/route-optimisation.md, "Datapath". Both maps are keyed by the pair
 * (home address, correspondent address): on a mobile node the peer it
 * optimises with, on a correspondent its own address the binding was
 * registered at (the Kbm covers it, RFC 6275 5.2.5), so a multi-homed
 * correspondent keeps one binding per address.
 */
struct xmip_ro_key {
	struct xmip_in6 home;	       /* the mobile node's home address */
	struct xmip_in6 correspondent; /* the correspondent's address */
};

/* Value of both maps: the care-of address the correspondent accepted. On a
 * mobile node (xmip_ro_peers) the source its route-optimised packets leave
 * from; on a correspondent (xmip_cn_bindings) the destination of packets to
 * the home address and the only source a Home Address option is taken from.
 * The home address is the key's: not repeated here. */
struct xmip_ro_binding {
	struct xmip_in6 care_of;
	__u32 flags;	/* XMIP_RF_*; the datapath ignores unknown ones */
	__u32 reserved; /* zero; keeps the value 8-byte aligned */
};

#define XMIP_RF_NONE 0u
/* Set by the datapath when a packet used the binding (the first one since
 * the agent last cleared it: one write per period, not per packet); the
 * agent reads and clears it to refresh only bindings in use (RFC 6275
 * 9.5.5, 11.7.2). */
#define XMIP_RF_USED 1u

/* The two extension headers xmip writes and reads (RFC 6275 6.3, 6.4):
 * both 24 bytes (Hdr Ext Len 2). The Home Address option sits at offset 6
 * (8n+6 alignment) behind a 4-byte PadN. */
#define XMIP_RO_EXT_LEN 24
#define XMIP_HAO_TYPE 201
#define XMIP_HAO_OPT_LEN 16
#define XMIP_RH2_TYPE 2

/* Packets with an unbound Home Address option copied to the agent (for its
 * Binding Error status 1, RFC 6275 9.3.1) at most this often per CPU and
 * second; the rest are only counted. */
#define XMIP_RO_SIGNALS_PER_SEC 10

#define XMIP_DEFAULT_MAX_RO_PEERS 1024
#define XMIP_DEFAULT_MAX_CN_BINDINGS 65536

#define XMIP_RO_COUNTERS(X)                                                                        \
	X(RO_MN_HAO, "ro_hao_added", "pass",                                                       \
	  "mobile node: sent route-optimised from the care-of address with a Home Address option") \
	X(RO_MN_RH2, "ro_rh2_taken", "pass",                                                       \
	  "mobile node: type 2 routing header for its home address: destination swapped in, to "   \
	  "the stack")                                                                             \
	X(RO_MN_RH2_FOREIGN, "ro_rh2_foreign_home", "drop",                                        \
	  "mobile node: type 2 routing header naming an address that is not its home address")     \
	X(RO_RH2_MALFORMED, "ro_rh2_malformed", "drop",                                            \
	  "type 2 routing header with a wrong length or segments left, or cut short")              \
	X(RO_CN_RH2, "ro_rh2_added", "redirect",                                                   \
	  "correspondent: sent to the care-of address with a type 2 routing header")               \
	X(RO_CN_TOO_BIG, "ro_rh2_no_room", "pass",                                                 \
	  "correspondent: no room for the routing header within the MTU; sent to the home "        \
	  "address, through the home agent")                                                       \
	X(RO_CN_HAO, "ro_hao_taken", "pass",                                                       \
	  "correspondent: Home Address option of a binding: source swapped in, option removed, "   \
	  "to the stack")                                                                          \
	X(RO_CN_HAO_UNBOUND, "ro_hao_unbound", "drop",                                             \
	  "correspondent: Home Address option with no binding for it and this source (the agent "  \
	  "told, rate-limited: Binding Error 1)")                                                  \
	X(RO_HAO_MALFORMED, "ro_hao_malformed", "drop",                                            \
	  "Home Address option misaligned, of a wrong length, repeated, overrunning its header, "  \
	  "or sharing it with options xmip does not rewrite")

enum xmip_counter {
#define XMIP_COUNTER_ENUM(id, name, verdict, help) XMIP_CNT_##id,
	XMIP_COUNTERS(XMIP_COUNTER_ENUM)
#undef XMIP_COUNTER_ENUM
	XMIP_CNT_MAX
};

/* Per-CPU value of the counters map; userspace sums the CPUs. */
struct xmip_counter_value {
	__u64 packets;
	__u64 bytes;
};

/*
 * Signalling event: a Mobility Header packet the kernel cannot take itself
 * (it drops the Home Address option and type 2 routing headers without
 * CONFIG_IPV6_MIP6), handed to xmipd through a ring buffer exactly as it was
 * on the wire, starting at the IPv6 header.
 */
#define XMIP_SIGNAL_MAX_LEN 1280 /* the IPv6 minimum MTU: every MH message fits */
/* A packet of at most this many bytes takes a record of XMIP_SIGNAL_HDR_LEN +
 * XMIP_SIGNAL_SMALL_LEN instead of the whole struct: a Binding Update (about
 * 120 bytes with RFC 4285 options) then costs 280 bytes of the ring, not
 * 1304, and the ring holds about 930 of them while the agent is busy rather
 * than 200 (docs/datapath.md, "The signalling ring"). A record's size says
 * which: the agent reads len bytes, never more than the record holds. */
#define XMIP_SIGNAL_SMALL_LEN 256
#define XMIP_SIGNAL_HDR_LEN 16 /* the fields before data[] */

struct xmip_signal_event {
	__u32 ifindex;  /* interface it arrived on */
	__u32 len;      /* bytes valid in data[] */
	__u32 orig_len; /* length of the IPv6 packet on the wire */
	__u32 kind;	/* XMIP_SIG_*: what the packet is to the agent */
	__u8 data[XMIP_SIGNAL_MAX_LEN];
};

/* xmip_signal_event.kind */
#define XMIP_SIG_MOBILITY 0u /* Mobility Header signalling for the agent's role */
/* Correspondent: a packet with a Home Address option it has no binding for
 * (or from another source than the binding's care-of address), dropped; the
 * agent answers its source with Binding Error status 1 (RFC 6275 9.3.1). */
#define XMIP_SIG_UNBOUND_HAO 1u
/* Mobile node: a packet from a home address to a correspondent took the
 * tunnel; data[] holds its IPv6 header (40 bytes), ifindex the egress
 * interface. At most one per (home, correspondent) per
 * XMIP_RO_HINT_INTERVAL_NS: the agent may start return routability. */
#define XMIP_SIG_RO_HINT 2u
#define XMIP_RO_HINT_INTERVAL_NS 1000000000ull

/* Default sizes; the agent sets the real ones from configuration before load. */
#define XMIP_DEFAULT_MAX_BINDINGS 65536
#define XMIP_DEFAULT_MAX_LOCAL_ADDRS 64
#define XMIP_SIGNAL_RING_BYTES (256 * 1024)

#ifdef __cplusplus
#define XMIP_STATIC_ASSERT static_assert
#else
#define XMIP_STATIC_ASSERT _Static_assert
#endif
XMIP_STATIC_ASSERT(sizeof(struct xmip_in6) == 16, "xmip_in6 layout");
XMIP_STATIC_ASSERT(sizeof(struct xmip_binding) == 40, "xmip_binding layout");
XMIP_STATIC_ASSERT(sizeof(struct xmip_local_addr) == 8, "xmip_local_addr layout");
XMIP_STATIC_ASSERT(sizeof(struct xmip_config) == 20, "xmip_config layout");
XMIP_STATIC_ASSERT(sizeof(struct xmip_counter_value) == 16, "xmip_counter_value layout");
XMIP_STATIC_ASSERT(sizeof(struct xmip_signal_event) == XMIP_SIGNAL_HDR_LEN + XMIP_SIGNAL_MAX_LEN,
		   "signal event layout");
XMIP_STATIC_ASSERT(__builtin_offsetof(struct xmip_signal_event, data) == XMIP_SIGNAL_HDR_LEN,
		   "signal event header layout (agent/datapath/signal_reader.cpp reads it)");
XMIP_STATIC_ASSERT(sizeof(struct xmip_ro_key) == 32, "xmip_ro_key layout");
XMIP_STATIC_ASSERT(sizeof(struct xmip_ro_binding) == 24, "xmip_ro_binding layout");

/*
 * Next-hop cache (docs/performance.md, "The next-hop cache"): where the
 * tunnel to a care-of address leaves, as the kernel's FIB and neighbour
 * table said when the agent last asked, so that the encapsulation path
 * needs no bpf_fib_lookup per packet. The agent is the only writer. An
 * entry counts only while its gen equals xmip_nh_state.gen: the agent bumps
 * that on any route, rule, neighbour, link or address event before it
 * re-resolves, so a packet after a change never takes a stale next hop; it
 * takes bpf_fib_lookup, as it does on a miss.
 */
struct xmip_nexthop {
	__u32 ifindex; /* egress link */
	__u32 mtu;     /* the route's MTU for this destination (tot_len above it: Packet Too Big) */
	__u8 dmac[6];  /* the next hop's link-layer address */
	__u8 smac[6];  /* the egress link's */
	__u32 gen;     /* xmip_nh_state.gen when resolved */
};

/* One-element array map: the generation entries must carry to be used. */
struct xmip_nh_state {
	__u32 gen;
	__u32 flags;	 /* XMIP_NHF_* */
	__u32 route_gen; /* the uplink's route memo's: bumped with gen and every second */
	__u32 pad;
};

/* The agent found IPv6 policy rules other than the kernel's defaults: a
 * next hop then depends on more than the destination, so nothing is served
 * from the cache (every packet takes bpf_fib_lookup, which applies them). */
#define XMIP_NHF_OFF 0x1u
/* The agent keeps route_gen honest for the datapath's own entries: it
 * bumps it on every event above and once a second (a path MTU the kernel
 * learns raises no event; the care-of entries are re-resolved for it, these
 * are not, so they age out). Only then may the decapsulation
 * path remember its bpf_fib_lookup answers in xmip_routes; without this
 * flag (no agent watching: a test, a benchmark) it never writes one. */
#define XMIP_NHF_ROUTES 0x2u

/*
 * The uplink's route memo (xmip_routes, an LRU hash the datapath writes):
 * every input the decapsulation path gives bpf_fib_lookup for the inner
 * packet, so an entry answers exactly what the kernel answered for the same
 * question (a multipath route's choice by flow label, a source-specific
 * route: all in the key). The value is a struct xmip_nexthop whose gen is
 * the route_gen read before the lookup that filled it.
 */
struct xmip_route_key {
	__u32 ifindex;	     /* ingress link */
	__be32 flowinfo;     /* the inner flow label, network order */
	__u8 proto;	     /* the inner next header */
	__u8 pad[7];	     /* zero (the addresses are 8-byte aligned) */
	struct xmip_in6 src; /* inner source (the home address) */
	struct xmip_in6 dst; /* inner destination (the correspondent) */
};

/* Per-CPU counters of the cache (array map, index below). */
enum xmip_nh_stat {
	XMIP_NH_HIT,	     /* served from the cache */
	XMIP_NH_MISS,	     /* no entry: bpf_fib_lookup */
	XMIP_NH_STALE,	     /* entry of an older generation: bpf_fib_lookup */
	XMIP_NH_OFF,	     /* cache off (policy rules): bpf_fib_lookup */
	XMIP_NH_ROUTE_HIT,   /* uplink: served from xmip_routes */
	XMIP_NH_ROUTE_MISS,  /* uplink: no entry: bpf_fib_lookup, remembered when it succeeds */
	XMIP_NH_ROUTE_STALE, /* uplink: an older generation's entry: as a miss */
	XMIP_NH_STAT_MAX
};

#define XMIP_DEFAULT_MAX_NEXTHOPS 4096
#define XMIP_DEFAULT_MAX_ROUTES 16384
XMIP_STATIC_ASSERT(sizeof(struct xmip_route_key) == 48, "xmip_route_key layout");
XMIP_STATIC_ASSERT(sizeof(struct xmip_nexthop) == 24, "xmip_nexthop layout");
XMIP_STATIC_ASSERT(sizeof(struct xmip_nh_state) == 16, "xmip_nh_state layout");

#endif /* XMIP_SHARED_H */
