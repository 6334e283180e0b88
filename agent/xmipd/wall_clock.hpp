// SPDX-License-Identifier: BSD-2-Clause
// The state file counts in wall-clock Unix milliseconds (it outlives the
// process and the boot); the agent's timers in the monotonic clock. One place
// converts between them, at a moment where both are read.
#pragma once

#include <chrono>
#include <cstdint>

#include "core/clock.hpp"

namespace xmip::agent {

struct WallClock {
    core::TimePoint mono;
    int64_t unix_ms;

    static WallClock at(core::TimePoint mono_now) {
        auto wall = std::chrono::system_clock::now().time_since_epoch();
        return {mono_now, std::chrono::duration_cast<std::chrono::milliseconds>(wall).count()};
    }
    int64_t to_unix_ms(core::TimePoint t) const {
        return unix_ms + std::chrono::duration_cast<std::chrono::milliseconds>(t - mono).count();
    }
    core::TimePoint to_mono(int64_t ms) const { return mono + std::chrono::milliseconds(ms - unix_ms); }
};

}  // namespace xmip::agent
