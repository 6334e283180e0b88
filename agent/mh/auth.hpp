// SPDX-License-Identifier: BSD-2-Clause
// RFC 4285 (Authentication Protocol for Mobile IPv6), section 5.5: what the
// MN-HA authenticator is computed over. The MAC itself (HMAC-SHA1 truncated
// to 96 bits with the MN-HA shared key) is the caller's:
//
//   Authenticator = First(96, HMAC_SHA1(key, Mobility Data))
//   Mobility Data = care-of address | home address | MH Data
//
// where MH Data is the Mobility Header from its first byte up to and
// including the SPI field of the Authentication option, with the Checksum
// field taken as zero. For a BU the care-of address is the IPv6 source and
// the home address the HAO's; for a BA they are the IPv6 destination and the
// type 2 routing header's address.
//
// Sending: put an Authentication option with a placeholder authenticator of
// the final length (12 zero bytes) last in the message, encode() it, compute
// the MAC over authentication_input(), store it in the option and encode or
// build_packet() again (encoding is deterministic and the input excludes
// the checksum and the authenticator, so the MAC stays valid).
// Receiving: authentication_input() over the received MH bytes
// (PacketInfo::mh_offset/mh_length), compare in constant time.
#pragma once

#include <netinet/in.h>

#include "mh/bytes.hpp"
#include "mh/options.hpp"
#include "mh/result.hpp"

namespace xmip::mh {

// `mh` is one whole, well-formed Mobility Header (as decode() accepts).
// Fails with no_authentication_option when there is no Authentication option
// of `subtype`, and authentication_not_last when anything but another
// authentication option follows it, or when padding ends the message: RFC
// 4285 5 says it MUST be the last option (an MN-AAA option may follow it);
// bytes after the authenticator would not be covered by it.
// encode_options() pads before it.
Result<Bytes> authentication_input(ByteView mh, const in6_addr& care_of_address,
                                   const in6_addr& home_address,
                                   uint8_t subtype = Authentication::mn_ha);

}  // namespace xmip::mh
