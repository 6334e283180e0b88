// SPDX-License-Identifier: BSD-2-Clause
#include "core/timers.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "core/clock.hpp"
#include "core/event_loop.hpp"

using namespace xmip::core;

TEST(Timers, RunInDeadlineOrderAndOnlyWhenDue) {
    FakeTime t;
    Timers timers;
    std::vector<int> ran;
    timers.schedule(t.now() + seconds(3), [&] { ran.push_back(3); });
    timers.schedule(t.now() + seconds(1), [&] { ran.push_back(1); });
    timers.schedule(t.now() + seconds(2), [&] { ran.push_back(2); });
    EXPECT_EQ(timers.run_due(t.now()), 0u);
    t.advance(seconds(2));
    EXPECT_EQ(timers.run_due(t.now()), 2u);
    EXPECT_EQ(ran, (std::vector<int>{1, 2}));
    EXPECT_EQ(*timers.next_deadline(), t.now() + seconds(1));
}

TEST(Timers, EqualDeadlinesRunInScheduleOrder) {
    FakeTime t;
    Timers timers;
    std::vector<int> ran;
    for (int i = 0; i < 5; i++) timers.schedule(t.now(), [&, i] { ran.push_back(i); });
    timers.run_due(t.now());
    EXPECT_EQ(ran, (std::vector<int>{0, 1, 2, 3, 4}));
}

TEST(Timers, CancelledTimerNeverRuns) {
    FakeTime t;
    Timers timers;
    bool ran = false;
    std::optional<Timers::Id> id = timers.schedule(t.now() + seconds(1), [&] { ran = true; });
    timers.cancel(id);
    EXPECT_FALSE(id.has_value());
    t.advance(seconds(5));
    timers.run_due(t.now());
    EXPECT_FALSE(ran);
    EXPECT_FALSE(timers.cancel(Timers::Id{12345}));
}

TEST(Timers, CallbackMayRescheduleItselfWithoutLoopingForever) {
    FakeTime t;
    Timers timers;
    int runs = 0;
    std::function<void()> tick = [&] {
        runs++;
        timers.schedule(t.now() + seconds(1), tick);
    };
    timers.schedule(t.now(), tick);
    timers.run_due(t.now());  // runs once: the rescheduled one is in the future
    EXPECT_EQ(runs, 1);
    t.advance(seconds(1));
    timers.run_due(t.now());
    EXPECT_EQ(runs, 2);
}

TEST(EventLoop, FiresTimersOnRealTime) {
    SystemTime real;
    EventLoop loop(real);
    bool fired = false;
    loop.timers().schedule(real.now() + milliseconds(20), [&] { fired = true; });
    auto start = real.now();
    while (!fired && real.now() - start < seconds(2)) loop.run_once(milliseconds(100));
    EXPECT_TRUE(fired);
}
