#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""Who answers Neighbour Solicitations for some addresses, over time: a
host on a link that solicits each target every --interval seconds and
records every Neighbour Advertisement that comes back. Independent of xmip:
built and dissected by scapy.

    ns_probe.py --iface IF --mac MAC --targets A[,B...] --interval S
                --duration S [--ready FILE]

Each round sends one multicast solicitation per target (to its
solicited-node group, from fe80::<MAC's EUI-64> with a Source Link-Layer
Address option) and waits --interval. Stops after --duration seconds or on
SIGTERM, then prints one JSON object:
  "rounds": solicitations sent per target,
  "answers": [[seconds since the start, target, the NA's source MAC, its
              Target Link-Layer Address, solicited flag], ...] in arrival order,
  "start": the start's epoch time.
--ready names a file created once the sniffer runs (nothing is missed).
Run it where nothing else answers on IF (a namespace with IPv6 off).
"""
import argparse
import ipaddress
import json
import logging
import signal
import sys
import time

logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
from scapy.all import (AsyncSniffer, Ether, ICMPv6ND_NA, ICMPv6ND_NS,  # noqa: E402
                       ICMPv6NDOptDstLLAddr, ICMPv6NDOptSrcLLAddr, IPv6, conf, sendp)


def link_local(mac: str) -> str:
    b = bytes.fromhex(mac.replace(":", ""))
    eui = bytes([b[0] ^ 2]) + b[1:3] + b"\xff\xfe" + b[3:]
    return str(ipaddress.IPv6Address(b"\xfe\x80" + b"\x00" * 6 + eui))


def solicited_node(target: str):
    low24 = int(ipaddress.IPv6Address(target)) & 0xFFFFFF
    group = ipaddress.IPv6Address(int(ipaddress.IPv6Address("ff02::1:ff00:0")) | low24)
    mac = "33:33:" + ":".join(f"{x:02x}" for x in group.packed[12:])
    return str(group), mac


class Stop(Exception):
    pass


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--iface", required=True)
    p.add_argument("--mac", required=True)
    p.add_argument("--targets", required=True)
    p.add_argument("--interval", type=float, default=0.05)
    p.add_argument("--duration", type=float, required=True)
    p.add_argument("--ready")
    a = p.parse_args()
    conf.verb = 0
    targets = [str(ipaddress.IPv6Address(t)) for t in a.targets.split(",")]
    src = link_local(a.mac)
    frames = []
    for t in targets:
        group, gmac = solicited_node(t)
        frames.append(Ether(dst=gmac, src=a.mac) / IPv6(src=src, dst=group, hlim=255)
                      / ICMPv6ND_NS(tgt=t) / ICMPv6NDOptSrcLLAddr(lladdr=a.mac))
    start = time.time()
    answers = []

    def on_packet(pkt):
        if ICMPv6ND_NA not in pkt or pkt[Ether].src.lower() == a.mac.lower():
            return
        na = pkt[ICMPv6ND_NA]
        tgt = str(ipaddress.IPv6Address(na.tgt))
        if tgt not in targets:
            return
        tlla = pkt[ICMPv6NDOptDstLLAddr].lladdr if ICMPv6NDOptDstLLAddr in pkt else None
        answers.append([round(float(pkt.time) - start, 4), tgt, pkt[Ether].src, tlla, int(na.S)])

    sniffer = AsyncSniffer(iface=a.iface, prn=on_packet, store=False, filter="icmp6")
    sniffer.start()
    time.sleep(0.3)  # the capture is open before the first solicitation
    if a.ready:
        open(a.ready, "w").close()

    def on_term(_sig, _frame):
        raise Stop()
    signal.signal(signal.SIGTERM, on_term)
    rounds = 0
    try:
        while time.time() - start < a.duration:
            for f in frames:
                sendp(f, iface=a.iface)
            rounds += 1
            time.sleep(a.interval)
    except Stop:
        pass
    time.sleep(0.2)  # the last answers land
    sniffer.stop()
    print(json.dumps({"rounds": rounds, "answers": answers, "start": start}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
