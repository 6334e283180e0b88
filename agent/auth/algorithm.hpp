// SPDX-License-Identifier: BSD-2-Clause
// The MN-HA authenticator algorithms xmip offers, and a security
// association (RFC 4285 5.1: SPI, algorithm, shared key).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace xmip::auth {

enum class Algorithm {
    HmacSha1_96,    // RFC 4285 5.1: First(96, HMAC_SHA1(key, Mobility Data))
    HmacSha256_128, // the same construction with SHA-256, truncated to 128 bits
};

// The configuration's names: "hmac-sha1-96", "hmac-sha256-128".
std::string_view to_string(Algorithm a);
std::optional<Algorithm> algorithm_from_string(std::string_view name);

// Bytes of the truncated MAC carried in the Authentication option.
constexpr size_t authenticator_length(Algorithm a) { return a == Algorithm::HmacSha1_96 ? 12 : 16; }
// The shortest key accepted: the hash's output length (RFC 2104 section 3:
// shorter keys weaken the MAC).
constexpr size_t min_key_length(Algorithm a) { return a == Algorithm::HmacSha1_96 ? 20 : 32; }

// RFC 4285 reserves SPIs 0-255.
inline constexpr uint32_t kMinSpi = 256;

struct SecurityAssociation {
    uint32_t spi = 0;
    Algorithm algorithm = Algorithm::HmacSha1_96;
    std::vector<uint8_t> key;
    bool operator==(const SecurityAssociation&) const = default;
};

}  // namespace xmip::auth
