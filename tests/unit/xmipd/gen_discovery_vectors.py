#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""The ICMPv6 messages the home agent's discovery answers should put on the
wire in ha_discovery_test.cpp, built independently with scapy. The checksum
is 0: the agent leaves it to the kernel (raw ICMPv6 socket). Prints C++
initialisers to paste into the test; run: /usr/bin/python3 THIS"""
from scapy.layers.inet6 import ICMPv6HAADReply, ICMPv6HAADRequest, ICMPv6MPAdv, ICMPv6MPSol, ICMPv6NDOptPrefixInfo


def cxx(name, pkt):
    b = bytes(pkt)
    print(f"// {pkt.summary()}")
    print(f"const std::vector<uint8_t> {name} = {{" + ", ".join(f"0x{x:02x}" for x in b) + "};")


# The MN's request (id 0x1234) and the reply of the home agent 2001:db8:1::1
# (preference 0) that heard 2001:db8:1::2 advertise preference 10.
cxx("kRequest", ICMPv6HAADRequest(id=0x1234, R=0, cksum=0))
cxx("kReply", ICMPv6HAADReply(id=0x1234, R=0, cksum=0, addresses=["2001:db8:1::2", "2001:db8:1::1"]))
# Alone on the link: itself only.
cxx("kReplyAlone", ICMPv6HAADReply(id=0x1234, R=0, cksum=0, addresses=["2001:db8:1::1"]))
# The solicitation (id 0x4321) and the advertisement of the home prefix
# 2001:db8:1::/64 (R: the HA's own address), the RA lifetimes' defaults.
cxx("kSolicitation", ICMPv6MPSol(id=0x4321, cksum=0))
cxx("kAdvertisement",
    ICMPv6MPAdv(id=0x4321, flags=0, cksum=0) /
    ICMPv6NDOptPrefixInfo(prefixlen=64, L=1, A=1, R=1, validlifetime=12000, preferredlifetime=10000,
                          prefix="2001:db8:1::1"))
# Renumbering (RFC 6275 10.6.2): 2001:db8:1::/64 in deprecated_prefixes
# (preferred lifetime 0, still valid), 2001:db8:5::/64 added, preferred.
cxx("kAdvertisementRenumbering",
    ICMPv6MPAdv(id=0x4321, flags=0, cksum=0) /
    ICMPv6NDOptPrefixInfo(prefixlen=64, L=1, A=1, R=1, validlifetime=12000, preferredlifetime=0,
                          prefix="2001:db8:1::1") /
    ICMPv6NDOptPrefixInfo(prefixlen=64, L=1, A=1, R=0, validlifetime=12000, preferredlifetime=10000,
                          prefix="2001:db8:5::"))
