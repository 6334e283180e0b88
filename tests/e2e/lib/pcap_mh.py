#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""Pull every Mobility Header packet out of pcap files, as hex IPv6 packets.

    pcap_mh.py [--labels FILE] CAPTURE.pcap...

Prints one line per IPv6 packet whose header chain (hop-by-hop, routing,
destination options) leads to a Mobility Header (next header 135), or
IPv6-in-IPv6 whose inner packet does (then the inner packet): the IPv6
packet from its first byte, in hex, as `xmip-mh-inspect` reads it. With
--labels, FILE gets one line per packet too, in the same order:
"CAPTURE frame-number", to say where a packet that fails came from.

Reads classic pcap (what `tcpdump -w` writes), Ethernet link type, either
byte order, micro- or nanosecond timestamps. Standard library only.
"""
import argparse
import os
import struct
import sys

ETH_P_IPV6 = 0x86DD
EXT_HEADERS = (0, 43, 60)  # hop-by-hop, routing, destination options
IPPROTO_MH = 135
IPPROTO_IPV6 = 41  # IPv6-in-IPv6


def frames(path):
    with open(path, "rb") as f:
        head = f.read(24)
        if len(head) < 24:
            return
        magic = head[:4]
        if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
            endian = "<"
        elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
            endian = ">"
        else:
            raise ValueError(f"{path}: not a classic pcap file (pcapng?)")
        linktype = struct.unpack(endian + "I", head[20:24])[0]
        if linktype != 1:
            raise ValueError(f"{path}: link type {linktype}, only Ethernet (1) is read")
        rec = struct.Struct(endian + "IIII")
        n = 0
        while True:
            h = f.read(rec.size)
            if len(h) < rec.size:
                return
            _, _, caplen, _ = rec.unpack(h)
            data = f.read(caplen)
            n += 1
            yield n, data


def mobility_packet(frame):
    """The IPv6 packet of an Ethernet frame if it carries a Mobility Header."""
    if len(frame) < 14 + 40:
        return None
    if struct.unpack("!H", frame[12:14])[0] != ETH_P_IPV6:
        return None
    ip = frame[14:]
    if ip[0] >> 4 != 6:
        return None
    plen = struct.unpack("!H", ip[4:6])[0]
    ip = ip[: 40 + plen]
    nh, off = ip[6], 40
    if nh == IPPROTO_IPV6:
        return mobility_packet(frame[:14] + ip[40:])  # a tunnelled HoTI / HoT: the inner packet
    for _ in range(8):
        if nh == IPPROTO_MH:
            return ip
        if nh not in EXT_HEADERS or off + 2 > len(ip):
            return None
        nh, off = ip[off], off + (ip[off + 1] + 1) * 8
    return None


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--labels")
    p.add_argument("captures", nargs="+")
    a = p.parse_args()
    labels = open(a.labels, "w") if a.labels else None
    for path in a.captures:
        for n, frame in frames(path):
            pkt = mobility_packet(frame)
            if pkt is None:
                continue
            print(pkt.hex())
            if labels:
                labels.write(f"{os.path.basename(path)} frame {n}\n")
    if labels:
        labels.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
