#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""A mobile node built with scapy against xmip's correspondent (issue 13,
tests/e2e/correspondent_e2e.sh): return routability, a signed Binding
Update, route-optimised data both ways, and an attacker's attempts. No xmip
code: Python's hmac/hashlib compute the tokens' use (RFC 6275 5.2.5, 6.2.7),
mh_wire.py checks every Mobility Header checksum with the RFC's pseudo-header.

Runs in the peer namespace: it plays the home agent's tunnel end (the HoTI
leaves from the home address, the HoT comes back to it: the correspondent
routes the home prefix to this peer) and the mobile node at its care-of
address. Prints one JSON object: each step's outcome, for the shell to judge.
"""
import argparse
import hashlib
import hmac
import ipaddress
import json
import os
import queue
import struct
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mh_wire  # noqa: E402

from scapy.all import AsyncSniffer, Ether, Raw, sendp  # noqa: E402
from scapy.layers.inet6 import (HAO, ICMPv6EchoRequest, IPv6, IPv6ExtHdrDestOpt, MIP6MH_BU,  # noqa: E402
                                MIP6MH_CoTI, MIP6MH_HoTI, MIP6OptBindingAuthData, MIP6OptNonceIndices, UDP)

MH_HOT, MH_COT, MH_BA, MH_BE = 3, 4, 6, 7


def a(s):
    return ipaddress.IPv6Address(s).packed


def a_str(b):
    return str(ipaddress.IPv6Address(b))


class Peer:
    def __init__(self, args):
        self.args = args
        self.q = queue.Queue()
        started = threading.Event()
        self.sniffer = AsyncSniffer(iface=args.iface, store=False, filter="ip6",
                                    prn=lambda f: self.q.put(bytes(f)), started_callback=started.set)
        self.sniffer.start()
        started.wait(10)  # the socket is open before anything is sent

    def close(self):
        self.sniffer.stop()

    def send(self, l3: bytes):
        sendp(Ether(src=self.args.src_mac, dst=self.args.dst_mac, type=0x86DD) / Raw(l3), iface=self.args.iface,
              verbose=False)

    def wait(self, match, timeout=1.5):
        """The first frame from the correspondent for which match(walked) is
        true; None after timeout. Frames that do not match are dropped."""
        end = time.time() + timeout
        while time.time() < end:
            try:
                f = self.q.get(timeout=max(0.01, end - time.time()))
            except queue.Empty:
                break
            if len(f) < 54 or f[12:14] != b"\x86\xdd" or f[22:38] != a(self.args.cn):
                continue
            w = mh_wire.walk(f[14:])
            w["raw"] = f[14:]
            w["nh"] = upper_nh(f[14:])
            if match(w):
                return w
        return None

    def wait_mh(self, mh_type, timeout=1.5):
        return self.wait(lambda w: w.get("mh") is not None and w["mh"][2] == mh_type, timeout)


def upper_nh(pkt):
    """The upper-layer protocol behind the extension headers."""
    nh, pos = pkt[6], 40
    while nh in (0, 43, 60) and pos + 2 <= len(pkt):
        nh, pos = pkt[pos], pos + (pkt[pos + 1] + 1) * 8
    return nh


def mh_of(pkt):
    nh, pos = pkt[6], 40
    while nh != 135:
        nh, pos = pkt[pos], pos + (pkt[pos + 1] + 1) * 8
    return pos


def signed_bu(coa, cn, hoa, seq, lifetime, hni, coni, kbm, corrupt=False):
    """A BU from coa with a Home Address option, A set, Nonce Indices and
    Binding Authorization Data (last) made with kbm (6.2.7)."""
    def build(auth):
        return IPv6(src=coa, dst=cn, hlim=64) / IPv6ExtHdrDestOpt(options=[HAO(hoa=hoa)]) / \
            MIP6MH_BU(seq=seq, flags=0x8000 >> 9, mhtime=lifetime // 4,
                      options=[MIP6OptNonceIndices(olen=4, hni=hni, coni=coni),
                               MIP6OptBindingAuthData(olen=12, authenticator=auth)])
    first = bytes(build(0))
    at = mh_of(first)
    mh = bytearray(first[at:])
    mh[4:6] = b"\0\0"
    auth = hmac.new(kbm, a(coa) + a(cn) + bytes(mh[:-12]), hashlib.sha1).digest()[:12]
    if corrupt:
        auth = bytes([auth[0] ^ 0x80]) + auth[1:]
    pkt = bytes(build(int.from_bytes(auth, "big")))
    w = mh_wire.walk(pkt)
    assert w["checksum_ok"], "scapy's BU checksum does not verify with the home address"
    return pkt


def hao_data(coa, cn, hoa, upper):
    """A packet from coa with a Home Address option for hoa: the upper layer
    as the mobile node's stack makes it (checksum with the home address)."""
    ul = bytes(IPv6(src=hoa, dst=cn) / upper)
    nh, body = ul[6], ul[40:]
    dst_opts = bytes([nh, 2, 1, 2, 0, 0, 201, 16]) + a(hoa)
    hdr = struct.pack("!IHBB", 6 << 28, len(dst_opts) + len(body), 60, 64) + a(coa) + a(cn)
    return hdr + dst_opts + body


def ba_of(w):
    """status, sequence, authenticator (None without BAD) of a BA's MH."""
    mh = w["mh"]
    status, seq = mh[6], struct.unpack("!H", mh[8:10])[0]
    auth = mh[-12:] if len(mh) >= 26 and mh[-14] == 5 and mh[-13] == 12 else None
    return status, seq, auth


def ba_verifies(w, kbm, coa, cn):
    mh = bytearray(w["mh"])
    mh[4:6] = b"\0\0"
    want = hmac.new(kbm, a(coa) + a(cn) + bytes(mh[:-12]), hashlib.sha1).digest()[:12]
    return bytes(w["mh"][-12:]) == want


def rr(peer, hoa, coa, cn):
    """Home and care-of tests: (hni, home token, coni, care-of token), or a
    reason string."""
    cookie_h, cookie_c = os.urandom(8), os.urandom(8)
    peer.send(bytes(IPv6(src=hoa, dst=cn, hlim=64) / MIP6MH_HoTI(cookie=cookie_h)))
    hot = peer.wait(lambda w: w.get("mh") is not None and w["mh"][2] == MH_HOT and w["dst"] == hoa)
    if not hot:
        return "no HoT"
    peer.send(bytes(IPv6(src=coa, dst=cn, hlim=64) / MIP6MH_CoTI(cookie=cookie_c)))
    cot = peer.wait(lambda w: w.get("mh") is not None and w["mh"][2] == MH_COT and w["dst"] == coa)
    if not cot:
        return "no CoT"
    h, c = hot["mh"], cot["mh"]
    if h[8:16] != cookie_h or c[8:16] != cookie_c:
        return "cookie not echoed"
    if not (hot["checksum_ok"] and cot["checksum_ok"]):
        return "HoT/CoT checksum"
    return struct.unpack("!H", h[6:8])[0], h[16:24], struct.unpack("!H", c[6:8])[0], c[16:24]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--iface", required=True)
    ap.add_argument("--src-mac", required=True)
    ap.add_argument("--dst-mac", required=True)
    ap.add_argument("--cn", required=True)
    ap.add_argument("--hoa", required=True)
    ap.add_argument("--coa", required=True)
    ap.add_argument("--hoa2", required=True, help="a home address the attacker tries to bind")
    ap.add_argument("--hoa3", required=True, help="a home address nobody bound")
    ap.add_argument("--udp-port", type=int, required=True)
    ap.add_argument("--step", choices=["register", "data", "attacks"], required=True)
    ap.add_argument("--state", required=True, help="JSON file: the tokens and sequence between steps")
    args = ap.parse_args()
    cn, hoa, coa = args.cn, args.hoa, args.coa
    out = {}
    peer = Peer(args)
    try:
        if args.step == "register":
            r = rr(peer, hoa, coa, cn)
            if isinstance(r, str):
                out["error"] = r
            else:
                hni, htok, coni, ctok = r
                kbm = hashlib.sha1(htok + ctok).digest()
                peer.send(signed_bu(coa, cn, hoa, 1000, 400, hni, coni, kbm))
                ba = peer.wait_mh(MH_BA)
                if not ba:
                    out["error"] = "no BA"
                else:
                    status, seq, auth = ba_of(ba)
                    out.update(status=status, seq=seq, lifetime=struct.unpack("!H", ba["mh"][10:12])[0] * 4,
                               rh2=ba.get("rh2"), dst=ba["dst"], checksum_ok=ba["checksum_ok"],
                               authenticated=auth is not None and ba_verifies(ba, kbm, coa, cn))
                json.dump({"hni": hni, "coni": coni, "htok": htok.hex(), "ctok": ctok.hex()},
                          open(args.state, "w"))
        elif args.step == "data":
            # UDP with a Home Address option: the server answers; the
            # answer leaves the correspondent with a type 2 routing header.
            peer.send(hao_data(coa, cn, hoa, UDP(sport=40001, dport=args.udp_port) / Raw(b"ro-hello")))
            w = peer.wait(lambda w: w["dst"] == coa and w.get("nh") == 17)
            out["udp_reply"] = None if not w else {"src": w["src"], "dst": w["dst"], "rh2": w.get("rh2"),
                                                   "rh2_segleft": w.get("rh2_segleft"),
                                                   "payload": w["raw"][-8:].decode(errors="replace")}
            peer.send(hao_data(coa, cn, hoa, ICMPv6EchoRequest(id=77, seq=1) / Raw(b"ro-ping!")))
            w = peer.wait(lambda w: w["dst"] == coa and w.get("nh") == 58)
            out["echo_reply"] = None if not w else {"src": w["src"], "dst": w["dst"], "rh2": w.get("rh2")}
        else:
            st = json.load(open(args.state))
            htok, ctok = bytes.fromhex(st["htok"]), bytes.fromhex(st["ctok"])
            kbm = hashlib.sha1(htok + ctok).digest()
            # 4a. the attacker's BU for another home address, with nonces it
            # was given for this one and a made-up authenticator: discarded.
            peer.send(signed_bu(coa, cn, args.hoa2, 1, 400, st["hni"], st["coni"], kbm, corrupt=True))
            ba = peer.wait_mh(MH_BA, 1.0)
            out["wrong_auth_ba"] = ba_of(ba)[0] if ba else None
            # 4b. nonce indices the correspondent never issued (or long expired).
            unknown = (st["hni"] + 1000) % 65536
            expired = {}
            for name, hni, coni in [("home", unknown, st["coni"]), ("care_of", st["hni"], unknown),
                                    ("both", unknown, unknown)]:
                peer.send(signed_bu(coa, cn, hoa, 1100, 400, hni, coni, kbm))
                ba = peer.wait_mh(MH_BA)
                expired[name] = ba_of(ba)[0] if ba else None
            out["expired_nonce_status"] = expired
            # 4c. a Home Address option nobody bound: Binding Error 1, dropped.
            peer.send(hao_data(coa, cn, args.hoa3, UDP(sport=40002, dport=args.udp_port) / Raw(b"unbound!")))
            be = peer.wait_mh(MH_BE)
            out["unbound_be"] = None if not be else {"status": be["mh"][6], "home_address": a_str(be["mh"][8:24]),
                                                     "dst": be["dst"], "checksum_ok": be["checksum_ok"]}
            # 4d. the registration BU again (its sequence is not newer): 135.
            peer.send(signed_bu(coa, cn, hoa, 1000, 400, st["hni"], st["coni"], kbm))
            ba = peer.wait_mh(MH_BA)
            out["replay"] = None if not ba else {"status": ba_of(ba)[0], "seq": ba_of(ba)[1],
                                                 "authenticated": ba_verifies(ba, kbm, coa, cn)}
    finally:
        peer.close()
    json.dump(out, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
