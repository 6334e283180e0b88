// SPDX-License-Identifier: BSD-2-Clause
// Shared by the configuration tests.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "config/config.hpp"

namespace xmip::config::test {

inline Ip6Address ip(const char* s) {
    auto a = Ip6Address::parse(s);
    EXPECT_TRUE(a) << s;
    return a.value_or(Ip6Address{});
}

inline Prefix pfx(const char* s) {
    auto p = Prefix::parse(s);
    EXPECT_TRUE(p) << s;
    return p.value_or(Prefix{});
}

inline LoadResult load_text(std::string_view text, std::string name = "ha.toml",
                            std::vector<std::string> overrides = {}) {
    return load_string(text, std::move(name), overrides);
}

// The errors of a configuration that must not load.
inline std::vector<std::string> errors_of(std::string_view text, std::string name = "ha.toml",
                                          std::vector<std::string> overrides = {}) {
    auto r = load_text(text, std::move(name), std::move(overrides));
    EXPECT_FALSE(r.ok());
    return r.error_strings();
}

inline std::string read(const std::string& path) {
    std::ifstream in(path);
    EXPECT_TRUE(in) << path;
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

inline std::string data(const std::string& name) { return std::string(XMIP_CONFIG_TEST_DATA) + "/" + name; }
inline std::string source(const std::string& name) { return std::string(XMIP_SOURCE_DIR) + "/" + name; }

using Strings = std::vector<std::string>;

// The warnings but those about authentication (an unauthenticated mode, a
// prefix that refuses every Binding Update: legacy_guide_test.cpp), for
// tests about something else.
inline Strings not_about_authentication(const LoadResult& r) {
    Strings out;
    for (const auto& w : r.warning_strings())
        if (w.find("UNAUTHENTICATED") == std::string::npos && w.find("will be refused (status 146)") == std::string::npos)
            out.push_back(w);
    return out;
}

}  // namespace xmip::config::test

// Loads or fails the test showing why.
#define ASSERT_LOADS(r) ASSERT_TRUE((r).ok()) << ::testing::PrintToString((r).error_strings())
