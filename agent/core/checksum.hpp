// SPDX-License-Identifier: BSD-2-Clause
// The Internet checksum of an upper-layer message over the IPv6 pseudo-header
// (RFC 8200 8.1): one implementation for ICMPv6 and the Mobility Header.
#pragma once

#include <netinet/in.h>

#include <cstdint>
#include <span>

namespace xmip::core {

// The checksum to store at `checksum_offset` of `upper` (the two bytes
// there are treated as zero, whatever they hold).
uint16_t pseudo_header_checksum(const in6_addr& src, const in6_addr& dst, uint8_t next_header,
                                std::span<const uint8_t> upper, size_t checksum_offset);
// Whether `upper`, checksum included, sums to all ones.
bool pseudo_header_checksum_ok(const in6_addr& src, const in6_addr& dst, uint8_t next_header,
                               std::span<const uint8_t> upper);

}  // namespace xmip::core
