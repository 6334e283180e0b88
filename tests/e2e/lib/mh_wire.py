# SPDX-License-Identifier: BSD-2-Clause
"""Mobility Header bytes on the wire, for the scapy test peers (no xmip code).

scapy builds and dissects Mobility Header messages, but recomputing the
checksum of a dissected packet whose Destination Options hold PadN + a Home
Address option uses the wrong source (docs: /work/shared/REFERENCE.md 7). The
peers therefore walk the header chain and verify the checksum here, with the
RFC 6275 6.1.1 pseudo-header rules written out once more, independently of
agent/mh/: source = the Home Address option's address when present, else the
IPv6 source; destination = the type 2 routing header's address while its
segments left is non-zero, else the IPv6 destination.

Also builds MH messages scapy has no class for (unknown types, truncated
ones) with a correct checksum, so the only fault in them is the intended one.
"""
import ipaddress
import struct

IPPROTO_HOPOPTS, IPPROTO_ROUTING, IPPROTO_DSTOPTS, IPPROTO_MH = 0, 43, 60, 135
HAO_TYPE = 0xC9


def inet_sum(data: bytes) -> int:
    """The 16-bit one's complement sum (not yet complemented)."""
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return s


def pseudo_header(src: bytes, dst: bytes, length: int, nh: int = IPPROTO_MH) -> bytes:
    return src + dst + struct.pack("!IxxxB", length, nh)


def mh_checksum(src: str, dst: str, mh: bytes) -> int:
    """The checksum to put in an MH whose checksum field is zero."""
    ph = pseudo_header(ipaddress.IPv6Address(src).packed, ipaddress.IPv6Address(dst).packed, len(mh))
    c = 0xFFFF - inet_sum(ph + mh)
    return c


def build_mh(mh_type: int, body: bytes, src: str, dst: str, header_len=None) -> bytes:
    """An MH: payload proto 59, Header Len (default: from the body), type,
    reserved, checksum over exactly these bytes, body. header_len may claim
    more than the body holds (a truncated message); the checksum still covers
    what is there, so it verifies."""
    total = 6 + len(body)
    if header_len is None:
        assert total % 8 == 0, "MH length must be a multiple of 8"
        header_len = total // 8 - 1
    mh = struct.pack("!BBBBH", 59, header_len, mh_type, 0, 0) + body
    c = mh_checksum(src, dst, mh)
    return mh[:4] + struct.pack("!H", c) + mh[6:]


def walk(packet: bytes) -> dict:
    """Walks an IPv6 packet to its Mobility Header. Returns src, dst, hao,
    rh2 (address), rh2_segleft, mh (bytes, None if there is no MH),
    mh_type, checksum_ok, and error when something is cut short."""
    out = {"src": None, "dst": None, "hao": None, "rh2": None, "rh2_segleft": None,
           "mh": None, "mh_type": None, "checksum_ok": None, "error": None}
    if len(packet) < 40 or packet[0] >> 4 != 6:
        out["error"] = "not an IPv6 packet"
        return out
    plen = struct.unpack("!H", packet[4:6])[0]
    end = 40 + plen
    if end > len(packet):
        out["error"] = "payload length beyond the packet"
        return out
    src, dst = packet[8:24], packet[24:40]
    out["src"] = str(ipaddress.IPv6Address(src))
    out["dst"] = str(ipaddress.IPv6Address(dst))
    nh, off = packet[6], 40
    for _ in range(8):
        if nh not in (IPPROTO_HOPOPTS, IPPROTO_ROUTING, IPPROTO_DSTOPTS):
            break
        if off + 8 > end:
            out["error"] = "extension header cut short"
            return out
        hlen = (packet[off + 1] + 1) * 8
        if off + hlen > end:
            out["error"] = "extension header cut short"
            return out
        if nh == IPPROTO_ROUTING and packet[off + 2] == 2 and hlen == 24:
            out["rh2"] = str(ipaddress.IPv6Address(packet[off + 8:off + 24]))
            out["rh2_segleft"] = packet[off + 3]
        elif nh in (IPPROTO_HOPOPTS, IPPROTO_DSTOPTS):
            o = off + 2
            while o < off + hlen:
                t = packet[o]
                if t == 0:  # Pad1
                    o += 1
                    continue
                ln = packet[o + 1]
                if t == HAO_TYPE and ln == 16:
                    out["hao"] = str(ipaddress.IPv6Address(packet[o + 2:o + 18]))
                o += 2 + ln
        nh, off = packet[off], off + hlen
    if nh != IPPROTO_MH:
        out["error"] = f"no Mobility Header (next header {nh})"
        return out
    mh = packet[off:end]
    out["mh"] = mh
    if len(mh) < 6:
        out["error"] = "Mobility Header cut short"
        return out
    out["mh_type"] = mh[2]
    csrc = ipaddress.IPv6Address(out["hao"]).packed if out["hao"] else src
    cdst = ipaddress.IPv6Address(out["rh2"]).packed if out["rh2"] and out["rh2_segleft"] else dst
    out["checksum_ok"] = inet_sum(pseudo_header(csrc, cdst, len(mh)) + mh) == 0xFFFF
    return out
