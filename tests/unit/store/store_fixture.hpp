// SPDX-License-Identifier: BSD-2-Clause
// A fresh state directory per test, and bindings to put in a store.
#pragma once

#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "state/changes.hpp"

namespace xmip::store::test {

inline in6_addr addr(const std::string& s) {
    in6_addr a{};
    EXPECT_EQ(inet_pton(AF_INET6, s.c_str(), &a), 1) << s;
    return a;
}

inline state::HaBinding binding(int i, uint16_t seq = 7) {
    state::HaBinding b;
    b.hoa = addr("2001:db8:1::" + std::to_string(i + 1));
    b.coa = addr("2001:db8:99::" + std::to_string(i + 1));
    b.ha_addr = addr("2001:db8:1::ffff");
    b.seq = seq;
    b.lifetime_s = 600;
    b.registered_ms = 1795000000000;
    b.expires_ms = b.registered_ms + 600000;
    return b;
}

class StoreDir : public ::testing::Test {
protected:
    std::string dir;
    void SetUp() override {
        const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
        dir = ::testing::TempDir() + "xmip-store-" + info->test_suite_name() + "-" + info->name();
        std::filesystem::remove_all(dir);
        std::filesystem::create_directories(dir);
    }
    void TearDown() override { std::filesystem::remove_all(dir); }
    std::string db() const { return dir + "/bindings.db"; }
};

}  // namespace xmip::store::test
