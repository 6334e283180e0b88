#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""Known-answer vectors for return routability (RFC 6275 5.2.5, 6.2.7), made
without xmip: Python's hmac/hashlib compute, scapy builds the packets.

  home keygen token    = First(64, HMAC_SHA1(Kcn, home address | nonce | 0x00))
  care-of keygen token = First(64, HMAC_SHA1(Kcn, care-of address | nonce | 0x01))
  Kbm                  = SHA1(home token | care-of token), or SHA1(home token)
                         for a deregistration
  authenticator        = First(96, HMAC_SHA1(Kbm, care-of address | correspondent |
                         MH without the 12 authenticator bytes, checksum zero))

Each packet vector is a whole IPv6 packet (a BU from the mobile node, a BA
from the correspondent) whose Binding Authorization Data holds the
authenticator computed here; its MH checksum is checked against this file's
own pseudo-header sum. Prints JSON; vectors.json is its output (ctest
rr_vectors_up_to_date). Run with Debian's /usr/bin/python3 (scapy).
"""
import hashlib
import hmac
import json
import socket
import struct
import sys

from scapy.layers.inet6 import (HAO, IPv6, IPv6ExtHdrDestOpt, IPv6ExtHdrRouting, MIP6MH_BA,
                                MIP6MH_BU, MIP6MH_CoT, MIP6MH_CoTI, MIP6MH_HoT, MIP6MH_HoTI,
                                MIP6OptBindingAuthData, MIP6OptNonceIndices)
from scapy.packet import raw
from scapy.utils import checksum

KCN = bytes(range(0x60, 0x60 + 20))
HOME_NONCE = bytes.fromhex("1122334455667788")
CAREOF_NONCE = bytes.fromhex("99aabbccddeeff00")
HOA = "2001:db8:2700::4"
COA = "2001:db8:3::100"
CN = "2001:db8:1::10"


def a(s):
    return socket.inet_pton(socket.AF_INET6, s)


def a_str(b):
    return socket.inet_ntop(socket.AF_INET6, b)


def token(addr, nonce, which):
    return hmac.new(KCN, a(addr) + nonce + bytes([which]), hashlib.sha1).digest()[:8]


def pseudo_checksum(src, dst, mh):
    mh = mh[:4] + b"\0\0" + mh[6:]
    return checksum(a(src) + a(dst) + struct.pack("!I", len(mh)) + b"\0\0\0\x87" + mh)


def mh_of(pkt):
    nh, pos = pkt[6], 40
    while nh != 135:
        nh, pos = pkt[pos], pos + (pkt[pos + 1] + 1) * 8
    return pos


def signed(name, build, kbm, coa, cn, checksum_src, checksum_dst):
    """build(authenticator int) -> scapy packet; BAD is the last option, its 12 bytes last."""
    first = raw(build(0))
    at = mh_of(first)
    mh = bytearray(first[at:])
    mh[4:6] = b"\0\0"
    assert mh[-14] == 5 and mh[-13] == 12, name  # BAD, length 12, ends the MH
    covered = bytes(mh[:-12])
    mac_input = a(coa) + a(cn) + covered
    auth = hmac.new(kbm, mac_input, hashlib.sha1).digest()[:12]
    pkt = raw(build(int.from_bytes(auth, "big")))
    mh = pkt[at:]
    got = struct.unpack("!H", mh[4:6])[0]
    want = pseudo_checksum(checksum_src, checksum_dst, mh)
    if got != want:
        sys.exit(f"{name}: scapy checksum {got:#06x}, pseudo-header rule gives {want:#06x}")
    return {"name": name, "packet": pkt.hex(), "mh_offset": at, "care_of_address": coa,
            "correspondent": cn, "mac_input": mac_input.hex(), "authenticator": auth.hex()}


home = token(HOA, HOME_NONCE, 0)
careof = token(COA, CAREOF_NONCE, 1)
kbm = hashlib.sha1(home + careof).digest()
kbm_dereg = hashlib.sha1(home).digest()


def opts(hni, coni, auth):
    return [MIP6OptNonceIndices(olen=4, hni=hni, coni=coni),
            MIP6OptBindingAuthData(olen=12, authenticator=auth)]


packets = [
    signed("bu_register", lambda auth: IPv6(src=COA, dst=CN, hlim=64) /
           IPv6ExtHdrDestOpt(options=[HAO(hoa=HOA)]) /
           MIP6MH_BU(seq=300, flags=0x8000 >> 9, mhtime=105, options=opts(0x0102, 0x0304, auth)),
           kbm, COA, CN, HOA, CN),
    signed("bu_no_ack", lambda auth: IPv6(src=COA, dst=CN, hlim=64) /
           IPv6ExtHdrDestOpt(options=[HAO(hoa=HOA)]) /
           MIP6MH_BU(seq=301, flags=0, mhtime=0xffff, options=opts(7, 0xfffe, auth)),
           kbm, COA, CN, HOA, CN),
    # Back home: from the home address, no HAO, lifetime 0; the care-of address in the
    # MAC input is the home address (RFC 6275 5.2.6), Kbm from the home token alone.
    signed("bu_dereg_home", lambda auth: IPv6(src=HOA, dst=CN, hlim=64) /
           MIP6MH_BU(seq=302, flags=0x8000 >> 9, mhtime=0, options=opts(0x0102, 0x0304, auth)),
           kbm_dereg, HOA, CN, HOA, CN),
    signed("ba_accepted", lambda auth: IPv6(src=CN, dst=COA, hlim=64) /
           IPv6ExtHdrRouting(type=2, addresses=[HOA], segleft=1) /
           MIP6MH_BA(status=0, seq=300, mhtime=105,
                     options=[MIP6OptBindingAuthData(olen=12, authenticator=auth)]),
           kbm, COA, CN, CN, HOA),
]

# A correspondent's answers, as a correspondent whose Kcn is KCN and whose first nonce
# (index 0) is HOME_NONCE answers them: the HoTI from the home address, the HoT back to it;
# the CoTI from the care-of address, the CoT back (same nonce: one per rotation period).
HOME_COOKIE = bytes.fromhex("0102030405060708")
CAREOF_COOKIE = bytes.fromhex("f0e0d0c0b0a09080")
exchanges = [
    {"name": "home_test",
     "request": raw(IPv6(src=HOA, dst=CN, hlim=64) / MIP6MH_HoTI(cookie=HOME_COOKIE)).hex(),
     "answer": raw(IPv6(src=CN, dst=HOA, hlim=64) /
                   MIP6MH_HoT(index=0, cookie=HOME_COOKIE, token=token(HOA, HOME_NONCE, 0))).hex()},
    {"name": "care_of_test",
     "request": raw(IPv6(src=COA, dst=CN, hlim=64) / MIP6MH_CoTI(cookie=CAREOF_COOKIE)).hex(),
     "answer": raw(IPv6(src=CN, dst=COA, hlim=64) /
                   MIP6MH_CoT(index=0, cookie=CAREOF_COOKIE, token=token(COA, HOME_NONCE, 1))).hex()},
]
for e in exchanges:
    for k in ("request", "answer"):
        pkt = bytes.fromhex(e[k])
        mh = pkt[40:]
        if struct.unpack("!H", mh[4:6])[0] != pseudo_checksum(a_str(pkt[8:24]), a_str(pkt[24:40]), mh):
            sys.exit(f"{e['name']} {k}: scapy checksum differs from the pseudo-header rule")

json.dump({
    "generator": "tests/unit/rr/gen_vectors.py (Python hmac/hashlib, scapy; independent of xmip)",
    "kcn": KCN.hex(),
    "home_address": HOA, "care_of_address": COA, "correspondent": CN,
    "home_nonce": HOME_NONCE.hex(), "care_of_nonce": CAREOF_NONCE.hex(),
    "home_keygen_token": home.hex(), "care_of_keygen_token": careof.hex(),
    "kbm": kbm.hex(), "kbm_deregistration": kbm_dereg.hex(),
    "packets": packets,
    "exchanges": exchanges,
}, sys.stdout, indent=1)
sys.stdout.write("\n")
