#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""Packet fixtures for the xmip datapath, built independently with scapy.

Every case is an exact input frame, the program it goes through, the verdict
and the exact output frame the datapath must produce, and the counter it must
move. Expected outputs are constructed here from the RFCs (scapy computes the
checksums and lengths), never captured from xmip itself, so a test against
them checks xmip rather than repeating it.

The sandbox the cases run in (a private network namespace the test binary
creates) is described here too, as `ip` commands, so addresses, MAC addresses
and routes have one source.

Run with Debian's scapy: /usr/bin/python3 tests/bpf/gen_fixtures.py > tests/bpf/fixtures.json
"""
import json
import struct
import sys

from scapy.layers.inet import IP, UDP as UDP4
from scapy.layers.inet6 import (HAO, ICMPv6EchoRequest, ICMPv6ND_NA, ICMPv6ND_NS, ICMPv6NDOptDstLLAddr,
                                ICMPv6NDOptSrcLLAddr, ICMPv6PacketTooBig, IPv6,
                                IPv6ExtHdrDestOpt, IPv6ExtHdrFragment, IPv6ExtHdrHopByHop,
                                IPv6ExtHdrRouting, PadN, UDP)
from scapy.layers.l2 import ARP, Dot1Q, Ether
from scapy.layers.inet6 import (ICMPv6DestUnreach, ICMPv6EchoReply, MIP6MH_BA, MIP6MH_BRR, MIP6MH_BU,
                                MIP6MH_HoT, MIP6MH_HoTI)
from scapy.layers.inet import TCP
from scapy.packet import Raw
from scapy.utils import checksum

# ---- the sandbox ---------------------------------------------------------
# dp0: towards correspondents (CN), dp1: the visited side (care-of addresses),
# dp2: the home link. Each is a veth whose peer stays down-stream silent.
MAC = {
    "dp0": "02:00:00:00:01:02", "cn": "02:00:00:00:01:10",
    "dp1": "02:00:00:00:03:01", "coa": "02:00:00:00:03:64", "gw7": "02:00:00:00:03:07",
    "gw9": "02:00:00:00:03:09", "visitor": "02:00:00:00:03:50",
    "dp2": "02:00:00:00:27:02", "router": "02:00:00:00:27:01",
    "dp3": "02:00:00:00:33:01",  # a mobile node's interface: a host, forwarding off
}
HA = "2001:db8:2700::2"          # home agent address (on dp2, the home link)
HOA = "2001:db8:2700::4"         # a home address bound to COA
HOA_UNRESOLVED = "2001:db8:2700::5"  # bound to a CoA whose next hop is not resolved
HOA_NARROW = "2001:db8:2700::6"  # bound to a CoA behind a 1400-byte MTU route
HOA_BLACKHOLE = "2001:db8:2700::7"  # bound to a CoA that is blackholed
HOA_UNBOUND = "2001:db8:2700::99"
CN = "2001:db8:1::10"
COA = "2001:db8:3::100"
COA_UNRESOLVED = "2001:db8:5::9"
COA_NARROW = "2001:db8:7::9"
COA_BLACKHOLE = "2001:db8:dead::1"
VISITOR = "2001:db8:3::50"
# The mobile node's view: its home agent and home address elsewhere.
MN_HA = "2001:db8:9::2"
MN_HOA = "2001:db8:9::4"
MN_HOA_BLACKHOLE = "2001:db8:9::44"
MN_HOA_REGISTERING = "2001:db8:9::45"  # first registration away from home, not accepted yet
MN_COA = COA

TOPOLOGY = [
    "sysctl -qw net.ipv6.conf.all.forwarding=1",
    "ip link set lo up",
] + [cmd for i, name in enumerate(["dp0", "dp1", "dp2", "dp3"]) for cmd in (
    f"ip link add {name} type veth peer name {name}p",
    f"ip link set {name} address {MAC[name]}",
    f"sysctl -qw net.ipv6.conf.{name}.accept_dad=0",
    f"ip link set {name} up",
    f"ip link set {name}p up",
)] + [
    "ip -6 addr add 2001:db8:1::2/64 dev dp0 nodad",
    "ip -6 addr add 2001:db8:3::1/64 dev dp1 nodad",
    f"ip -6 addr add {HA}/64 dev dp2 nodad",
    f"ip -6 neigh replace {CN} lladdr {MAC['cn']} dev dp0 nud permanent",
    f"ip -6 neigh replace {COA} lladdr {MAC['coa']} dev dp1 nud permanent",
    f"ip -6 neigh replace {VISITOR} lladdr {MAC['visitor']} dev dp1 nud permanent",
    f"ip -6 neigh replace 2001:db8:3::7 lladdr {MAC['gw7']} dev dp1 nud permanent",
    f"ip -6 neigh replace 2001:db8:3::9 lladdr {MAC['gw9']} dev dp1 nud permanent",
    "ip -6 route add 2001:db8:5::/64 via 2001:db8:3::5 dev dp1",
    "ip -6 route add 2001:db8:7::/64 via 2001:db8:3::7 dev dp1 mtu lock 1400",
    "ip -6 route add 2001:db8:9::/64 via 2001:db8:3::9 dev dp1",
    "ip -6 route add blackhole 2001:db8:dead::/48",
    "sysctl -qw net.ipv6.conf.dp3.forwarding=0",
]

LOCAL_TUNNEL_AND_SIGNALLING = 3  # XMIP_LF_TUNNEL_END | XMIP_LF_SIGNALLING
BF_REGISTERING = 1  # XMIP_BF_REGISTERING
STATES = {
    "ha": {
        "local_addrs": [[HA, LOCAL_TUNNEL_AND_SIGNALLING]],
        # home address, remote (care-of address), local (HA address)
        "bindings": [[HOA, COA, HA], [HOA_UNRESOLVED, COA_UNRESOLVED, HA],
                     [HOA_NARROW, COA_NARROW, HA], [HOA_BLACKHOLE, COA_BLACKHOLE, HA]],
    },
    "mn": {
        "local_addrs": [[MN_COA, LOCAL_TUNNEL_AND_SIGNALLING], [MN_HOA, 2]],
        # home address, remote (home agent), local (care-of address)[, flags]
        "bindings": [[MN_HOA, MN_HA, MN_COA], [MN_HOA_BLACKHOLE, COA_BLACKHOLE, MN_COA],
                     [MN_HOA_REGISTERING, MN_HA, MN_COA, BF_REGISTERING]],
        # route optimisation: home address, correspondent, care-of address
        "ro_peers": [[MN_HOA, "2001:db8:1::20", MN_COA]],
    },
    # A correspondent at 2001:db8:1::2 (dp0's address) with bindings for the
    # mobile node's home addresses: home address, correspondent, care-of.
    "cn": {
        "local_addrs": [["2001:db8:1::2", 2]],
        "bindings": [],
        "cn_bindings": [[MN_HOA, "2001:db8:1::2", MN_COA],
                        [MN_HOA_BLACKHOLE, "2001:db8:1::2", COA_BLACKHOLE]],
    },
}
TUNNEL_HOP_LIMIT = 64

XDP_DROP, XDP_PASS, XDP_TX, XDP_REDIRECT = 1, 2, 3, 4
TC_ACT_OK, TC_ACT_SHOT, TC_ACT_REDIRECT = 0, 2, 7


# ---- the outer flow label: bpf/flow_hash.bpf.h, reimplemented -------------
M32 = 0xFFFFFFFF


def _rotl(x, r):
    return ((x << r) | (x >> (32 - r))) & M32


def _body(h, k):
    """MurmurHash3 x86_32's step per word (bpf/flow_hash.bpf.h)."""
    k = (k * 0xCC9E2D51) & M32
    k = _rotl(k, 15)
    k = (k * 0x1B873593) & M32
    h ^= k
    h = _rotl(h, 13)
    return (h * 5 + 0xE6546B64) & M32


def _final(h, n):
    h ^= n
    h ^= h >> 16
    h = (h * 0x85EBCA6B) & M32
    h ^= h >> 13
    h = (h * 0xC2B2AE35) & M32
    h ^= h >> 16
    return h


def _word(b):
    """A 32-bit load on a little-endian CPU, as the BPF program does."""
    return struct.unpack("<I", b)[0]


def flow_label(inner: bytes) -> int:
    nh = inner[6]
    h = 0x9E3779B9 ^ nh
    n = 9 * 4
    h = _body(h, _word(inner[0:4]) & _word(bytes([0x00, 0x0F, 0xFF, 0xFF])))
    for i in range(8):
        h = _body(h, _word(inner[8 + 4 * i:12 + 4 * i]))
    if nh in (6, 17, 132) and len(inner) >= 44:
        h = _body(h, _word(inner[40:44]))
        n += 4
    h = _final(h, n) & 0xFFFFF
    return h or 1


def tunnel(inner: bytes, src: str, dst: str) -> IPv6:
    """RFC 2473 outer header as xmip builds it."""
    tclass = ((inner[0] & 0x0F) << 4) | (inner[1] >> 4)
    return IPv6(src=src, dst=dst, nh=41, hlim=TUNNEL_HOP_LIMIT, tc=tclass,
                fl=flow_label(inner), plen=len(inner)) / Raw(inner)


def dec_hlim(ip6: bytes) -> bytes:
    return ip6[:7] + bytes([ip6[7] - 1]) + ip6[8:]


def payload(n: int) -> Raw:
    return Raw(bytes((i * 7) & 0xFF for i in range(n)))


# ---- the cases ------------------------------------------------------------
CASES = []


SIG_MOBILITY, SIG_UNBOUND_HAO, SIG_RO_HINT = 0, 1, 2  # XMIP_SIG_*: what a signalling-ring event is


def case(name, prog, ingress, state, frame, verdict, out, counter, signal=None, why="",
         signal_kind=SIG_MOBILITY, ro_used=()):
    # A counter's bytes are the frame as the program was handed it, Ethernet
    # header and link padding included, whatever it does with the packet
    # (docs/datapath.md, "What a counter counts"). ro_used: the
    # route-optimisation entries [map, home, correspondent] the packet marks
    # XMIP_RF_USED; every other entry of the state must stay unmarked.
    CASES.append({
        "name": name, "why": why, "prog": prog, "ingress": ingress, "state": state,
        "in": bytes(frame).hex(), "verdict": verdict,
        "out": bytes(out).hex() if out is not None else bytes(frame).hex(),
        "counter": counter, "count_bytes": len(bytes(frame)) if counter else 0,
        "signal": bytes(signal).hex() if signal is not None else None,
        "signal_kind": signal_kind if signal is not None else None,
        "ro_used": [list(u) for u in ro_used],
    })


def from_cn(dst, size=16, hlim=64, **kw):
    return Ether(src=MAC["cn"], dst=MAC["dp0"]) / IPv6(src=CN, dst=dst, hlim=hlim, **kw) / \
        UDP(sport=40000, dport=5001) / payload(size)


# 1. Home agent downlink.
f = from_cn(HOA, tc=0xB8, fl=0x12345)
inner = dec_hlim(bytes(f[IPv6]))
case("ha_downlink_encap_redirect", "ha_xdp", "dp0", "ha", f, XDP_REDIRECT,
     Ether(src=MAC["dp1"], dst=MAC["coa"]) / tunnel(inner, HA, COA),
     "ENCAP_REDIRECT",
     why="bound HoA: outer HA->CoA, tclass copied, flow label from the inner flow, inner hlim-1")

f2 = from_cn(HOA, size=17)
f2[UDP].sport = 40001
inner2 = dec_hlim(bytes(f2[IPv6]))
case("ha_downlink_other_flow_other_label", "ha_xdp", "dp0", "ha", f2, XDP_REDIRECT,
     Ether(src=MAC["dp1"], dst=MAC["coa"]) / tunnel(inner2, HA, COA),
     "ENCAP_REDIRECT", why="another source port spreads to another label")
assert flow_label(inner) != flow_label(inner2)

f = Ether(src=MAC["visitor"], dst=MAC["dp1"]) / IPv6(src=VISITOR, dst=HOA) / \
    ICMPv6EchoRequest(id=1, seq=1)
inner = dec_hlim(bytes(f[IPv6]))
case("ha_downlink_encap_tx", "ha_xdp", "dp1", "ha", f, XDP_TX,
     Ether(src=MAC["dp1"], dst=MAC["coa"]) / tunnel(inner, HA, COA),
     "ENCAP_TX", why="CoA reached through the ingress link: XDP_TX")

f = from_cn(HOA, size=8)
l3 = bytes(f[IPv6])
declared = l3[:4] + (2).to_bytes(2, "big") + l3[6:42]  # payload length 2: the ports are padding
inner = dec_hlim(declared)
case("ha_downlink_flow_label_ignores_padding", "ha_xdp", "dp0", "ha",
     Ether(src=MAC["cn"], dst=MAC["dp0"], type=0x86DD) / Raw(declared + l3[42:]), XDP_REDIRECT,
     bytes(Ether(src=MAC["dp1"], dst=MAC["coa"]) / tunnel(inner, HA, COA)) + l3[42:],
     "ENCAP_REDIRECT",
     why="a UDP packet cut inside its header: the flow label is the packet's, "
     "not from the link padding after it (which travels along, outside the outer packet)")

f = from_cn(HOA_UNRESOLVED)
inner = dec_hlim(bytes(f[IPv6]))
case("ha_downlink_neigh_unresolved_pass", "ha_xdp", "dp0", "ha", f, XDP_PASS,
     Ether(src=MAC["cn"], dst=MAC["dp0"]) / tunnel(inner, HA, COA_UNRESOLVED),
     "ENCAP_PASS",
     why="next hop not resolved: the encapsulated packet goes to the stack, not lost")

f = from_cn(HOA_NARROW, size=1400 - 48)
orig = bytes(f[IPv6])
quote = orig[:min(len(orig), 1232) & ~3]
case("ha_downlink_too_big_ptb", "ha_xdp", "dp0", "ha", f, XDP_TX,
     Ether(src=MAC["dp0"], dst=MAC["cn"]) /
     IPv6(src=HA, dst=CN, hlim=TUNNEL_HOP_LIMIT) / ICMPv6PacketTooBig(mtu=1360) / Raw(quote),
     "PTB_SENT",
     why="1400 + 40 > route MTU 1400: Packet Too Big with 1400 - 40")

f = from_cn(HOA, size=3000 - 62)
orig = bytes(f[IPv6])
case("ha_downlink_jumbo_frame_ptb", "ha_xdp", "dp0", "ha", f, XDP_TX,
     Ether(src=MAC["dp0"], dst=MAC["cn"]) /
     IPv6(src=HA, dst=CN, hlim=TUNNEL_HOP_LIMIT) / ICMPv6PacketTooBig(mtu=1460) /
     Raw(orig[:1232]),
     "PTB_SENT", why="a 3000-byte frame cannot cross a 1500-byte link tunnelled")

f = from_cn(HOA, hlim=1)
case("ha_downlink_hop_limit_pass", "ha_xdp", "dp0", "ha", f, XDP_PASS, None,
     "PASS_HOP_LIMIT", why="hop limit 1: the stack answers Time Exceeded")

f = from_cn(HOA_BLACKHOLE)
case("ha_downlink_no_route_drop", "ha_xdp", "dp0", "ha", f, XDP_DROP, None,
     "DROP_NO_ROUTE", why="CoA blackholed")

f = from_cn(HOA_UNBOUND)
case("ha_miss_pass", "ha_xdp", "dp0", "ha", f, XDP_PASS, None, "PASS_NOT_MOBILE",
     why="home address without binding: the stack (and proxy ND) handle it")

f = Ether(src=MAC["cn"], dst=MAC["dp0"]) / IPv6(src=CN, dst=HOA, nh=0, plen=0) / \
    IPv6ExtHdrHopByHop(options=[]) / payload(16)
case("ha_jumbogram_pass", "ha_xdp", "dp0", "ha", f, XDP_PASS, None, "PASS_EXTHDR",
     why="payload length 0 + hop-by-hop: a jumbogram, left to the stack")

# What stays on the home link (RFC 6275 10.4.1, RFC 4291 2.5.6): passed, never tunnelled.
ROUTER = "2001:db8:2700::1"
ROUTER_LL = "fe80::27:1"
f = Ether(src=MAC["router"], dst=MAC["dp2"]) / IPv6(src=ROUTER, dst=HOA, hlim=255) / \
    ICMPv6ND_NS(tgt=HOA)
case("ha_nd_unicast_ns_to_hoa_pass", "ha_xdp", "dp2", "ha", f, XDP_PASS, None, "PASS_HOME_LINK",
     why="a router's unicast NUD probe for a bound HoA, to the HA's MAC: "
     "the home agent answers it (proxy ND), the tunnel must not take it")

f = Ether(src=MAC["router"], dst=MAC["dp2"]) / IPv6(src=ROUTER_LL, dst=HOA, hlim=255) / \
    ICMPv6ND_NA(tgt=ROUTER, R=1, S=1, O=0)
case("ha_nd_na_to_hoa_pass", "ha_xdp", "dp2", "ha", f, XDP_PASS, None, "PASS_HOME_LINK",
     why="an NA answering the HA's solicitation from the home address")

f = Ether(src=MAC["router"], dst=MAC["dp2"]) / IPv6(src=ROUTER_LL, dst=HOA, hlim=64) / \
    ICMPv6EchoRequest(id=3, seq=3)
case("ha_link_local_source_to_hoa_pass", "ha_xdp", "dp2", "ha", f, XDP_PASS, None, "PASS_HOME_LINK",
     why="a link-local source is never forwarded: not tunnelled")

f = Ether(src=MAC["cn"], dst=MAC["dp0"]) / IPv6(src=CN, dst=HOA, hlim=64) / ICMPv6ND_NS(tgt=HOA)
inner = dec_hlim(bytes(f[IPv6]))
case("ha_nd_hop_limit_below_255_tunnelled", "ha_xdp", "dp0", "ha", f, XDP_REDIRECT,
     Ether(src=MAC["dp1"], dst=MAC["coa"]) / tunnel(inner, HA, COA),
     "ENCAP_REDIRECT",
     why="hop limit 64: not valid ND (RFC 4861), forwarded like any packet")

# 2. Home agent uplink (reverse tunnel).
inner = bytes(IPv6(src=HOA, dst=CN, hlim=30, fl=7) / UDP(sport=5001, dport=40000) / payload(20))
f = Ether(src=MAC["coa"], dst=MAC["dp1"]) / IPv6(src=COA, dst=HA, nh=41) / Raw(inner)
case("ha_uplink_decap_redirect", "ha_xdp", "dp1", "ha", f, XDP_REDIRECT,
     Ether(src=MAC["dp0"], dst=MAC["cn"], type=0x86DD) / Raw(dec_hlim(inner)), "DECAP_REDIRECT",
     why="registered CoA -> HA, inner from the HoA: decapsulate, forward to CN")

f = Ether(src=MAC["coa"], dst=MAC["dp1"]) / \
    IPv6(src=COA, dst=HA) / IPv6ExtHdrDestOpt(nh=41, options=[PadN(optdata=b"\0" * 4)]) / Raw(inner)
case("ha_uplink_after_dest_options", "ha_xdp", "dp1", "ha", f, XDP_REDIRECT,
     Ether(src=MAC["dp0"], dst=MAC["cn"], type=0x86DD) / Raw(dec_hlim(inner)), "DECAP_REDIRECT",
     why="a destination options header (tunnel encapsulation limit style) before the inner packet")

for name, outer_src, outer_dst, inner_src, why in [
    ("ha_uplink_spoofed_outer_source", VISITOR, HA, HOA, "outer source is not the registered CoA"),
    ("ha_uplink_spoofed_inner_source", COA, HA, HOA_UNBOUND, "inner source has no binding"),
    ("ha_uplink_wrong_inner_hoa", COA_UNRESOLVED, HA, HOA, "the CoA of another binding"),
]:
    inner_s = bytes(IPv6(src=inner_src, dst=CN) / UDP() / payload(8))
    f = Ether(src=MAC["coa"], dst=MAC["dp1"]) / IPv6(src=outer_src, dst=outer_dst, nh=41) / Raw(inner_s)
    case(name, "ha_xdp", "dp1", "ha", f, XDP_DROP, None, "DROP_SPOOFED", why=why)

inner_h1 = bytes(IPv6(src=HOA, dst=CN, hlim=1) / UDP() / payload(8))
f = Ether(src=MAC["coa"], dst=MAC["dp1"]) / IPv6(src=COA, dst=HA, nh=41) / Raw(inner_h1)
case("ha_uplink_hop_limit_pass", "ha_xdp", "dp1", "ha", f, XDP_PASS,
     Ether(src=MAC["coa"], dst=MAC["dp1"], type=0x86DD) / Raw(inner_h1), "PASS_HOP_LIMIT",
     why="inner hop limit 1: decapsulated, the stack sends Time Exceeded")

inner_l = bytes(IPv6(src=HOA, dst=HA) / ICMPv6EchoRequest(id=9, seq=9))
f = Ether(src=MAC["coa"], dst=MAC["dp1"]) / IPv6(src=COA, dst=HA, nh=41) / Raw(inner_l)
case("ha_uplink_to_ha_itself_pass", "ha_xdp", "dp1", "ha", f, XDP_PASS,
     Ether(src=MAC["coa"], dst=MAC["dp1"], type=0x86DD) / Raw(inner_l), "DECAP_PASS",
     why="inner destination is local: decapsulated and delivered by the stack")

f = Ether(src=MAC["coa"], dst=MAC["dp1"]) / IPv6(src=COA, dst=HA, nh=41) / Raw(inner[:30])
case("ha_uplink_truncated_inner_drop", "ha_xdp", "dp1", "ha", f, XDP_DROP, None,
     "DROP_TRUNCATED", why="the inner IPv6 header is cut short")

# 3. Signalling to the agent.
bu = IPv6(src=COA, dst=HA) / IPv6ExtHdrDestOpt(options=[HAO(hoa=HOA)]) / \
    MIP6MH_BU(seq=7, flags="AH", mhtime=100)
f = Ether(src=MAC["coa"], dst=MAC["dp1"]) / bu
case("ha_binding_update_with_hao_to_agent", "ha_xdp", "dp1", "ha", f, XDP_DROP, None,
     "SIGNAL_TO_AGENT", signal=bu,
     why="the kernel would drop the Home Address option: xmipd gets the packet as it was")

bu_home = IPv6(src=HOA, dst=HA) / MIP6MH_BU(seq=8, flags="AH", mhtime=0)
f = Ether(src=MAC["coa"], dst=MAC["dp2"]) / bu_home
case("ha_binding_update_plain_to_agent", "ha_xdp", "dp2", "ha", f, XDP_DROP, None,
     "SIGNAL_TO_AGENT", signal=bu_home,
     why="every MH message takes the same path to the agent")

f = Ether(src=MAC["cn"], dst=MAC["dp0"]) / IPv6(src=CN, dst=HA) / ICMPv6EchoRequest()
case("ha_ping_to_ha_pass", "ha_xdp", "dp0", "ha", f, XDP_PASS, None, "PASS_NOT_MOBILE",
     why="ordinary traffic to the HA itself")

# 4. Malformed and foreign frames (home agent program; the MN's shares the parser).
for name, frame, verdict, counter, why in [
    ("ethernet_header_only_drop", Ether(src=MAC["cn"], dst=MAC["dp0"], type=0x86DD), XDP_DROP,
     "DROP_TRUNCATED", "EtherType IPv6 and nothing after it (XDP never sees runts < 14)"),
    ("ipv6_header_truncated_drop", Ether(src=MAC["cn"], dst=MAC["dp0"], type=0x86DD) / Raw(bytes(30)),
     XDP_DROP, "DROP_TRUNCATED", "EtherType IPv6, 30 bytes of header"),
    ("ipv6_wrong_version_drop", Ether(src=MAC["cn"], dst=MAC["dp0"], type=0x86DD) /
     Raw(b"\x40" + bytes(39) + bytes(8)), XDP_DROP, "DROP_TRUNCATED", "version 4 in an IPv6 frame"),
    ("ipv6_payload_length_beyond_frame_drop", Ether(src=MAC["cn"], dst=MAC["dp0"]) /
     IPv6(src=CN, dst=HOA, plen=200, nh=17) / Raw(bytes(20)), XDP_DROP, "DROP_TRUNCATED",
     "declares 200 bytes, carries 20"),
    ("arp_pass", Ether(src=MAC["cn"], dst="ff:ff:ff:ff:ff:ff") / ARP(), XDP_PASS, "PASS_NOT_IPV6",
     "ARP"),
    ("ipv4_pass", Ether(src=MAC["cn"], dst=MAC["dp0"]) / IP(src="192.0.2.1", dst="192.0.2.2") /
     UDP4(), XDP_PASS, "PASS_NOT_IPV6", "IPv4"),
    ("vlan_tagged_pass", Ether(src=MAC["cn"], dst=MAC["dp0"]) / Dot1Q(vlan=7) /
     IPv6(src=CN, dst=HOA) / UDP(), XDP_PASS, "PASS_VLAN", "802.1Q tag: left to the stack"),
]:
    case(name, "ha_xdp", "dp0", "ha", frame, verdict, None, counter, why=why)

long_chain = IPv6(src=COA, dst=HA)
for _ in range(7):
    long_chain = long_chain / IPv6ExtHdrDestOpt(options=[PadN(optdata=b"\0" * 4)])
long_chain = long_chain / MIP6MH_BU(seq=1)
f = Ether(src=MAC["coa"], dst=MAC["dp1"]) / long_chain
case("ext_header_chain_too_long_pass", "ha_xdp", "dp1", "ha", f, XDP_PASS, None, "PASS_EXTHDR",
     why="seven extension headers: more than xmip walks")

cut = bytes(IPv6(src=COA, dst=HA, nh=60, plen=1) / Raw(b"\x87"))
f = Ether(src=MAC["coa"], dst=MAC["dp1"], type=0x86DD) / Raw(cut)
case("ext_header_truncated_pass", "ha_xdp", "dp1", "ha", f, XDP_PASS, None, "PASS_EXTHDR",
     why="a destination options header cut after one byte")

cut = bytes(IPv6(src=COA, dst=HA) / IPv6ExtHdrDestOpt(nh=135, options=[HAO(hoa=HOA)]))[:40 + 12]
cut = cut[:4] + (12).to_bytes(2, "big") + cut[6:]
f = Ether(src=MAC["coa"], dst=MAC["dp1"], type=0x86DD) / Raw(cut)
case("ext_header_cut_inside_pass", "ha_xdp", "dp1", "ha", f, XDP_PASS, None, "PASS_EXTHDR",
     why="a 24-byte destination options header of which the packet holds 12: "
     "no Mobility Header follows it, nothing for the agent")

bu_long = bytearray(bytes(IPv6(src=COA, dst=HA) / IPv6ExtHdrDestOpt(options=[HAO(hoa=HOA)]) /
                          MIP6MH_BU(seq=7, flags="AH", mhtime=100)))
bu_long[41] = 255  # Hdr Ext Len: 2048 bytes
f = Ether(src=MAC["coa"], dst=MAC["dp1"], type=0x86DD) / Raw(bytes(bu_long))
case("ext_header_length_beyond_packet_pass", "ha_xdp", "dp1", "ha", f, XDP_PASS, None,
     "PASS_EXTHDR", why="an extension header declaring more than the whole packet")

frag = IPv6(src=COA, dst=HA) / IPv6ExtHdrFragment(nh=41, offset=0, m=1, id=5) / Raw(inner[:24])
f = Ether(src=MAC["coa"], dst=MAC["dp1"]) / frag
case("fragmented_tunnel_pass", "ha_xdp", "dp1", "ha", f, XDP_PASS, None, "PASS_NOT_MOBILE",
     why="a fragment: reassembly is the stack's job")

# 5. Mobile node ingress.
inner = bytes(IPv6(src=CN, dst=MN_HOA, hlim=50) / UDP(sport=40000, dport=5001) / payload(12))
f = Ether(src=MAC["gw9"], dst=MAC["coa"]) / IPv6(src=MN_HA, dst=MN_COA, nh=41) / Raw(inner)
case("mn_decap_pass", "mn_xdp", "dp1", "mn", f, XDP_PASS,
     Ether(src=MAC["gw9"], dst=MAC["coa"], type=0x86DD) / Raw(inner), "DECAP_PASS",
     why="from the HA to the CoA, inner to the HoA: delivered as if at home, hop limit kept")

inner_r = bytes(IPv6(src=CN, dst=MN_HOA_REGISTERING, hlim=50) / UDP(sport=40000, dport=5001) / payload(12))
f = Ether(src=MAC["gw9"], dst=MAC["coa"]) / IPv6(src=MN_HA, dst=MN_COA, nh=41) / Raw(inner_r)
case("mn_decap_while_registering_pass", "mn_xdp", "dp1", "mn", f, XDP_PASS,
     Ether(src=MAC["gw9"], dst=MAC["coa"], type=0x86DD) / Raw(inner_r), "DECAP_PASS",
     why="the HA forwards once it accepts, before its BA reaches the MN: taken")

f = Ether(src=MAC["gw9"], dst=MAC["coa"]) / IPv6(src=VISITOR, dst=MN_COA, nh=41) / Raw(inner)
case("mn_decap_spoofed_drop", "mn_xdp", "dp1", "mn", f, XDP_DROP, None, "DROP_SPOOFED",
     why="a tunnel from someone who is not the home agent")

ba = IPv6(src=MN_HA, dst=MN_COA) / IPv6ExtHdrRouting(type=2, addresses=[MN_HOA], segleft=1) / \
    MIP6MH_BA(status=0, flags=0, seq=7, mhtime=100)
f = Ether(src=MAC["gw9"], dst=MAC["coa"]) / ba
case("mn_binding_ack_with_rh2_to_agent", "mn_xdp", "dp1", "mn", f, XDP_DROP, None,
     "SIGNAL_TO_AGENT", signal=ba,
     why="the kernel would drop the type 2 routing header: xmipd gets the packet")

brr = IPv6(src=MN_HA, dst=MN_HOA) / MIP6MH_BRR()
f = Ether(src=MAC["gw9"], dst=MAC["coa"]) / IPv6(src=MN_HA, dst=MN_COA) / brr
case("mn_tunnelled_brr_to_agent", "mn_xdp", "dp1", "mn", f, XDP_DROP,
     Ether(src=MAC["gw9"], dst=MAC["coa"]) / brr,
     "SIGNAL_TO_AGENT", signal=brr,
     why="a Binding Refresh Request tunnelled by the home agent (no type 2 routing header, "
     "RFC 6275 6.1): the tunnel ends, the agent gets the inner packet")

f = Ether(src=MAC["gw9"], dst=MAC["coa"]) / IPv6(src=CN, dst=MN_COA) / UDP() / payload(4)
case("mn_plain_traffic_to_coa_pass", "mn_xdp", "dp1", "mn", f, XDP_PASS, None, "PASS_NOT_MOBILE",
     why="not a tunnel, not signalling")

# 6. Mobile node egress (tc).
f = Ether(src=MAC["coa"], dst=MAC["dp1"]) / IPv6(src=MN_HOA, dst=CN, hlim=64, tc=0x20) / \
    UDP(sport=5001, dport=40000) / payload(30)
inner = bytes(f[IPv6])
case("mn_egress_encap", "mn_egress", "dp1", "mn", f, TC_ACT_REDIRECT,
     Ether(src=MAC["coa"], dst=MAC["dp1"]) / tunnel(inner, MN_COA, MN_HA), "MN_ENCAP",
     why="from the HoA while away: tunnelled CoA -> HA, hop limit kept")

f = Ether(src=MAC["dp3"], dst=MAC["dp1"]) / IPv6(src=MN_HOA, dst=CN, hlim=64) / \
    UDP(sport=5002, dport=40000) / payload(30)
inner = bytes(f[IPv6])
case("mn_egress_encap_on_a_host_interface", "mn_egress", "dp3", "mn", f, TC_ACT_REDIRECT,
     Ether(src=MAC["dp3"], dst=MAC["dp1"]) / tunnel(inner, MN_COA, MN_HA), "MN_ENCAP",
     why="forwarding off (a host): the FIB says FWD_DISABLED, tunnel anyway")

f = Ether(src=MAC["coa"], dst="33:33:ff:00:00:01") / \
    IPv6(src=MN_HOA, dst="ff02::1:ff00:1", hlim=255) / ICMPv6ND_NS(tgt="2001:db8:3::1")
case("mn_egress_neighbour_discovery_direct", "mn_egress", "dp1", "mn", f, TC_ACT_OK, None,
     None, why="Neighbour Discovery never enters the tunnel")

f = Ether(src=MAC["coa"], dst=MAC["dp1"]) / IPv6(src=MN_HOA, dst=MN_HA) / MIP6MH_BU(seq=3)
case("mn_egress_signalling_direct", "mn_egress", "dp1", "mn", f, TC_ACT_OK, None, None,
     why="Mobility Header signalling goes direct")

f = Ether(src=MAC["coa"], dst=MAC["dp1"]) / IPv6(src=MN_COA, dst=CN) / UDP() / payload(4)
case("mn_egress_from_coa_untouched", "mn_egress", "dp1", "mn", f, TC_ACT_OK, None, None,
     why="traffic from the care-of address is not the tunnel's")

f = Ether(src=MAC["coa"], dst=MAC["dp1"]) / IPv6(src=MN_HOA_REGISTERING, dst=CN) / UDP() / payload(4)
case("mn_egress_registering_drop", "mn_egress", "dp1", "mn", f, TC_ACT_SHOT, None, "DROP_REGISTERING",
     why="no care-of address accepted yet: neither native from the HoA nor tunnelled")

f = Ether(src=MAC["coa"], dst=MAC["dp1"]) / IPv6(src=MN_HOA_REGISTERING, dst=MN_HA) / MIP6MH_BU(seq=4)
case("mn_egress_registering_signalling_direct", "mn_egress", "dp1", "mn", f, TC_ACT_OK, None, None,
     why="held back is data, never the signalling that ends the wait")

f = Ether(src=MAC["coa"], dst=MAC["dp1"]) / IPv6(src=MN_HOA_BLACKHOLE, dst=CN) / UDP() / payload(4)
case("mn_egress_no_route_drop", "mn_egress", "dp1", "mn", f, TC_ACT_SHOT, None, "DROP_NO_ROUTE",
     why="home agent unreachable")

f = Ether(src=MAC["coa"], dst=MAC["dp1"]) / IPv6(src=MN_HOA, dst=CN) / UDP() / payload(1500 - 48)
case("mn_egress_too_big_drop", "mn_egress", "dp1", "mn", f, TC_ACT_SHOT, None, "DROP_TOO_BIG",
     why="1500 + 40 does not fit the 1500-byte link")

# 5. The next-hop cache (bpf/nexthop.bpf.h): an entry of the current
# generation replaces bpf_fib_lookup; anything else falls back to it. The
# entries' MACs are made up (no neighbour or link has them), so bytes that
# carry them can only have come from the map, and bytes with the FIB's can
# only have come from the kernel's lookup.
NH_GEN = 7
NH_MAC = {"dst": "02:00:00:00:0a:0d", "src": "02:00:00:00:0a:05"}
HOA_NH_MISS = "2001:db8:2700::8"   # bound to VISITOR, which has no entry
HOA_NH_MTU = "2001:db8:2700::9"    # bound to COA_NH_MTU: an entry with MTU 1400
COA_NH_MTU = "2001:db8:3::102"     # on-link, no neighbour: the FIB would say NO_NEIGH


def nh_entry(dst, mtu=1500, gen=NH_GEN):
    # care-of address, egress link, dmac, smac, mtu, generation
    return [dst, "dp1", NH_MAC["dst"], NH_MAC["src"], mtu, gen]


for name, flags in (("ha_nh", 0), ("ha_nh_off", 1)):  # 1: XMIP_NHF_OFF
    STATES[name] = {
        "local_addrs": STATES["ha"]["local_addrs"],
        "bindings": STATES["ha"]["bindings"] + [[HOA_NH_MISS, VISITOR, HA], [HOA_NH_MTU, COA_NH_MTU, HA]],
        "nh_state": [NH_GEN, flags],
        "nexthops": [nh_entry(COA), nh_entry(COA_NARROW, gen=NH_GEN - 1), nh_entry(COA_NH_MTU, mtu=1400)],
    }


def nh_case(name, state, frame, verdict, out, counter, nh, why):
    case(name, "ha_xdp", frame[Ether].dst == MAC["dp1"] and "dp1" or "dp0", state, frame, verdict, out,
         counter, why=why)
    CASES[-1]["nh_stat"] = nh


f = from_cn(HOA, tc=0xB8, fl=0x12345)
inner = dec_hlim(bytes(f[IPv6]))
nh_case("ha_nexthop_hit_redirect", "ha_nh", f, XDP_REDIRECT,
        Ether(src=NH_MAC["src"], dst=NH_MAC["dst"]) / tunnel(inner, HA, COA), "ENCAP_REDIRECT", "HIT",
        why="an entry of the current generation: egress and both MACs from the map, no route lookup")

f = Ether(src=MAC["visitor"], dst=MAC["dp1"]) / IPv6(src=VISITOR, dst=HOA) / ICMPv6EchoRequest(id=2, seq=2)
inner = dec_hlim(bytes(f[IPv6]))
nh_case("ha_nexthop_hit_same_link_tx", "ha_nh", f, XDP_TX,
        Ether(src=NH_MAC["src"], dst=NH_MAC["dst"]) / tunnel(inner, HA, COA), "ENCAP_TX", "HIT",
        why="the cached egress is the ingress link: XDP_TX, MACs from the map")

f = from_cn(HOA_NH_MISS)
inner = dec_hlim(bytes(f[IPv6]))
nh_case("ha_nexthop_miss_fib_fallback", "ha_nh", f, XDP_REDIRECT,
        Ether(src=MAC["dp1"], dst=MAC["visitor"]) / tunnel(inner, HA, VISITOR), "ENCAP_REDIRECT", "MISS",
        why="no entry for the care-of address: bpf_fib_lookup, the neighbour's MAC")

f = from_cn(HOA_NARROW)
inner = dec_hlim(bytes(f[IPv6]))
nh_case("ha_nexthop_stale_fib_fallback", "ha_nh", f, XDP_REDIRECT,
        Ether(src=MAC["dp1"], dst=MAC["gw7"]) / tunnel(inner, HA, COA_NARROW), "ENCAP_REDIRECT", "STALE",
        why="an entry of an older generation is not used: bpf_fib_lookup, the gateway's MAC")

f = from_cn(HOA, tc=0xB8, fl=0x12345)
inner = dec_hlim(bytes(f[IPv6]))
nh_case("ha_nexthop_off_fib", "ha_nh_off", f, XDP_REDIRECT,
        Ether(src=MAC["dp1"], dst=MAC["coa"]) / tunnel(inner, HA, COA), "ENCAP_REDIRECT", "OFF",
        why="cache off (policy rules present): a current entry is ignored, bpf_fib_lookup decides")

f = from_cn(HOA_NH_MTU, size=1400 - 48)
orig = bytes(f[IPv6])
nh_case("ha_nexthop_mtu_ptb", "ha_nh", f, XDP_TX,
        Ether(src=MAC["dp0"], dst=MAC["cn"]) /
        IPv6(src=HA, dst=CN, hlim=TUNNEL_HOP_LIMIT) / ICMPv6PacketTooBig(mtu=1360) / Raw(orig[:1232]),
        "PTB_SENT", "HIT",
        why="1400 + 40 > the entry's MTU 1400 (the link's is 1500): Packet Too Big with 1400 - 40")

f = from_cn(HOA_NH_MTU, size=1360 - 48)
inner = dec_hlim(bytes(f[IPv6]))
nh_case("ha_nexthop_mtu_fits", "ha_nh", f, XDP_REDIRECT,
        Ether(src=NH_MAC["src"], dst=NH_MAC["dst"]) / tunnel(inner, HA, COA_NH_MTU), "ENCAP_REDIRECT", "HIT",
        why="1360 + 40 = the entry's MTU: fits, sent by the cached next hop")
# 6. The uplink's route memo (bpf/nexthop.bpf.h route_lookup_ipv6): the
# decapsulation path remembers its bpf_fib_lookup answers per lookup input
# (ingress link, inner flow label, next header, source, destination) in
# xmip_routes, only while the agent says it keeps the generation honest
# (XMIP_NHF_ROUTES). Entries carry the made-up MACs of section 5, so bytes
# with them came from the memo and bytes with the CN's MAC from the kernel.
# Its entries carry route_gen (the state's third number), not the care-of
# entries' generation.
NHF_OFF, NHF_ROUTES = 1, 2
RT_GEN = 5


def rt_entry(fl, out="dp0", mtu=1500, gen=RT_GEN):
    # ingress link, inner flow label, next header, source, destination; egress link, dmac, smac, mtu, gen
    return ["dp1", fl, 17, HOA, CN, out, NH_MAC["dst"], NH_MAC["src"], mtu, gen]


RT_ENTRIES = [rt_entry(7), rt_entry(9, gen=NH_GEN), rt_entry(10, mtu=1400), rt_entry(11, out="dp1")]
for name, flags in (("ha_rt", NHF_ROUTES), ("ha_rt_off", NHF_ROUTES | NHF_OFF), ("ha_rt_unwatched", 0)):
    STATES[name] = {
        "local_addrs": STATES["ha"]["local_addrs"],
        "bindings": STATES["ha"]["bindings"],
        "nh_state": [NH_GEN, flags, RT_GEN],
        "routes": RT_ENTRIES,
    }


def uplink(fl, size=20):
    inner = bytes(IPv6(src=HOA, dst=CN, hlim=30, fl=fl) / UDP(sport=5001, dport=40000) / payload(size))
    return inner, Ether(src=MAC["coa"], dst=MAC["dp1"]) / IPv6(src=COA, dst=HA, nh=41) / Raw(inner)


inner, f = uplink(7)
nh_case("ha_route_hit_redirect", "ha_rt", f, XDP_REDIRECT,
        Ether(src=NH_MAC["src"], dst=NH_MAC["dst"], type=0x86DD) / Raw(dec_hlim(inner)), "DECAP_REDIRECT",
        "ROUTE_HIT", why="a current entry for exactly these inputs: egress and MACs from it, no route lookup")

inner, f = uplink(8)
nh_case("ha_route_miss_fib", "ha_rt", f, XDP_REDIRECT,
        Ether(src=MAC["dp0"], dst=MAC["cn"], type=0x86DD) / Raw(dec_hlim(inner)), "DECAP_REDIRECT",
        "ROUTE_MISS", why="another flow label is another question: bpf_fib_lookup (and its answer remembered)")

inner, f = uplink(9)
nh_case("ha_route_stale_fib", "ha_rt", f, XDP_REDIRECT,
        Ether(src=MAC["dp0"], dst=MAC["cn"], type=0x86DD) / Raw(dec_hlim(inner)), "DECAP_REDIRECT",
        "ROUTE_STALE", why="an entry whose generation is not route_gen (here: the care-of entries' gen) "
        "is not used: bpf_fib_lookup")

for state, why in (("ha_rt_off", "policy rules (XMIP_NHF_OFF): the memo is not read"),
                   ("ha_rt_unwatched", "no agent keeps the generation (no XMIP_NHF_ROUTES): the memo is not read")):
    inner, f = uplink(7)
    nh_case(f"{state.replace('ha_rt', 'ha_route')}_fib", state, f, XDP_REDIRECT,
            Ether(src=MAC["dp0"], dst=MAC["cn"], type=0x86DD) / Raw(dec_hlim(inner)), "DECAP_REDIRECT",
            "NONE", why=why)

inner, f = uplink(10, size=1400 - 48 + 1)
nh_case("ha_route_mtu_to_stack", "ha_rt", f, XDP_PASS,
        Ether(src=MAC["coa"], dst=MAC["dp1"], type=0x86DD) / Raw(inner), "DECAP_PASS", "ROUTE_HIT",
        why="1401 bytes > the entry's MTU 1400: decapsulated, to the stack (which sends the Packet Too Big), "
        "as after the kernel's FRAG_NEEDED")

inner, f = uplink(11)
nh_case("ha_route_hit_same_link_tx", "ha_rt", f, XDP_TX,
        Ether(src=NH_MAC["src"], dst=NH_MAC["dst"], type=0x86DD) / Raw(dec_hlim(inner)), "DECAP_TX",
        "ROUTE_HIT", why="the remembered egress is the ingress link: XDP_TX")

# 7. Route optimisation (RFC 6275 6.3, 6.4, 9.3, 11.3; docs/route-optimisation.md, "Datapath").
# Expected outputs are assembled from the RFC's header layouts; the upper-layer
# bytes (and so their checksums) are the sender's, never recomputed, and
# every expected frame's checksum is verified below with scapy, which computes
# the pseudo-header as a Mobile IPv6 stack does (the Home Address option's
# address as source, a routing header's last address as destination while
# segments are left).
CN2 = "2001:db8:1::20"            # a correspondent the mobile node optimises with
CN_SELF = "2001:db8:1::2"         # the correspondent of state "cn"
CN_OTHER = "2001:db8:1::3"        # another address of it, with no binding
MN_HOA_FOREIGN = "2001:db8:9::99"  # a home address that is not this mobile node's
PROTO_DEST, PROTO_ROUTING = 60, 43


def hao_hdr(nh, hoa):
    """RFC 6275 6.3: PadN(2) then the Home Address option at 8n+6, 24 bytes."""
    return bytes([nh, 2, 1, 2, 0, 0, 201, 16]) + bytes(IPv6(dst=hoa))[24:40]


def rh2_hdr(nh, addr, segleft):
    """RFC 6275 6.4: a type 2 routing header, one address, 24 bytes."""
    return bytes([nh, 2, 2, segleft, 0, 0, 0, 0]) + bytes(IPv6(dst=addr))[24:40]


def ip6_hdr(src, dst, nh, plen, hlim=64, tc=0, fl=0):
    return bytes(IPv6(src=src, dst=dst, nh=nh, plen=plen, hlim=hlim, tc=tc, fl=fl))


def same_checksum(l3: bytes) -> bool:
    """The upper-layer checksum of an IPv6 packet holds for the pseudo-header
    a Mobile IPv6 receiver uses (RFC 6275 6.3, 6.4; RFC 8200 8.1): the Home
    Address option's address as source, the routing header's last address as
    destination while segments are left. scapy's own recomputation misses a
    dissected Home Address option, so the walk is here and the sum scapy's."""
    src, dst, nh, off = l3[8:24], l3[24:40], l3[6], 40
    while nh in (0, 43, 60):
        h = l3[off:off + (l3[off + 1] + 1) * 8]
        if nh == 60:
            i = 2
            while i < len(h):
                if h[i] == 0:
                    i += 1
                    continue
                if h[i] == 201:
                    src = h[i + 2:i + 18]
                i += 2 + h[i + 1]
        if nh == 43 and h[3] > 0:
            dst = h[-16:]
        nh, off = h[0], off + len(h)
    upper_bytes = l3[off:]
    pseudo = src + dst + struct.pack("!I", len(upper_bytes)) + b"\0\0\0" + bytes([nh])
    return checksum(pseudo + upper_bytes) == 0


def ro_case(name, prog, ingress, state, frame, verdict, out, counter, signal=None, why="",
            signal_kind=SIG_MOBILITY, ro_used=()):
    """A case whose frames both carry a valid upper-layer checksum for the
    receiver (checked here, with scapy, on the exact bytes)."""
    for f in (frame, out):
        if f is None:
            continue
        b = bytes(f)
        assert same_checksum(b[14:]), f"{name}: bad upper-layer checksum"
    case(name, prog, ingress, state, frame, verdict, out, counter, signal=signal, why=why,
         signal_kind=signal_kind, ro_used=ro_used)


def upper(src, dst, ul):
    """The packet as the sending application's stack makes it (addresses of
    the pseudo-header: home address at the mobile node's end); returns the
    next header and the upper-layer bytes with their checksum."""
    p = IPv6(src=src, dst=dst) / ul
    b = bytes(p)
    return b[6], b[40:]


# The check can fail: a checksum computed for the care-of address is refused.
_bad = bytes(IPv6(src=MN_COA, dst=CN2) / UDP() / payload(4))
assert not same_checksum(ip6_hdr(MN_HOA, CN2, 17, len(_bad) - 40) + _bad[40:])


def eth(src, dst):
    return bytes(Ether(src=MAC[src], dst=MAC[dst], type=0x86DD))


# 7a. Mobile node egress: a Home Address option, from the care-of address.
for name, ul, why in [
    ("udp", UDP(sport=5001, dport=40000) / payload(30), "UDP"),
    ("tcp", TCP(sport=5001, dport=80, flags="S", seq=1000), "a TCP SYN"),
    ("icmpv6_echo", ICMPv6EchoRequest(id=5, seq=1) / payload(8), "an echo request"),
    ("icmpv6_error_quoting_rh2", ICMPv6DestUnreach(code=4) /
     Raw(ip6_hdr(CN2, MN_HOA, PROTO_ROUTING, 24 + 8 + 4) + rh2_hdr(17, MN_HOA, 0) +
         bytes(UDP(sport=40000, dport=9)) + b"abcd"),
     "a Port Unreachable quoting the correspondent's packet (as the stack saw it, routing header used up)"),
]:
    nh, body = upper(MN_HOA, CN2, ul)
    f = eth("coa", "dp1") + ip6_hdr(MN_HOA, CN2, nh, len(body), tc=0x20) + body
    out = eth("coa", "dp1") + ip6_hdr(MN_COA, CN2, PROTO_DEST, len(body) + 24, tc=0x20) + \
        hao_hdr(nh, MN_HOA) + body
    ro_case(f"ro_mn_egress_hao_{name}", "mn_egress", "dp1", "mn", Raw(f), TC_ACT_OK, Raw(out),
            "RO_MN_HAO", ro_used=[("ro_peers", MN_HOA, CN2)],
            why=f"{why} from the home address to a correspondent with a binding: source = care-of "
            "address, Home Address option (PadN 2, option at offset 6), checksum untouched")

nh, body = upper(MN_HOA, CN, UDP(sport=5001, dport=40000) / payload(30))
f = eth("coa", "dp1") + ip6_hdr(MN_HOA, CN, nh, len(body)) + body
case("ro_mn_egress_no_binding_tunnelled", "mn_egress", "dp1", "mn", Raw(f), TC_ACT_REDIRECT,
        Ether(src=MAC["coa"], dst=MAC["dp1"]) / tunnel(f[14:], MN_COA, MN_HA), "MN_ENCAP",
        why="a correspondent with no binding: the tunnel to the home agent, as without RO")

f = Ether(src=MAC["coa"], dst=MAC["dp1"]) / IPv6(src=MN_HOA, dst=CN2) / \
    IPv6ExtHdrHopByHop(options=[PadN(optdata=b"\0" * 4)]) / UDP(sport=5001, dport=40000) / payload(8)
case("ro_mn_egress_hop_by_hop_tunnelled", "mn_egress", "dp1", "mn", f, TC_ACT_REDIRECT,
        Ether(src=MAC["coa"], dst=MAC["dp1"]) / tunnel(bytes(f[IPv6]), MN_COA, MN_HA), "MN_ENCAP",
        why="a hop-by-hop header must stay first: xmip does not insert behind it, the tunnel takes it")

f = Ether(src=MAC["coa"], dst=MAC["dp1"]) / IPv6(src=MN_HOA, dst=CN2) / MIP6MH_HoTI(cookie=7)
case("ro_mn_egress_signalling_untouched", "mn_egress", "dp1", "mn", f, TC_ACT_OK, None, None,
     why="Mobility Header from the home address: the agent's, never rewritten")

f = Ether(src=MAC["coa"], dst=MAC["dp1"]) / IPv6(src=MN_HOA, dst=CN2) / UDP() / payload(1500 - 40 - 8 - 10)
case("ro_mn_egress_too_big_drop", "mn_egress", "dp1", "mn", f, TC_ACT_SHOT, None, "DROP_TOO_BIG",
     why="1490 + 24 does not fit the 1500-byte link")

# 7b. Mobile node ingress: a type 2 routing header.
for name, ul, why in [
    ("udp", UDP(sport=40000, dport=5001) / payload(12), "UDP"),
    ("tcp", TCP(sport=80, dport=5001, flags="SA", seq=7, ack=1001), "a TCP SYN-ACK"),
    ("icmpv6_echo", ICMPv6EchoReply(id=5, seq=1) / payload(8), "an echo reply"),
    ("icmpv6_error_quoting_hao", ICMPv6DestUnreach(code=4) /
     Raw(ip6_hdr(MN_HOA, CN2, 17, 8 + 4) + bytes(UDP(sport=5001, dport=9)) + b"abcd"),
     "a Port Unreachable quoting the mobile node's packet (as the correspondent's stack saw it: "
     "home address as source, option removed)"),
]:
    nh, body = upper(CN2, MN_HOA, ul)
    f = eth("gw9", "coa") + ip6_hdr(CN2, MN_COA, PROTO_ROUTING, len(body) + 24, hlim=50) + \
        rh2_hdr(nh, MN_HOA, 1) + body
    out = eth("gw9", "coa") + ip6_hdr(CN2, MN_HOA, PROTO_ROUTING, len(body) + 24, hlim=50) + \
        rh2_hdr(nh, MN_COA, 0) + body
    ro_case(f"ro_mn_ingress_rh2_{name}", "mn_xdp", "dp1", "mn", Raw(f), XDP_PASS, Raw(out), "RO_MN_RH2",
            why=f"{why} to the care-of address with a type 2 routing header naming the home address: "
            "destination and routing address swapped, segments left 0 (the stack ignores a used-up "
            "routing header of a type it does not know), checksum untouched")

nh, body = upper(CN2, MN_HOA_FOREIGN, UDP(sport=40000, dport=5001) / payload(12))
f = eth("gw9", "coa") + ip6_hdr(CN2, MN_COA, PROTO_ROUTING, len(body) + 24) + rh2_hdr(nh, MN_HOA_FOREIGN, 1) + body
ro_case("ro_mn_ingress_rh2_foreign_home_drop", "mn_xdp", "dp1", "mn", Raw(f), XDP_DROP, None,
        "RO_MN_RH2_FOREIGN", why="the routing header names an address that is not this node's home address")

nh, body = upper(CN2, MN_HOA, UDP(sport=40000, dport=5001) / payload(12))
good = ip6_hdr(CN2, MN_COA, PROTO_ROUTING, len(body) + 24) + rh2_hdr(nh, MN_HOA, 1) + body
for name, l3, why in [
    ("segments_left_0", good[:43] + b"\x00" + good[44:], "segments left 0"),
    ("segments_left_2", good[:43] + b"\x02" + good[44:], "segments left 2"),
    ("length_4", ip6_hdr(CN2, MN_COA, PROTO_ROUTING, len(body) + 40) +
     bytes([nh, 4, 2, 1, 0, 0, 0, 0]) + good[48:64] + good[48:64] + body, "two addresses (Hdr Ext Len 4)"),
    ("length_0", ip6_hdr(CN2, MN_COA, PROTO_ROUTING, len(body) + 8) + bytes([nh, 0, 2, 1, 0, 0, 0, 0]) + body,
     "no address (Hdr Ext Len 0)"),
    ("truncated", good[:4] + (12).to_bytes(2, "big") + good[6:52], "the packet ends inside the header"),
]:
    case(f"ro_mn_ingress_rh2_malformed_{name}_drop", "mn_xdp", "dp1", "mn", Raw(eth("gw9", "coa") + l3),
         XDP_DROP, None, "RO_RH2_MALFORMED", why=why)

f = eth("gw9", "coa") + ip6_hdr(CN2, MN_COA, PROTO_ROUTING, len(body) + 24) + \
    bytes([nh, 2, 0, 0, 0, 0, 0, 0]) + good[48:64] + body
case("ro_mn_ingress_other_routing_type_pass", "mn_xdp", "dp1", "mn", Raw(f), XDP_PASS, None, "PASS_NOT_MOBILE",
     why="a routing header of type 0 with nothing left: not xmip's, the stack's")

ba = IPv6(src=CN2, dst=MN_COA) / IPv6ExtHdrRouting(type=2, addresses=[MN_HOA], segleft=1) / \
    MIP6MH_BA(status=0, seq=3, mhtime=100)
case("ro_mn_ingress_correspondent_ba_to_agent", "mn_xdp", "dp1", "mn", Ether(src=MAC["gw9"], dst=MAC["coa"]) / ba,
     XDP_DROP, None, "SIGNAL_TO_AGENT", signal=ba,
     why="a correspondent's BA carries a type 2 routing header: the agent gets it exactly as received")

# 7c. Correspondent ingress: a Home Address option.
for name, ul, why in [
    ("udp", UDP(sport=5001, dport=40000) / payload(30), "UDP"),
    ("tcp", TCP(sport=5001, dport=80, flags="A", seq=1001, ack=8), "a TCP ACK"),
    ("icmpv6_echo", ICMPv6EchoRequest(id=6, seq=2) / payload(8), "an echo request"),
    ("icmpv6_error_quoting_rh2", ICMPv6DestUnreach(code=4) /
     Raw(ip6_hdr(CN_SELF, MN_HOA, PROTO_ROUTING, 24 + 8 + 4) + rh2_hdr(17, MN_HOA, 0) +
         bytes(UDP(sport=40000, dport=9)) + b"abcd"),
     "the mobile node's Port Unreachable quoting the correspondent's packet"),
]:
    nh, body = upper(MN_HOA, CN_SELF, ul)
    f = eth("coa", "dp1") + ip6_hdr(MN_COA, CN_SELF, PROTO_DEST, len(body) + 24, hlim=60) + \
        hao_hdr(nh, MN_HOA) + body
    out = eth("coa", "dp1") + ip6_hdr(MN_HOA, CN_SELF, nh, len(body), hlim=60) + body
    ro_case(f"ro_cn_ingress_hao_{name}", "cn_xdp", "dp1", "cn", Raw(f), XDP_PASS, Raw(out), "RO_CN_HAO",
            ro_used=[("cn_bindings", MN_HOA, CN_SELF)],
            why=f"{why} with a Home Address option of a binding, from its care-of address: source = "
            "home address, the destination options header removed, checksum untouched")

nh, body = upper(MN_HOA, CN_SELF, UDP(sport=5001, dport=40000) / payload(30))
f = eth("coa", "dp1") + ip6_hdr(MN_COA, CN_SELF, PROTO_DEST, len(body) + 32) + \
    bytes([nh, 3, 1, 2, 0, 0, 201, 16]) + hao_hdr(nh, MN_HOA)[8:] + bytes([0, 0, 0, 0, 1, 2, 0, 0]) + body
out = eth("coa", "dp1") + ip6_hdr(MN_HOA, CN_SELF, nh, len(body)) + body
ro_case("ro_cn_ingress_hao_trailing_padding", "cn_xdp", "dp1", "cn", Raw(f), XDP_PASS, Raw(out), "RO_CN_HAO",
        ro_used=[("cn_bindings", MN_HOA, CN_SELF)],
        why="the option followed by Pad1s and a PadN (a 32-byte header): padding goes with it")

for name, src, hoa, why in [
    ("unbound_home", MN_COA, HOA_UNBOUND, "a home address with no binding"),
    ("wrong_care_of", VISITOR, MN_HOA, "a bound home address from a source that is not its care-of address"),
]:
    nh, body = upper(hoa, CN_SELF, UDP(sport=5001, dport=40000) / payload(8))
    l3 = ip6_hdr(src, CN_SELF, PROTO_DEST, len(body) + 24) + hao_hdr(nh, hoa) + body
    ro_case(f"ro_cn_ingress_{name}_drop", "cn_xdp", "dp1", "cn", Raw(eth("coa", "dp1") + l3), XDP_DROP, None,
            "RO_CN_HAO_UNBOUND", signal=Raw(l3), signal_kind=SIG_UNBOUND_HAO,
            why=f"{why}: dropped, the packet to the agent, marked as one with no binding, for its Binding "
            "Error status 1 (RFC 6275 9.3.1)")

nh, body = upper(MN_HOA, CN_SELF, UDP(sport=5001, dport=40000) / payload(8))
hh = hao_hdr(nh, MN_HOA)
for name, dst_opts, why in [
    ("misaligned", bytes([nh, 2, 201, 16]) + hh[8:24] + bytes([1, 2, 0, 0]), "the option at offset 2, not 8n+6"),
    ("option_length_15", hh[:7] + bytes([15]) + hh[8:23] + b"\x00", "option length 15"),
    ("overrunning", hh[:6] + bytes([201, 18]) + hh[8:], "option length 18 runs past its header"),
    ("repeated", bytes([nh, 5, 1, 2, 0, 0]) + hh[6:24] + bytes([1, 4, 0, 0, 0, 0]) + hh[6:24],
     "two Home Address options"),
]:
    l3 = ip6_hdr(MN_COA, CN_SELF, PROTO_DEST, len(body) + len(dst_opts)) + dst_opts + body
    case(f"ro_cn_ingress_hao_malformed_{name}_drop", "cn_xdp", "dp1", "cn", Raw(eth("coa", "dp1") + l3),
         XDP_DROP, None, "RO_HAO_MALFORMED", why=why)

l3 = ip6_hdr(MN_COA, CN_SELF, PROTO_DEST, len(body) + 32) + bytes([nh, 3, 0x1e, 2, 0, 0]) + hh[6:24] + \
    bytes([1, 6, 0, 0, 0, 0, 0, 0]) + body
assert len(l3) == 40 + 32 + len(body)
case("ro_cn_ingress_hao_with_other_options_drop", "cn_xdp", "dp1", "cn", Raw(eth("coa", "dp1") + l3), XDP_DROP,
     None, "RO_HAO_MALFORMED",
     why="a bound option sharing its header with another option: xmip removes whole headers only")

l3 = ip6_hdr(MN_COA, CN_SELF, PROTO_DEST, 12) + hh[:12]
case("ro_cn_ingress_hao_truncated_drop", "cn_xdp", "dp1", "cn", Raw(eth("coa", "dp1") + l3), XDP_DROP, None,
     "DROP_TRUNCATED", why="the packet ends inside the destination options header")

bu = IPv6(src=MN_COA, dst=CN_SELF) / IPv6ExtHdrDestOpt(options=[HAO(hoa=MN_HOA)]) / \
    MIP6MH_BU(seq=9, flags="A", mhtime=100)
case("ro_cn_ingress_binding_update_to_agent", "cn_xdp", "dp1", "cn", Ether(src=MAC["coa"], dst=MAC["dp1"]) / bu,
     XDP_DROP, None, "SIGNAL_TO_AGENT", signal=bu,
     why="the BU carries a Home Address option: the agent gets it as every signalling packet")

f = Ether(src=MAC["coa"], dst=MAC["dp1"]) / IPv6(src=MN_COA, dst=CN_SELF) / \
    IPv6ExtHdrDestOpt(options=[PadN(optdata=b"\0" * 4)]) / UDP() / payload(4)
case("ro_cn_ingress_destination_options_without_hao_pass", "cn_xdp", "dp1", "cn", f, XDP_PASS, None,
     "PASS_NOT_MOBILE", why="a destination options header with padding only: not xmip's")

f = Ether(src=MAC["coa"], dst=MAC["dp1"]) / IPv6(src=MN_COA, dst=CN_SELF) / UDP() / payload(4)
case("ro_cn_ingress_plain_pass", "cn_xdp", "dp1", "cn", f, XDP_PASS, None, "PASS_NOT_MOBILE",
     why="no Home Address option")

# 7d. Correspondent egress: a type 2 routing header, to the care-of address.
for name, ul, why in [
    ("udp", UDP(sport=40000, dport=5001) / payload(12), "UDP"),
    ("tcp", TCP(sport=80, dport=5001, flags="SA", seq=7, ack=1001), "a TCP SYN-ACK"),
    ("icmpv6_echo", ICMPv6EchoReply(id=6, seq=2) / payload(8), "an echo reply"),
    ("icmpv6_error_quoting_hao", ICMPv6DestUnreach(code=4) /
     Raw(ip6_hdr(MN_HOA, CN_SELF, 17, 8 + 4) + bytes(UDP(sport=5001, dport=9)) + b"abcd"),
     "a Port Unreachable quoting the mobile node's packet as the stack saw it"),
]:
    nh, body = upper(CN_SELF, MN_HOA, ul)
    f = eth("dp1", "gw9") + ip6_hdr(CN_SELF, MN_HOA, nh, len(body), tc=0x48, fl=0x777) + body
    out = eth("dp1", "gw9") + ip6_hdr(CN_SELF, MN_COA, PROTO_ROUTING, len(body) + 24, tc=0x48, fl=0x777) + \
        rh2_hdr(nh, MN_HOA, 1) + body
    ro_case(f"ro_cn_egress_rh2_{name}", "cn_egress", "dp1", "cn", Raw(f), TC_ACT_REDIRECT, Raw(out), "RO_CN_RH2",
            ro_used=[("cn_bindings", MN_HOA, CN_SELF)],
            why=f"{why} to a bound home address: destination = care-of address, type 2 routing header "
            "with the home address, segments left 1, checksum untouched, rerouted")

for name, src, dst, why in [
    ("unbound_home", CN_SELF, HOA_UNBOUND, "a home address with no binding"),
    ("other_own_address", CN_OTHER, MN_HOA, "from an address of the correspondent the binding is not for"),
]:
    f = Ether(src=MAC["dp1"], dst=MAC["gw9"]) / IPv6(src=src, dst=dst) / UDP() / payload(8)
    case(f"ro_cn_egress_{name}_untouched", "cn_egress", "dp1", "cn", f, TC_ACT_OK, None, None, why=why)

f = Ether(src=MAC["dp1"], dst=MAC["gw9"]) / IPv6(src=CN_SELF, dst=MN_HOA) / MIP6MH_HoT(cookie=7, index=1)
case("ro_cn_egress_signalling_untouched", "cn_egress", "dp1", "cn", f, TC_ACT_OK, None, None,
     why="a HoT goes to the home address, through the home agent (RFC 6275 5.2.5): never rewritten")

f = Ether(src=MAC["dp1"], dst=MAC["gw9"]) / IPv6(src=CN_SELF, dst=MN_HOA) / UDP() / payload(1500 - 40 - 8 - 10)
case("ro_cn_egress_no_room_via_home_agent", "cn_egress", "dp1", "cn", f, TC_ACT_OK, None, "RO_CN_TOO_BIG",
     why="1490 + 24 does not fit: sent to the home address unchanged, the home agent's Packet Too Big "
     "tells the sender")

f = Ether(src=MAC["dp1"], dst=MAC["gw9"]) / IPv6(src=CN_SELF, dst=MN_HOA_BLACKHOLE) / UDP() / payload(8)
case("ro_cn_egress_no_route_drop", "cn_egress", "dp1", "cn", f, TC_ACT_SHOT, None, "DROP_NO_ROUTE",
     why="the care-of address is blackholed")

# 8. Home agent egress on the home link (tc, bpf/ha_local.bpf.h): what the
# home agent itself sends to a bound home address. Frames leave dp2 (the
# home link) addressed to OWN_NEIGH, the MAC its own solicitation was
# answered with (XMIP_OWN_NEIGH_MAC: the kernel ignores an advertisement of
# its own MAC for an address it proxies).
OWN_NEIGH = "02:78:6d:69:70:00"


def own(ip6, dst=OWN_NEIGH, src=MAC["dp2"]):
    return Ether(src=src, dst=dst) / ip6


f = own(IPv6(src=HA, dst=HOA, hlim=64) / ICMPv6EchoRequest(id=0x1818, seq=1, data=bytes(range(24))))
inner = bytes(f[IPv6])
case("ha_egress_own_echo_encap", "ha_egress", "dp2", "ha", f, TC_ACT_REDIRECT,
     own(tunnel(inner, HA, COA)), "HA_LOCAL_ENCAP",
     why="the home agent pings a bound home address: outer HA -> CoA, inner untouched (hop limit kept: "
     "it is the sender, not a router)")

f = own(IPv6(src=HA, dst=HOA, hlim=64, tc=0x28) / ICMPv6DestUnreach(code=4) /
        IPv6(src=HOA, dst=CN) / UDP(sport=5001, dport=33434) / payload(8))
inner = bytes(f[IPv6])
case("ha_egress_own_icmp_error_encap", "ha_egress", "dp2", "ha", f, TC_ACT_REDIRECT,
     own(tunnel(inner, HA, COA)), "HA_LOCAL_ENCAP",
     why="an ICMPv6 error the home agent generates for the home address: tunnelled, traffic class copied")

f = own(IPv6(src=HA, dst=HOA_UNBOUND) / ICMPv6EchoRequest(id=1, seq=1), dst=MAC["router"])
case("ha_egress_unbound_untouched", "ha_egress", "dp2", "ha", f, TC_ACT_OK, None, None,
     why="a home address with no binding (at home): the home link's, untouched and uncounted")

f = own(IPv6(src=HA, dst="ff02::1:ff00:4", hlim=255) / ICMPv6ND_NS(tgt=HOA) /
        ICMPv6NDOptSrcLLAddr(lladdr=MAC["dp2"]), dst="33:33:ff:00:00:04")
na = own(IPv6(src=HOA, dst=HA, hlim=255) / ICMPv6ND_NA(tgt=HOA, R=0, S=1, O=0) /
         ICMPv6NDOptDstLLAddr(lladdr=OWN_NEIGH), dst=MAC["dp2"], src=OWN_NEIGH)
case("ha_egress_own_solicitation_answered", "ha_egress", "dp2", "ha", f, TC_ACT_REDIRECT, na,
     "HA_OWN_NS_ANSWERED",
     why="the home agent resolving a bound home address: answered with xmip's MAC, to its own ingress "
     "(nobody on the home link would answer: the packets would wait in neighbour resolution)")

f = own(IPv6(src=HA, dst=HOA, hlim=255) / ICMPv6ND_NS(tgt=HOA))
na = own(IPv6(src=HOA, dst=HA, hlim=255) / ICMPv6ND_NA(tgt=HOA, R=0, S=1, O=0) /
         ICMPv6NDOptDstLLAddr(lladdr=OWN_NEIGH), dst=MAC["dp2"], src=OWN_NEIGH)
case("ha_egress_own_unicast_probe_answered", "ha_egress", "dp2", "ha", f, TC_ACT_REDIRECT, na,
     "HA_OWN_NS_ANSWERED",
     why="its unicast reachability probe (no source link-layer option): the frame grows to the answer")

f = own(IPv6(src="::", dst="ff02::1:ff00:4", hlim=255) / ICMPv6ND_NS(tgt=HOA), dst="33:33:ff:00:00:04")
case("ha_egress_dad_untouched", "ha_egress", "dp2", "ha", f, TC_ACT_OK, None, "PASS_HOME_LINK",
     why="duplicate address detection from the unspecified address asks the link (RFC 6275 10.4.1)")

f = own(IPv6(src=HA, dst=HOA, hlim=255) / ICMPv6ND_NA(tgt=HA, R=1, S=1, O=1))
case("ha_egress_nd_untouched", "ha_egress", "dp2", "ha", f, TC_ACT_OK, None, "PASS_HOME_LINK",
     why="Neighbour Discovery to a bound home address stays on the link (RFC 6275 11.2.1)")

f = own(IPv6(src=HA, dst=HOA, nh=41) / IPv6(src=CN, dst=HOA) / UDP() / payload(4))
case("ha_egress_already_tunnelled_untouched", "ha_egress", "dp2", "ha", f, TC_ACT_OK, None,
     "PASS_HOME_LINK", why="an IPv6-in-IPv6 packet is a tunnel's already: never wrapped twice")

f = own(IPv6(src=HA, dst=HOA) / MIP6MH_BRR())
case("ha_egress_signalling_untouched", "ha_egress", "dp2", "ha", f, TC_ACT_OK, None, "PASS_HOME_LINK",
     why="Mobility Header signalling: the agent addresses it itself")

f = own(IPv6(src="fe80::1", dst=HOA) / ICMPv6EchoRequest())
case("ha_egress_link_local_untouched", "ha_egress", "dp2", "ha", f, TC_ACT_OK, None, "PASS_HOME_LINK",
     why="link-local traffic is never forwarded (RFC 4291 2.5.6)")

f = Raw(bytes(own(IPv6(src=HA, dst=HOA, plen=200) / ICMPv6EchoRequest(data=bytes(8)))))
case("ha_egress_truncated_drop", "ha_egress", "dp2", "ha", f, TC_ACT_SHOT, None, "DROP_TRUNCATED",
     why="payload length beyond the frame (a raw socket's): counted and dropped")

f = own(IPv6(src=HA, dst=HOA) / UDP() / payload(1500 - 48))
case("ha_egress_too_big_drop", "ha_egress", "dp2", "ha", f, TC_ACT_SHOT, None, "DROP_TOO_BIG",
     why="1500 + 40 does not fit the CoA's 1500-byte link")

f = own(IPv6(src=HA, dst=HOA_BLACKHOLE) / ICMPv6EchoRequest())
case("ha_egress_no_route_drop", "ha_egress", "dp2", "ha", f, TC_ACT_SHOT, None, "DROP_NO_ROUTE",
     why="the care-of address is blackholed")


# 9. Proxy Neighbour Discovery from the bindings map (bpf/nd_proxy.bpf.h):
# with XMIP_CF_ND_PROXY, a solicitation on the home link (dp2) for a bound
# home address is answered by XDP, as the kernel's proxy entry would answer
# it (RFC 4861 7.2.4, RFC 6275 10.4.1): from the home agent address, with
# the home link's MAC as target link-layer address, Router and Override
# clear; to all nodes with Solicited clear for duplicate address detection.
CF_ND_PROXY = 2  # XMIP_CF_ND_PROXY
STATES["ha_nd"] = dict(STATES["ha"], config_flags=CF_ND_PROXY, nd_proxy=["dp2", MAC["dp2"]])
ROUTER_LL = "fe80::200:ff:fe00:2701"  # a neighbour on the home link


def ns_frame(src, dst, tgt, edst, hlim=255, ingress_src=MAC["router"], sll=True):
    f = Ether(src=ingress_src, dst=edst) / IPv6(src=src, dst=dst, hlim=hlim) / ICMPv6ND_NS(tgt=tgt)
    return f / ICMPv6NDOptSrcLLAddr(lladdr=ingress_src) if sll else f


def proxy_na(dst, edst, tgt=HOA, solicited=1):
    return Ether(src=MAC["dp2"], dst=edst) / IPv6(src=HA, dst=dst, hlim=255) / \
        ICMPv6ND_NA(tgt=tgt, R=0, S=solicited, O=0) / ICMPv6NDOptDstLLAddr(lladdr=MAC["dp2"])


f = ns_frame(ROUTER_LL, "ff02::1:ff00:4", HOA, "33:33:ff:00:00:04")
case("ha_nd_proxy_multicast_solicitation_answered", "ha_xdp", "dp2", "ha_nd", f, XDP_TX,
     proxy_na(ROUTER_LL, MAC["router"]), "ND_PROXY_ANSWERED",
     why="address resolution of a bound home address on the home link: the home agent's MAC, sent back "
     "out (XDP_TX), no kernel proxy entry needed")

f = ns_frame(ROUTER_LL, HOA, HOA, MAC["dp2"], sll=False)
case("ha_nd_proxy_unicast_probe_answered", "ha_xdp", "dp2", "ha_nd", f, XDP_TX,
     proxy_na(ROUTER_LL, MAC["router"]), "ND_PROXY_ANSWERED",
     why="a neighbour's reachability probe to the home address itself (RFC 6275 10.4.1): answered, not "
     "tunnelled; the frame grows to the answer")

f = ns_frame("::", "ff02::1:ff00:4", HOA, "33:33:ff:00:00:04", sll=False)
case("ha_nd_proxy_dad_defended", "ha_xdp", "dp2", "ha_nd", f, XDP_TX,
     proxy_na("ff02::1", "33:33:00:00:00:01", solicited=0), "ND_PROXY_ANSWERED",
     why="another node's duplicate address detection for a bound home address: defended, to all nodes, "
     "Solicited clear (RFC 4861 7.2.4)")

f = ns_frame(ROUTER_LL, "ff02::1:ff00:99", HOA_UNBOUND, "33:33:ff:00:00:99")
case("ha_nd_proxy_unbound_untouched", "ha_xdp", "dp2", "ha_nd", f, XDP_PASS, None, "PASS_NOT_MOBILE",
     why="no binding for the target: the stack's (the home address may be at home)")

f = ns_frame(ROUTER_LL, "ff02::1:ff00:4", HOA, "33:33:ff:00:00:04", ingress_src=MAC["visitor"])
case("ha_nd_proxy_not_home_link_untouched", "ha_xdp", "dp1", "ha_nd", f, XDP_PASS, None, "PASS_NOT_MOBILE",
     why="a solicitation for a home address on another link than the home link is not the home agent's to "
     "answer")

f = ns_frame(ROUTER_LL, "ff02::1:ff00:4", HOA, "33:33:ff:00:00:04", hlim=64)
case("ha_nd_proxy_hop_limit_untouched", "ha_xdp", "dp2", "ha_nd", f, XDP_PASS, None, "ND_PROXY_INVALID",
     why="hop limit not 255: not from the link (RFC 4861 7.1.1); counted, the stack drops it")

f = ns_frame(ROUTER_LL, "ff02::1:ff00:5", HOA, "33:33:ff:00:00:05")
case("ha_nd_proxy_wrong_group_untouched", "ha_xdp", "dp2", "ha_nd", f, XDP_PASS, None, "PASS_NOT_MOBILE",
     why="sent to another solicited-node group than the target's: not a resolution of it")

f = ns_frame("::", HOA, HOA, MAC["dp2"], sll=False)
case("ha_nd_proxy_unicast_dad_untouched", "ha_xdp", "dp2", "ha_nd", f, XDP_PASS, None, "ND_PROXY_INVALID",
     why="duplicate address detection goes to the solicited-node group (RFC 4861 7.1.1, RFC 4862 5.4.2), "
     "never to the address: counted, left to the stack, not tunnelled")

# RFC 4861 7.1.1 beyond the header: each check alone fails an otherwise
# answerable solicitation, which is counted and left to the stack (the
# kernel drops it), never answered.


def ns_raw(icmp, src=ROUTER_LL, dst="ff02::1:ff00:4", edst="33:33:ff:00:00:04", plen=None):
    """A solicitation whose ICMPv6 part is given as bytes (checksum and all)."""
    ip = IPv6(src=src, dst=dst, hlim=255, nh=58, plen=len(icmp) if plen is None else plen)
    return Ether(src=MAC["router"], dst=edst) / ip / Raw(icmp)


def with_cksum(icmp, src=ROUTER_LL, dst="ff02::1:ff00:4"):
    """icmp (checksum field zero) with its right checksum (RFC 8200 8.1)."""
    import socket
    pseudo = socket.inet_pton(socket.AF_INET6, src) + socket.inet_pton(socket.AF_INET6, dst) + \
        struct.pack("!I3xB", len(icmp), 58)
    return icmp[:2] + struct.pack("!H", checksum(pseudo + icmp)) + icmp[4:]


good = bytes(ICMPv6ND_NS(tgt=HOA, cksum=0) / ICMPv6NDOptSrcLLAddr(lladdr=MAC["router"]))
NONCE = bytes([14, 1, 1, 2, 3, 4, 5, 6])  # RFC 3971 5.3.2: type 14, 8 bytes

f = ns_raw(with_cksum(good + NONCE))
case("ha_nd_proxy_nonce_option_answered", "ha_xdp", "dp2", "ha_nd", f, XDP_TX,
     proxy_na(ROUTER_LL, MAC["router"]), "ND_PROXY_ANSWERED",
     why="a solicitation with a second option (a nonce, RFC 3971 5.3.2) is valid: the options are walked, "
     "the answer is the same")

bad = bytearray(with_cksum(good))
bad[2] ^= 0x01
case("ha_nd_proxy_bad_checksum_untouched", "ha_xdp", "dp2", "ha_nd", ns_raw(bytes(bad)), XDP_PASS, None,
     "ND_PROXY_INVALID", why="a wrong ICMPv6 checksum: corrupted or crafted, not answered (the kernel drops it)")

f = ns_raw(with_cksum(b"\x87\x01" + good[2:]))
case("ha_nd_proxy_code_untouched", "ha_xdp", "dp2", "ha_nd", f, XDP_PASS, None, "ND_PROXY_INVALID",
     why="ICMP code 1, not 0 (RFC 4861 7.1.1)")

f = ns_raw(with_cksum(good[:24] + b"\x0e\x00" + b"\0" * 6))
case("ha_nd_proxy_zero_length_option_untouched", "ha_xdp", "dp2", "ha_nd", f, XDP_PASS, None,
     "ND_PROXY_INVALID", why="an option of length 0 (RFC 4861 7.1.1)")

f = ns_raw(with_cksum(good[:24] + b"\x01\x02" + b"\0" * 6))
case("ha_nd_proxy_option_overruns_untouched", "ha_xdp", "dp2", "ha_nd", f, XDP_PASS, None,
     "ND_PROXY_INVALID", why="an option of 16 bytes in the last 8 of the message: it runs past the end")

dad = bytes(ICMPv6ND_NS(tgt=HOA, cksum=0) / ICMPv6NDOptSrcLLAddr(lladdr=MAC["router"]))
f = ns_raw(with_cksum(dad, src="::"), src="::")
case("ha_nd_proxy_dad_with_source_lladdr_untouched", "ha_xdp", "dp2", "ha_nd", f, XDP_PASS, None,
     "ND_PROXY_INVALID",
     why="unspecified source with a source link-layer address option (RFC 4861 7.1.1): not answered")

f = ns_raw(with_cksum(good), plen=len(good) + 8)
case("ha_nd_proxy_payload_beyond_frame_dropped", "ha_xdp", "dp2", "ha_nd", f, XDP_DROP, None,
     "DROP_TRUNCATED", why="a payload length 8 bytes longer than the frame holds: the parser drops it "
     "before the responder sees it")

f = ns_raw(with_cksum(good + b"\0" * 4))
case("ha_nd_proxy_odd_length_untouched", "ha_xdp", "dp2", "ha_nd", f, XDP_PASS, None, "ND_PROXY_INVALID",
     why="36 bytes: options come in units of 8, so the message cannot end there")

long_ns = good + bytes([14, 30]) + b"\0" * 238
f = ns_raw(with_cksum(long_ns))
case("ha_nd_proxy_too_long_untouched", "ha_xdp", "dp2", "ha_nd", f, XDP_PASS, None, "ND_PROXY_INVALID",
     why="%d bytes, more than the 256 checked in XDP: left to the stack (no solicitation is that long)" % len(long_ns))

f = ns_frame(ROUTER_LL, "ff02::1:ff00:4", HOA, "33:33:ff:00:00:04")
case("ha_nd_proxy_kernel_mode_untouched", "ha_xdp", "dp2", "ha", f, XDP_PASS, None, "PASS_NOT_MOBILE",
     why="home_agent.nd_proxy = \"kernel\" (flag clear): the kernel's proxy entry answers")

# 10. A unicast frame on the home link for another host's MAC (bpf/xmip.bpf.c,
# for_another_host): a switch floods frames for a MAC it has not learnt (in a
# fleet: the dead holder's, until the new holder's override NA), a bridge
# port or a promiscuous NIC shows them to XDP. The home agent acts on frames
# for its own MAC and on group addresses only; the rest goes to the stack,
# which drops it. State "ha_home": the home link's MAC known, the kernel's
# proxy entries answering (a fleet member's way), "ha_nd": XDP answering.
STATES["ha_home"] = dict(STATES["ha"], nd_proxy=["dp2", MAC["dp2"]])
DEAD_HOLDER = "02:00:00:00:27:99"


def from_router(edst, dst=HOA):
    return Ether(src=MAC["router"], dst=edst) / IPv6(src=CN, dst=dst, hlim=64) / \
        UDP(sport=40000, dport=5001) / payload(16)


f = from_router(DEAD_HOLDER)
case("ha_other_host_downlink_untouched", "ha_xdp", "dp2", "ha_home", f, XDP_PASS, None, "PASS_OTHER_HOST",
     why="a packet to a bound home address flooded to every member of a fleet, for the dead holder's MAC: "
     "only the member it is addressed to tunnels it")

f = from_router(MAC["dp2"])
case("ha_home_link_downlink_own_mac_encapsulated", "ha_xdp", "dp2", "ha_home", f, XDP_REDIRECT,
     Ether(src=MAC["dp1"], dst=MAC["coa"]) / tunnel(dec_hlim(bytes(f[IPv6])), HA, COA), "ENCAP_REDIRECT",
     why="the same packet for this home agent's own MAC: tunnelled to the care-of address")

f = Ether(src=MAC["router"], dst=DEAD_HOLDER) / tunnel(bytes(IPv6(src=HOA, dst=CN, hlim=64) /
                                                           UDP(sport=5001, dport=40000) / payload(16)), COA, HA)
case("ha_other_host_reverse_tunnel_untouched", "ha_xdp", "dp2", "ha_home", f, XDP_PASS, None, "PASS_OTHER_HOST",
     why="the mobile node's reverse tunnel, flooded for the dead holder's MAC: not decapsulated here")

f = ns_frame(ROUTER_LL, HOA, HOA, DEAD_HOLDER, sll=False)
case("ha_nd_proxy_other_host_probe_unanswered", "ha_xdp", "dp2", "ha_nd", f, XDP_PASS, None, "PASS_OTHER_HOST",
     why="a reachability probe for a bound home address sent to another host's MAC: that host answers, not "
     "this one (never two answers for one address)")

# 8. The mobile node's route optimisation hint (bpf/ro_hint.bpf.h): with
# XMIP_CF_RO_HINTS, a packet from the home address that takes the tunnel
# also hands its IPv6 header to the agent (XMIP_SIG_RO_HINT); once per
# (home address, correspondent) per second (fixture_test.cpp checks that).
CF_RO_HINTS = 1  # XMIP_CF_RO_HINTS
STATES["mn_ro_hints"] = dict(STATES["mn"], config_flags=CF_RO_HINTS)

f = Ether(src=MAC["coa"], dst=MAC["dp1"]) / IPv6(src=MN_HOA, dst=CN, hlim=64, tc=0x20) / \
    UDP(sport=5001, dport=40000) / payload(30)
inner = bytes(f[IPv6])
case("ro_hint_tunnelled_peer", "mn_egress", "dp1", "mn_ro_hints", f, TC_ACT_REDIRECT,
     Ether(src=MAC["coa"], dst=MAC["dp1"]) / tunnel(inner, MN_COA, MN_HA), "MN_ENCAP",
     signal=inner[:40], signal_kind=SIG_RO_HINT,
     why="route optimisation on: tunnelled as before, and the agent told (the IPv6 header: home "
     "address, correspondent)")

f = Ether(src=MAC["coa"], dst=MAC["dp1"]) / IPv6(src=MN_HOA, dst=CN, hlim=64) / \
    IPv6ExtHdrHopByHop() / UDP(sport=5001, dport=40000) / payload(30)
inner = bytes(f[IPv6])
case("ro_hint_not_for_hop_by_hop", "mn_egress", "dp1", "mn_ro_hints", f, TC_ACT_REDIRECT,
     Ether(src=MAC["coa"], dst=MAC["dp1"]) / tunnel(inner, MN_COA, MN_HA), "MN_ENCAP",
     why="a packet route optimisation would leave alone (hop-by-hop first) is no reason to start it")

f = Ether(src=MAC["coa"], dst=MAC["dp1"]) / IPv6(src=MN_HOA_REGISTERING, dst=CN) / UDP() / payload(4)
case("ro_hint_not_while_registering", "mn_egress", "dp1", "mn_ro_hints", f, TC_ACT_SHOT, None, "DROP_REGISTERING",
     why="held back, not tunnelled: no hint")

f = Ether(src=MAC["coa"], dst=MAC["dp1"]) / IPv6(src=MN_HOA, dst=MN_HA) / MIP6MH_BU(seq=3)
case("ro_hint_not_for_signalling", "mn_egress", "dp1", "mn_ro_hints", f, TC_ACT_OK, None, None,
     why="Mobility Header signalling goes direct, no hint")


if __name__ == "__main__":  # gen_malformed.py imports the definitions above
    json.dump({
        "topology": TOPOLOGY,
        "tunnel_hop_limit": TUNNEL_HOP_LIMIT,
        "states": STATES,
        "cases": CASES,
    }, sys.stdout, indent=1)
    sys.stdout.write("\n")
