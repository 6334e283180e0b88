// SPDX-License-Identifier: BSD-2-Clause
#include "core/expiry_index.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>

#include "core/clock.hpp"

using namespace xmip::core;

namespace {
in6_addr addr(const char* s) {
    in6_addr a{};
    inet_pton(AF_INET6, s, &a);
    return a;
}
}  // namespace

TEST(ExpiryIndex, EarliestFirstAndDueAtItsTimeNotBefore) {
    FakeTime t;
    ExpiryIndex ix;
    EXPECT_FALSE(ix.next());
    ix.add(t.now() + seconds(5), addr("2001:db8::5"));
    ix.add(t.now() + seconds(2), addr("2001:db8::2"));
    EXPECT_EQ(*ix.next(), t.now() + seconds(2));
    EXPECT_FALSE(ix.first_due(t.now() + seconds(1)));
    auto due = ix.first_due(t.now() + seconds(2));  // due at exactly its time
    ASSERT_TRUE(due);
    EXPECT_TRUE(In6Equal()(*due, addr("2001:db8::2")));
    EXPECT_EQ(ix.size(), 2u);  // first_due does not take it out
}

TEST(ExpiryIndex, EqualTimesKeepEveryAddressInAddressOrder) {
    FakeTime t;
    ExpiryIndex ix;
    auto when = t.now() + seconds(3);
    ix.add(when, addr("2001:db8::b"));
    ix.add(when, addr("2001:db8::a"));
    EXPECT_EQ(ix.size(), 2u);
    EXPECT_TRUE(In6Equal()(*ix.first_due(when), addr("2001:db8::a")));
    ix.remove(when, addr("2001:db8::a"));
    EXPECT_TRUE(In6Equal()(*ix.first_due(when), addr("2001:db8::b")));
}

TEST(ExpiryIndex, RemoveTakesOnlyTheEntryWithThatTime) {
    FakeTime t;
    ExpiryIndex ix;
    ix.add(t.now() + seconds(3), addr("2001:db8::1"));
    ix.remove(t.now() + seconds(4), addr("2001:db8::1"));  // a stale time: nothing
    EXPECT_EQ(ix.size(), 1u);
    ix.remove(t.now() + seconds(3), addr("2001:db8::1"));
    EXPECT_TRUE(ix.empty());
    EXPECT_FALSE(ix.next());
}
