// SPDX-License-Identifier: BSD-2-Clause
// One-shot timers ordered by deadline. The event loop sleeps until
// next_deadline() and calls run_due(); tests call run_due() after moving a
// FakeTime. Callbacks may schedule and cancel timers, including their own.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <unordered_map>

#include "core/clock.hpp"

namespace xmip::core {

class Timers {
public:
    using Id = uint64_t;
    using Callback = std::function<void()>;

    Id schedule(TimePoint when, Callback cb);
    // Returns false if the timer already ran or was cancelled (not an error).
    bool cancel(Id id);
    // Cancels *id if set and clears it: the common "rearm" pattern.
    void cancel(std::optional<Id>& id);
    // Runs, in deadline order, every timer due at or before now.
    size_t run_due(TimePoint now);
    std::optional<TimePoint> next_deadline() const;
    size_t pending() const { return by_id_.size(); }

private:
    using Key = std::pair<TimePoint, Id>;  // Id breaks ties: FIFO for equal deadlines
    std::map<Key, Callback> queue_;
    std::unordered_map<Id, TimePoint> by_id_;
    Id next_id_ = 1;
};

}  // namespace xmip::core
