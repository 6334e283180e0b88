// SPDX-License-Identifier: BSD-2-Clause
#include "test_util.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <stdexcept>

namespace xmip::mh::test {

in6_addr addr(std::string_view text) {
    in6_addr a{};
    if (inet_pton(AF_INET6, std::string(text).c_str(), &a) != 1)
        throw std::invalid_argument("bad address " + std::string(text));
    return a;
}

Bytes from_hex(std::string_view hex) {
    if (hex.size() % 2) throw std::invalid_argument("odd-length hex");
    Bytes out(hex.size() / 2);
    for (size_t i = 0; i < out.size(); i++) {
        unsigned v;
        if (std::sscanf(std::string(hex.substr(2 * i, 2)).c_str(), "%2x", &v) != 1)
            throw std::invalid_argument("bad hex");
        out[i] = static_cast<uint8_t>(v);
    }
    return out;
}

std::string to_hex(ByteView b) {
    std::string s;
    char buf[3];
    for (uint8_t c : b) {
        std::snprintf(buf, sizeof buf, "%02x", c);
        s += buf;
    }
    return s;
}

void fix_checksum(Bytes& mh, const in6_addr& src, const in6_addr& dst) {
    set16(&mh[4], mh_checksum(src, dst, mh));
}

}  // namespace xmip::mh::test
