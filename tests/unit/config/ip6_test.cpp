// SPDX-License-Identifier: BSD-2-Clause
#include <gtest/gtest.h>

#include "config/ip6.hpp"

using xmip::config::Ip6Address;

TEST(Ip6Address, ParsesAndPrintsCanonically) {
    auto a = Ip6Address::parse("2001:0DB8:0:0:0:0:0:0001");
    ASSERT_TRUE(a);
    EXPECT_EQ(a->to_string(), "2001:db8::1");
    EXPECT_EQ(Ip6Address::parse("fec0:106:2700::4")->to_string(), "fec0:106:2700::4");
    EXPECT_FALSE(Ip6Address::parse("2001:db8::zz"));
    EXPECT_FALSE(Ip6Address::parse("2001:db8::/64"));
    EXPECT_FALSE(Ip6Address::parse("fe80::1%eth0"));
    EXPECT_FALSE(Ip6Address::parse("192.0.2.1"));
    EXPECT_FALSE(Ip6Address::parse(""));
}

TEST(Ip6Address, Classifies) {
    EXPECT_TRUE(Ip6Address::parse("::")->is_unspecified());
    EXPECT_TRUE(Ip6Address::parse("::1")->is_loopback());
    EXPECT_TRUE(Ip6Address::parse("ff02::1")->is_multicast());
    EXPECT_TRUE(Ip6Address::parse("fe80::1")->is_link_local());
    EXPECT_TRUE(Ip6Address::parse("febf::1")->is_link_local());
    EXPECT_TRUE(Ip6Address::parse("fec0:106:2700::2")->is_site_local());
    EXPECT_TRUE(Ip6Address::parse("feff::1")->is_site_local());
    EXPECT_TRUE(Ip6Address::parse("::ffff:192.0.2.1")->is_v4_mapped());
    EXPECT_TRUE(Ip6Address::parse("fec0:106:2700::2")->is_unicast_routable());
    EXPECT_TRUE(Ip6Address::parse("fd00::1")->is_unicast_routable());
    EXPECT_TRUE(Ip6Address::parse("2001:db8::1")->is_unicast_routable());
    EXPECT_FALSE(Ip6Address::parse("fe80::1")->is_unicast_routable());
    EXPECT_FALSE(Ip6Address::parse("2001:db8::1")->is_site_local());
}

TEST(Ip6Address, ConvertsToAndFromIn6) {
    auto a = *Ip6Address::parse("2001:db8::42");
    EXPECT_EQ(Ip6Address::from_in6(a.to_in6()), a);
    EXPECT_EQ(a.to_in6().s6_addr[15], 0x42);
}
