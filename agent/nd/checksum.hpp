// SPDX-License-Identifier: BSD-2-Clause
// The ICMPv6 checksum (RFC 4443 2.3): Internet checksum over the IPv6
// pseudo-header (RFC 8200 8.1: source, destination, upper-layer length,
// next header 58) and the message. A raw ICMPv6 socket computes it on send
// and verifies it on receive; these are for whole packets built by hand
// (e.g. frames handed over by the datapath) and for tests.
#pragma once

#include <netinet/in.h>

#include <cstdint>
#include <span>

namespace xmip::nd {

// The checksum `message` must carry, computed as if its checksum field
// (bytes 2-3) were zero; host byte order. Messages shorter than 4 bytes are
// summed as they are.
uint16_t icmpv6_checksum(const in6_addr& src, const in6_addr& dst, std::span<const uint8_t> message);

// Writes icmpv6_checksum() into bytes 2-3 (no-op below 4 bytes).
void set_icmpv6_checksum(const in6_addr& src, const in6_addr& dst, std::span<uint8_t> message);

// Whether bytes 2-3 hold the right checksum.
bool icmpv6_checksum_valid(const in6_addr& src, const in6_addr& dst, std::span<const uint8_t> message);

}  // namespace xmip::nd
