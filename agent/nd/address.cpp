#include "nd/address.hpp"

#include <arpa/inet.h>

#include <cstdio>
#include <cstring>

namespace xmip::nd {

bool operator==(const in6_addr& a, const in6_addr& b) noexcept {
    return std::memcmp(&a, &b, sizeof(a)) == 0;
}

std::strong_ordering operator<=>(const in6_addr& a, const in6_addr& b) noexcept {
    int c = std::memcmp(&a, &b, sizeof(a));
    return c < 0 ? std::strong_ordering::less
                 : c > 0 ? std::strong_ordering::greater : std::strong_ordering::equal;
}

bool is_unspecified(const in6_addr& a) noexcept { return a == in6_addr{}; }

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

std::optional<in6_addr> parse_address(std::string_view text) {
    std::string s(text);
    in6_addr a{};
    if (inet_pton(AF_INET6, s.c_str(), &a) != 1) return std::nullopt;
    return a;
}

std::string to_string(const in6_addr& a) {
    char buf[INET6_ADDRSTRLEN];
    inet_ntop(AF_INET6, &a, buf, sizeof(buf));
    return buf;
}

std::optional<LinkLayerAddress> parse_link_layer_address(std::string_view text) {
    if (text.size() != 17) return std::nullopt;
    LinkLayerAddress r{};
    for (size_t i = 0; i < 6; i++) {
        if (i < 5 && text[3 * i + 2] != ':') return std::nullopt;
        unsigned v = 0;
        for (size_t j = 0; j < 2; j++) {
            char c = text[3 * i + j];
            unsigned d = (c >= '0' && c <= '9') ? c - '0'
                         : (c >= 'a' && c <= 'f') ? c - 'a' + 10
                         : (c >= 'A' && c <= 'F') ? c - 'A' + 10 : 16;
            if (d > 15) return std::nullopt;
            v = v * 16 + d;
        }
        r[i] = static_cast<uint8_t>(v);
    }
    return r;
}

std::string to_string(const LinkLayerAddress& a) {
    char buf[18];
    std::snprintf(buf, sizeof(buf), "%02x:%02x:%02x:%02x:%02x:%02x", a[0], a[1], a[2], a[3], a[4], a[5]);
    return buf;
}

}  // namespace xmip::nd
