// SPDX-License-Identifier: BSD-2-Clause
// Time as the agent's state machines see it: injected, so tests advance a
// fake clock instead of sleeping.
#pragma once

#include <chrono>

namespace xmip::core {

using Clock = std::chrono::steady_clock;
using TimePoint = Clock::time_point;
using Duration = Clock::duration;
using std::chrono::milliseconds;
using std::chrono::seconds;

class TimeSource {
public:
    virtual ~TimeSource() = default;
    virtual TimePoint now() const = 0;
};

class SystemTime final : public TimeSource {
public:
    TimePoint now() const override { return Clock::now(); }
};

// For tests: time moves only when told.
class FakeTime final : public TimeSource {
public:
    explicit FakeTime(TimePoint start = TimePoint{} + std::chrono::hours(1)) : now_(start) {}
    TimePoint now() const override { return now_; }
    void advance(Duration d) { now_ += d; }

private:
    TimePoint now_;
};

}  // namespace xmip::core
