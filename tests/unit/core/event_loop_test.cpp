// SPDX-License-Identifier: BSD-2-Clause
// The event loop's dispatch hooks: one "before" and one "after" around all
// that a wakeup dispatches, descriptors and due timers alike (the home
// agent commits its state file once per wakeup on them).
#include "core/event_loop.hpp"

#include <gtest/gtest.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <string>

using namespace xmip::core;
using namespace std::chrono_literals;

namespace {

TEST(EventLoopTest, HooksEncloseDescriptorsAndTimersOfOneWakeup) {
    SystemTime time;
    EventLoop loop(time);
    std::string trace;
    loop.set_dispatch_hooks([&] { trace += "["; }, [&] { trace += "]"; });
    int a = eventfd(1, EFD_NONBLOCK), b = eventfd(1, EFD_NONBLOCK);
    ASSERT_GE(a, 0);
    ASSERT_GE(b, 0);
    uint64_t v;
    loop.add_fd(a, [&] { trace += "a"; (void)!read(a, &v, sizeof v); });
    loop.add_fd(b, [&] { trace += "b"; (void)!read(b, &v, sizeof v); });
    loop.timers().schedule(loop.now(), [&] { trace += "t"; });
    loop.timers().schedule(loop.now(), [&] { trace += "u"; });
    loop.run_once(1s);
    // Both descriptors in either order, then both timers, in one batch.
    EXPECT_TRUE(trace == "[abtu]" || trace == "[batu]") << trace;
    loop.run_once(0ms);  // an empty wakeup is an empty batch
    EXPECT_EQ(trace.substr(6), "[]");
    close(a);
    close(b);
}

// A handler that throws ends its own work, not the batch: "after" still runs.
TEST(EventLoopTest, AfterHookRunsWhenAHandlerThrows) {
    SystemTime time;
    EventLoop loop(time);
    int after = 0;
    loop.set_dispatch_hooks(nullptr, [&] { after++; });
    loop.timers().schedule(loop.now(), [] { throw std::runtime_error("handler failed"); });
    loop.run_once(0ms);
    EXPECT_EQ(after, 1);
}

}  // namespace
