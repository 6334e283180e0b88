// SPDX-License-Identifier: BSD-2-Clause
#include "core/in6.hpp"

#include <arpa/inet.h>

#include <charconv>

namespace xmip::core {

std::optional<in6_addr> parse_addr(std::string_view s) {
    // inet_pton reads a C string: a NUL inside would cut the text short.
    if (s.find('\0') != std::string_view::npos) return std::nullopt;
    std::string str(s);
    in6_addr a{};
    if (inet_pton(AF_INET6, str.c_str(), &a) != 1) return std::nullopt;
    return a;
}

std::string to_string(const in6_addr& a) {
    char buf[INET6_ADDRSTRLEN];
    inet_ntop(AF_INET6, &a, buf, sizeof(buf));
    return buf;
}

bool is_unspecified(const in6_addr& a) noexcept { return same_addr(a, in6_addr{}); }

bool is_multicast(const in6_addr& a) noexcept { return a.s6_addr[0] == 0xff; }

bool is_link_local(const in6_addr& a) noexcept {
    return a.s6_addr[0] == 0xfe && (a.s6_addr[1] & 0xc0) == 0x80;
}

in6_addr solicited_node_multicast(const in6_addr& a) noexcept {
    in6_addr m{};
    m.s6_addr[0] = 0xff;
    m.s6_addr[1] = 0x02;
    m.s6_addr[11] = 0x01;
    m.s6_addr[12] = 0xff;
    m.s6_addr[13] = a.s6_addr[13];
    m.s6_addr[14] = a.s6_addr[14];
    m.s6_addr[15] = a.s6_addr[15];
    return m;
}

bool is_solicited_node_multicast(const in6_addr& a) noexcept {
    static const uint8_t prefix[13] = {0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0xff};
    return std::memcmp(a.s6_addr, prefix, sizeof(prefix)) == 0;
}

in6_addr mask_prefix(const in6_addr& a, unsigned length) noexcept {
    in6_addr r{};
    if (length > 128) length = 128;
    unsigned whole = length / 8, bits = length % 8;
    std::memcpy(r.s6_addr, a.s6_addr, whole);
    if (bits) r.s6_addr[whole] = static_cast<uint8_t>(a.s6_addr[whole] & (0xff00 >> bits));
    return r;
}

std::optional<Prefix> Prefix::parse(std::string_view text) {
    auto slash = text.find('/');
    if (slash == std::string_view::npos || slash >= INET6_ADDRSTRLEN) return std::nullopt;
    auto a = parse_addr(text.substr(0, slash));
    auto tail = text.substr(slash + 1);
    if (!a || tail.empty() || tail.size() > 3) return std::nullopt;
    unsigned len = 0;
    auto [p, ec] = std::from_chars(tail.data(), tail.data() + tail.size(), len);
    if (ec != std::errc() || p != tail.data() + tail.size() || len > 128) return std::nullopt;
    return Prefix{*a, len};
}

Prefix Prefix::network() const { return Prefix{mask_prefix(addr, len), len}; }

bool Prefix::has_host_bits() const { return !same_addr(addr, mask_prefix(addr, len)); }

bool Prefix::contains(const in6_addr& a) const {
    return same_addr(mask_prefix(addr, len), mask_prefix(a, len));
}

bool Prefix::overlaps(const Prefix& other) const {
    return len <= other.len ? contains(other.addr) : other.contains(addr);
}

std::string Prefix::str() const { return to_string(addr) + "/" + std::to_string(len); }

}  // namespace xmip::core
