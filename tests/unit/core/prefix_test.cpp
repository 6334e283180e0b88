// SPDX-License-Identifier: BSD-2-Clause
// core::Prefix: the one prefix type of the configuration and the daemon.
#include <gtest/gtest.h>

#include <string>

#include "core/in6.hpp"

using xmip::core::parse_addr;
using xmip::core::Prefix;

namespace {

in6_addr addr(const char* s) { return parse_addr(s).value(); }

TEST(Prefix, ParsesLengthStrictly) {
    auto p = Prefix::parse("fec0:106:2700::2/64");
    ASSERT_TRUE(p);
    EXPECT_EQ(p->len, 64u);
    EXPECT_TRUE(p->has_host_bits());
    EXPECT_EQ(p->network().str(), "fec0:106:2700::/64");
    EXPECT_EQ(p->str(), "fec0:106:2700::2/64");
    EXPECT_TRUE(Prefix::parse("::/0"));
    EXPECT_TRUE(Prefix::parse("2001:db8::1/128"));
    EXPECT_FALSE(Prefix::parse("2001:db8::/129"));
    EXPECT_FALSE(Prefix::parse("2001:db8::/"));
    EXPECT_FALSE(Prefix::parse("2001:db8::/6x"));
    EXPECT_FALSE(Prefix::parse("2001:db8::/-1"));
    EXPECT_FALSE(Prefix::parse("2001:db8::/ 64"));
    EXPECT_FALSE(Prefix::parse("2001:db8::/0064"));
    EXPECT_FALSE(Prefix::parse("2001:db8::"));
    EXPECT_FALSE(Prefix::parse("fe80::1%eth0/64"));
    EXPECT_FALSE(Prefix::parse(std::string("2001:db8::\0x/64", 15)));
}

TEST(Prefix, NetworkClearsPartialBytes) {
    EXPECT_EQ(Prefix::parse("2001:db8:ffff::/36")->network().str(), "2001:db8:f000::/36");
    EXPECT_EQ(Prefix::parse("2001:db8::1/0")->network().str(), "::/0");
    EXPECT_EQ(Prefix::parse("2001:db8::1/128")->network().str(), "2001:db8::1/128");
    EXPECT_FALSE(Prefix::parse("2001:db8::1/128")->has_host_bits());
}

TEST(Prefix, ContainsAndOverlaps) {
    auto home = *Prefix::parse("2001:db8:1::/64");
    EXPECT_TRUE(home.contains(addr("2001:db8:1::ffff")));
    EXPECT_FALSE(home.contains(addr("2001:db8:2::1")));
    EXPECT_TRUE(home.overlaps(*Prefix::parse("2001:db8:1::10/128")));
    EXPECT_TRUE(home.overlaps(*Prefix::parse("2001:db8::/32")));
    EXPECT_FALSE(home.overlaps(*Prefix::parse("2001:db8:2::/64")));
    EXPECT_TRUE(Prefix::parse("::/0")->contains(addr("ff02::1")));
}

TEST(Prefix, ComparesAddressThenLength) {
    auto a = *Prefix::parse("2001:db8::/64");
    EXPECT_EQ(a, *Prefix::parse("2001:db8::/64"));
    EXPECT_NE(a, *Prefix::parse("2001:db8::/48"));
    EXPECT_NE(a, *Prefix::parse("2001:db8::1/64"));
    EXPECT_LT(*Prefix::parse("2001:db8::/48"), a);
    EXPECT_LT(a, *Prefix::parse("2001:db8:1::/48"));
}

}  // namespace
