// SPDX-License-Identifier: BSD-2-Clause
// The ICMPv6 Parameter Problem a receiver of a malformed Mobility Header
// SHOULD send (RFC 6275 9.2): code 0 (erroneous header field), the pointer
// at the offending field (Payload Proto not 59, or a Header Len below the
// message type's minimum), as much of the invoking packet as fits the IPv6
// minimum MTU (RFC 4443 3.4, 2.4 c). Sending it is rate-limited by the caller
// (RFC 4443 2.4 f).
#pragma once

#include <netinet/in.h>

#include <optional>

#include "mh/bytes.hpp"
#include "mh/packet.hpp"
#include "mh/result.hpp"

namespace xmip::mh {

inline constexpr uint8_t kIcmpv6ParameterProblem = 4;
inline constexpr uint8_t kErroneousHeaderField = 0;  // code 0

// The pointer (offset from the start of the invoking packet) for an error
// that calls for a Parameter Problem; nullopt for the others (a bad checksum
// is discarded silently, an unknown type gets a Binding Error, ...).
std::optional<uint32_t> parameter_problem_pointer(const Error& e);

// The whole IPv6 packet: from the invoking packet's destination to its source,
// hop limit 64, the ICMPv6 checksum set.
Bytes parameter_problem(const PacketInfo& invoking_info, ByteView invoking, uint32_t pointer);

}  // namespace xmip::mh
