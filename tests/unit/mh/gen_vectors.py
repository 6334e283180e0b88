#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""Mobility Header test vectors for xmip_mh, built independently with scapy.

Each vector is a whole IPv6 packet that scapy encodes (lengths, padding,
checksums over the RFC 6275 pseudo-header: the HAO's home address as source,
a type 2 routing header's home address as destination) together with the
fields it was built from, written down here from the RFCs and never taken
from xmip. The tests decode every packet and compare every field, and, where
"build" is true, encode the same message and compare the bytes exactly.

"build" is false where xmip would produce a different but equally valid
encoding (the reason is in "note"): padding chosen differently than the
minimal Pad1/PadN that RFC 6275 6.2.1 alignment asks for, header chains xmip
never sends (hop-by-hop, several destination options), a routing header that
was already processed.

Scapy builds; it never dissects here: recomputing a checksum on a dissected
packet whose destination options hold PadN + HAO uses the wrong source
(REFERENCE.md 7). Every checksum is also checked against this file's own
pseudo-header computation, and the few packets scapy cannot checksum (an HAO
next to another destination option) get theirs from that computation.

Run with Debian's scapy: /usr/bin/python3 tests/unit/mh/gen_vectors.py > tests/unit/mh/vectors.json
"""
import hashlib
import hmac
import ipaddress
import json
import struct
import sys

from scapy.layers.inet6 import (HAO, IPv6, IPv6ExtHdrDestOpt, IPv6ExtHdrHopByHop,
                                IPv6ExtHdrRouting, HBHOptUnknown, MIP6MH_BA, MIP6MH_BE, MIP6MH_BRR, MIP6MH_BU,
                                MIP6MH_CoT, MIP6MH_CoTI, MIP6MH_HoT, MIP6MH_HoTI,
                                MIP6OptAltCoA, MIP6OptBindingAuthData, MIP6OptBRAdvice,
                                MIP6OptMobNetPrefix, MIP6OptMsgAuth, MIP6OptNonceIndices,
                                MIP6OptReplayProtection, MIP6OptUnknown, Pad1, PadN, RouterAlert)
from scapy.packet import raw
from scapy.utils import checksum

HA = "2001:db8:2700::2"     # home agent
HOA = "2001:db8:2700::4"    # mobile node's home address
COA = "2001:db8:3::100"     # its care-of address
COA2 = "2001:db8:5::9"      # an alternate care-of address
CN = "2001:db8:1::10"       # a correspondent
MN_KEY = bytes(range(0x20, 0x34))  # MN-HA shared key (RFC 4285), 20 bytes

A, H, L, K, M, R, P = 0x8000, 0x4000, 0x2000, 0x1000, 0x0800, 0x0400, 0x0200  # BU flags
BA_K, BA_R, BA_P = 0x80, 0x40, 0x20

MH_TYPES = {"brr": 0, "hoti": 1, "coti": 2, "hot": 3, "cot": 4, "bu": 5, "ba": 6, "be": 7}


def addr_bytes(a):
    return ipaddress.IPv6Address(a).packed


# ---- options: the expected fields, and the scapy object that encodes them ----

def scapy_option(o):
    k = o["kind"]
    if k == "bra":
        return MIP6OptBRAdvice(rinter=o["interval"])
    if k == "altcoa":
        return MIP6OptAltCoA(acoa=o["address"])
    if k == "nonces":
        return MIP6OptNonceIndices(olen=4, hni=o["home"], coni=o["careof"])  # scapy's default olen is 16
    if k == "bad":
        return MIP6OptBindingAuthData(olen=12, authenticator=int(o["authenticator"], 16))
    if k == "auth":
        return MIP6OptMsgAuth(subtype=o["subtype"], mspi=o["spi"],
                              authdata=bytes.fromhex(o["authenticator"]))
    if k == "replay":
        return MIP6OptReplayProtection(timestamp=o["timestamp"])
    if k == "unknown":
        return MIP6OptUnknown(otype=o["type"], odata=bytes.fromhex(o["data"]))
    raise ValueError(k)


def mnp(prefix, plen):
    """RFC 3963 Mobile Network Prefix: scapy encodes it (alignment 8n+4); xmip keeps it as
    an unknown option whose body is reserved, prefix length, prefix."""
    return ({"kind": "unknown", "type": 6, "data": (bytes([0, plen]) + addr_bytes(prefix)).hex()},
            MIP6OptMobNetPrefix(plen=plen, prefix=prefix))


def scapy_options(options):
    """Entries are dicts (an option: expected fields, scapy builds it) or (expected, scapy
    object) pairs, expected None for explicit padding that decoding drops."""
    return [o[1] if isinstance(o, tuple) else scapy_option(o) for o in options]


def expected_options(options):
    out = []
    for o in options:
        e = o[0] if isinstance(o, tuple) else o
        if e is not None:
            out.append(e)
    return out


# ---- messages ----------------------------------------------------------------

def scapy_message(m, options):
    t = m["type"]
    if t == "brr":
        return MIP6MH_BRR(options=options)
    if t in ("hoti", "coti"):
        cls = MIP6MH_HoTI if t == "hoti" else MIP6MH_CoTI
        return cls(cookie=bytes.fromhex(m["cookie"]), options=options)
    if t in ("hot", "cot"):
        cls = MIP6MH_HoT if t == "hot" else MIP6MH_CoT
        return cls(index=m["nonce_index"], cookie=bytes.fromhex(m["cookie"]),
                   token=bytes.fromhex(m["token"]), options=options)
    if t == "bu":
        # scapy splits the 16-bit word: 7 flag bits (A H L K M R P) and 9 reserved bits.
        return MIP6MH_BU(seq=m["sequence"], flags=m["flags"] >> 9, reserved=m["flags"] & 0x1ff,
                         mhtime=m["lifetime"], options=options)
    if t == "ba":
        return MIP6MH_BA(status=m["status"], flags=m["flags"] >> 5, res2=m["flags"] & 0x1f,
                         seq=m["sequence"], mhtime=m["lifetime"], options=options)
    if t == "be":
        return MIP6MH_BE(status=m["status"], ha=m["home_address"], options=options)
    raise ValueError(t)


# ---- checksums, computed here from the RFC to check scapy's -----------------------

def pseudo_checksum(src, dst, mh):
    mh = mh[:4] + b"\0\0" + mh[6:]
    pseudo = addr_bytes(src) + addr_bytes(dst) + struct.pack("!I", len(mh)) + b"\0\0\0\x87"
    return checksum(pseudo + mh)


def find_auth_option(mh):
    """Offset of the first Authentication option (type 9) in an MH, walking it here."""
    fixed = {0: 2, 1: 10, 2: 10, 3: 18, 4: 18, 5: 6, 6: 6, 7: 18}[mh[2]]
    pos = 6 + fixed
    while pos < len(mh):
        if mh[pos] == 0:
            pos += 1
            continue
        if mh[pos] == 9:
            return pos
        pos += 2 + mh[pos + 1]
    raise ValueError("no authentication option")


# ---- vectors ------------------------------------------------------------------------

VECTORS = []


def walk_to_mh(pkt_bytes):
    """Offset of the Mobility Header: walk the extension header chain."""
    nh, pos = pkt_bytes[6], 40
    while nh != 135:
        nh, pos = pkt_bytes[pos], pos + (pkt_bytes[pos + 1] + 1) * 8
    return pos


def vector(name, description, message, options=(), src=COA, dst=HA, hao=None, rh2=None,
           rh2_segleft=1, hop_limit=64, build=True, note=None, auth=None, layers=None,
           autopad=True, manual_checksum=False):
    """One packet. `layers(ip, mh)` assembles a custom header chain (decode-only vectors)."""
    final_dst = rh2 if rh2 and rh2_segleft else dst
    checksum_src = hao or src

    def assemble(cksum=None):
        mh = scapy_message(message, scapy_options(options))
        if not autopad:
            mh.autopad = 0
        if cksum is not None:
            mh.cksum = cksum
        ip = IPv6(src=src, dst=dst, hlim=hop_limit)
        if layers:
            return raw(layers(ip, mh))
        pkt = ip
        if rh2:
            pkt = pkt / IPv6ExtHdrRouting(type=2, addresses=[rh2], segleft=rh2_segleft)
        if hao:
            pkt = pkt / IPv6ExtHdrDestOpt(options=[HAO(hoa=hao)])
        return raw(pkt / mh)

    auth_info = None
    if auth:
        # RFC 4285 5.5: Authenticator = First(96, HMAC_SHA1(key, CoA | HoA | MH data up to
        # and including the SPI, checksum 0)). Build with a placeholder, MAC, build again.
        first = assemble()
        mh = bytearray(first[walk_to_mh(first):])
        covered = find_auth_option(bytes(mh)) + 2 + 1 + 4
        mh[4:6] = b"\0\0"
        mac_input = addr_bytes(auth["care_of"]) + addr_bytes(auth["home"]) + bytes(mh[:covered])
        mac = hmac.new(MN_KEY, mac_input, hashlib.sha1).digest()[:12]
        for o in options:
            if isinstance(o, dict) and o["kind"] == "auth":
                o["authenticator"] = mac.hex()
        auth_info = {"key": MN_KEY.hex(), "care_of": auth["care_of"], "home": auth["home"],
                     "mac_input": mac_input.hex(), "authenticator": mac.hex()}

    data = assemble()
    mh_offset = walk_to_mh(data)
    if manual_checksum:
        # scapy would take the wrong pseudo-header source here: give it the sum.
        data = assemble(pseudo_checksum(checksum_src, final_dst, data[mh_offset:]))
    mh = data[mh_offset:]
    got = struct.unpack("!H", mh[4:6])[0]
    want = pseudo_checksum(checksum_src, final_dst, mh)
    if got != want:
        sys.exit(f"{name}: scapy checksum {got:#06x}, pseudo-header rule gives {want:#06x}")
    if len(mh) != (mh[1] + 1) * 8:
        sys.exit(f"{name}: MH length {len(mh)}, Header Len {mh[1]}")

    msg = {"type": MH_TYPES[message["type"]]}
    msg.update({k: v for k, v in message.items() if k != "type"})
    msg["options"] = expected_options(options)
    v = {
        "name": name,
        "description": description,
        "packet": data.hex(),
        "build": build,
        "ipv6": {
            "src": src, "dst": dst, "hop_limit": hop_limit,
            "hao": hao, "rh2": rh2, "rh2_segments_left": rh2_segleft if rh2 else None,
            "checksum_src": checksum_src, "checksum_dst": final_dst,
            "mh_offset": mh_offset, "mh_length": len(mh),
        },
        "message": msg,
    }
    if note:
        v["note"] = note
    if auth_info:
        v["auth"] = auth_info
    VECTORS.append(v)


COOKIE = "0102030405060708"
TOKEN = "a1a2a3a4a5a6a7a8"

# -- every message type, plain ------------------------------------------------------------
vector("brr", "Binding Refresh Request from the home agent", {"type": "brr"}, src=HA, dst=HOA)
vector("hoti", "Home Test Init", {"type": "hoti", "cookie": COOKIE}, src=HOA, dst=CN)
vector("coti", "Care-of Test Init", {"type": "coti", "cookie": "f0e0d0c0b0a09080"}, src=COA, dst=CN)
vector("hot", "Home Test", {"type": "hot", "nonce_index": 0x1234, "cookie": COOKIE, "token": TOKEN},
       src=CN, dst=HOA)
vector("cot", "Care-of Test", {"type": "cot", "nonce_index": 0xfffe, "cookie": "f0e0d0c0b0a09080",
                               "token": "0011223344556677"}, src=CN, dst=COA)
vector("bu_home_dereg", "Deregistration at home: BU without HAO, lifetime 0",
       {"type": "bu", "sequence": 7, "flags": A | H, "lifetime": 0}, src=HOA, dst=HA)
vector("bu_hao", "Home registration from away: BU with HAO, longest lifetime",
       {"type": "bu", "sequence": 0xfffe, "flags": A | H, "lifetime": 0xffff}, hao=HOA)
vector("ba_plain", "Rejecting BA without routing header (sequence out of window)",
       {"type": "ba", "status": 135, "flags": 0, "sequence": 42, "lifetime": 0}, src=HA, dst=HOA)
vector("ba_rh2", "BA to a mobile node away: type 2 routing header, K flag, refresh advice",
       {"type": "ba", "status": 0, "flags": BA_K, "sequence": 0xfffe, "lifetime": 900},
       [{"kind": "bra", "interval": 600}], src=HA, dst=COA, rh2=HOA)
vector("be_status1", "Binding Error: unknown binding for the HAO",
       {"type": "be", "status": 1, "home_address": HOA}, src=CN, dst=COA)
vector("be_status2", "Binding Error: unrecognized MH type",
       {"type": "be", "status": 2, "home_address": "::"}, src=HA, dst=COA)

# -- every option ----------------------------------------------------------------------------
vector("bu_hao_altcoa", "BU with HAO and Alternate CoA (8n+6: PadN(0) after the 12-byte body)",
       {"type": "bu", "sequence": 1, "flags": A | H | K, "lifetime": 150},
       [{"kind": "altcoa", "address": COA2}], hao=HOA)
vector("bu_ro", "Route-optimised BU to a correspondent: Nonce Indices then Binding "
       "Authorization Data (no padding needed: 12+6 = 8*2+2)",
       {"type": "bu", "sequence": 300, "flags": A, "lifetime": 105},
       [{"kind": "nonces", "home": 0x0102, "careof": 0x0304},
        {"kind": "bad", "authenticator": "00112233445566778899aabb"}], dst=CN, hao=HOA)
vector("ba_bad", "BA from a correspondent with Binding Authorization Data",
       {"type": "ba", "status": 0, "flags": 0, "sequence": 300, "lifetime": 105},
       [{"kind": "bad", "authenticator": "ffeeddccbbaa998877665544"}], src=CN, dst=COA, rh2=HOA)
vector("bu_ro_dereg_home", "Deregistration with a correspondent from home: no HAO, lifetime 0, "
       "Nonce Indices (care-of index unused but present) and Binding Authorization Data",
       {"type": "bu", "sequence": 301, "flags": A, "lifetime": 0},
       [{"kind": "nonces", "home": 0xffff, "careof": 0},
        {"kind": "bad", "authenticator": "0102030405060708090a0b0c"}], src=HOA, dst=CN)
vector("ba_ro_expired", "A correspondent's BA refusing both nonce indices (status 138): no "
       "Binding Authorization Data (no Kbm without them), type 2 routing header",
       {"type": "ba", "status": 138, "flags": 0, "sequence": 302, "lifetime": 0},
       src=CN, dst=COA, rh2=HOA)
vector("bu_ro_bra_nonces", "Route-optimised BU with a Binding Refresh Advice before Nonce "
       "Indices: BAD padded to 8n+2 and still last",
       {"type": "bu", "sequence": 303, "flags": A, "lifetime": 105},
       [{"kind": "bra", "interval": 4}, {"kind": "nonces", "home": 9, "careof": 10},
        {"kind": "bad", "authenticator": "a0a1a2a3a4a5a6a7a8a9aaab"}], dst=CN, hao=HOA)
vector("bu_hao_auth", "RFC 4285: BU with HAO, Replay Protection (PadN 4 to 8n+2) and the MN-HA "
       "Authentication option (Pad1 to 4n+1), authenticator a real HMAC-SHA1-96",
       {"type": "bu", "sequence": 9, "flags": A | H, "lifetime": 1000},
       [{"kind": "replay", "timestamp": 0xe7a1b2c3d4e5f607},
        {"kind": "auth", "subtype": 1, "spi": 0x100, "authenticator": "00" * 12}],
       hao=HOA, auth={"care_of": COA, "home": HOA})
vector("ba_rh2_auth", "RFC 4285: BA with RH2, Replay Protection and MN-HA Authentication",
       {"type": "ba", "status": 0, "flags": 0, "sequence": 9, "lifetime": 1000},
       [{"kind": "replay", "timestamp": 0xe7a1b2c3d4e5f607},
        {"kind": "auth", "subtype": 1, "spi": 0x100, "authenticator": "00" * 12}],
       src=HA, dst=COA, rh2=HOA, auth={"care_of": COA, "home": HOA})
vector("ba_auth_failed", "BA status 146 (RFC 4285 authentication failed), MN-AAA subtype, "
       "a 16-byte authenticator",
       {"type": "ba", "status": 146, "flags": 0, "sequence": 10, "lifetime": 0},
       [(None, PadN(optdata=b"\0" * 3)),
        {"kind": "auth", "subtype": 2, "spi": 0xdeadbeef, "authenticator": "5a" * 16}],
       src=HA, dst=COA, rh2=HOA, autopad=False,
       note="RFC 4285 5: the authentication option is the last option, the padding before it")
vector("bu_all_flags", "BU with every flag (A H L K, RFC 5380 M, RFC 3963 R, RFC 5213 P) and "
       "reserved bits set: all preserved",
       {"type": "bu", "sequence": 0x8000, "flags": A | H | L | K | M | R | P | 0x0101, "lifetime": 1},
       hao=HOA)
vector("ba_all_flags", "BA with K, R, P and reserved bits set",
       {"type": "ba", "status": 1, "flags": BA_K | BA_R | BA_P | 0x11, "sequence": 1, "lifetime": 2},
       src=HA, dst=COA, rh2=HOA)
vector("bu_mnp", "RFC 3963 mobile router BU: R flag, Mobile Network Prefix kept as unknown "
       "option 6 (8n+4 alignment)",
       {"type": "bu", "sequence": 77, "flags": A | H | R, "lifetime": 600},
       [mnp("2001:db8:2800::", 48)], hao=HOA)
vector("bu_bid", "BU with a Binding Identifier option (RFC 5648, type 35: BID 1, status 0, "
       "no flags), kept as unknown and encoded without alignment",
       {"type": "bu", "sequence": 78, "flags": A | H, "lifetime": 600},
       [{"kind": "unknown", "type": 35, "data": "00010000"}], hao=HOA)
vector("hoti_unknown_options", "HoTI with unknown options of odd lengths: Pad1/PadN only at "
       "the end",
       {"type": "hoti", "cookie": COOKIE},
       [{"kind": "unknown", "type": 200, "data": "aa"},
        {"kind": "unknown", "type": 201, "data": ""},
        {"kind": "unknown", "type": 202, "data": "bbccdd"}], src=HOA, dst=CN)
vector("hot_bra_nonces", "HoT carrying options (not valid for HoT, kept anyway)",
       {"type": "hot", "nonce_index": 1, "cookie": COOKIE, "token": TOKEN},
       [{"kind": "bra", "interval": 1}, {"kind": "nonces", "home": 1, "careof": 2}],
       src=CN, dst=HOA)
vector("be_options", "Binding Error with an Alternate CoA (8n+6 from offset 24: PadN 4)",
       {"type": "be", "status": 2, "home_address": HOA},
       [{"kind": "altcoa", "address": COA2}], src=HA, dst=COA)
vector("brr_options", "BRR with a Binding Refresh Advice and a PadN-needing Alternate CoA",
       {"type": "brr"},
       [{"kind": "bra", "interval": 0xffff}, {"kind": "altcoa", "address": COA2}],
       src=HA, dst=HOA)

# -- HAO and RH2 together, hop limit ---------------------------------------------------------
vector("bu_rh2_hao", "Both a type 2 routing header and an HAO (routing header first, HAO in "
       "the destination options after it, RFC 6275 6.3); hop limit 255",
       {"type": "bu", "sequence": 5, "flags": A, "lifetime": 60},
       src=COA, dst=COA2, hao=HOA, rh2=CN, hop_limit=255)

# -- decode only: valid encodings xmip would not produce ---------------------------------------
vector("bu_pad1_pad1_altcoa", "Alternate CoA preceded by two Pad1 instead of PadN(0)",
       {"type": "bu", "sequence": 2, "flags": A | H, "lifetime": 150},
       [(None, Pad1()), (None, Pad1()),
        ({"kind": "altcoa", "address": COA2}, MIP6OptAltCoA(acoa=COA2))], hao=HOA,
       autopad=False, build=False,
       note="padding differs: xmip emits PadN(0) for two bytes")
vector("bu_unaligned_altcoa", "Alternate CoA at offset 12, not at 8n+6 (accepted: alignment "
       "is the sender's duty), then PadN(0)",
       {"type": "bu", "sequence": 3, "flags": A | H, "lifetime": 150},
       [({"kind": "altcoa", "address": COA2}, MIP6OptAltCoA(acoa=COA2)),
        (None, PadN(optdata=b""))], hao=HOA, autopad=False, build=False,
       note="xmip aligns the option (PadN before it), so the bytes differ")
vector("ba_extra_padding", "BA padded with an extra 8 bytes (PadN 6 + PadN 4 ... up to 24)",
       {"type": "ba", "status": 0, "flags": 0, "sequence": 4, "lifetime": 4},
       [({"kind": "bra", "interval": 2}, MIP6OptBRAdvice(rinter=2)),
        (None, PadN(optdata=b"\0" * 6))], src=HA, dst=COA, rh2=HOA, autopad=False, build=False,
       note="longer than needed: xmip pads to the next multiple of 8 only")
vector("ba_rh2_processed", "BA whose type 2 routing header has segments left 0: the final "
       "destination is the IPv6 destination (RFC 8200 8.1)",
       {"type": "ba", "status": 0, "flags": 0, "sequence": 5, "lifetime": 5},
       src=HA, dst=HOA, rh2=COA, rh2_segleft=0, build=False,
       note="xmip always sends segments left 1 (tshark warns that it must be 1 on the wire)")
vector("bu_hbh_chain", "Hop-by-hop (Router Alert), destination options before the routing "
       "header, RH2, destination options with HAO, then the MH",
       {"type": "bu", "sequence": 6, "flags": A, "lifetime": 6},
       src=COA, dst=COA2, hao=HOA, rh2=CN, build=False,
       note="xmip never sends hop-by-hop or a second destination options header",
       layers=lambda ip, mh: ip / IPv6ExtHdrHopByHop(options=[RouterAlert(value=0)]) /
       IPv6ExtHdrDestOpt(options=[PadN(optdata=b"\0" * 4)]) /
       IPv6ExtHdrRouting(type=2, addresses=[CN], segleft=1) /
       IPv6ExtHdrDestOpt(options=[HAO(hoa=HOA)]) / mh)
vector("bu_hao_with_other_option", "HAO next to an unknown skippable destination option "
       "(type 0x1e, top bits 00: skip)",
       {"type": "bu", "sequence": 8, "flags": A | H, "lifetime": 8}, hao=HOA, build=False,
       note="xmip's destination options hold only PadN + HAO; checksum computed here, as scapy "
       "looks for the HAO only when it is the sole option",
       layers=lambda ip, mh: ip / IPv6ExtHdrDestOpt(
           autopad=0, options=[PadN(optdata=b"\0" * 2), HAO(hoa=HOA),
                               HBHOptUnknown(otype=0x1e, optdata=b"\x55" * 6)]) / mh,
       manual_checksum=True)


# -- tunnelled: a home agent's message to an away home address other than a BA ----------
# RFC 6275 6.1: no type 2 routing header but in a BA; 10.4.2: what is addressed
# to the home address is tunnelled to the care-of address (RFC 2473 outer
# header, next header 41; traffic class and flow label 0, hop limit 64).
TUNNELLED = []


def tunnelled(name, description, message, outer_src, outer_dst, src, dst, hop_limit=64):
    pkt = raw(IPv6(src=outer_src, dst=outer_dst, hlim=hop_limit) /
              IPv6(src=src, dst=dst, hlim=hop_limit) / scapy_message(message, []))
    assert pkt[6] == 41 and pkt[40 + 6] == 135, name
    mh = pkt[80:]
    want = pseudo_checksum(src, dst, mh)
    if struct.unpack("!H", mh[4:6])[0] != want:
        sys.exit(f"{name}: scapy checksum differs from the pseudo-header rule")
    msg = {"type": MH_TYPES[message["type"]]}
    msg.update({k: v for k, v in message.items() if k != "type"})
    msg["options"] = []
    TUNNELLED.append({"name": name, "description": description, "packet": pkt.hex(),
                      "outer": {"src": outer_src, "dst": outer_dst},
                      "ipv6": {"src": src, "dst": dst, "hop_limit": hop_limit}, "message": msg})


tunnelled("brr_tunnelled", "Binding Refresh Request to an away home address: to the home "
          "address, tunnelled to the care-of address, no routing header",
          {"type": "brr"}, outer_src=HA, outer_dst=COA, src=HA, dst=HOA)

json.dump({"generator": "tests/unit/mh/gen_vectors.py (scapy, independent of xmip)",
           "vectors": VECTORS, "tunnelled": TUNNELLED}, sys.stdout, indent=1)
sys.stdout.write("\n")
