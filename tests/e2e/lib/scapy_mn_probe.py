#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""A scapy mobile node away from home that sends one Mobility Header packet
to a home agent and reports what comes back. Independent of xmip: packets are
built by scapy (or byte by byte in mh_wire.py), answers are dissected by scapy
and their MH checksum verified by mh_wire.py.

    scapy_mn_probe.py --iface IF --dst-mac MAC --coa A --hoa H --ha HA \
                      --kind KIND [--seq N] [--lifetime S] [--timeout S]

Kinds (every one from the care-of address, with a Home Address option):
  bu            Binding Update, flags A|H, --seq, --lifetime (seconds); with
                --key (hex) and --spi it carries RFC 4285's Replay Protection
                (the NTP time, shifted by --time-offset seconds) and MN-HA
                Authentication options (--no-replay leaves the first out)
  resend        the IPv6 packet --packet (hex) exactly as given (a replay)
  bad-checksum  the same BU with its MH checksum corrupted (xor 0x5a5a)
  truncated     a BU whose Header Len claims 16 bytes but only the first 8
                (up to the sequence number) are there; IPv6 payload length
                and MH checksum agree with what is sent: the only fault is
                the missing flags and lifetime
  unknown-type  an MH of type 50 (none is defined), 8 bytes, valid checksum

Prints one JSON object: "sent" (hex IPv6 packet), "reply" (hex IPv6 packet
of the first Mobility Header packet from the HA to the CoA, or null after
--timeout), "elapsed_s" (send to reply), and "dissected": the reply as scapy
and mh_wire see it (mh_type, status, sequence, lifetime, rh2, hao, be_home_address,
checksum_ok; with --verify-key also auth_ok: the BA's authenticator
verifies with that key and --verify-spi, and ba_timestamp: its Replay
Protection value).
"""
import argparse
import json
import logging
import struct
import sys
import threading
import time

logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
from scapy.all import AsyncSniffer, conf, sendp  # noqa: E402
from scapy.layers.inet6 import (HAO, IPv6, IPv6ExtHdrDestOpt, IPv6ExtHdrRouting,  # noqa: E402
                                MIP6MH_BA, MIP6MH_BE, MIP6MH_BU, _MobilityHeader)
from scapy.layers.l2 import Ether  # noqa: E402
from scapy.packet import Raw  # noqa: E402

import mh_wire  # noqa: E402
import rfc4285  # noqa: E402
from scapy.layers.inet6 import MIP6OptMsgAuth, MIP6OptReplayProtection  # noqa: E402


def mobility_layer(p):
    layer = p[IPv6].payload if IPv6 in p else None
    while layer is not None and layer.name != "NoPayload":
        if isinstance(layer, _MobilityHeader):
            return layer
        layer = layer.payload
    return None


def build(a):
    envelope = IPv6(src=a.coa, dst=a.ha) / IPv6ExtHdrDestOpt(options=[HAO(hoa=a.hoa)])
    if a.kind == "resend":
        return IPv6(bytes.fromhex(a.packet))
    if a.kind == "bu" and a.key:
        opts = [] if a.no_replay else [MIP6OptReplayProtection(timestamp=rfc4285.ntp(time.time() + a.time_offset))]
        n = rfc4285.MAC_LEN[a.algorithm]
        opts.append(MIP6OptMsgAuth(subtype=1, mspi=a.spi, authdata=b"\0" * n))
        bu = MIP6MH_BU(seq=a.seq, flags=a.flags, mhtime=a.lifetime // 4, options=opts)
        mh = bytes(bu)
        opts[-1].authdata = rfc4285.authenticator(a.algorithm, bytes.fromhex(a.key), a.coa, a.hoa, mh)
        bu = MIP6MH_BU(seq=a.seq, flags=a.flags, mhtime=a.lifetime // 4, options=opts)
        # The checksum by hand: scapy's uses the care-of address, not the HAO's.
        mh = bytearray(bytes(bu))
        mh[4:6] = b"\0\0"
        mh[4:6] = struct.pack("!H", mh_wire.mh_checksum(a.hoa, a.ha, bytes(mh)))
        envelope[IPv6ExtHdrDestOpt].nh = mh_wire.IPPROTO_MH
        return envelope / Raw(bytes(mh))
    if a.kind in ("bu", "bad-checksum"):
        pkt = envelope / MIP6MH_BU(seq=a.seq, flags=a.flags, mhtime=a.lifetime // 4)
        if a.kind == "bad-checksum":
            good = IPv6(bytes(pkt))[MIP6MH_BU].cksum
            pkt[MIP6MH_BU].cksum = good ^ 0x5A5A
        return pkt
    if a.kind == "truncated":
        # Header Len 1 (16 bytes) but 8 present: common part + sequence.
        mh = mh_wire.build_mh(5, struct.pack("!H", a.seq), a.hoa, a.ha, header_len=1)
    else:  # unknown-type
        mh = mh_wire.build_mh(50, b"\0\0", a.hoa, a.ha)
    envelope[IPv6ExtHdrDestOpt].nh = mh_wire.IPPROTO_MH
    return envelope / Raw(mh)


def dissect(raw: bytes, a) -> dict:
    p = IPv6(raw)
    w = mh_wire.walk(raw)
    d = {"src": p.src, "dst": p.dst, "hao": w["hao"], "rh2": None, "rh2_segleft": None,
         "mh_type": None, "checksum_ok": w["checksum_ok"]}
    if IPv6ExtHdrRouting in p and p[IPv6ExtHdrRouting].type == 2:
        r = p[IPv6ExtHdrRouting]
        d["rh2"] = r.addresses[0] if r.addresses else None
        d["rh2_segleft"] = r.segleft
    mh = mobility_layer(p)
    if mh is not None:
        d["mh_type"] = mh.mhtype
    if MIP6MH_BA in p:
        ba = p[MIP6MH_BA]
        d.update(status=ba.status, sequence=ba.seq, lifetime=ba.mhtime * 4)
    if MIP6MH_BE in p:
        be = p[MIP6MH_BE]
        d.update(status=be.status, be_home_address=be.ha)
    if a.verify_key and w["mh"] is not None and d["mh_type"] == 6:
        # A BA's care-of address is its destination, its home address the RH2's.
        hoa = d["rh2"] or d["dst"]
        d["auth_ok"] = rfc4285.verify(a.algorithm, bytes.fromhex(a.verify_key), a.verify_spi, d["dst"], hoa,
                                      w["mh"])
        d["ba_timestamp"] = rfc4285.replay_timestamp(w["mh"])
    return d


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for opt in ("--iface", "--dst-mac", "--coa", "--hoa", "--ha"):
        ap.add_argument(opt, required=True)
    ap.add_argument("--kind", required=True, choices=["bu", "bad-checksum", "truncated", "unknown-type", "resend"])
    ap.add_argument("--key", default="", help="RFC 4285 MN-HA key, hex")
    ap.add_argument("--spi", type=int, default=0)
    ap.add_argument("--algorithm", default="hmac-sha1-96", choices=sorted(rfc4285.MAC_LEN))
    ap.add_argument("--time-offset", type=float, default=0.0, help="seconds added to the timestamp")
    ap.add_argument("--no-replay", action="store_true", help="no Replay Protection option")
    ap.add_argument("--verify-key", default="", help="check the BA's authenticator with this key (hex)")
    ap.add_argument("--verify-spi", type=int, default=0)
    ap.add_argument("--packet", default="", help="for --kind resend: the IPv6 packet, hex")
    ap.add_argument("--seq", type=int, default=0)
    ap.add_argument("--flags", default="AH", help="the BU's flags, scapy letters (L: link-local compatibility)")
    ap.add_argument("--lifetime", type=int, default=600, help="seconds")
    ap.add_argument("--timeout", type=float, default=3.0, help="how long to wait for an answer")
    a = ap.parse_args()
    conf.verb = 0

    pkt = build(a)
    started, answered, got = threading.Event(), threading.Event(), []

    def keep(p):
        got.append(p)
        answered.set()

    sniffer = AsyncSniffer(iface=a.iface, store=False, count=1, prn=keep,
                           started_callback=started.set,
                           lfilter=lambda p: IPv6 in p and p[IPv6].dst == a.coa and
                           p[IPv6].src == a.ha and mobility_layer(p) is not None)
    sniffer.start()
    started.wait(3.0)
    sent_at = time.time()
    sendp(Ether(dst=a.dst_mac) / pkt, iface=a.iface)
    answered.wait(a.timeout)
    if sniffer.running:
        sniffer.stop()
    reply = bytes(got[0][IPv6]) if got else None
    out = {"kind": a.kind, "sent": bytes(pkt).hex(), "reply": reply.hex() if reply else None,
           "elapsed_s": round(float(got[0].time) - sent_at, 3) if got else None,
           "sent_at": sent_at, "dissected": dissect(reply, a) if reply else None}
    json.dump(out, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
