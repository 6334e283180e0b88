#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""A sequence-numbered UDP stream, to count what a tunnel loses.

    udp_stream.py recv --bind ADDR --port P --count N --timeout S [--ready FILE] [--tag T]
                       [--arrivals FILE]
    udp_stream.py send --src ADDR --dst ADDR --port P --count N --rate PPS [--tag T]
    udp_stream.py handoffs --arrivals FILE --moves FILE [--window S]

The receiver prints one JSON line: how many distinct sequence numbers arrived,
how many duplicates, how many arrived out of order, and how many datagrams were
not ours (another tag or garbage). It stops when all N arrived or after
--timeout seconds, whichever comes first: a run is bounded in time whatever
the network does. --ready names a file created once the socket is bound, so the
caller starts the sender only when nothing can be lost to a race.

The sender paces N datagrams at PPS per second from a socket bound to --src
(on the mobile node: the home address, so the tc program tunnels them) and
prints one JSON line with how many it sent.

A long stream across handoffs (the guide's real-time test): both ends stop
on SIGTERM as well, printing their line. With --arrivals the receiver writes
"sequence arrival-time" per distinct datagram (the kernel's receive time,
SO_TIMESTAMPNS, in seconds since the epoch), and `handoffs` reads it with the
moves ("label epoch-seconds" per line, the moment the link went down) and
prints one JSON line per move: the gap in ms between the last datagram that
arrived before the outage and the first after it (the largest silence that
starts in the window from just before the move to the next move), and the
datagrams lost in it (sequence numbers in the gap that never arrived).

Each datagram is MAGIC | tag (8 bytes) | sequence number (4 bytes) | padding:
the tag ties a datagram to one run, so a stray packet is never counted.
Standard library only: it runs with Debian's /usr/bin/python3.
"""
import argparse
import json
import os
import signal
import socket
import struct
import sys
import time

MAGIC = b"XMIPE2E0"
HEADER = struct.Struct("!8s8sI")
# SO_TIMESTAMPNS and its control message (Linux: 35), not in every Python.
SO_TIMESTAMPNS = getattr(socket, "SO_TIMESTAMPNS", 35)
TIMESPEC = struct.Struct("@qq")


class Stop(Exception):
    """SIGTERM: end the stream and report, as at the end of a run."""


def stop_on_term() -> None:
    def handler(_sig, _frame):
        raise Stop()
    signal.signal(signal.SIGTERM, handler)


def tag_bytes(tag: str) -> bytes:
    return tag.encode()[:8].ljust(8, b"\0")


def recv(a) -> int:
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    s.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
    s.bind((a.bind, a.port))
    stop_on_term()
    if a.ready:
        with open(a.ready, "w") as f:
            f.write("ready\n")
    tag = tag_bytes(a.tag)
    seen = set()
    dup = reordered = foreign = 0
    last = -1
    sources = set()
    arrivals = []
    deadline = time.monotonic() + a.timeout
    while len(seen) < a.count:
        left = deadline - time.monotonic()
        if left <= 0:
            break
        s.settimeout(left)
        try:
            data, anc, _flags, peer = s.recvmsg(65535, socket.CMSG_SPACE(TIMESPEC.size))
        except (socket.timeout, Stop):
            break
        stamp = None
        for level, kind, value in anc:
            if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS and len(value) >= TIMESPEC.size:
                sec, nsec = TIMESPEC.unpack_from(value)
                stamp = sec + nsec / 1e9
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
        if a.arrivals:
            arrivals.append((seq, stamp if stamp is not None else time.time()))
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # the report is short: let it finish
    if a.arrivals:
        with open(a.arrivals, "w") as f:
            f.writelines(f"{q} {t:.6f}\n" for q, t in arrivals)
    print(json.dumps({"expected": a.count, "received": len(seen), "duplicates": dup,
                      "reordered": reordered, "foreign": foreign,
                      "sources": sorted(sources)}))
    return 0


def send(a) -> int:
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s.bind((a.src, 0))
    stop_on_term()
    tag = tag_bytes(a.tag)
    pad = b"\xa5" * max(0, a.size - HEADER.size)
    interval = 1.0 / a.rate
    start = time.monotonic()
    sent = errors = 0
    try:
        for seq in range(a.count):
            # Pace against the start time, not the previous packet: a late
            # wake-up is caught up instead of stretching the whole run.
            delay = start + seq * interval - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            try:
                # A move takes the link down for a moment: the datagrams
                # refused meanwhile (ENETDOWN, no route) are counted, and
                # their sequence numbers are lost as they would be on air.
                s.sendto(HEADER.pack(MAGIC, tag, seq) + pad, (a.dst, a.port))
                sent += 1
            except OSError:
                errors += 1
    except Stop:
        pass
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    print(json.dumps({"sent": sent, "send_errors": errors,
                      "seconds": round(time.monotonic() - start, 3)}))
    return 0


def handoffs(a) -> int:
    arrivals = []
    with open(a.arrivals) as f:
        for line in f:
            q, t = line.split()
            arrivals.append((float(t), int(q)))
    arrivals.sort()
    received = {q for _, q in arrivals}
    moves = []
    with open(a.moves) as f:
        for line in f:
            if line.strip():
                label, t = line.split()
                moves.append((label, float(t)))
    # Just before the move: a datagram already on the wire when the port
    # went down may still arrive, and the silence starts there.
    lead = 0.1
    for i, (label, t0) in enumerate(moves):
        end = moves[i + 1][1] if i + 1 < len(moves) else t0 + a.window
        end = min(end, t0 + a.window)
        best = None
        for (ta, qa), (tb, qb) in zip(arrivals, arrivals[1:]):
            if ta < t0 - lead or ta >= end:
                continue
            if best is None or tb - ta > best[1] - best[0]:
                best = (ta, tb, qa, qb)
        row = {"move": label, "resumed": best is not None}
        if best:
            ta, tb, qa, qb = best
            lo, hi = min(qa, qb), max(qa, qb)
            row.update({"gap_ms": round((tb - ta) * 1000, 1), "last_before": qa, "first_after": qb,
                        "lost": sum(1 for q in range(lo + 1, hi) if q not in received),
                        "after_move_ms": round((tb - t0) * 1000, 1)})
        print(json.dumps(row))
    top = max(received) if received else -1
    print(json.dumps({"move": "total", "received": len(received), "highest": top,
                      "lost": top + 1 - len(received)}))
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
    r.add_argument("--arrivals", help="write 'sequence arrival-time' per datagram here")
    h = sub.add_parser("handoffs")
    h.add_argument("--arrivals", required=True)
    h.add_argument("--moves", required=True)
    h.add_argument("--window", type=float, default=15.0, help="seconds after a move to look for its gap")
    t = sub.add_parser("send")
    t.add_argument("--src", required=True)
    t.add_argument("--dst", required=True)
    t.add_argument("--port", type=int, required=True)
    t.add_argument("--count", type=int, required=True)
    t.add_argument("--rate", type=float, required=True)
    t.add_argument("--size", type=int, default=64, help="UDP payload bytes")
    t.add_argument("--tag", default=str(os.getppid()))
    a = p.parse_args()
    return {"recv": recv, "send": send, "handoffs": handoffs}[a.mode](a)


if __name__ == "__main__":
    sys.exit(main())
