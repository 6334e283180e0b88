#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""Send one hand-built IPv6-in-IPv6 packet onto a link, as an attacker would.

    send_tunnelled.py --iface IF --dst-mac MAC --outer-src A --outer-dst B \
                      --inner-src C --inner-dst D --port P --tag T

The frame is built whole with scapy (independent of xmip): Ethernet to
--dst-mac (given explicitly: scapy must not guess a next hop), an outer IPv6
header with next header 41, and an inner IPv6/UDP datagram in the format
udp_stream.py counts (sequence number 0 of a one-datagram run tagged T), so
whether it came out of the tunnel can be counted at the far end.
"""
import argparse
import logging
import struct
import sys

logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
from scapy.all import conf, sendp  # noqa: E402
from scapy.layers.inet6 import IPv6, UDP  # noqa: E402
from scapy.layers.l2 import Ether  # noqa: E402

MAGIC = b"XMIPE2E0"


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for opt in ("--iface", "--dst-mac", "--outer-src", "--outer-dst", "--inner-src",
                "--inner-dst", "--tag"):
        p.add_argument(opt, required=True)
    p.add_argument("--port", type=int, required=True)
    a = p.parse_args()
    conf.verb = 0
    payload = MAGIC + a.tag.encode()[:8].ljust(8, b"\0") + struct.pack("!I", 0) + b"\xa5" * 16
    frame = (Ether(dst=a.dst_mac) /
             IPv6(src=a.outer_src, dst=a.outer_dst, nh=41, hlim=64) /
             IPv6(src=a.inner_src, dst=a.inner_dst, hlim=64) /
             UDP(sport=40000, dport=a.port) / payload)
    sendp(frame, iface=a.iface)
    return 0


if __name__ == "__main__":
    sys.exit(main())
