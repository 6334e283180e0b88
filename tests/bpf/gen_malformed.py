#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""Malformed-packet fixtures for the xmip datapath, generated at build time.

For every packet class the datapath parses (plain IPv6 to a bound home
address, IPv6-in-IPv6 to the home agent and to the mobile node, a Binding
Update with a Home Address option, a Binding Acknowledgement with a type 2
routing header, a packet that triggers an ICMPv6 Packet Too Big, the mobile
node's egress), this derives from the well-formed frame:

  truncated      every prefix of the frame from the shortest the kernel runs
                 (the IPv6 payload length still declares the whole packet);
  cut            every prefix of the IPv6 packet with the payload length
                 rewritten to match: a consistent packet whose extension
                 header, inner header or upper layer is cut short;
  cut_inner      tunnels: the same with the inner payload length fixed too;
  short_plen     the whole frame, the payload length declaring fewer bytes
                 than carried (the rest is link padding);
  long_plen      payload length beyond the frame;
  ext_overrun    an extension header's length running past the packet;
  inner_plen     tunnels: the inner payload length too long or too short.

The expected verdict of each case is decided here from what the packet is,
by these rules (the datapath's contract, docs/datapath.md), not by running
xmip:
  - a frame whose IPv6 header or declared payload is not all there is
    dropped and counted as truncated (XDP); tc egress lets the stack have it;
  - an extension header chain that cannot be walked to its end inside the
    packet goes to the stack, counted as exthdr_unparsed;
  - a tunnel whose inner IPv6 header or declared inner packet is not all
    inside the outer packet is dropped, counted as truncated;
  - a consistent packet, however short its upper layer, is handled as any
    other of its kind (tunnelled, decapsulated, handed to the agent), with
    the exact output bytes built here; bytes after the declared IPv6 length
    are padding and never count as packet.
So no case may end in XDP_TX/REDIRECT of a truncated packet or in a verdict
no counter accounts for.

Cases are grouped by class, each naming its kind; the test
(tests/bpf/malformed_test.cpp) runs a group as one test. Output goes to
stdout as JSON.
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_fixtures as g  # noqa: E402  (the sandbox, states, tunnel(), flow label)

from scapy.layers.inet6 import (HAO, ICMPv6ND_NS, ICMPv6PacketTooBig, IPv6,  # noqa: E402
                                IPv6ExtHdrDestOpt, IPv6ExtHdrRouting, PadN, UDP)
from scapy.layers.inet6 import MIP6MH_BA, MIP6MH_BU  # noqa: E402
from scapy.layers.l2 import Ether  # noqa: E402
from scapy.packet import Raw  # noqa: E402

XDP_DROP, XDP_PASS, XDP_TX, XDP_REDIRECT = g.XDP_DROP, g.XDP_PASS, g.XDP_TX, g.XDP_REDIRECT
TC_ACT_OK, TC_ACT_SHOT, TC_ACT_REDIRECT = g.TC_ACT_OK, g.TC_ACT_SHOT, g.TC_ACT_REDIRECT
# The shortest frame BPF_PROG_TEST_RUN takes: an Ethernet header for XDP;
# for tc also the network header its EtherType names (the kernel never hands
# tc an IPv6 skb without one either).
MIN_FRAME = {"xdp": 14, "tc": 14 + 40}

GROUPS = []


def with_plen(l3: bytes, plen: int) -> bytes:
    return l3[:4] + plen.to_bytes(2, "big") + l3[6:]


def consistent(l3: bytes) -> bytes:
    return with_plen(l3, len(l3) - 40)


class Outcome:
    """What the program must do with one frame."""

    def __init__(self, verdict, counter=None, out=None, signal=None):
        self.verdict, self.counter = verdict, counter
        self.out, self.signal = out, signal


def xdp_pass(counter):
    return Outcome(XDP_PASS, counter)


def xdp_drop(counter):
    return Outcome(XDP_DROP, counter)


def tc_pass():
    return Outcome(TC_ACT_OK)


class PacketClass:
    """A well-formed frame and the model of how the datapath must treat any
    consistent IPv6 packet of its kind: expect(l3, padding) where l3 is the
    declared IPv6 packet and padding what follows it in the frame."""

    def __init__(self, name, prog, ingress, state, frame, ext_len=0, inner_at=None):
        self.name, self.prog, self.ingress, self.state = name, prog, ingress, state
        self.frame = bytes(frame)
        self.eth, self.l3 = self.frame[:14], self.frame[14:]
        self.ext_len = ext_len      # bytes of extension headers after the IPv6 header
        self.inner_at = inner_at    # offset of an inner IPv6 header (tunnels)

    @property
    def xdp(self):
        return self.prog not in ("mn_egress", "ha_egress")

    def expect_unparseable(self):
        """The Ethernet/IPv6 envelope is not all there."""
        return xdp_drop("DROP_TRUNCATED") if self.xdp else tc_pass()

    def expect(self, l3, padding):
        if self.ext_len and len(l3) < 40 + self.ext_len:
            return xdp_pass("PASS_EXTHDR")
        return self.expect_whole(l3, padding)

    def expect_overrun(self, l3, fits):
        """An extension header's length changed: fits, whether it still
        ends inside the packet."""
        return self.expect(l3, b"") if fits else xdp_pass("PASS_EXTHDR")


class ToBoundHome(PacketClass):
    """Home agent downlink: any IPv6 packet to a bound home address is
    tunnelled to the care-of address (or answered with a Packet Too Big)."""

    def __init__(self, name, frame, coa, next_hop_mac, out_if, mtu=None):
        super().__init__(name, "ha_xdp", "dp0", "ha", frame)
        self.coa, self.next_hop_mac, self.out_if, self.mtu = coa, next_hop_mac, out_if, mtu

    def expect_whole(self, l3, padding):
        if self.mtu and len(l3) + 40 > self.mtu:
            quote = l3[:min(len(l3), 1232) & ~3]
            out = Ether(src=g.MAC["dp0"], dst=g.MAC["cn"]) / \
                IPv6(src=g.HA, dst=g.CN, hlim=g.TUNNEL_HOP_LIMIT) / \
                ICMPv6PacketTooBig(mtu=self.mtu - 40) / Raw(quote)
            return Outcome(XDP_TX, "PTB_SENT", bytes(out))
        inner = g.dec_hlim(l3)
        out = bytes(Ether(src=g.MAC[self.out_if], dst=self.next_hop_mac) /
                    g.tunnel(inner, g.HA, self.coa)) + padding
        return Outcome(XDP_REDIRECT, "ENCAP_REDIRECT", out)


class Tunnel(PacketClass):
    """IPv6-in-IPv6 to a tunnel end: decapsulated when the inner packet is
    all inside the outer one, dropped as truncated otherwise."""

    def __init__(self, name, prog, state, frame, ext_len, forward):
        super().__init__(name, prog, "dp1", state, frame, ext_len, inner_at=40 + ext_len)
        self.forward = forward

    def expect_whole(self, l3, padding):
        inner = l3[self.inner_at:]
        if len(inner) < 40 or inner[0] >> 4 != 6:
            return xdp_drop("DROP_TRUNCATED")
        inner_len = 40 + int.from_bytes(inner[4:6], "big")
        if inner_len > len(inner):
            return xdp_drop("DROP_TRUNCATED")
        # Bytes after the inner packet inside the outer one stay as padding.
        if self.forward:
            out = bytes(Ether(src=g.MAC["dp0"], dst=g.MAC["cn"], type=0x86DD)) + \
                g.dec_hlim(inner) + padding
            return Outcome(XDP_REDIRECT, "DECAP_REDIRECT", out)
        out = self.eth + inner + padding
        return Outcome(XDP_PASS, "DECAP_PASS", out)


class Signalling(PacketClass):
    """A Mobility Header packet to a signalling address: handed to the agent
    as declared (the agent's parser judges the MH), the frame dropped."""

    def __init__(self, name, prog, state, frame, ext_len):
        super().__init__(name, prog, "dp1", state, frame, ext_len)

    def expect_whole(self, l3, padding):
        return Outcome(XDP_DROP, "SIGNAL_TO_AGENT", signal=l3)


class MnEgress(PacketClass):
    """The mobile node's egress from its home address: tunnelled to the home
    agent, except Neighbour Discovery and signalling (direct)."""

    def __init__(self, name, frame, direct):
        super().__init__(name, "mn_egress", "dp1", "mn", frame)
        self.direct = direct

    def expect_unparseable(self):
        return tc_pass()

    def expect_whole(self, l3, padding):
        if self.direct:
            return tc_pass()
        out = bytes(Ether(self.eth) / g.tunnel(l3, g.MN_COA, g.MN_HA)) + padding
        return Outcome(TC_ACT_REDIRECT, "MN_ENCAP", out)


class HaEgress(PacketClass):
    """The home agent's own packets to a bound home address, at the home
    link's egress: tunnelled to the care-of address; one whose declared
    payload is not all there is dropped and counted (it is the home agent's
    own, from a raw socket: nobody else would judge it)."""

    def __init__(self, name, frame):
        super().__init__(name, "ha_egress", "dp2", "ha", frame)

    def expect_unparseable(self):
        return Outcome(TC_ACT_SHOT, "DROP_TRUNCATED")

    def expect_whole(self, l3, padding):
        out = bytes(Ether(self.eth) / g.tunnel(l3, g.HA, g.COA)) + padding
        return Outcome(TC_ACT_REDIRECT, "HA_LOCAL_ENCAP", out)


def rh2_rule(l3, padding, then):
    """The mobile node's XDP program and a type 2 routing header first
    (docs/route-optimisation.md, "Datapath"): once its type byte is in the
    frame, one that is not exactly one address with one segment left, or
    that the declared packet cuts, is dropped as malformed; otherwise
    `then` decides (signalling to the agent, data swapped)."""
    frame = l3 + padding
    if len(frame) < 43 or frame[42] != 2:
        return None
    if len(l3) < 64 or l3[41] != 2 or l3[43] != 1:
        return xdp_drop("RO_RH2_MALFORMED")
    return then()


class Rh2Signalling(Signalling):
    """A correspondent's or home agent's BA with a type 2 routing header:
    to the agent when the header is whole and right, else a counted drop"""

    def expect(self, l3, padding):
        return rh2_rule(l3, padding, lambda: super(Rh2Signalling, self).expect(l3, padding)) or \
            super().expect(l3, padding)

    def expect_overrun(self, l3, fits):
        return self.expect(l3, b"")


class Rh2Data(PacketClass):
    """Route-optimised data to the mobile node's care-of address (type 2
    routing header): destination and routing address swapped, segments left
    0, to the stack"""

    def __init__(self, name, frame):
        super().__init__(name, "mn_xdp", "dp1", "mn", frame, ext_len=24)

    def expect(self, l3, padding):
        o = rh2_rule(l3, padding, lambda: self.expect_whole(l3, padding))
        if o is not None:
            return o
        return xdp_pass("PASS_EXTHDR") if len(l3) < 64 else xdp_pass("PASS_NOT_MOBILE")

    def expect_overrun(self, l3, fits):
        return self.expect(l3, b"")

    def expect_whole(self, l3, padding):
        if l3[40] == 135:
            return Outcome(XDP_DROP, "SIGNAL_TO_AGENT", signal=l3)
        out = l3[:24] + l3[48:64] + l3[40:43] + b"\x00" + l3[44:48] + l3[24:40] + l3[64:]
        return Outcome(XDP_PASS, "RO_MN_RH2", self.eth + out + padding)


def find_hao(h):
    """bpf/ro_hao.bpf.h xmip_find_hao, from RFC 8200 4.2 and RFC 6275 6.3:
    (offset of the option or 0, other options present) or None if malformed."""
    off, hao, others, n = 2, 0, False, 0
    while off < len(h):
        if n == 16:
            return None
        n += 1
        if h[off] == 0:
            off += 1
            continue
        if off + 2 > len(h) or off + 2 + h[off + 1] > len(h):
            return None
        if h[off] == 201:
            if h[off + 1] != 16 or off % 8 != 6 or hao:
                return None
            hao = off
        elif h[off] != 1:
            others = True
        off += 2 + h[off + 1]
    return hao, others


class HaoData(PacketClass):
    """Route-optimised data to the correspondent (a Home Address option of a
    binding): source swapped in, the destination options header removed"""

    def __init__(self, name, frame, care_of, home):
        super().__init__(name, "cn_xdp", "dp1", "cn", frame, ext_len=24)
        self.care_of, self.home = care_of, home

    def walk(self, l3):
        # xdp_local's walk, after the route-optimisation hook let it go
        off, nh = 40, l3[6]
        while nh in (0, 43, 60):
            if off + 2 > len(l3) or off + (l3[off + 1] + 1) * 8 > len(l3):
                return xdp_pass("PASS_EXTHDR")
            nh, off = l3[off], off + (l3[off + 1] + 1) * 8
        return xdp_pass("PASS_NOT_MOBILE")

    def expect(self, l3, padding):
        frame = l3 + padding
        if len(frame) < 42:
            return self.walk(l3)
        hlen = (frame[41] + 1) * 8
        if hlen > 64:
            return self.walk(l3)
        if 40 + hlen > len(l3):
            return xdp_drop("DROP_TRUNCATED")
        found = find_hao(l3[40:40 + hlen])
        if found is None:
            return xdp_drop("RO_HAO_MALFORMED")
        hao, others = found
        if not hao or l3[40] == 135:
            return self.walk(l3) if not hao else Outcome(XDP_DROP, "SIGNAL_TO_AGENT", signal=l3)
        home = l3[40 + hao + 2:40 + hao + 18]
        if home != self.home or l3[8:24] != self.care_of:
            return Outcome(XDP_DROP, "RO_CN_HAO_UNBOUND", signal=l3)
        if others:
            return xdp_drop("RO_HAO_MALFORMED")
        plen = int.from_bytes(l3[4:6], "big") - hlen
        out = l3[:4] + plen.to_bytes(2, "big") + bytes([l3[40]]) + l3[7:8] + home + l3[24:40] + l3[40 + hlen:]
        return Outcome(XDP_PASS, "RO_CN_HAO", self.eth + out + padding)

    def expect_overrun(self, l3, fits):
        return self.expect(l3, b"")


# ---- the well-formed frames -----------------------------------------------
udp_from_cn = Ether(src=g.MAC["cn"], dst=g.MAC["dp0"]) / \
    IPv6(src=g.CN, dst=g.HOA, tc=0xB8, fl=0x12345) / UDP(sport=40000, dport=5001) / g.payload(16)
big_from_cn = Ether(src=g.MAC["cn"], dst=g.MAC["dp0"]) / IPv6(src=g.CN, dst=g.HOA_NARROW) / \
    UDP(sport=40000, dport=5001) / g.payload(1400 - 48)
inner_up = bytes(IPv6(src=g.HOA, dst=g.CN, hlim=30) / UDP(sport=5001, dport=40000) / g.payload(20))
inner_down = bytes(IPv6(src=g.CN, dst=g.MN_HOA, hlim=50) / UDP(sport=40000, dport=5001) / g.payload(12))
pad_opts = IPv6ExtHdrDestOpt(nh=41, options=[PadN(optdata=b"\0" * 4)])

CLASSES = [
    ToBoundHome("plain_to_bound_hoa", udp_from_cn, g.COA, g.MAC["coa"], "dp1"),
    ToBoundHome("ptb_trigger", big_from_cn, g.COA_NARROW, g.MAC["gw7"], "dp1", mtu=1400),
    Tunnel("tunnel_to_ha", "ha_xdp", "ha",
           Ether(src=g.MAC["coa"], dst=g.MAC["dp1"]) / IPv6(src=g.COA, dst=g.HA, nh=41) / Raw(inner_up),
           ext_len=0, forward=True),
    Tunnel("tunnel_to_ha_dest_options", "ha_xdp", "ha",
           Ether(src=g.MAC["coa"], dst=g.MAC["dp1"]) / IPv6(src=g.COA, dst=g.HA) / pad_opts / Raw(inner_up),
           ext_len=8, forward=True),
    Tunnel("tunnel_to_mn", "mn_xdp", "mn",
           Ether(src=g.MAC["gw9"], dst=g.MAC["coa"]) / IPv6(src=g.MN_HA, dst=g.MN_COA, nh=41) / Raw(inner_down),
           ext_len=0, forward=False),
    Signalling("bu_with_hao", "ha_xdp", "ha",
               Ether(src=g.MAC["coa"], dst=g.MAC["dp1"]) / IPv6(src=g.COA, dst=g.HA) /
               IPv6ExtHdrDestOpt(options=[HAO(hoa=g.HOA)]) / MIP6MH_BU(seq=7, flags="AH", mhtime=100),
               ext_len=24),
    Rh2Signalling("ba_with_rh2", "mn_xdp", "mn",
               Ether(src=g.MAC["gw9"], dst=g.MAC["coa"]) / IPv6(src=g.MN_HA, dst=g.MN_COA) /
               IPv6ExtHdrRouting(type=2, addresses=[g.MN_HOA], segleft=1) /
               MIP6MH_BA(status=0, flags=0, seq=7, mhtime=100),
               ext_len=24),
    Rh2Data("rh2_udp_to_care_of",
            Ether(src=g.MAC["gw9"], dst=g.MAC["coa"]) / IPv6(src="2001:db8:1::20", dst=g.MN_COA) /
            IPv6ExtHdrRouting(type=2, addresses=[g.MN_HOA], segleft=1) /
            UDP(sport=40000, dport=5001) / g.payload(12)),
    HaoData("hao_udp_to_correspondent",
            Ether(src=g.MAC["coa"], dst=g.MAC["dp1"]) / IPv6(src=g.MN_COA, dst="2001:db8:1::2") /
            IPv6ExtHdrDestOpt(options=[HAO(hoa=g.MN_HOA)]) / UDP(sport=5001, dport=40000) / g.payload(30),
            bytes(IPv6(src=g.MN_COA))[8:24], bytes(IPv6(src=g.MN_HOA))[8:24]),
    MnEgress("mn_egress_udp",
             Ether(src=g.MAC["coa"], dst=g.MAC["dp1"]) / IPv6(src=g.MN_HOA, dst=g.CN, tc=0x20) /
             UDP(sport=5001, dport=40000) / g.payload(30), direct=False),
    HaEgress("ha_egress_own_udp",
             Ether(src=g.MAC["dp2"], dst=g.OWN_NEIGH) / IPv6(src=g.HA, dst=g.HOA, tc=0x20) /
             UDP(sport=161, dport=40000) / g.payload(30)),
    MnEgress("mn_egress_neighbour_solicitation",
             Ether(src=g.MAC["coa"], dst="33:33:ff:00:00:01") /
             IPv6(src=g.MN_HOA, dst="ff02::1:ff00:1", hlim=255) / ICMPv6ND_NS(tgt="2001:db8:3::1"),
             direct=True),
]


def lengths(c, upto):
    """Every length in the headers (and well past them); for a big packet,
    the lengths around its size limits too."""
    every = range(40, min(upto, 40 + c.ext_len + 40 + 64))
    extra = {upto - 1}
    if getattr(c, "mtu", None):
        extra |= set(range(c.mtu - 40 - 3, c.mtu - 40 + 3))
    return sorted(set(every) | {n for n in extra if 40 <= n < upto})


def case(group, kind, frame, o: Outcome):
    group["cases"].append({
        "kind": kind, "in": frame.hex(), "verdict": o.verdict,
        "out": o.out.hex() if o.out is not None else None,
        # A counter's bytes: the frame as the program was handed it
        # (docs/datapath.md, "What a counter counts").
        "counter": o.counter, "count_bytes": len(frame) if o.counter else 0,
        "signal": o.signal.hex() if o.signal is not None else None,
    })


for c in CLASSES:
    full = len(c.l3)
    grp = {"name": c.name, "why": c.__doc__.split(":")[0].strip(), "prog": c.prog,
           "ingress": c.ingress, "state": c.state, "cases": []}
    GROUPS.append(grp)
    # The unaltered frame first: the model agrees with the hand-written fixtures.
    case(grp, "whole", c.frame, c.expect(c.l3, b""))

    for n in sorted(set(range(MIN_FRAME["xdp" if c.xdp else "tc"], min(len(c.frame), 14 + 40 + c.ext_len + 40 + 64)))
                    | {len(c.frame) - 1}):
        case(grp, "truncated", c.frame[:n], c.expect_unparseable())

    for n in lengths(c, full):
        l3 = consistent(c.l3[:n])
        case(grp, "cut", c.eth + l3, c.expect(l3, b""))

    if c.inner_at is not None:
        for n in lengths(c, full):
            l3 = c.l3[:n]
            if n >= c.inner_at + 40:
                l3 = l3[:c.inner_at] + consistent(l3[c.inner_at:])
            l3 = consistent(l3)
            case(grp, "cut_inner", c.eth + l3, c.expect(l3, b""))

    for n in lengths(c, full):
        declared = with_plen(c.l3, n - 40)
        case(grp, "short_plen", c.eth + declared, c.expect(declared[:n], declared[n:]))

    for plen in (full - 40 + 1, full - 40 + 8, 0xFFFF):
        case(grp, "long_plen", c.eth + with_plen(c.l3, plen), c.expect_unparseable())

    if c.ext_len:
        for hdr_ext_len in sorted({(full - 40) // 8, (full - 40) // 8 + 1, 63, 64, 255}):
            l3 = c.l3[:41] + bytes([hdr_ext_len]) + c.l3[42:]
            case(grp, "ext_overrun", c.eth + l3, c.expect_overrun(l3, 40 + (hdr_ext_len + 1) * 8 <= full))

    if c.inner_at is not None:
        inner_plen = full - c.inner_at - 40
        for plen in (inner_plen + 1, inner_plen + 8, 0xFFFF, inner_plen - 1, inner_plen - 8, 0):
            l3 = c.l3[:c.inner_at] + with_plen(c.l3[c.inner_at:], plen)
            declared_end = c.inner_at + 40 + plen
            o = c.expect(l3[:declared_end], b"") if plen <= inner_plen else c.expect(l3, b"")
            if plen <= inner_plen and o.out is not None:
                o.out += l3[declared_end:]  # the rest of the outer payload stays, as padding
            case(grp, "inner_plen", c.eth + l3, o)

json.dump({"generator": "tests/bpf/gen_malformed.py", "groups": GROUPS}, sys.stdout, indent=0)
sys.stdout.write("\n")
