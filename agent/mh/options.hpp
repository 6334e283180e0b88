// SPDX-License-Identifier: BSD-2-Clause
// Mobility options (RFC 6275 6.2, RFC 4285 5 and 6).
//
// Decoding drops Pad1/PadN and keeps every other option in order; options the
// codec does not model (Mobile Network Prefix, Binding Identifier, ...) are
// kept as UnknownOption (type + body) so callers can see them. Which options
// are valid in which message is for the caller to judge (RFC 6275 6.2.1: an
// option not valid for the message is ignored), so the codec keeps them all.
// Encoding inserts Pad1/PadN before each option to meet its alignment.
#pragma once

#include <netinet/in.h>

#include <array>
#include <cstdint>
#include <optional>
#include <variant>
#include <vector>

namespace xmip::mh {

namespace opt {
inline constexpr uint8_t pad1 = 0;
inline constexpr uint8_t padn = 1;
inline constexpr uint8_t binding_refresh_advice = 2;
inline constexpr uint8_t alternate_coa = 3;
inline constexpr uint8_t nonce_indices = 4;
inline constexpr uint8_t binding_authorization_data = 5;
inline constexpr uint8_t mobile_network_prefix = 6;   // RFC 3963, kept as UnknownOption
inline constexpr uint8_t authentication = 9;          // RFC 4285
inline constexpr uint8_t replay_protection = 10;      // RFC 4285
inline constexpr uint8_t binding_identifier = 35;     // RFC 5648, kept as UnknownOption
}  // namespace opt

// Type 2, length 2, alignment 2n. Interval in 4-second units (as lifetimes).
struct BindingRefreshAdvice {
    uint16_t interval = 0;
    bool operator==(const BindingRefreshAdvice&) const = default;
};

// Type 3, length 16, alignment 8n+6.
struct AlternateCareOfAddress {
    in6_addr address{};
    bool operator==(const AlternateCareOfAddress& o) const;
};

// Type 4, length 4, alignment 2n.
struct NonceIndices {
    uint16_t home_nonce_index = 0;
    uint16_t care_of_nonce_index = 0;
    bool operator==(const NonceIndices&) const = default;
};

// Type 5, length 12 (HMAC_SHA1 truncated to 96 bits, RFC 6275 5.2.6),
// alignment 8n+2, must be the last option.
struct BindingAuthorizationData {
    std::array<uint8_t, 12> authenticator{};
    bool operator==(const BindingAuthorizationData&) const = default;
};

// RFC 4285 Mobility Message Authentication option: type 9, length
// 5 + authenticator, alignment 4n+1. Subtype 1 = MN-HA, 2 = MN-AAA.
// The authenticator covers the message up to and including the SPI
// (see auth.hpp), so it must be the last option.
struct Authentication {
    static constexpr uint8_t mn_ha = 1;
    static constexpr uint8_t mn_aaa = 2;
    uint8_t subtype = mn_ha;
    uint32_t spi = 0;
    std::vector<uint8_t> authenticator;  // 12 bytes for HMAC-SHA1-96
    bool operator==(const Authentication&) const = default;
};

// RFC 4285 Replay Protection option: type 10, length 8, alignment 8n+2.
// A 64-bit NTP-format timestamp, or the identifier a home agent returns.
struct ReplayProtection {
    uint64_t timestamp = 0;
    bool operator==(const ReplayProtection&) const = default;
};

// Any other option, as found: type and body (without type/length bytes).
// Encoded with the alignment the codec knows for its type (8n+4 for the
// Mobile Network Prefix, RFC 3963), none otherwise.
struct UnknownOption {
    uint8_t type = 0;
    std::vector<uint8_t> data;
    bool operator==(const UnknownOption&) const = default;
};

using Option = std::variant<BindingRefreshAdvice, AlternateCareOfAddress, NonceIndices,
                            BindingAuthorizationData, Authentication, ReplayProtection,
                            UnknownOption>;
using Options = std::vector<Option>;

// The option type byte of an option.
uint8_t option_type(const Option& o);

// Alignment requirement xn+y (RFC 6275 6.2.1 notation) for an option type;
// x == 0 means none.
struct Alignment {
    uint8_t x = 0;
    uint8_t y = 0;
};
Alignment option_alignment(uint8_t type);

// The first option of type T in `options`, if any.
template <class T>
const T* find_option(const Options& options) {
    for (const auto& o : options)
        if (const T* p = std::get_if<T>(&o)) return p;
    return nullptr;
}

}  // namespace xmip::mh
