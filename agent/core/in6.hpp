// SPDX-License-Identifier: BSD-2-Clause
// in6_addr helpers for the agent: comparison, hashing, prefixes, text.
#pragma once

#include <netinet/in.h>

#include <compare>
#include <cstring>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace xmip::core {

// Addresses compare byte by byte, in network order: the one definition.
// same_addr(), the operators (for the defaulted comparisons of structs that
// hold addresses; other namespaces take them with a using-declaration) and
// the functors below are all this.
inline std::strong_ordering compare_addr(const in6_addr& a, const in6_addr& b) noexcept {
    return std::memcmp(&a, &b, sizeof(a)) <=> 0;
}
inline bool same_addr(const in6_addr& a, const in6_addr& b) noexcept { return compare_addr(a, b) == 0; }
inline bool operator==(const in6_addr& a, const in6_addr& b) noexcept { return same_addr(a, b); }
inline std::strong_ordering operator<=>(const in6_addr& a, const in6_addr& b) noexcept { return compare_addr(a, b); }

struct In6Equal {
    bool operator()(const in6_addr& a, const in6_addr& b) const { return same_addr(a, b); }
};
struct In6Hash {
    size_t operator()(const in6_addr& a) const {
        uint64_t w[2];
        std::memcpy(w, &a, sizeof(w));
        return std::hash<uint64_t>()(w[0] * 0x9e3779b97f4a7c15ULL ^ w[1]);
    }
};
struct In6Less {
    bool operator()(const in6_addr& a, const in6_addr& b) const { return compare_addr(a, b) < 0; }
};

std::optional<in6_addr> parse_addr(std::string_view s);
std::string to_string(const in6_addr& a);

bool is_unspecified(const in6_addr& a) noexcept;
bool is_multicast(const in6_addr& a) noexcept;
bool is_link_local(const in6_addr& a) noexcept;  // fe80::/10 unicast
// ff02::1:ffXX:XXXX from the low 24 bits of `a` (RFC 4291 2.7.1): where a
// DAD or address-resolution NS for `a` is sent.
in6_addr solicited_node_multicast(const in6_addr& a) noexcept;
bool is_solicited_node_multicast(const in6_addr& a) noexcept;
// The first `length` bits of `a`, the rest zero.
in6_addr mask_prefix(const in6_addr& a, unsigned length) noexcept;

// An IPv6 prefix: the one type for it, in the configuration and the
// daemon alike. addr keeps the bits as written ("2001:db8::4/64" keeps
// the ::4); network() clears the host bits.
struct Prefix {
    in6_addr addr{};
    unsigned len = 0;  // 0..128

    // "addr/len", len 0..128 in decimal (at most three digits); no zone.
    static std::optional<Prefix> parse(std::string_view text);
    Prefix network() const;
    bool has_host_bits() const;
    bool contains(const in6_addr& a) const;
    // True when one prefix contains the other.
    bool overlaps(const Prefix& other) const;
    std::string str() const;  // "addr/len", RFC 5952 text

    friend bool operator==(const Prefix& a, const Prefix& b) noexcept {
        return same_addr(a.addr, b.addr) && a.len == b.len;
    }
    friend std::strong_ordering operator<=>(const Prefix& a, const Prefix& b) noexcept {
        if (auto c = compare_addr(a.addr, b.addr); c != 0) return c;
        return a.len <=> b.len;
    }
};
// The same as Prefix::parse.
inline std::optional<Prefix> parse_prefix(std::string_view s) { return Prefix::parse(s); }

}  // namespace xmip::core
