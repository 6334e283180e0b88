#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""A correspondent node built with scapy against xmip's mobile node (issue 13,
tests/e2e/mn_route_optimisation_e2e.sh): the mobile node's return routability,
its Binding Update and its route-optimised data, each checked on the wire by
an implementation that is not xmip's. Python's hmac/hashlib compute the
keygen tokens, Kbm and the authenticators (RFC 6275 5.2.5, 6.2.7;
REFERENCE.md 5b); mh_wire.py checks every Mobility Header checksum with the
RFC's pseudo-header.

Runs in the testbed's switch namespace, on two ports:
  --iface  the correspondent's own port on the "internet" bridge (no IPv6 of
           the kernel's on it: only this script sends and answers there)
  --wire   the mobile node's switch port on its visited link: what the mobile
           node really puts on the wire (a HoTI inside IPv6-in-IPv6 to the
           home agent, a CoTI outside it)
A packet that reached the correspondent by way of the home network comes
from the home router's MAC (--mac-home), one that came directly from the
visited link from the access router's (--mac-visit).

The mobile node's traffic is started by running --mn-send PAYLOAD (a command
line whose last argument is the payload: a UDP datagram from the home
address to this correspondent). Steps, each bounded:
  1. a datagram from the home address (through the tunnel): the mobile
     node starts return routability (RFC 6275 11.3.1)
  2. HoTI and CoTI arrive; each checked (where it came from, on the wire
     and here, its bytes); HoT and CoT answered with tokens made from Kcn
  3. the BU: source, Home Address option bytes, flags, lifetime, Nonce
     Indices, Binding Authorization Data verified with Kbm, MH checksum;
     answered with BA status 0 (authenticated, type 2 routing header)
  4. datagrams from the home address again until one arrives directly with
     a Home Address option (at most --data-tries): its bytes, its UDP
     checksum with the home address in the pseudo-header
  5. a UDP datagram to the care-of address with a type 2 routing header
     (for the shell to find at the mobile node's home address socket), and
     an echo request the same way, whose reply must come back directly with
     a Home Address option
Prints one JSON object: the facts, and "problems" (empty when every wire
check held).
"""
import argparse
import hashlib
import hmac
import ipaddress
import json
import os
import queue
import shlex
import struct
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mh_wire  # noqa: E402

from scapy.all import AsyncSniffer, Ether, Raw, conf, sendp  # noqa: E402
from scapy.layers.inet6 import UDP, ICMPv6EchoRequest, IPv6  # noqa: E402

MH_HOTI, MH_COTI, MH_HOT, MH_COT, MH_BU, MH_BA = 1, 2, 3, 4, 5, 6
OPT_PAD1, OPT_PADN, OPT_NONCE_INDICES, OPT_BAD = 0, 1, 4, 5


def a(s):
    return ipaddress.IPv6Address(s).packed


def first(n_bits, data):
    return data[:n_bits // 8]


class Ports:
    """Frames from both ports, in arrival order, with the port's name."""

    def __init__(self, iface, wire, own_mac):
        self.q = queue.Queue()
        self.own_mac = own_mac.lower()
        started = threading.Event()
        self.sniffer = AsyncSniffer(iface=[iface, wire], store=False, filter="ip6",
                                    prn=lambda f: self.q.put((f.sniffed_on, bytes(f))),
                                    started_callback=started.set)
        self.sniffer.start()
        started.wait(10)
        self.iface, self.wire = iface, wire
        self.log = []  # (port, frame) of everything seen, for the wire checks

    def close(self):
        self.sniffer.stop()

    def next(self, until):
        """The next frame (port, bytes) before the monotonic time `until`."""
        while True:
            left = until - time.monotonic()
            if left <= 0:
                return None
            try:
                port, f = self.q.get(timeout=left)
            except queue.Empty:
                return None
            if port == self.iface and f[6:12] == bytes.fromhex(self.own_mac.replace(":", "")):
                continue  # our own transmissions
            self.log.append((port, f))
            return port, f


def mac_str(b):
    return ":".join(f"{x:02x}" for x in b)


def inner(f):
    """IPv6 packet of an Ethernet frame, or None."""
    return f[14:] if len(f) >= 54 and f[12:14] == b"\x86\xdd" else None


def tunnelled(pkt):
    """The inner packet of IPv6-in-IPv6, or None."""
    return pkt[40:] if pkt[6] == 41 and len(pkt) >= 80 else None


def mh_type(pkt):
    w = mh_wire.walk(pkt)
    return w["mh_type"] if w["mh"] is not None else None


def options_of(mh, start):
    """Mobility options of an MH from `start`: [(offset, type, data)]."""
    out, o = [], start
    while o < len(mh):
        t = mh[o]
        if t == OPT_PAD1:
            out.append((o, t, b""))
            o += 1
            continue
        if o + 2 > len(mh):
            break
        ln = mh[o + 1]
        out.append((o, t, mh[o + 2:o + 2 + ln]))
        o += 2 + ln
    return out


def authenticator(kbm, coa, cn, mh):
    """First(96, HMAC_SHA1(Kbm, care-of address | correspondent | MH Data)),
    MH Data with the checksum zero and without the 12 authenticator bytes."""
    m = bytearray(mh)
    m[4:6] = b"\0\0"
    return first(96, hmac.new(kbm, a(coa) + a(cn) + bytes(m[:-12]), hashlib.sha1).digest())


def ipv6(src, dst, nh, payload, hlim=64):
    return struct.pack("!IHBB", 6 << 28, len(payload), nh, hlim) + a(src) + a(dst) + payload


def rh2(nh, hoa):
    return bytes([nh, 2, 2, 1, 0, 0, 0, 0]) + a(hoa)


def hao_header(nh, hoa):
    """The destination options header RFC 6275 6.3 puts the HAO in: PadN(2)
    then the option at 8n+6."""
    return bytes([nh, 2, 1, 2, 0, 0, 0xC9, 16]) + a(hoa)


def upper_checksum_ok(src, dst, nh, upper):
    ph = a(src) + a(dst) + struct.pack("!IxxxB", len(upper), nh)
    return mh_wire.inet_sum(ph + upper) == 0xFFFF


def upper_layer(src, dst, layer):
    """The upper-layer bytes as a stack with src/dst in the pseudo-header makes them."""
    p = bytes(IPv6(src=src, dst=dst) / layer)
    return p[6], p[40:]


class Cn:
    def __init__(self, args):
        self.args = args
        self.kcn = os.urandom(20)
        self.nonces = {7: os.urandom(8), 8: os.urandom(8)}  # index -> nonce
        self.hni, self.coni = 7, 8
        self.ports = Ports(args.iface, args.wire, args.src_mac)
        self.out = {"problems": []}

    def problem(self, what):
        self.out["problems"].append(what)

    def send(self, pkt, dst_mac):
        sendp(Ether(src=self.args.src_mac, dst=dst_mac, type=0x86DD) / Raw(pkt), iface=self.args.iface,
              verbose=False)

    def home_token(self):
        return first(64, hmac.new(self.kcn, a(self.args.hoa) + self.nonces[self.hni] + b"\0", hashlib.sha1).digest())

    def care_of_token(self):
        return first(64, hmac.new(self.kcn, a(self.args.coa) + self.nonces[self.coni] + b"\1",
                                  hashlib.sha1).digest())

    def mn_send(self, payload):
        cmd = shlex.split(self.args.mn_send) + [payload]
        r = subprocess.run(cmd, capture_output=True, timeout=5, check=False)
        if r.returncode != 0:
            self.problem(f"--mn-send {payload}: exit {r.returncode}: {r.stderr.decode(errors='replace')[-200:]}")

    # -- 1, 2: return routability -------------------------------------------------------
    def return_routability(self):
        ar = self.args
        self.mn_send("ro-trigger")
        seen = {}
        until = time.monotonic() + ar.timeout
        while time.monotonic() < until and not ("hoti" in seen and "coti" in seen):
            got = self.ports.next(until)
            if not got:
                break
            port, f = got
            pkt = inner(f)
            if pkt is None:
                continue
            src_mac = mac_str(f[6:12])
            if port == ar.wire:
                continue  # the link: checked at the end (wire_checks)
            # At the correspondent.
            if pkt[24:40] != a(ar.cn):
                continue
            t = mh_type(pkt)
            if t is None and pkt[6] == 17 and pkt[8:24] == a(ar.hoa):
                seen.setdefault("trigger_mac", src_mac)
            if t == MH_HOTI and "hoti" not in seen:
                seen["hoti"] = (pkt, src_mac)
                self.answer_hoti(pkt)
            elif t == MH_COTI and "coti" not in seen:
                seen["coti"] = (pkt, src_mac)
                self.answer_coti(pkt)
        o = self.out
        o["trigger_came_via"] = {ar.mac_home: "home", ar.mac_visit: "visited"}.get(seen.get("trigger_mac"), seen.get(
            "trigger_mac"))
        if "hoti" not in seen or "coti" not in seen:
            self.problem(f"within {ar.timeout} s: HoTI {'hoti' in seen}, CoTI {'coti' in seen}")
            return False
        # HoTI: from the home address, by way of the home network (the HA
        # forwarded it), no extension header, 16-byte MH with checksum right.
        hoti, hoti_mac = seen["hoti"]
        w = mh_wire.walk(hoti)
        o["hoti"] = {"src": w["src"], "came_via": "home" if hoti_mac == ar.mac_home else hoti_mac,
                     "next_header": hoti[6], "mh_len": len(w["mh"]), "checksum_ok": w["checksum_ok"]}
        if w["src"] != ar.hoa or hoti_mac != ar.mac_home or hoti[6] != 135 or len(w["mh"]) != 16 or \
                w["mh"][:4] != bytes([59, 1, MH_HOTI, 0]) or not w["checksum_ok"]:
            self.problem(f"HoTI at the correspondent: {o['hoti']}, MH {w['mh'].hex()}")
        # CoTI: from the care-of address, directly (the access router's MAC
        # here, and not in a tunnel on the link).
        coti, coti_mac = seen["coti"]
        w = mh_wire.walk(coti)
        o["coti"] = {"src": w["src"], "came_via": "visited" if coti_mac == ar.mac_visit else coti_mac,
                     "next_header": coti[6], "mh_len": len(w["mh"]), "checksum_ok": w["checksum_ok"]}
        if w["src"] != ar.coa or coti_mac != ar.mac_visit or coti[6] != 135 or len(w["mh"]) != 16 or \
                w["mh"][:4] != bytes([59, 1, MH_COTI, 0]) or not w["checksum_ok"]:
            self.problem(f"CoTI at the correspondent: {o['coti']}, MH {w['mh'].hex()}")
        self.hoti_mh, self.coti_mh = mh_wire.walk(hoti)["mh"], w["mh"]
        o["hoti_cookie"], o["coti_cookie"] = self.hoti_mh[8:16].hex(), w["mh"][8:16].hex()
        if o["hoti_cookie"] == o["coti_cookie"]:
            self.problem("the HoTI and the CoTI carry the same cookie")
        return True

    def answer_hoti(self, hoti):
        ar = self.args
        cookie = mh_wire.walk(hoti)["mh"][8:16]
        body = struct.pack("!H", self.hni) + cookie + self.home_token()
        self.send(ipv6(ar.cn, ar.hoa, 135, mh_wire.build_mh(MH_HOT, body, ar.cn, ar.hoa)), ar.mac_home)

    def answer_coti(self, coti):
        ar = self.args
        cookie = mh_wire.walk(coti)["mh"][8:16]
        body = struct.pack("!H", self.coni) + cookie + self.care_of_token()
        self.send(ipv6(ar.cn, ar.coa, 135, mh_wire.build_mh(MH_COT, body, ar.cn, ar.coa)), ar.mac_visit)

    # -- 3: the Binding Update ---------------------------------------------------------
    def binding_update(self):
        ar = self.args
        kbm = hashlib.sha1(self.home_token() + self.care_of_token()).digest()
        bu = None
        until = time.monotonic() + ar.timeout
        while time.monotonic() < until and bu is None:
            got = self.ports.next(until)
            if not got:
                break
            port, f = got
            pkt = inner(f)
            if pkt is None or mh_type(pkt) != MH_BU or pkt[24:40] != a(ar.cn):
                continue
            if port == ar.iface:
                bu = (pkt, mac_str(f[6:12]))
        if bu is None:
            self.problem(f"no BU within {ar.timeout} s of the HoT and CoT")
            return False
        pkt, mac = bu
        w = mh_wire.walk(pkt)
        mh = w["mh"]
        seq, flags, life = struct.unpack("!HHH", mh[6:12])
        opts = [o for o in options_of(mh, 12) if o[1] not in (OPT_PAD1, OPT_PADN)]
        ni = next((d for _, t, d in opts if t == OPT_NONCE_INDICES), None)
        bad = [(o, d) for o, t, d in opts if t == OPT_BAD]
        want_auth = authenticator(kbm, ar.coa, ar.cn, mh)
        self.out["bu"] = {
            "src": w["src"], "came_via": "visited" if mac == ar.mac_visit else mac,
            "destination_options": pkt[40:64].hex(), "hao": w["hao"], "sequence": seq,
            "flag_a": bool(flags & 0x8000), "flag_h": bool(flags & 0x4000), "lifetime": life * 4,
            "nonce_indices": list(struct.unpack("!HH", ni)) if ni and len(ni) == 4 else None,
            "bad_last": bool(bad) and opts[-1][1] == OPT_BAD, "bad_offset": bad[0][0] if bad else None,
            "authenticator_ok": bool(bad) and bad[0][1] == want_auth, "checksum_ok": w["checksum_ok"],
        }
        self.bu_mh = mh
        b = self.out["bu"]
        want_dest = hao_header(135, ar.hoa).hex()
        if pkt[6] != 60 or b["destination_options"] != want_dest:
            self.problem(f"BU: destination options {pkt[6]}/{b['destination_options']}, expected 60/{want_dest}")
        if b["src"] != ar.coa or b["came_via"] != "visited":
            self.problem(f"BU: from {b['src']} via {b['came_via']} (expected the CoA, from the visited link)")
        if not b["flag_a"] or b["flag_h"] or b["lifetime"] != 420:
            self.problem(f"BU: A {b['flag_a']}, H {b['flag_h']}, lifetime {b['lifetime']} (A, not H, 420 s)")
        if b["nonce_indices"] != [self.hni, self.coni]:
            self.problem(f"BU: nonce indices {b['nonce_indices']}, expected {[self.hni, self.coni]}")
        if not b["bad_last"] or b["bad_offset"] is None or b["bad_offset"] % 8 != 2 or \
                b["bad_offset"] + 14 != len(mh) or not b["authenticator_ok"]:
            self.problem(f"BU: Binding Authorization Data last at 8n+2 and verified with Kbm: {b}, MH {mh.hex()}")
        if not b["checksum_ok"]:
            self.problem("BU: MH checksum (with the home address) wrong")
        # BA status 0, the lifetime asked, authenticated with the same Kbm;
        # to the care-of address with a type 2 routing header.
        ba = bytearray(struct.pack("!BBBBHBBHH", 59, 3, MH_BA, 0, 0, 0, 0, seq, life) + bytes([OPT_PADN, 4, 0, 0, 0, 0])
                       + bytes([OPT_BAD, 12]) + bytes(12))
        ba[-12:] = authenticator(kbm, ar.coa, ar.cn, bytes(ba))
        ba[4:6] = struct.pack("!H", mh_wire.mh_checksum(ar.cn, ar.hoa, bytes(ba)))
        self.send(ipv6(ar.cn, ar.coa, 43, rh2(135, ar.hoa) + bytes(ba)), ar.mac_visit)
        self.out["ba_sent"] = {"status": 0, "sequence": seq, "lifetime": life * 4}
        return True

    # -- 4, 5: route-optimised data ----------------------------------------------------
    def data(self):
        ar = self.args
        hao_pkt, via_tunnel, tries = None, 0, 0
        while hao_pkt is None and tries < ar.data_tries:
            tries += 1
            payload = f"ro-up-{tries}"
            self.mn_send(payload)
            until = time.monotonic() + 0.5
            while hao_pkt is None:
                got = self.ports.next(until)
                if not got:
                    break
                port, f = got
                pkt = inner(f)
                if pkt is None or port != ar.iface or pkt[24:40] != a(ar.cn):
                    continue
                if pkt[6] == 17 and pkt[8:24] == a(ar.hoa):
                    via_tunnel += 1  # not yet direct (the binding being installed)
                elif pkt[6] == 60 and pkt[8:24] == a(ar.coa):
                    hao_pkt = (pkt, mac_str(f[6:12]), payload)
        self.out["data_up"] = {"tries": tries, "before_direct_via_home": via_tunnel}
        if hao_pkt is None:
            self.problem(f"no datagram with a Home Address option after {tries} sent")
        else:
            pkt, mac, payload = hao_pkt
            udp = pkt[64:]
            d = self.out["data_up"]
            d.update(src=str(ipaddress.IPv6Address(pkt[8:24])), came_via="visited" if mac == ar.mac_visit else mac,
                     destination_options=pkt[40:64].hex(), payload=udp[8:].decode(errors="replace"),
                     udp_checksum_ok_with_hoa=upper_checksum_ok(ar.hoa, ar.cn, 17, udp),
                     payload_length_ok=struct.unpack("!H", pkt[4:6])[0] == 24 + len(udp))
            if d["destination_options"] != hao_header(17, ar.hoa).hex() or d["came_via"] != "visited" or \
                    d["payload"] != payload or not d["udp_checksum_ok_with_hoa"] or not d["payload_length_ok"]:
                self.problem(f"route-optimised datagram: {d}")
        # Down: a datagram and an echo request to the care-of address with
        # a type 2 routing header; checksums made with the home address.
        nh, udp = upper_layer(ar.cn, ar.hoa, UDP(sport=40100, dport=ar.udp_port) / Raw(b"ro-down"))
        self.send(ipv6(ar.cn, ar.coa, 43, rh2(nh, ar.hoa) + udp), ar.mac_visit)
        nh, echo = upper_layer(ar.cn, ar.hoa, ICMPv6EchoRequest(id=0x4242, seq=1) / Raw(b"ro-echo!"))
        self.send(ipv6(ar.cn, ar.coa, 43, rh2(nh, ar.hoa) + echo), ar.mac_visit)
        reply = None
        until = time.monotonic() + 2
        while reply is None:
            got = self.ports.next(until)
            if not got:
                break
            port, f = got
            pkt = inner(f)
            if pkt is None or port != ar.iface or pkt[24:40] != a(ar.cn) or len(pkt) < 72:
                continue
            if pkt[6] == 60 and pkt[40] == 58 and pkt[64] == 129:
                reply = (pkt, mac_str(f[6:12]))
            elif pkt[6] == 58 and pkt[40] == 129:
                reply = (pkt, mac_str(f[6:12]))  # not route-optimised: reported below
        if reply is None:
            self.problem("no echo reply to the echo request sent with a type 2 routing header")
        else:
            pkt, mac = reply
            icmp = pkt[64:] if pkt[6] == 60 else pkt[40:]
            r = {"src": str(ipaddress.IPv6Address(pkt[8:24])), "came_via": "visited" if mac == ar.mac_visit else mac,
                 "hao": mh_wire.walk(pkt)["hao"] if pkt[6] == 60 else None,
                 "checksum_ok_with_hoa": upper_checksum_ok(ar.hoa, ar.cn, 58, icmp), "data": icmp[8:].hex()}
            self.out["echo_reply"] = r
            if r["src"] != ar.coa or r["hao"] != ar.hoa or r["came_via"] != "visited" or \
                    not r["checksum_ok_with_hoa"] or icmp[8:] != b"ro-echo!" or icmp[4:8] != b"\x42\x42\x00\x01":
                self.problem(f"echo reply: {r}")

    def wire_checks(self):
        """What crossed the mobile node's link (its switch port), read once
        everything is over: the HoTI inside IPv6-in-IPv6 care-of address ->
        home agent and never outside it; the CoTI and the BU directly from
        the care-of address, the same messages the correspondent got; after
        the BA, no packet between the home address and this correspondent
        in the tunnel."""
        ar = self.args
        hoti_tunnel, hoti_direct, coti_direct, bu_direct, after_ba, tunnelled_data = [], 0, [], [], False, 0
        for port, f in self.ports.log:
            pkt = inner(f)
            if pkt is None or port != ar.wire:
                continue
            from_mn = mac_str(f[6:12]) == ar.mn_mac
            t = tunnelled(pkt)
            if t is not None:
                if from_mn and mh_type(t) == MH_HOTI and t[24:40] == a(ar.cn):
                    hoti_tunnel.append((pkt[8:24], pkt[24:40], t[8:24], mh_wire.walk(t)["mh"]))
                if after_ba and {t[8:24], t[24:40]} == {a(ar.hoa), a(ar.cn)} and t[6] != 135:
                    tunnelled_data += 1
                continue
            if pkt[24:40] == a(ar.cn) and from_mn:
                mt = mh_type(pkt)
                if mt == MH_HOTI:
                    hoti_direct += 1
                elif mt == MH_COTI:
                    coti_direct.append((pkt[8:24], mh_wire.walk(pkt)["mh"]))
                elif mt == MH_BU:
                    bu_direct.append((pkt[8:24], pkt[6], mh_wire.walk(pkt)["mh"]))
            if pkt[8:24] == a(ar.cn) and mh_type(pkt) == MH_BA:
                after_ba = True
        o = self.out
        first_hoti = hoti_tunnel[0] if hoti_tunnel else None
        o["hoti_on_wire"] = None if not first_hoti else {
            "outer_src": str(ipaddress.IPv6Address(first_hoti[0])),
            "outer_dst": str(ipaddress.IPv6Address(first_hoti[1])),
            "inner_src": str(ipaddress.IPv6Address(first_hoti[2])),
            "same_mh_as_received": first_hoti[3] == getattr(self, "hoti_mh", None), "count": len(hoti_tunnel)}
        if not first_hoti or first_hoti[:3] != (a(ar.coa), a(ar.ha), a(ar.hoa)) or \
                not o["hoti_on_wire"]["same_mh_as_received"]:
            self.problem(f"HoTI on the mobile node's link: not the one received, in IPv6-in-IPv6 CoA -> HA: "
                         f"{o['hoti_on_wire']}")
        if hoti_direct:
            self.problem(f"{hoti_direct} HoTI left the mobile node outside the tunnel")
        o["coti_on_wire"] = {"direct_from_coa": sum(1 for src, _ in coti_direct if src == a(ar.coa)),
                             "same_mh_as_received": bool(coti_direct) and coti_direct[0][1] == getattr(
                                 self, "coti_mh", None)}
        if not coti_direct or coti_direct[0][0] != a(ar.coa) or not o["coti_on_wire"]["same_mh_as_received"]:
            self.problem(f"CoTI on the mobile node's link: not the one received, directly from the CoA: "
                         f"{o['coti_on_wire']}")
        o["bu_on_wire"] = {"direct_from_coa_with_hao": sum(1 for src, nh, _ in bu_direct
                                                           if src == a(ar.coa) and nh == 60),
                           "same_mh_as_received": bool(bu_direct) and bu_direct[0][2] == getattr(self, "bu_mh", None)}
        if not o["bu_on_wire"]["direct_from_coa_with_hao"] or not o["bu_on_wire"]["same_mh_as_received"]:
            self.problem(f"BU on the mobile node's link: {o['bu_on_wire']}")
        o["tunnelled_after_ba"] = tunnelled_data

    def run(self):
        try:
            if self.return_routability() and self.binding_update():
                self.data()
            # Let the last frames (the echo reply on the link) be read.
            until = time.monotonic() + 0.3
            while self.ports.next(until):
                pass
            self.wire_checks()
        finally:
            self.ports.close()
        return self.out


def main():
    ap = argparse.ArgumentParser()
    for opt in ("--iface", "--wire", "--src-mac", "--mac-home", "--mac-visit", "--mn-mac", "--cn", "--hoa", "--coa",
                "--ha", "--mn-send"):
        ap.add_argument(opt, required=True)
    ap.add_argument("--udp-port", type=int, required=True)
    ap.add_argument("--timeout", type=float, default=5.0, help="seconds for each exchange")
    ap.add_argument("--data-tries", type=int, default=10)
    args = ap.parse_args()
    for m in ("src_mac", "mac_home", "mac_visit", "mn_mac"):
        setattr(args, m, getattr(args, m).lower())
    conf.verb = 0
    out = Cn(args).run()
    json.dump(out, sys.stdout, sort_keys=True)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
