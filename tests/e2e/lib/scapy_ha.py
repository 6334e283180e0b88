#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""An independent home agent built with scapy, for testing xmipd's mobile
node. It sits on the mobile node's visited link and also plays the access
router there: the mobile node learns the visited prefix from its Router
Advertisements and routes everything, the home agent address included,
through it. Nothing here uses xmip code: packets are built and dissected by
scapy, MH checksums verified by mh_wire.py.

    scapy_ha.py serve --iface IF --router-ll FE80 --prefix P/64 --ha HA
                      [--ra-interval S] [--timeout S] [--ready FILE]
        Sends a Router Advertisement for the visited prefix (M/O off, the
        prefix on-link and autonomous, router lifetime 1800 s) now and every
        --ra-interval seconds, until a Binding Update addressed to HA
        arrives; answers it at once with a Binding Acknowledgement (status
        0, the BU's sequence, the lifetime it asked for) to the BU's source
        (the care-of address) with a type 2 routing header holding the home
        address from the BU's Home Address option, and exits. Prints one
        JSON object: the BU (hex IPv6 packet, the sender's MAC, its
        dissection) and the BA sent (hex), or "bu": null after --timeout.
        With --key (hex) and --spi the home agent has an RFC 4285 security
        association with the node: the BU's authenticator is checked
        (bu_auth_ok, with Python's hmac: rfc4285.py) and the BA carries the
        BU's timestamp and an MN-HA authenticator; --bad-first sends, 0.3 s
        before that BA, the same one with its authenticator corrupted.

    scapy_ha.py ba --iface IF --dst-mac MAC --ha HA --coa COA --hoa HOA
                   --seq N [--status S] [--lifetime S]
        Sends one Binding Acknowledgement, built the same way (with --key,
        --spi and --timestamp: authenticated); prints it as JSON {"ba": hex}.

Run with Debian's scapy: /usr/bin/python3.
"""
import argparse
import ipaddress
import json
import logging
import pathlib
import sys
import threading
import time

logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
from scapy.all import AsyncSniffer, conf, get_if_hwaddr, sendp  # noqa: E402
from scapy.layers.inet6 import (HAO, ICMPv6ND_RA, ICMPv6NDOptPrefixInfo,  # noqa: E402
                                ICMPv6NDOptSrcLLAddr, IPv6, IPv6ExtHdrDestOpt,
                                IPv6ExtHdrRouting, MIP6MH_BA, MIP6MH_BU)
from scapy.layers.l2 import Ether  # noqa: E402

import mh_wire  # noqa: E402
import rfc4285  # noqa: E402
from scapy.layers.inet6 import MIP6OptMsgAuth, MIP6OptReplayProtection  # noqa: E402
from scapy.packet import Raw  # noqa: E402


def authenticated_ack(a, coa, hoa, seq, status, lifetime, timestamp, corrupt=False):
    """The BA with Replay Protection and MN-HA Authentication (RFC 4285):
    care-of address = its destination, home address = the RH2's."""
    key = bytes.fromhex(a.key)
    opts = [MIP6OptReplayProtection(timestamp=timestamp), MIP6OptMsgAuth(subtype=1, mspi=a.spi, authdata=b"\0" * 12)]
    mh = bytearray(bytes(MIP6MH_BA(status=status, flags=0, seq=seq, mhtime=lifetime // 4, options=opts)))
    mh[-12:] = rfc4285.authenticator("hmac-sha1-96", key, coa, hoa, bytes(mh))
    if corrupt:
        mh[-1] ^= 0x01
    mh[4:6] = b"\0\0"
    mh[4:6] = mh_wire.mh_checksum(a.ha, hoa, bytes(mh)).to_bytes(2, "big")  # RH2: the HoA is the final destination
    return (IPv6(src=a.ha, dst=coa) / IPv6ExtHdrRouting(type=2, segleft=1, addresses=[hoa], nh=mh_wire.IPPROTO_MH) /
            Raw(bytes(mh)))


def binding_ack(ha, coa, hoa, seq, status, lifetime):
    return (IPv6(src=ha, dst=coa) /
            IPv6ExtHdrRouting(type=2, segleft=1, addresses=[hoa]) /
            MIP6MH_BA(status=status, flags=0, seq=seq, mhtime=lifetime // 4))


def router_advertisement(mac, router_ll, prefix):
    net = ipaddress.IPv6Network(prefix)
    return (Ether(src=mac, dst="33:33:00:00:00:01") /
            IPv6(src=router_ll, dst="ff02::1", hlim=255) /
            ICMPv6ND_RA(chlim=64, M=0, O=0, routerlifetime=1800) /
            ICMPv6NDOptSrcLLAddr(lladdr=mac) /
            ICMPv6NDOptPrefixInfo(prefix=str(net.network_address), prefixlen=net.prefixlen,
                                  L=1, A=1, validlifetime=86400, preferredlifetime=14400))


def dissect_bu(raw: bytes) -> dict:
    p = IPv6(raw)
    w = mh_wire.walk(raw)
    bu = p[MIP6MH_BU]
    return {
        "src": p.src,
        "dst": p.dst,
        "hao": p[HAO].hoa if HAO in p else None,  # scapy's view
        "hao_wire": w["hao"],                      # mh_wire's walk of the bytes
        "in_destination_options": IPv6ExtHdrDestOpt in p,
        "sequence": bu.seq,
        "flag_a": bool(bu.flags.A),
        "flag_h": bool(bu.flags.H),
        "lifetime": bu.mhtime * 4,
        "checksum_ok": w["checksum_ok"],
        "walk_error": w["error"],
    }


def serve(a):
    mac = get_if_hwaddr(a.iface)
    ra = router_advertisement(mac, a.router_ll, a.prefix)
    started, answered = threading.Event(), threading.Event()
    result = {"bu": None}

    def on_bu(frame):
        if answered.is_set():
            return
        raw = bytes(frame[IPv6])
        d = dissect_bu(raw)
        hoa = d["hao"] or d["src"]
        if a.key:
            w = mh_wire.walk(raw)
            d["bu_auth_ok"] = rfc4285.verify("hmac-sha1-96", bytes.fromhex(a.key), a.spi, d["src"], hoa, w["mh"])
            d["bu_timestamp"] = rfc4285.replay_timestamp(w["mh"])
            ts = d["bu_timestamp"] or 0
            if a.bad_first:
                bad = authenticated_ack(a, d["src"], hoa, d["sequence"], 0, d["lifetime"], ts, corrupt=True)
                sendp(Ether(src=mac, dst=frame[Ether].src) / bad, iface=a.iface)
                result["bad_ba"] = bytes(bad).hex()
                time.sleep(0.3)
            ba = authenticated_ack(a, d["src"], hoa, d["sequence"], 0, d["lifetime"], ts)
        else:
            ba = binding_ack(a.ha, d["src"], hoa, d["sequence"], 0, d["lifetime"])
        sendp(Ether(src=mac, dst=frame[Ether].src) / ba, iface=a.iface)
        result.update(bu=raw.hex(), bu_mac=frame[Ether].src, bu_dissected=d, ba=bytes(ba).hex(),
                      bu_received_at=float(frame.time), ba_sent_at=time.time())
        answered.set()

    sniffer = AsyncSniffer(iface=a.iface, store=False, prn=on_bu, started_callback=started.set,
                           lfilter=lambda p: IPv6 in p and p[IPv6].dst == a.ha and MIP6MH_BU in p)
    sniffer.start()
    started.wait(3.0)
    if a.ready:
        pathlib.Path(a.ready).touch()
    deadline = time.monotonic() + a.timeout
    ras = 0
    while time.monotonic() < deadline and not answered.is_set():
        sendp(ra, iface=a.iface)
        ras += 1
        answered.wait(min(a.ra_interval, max(0.0, deadline - time.monotonic())))
    if sniffer.running:
        sniffer.stop()
    result["ras_sent"] = ras
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")
    return 0


def send_ba(a):
    if a.key:
        ba = authenticated_ack(a, a.coa, a.hoa, a.seq, a.status, a.lifetime, a.timestamp)
    else:
        ba = binding_ack(a.ha, a.coa, a.hoa, a.seq, a.status, a.lifetime)
    sendp(Ether(dst=a.dst_mac) / ba, iface=a.iface)
    json.dump({"ba": bytes(ba).hex()}, sys.stdout)
    sys.stdout.write("\n")
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="mode", required=True)
    s = sub.add_parser("serve")
    for opt in ("--iface", "--router-ll", "--prefix", "--ha"):
        s.add_argument(opt, required=True)
    s.add_argument("--ra-interval", type=float, default=0.5)
    s.add_argument("--timeout", type=float, default=10.0)
    s.add_argument("--ready", help="touched once the capture runs")
    s.add_argument("--bad-first", action="store_true", help="a BA with a corrupted authenticator first")
    b = sub.add_parser("ba")
    for opt in ("--iface", "--dst-mac", "--ha", "--coa", "--hoa"):
        b.add_argument(opt, required=True)
    b.add_argument("--seq", type=int, required=True)
    b.add_argument("--status", type=int, default=0)
    b.add_argument("--lifetime", type=int, default=600, help="seconds")
    b.add_argument("--timestamp", type=int, default=0, help="Replay Protection value (with --key)")
    for p in (s, b):
        p.add_argument("--key", default="", help="RFC 4285 MN-HA key, hex")
        p.add_argument("--spi", type=int, default=0)
    a = ap.parse_args()
    conf.verb = 0
    return serve(a) if a.mode == "serve" else send_ba(a)


if __name__ == "__main__":
    sys.exit(main())
