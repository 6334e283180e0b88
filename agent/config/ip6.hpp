// SPDX-License-Identifier: BSD-2-Clause
// IPv6 addresses as the configuration holds them: parsed from
// text once, compared and printed canonically (RFC 5952, via inet_ntop).
#pragma once

#include <netinet/in.h>

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/in6.hpp"

namespace xmip::config {

struct Ip6Address {
    std::array<uint8_t, 16> bytes{};

    // Accepts what inet_pton(AF_INET6) accepts; no zone ("%eth0"), no prefix.
    static std::optional<Ip6Address> parse(std::string_view text);
    static Ip6Address from_in6(const in6_addr& a);
    in6_addr to_in6() const;
    std::string to_string() const;

    bool is_unspecified() const;  // ::
    bool is_loopback() const;     // ::1
    bool is_multicast() const;    // ff00::/8
    bool is_link_local() const;   // fe80::/10
    bool is_site_local() const;   // fec0::/10, deprecated by RFC 3879
    bool is_v4_mapped() const;    // ::ffff:0:0/96
    // Usable as a home address or home agent address: none of the above
    // except site-local (which is deprecated, not invalid).
    bool is_unicast_routable() const;

    auto operator<=>(const Ip6Address&) const = default;
};

// Prefixes are core's one type (parsed strictly, compared by bytes).
using core::Prefix;

}  // namespace xmip::config
