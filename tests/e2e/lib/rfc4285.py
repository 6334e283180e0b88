# SPDX-License-Identifier: BSD-2-Clause
"""RFC 4285 MN-HA authentication for the scapy test peers (no xmip code):
the authenticator over care-of address | home address | the Mobility Header
up to and including the SPI with the checksum zero, HMAC-SHA1 truncated to
96 bits or HMAC-SHA256 to 128, computed with Python's hmac; NTP timestamps.
"""
import hashlib
import hmac
import ipaddress
import struct
import time

AUTH_OPT, REPLAY_OPT = 9, 10
MAC_LEN = {"hmac-sha1-96": 12, "hmac-sha256-128": 16}
NTP_UNIX = 2208988800


def ntp(t=None) -> int:
    t = time.time() if t is None else t
    secs = int(t)
    return (secs + NTP_UNIX) << 32 | int((t - secs) * (1 << 32))


def ntp_to_unix(ts: int) -> float:
    return (ts >> 32) - NTP_UNIX + (ts & 0xFFFFFFFF) / (1 << 32)


def options(mh: bytes, start: int = 12):
    """(offset, type, body) of each option after a 6-byte BU/BA body."""
    pos = start
    while pos < len(mh):
        t = mh[pos]
        if t == 0:
            pos += 1
            continue
        ln = mh[pos + 1]
        yield pos, t, mh[pos + 2:pos + 2 + ln]
        pos += 2 + ln


def authenticator(algorithm: str, key: bytes, coa: str, hoa: str, mh: bytes) -> bytes:
    at = next(o for o, t, _ in options(mh) if t == AUTH_OPT)
    covered = bytearray(mh[:at + 7])
    covered[4:6] = b"\0\0"
    data = ipaddress.IPv6Address(coa).packed + ipaddress.IPv6Address(hoa).packed + bytes(covered)
    digest = hashlib.sha1 if algorithm == "hmac-sha1-96" else hashlib.sha256
    return hmac.new(key, data, digest).digest()[:MAC_LEN[algorithm]]


def verify(algorithm: str, key: bytes, spi: int, coa: str, hoa: str, mh: bytes) -> bool:
    for o, t, body in options(mh):
        if t == AUTH_OPT and body[0] == 1:
            got = body[5:]
            return struct.unpack("!I", body[1:5])[0] == spi and hmac.compare_digest(
                got, authenticator(algorithm, key, coa, hoa, mh))
    return False


def replay_timestamp(mh: bytes):
    for _, t, body in options(mh):
        if t == REPLAY_OPT and len(body) == 8:
            return struct.unpack("!Q", body)[0]
    return None
