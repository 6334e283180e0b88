// SPDX-License-Identifier: BSD-2-Clause
// Encoding and decoding of a Mobility Header (RFC 6275 6.1) on its own.
//
// `src` and `dst` are the pseudo-header addresses for the checksum, which are
// not always the IPv6 header's (RFC 6275 6.1.1): with a Home Address option
// the source is the home address, with a type 2 routing header the
// destination is its home address. packet.hpp applies those rules; use these
// directly when the addresses are already known.
#pragma once

#include <netinet/in.h>

#include "mh/bytes.hpp"
#include "mh/messages.hpp"
#include "mh/result.hpp"

namespace xmip::mh {

inline constexpr uint8_t kIpprotoNone = 59;   // the only valid Payload Proto
inline constexpr size_t kMaxMhLength = 2048;  // (255 + 1) * 8

// The whole Mobility Header: Payload Proto 59, Header Len, MH Type, the body,
// the options with Pad1/PadN for alignment, padding to a multiple of 8, and
// the checksum. Fails only on options that cannot be encoded (an option body
// over 255 bytes, Binding Authorization Data not last, over 2048 bytes).
Result<Bytes> encode(const Message& msg, const in6_addr& src, const in6_addr& dst);

// Decodes exactly one Mobility Header occupying all of `mh`, checking in this
// order: at least 8 bytes (truncated), a multiple of 8, Header Len matching
// the size, the checksum, Payload Proto 59, a known MH Type (unknown_mh_type
// carries the type: answer with Binding Error status 2), the fixed body, then
// the options. Error offsets are from the start of `mh`.
Result<Message> decode(ByteView mh, const in6_addr& src, const in6_addr& dst);

}  // namespace xmip::mh
