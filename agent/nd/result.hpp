// SPDX-License-Identifier: BSD-2-Clause
// Outcome of decoding or validating network input: a value, or a precise
// error (what was wrong and where). Bad packets are ordinary events on a
// network, so they are values, never exceptions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace xmip::nd {

enum class Errc : uint8_t {
    // Decoding (the bytes themselves).
    truncated,            // shorter than the fixed part of its message
    wrong_type,           // ICMPv6 type is not the one this decoder handles
    unknown_type,         // ICMPv6 type this codec does not handle at all
    option_length_zero,   // an option with Length 0 (RFC 4861 4.6: discard the packet)
    option_overrun,       // an option (or its type/length header) runs past the end
    bad_option_length,    // a known option with other than its fixed length
    bad_prefix_length,    // Prefix Information with a prefix length above 128
    bad_address_list,     // DHAAD reply whose address list is not whole addresses
    // Receive validation (RFC 4861 6.1, 7.1.1, 7.1.2); see validate.hpp.
    bad_hop_limit,        // ND message not received with hop limit 255
    bad_code,             // ND message with ICMP code other than 0
    source_not_link_local,          // RA whose source is not link-local
    unspecified_source_with_slla,   // RS/NS from :: carrying a Source Link-Layer Address option
    bad_dad_destination,            // NS from :: not sent to a solicited-node multicast address
    multicast_target,               // NS/NA whose target is a multicast address
    solicited_to_multicast,         // NA with S set sent to a multicast address
};

// Stable lower-case name, e.g. "option_length_zero" (the test vectors use these).
std::string_view to_string(Errc code);

struct Error {
    Errc code;
    std::size_t offset = 0;  // byte offset in the ICMPv6 message where the problem lies

    bool operator==(const Error&) const = default;
};

// "option_length_zero at offset 16"
std::string describe(const Error& e);

// core::Result with this codec's Error; Result<void> (Status) for checks.
template <class T>
using Result = core::Result<T, Error>;
using Status = Result<void>;

}  // namespace xmip::nd
