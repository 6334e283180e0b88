#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""An independent mobile node built with scapy: sends one Binding Update (with
a Home Address option, from the care-of address) to a home agent and prints
the Binding Acknowledgement it gets back as JSON: {"ba": "<hex IPv6 packet>"},
or {"ba": null} after the timeout. Used to check xmipd's home agent against
an implementation that is not xmip's.

Run with Debian's scapy: /usr/bin/python3 scapy_mn.py --iface m0 ...
"""
import argparse
import json
import sys
import time

from scapy.all import AsyncSniffer, sendp
from scapy.layers.inet6 import HAO, IPv6, IPv6ExtHdrDestOpt, MIP6MH_BA, MIP6MH_BU
from scapy.layers.l2 import Ether


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--iface", required=True)
    ap.add_argument("--dst-mac", required=True, help="the next hop towards the home agent")
    ap.add_argument("--coa", required=True)
    ap.add_argument("--hoa", required=True)
    ap.add_argument("--ha", required=True)
    ap.add_argument("--seq", type=int, required=True)
    ap.add_argument("--lifetime", type=int, default=600, help="seconds")
    ap.add_argument("--timeout", type=float, default=4.0)
    a = ap.parse_args()

    bu = Ether(dst=a.dst_mac) / IPv6(src=a.coa, dst=a.ha) / \
        IPv6ExtHdrDestOpt(options=[HAO(hoa=a.hoa)]) / \
        MIP6MH_BU(seq=a.seq, flags="AH", mhtime=a.lifetime // 4)
    sniffer = AsyncSniffer(iface=a.iface, store=True, count=1, timeout=a.timeout,
                           lfilter=lambda p: MIP6MH_BA in p and p[IPv6].dst == a.coa)
    sniffer.start()
    time.sleep(0.3)  # let the capture socket open before anything can answer
    sendp(bu, iface=a.iface, verbose=False)
    sniffer.join()
    got = sniffer.results
    json.dump({"ba": bytes(got[0][IPv6]).hex() if got else None}, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
