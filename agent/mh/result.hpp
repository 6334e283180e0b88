// SPDX-License-Identifier: BSD-2-Clause
// Errors of the Mobility Header codec, and its Result<T>.
//
// Everything here parses bytes from the network, so bad input is an ordinary
// outcome, not an exception: every parse and encode returns Result<T>
// (core::Result with this codec's Error), which holds either the value or an
// Error saying exactly what was wrong and where.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/result.hpp"

namespace xmip::mh {

enum class Errc : uint8_t {
    // Mobility Header (RFC 6275 6.1, 9.2)
    truncated,                   // fewer than 8 bytes, or a field runs past the data
    length_not_multiple_of_8,    // the MH's data length is not a multiple of 8
    header_length_mismatch,      // Header Len says (n+1)*8 bytes, the data holds another amount
    bad_payload_proto,           // Payload Proto != 59 (RFC: ICMP Parameter Problem, code 0)
    bad_checksum,                // silently discard
    unknown_mh_type,             // answer with Binding Error status 2; Error::mh_type holds the type
    message_too_short,           // Header Len below the type's fixed body (RFC 9.2: discard)
    option_overrun,              // an option's length runs past the end of the message
    option_bad_length,           // a known option whose length is wrong for its type
    auth_data_not_last,          // Binding Authorization Data followed by another option
    // Encoding (local input)
    option_too_long,             // an option body over 255 bytes
    message_too_long,            // over 2048 bytes (Header Len is 8 bits)
    rh2_needs_raw_packet,        // build_socket_parts with a type 2 routing header
    // RFC 4285 helpers
    no_authentication_option,
    authentication_not_last,
    // IPv6 packet (parse_packet)
    not_ipv6,                    // version field != 6
    ipv6_length_mismatch,        // payload length larger than the captured packet
    ext_header_overrun,          // an extension header or its options run past the payload
    too_many_ext_headers,
    hop_by_hop_not_first,
    ipv6_option_unrecognized,    // an option whose type says "discard" when unknown (RFC 8200 4.2)
    bad_home_address_option,     // HAO with length != 16, a second HAO, or an HAO in hop-by-hop
    bad_type2_routing_header,    // Hdr Ext Len != 2, segments left not 0/1, or a second one
    unsupported_routing_header,  // another routing type with segments left > 0
    fragmented,                  // a Fragment header: signalling is never fragmented here
    not_mobility_header,         // the header chain ends in something other than MH (135)
};

std::string_view to_string(Errc e) noexcept;

struct Error {
    Errc code;
    // Byte offset of the offending field: from the start of the Mobility
    // Header for decode(), from the start of the IPv6 packet for
    // parse_packet() (so it can serve as an ICMP Parameter Problem pointer).
    size_t offset = 0;
    // The MH Type for unknown_mh_type (and whatever type was read otherwise).
    uint8_t mh_type = 0;
    // For ipv6_option_unrecognized / not_mobility_header / unsupported_routing_header:
    // the option type, next header or routing type found.
    uint8_t detail = 0;
};

template <class T>
using Result = core::Result<T, Error>;

inline Error make_error(Errc code, size_t offset = 0, uint8_t mh_type = 0, uint8_t detail = 0) {
    return Error{code, offset, mh_type, detail};
}

}  // namespace xmip::mh
