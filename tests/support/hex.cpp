// SPDX-License-Identifier: BSD-2-Clause
#include "hex.hpp"

#include <cstdio>
#include <stdexcept>

namespace xmip::test {

std::vector<uint8_t> from_hex(std::string_view hex) {
    if (hex.size() % 2) throw std::invalid_argument("odd-length hex string");
    std::vector<uint8_t> out(hex.size() / 2);
    for (size_t i = 0; i < out.size(); i++) {
        unsigned v;
        if (std::sscanf(std::string(hex.substr(2 * i, 2)).c_str(), "%2x", &v) != 1)
            throw std::invalid_argument("bad hex at offset " + std::to_string(2 * i));
        out[i] = static_cast<uint8_t>(v);
    }
    return out;
}

std::string to_hex(const uint8_t* p, size_t n) {
    std::string s;
    char b[4];
    for (size_t i = 0; i < n; i++) {
        std::snprintf(b, sizeof(b), "%02x", p[i]);
        s += b;
    }
    return s;
}

std::string describe_difference(const std::vector<uint8_t>& want, const std::vector<uint8_t>& got) {
    std::string s = "length want " + std::to_string(want.size()) + " got " + std::to_string(got.size());
    int shown = 0;
    for (size_t i = 0; i < std::min(want.size(), got.size()) && shown < 4; i++) {
        if (want[i] == got[i]) continue;
        size_t from = i >= 4 ? i - 4 : 0;
        size_t n = std::min<size_t>(12, std::min(want.size(), got.size()) - from);
        s += "\n  offset " + std::to_string(i) + ": want " + to_hex(&want[from], n) + " got " +
             to_hex(&got[from], n) + " (from offset " + std::to_string(from) + ")";
        shown++;
        i += 8;
    }
    return s;
}

}  // namespace xmip::test
