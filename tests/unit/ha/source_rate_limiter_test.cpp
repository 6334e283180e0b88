// SPDX-License-Identifier: BSD-2-Clause
// Per-source Binding Update rate limiting: MAX_UPDATE_RATE per source, a
// bounded table, and a flood from many sources that neither grows it nor
// gets through at more than the overflow's rate.
#include "ha/source_rate_limiter.hpp"

#include <gtest/gtest.h>

using namespace xmip;
using namespace xmip::ha;
using std::chrono::milliseconds;

namespace {

in6_addr source(uint32_t n) {
    in6_addr a{};
    a.s6_addr[0] = 0x20;
    a.s6_addr[1] = 0x01;
    a.s6_addr[2] = 0x0d;
    a.s6_addr[3] = 0xb8;
    a.s6_addr[12] = static_cast<uint8_t>(n >> 24);
    a.s6_addr[13] = static_cast<uint8_t>(n >> 16);
    a.s6_addr[14] = static_cast<uint8_t>(n >> 8);
    a.s6_addr[15] = static_cast<uint8_t>(n);
    return a;
}

const core::TimePoint t0 = core::TimePoint{} + std::chrono::hours(1);

}  // namespace

TEST(SourceRateLimiter, ThreePerSecondPerSource) {
    SourceRateLimiter l({3, 3}, 16);
    for (int i = 0; i < 3; i++) EXPECT_TRUE(l.allow(source(1), t0)) << i;
    EXPECT_FALSE(l.allow(source(1), t0));
    EXPECT_TRUE(l.allow(source(2), t0));  // another source has its own bucket
    EXPECT_FALSE(l.allow(source(1), t0 + milliseconds(300)));
    EXPECT_TRUE(l.allow(source(1), t0 + milliseconds(340)));  // one token back after 1/3 s
    EXPECT_FALSE(l.allow(source(1), t0 + milliseconds(350)));
    // Sustained: one every 334 ms goes through indefinitely.
    for (int i = 1; i <= 30; i++) EXPECT_TRUE(l.allow(source(1), t0 + milliseconds(340 + 334 * i))) << i;
}

TEST(SourceRateLimiter, TableNeverGrowsPastItsCapacity) {
    SourceRateLimiter l({3, 3}, 64, {10, 10});
    unsigned allowed = 0;
    // 10,000 sources within 10 ms: the table fills, the rest share 10 tokens.
    for (uint32_t n = 0; n < 10000; n++) allowed += l.allow(source(n), t0 + std::chrono::microseconds(n));
    EXPECT_EQ(l.size(), 64u);
    EXPECT_EQ(allowed, 64u + 10u);
}

TEST(SourceRateLimiter, AFloodOfNewSourcesIsThrottledAsOne) {
    // 1,000 new sources per second for 5 s against a table of 8: once the
    // table is busy the flood shares the overflow bucket (10/s), and buckets
    // are recycled only once refilled. (A registered mobile node is not
    // among these: the home agent keeps care-of addresses of bindings in a
    // limiter of their own, docs/security.md.)
    SourceRateLimiter l({3, 3}, 8, {10, 10});
    unsigned allowed = 0;
    for (int ms = 0; ms < 5000; ms++) {
        allowed += l.allow(source(static_cast<uint32_t>(ms)), t0 + milliseconds(ms));
        EXPECT_LE(l.size(), 8u);
    }
    // At most: the table's 8 sources recycled every 1/3 s (each recycling
    // takes one token) plus the overflow's 10 + 10/s.
    EXPECT_LE(allowed, 8u * 15 + 10 + 50);
    EXPECT_GT(allowed, 0u);
}

TEST(SourceRateLimiter, RefilledBucketsAreRecycled) {
    SourceRateLimiter l({3, 3}, 2, {0, 0});
    EXPECT_TRUE(l.allow(source(1), t0));
    EXPECT_TRUE(l.allow(source(2), t0));
    EXPECT_FALSE(l.allow(source(3), t0));  // full of busy sources, no overflow tokens
    // A second later source 1's bucket is full again: 3 takes its place.
    EXPECT_TRUE(l.allow(source(3), t0 + std::chrono::seconds(1)));
    EXPECT_EQ(l.size(), 2u);
}

TEST(TokenBucket, RateAndBurst) {
    TokenBucket b({2, 4}, t0);
    for (int i = 0; i < 4; i++) EXPECT_TRUE(b.take({2, 4}, t0));
    EXPECT_FALSE(b.take({2, 4}, t0));
    EXPECT_TRUE(b.take({2, 4}, t0 + milliseconds(500)));
    EXPECT_FALSE(b.take({2, 4}, t0 + milliseconds(500)));
    EXPECT_FALSE(b.full_at({2, 4}, t0 + std::chrono::seconds(2)));  // 3 of 4 back
    EXPECT_TRUE(b.full_at({2, 4}, t0 + milliseconds(2500)));
}

TEST(SourceRateLimiter, ResizedTableKeepsTheMostRecentSources) {
    SourceRateLimiter l({3, 3}, 8, {10, 10});
    // Sources 0..7 each spend their burst; 7 is the most recent.
    for (uint32_t n = 0; n < 8; n++)
        for (int i = 0; i < 3; i++) EXPECT_TRUE(l.allow(source(n), t0));
    l.set_capacity(2);
    EXPECT_EQ(l.capacity(), 2u);
    EXPECT_EQ(l.size(), 2u) << "the least recently used sources are forgotten";
    // 6 and 7 kept their empty buckets; 5 was forgotten, but the table is
    // full of busy sources: it shares the overflow bucket.
    EXPECT_FALSE(l.allow(source(7), t0));
    EXPECT_FALSE(l.allow(source(6), t0));
    EXPECT_TRUE(l.allow(source(5), t0));  // an overflow token
    EXPECT_EQ(l.size(), 2u);
    // Grown: new sources get buckets of their own again, the old ones stay.
    l.set_capacity(4);
    EXPECT_TRUE(l.allow(source(20), t0));
    EXPECT_TRUE(l.allow(source(21), t0));
    EXPECT_EQ(l.size(), 4u);
    EXPECT_FALSE(l.allow(source(7), t0)) << "a bucket kept across a resize keeps its tokens";
}
