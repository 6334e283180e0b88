// SPDX-License-Identifier: BSD-2-Clause
// Shared by the authentication tests: the known-answer vectors and helpers.
#pragma once

#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "auth/algorithm.hpp"
#include "mh/bytes.hpp"

namespace xmip::auth::test {

inline in6_addr addr(const std::string& s) {
    in6_addr a{};
    EXPECT_EQ(inet_pton(AF_INET6, s.c_str(), &a), 1) << s;
    return a;
}

inline mh::Bytes unhex(const std::string& h) {
    mh::Bytes b;
    for (size_t i = 0; i + 1 < h.size(); i += 2) b.push_back(static_cast<uint8_t>(std::stoi(h.substr(i, 2), nullptr, 16)));
    return b;
}

inline std::string hex(mh::ByteView b) {
    static const char* d = "0123456789abcdef";
    std::string s;
    for (uint8_t c : b) {
        s += d[c >> 4];
        s += d[c & 15];
    }
    return s;
}

inline nlohmann::json vectors() {
    std::ifstream in(XMIP_AUTH_VECTORS_JSON);
    EXPECT_TRUE(in) << XMIP_AUTH_VECTORS_JSON;
    return nlohmann::json::parse(in)["vectors"];
}

inline SecurityAssociation sa_of(const nlohmann::json& v) {
    SecurityAssociation sa;
    sa.spi = v["spi"].get<uint32_t>();
    sa.algorithm = *algorithm_from_string(v["algorithm"].get<std::string>());
    sa.key = unhex(v["key"].get<std::string>());
    return sa;
}

}  // namespace xmip::auth::test
