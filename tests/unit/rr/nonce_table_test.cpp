// SPDX-License-Identifier: BSD-2-Clause
// The correspondent's nonce table on a fake clock: rotation, the index,
// acceptance until MAX_NONCE_LIFETIME and not after, the bound on its size.
#include "rr/nonce_table.hpp"

#include <gtest/gtest.h>

using namespace xmip;
using namespace std::chrono_literals;

namespace {

// Nonces 1, 2, 3...: each new one is distinguishable.
struct Counter {
    uint8_t n = 0;
    void operator()(rr::Nonce& out) {
        out.fill(0);
        out[7] = ++n;
    }
};

core::TimePoint t0() { return core::TimePoint{} + 1h; }

}  // namespace

TEST(NonceTable, HandsOutOneNonceUntilItIsDueForRotation) {
    rr::NonceTable t(Counter{}, 30s, 7);
    auto a = t.current(t0());
    EXPECT_EQ(a.index, 7);
    EXPECT_EQ(a.nonce[7], 1);
    auto b = t.current(t0() + 29s);
    EXPECT_EQ(b.index, 7);
    EXPECT_EQ(b.nonce, a.nonce);
    auto c = t.current(t0() + 30s);
    EXPECT_EQ(c.index, 8);
    EXPECT_EQ(c.nonce[7], 2);
    EXPECT_EQ(t.size(), 2u);
}

TEST(NonceTable, AcceptsAnIndexUntilMaxNonceLifetimeAfterItWasMade) {
    rr::NonceTable t(Counter{}, 30s);
    auto a = t.current(t0());
    t.current(t0() + 100s);  // rotated meanwhile: the old one is still good
    ASSERT_TRUE(t.find(a.index, t0() + 239s).has_value());
    EXPECT_EQ(*t.find(a.index, t0() + 239s), a.nonce);
    EXPECT_FALSE(t.find(a.index, t0() + 240s).has_value());                           // MAX_NONCE_LIFETIME
    EXPECT_FALSE(t.find(static_cast<uint16_t>(a.index + 5), t0() + 1s).has_value());  // never issued
}

TEST(NonceTable, ATokenHandedOutLastIsStillGoodForMaxTokenLifetime) {
    // The default rotation leaves every nonce handed out acceptable for
    // MAX_TOKEN_LIFETIME after its last hand-out (RFC 6275 5.2.7).
    rr::NonceTable t(Counter{});
    auto a = t.current(t0());
    auto last = t0() + rr::kDefaultNonceRotation - 1s;
    EXPECT_EQ(t.current(last).index, a.index);
    EXPECT_TRUE(t.find(a.index, last + rr::kMaxTokenLifetime).has_value());
}

TEST(NonceTable, ExpiredNoncesAreDroppedAndTheTableStaysBounded) {
    rr::NonceTable t(Counter{}, 10s);
    for (int i = 0; i < 1000; i++) t.current(t0() + std::chrono::seconds(10 * i));
    EXPECT_LE(t.size(), 240u / 10u + 1u);
}

TEST(NonceTable, RotationIsClampedToMaxNonceLifetime) {
    rr::NonceTable t(Counter{}, 10000s);
    EXPECT_EQ(t.rotate_every(), rr::kMaxNonceLifetime);
    auto a = t.current(t0());
    EXPECT_NE(t.current(t0() + 240s).index, a.index);
}

TEST(NonceTable, IndicesWrapModulo65536) {
    rr::NonceTable t(Counter{}, 1s, 0xffff);
    EXPECT_EQ(t.current(t0()).index, 0xffff);
    EXPECT_EQ(t.current(t0() + 1s).index, 0);
    EXPECT_TRUE(t.find(0xffff, t0() + 1s).has_value());
}
