// SPDX-License-Identifier: BSD-2-Clause
#include "ip6.hpp"

#include "core/in6.hpp"

#include <arpa/inet.h>

#include <cstring>

namespace xmip::config {

std::optional<Ip6Address> Ip6Address::parse(std::string_view text) {
    if (text.empty() || text.size() >= INET6_ADDRSTRLEN) return std::nullopt;
    auto a = core::parse_addr(text);
    if (!a) return std::nullopt;
    return from_in6(*a);
}

Ip6Address Ip6Address::from_in6(const in6_addr& a) {
    Ip6Address r;
    std::memcpy(r.bytes.data(), &a, 16);
    return r;
}

in6_addr Ip6Address::to_in6() const {
    in6_addr a{};
    std::memcpy(&a, bytes.data(), 16);
    return a;
}

std::string Ip6Address::to_string() const { return core::to_string(to_in6()); }

bool Ip6Address::is_unspecified() const { return core::is_unspecified(to_in6()); }

bool Ip6Address::is_loopback() const {
    for (size_t i = 0; i < 15; i++)
        if (bytes[i]) return false;
    return bytes[15] == 1;
}

bool Ip6Address::is_multicast() const { return bytes[0] == 0xff; }
bool Ip6Address::is_link_local() const { return bytes[0] == 0xfe && (bytes[1] & 0xc0) == 0x80; }
bool Ip6Address::is_site_local() const { return bytes[0] == 0xfe && (bytes[1] & 0xc0) == 0xc0; }

bool Ip6Address::is_v4_mapped() const {
    for (size_t i = 0; i < 10; i++)
        if (bytes[i]) return false;
    return bytes[10] == 0xff && bytes[11] == 0xff;
}

bool Ip6Address::is_unicast_routable() const {
    return !is_unspecified() && !is_loopback() && !is_multicast() && !is_link_local() &&
           !is_v4_mapped();
}

}  // namespace xmip::config
