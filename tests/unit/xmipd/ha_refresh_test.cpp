// SPDX-License-Identifier: BSD-2-Clause
// Binding Refresh Requests' timing (agent/xmipd/ha_refresh.cpp) on the fake
// clock: when the request goes out, that a refresh moves it later without
// re-arming a timer each time, that a shorter lifetime brings it forward.
#include <gtest/gtest.h>

#include "fakes.hpp"
#include "xmipd/ha_refresh.hpp"

namespace xmip::agent::test {
namespace {

using namespace std::chrono_literals;

const in6_addr kHoa = addr("2001:db8:1::10");

class RefreshRequestsTest : public ::testing::Test {
protected:
    World w;
    std::vector<std::string> sent;
    RefreshRequests r{w.loop, [this](const in6_addr& a) { sent.push_back(str(a)); }};
    core::TimePoint t0 = w.loop.now();

    ha::Binding bound_for(uint32_t lifetime_s) {
        ha::Binding b;
        b.hoa = kHoa;
        b.lifetime_s = lifetime_s;
        b.registered = w.loop.now();
        b.expires = w.loop.now() + std::chrono::seconds(lifetime_s);
        return b;
    }
};

TEST_F(RefreshRequestsTest, GoesOutATenthOfTheLifetimeBeforeTheEnd) {
    r.schedule(bound_for(100));
    w.advance(89s);
    EXPECT_TRUE(sent.empty());
    w.advance(1s);
    EXPECT_EQ(sent, std::vector<std::string>{str(kHoa)});
    w.advance(100s);
    EXPECT_EQ(sent.size(), 1u) << "once";
}

TEST_F(RefreshRequestsTest, RefreshesMoveItLaterWithoutArmingATimerEach) {
    r.schedule(bound_for(100));  // due at +90
    for (int i = 0; i < 50; i++) {
        w.advance(1s);
        r.schedule(bound_for(100));  // the mobile node refreshes: due at now + 90
    }
    EXPECT_EQ(*r.due(kHoa), t0 + 140s);
    EXPECT_EQ(w.loop.timers().pending(), 1u);
    EXPECT_EQ(*w.loop.timers().next_deadline(), t0 + 90s) << "the first timer stands; refreshes armed none";
    w.advance(40s);  // +90: the timer finds the later due time and re-arms
    EXPECT_TRUE(sent.empty());
    EXPECT_EQ(*w.loop.timers().next_deadline(), t0 + 140s);
    w.advance(49s);
    EXPECT_TRUE(sent.empty());
    w.advance(1s);
    EXPECT_EQ(sent.size(), 1u);
    EXPECT_FALSE(r.due(kHoa));
}

TEST_F(RefreshRequestsTest, AShorterLifetimeBringsItForward) {
    r.schedule(bound_for(100));  // due at +90
    w.advance(10s);
    r.schedule(bound_for(20));  // expires at +30, 2 s margin: due at +28
    w.advance(17s);
    EXPECT_TRUE(sent.empty());
    w.advance(1s);
    EXPECT_EQ(sent.size(), 1u);
    w.advance(100s);
    EXPECT_EQ(sent.size(), 1u) << "not again at +90";
    EXPECT_EQ(w.loop.timers().pending(), 0u);
}

TEST_F(RefreshRequestsTest, CancelledOrTooShortSendsNothing) {
    r.schedule(bound_for(100));
    r.cancel(kHoa);
    EXPECT_EQ(w.loop.timers().pending(), 0u);
    r.schedule(bound_for(2));  // no room for a request before the end
    EXPECT_FALSE(r.due(kHoa));
    w.advance(200s);
    EXPECT_TRUE(sent.empty());
}

}  // namespace
}  // namespace xmip::agent::test
