#!/usr/bin/python3
"""A sequence-numbered UDP stream, to count what a tunnel loses.

    udp_stream.py recv --bind ADDR --port P --count N --timeout S [--ready FILE] [--tag T]
    udp_stream.py send --src ADDR --dst ADDR --port P --count N --rate PPS [--tag T]

The receiver prints one JSON line: how many distinct sequence numbers arrived,
how many duplicates, how many arrived out of order, and how many datagrams were
not ours (another tag or garbage). It stops when all N arrived or after
--timeout seconds, whichever comes first: a run is bounded in time whatever
the network does. --ready names a file created once the socket is bound, so the
caller starts the sender only when nothing can be lost to a race.

The sender paces N datagrams at PPS per second from a socket bound to --src
(on the mobile node: the home address, so the tc program tunnels them) and
prints one JSON line with how many it sent.

Each datagram is MAGIC | tag (8 bytes) | sequence number (4 bytes) | padding:
the tag ties a datagram to one run, so a stray packet is never counted.
Standard library only: it runs with Debian's /usr/bin/python3.
"""
import argparse
import json
import os
import socket
import struct
import sys
import time

MAGIC = b"XMIPE2E0"
HEADER = struct.Struct("!8s8sI")


def tag_bytes(tag: str) -> bytes:
    return tag.encode()[:8].ljust(8, b"\0")


def recv(a) -> int:
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    s.bind((a.bind, a.port))
    if a.ready:
        with open(a.ready, "w") as f:
            f.write("ready\n")
    tag = tag_bytes(a.tag)
    seen = set()
    dup = reordered = foreign = 0
    last = -1
    sources = set()
    deadline = time.monotonic() + a.timeout
    while len(seen) < a.count:
        left = deadline - time.monotonic()
        if left <= 0:
            break
        s.settimeout(left)
        try:
            data, peer = s.recvfrom(65535)
        except socket.timeout:
            break
        if len(data) < HEADER.size:
            foreign += 1
            continue
        magic, t, seq = HEADER.unpack_from(data)
        if magic != MAGIC or t != tag or seq >= a.count:
            foreign += 1
            continue
        sources.add(peer[0])
        if seq in seen:
            dup += 1
            continue
        if seq < last:
            reordered += 1
        last = max(last, seq)
        seen.add(seq)
    print(json.dumps({"expected": a.count, "received": len(seen), "duplicates": dup,
                      "reordered": reordered, "foreign": foreign,
                      "sources": sorted(sources)}))
    return 0


def send(a) -> int:
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s.bind((a.src, 0))
    tag = tag_bytes(a.tag)
    pad = b"\xa5" * max(0, a.size - HEADER.size)
    interval = 1.0 / a.rate
    start = time.monotonic()
    sent = errors = 0
    for seq in range(a.count):
        # Pace against the start time, not the previous packet: a late
        # wake-up is caught up instead of stretching the whole run.
        delay = start + seq * interval - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        try:
            s.sendto(HEADER.pack(MAGIC, tag, seq) + pad, (a.dst, a.port))
            sent += 1
        except OSError:
            errors += 1
    print(json.dumps({"sent": sent, "send_errors": errors,
                      "seconds": round(time.monotonic() - start, 3)}))
    return 0


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="mode", required=True)
    r = sub.add_parser("recv")
    r.add_argument("--bind", required=True)
    r.add_argument("--port", type=int, required=True)
    r.add_argument("--count", type=int, required=True)
    r.add_argument("--timeout", type=float, required=True)
    r.add_argument("--ready")
    r.add_argument("--tag", default=str(os.getppid()))
    t = sub.add_parser("send")
    t.add_argument("--src", required=True)
    t.add_argument("--dst", required=True)
    t.add_argument("--port", type=int, required=True)
    t.add_argument("--count", type=int, required=True)
    t.add_argument("--rate", type=float, required=True)
    t.add_argument("--size", type=int, default=64, help="UDP payload bytes")
    t.add_argument("--tag", default=str(os.getppid()))
    a = p.parse_args()
    return recv(a) if a.mode == "recv" else send(a)


if __name__ == "__main__":
    sys.exit(main())
