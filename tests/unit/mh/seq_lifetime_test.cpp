// SPDX-License-Identifier: BSD-2-Clause
// Sequence numbers modulo 2^16 and lifetimes in 4-second units.
#include <gtest/gtest.h>

#include "test_util.hpp"

namespace xmip::mh {
namespace {

TEST(Sequence, Wrap) {
    EXPECT_TRUE(seq_newer(0, 65535));
    EXPECT_FALSE(seq_newer(65535, 0));
    EXPECT_TRUE(seq_newer(1, 65535));
    EXPECT_TRUE(seq_newer(5, 65530));
}

TEST(Sequence, EqualIsNotNewer) {
    for (uint16_t s : {0, 1, 0x7fff, 0x8000, 0xffff}) EXPECT_FALSE(seq_newer(s, s));
}

TEST(Sequence, HalfSpaceBoundary) {
    // RFC 6275 9.5.1: with 15 last received, 0..15 and 32783..65535 are
    // "less than or equal"; 16..32782 are newer.
    EXPECT_TRUE(seq_newer(16, 15));
    EXPECT_TRUE(seq_newer(32782, 15));
    EXPECT_FALSE(seq_newer(32783, 15));
    EXPECT_FALSE(seq_newer(65535, 15));
    EXPECT_FALSE(seq_newer(0, 15));
    // Exactly 2^15 apart: neither is newer than the other.
    EXPECT_FALSE(seq_newer(0x8000, 0));
    EXPECT_FALSE(seq_newer(0, 0x8000));
    // 2^15 - 1 ahead is newer, from either side of the wrap.
    EXPECT_TRUE(seq_newer(0x7fff, 0));
    EXPECT_TRUE(seq_newer(0x7ffe, 0xffff));
    EXPECT_FALSE(seq_newer(0x7fff, 0xffff));
    // TAHI HA_2_7_8: 14 after 32783 is newer.
    EXPECT_TRUE(seq_newer(14, 32783));
}

TEST(Sequence, AntisymmetricOffTheBoundary) {
    for (uint32_t a = 0; a < 65536; a += 251)
        for (uint32_t d : {1u, 2u, 100u, 0x7ffeu, 0x7fffu, 0x8001u, 0xfffeu, 0xffffu}) {
            uint16_t b = static_cast<uint16_t>(a + d);
            EXPECT_NE(seq_newer(static_cast<uint16_t>(a), b), seq_newer(b, static_cast<uint16_t>(a)))
                << a << " " << b;
        }
}

TEST(Lifetime, Units) {
    EXPECT_EQ(lifetime_to_seconds(0), 0u);
    EXPECT_EQ(lifetime_to_seconds(1), 4u);
    EXPECT_EQ(lifetime_to_seconds(0xffff), 262140u);
    EXPECT_EQ(lifetime_from_seconds(0), 0);
    EXPECT_EQ(lifetime_from_seconds(3), 0);  // rounds down: never longer than asked
    EXPECT_EQ(lifetime_from_seconds(4), 1);
    EXPECT_EQ(lifetime_from_seconds(7), 1);
    EXPECT_EQ(lifetime_from_seconds(3600), 900);
    EXPECT_EQ(lifetime_from_seconds(262139), 0xfffe);
    EXPECT_EQ(lifetime_from_seconds(262140), 0xffff);
    EXPECT_EQ(lifetime_from_seconds(262141), 0xffff);  // clamped
    EXPECT_EQ(lifetime_from_seconds(uint64_t{1} << 40), 0xffff);
}

TEST(Lifetime, MessageHelpers) {
    BindingUpdate bu;
    bu.set_lifetime_seconds(1000000);
    EXPECT_EQ(bu.lifetime, 0xffff);
    EXPECT_EQ(bu.lifetime_seconds(), kMaxLifetimeSeconds);
    BindingAck ba;
    ba.set_lifetime_seconds(420);
    EXPECT_EQ(ba.lifetime, 105);
    EXPECT_EQ(ba.lifetime_seconds(), 420u);
}

TEST(Flags, NamedAccessors) {
    BindingUpdate bu;
    bu.set_flag(BindingUpdate::flag_ack, true);
    bu.set_flag(BindingUpdate::flag_proxy, true);
    EXPECT_EQ(bu.flags, 0x8200);
    EXPECT_TRUE(bu.ack() && bu.proxy());
    EXPECT_FALSE(bu.home_registration() || bu.link_local_compat() || bu.key_management() ||
                 bu.mobile_router());
    bu.set_flag(BindingUpdate::flag_ack, false);
    EXPECT_EQ(bu.flags, 0x0200);
    EXPECT_EQ(BindingUpdate::flag_home, 0x4000);
    EXPECT_EQ(BindingUpdate::flag_link_local, 0x2000);
    EXPECT_EQ(BindingUpdate::flag_key_mgmt, 0x1000);
    EXPECT_EQ(BindingUpdate::flag_mobile_router, 0x0400);

    BindingAck ba;
    ba.set_flag(BindingAck::flag_mobile_router, true);
    EXPECT_EQ(ba.flags, 0x40);
    EXPECT_TRUE(ba.mobile_router());
    EXPECT_FALSE(ba.key_management());
    ba.status = ba_status::accepted_prefix_discovery;
    EXPECT_TRUE(ba.accepted());
    ba.status = ba_status::unspecified;
    EXPECT_FALSE(ba.accepted());
}

}  // namespace
}  // namespace xmip::mh
