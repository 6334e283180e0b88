#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""Writes the fuzzers' seed corpora (tests/fuzz/corpus/<target>/) from the
test vectors and example configurations already in the repository, so the
seeds stay what the unit tests check. Run from anywhere; rewrites the
corpus directories it owns. The result is committed (small files).

  mh_decode   32 bytes of pseudo-header addresses (source, destination) then
              one Mobility Header, from tests/unit/mh/vectors.json
  mh_packet   whole IPv6 packets, from tests/unit/mh/vectors.json
  nd_decode   ICMPv6 messages, from tests/unit/nd/vectors.json
  config_toml, config_legacy   configs/ and tests/unit/config/data/
"""
import ipaddress
import json
import pathlib
import shutil

ROOT = pathlib.Path(__file__).resolve().parents[2]
OUT = ROOT / "tests/fuzz/corpus"


def reset(target):
    d = OUT / target
    if d.exists():
        shutil.rmtree(d)
    d.mkdir(parents=True)
    return d


def main():
    mh = json.loads((ROOT / "tests/unit/mh/vectors.json").read_text())["vectors"]
    decode_dir, packet_dir = reset("mh_decode"), reset("mh_packet")
    for v in mh:
        packet = bytes.fromhex(v["packet"])
        (packet_dir / v["name"]).write_bytes(packet)
        ip = v["ipv6"]
        if ip.get("mh_length"):
            addrs = (ipaddress.IPv6Address(ip["checksum_src"]).packed
                     + ipaddress.IPv6Address(ip["checksum_dst"]).packed)
            start = ip["mh_offset"]
            (decode_dir / v["name"]).write_bytes(addrs + packet[start:start + ip["mh_length"]])

    nd = json.loads((ROOT / "tests/unit/nd/vectors.json").read_text())["vectors"]
    nd_dir = reset("nd_decode")
    for v in nd:
        (nd_dir / v["name"]).write_bytes(bytes.fromhex(v["hex"]))

    toml_dir, legacy_dir = reset("config_toml"), reset("config_legacy")
    for f in sorted((ROOT / "configs").glob("*.toml")):
        shutil.copy(f, toml_dir / f.name)
    for f in sorted(list((ROOT / "configs").glob("network-mip6.conf.*"))
                    + list((ROOT / "tests/unit/config/data").glob("network-mip6.conf.*"))):
        shutil.copy(f, legacy_dir / (f.parent.name + "_" + f.name))


if __name__ == "__main__":
    main()
