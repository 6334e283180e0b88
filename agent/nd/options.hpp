// SPDX-License-Identifier: BSD-2-Clause
// Neighbour Discovery options (RFC 4861 4.6, RFC 6275 7.2-7.4): typed
// structs for the ones xmip acts on, RawOption for everything else. A
// message keeps its options in received order, so decoding then encoding
// gives the same bytes back.
#pragma once

#include <netinet/in.h>

#include <cstddef>
#include <cstdint>
#include <span>
#include <variant>
#include <vector>

#include "nd/address.hpp"
#include "nd/result.hpp"

namespace xmip::nd {

struct SourceLinkLayerAddress {  // type 1
    LinkLayerAddress address{};
    bool operator==(const SourceLinkLayerAddress&) const = default;
};

struct TargetLinkLayerAddress {  // type 2
    LinkLayerAddress address{};
    bool operator==(const TargetLinkLayerAddress&) const = default;
};

struct PrefixInformation {  // type 3
    uint8_t prefix_length = 64;
    bool on_link = false;         // L
    bool autonomous = false;      // A
    bool router_address = false;  // R (RFC 6275 7.2): `prefix` is the router's full address
    uint32_t valid_lifetime = 0;      // seconds, kInfiniteLifetime = infinity
    uint32_t preferred_lifetime = 0;  // seconds
    // As on the wire: with R set the whole field is the router's address, so
    // bits past prefix_length are not cleared (mask_prefix() gives the prefix).
    in6_addr prefix{};
    bool operator==(const PrefixInformation&) const = default;
};

struct Mtu {  // type 5
    uint32_t mtu = 0;
    bool operator==(const Mtu&) const = default;
};

struct AdvertisementInterval {  // type 7 (RFC 6275 7.3): MaxRtrAdvInterval in ms
    uint32_t interval_ms = 0;
    bool operator==(const AdvertisementInterval&) const = default;
};

struct HomeAgentInformation {  // type 8 (RFC 6275 7.4)
    int16_t preference = 0;  // higher is more preferable
    uint16_t lifetime = 0;   // seconds; 0 must not be sent (receivers treat it as withdrawal)
    bool mobile_router_support = false;  // RFC 3963 flag, first bit of the reserved field
    bool operator==(const HomeAgentInformation&) const = default;
};

// Any option this codec does not interpret in the message it came in (RFC
// 4861 4.6: unrecognised options are skipped, and here kept). `body` is what
// follows the type and length bytes (length * 8 - 2 bytes); on encoding it
// is zero-padded to a multiple of 8 with its header.
struct RawOption {
    uint8_t type = 0;
    std::vector<uint8_t> body;
    bool operator==(const RawOption&) const = default;
};

using Option = std::variant<SourceLinkLayerAddress, TargetLinkLayerAddress, PrefixInformation, Mtu,
                            AdvertisementInterval, HomeAgentInformation, RawOption>;
using Options = std::vector<Option>;

// The first option of type T, or nullptr.
template <class T>
const T* find_option(const Options& options) {
    for (const auto& o : options)
        if (const T* p = std::get_if<T>(&o)) return p;
    return nullptr;
}

// Every option of type T, in order (e.g. all Prefix Information options).
template <class T>
std::vector<T> options_of(const Options& options) {
    std::vector<T> r;
    for (const auto& o : options)
        if (const T* p = std::get_if<T>(&o)) r.push_back(*p);
    return r;
}

// Which option types a message interprets, as a bit per type number. Types
// outside the set are kept as RawOption (RFC 4861 4.1-4.4: options a message
// does not define are ignored), so their lengths are not held to the typed
// options' fixed sizes.
using OptionSet = uint32_t;
constexpr OptionSet option_bit(uint8_t type) { return type < 32 ? OptionSet{1} << type : 0; }

// Parses the options area `bytes`, which starts at byte `offset` of the
// message (for error offsets). Errors: option_length_zero, option_overrun,
// bad_option_length, bad_prefix_length.
Result<Options> parse_options(std::span<const uint8_t> bytes, std::size_t offset, OptionSet recognised);

// Appends each option in order. Throws std::invalid_argument for a RawOption
// whose body cannot fit one option (over 2038 bytes): a programming error.
void append_options(std::vector<uint8_t>& out, const Options& options);

}  // namespace xmip::nd
