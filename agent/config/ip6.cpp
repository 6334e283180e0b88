// SPDX-License-Identifier: BSD-2-Clause
#include "ip6.hpp"

#include "core/in6.hpp"

#include <arpa/inet.h>

#include <charconv>
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

std::optional<Ip6Prefix> Ip6Prefix::parse(std::string_view text) {
    auto slash = text.find('/');
    if (slash == std::string_view::npos) return std::nullopt;
    auto addr = Ip6Address::parse(text.substr(0, slash));
    if (!addr) return std::nullopt;
    auto len_text = text.substr(slash + 1);
    if (len_text.empty() || len_text.size() > 3) return std::nullopt;
    unsigned len = 0;
    auto [end, ec] = std::from_chars(len_text.data(), len_text.data() + len_text.size(), len);
    if (ec != std::errc{} || end != len_text.data() + len_text.size() || len > 128)
        return std::nullopt;
    return Ip6Prefix{*addr, static_cast<uint8_t>(len)};
}

Ip6Prefix Ip6Prefix::network() const {
    Ip6Prefix p = *this;
    for (unsigned i = 0; i < 16; i++) {
        unsigned bits_here = length > i * 8 ? length - i * 8 : 0;
        if (bits_here >= 8) continue;
        p.address.bytes[i] &= static_cast<uint8_t>(0xff00u >> bits_here);
    }
    return p;
}

bool Ip6Prefix::contains(const Ip6Address& a) const {
    return Ip6Prefix{a, length}.network().address == network().address;
}

bool Ip6Prefix::overlaps(const Ip6Prefix& other) const {
    return length <= other.length ? contains(other.address) : other.contains(address);
}

std::string Ip6Prefix::to_string() const {
    return address.to_string() + "/" + std::to_string(length);
}

}  // namespace xmip::config
