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

}  // namespace xmip::nd
