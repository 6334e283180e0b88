#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""A mobile node that refreshes its binding every --interval seconds with
authenticated Binding Updates (RFC 4285, Python's hmac: rfc4285.py) from its
care-of address, and counts the Binding Acknowledgements that come back.
Raw AF_PACKET sockets, no scapy: it must keep its pace while the machine is
busy with a flood.

    bu_refresher.py --iface IF --dst-mac MAC --src-mac MAC --coa C --hoa H --ha HA
                    --key HEX --spi N --seq N --lifetime S --count N [--interval S]

Prints one JSON object: sent, acked (BAs with status 0 for a BU sent,
authentic with the key), statuses (every BA status seen), and the BU
sequence numbers that went unanswered.
"""
import argparse
import ipaddress
import json
import select
import socket
import struct
import sys
import time

import mh_wire
import rfc4285


def mac(s):
    return bytes(int(x, 16) for x in s.split(":"))


def bu(a, seq, key):
    body = struct.pack("!HHH", seq, 0xC000, a.lifetime // 4)
    opts = b"\x01\x04\0\0\0\0" + struct.pack("!BBQ", 10, 8, rfc4285.ntp()) + b"\x00"
    opts += struct.pack("!BBBI", 9, 17, 1, a.spi) + b"\0" * 12
    mh = bytearray(struct.pack("!BBBBH", 59, (6 + len(body) + len(opts)) // 8 - 1, 5, 0, 0) + body + opts)
    mh[-12:] = rfc4285.authenticator("hmac-sha1-96", key, a.coa, a.hoa, bytes(mh))
    mh[4:6] = struct.pack("!H", mh_wire.mh_checksum(a.hoa, a.ha, bytes(mh)))
    dstopt = struct.pack("!BB", 135, 2) + b"\x01\x02\0\0" + struct.pack("!BB", 0xC9, 16) + \
        ipaddress.IPv6Address(a.hoa).packed
    payload = dstopt + bytes(mh)
    ip6 = struct.pack("!IHBB", 6 << 28, len(payload), 60, 64) + ipaddress.IPv6Address(a.coa).packed + \
        ipaddress.IPv6Address(a.ha).packed
    return mac(a.dst_mac) + mac(a.src_mac) + b"\x86\xdd" + ip6 + payload


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for opt in ("--iface", "--dst-mac", "--src-mac", "--coa", "--hoa", "--ha", "--key"):
        ap.add_argument(opt, required=True)
    ap.add_argument("--spi", type=int, required=True)
    ap.add_argument("--seq", type=int, required=True)
    ap.add_argument("--lifetime", type=int, default=8)
    ap.add_argument("--count", type=int, default=12)
    ap.add_argument("--interval", type=float, default=1.0)
    a = ap.parse_args()
    key = bytes.fromhex(a.key)

    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x86DD))
    s.bind((a.iface, 0))
    s.setblocking(False)
    pending, statuses, acked = set(), [], 0
    start = time.monotonic()
    for i in range(a.count):
        seq = (a.seq + i) & 0xFFFF
        s.send(bu(a, seq, key))
        pending.add(seq)
        deadline = start + (i + 1) * a.interval
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            r, _, _ = select.select([s], [], [], left)
            if not r:
                continue
            while True:
                try:
                    f = s.recv(4096)
                except BlockingIOError:
                    break
                w = mh_wire.walk(f[14:])
                if w["mh_type"] != 6 or w["dst"] != a.coa or w["src"] != a.ha or not w["checksum_ok"]:
                    continue
                mh = w["mh"]
                status, bseq = mh[6], struct.unpack("!H", mh[8:10])[0]
                if not rfc4285.verify("hmac-sha1-96", key, a.spi, a.coa, w["rh2"] or a.coa, mh):
                    continue
                statuses.append(status)
                if status == 0 and bseq in pending:
                    pending.discard(bseq)
                    acked += 1
    json.dump({"sent": a.count, "acked": acked, "statuses": sorted(set(statuses)),
               "unanswered": sorted(pending)}, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
