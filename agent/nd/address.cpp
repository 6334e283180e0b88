// SPDX-License-Identifier: BSD-2-Clause
#include "nd/address.hpp"

#include <cstdio>
#include <cstring>

namespace xmip::nd {

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

std::optional<in6_addr> home_agents_anycast(const in6_addr& prefix, unsigned length) {
    if (length > 120) return std::nullopt;
    in6_addr a = mask_prefix(prefix, length);
    for (unsigned bit = length; bit < 128; bit++) a.s6_addr[bit / 8] |= static_cast<uint8_t>(0x80 >> (bit % 8));
    a.s6_addr[15] &= 0xfe;                   // anycast ID 0x7e in the low 7 bits
    if (length == 64) a.s6_addr[8] &= 0xfd;  // EUI-64 format: the u bit is 0 (RFC 2526 2)
    return a;
}

}  // namespace xmip::nd
