// SPDX-License-Identifier: BSD-2-Clause
// Frames the benchmarks send: Ethernet, IPv6/UDP with a correct checksum,
// IPv6-in-IPv6. Shared by xmip-bench-datapath, xmip-trafficgen and
// xmip-bench-forward so that every tool measures the same bytes.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "xmip_shared.h"

namespace xmip::bench {

using Bytes = std::vector<uint8_t>;

std::array<uint8_t, 6> mac(const std::string& text);  // "02:00:..."; throws on junk
void put16(Bytes& f, size_t off, uint16_t v);

Bytes ipv6_header(const xmip_in6& src, const xmip_in6& dst, uint8_t nexthdr, uint16_t payload_len,
                  uint8_t hop_limit, uint32_t flow);
// An IPv6/UDP packet (no Ethernet header) with a correct UDP checksum.
Bytes udp6(const xmip_in6& src, const xmip_in6& dst, size_t payload, uint16_t sport = 40000,
           uint16_t dport = 5001);
// The UDP checksum of the IPv6/UDP packet at ip6_off of f (the packet as it
// is, checksum field taken as zero), as it goes on the wire.
uint16_t udp6_checksum(const Bytes& f, size_t ip6_off);
Bytes ether(const std::string& dst, const std::string& src, const Bytes& ip6);
Bytes tunnelled(const xmip_in6& src, const xmip_in6& dst, const Bytes& inner);
// VXLAN over IPv6 (RFC 7348): IPv6/UDP to port 4789 with a zero UDP
// checksum (RFC 6935; the receiving device needs udp6zerocsumrx), the
// 8-byte VXLAN header with `vni`, then `inner_frame` (an Ethernet frame).
Bytes vxlan6(const xmip_in6& src, const xmip_in6& dst, uint32_t vni, const Bytes& inner_frame,
             uint16_t sport = 49152);

// Home address i: the 8-byte prefix, then splitmix64(i) as interface
// identifier (a bijection: distinct i, distinct addresses).
xmip_in6 home_address(const uint8_t prefix[8], uint64_t i);

}  // namespace xmip::bench
