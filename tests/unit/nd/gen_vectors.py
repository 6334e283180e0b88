#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""ICMPv6 / Neighbour Discovery test vectors for xmip_nd, built with scapy.

Each case is described once, as the fields of the message (the same names
the C++ test reads), and scapy turns that description into bytes inside an
IPv6 header, so the ICMPv6 checksum is scapy's, over that header's
pseudo-header. Nothing here comes from xmip: a test against these vectors
checks xmip's encoder and decoder against an independent implementation.

Three kinds of case:
  vectors    valid messages: decode must give the fields, encode the bytes
             (checksum included, via icmpv6_checksum), and for ND messages
             validate_received must accept them;
  malformed  bytes every decoder must refuse with the named error;
  rejected   well-formed messages validate_received must refuse (hop limit,
             code, sources, targets), with the named error.

Run with Debian's scapy:
  /usr/bin/python3 tests/unit/nd/gen_vectors.py > tests/unit/nd/vectors.json
"""
import json
import sys

from scapy.layers.inet6 import (IPv6, ICMPv6HAADReply, ICMPv6HAADRequest, ICMPv6MPAdv, ICMPv6MPSol,
                                ICMPv6ND_NA, ICMPv6ND_NS, ICMPv6ND_RA, ICMPv6ND_RS, ICMPv6NDOptAdvInterval,
                                ICMPv6NDOptDstLLAddr, ICMPv6NDOptHAInfo, ICMPv6NDOptMTU, ICMPv6NDOptPrefixInfo,
                                ICMPv6NDOptSrcLLAddr, ICMPv6NDOptUnknown, in6_chksum)
from scapy.packet import Raw

# ---- the home link (same plan as tests/bpf/gen_fixtures.py) -------------
HA_MAC = "02:00:00:00:27:02"
HA_LL = "fe80::ff:fe00:2702"          # EUI-64 link-local of HA_MAC
HA = "2001:db8:2700::2"                # home agent global address
HA2_MAC = "02:00:00:00:27:03"
HA2_LL = "fe80::ff:fe00:2703"
HA2 = "2001:db8:2700::3"
MN_MAC = "02:00:00:00:27:04"
MN_LL = "fe80::ff:fe00:2704"
HOA = "2001:db8:2700::4"               # the mobile node's home address
HOA_SNM = "ff02::1:ff00:4"             # its solicited-node multicast group
COA = "2001:db8:3::100"
# RFC 2526 / RFC 6275 10.5: Mobile IPv6 Home-Agents anycast of 2001:db8:2700::/64.
HA_ANYCAST = "2001:db8:2700::fdff:ffff:ffff:fffe"
ALL_NODES = "ff02::1"
ALL_ROUTERS = "ff02::2"

# The guide's home agent radvd.conf (section 4.2.4), with the site-local
# fec0:106:2700::2/64 replaced by 2001:db8:2700::2/64. radvd 2.19 sends its
# options in this order: Prefix Information, (MTU), Source Link-Layer
# Address, (Advertisement Interval), Home Agent Information; the Router
# Lifetime is AdvDefaultLifetime = 3 * MaxRtrAdvInterval = 9 s.
# radvd_crosscheck.sh runs radvd with this configuration in network
# namespaces: its RAs are byte-identical to these two vectors.
GUIDE_PREFIX = {"kind": "prefix", "prefix_length": 64, "L": True, "A": True, "R": True,
                "valid_lifetime": 12000, "preferred_lifetime": 10000, "prefix": HA}
GUIDE_RA = {"kind": "ra", "cur_hop_limit": 64, "M": False, "O": False, "H": True, "other_flags": 0,
            "router_lifetime": 9, "reachable_time": 0, "retrans_timer": 0,
            "options": [GUIDE_PREFIX,
                        {"kind": "slla", "lladdr": HA_MAC},
                        {"kind": "ha_info", "preference": 20, "lifetime": 10000, "mobile_router_support": False}]}
# The same with AdvIntervalOpt on: MaxRtrAdvInterval 3 s as milliseconds.
GUIDE_RA_ADV_INTERVAL = dict(GUIDE_RA, options=[GUIDE_PREFIX,
                                                {"kind": "slla", "lladdr": HA_MAC},
                                                {"kind": "adv_interval", "interval_ms": 3000},
                                                GUIDE_RA["options"][2]])


# ---- field descriptions -> scapy -----------------------------------------
def option_layer(o):
    k = o["kind"]
    if k == "slla":
        return ICMPv6NDOptSrcLLAddr(lladdr=o["lladdr"])
    if k == "tlla":
        return ICMPv6NDOptDstLLAddr(lladdr=o["lladdr"])
    if k == "mtu":
        return ICMPv6NDOptMTU(mtu=o["mtu"])
    if k == "prefix":
        return ICMPv6NDOptPrefixInfo(prefixlen=o["prefix_length"], L=int(o["L"]), A=int(o["A"]), R=int(o["R"]),
                                     validlifetime=o["valid_lifetime"],
                                     preferredlifetime=o["preferred_lifetime"], prefix=o["prefix"])
    if k == "adv_interval":
        return ICMPv6NDOptAdvInterval(advint=o["interval_ms"])
    if k == "ha_info":
        # scapy's field is unsigned; the wire carries two's complement.
        return ICMPv6NDOptHAInfo(res=0x8000 if o["mobile_router_support"] else 0,
                                 pref=o["preference"] & 0xffff, lifetime=o["lifetime"])
    if k == "raw":
        data = bytes.fromhex(o["body"])
        assert (len(data) + 2) % 8 == 0
        return ICMPv6NDOptUnknown(type=o["type"], len=(len(data) + 2) // 8, data=data)
    raise ValueError(k)


def message_layer(m):
    k = m["kind"]
    if k == "rs":
        p = ICMPv6ND_RS()
    elif k == "ra":
        p = ICMPv6ND_RA(chlim=m["cur_hop_limit"], M=int(m["M"]), O=int(m["O"]), H=int(m["H"]),
                        prf=(m["other_flags"] >> 3) & 3, P=(m["other_flags"] >> 2) & 1,
                        res=m["other_flags"] & 3, routerlifetime=m["router_lifetime"],
                        reachabletime=m["reachable_time"], retranstimer=m["retrans_timer"])
    elif k == "ns":
        p = ICMPv6ND_NS(tgt=m["target"])
    elif k == "na":
        p = ICMPv6ND_NA(R=int(m["R"]), S=int(m["S"]), O=int(m["O"]), tgt=m["target"])
    elif k == "dhaad_request":
        return ICMPv6HAADRequest(id=m["identifier"], R=int(m["mobile_router"]))
    elif k == "dhaad_reply":
        return ICMPv6HAADReply(id=m["identifier"], R=int(m["mobile_router"]), addresses=m["home_agents"])
    elif k == "mps":
        p = ICMPv6MPSol(id=m["identifier"])
    elif k == "mpa":
        p = ICMPv6MPAdv(id=m["identifier"], flags=(int(m["M"]) << 1) | int(m["O"]))
    else:
        raise ValueError(k)
    for o in m.get("options", []):
        p = p / option_layer(o)
    return p


def icmp_bytes(src, dst, hlim, layer):
    """The ICMPv6 message as scapy builds it inside IPv6(src, dst).

    Raw bytes (the truncated and hand-made cases) get scapy's checksum too."""
    ip = IPv6(src=src, dst=dst, hlim=hlim, nh=58)
    raw = bytes(ip / layer)
    assert raw[6] == 58, "ICMPv6 must follow the IPv6 header directly"
    body = raw[40:]
    if isinstance(layer, Raw) and len(body) >= 4:
        body = body[:2] + b"\0\0" + body[4:]
        body = body[:2] + in6_chksum(58, ip, body).to_bytes(2, "big") + body[4:]
    return body


def vector(name, src, dst, message, hlim=255, note=""):
    b = icmp_bytes(src, dst, hlim, message_layer(message))
    return {"name": name, "note": note, "src": src, "dst": dst, "hop_limit": hlim,
            "checksum": int.from_bytes(b[2:4], "big"), "hex": b.hex(), "message": message}


def malformed(name, decoder, layer, error, note=""):
    b = icmp_bytes(HA_LL, ALL_NODES, 255, layer)
    return {"name": name, "note": note, "decoder": decoder, "hex": b.hex(), "error": error}


def rejected(name, src, dst, hlim, layer, error, note=""):
    b = icmp_bytes(src, dst, hlim, layer)
    return {"name": name, "note": note, "src": src, "dst": dst, "hop_limit": hlim, "hex": b.hex(),
            "error": error}


# ---- valid messages --------------------------------------------------------
VECTORS = [
    vector("rs_with_slla", MN_LL, ALL_ROUTERS,
           {"kind": "rs", "options": [{"kind": "slla", "lladdr": MN_MAC}]},
           note="RFC 4861 4.1: the mobile node soliciting on a new link"),
    vector("rs_from_unspecified", "::", ALL_ROUTERS, {"kind": "rs", "options": []},
           note="before an address is assigned: no SLLA option"),
    vector("ra_guide_home_agent", HA_LL, ALL_NODES, GUIDE_RA,
           note="the guide's HA radvd.conf: H, prefix with R, HA info preference 20 lifetime 10000"),
    vector("ra_radvd_adv_interval", HA_LL, ALL_NODES, GUIDE_RA_ADV_INTERVAL,
           note="radvd AdvIntervalOpt on: Advertisement Interval = MaxRtrAdvInterval in ms"),
    vector("ra_all_fields", HA2_LL, MN_LL,
           {"kind": "ra", "cur_hop_limit": 255, "M": True, "O": True, "H": True, "other_flags": 0x0c,
            "router_lifetime": 65535, "reachable_time": 30000, "retrans_timer": 1000,
            "options": [{"kind": "slla", "lladdr": HA2_MAC},
                        {"kind": "mtu", "mtu": 1500},
                        {"kind": "prefix", "prefix_length": 64, "L": True, "A": False, "R": False,
                         "valid_lifetime": 0, "preferred_lifetime": 0, "prefix": "2001:db8:2701::"},
                        {"kind": "prefix", "prefix_length": 48, "L": False, "A": True, "R": True,
                         "valid_lifetime": 0xffffffff, "preferred_lifetime": 0xffffffff, "prefix": HA2},
                        {"kind": "adv_interval", "interval_ms": 0xffffffff},
                        {"kind": "ha_info", "preference": -32768, "lifetime": 65535,
                         "mobile_router_support": True},
                        # RDNSS (RFC 8106): not interpreted here, kept as raw.
                        {"kind": "raw", "type": 25, "body": "0000" "00000708" "20010db800000000000000000000fdfd"},
                        {"kind": "raw", "type": 253, "body": "000102030405"}]},
           note="every field at an extreme; Prf high (0x08) and P (0x04) kept in other_flags; unknown options kept"),
    vector("ra_plain_router", "fe80::1", ALL_NODES,
           {"kind": "ra", "cur_hop_limit": 64, "M": False, "O": True, "H": False, "other_flags": 0,
            "router_lifetime": 1800, "reachable_time": 0, "retrans_timer": 0,
            "options": [{"kind": "prefix", "prefix_length": 64, "L": True, "A": True, "R": False,
                         "valid_lifetime": 86400, "preferred_lifetime": 14400, "prefix": "2001:db8:3::"},
                        {"kind": "mtu", "mtu": 1280},
                        {"kind": "slla", "lladdr": "02:00:00:00:03:07"}]},
           note="a visited link's router: no H flag"),
    vector("ra_home_agent_no_info", HA2_LL, ALL_NODES,
           {"kind": "ra", "cur_hop_limit": 64, "M": False, "O": False, "H": True, "other_flags": 0,
            "router_lifetime": 1800, "reachable_time": 0, "retrans_timer": 0,
            "options": [{"kind": "prefix", "prefix_length": 64, "L": True, "A": True, "R": True,
                         "valid_lifetime": 86400, "preferred_lifetime": 14400, "prefix": HA2}]},
           note="H without a Home Agent Information option: preference 0, lifetime = router lifetime"),
    vector("ra_no_options", HA_LL, ALL_NODES,
           {"kind": "ra", "cur_hop_limit": 0, "M": False, "O": False, "H": False, "other_flags": 0,
            "router_lifetime": 0, "reachable_time": 0, "retrans_timer": 0, "options": []}),
    vector("ns_address_resolution", HA, HOA_SNM,
           {"kind": "ns", "target": HOA, "options": [{"kind": "slla", "lladdr": HA_MAC}]},
           note="someone resolving the home address: the home agent answers while the MN is away"),
    vector("ns_dad", "::", HOA_SNM, {"kind": "ns", "target": HOA, "options": []},
           note="RFC 6275 10.3.1: the home agent's DAD for a home address, unspecified source, no SLLA"),
    vector("ns_unicast_probe", HA, HOA, {"kind": "ns", "target": HOA, "options": []},
           note="neighbour unreachability probe"),
    vector("ns_unknown_option", MN_LL, "ff02::1:ff00:2702",
           {"kind": "ns", "target": HA_LL,
            "options": [{"kind": "slla", "lladdr": MN_MAC},
                        {"kind": "raw", "type": 14, "body": "0102030405060708090a0b0c0d0e"}]},
           note="a Nonce option (RFC 3971): kept as raw"),
    vector("na_proxy_unsolicited", HA, ALL_NODES,
           {"kind": "na", "R": False, "S": False, "O": True, "target": HOA,
            "options": [{"kind": "tlla", "lladdr": HA_MAC}]},
           note="RFC 6275 10.4.1: HA takes over the home address on registration"),
    vector("na_proxy_solicited", HA, MN_LL,
           {"kind": "na", "R": False, "S": True, "O": True, "target": HOA,
            "options": [{"kind": "tlla", "lladdr": HA_MAC}]},
           note="HA answering an NS for the home address"),
    vector("na_returning_home", HOA, ALL_NODES,
           {"kind": "na", "R": False, "S": False, "O": True, "target": HOA,
            "options": [{"kind": "tlla", "lladdr": MN_MAC}]},
           note="RFC 6275 11.5.4: the MN reclaims its home address"),
    vector("na_router_no_options", HA_LL, MN_LL,
           {"kind": "na", "R": True, "S": True, "O": False, "target": HA_LL, "options": []}),
    vector("dhaad_request", COA, HA_ANYCAST,
           {"kind": "dhaad_request", "identifier": 0x1234, "mobile_router": False}, hlim=64,
           note="RFC 6275 6.5, sent to the Home-Agents anycast address"),
    vector("dhaad_request_mobile_router", COA, HA_ANYCAST,
           {"kind": "dhaad_request", "identifier": 0xffff, "mobile_router": True}, hlim=64,
           note="RFC 3963 mobile router flag"),
    vector("dhaad_reply", HA, COA,
           {"kind": "dhaad_reply", "identifier": 0x1234, "mobile_router": False,
            "home_agents": [HA, HA2, "2001:db8:2700::9"]}, hlim=64),
    vector("dhaad_reply_empty", HA, COA,
           {"kind": "dhaad_reply", "identifier": 1, "mobile_router": True, "home_agents": []}, hlim=64),
    vector("mps", HOA, HA, {"kind": "mps", "identifier": 0xbeef, "options": []}, hlim=64,
           note="RFC 6275 6.7 (sent with a Home Address option, not part of the ICMPv6 body)"),
    vector("mpa", HA, HOA,
           {"kind": "mpa", "identifier": 0xbeef, "M": True, "O": False,
            "options": [{"kind": "prefix", "prefix_length": 64, "L": True, "A": True, "R": True,
                         "valid_lifetime": 12000, "preferred_lifetime": 10000, "prefix": HA},
                        {"kind": "prefix", "prefix_length": 64, "L": True, "A": True, "R": False,
                         "valid_lifetime": 3600, "preferred_lifetime": 1800, "prefix": "2001:db8:2800::"}]},
           hlim=64, note="RFC 6275 6.8"),
    vector("mpa_unsolicited_no_options", HA, HOA,
           {"kind": "mpa", "identifier": 7, "M": False, "O": True, "options": []}, hlim=64),
]

# ---- malformed: no decoder may accept these --------------------------------
RA = ICMPv6ND_RA(chlim=64, H=1, prf=0, routerlifetime=9)


def cut(layer, n):
    """The first n bytes of what scapy builds (the checksum is redone over what is left)."""
    return Raw(icmp_bytes(HA_LL, ALL_NODES, 255, layer)[:n])


MALFORMED = [
    malformed("rs_truncated", "rs", cut(ICMPv6ND_RS(), 4), "truncated"),
    malformed("ra_truncated_fixed", "ra", cut(RA, 15), "truncated"),
    malformed("ns_truncated_target", "ns", cut(ICMPv6ND_NS(tgt=HOA), 23), "truncated"),
    malformed("na_truncated_target", "na", cut(ICMPv6ND_NA(tgt=HOA), 12), "truncated"),
    malformed("dhaad_request_truncated", "dhaad_request", cut(ICMPv6HAADRequest(id=1, R=0), 6), "truncated"),
    malformed("dhaad_reply_truncated", "dhaad_reply", cut(ICMPv6HAADReply(id=1, R=0), 7), "truncated"),
    malformed("mps_truncated", "mps", cut(ICMPv6MPSol(id=1), 5), "truncated"),
    malformed("mpa_truncated", "mpa", cut(ICMPv6MPAdv(id=1, flags=0), 7), "truncated"),
    malformed("dhaad_reply_partial_address", "dhaad_reply",
              cut(ICMPv6HAADReply(id=1, R=0, addresses=[HA]), 8 + 10), "bad_address_list"),
    malformed("dhaad_reply_address_and_a_half", "dhaad_reply",
              cut(ICMPv6HAADReply(id=1, R=0, addresses=[HA, HA2]), 8 + 24), "bad_address_list"),
    malformed("ra_option_length_zero", "ra", RA / ICMPv6NDOptSrcLLAddr(len=0, lladdr=HA_MAC),
              "option_length_zero", note="RFC 4861 4.6: discard"),
    malformed("ra_option_length_zero_after_valid", "ra",
              RA / ICMPv6NDOptMTU(mtu=1500) / ICMPv6NDOptUnknown(type=99, len=0, data=b"\0" * 6),
              "option_length_zero"),
    malformed("rs_option_length_zero", "rs", ICMPv6ND_RS() / ICMPv6NDOptSrcLLAddr(len=0), "option_length_zero"),
    malformed("ns_option_length_zero", "ns", ICMPv6ND_NS(tgt=HOA) / ICMPv6NDOptUnknown(type=14, len=0,
                                                                                     data=b"\0" * 6),
              "option_length_zero"),
    malformed("na_option_length_zero", "na", ICMPv6ND_NA(tgt=HOA) / ICMPv6NDOptDstLLAddr(len=0),
              "option_length_zero"),
    malformed("mpa_option_length_zero", "mpa",
              ICMPv6MPAdv(id=1, flags=0) / ICMPv6NDOptPrefixInfo(len=0), "option_length_zero"),
    malformed("mps_option_length_zero", "mps",
              ICMPv6MPSol(id=1) / ICMPv6NDOptUnknown(type=1, len=0, data=b"\0" * 6), "option_length_zero"),
    malformed("ra_prefix_overrun", "ra", RA / ICMPv6NDOptPrefixInfo(len=5, prefix=HA), "option_overrun",
              note="claims 40 bytes, 32 present"),
    malformed("ra_unknown_option_overrun", "ra",
              RA / ICMPv6NDOptUnknown(type=200, len=2, data=b"\0" * 6), "option_overrun"),
    malformed("ra_lone_option_type_byte", "ra", RA / ICMPv6NDOptMTU() / Raw(b"\x01"), "option_overrun",
              note="a type byte with no length after the last option"),
    malformed("na_option_overrun", "na",
              ICMPv6ND_NA(tgt=HOA) / ICMPv6NDOptDstLLAddr(len=3, lladdr=HA_MAC), "option_overrun"),
    malformed("ra_slla_wrong_length", "ra",
              RA / ICMPv6NDOptSrcLLAddr(len=2, lladdr=HA_MAC) / Raw(b"\0" * 8), "bad_option_length",
              note="Ethernet link-layer address options are 1 unit (RFC 2464)"),
    malformed("ra_mtu_wrong_length", "ra", RA / ICMPv6NDOptMTU(len=2) / Raw(b"\0" * 8), "bad_option_length"),
    malformed("ra_prefix_wrong_length", "ra", cut(RA / ICMPv6NDOptPrefixInfo(len=3, prefix=HA), 16 + 24),
              "bad_option_length"),
    malformed("ra_prefix_long_length", "ra",
              RA / ICMPv6NDOptPrefixInfo(len=5, prefix=HA) / Raw(b"\0" * 8), "bad_option_length"),
    malformed("ra_adv_interval_wrong_length", "ra",
              RA / ICMPv6NDOptAdvInterval(len=2, advint=3000) / Raw(b"\0" * 8), "bad_option_length",
              note="RFC 6275 7.3: length MUST be 1"),
    malformed("ra_ha_info_wrong_length", "ra",
              RA / ICMPv6NDOptHAInfo(len=2, pref=20, lifetime=10000) / Raw(b"\0" * 8), "bad_option_length",
              note="RFC 6275 7.4: length MUST be 1"),
    malformed("ns_slla_wrong_length", "ns",
              ICMPv6ND_NS(tgt=HOA) / ICMPv6NDOptSrcLLAddr(len=2, lladdr=MN_MAC) / Raw(b"\0" * 8),
              "bad_option_length"),
    malformed("na_tlla_wrong_length", "na",
              ICMPv6ND_NA(tgt=HOA) / ICMPv6NDOptDstLLAddr(len=2, lladdr=MN_MAC) / Raw(b"\0" * 8),
              "bad_option_length"),
    malformed("mpa_prefix_wrong_length", "mpa",
              ICMPv6MPAdv(id=1, flags=0) / ICMPv6NDOptPrefixInfo(len=5, prefix=HA) / Raw(b"\0" * 8),
              "bad_option_length"),
    malformed("ra_prefix_length_129", "ra", RA / ICMPv6NDOptPrefixInfo(prefixlen=129, prefix=HA),
              "bad_prefix_length"),
    malformed("echo_request_is_not_nd", "any", Raw(bytes.fromhex("80000000000100010102030405060708")),
              "unknown_type"),
    malformed("ra_bytes_to_ns_decoder", "ns", RA / ICMPv6NDOptSrcLLAddr(lladdr=HA_MAC), "wrong_type"),
]

# ---- rejected by the RFC 4861 receive checks --------------------------------
RA_OK = RA / ICMPv6NDOptSrcLLAddr(lladdr=HA_MAC)
REJECTED = [
    rejected("ra_hop_limit_64", HA_LL, ALL_NODES, 64, RA_OK, "bad_hop_limit",
             note="forwarded by a router: not from this link"),
    rejected("ns_hop_limit_254", HA, HOA_SNM, 254, ICMPv6ND_NS(tgt=HOA), "bad_hop_limit"),
    rejected("ra_code_1", HA_LL, ALL_NODES, 255, ICMPv6ND_RA(code=1, prf=0, H=1), "bad_code"),
    rejected("na_code_9", HA, ALL_NODES, 255, ICMPv6ND_NA(code=9, tgt=HOA), "bad_code"),
    rejected("ra_global_source", HA, ALL_NODES, 255, RA_OK, "source_not_link_local",
             note="RFC 4861 6.1.2"),
    rejected("ra_unspecified_source", "::", ALL_NODES, 255, RA_OK, "source_not_link_local"),
    rejected("ra_received_option_length_zero", HA_LL, ALL_NODES, 255,
             RA / ICMPv6NDOptSrcLLAddr(len=0), "option_length_zero"),
    rejected("rs_short", MN_LL, ALL_ROUTERS, 255, cut(ICMPv6ND_RS(), 6), "truncated"),
    rejected("rs_unspecified_with_slla", "::", ALL_ROUTERS, 255,
             ICMPv6ND_RS() / ICMPv6NDOptSrcLLAddr(lladdr=MN_MAC), "unspecified_source_with_slla",
             note="RFC 4861 6.1.1"),
    rejected("ns_dad_with_slla", "::", HOA_SNM, 255,
             ICMPv6ND_NS(tgt=HOA) / ICMPv6NDOptSrcLLAddr(lladdr=HA_MAC), "unspecified_source_with_slla",
             note="RFC 4861 7.1.1"),
    rejected("ns_dad_to_unicast", "::", HOA, 255, ICMPv6ND_NS(tgt=HOA), "bad_dad_destination",
             note="RFC 4861 7.1.1: from :: only to a solicited-node group"),
    rejected("ns_dad_to_all_nodes", "::", ALL_NODES, 255, ICMPv6ND_NS(tgt=HOA), "bad_dad_destination"),
    rejected("ns_multicast_target", HA, HOA_SNM, 255, ICMPv6ND_NS(tgt="ff02::1"), "multicast_target"),
    rejected("na_multicast_target", HA, ALL_NODES, 255,
             ICMPv6ND_NA(R=0, S=0, O=1, tgt="ff05::2"), "multicast_target"),
    rejected("na_solicited_to_multicast", HA, ALL_NODES, 255,
             ICMPv6ND_NA(R=0, S=1, O=1, tgt=HOA) / ICMPv6NDOptDstLLAddr(lladdr=HA_MAC),
             "solicited_to_multicast", note="RFC 4861 7.1.2"),
    rejected("redirect_not_handled", HA_LL, MN_LL, 255,
             Raw(bytes([137, 0, 0, 0]) + bytes(36)), "unknown_type",
             note="Redirect (137) is not this codec's: the daemon does not act on it"),
]


def main():
    out = {
        "about": "ICMPv6/ND vectors built by scapy (gen_vectors.py); hex is the ICMPv6 message with scapy's "
                 "checksum over the pseudo-header of src/dst",
        "vectors": VECTORS,
        "malformed": MALFORMED,
        "rejected": REJECTED,
    }
    json.dump(out, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
