// SPDX-License-Identifier: BSD-2-Clause
// The Mobility Header checksum (RFC 6275 6.1.1): the Internet checksum over
// an IPv6 pseudo-header (source, destination, 32-bit upper-layer length,
// 24 zero bits, next header 135) followed by the whole Mobility Header.
//
// Which addresses go in the pseudo-header is the caller's business (see
// packet.hpp): the home address from a Home Address option replaces the
// source, and the home address of a type 2 routing header with segments left
// replaces the destination.
#pragma once

#include <netinet/in.h>

#include <cstdint>

#include "mh/bytes.hpp"

namespace xmip::mh {

inline constexpr uint8_t kIpprotoMh = 135;

// The value to store in the Checksum field of `mh`, computed as if that field
// were zero (whatever it holds now). `mh` must be at least 6 bytes long.
uint16_t mh_checksum(const in6_addr& src, const in6_addr& dst, ByteView mh);

// True when the checksum stored in `mh` is right for these addresses.
bool mh_checksum_ok(const in6_addr& src, const in6_addr& dst, ByteView mh);

}  // namespace xmip::mh
