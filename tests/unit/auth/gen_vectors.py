#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
# Known-answer vectors for the RFC 4285 MN-HA authenticator, made without
# xmip: scapy builds the packets, Python's hmac computes the MAC over
#   care-of address | home address | MH up to and including the SPI,
#   checksum field zero (RFC 4285 5.1),
# truncated to 96 bits (HMAC-SHA1, the RFC's) or 128 bits (HMAC-SHA256).
# Prints JSON; vectors.json is this script's output (ctest checks it is
# up to date). Run with Debian's /usr/bin/python3 (scapy).
import hashlib
import hmac
import json
import socket
import struct

from scapy.layers.inet6 import IPv6, IPv6ExtHdrDestOpt, IPv6ExtHdrRouting, HAO, PadN
from scapy.layers.inet6 import MIP6MH_BU, MIP6MH_BA, MIP6OptReplayProtection, MIP6OptMsgAuth, Pad1

HA = "2001:db8:1::2"
HOA = "2001:db8:1::4"
COA = "2001:db8:aa::9"
KEY_SHA1 = bytes(range(0x10, 0x10 + 20))
KEY_SHA256 = bytes(range(0x40, 0x40 + 32))


def a(s):
    return socket.inet_pton(socket.AF_INET6, s)


def mac(alg, key, coa, hoa, mh):
    # The Authentication option: walk the options after the fixed body.
    pos = 6 + 6  # BU and BA fixed bodies are both 6 bytes
    auth_at = None
    while pos < len(mh):
        t = mh[pos]
        if t == 0:
            pos += 1
            continue
        if t == 9:
            auth_at = pos
            break
        pos += 2 + mh[pos + 1]
    assert auth_at is not None
    covered = bytearray(mh[: auth_at + 7])
    covered[4:6] = b"\x00\x00"
    data = a(coa) + a(hoa) + bytes(covered)
    if alg == "hmac-sha1-96":
        return hmac.new(key, data, hashlib.sha1).digest()[:12]
    return hmac.new(key, data, hashlib.sha256).digest()[:16]


def options(auth, spi, ts):
    # Laid out by hand, as RFC 4285 5 asks: the Authentication option (4n+1)
    # is the LAST option, so the padding that rounds the Mobility Header to 8
    # octets goes before it (scapy's automatic padding would put it after).
    # The fixed bodies end at 12: PadN(4) puts Replay Protection at 18 (8n+2),
    # then a 19-byte option (HMAC-SHA1-96) starts at 29 and ends at 48, a
    # 23-byte one (HMAC-SHA256-128) at 33 and ends at 56.
    before_auth = [Pad1()] if len(auth) == 12 else [PadN(optdata=b"\x00" * 3)]
    return ([PadN(optdata=b"\x00" * 4), MIP6OptReplayProtection(timestamp=ts)] + before_auth
            + [MIP6OptMsgAuth(subtype=1, mspi=spi, authdata=auth)])


def bu_packet(auth, spi, ts, seq=7, lifetime=150):
    return (IPv6(src=COA, dst=HA, hlim=64)
            / IPv6ExtHdrDestOpt(options=[PadN(optdata=b"\x00\x00"), HAO(hoa=HOA)])
            / MIP6MH_BU(seq=seq, flags="AH", mhtime=lifetime, options=options(auth, spi, ts)))


def ba_packet(auth, spi, ts, status=0, seq=7, lifetime=150):
    return (IPv6(src=HA, dst=COA, hlim=64)
            / IPv6ExtHdrRouting(type=2, segleft=1, addresses=[HOA])
            / MIP6MH_BA(status=status, seq=seq, mhtime=lifetime, options=options(auth, spi, ts)))


def mh_checksum(src, dst, mh):
    # RFC 6275 6.1.1 by hand: scapy checksums a BU over the IPv6 source (the
    # care-of address) even with a Home Address option, where the home
    # address belongs in the pseudo-header.
    data = bytearray(a(src) + a(dst) + struct.pack("!I", len(mh)) + b"\0\0\0\x87" + mh)
    data[40 + 4:40 + 6] = b"\0\0"
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), bytes(data)))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return struct.pack("!H", ~total & 0xFFFF)


def vector(name, kind, alg, key, spi, ts, **kw):
    n = 12 if alg == "hmac-sha1-96" else 16
    build = bu_packet if kind == "bu" else ba_packet
    raw = bytes(build(b"\x00" * n, spi, ts, **kw))
    mh_at = 40 + 24  # both: one 24-byte extension header
    m = mac(alg, key, COA, HOA, raw[mh_at:])
    raw = bytearray(bytes(build(m, spi, ts, **kw)))
    # Pseudo-header: the home address as source of a BU (HAO), as final
    # destination of a BA (type 2 routing header, segments left 1).
    src, dst = (HOA, HA) if kind == "bu" else (HA, HOA)
    raw[mh_at + 4:mh_at + 6] = mh_checksum(src, dst, bytes(raw[mh_at:]))
    raw = bytes(raw)
    # The Authentication option ends the Mobility Header: nothing after it.
    mh = raw[mh_at:]
    assert (mh[1] + 1) * 8 == len(mh) and mh.endswith(m), name
    return {"name": name, "kind": kind, "algorithm": alg, "key": key.hex(), "spi": spi,
            "timestamp": ts, "care_of_address": COA, "home_address": HOA, "home_agent": HA,
            "authenticator": m.hex(), "packet": raw.hex(), "mh_offset": mh_at}


vectors = [
    vector("bu-hmac-sha1-96", "bu", "hmac-sha1-96", KEY_SHA1, 300, 0xEA0B1C2D00000000),
    vector("bu-hmac-sha256-128", "bu", "hmac-sha256-128", KEY_SHA256, 0x12345678, 0xEA0B1C2D80000000),
    vector("ba-hmac-sha1-96", "ba", "hmac-sha1-96", KEY_SHA1, 300, 0xEA0B1C2D00000000),
    vector("ba-hmac-sha256-128", "ba", "hmac-sha256-128", KEY_SHA256, 0x12345678, 0xEA0B1C2D80000000),
    vector("ba-144-hmac-sha1-96", "ba", "hmac-sha1-96", KEY_SHA1, 300, 0xEA0B1C3000000000, status=144, lifetime=0),
]
print(json.dumps({"vectors": vectors}, indent=1))
