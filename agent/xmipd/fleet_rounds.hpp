// SPDX-License-Identifier: BSD-2-Clause
// Where a fleet member's election rounds (fleet_round.hpp) run. Inline: at
// once, in the caller (unit tests, on fakes). On a thread: the daemon's
// way, so that the coordination store's latency never holds the event loop
// and the loop's work (a Binding Update's commit) never holds the lease's
// renewal: the round runs on a worker thread, its result comes back to the
// loop through an eventfd and is applied there.
#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>

#include "core/event_loop.hpp"
#include "xmipd/fleet_round.hpp"

namespace xmip::agent {

class FleetRoundRunner {
public:
    using Done = std::function<void(FleetRoundResult)>;
    virtual ~FleetRoundRunner() = default;
    // Runs one round; done gets its result on the loop's thread. At most one
    // at a time: not called while busy().
    virtual void start(FleetRoundInput in, Done done) = 0;
    virtual bool busy() const = 0;
    // No round runs after it returns (a round in flight ends first, within
    // the store's timeouts; its result is dropped): the election may then
    // be used from the loop's thread (a clean stop's resignations).
    virtual void stop() {}
};

class InlineFleetRounds : public FleetRoundRunner {
public:
    explicit InlineFleetRounds(FleetElection& e) : e_(e) {}
    void start(FleetRoundInput in, Done done) override { done(run_fleet_round(e_, in)); }
    bool busy() const override { return false; }

private:
    FleetElection& e_;
};

class ThreadedFleetRounds : public FleetRoundRunner {
public:
    // Throws when the eventfd or the thread cannot be had.
    ThreadedFleetRounds(core::EventLoop& loop, FleetElection& e);
    ~ThreadedFleetRounds() override;
    ThreadedFleetRounds(const ThreadedFleetRounds&) = delete;
    ThreadedFleetRounds& operator=(const ThreadedFleetRounds&) = delete;

    void start(FleetRoundInput in, Done done) override;
    bool busy() const override { return busy_; }
    void stop() override;

private:
    void work();      // the worker thread
    void on_ready();  // the loop: a result is there

    core::EventLoop& loop_;
    FleetElection& e_;
    int efd_ = -1;
    bool busy_ = false;  // the loop's view: started, result not applied yet
    Done done_;          // the loop's only
    std::mutex mu_;
    std::condition_variable cv_;
    std::optional<FleetRoundInput> todo_;     // guarded by mu_
    std::optional<FleetRoundResult> result_;  // guarded by mu_
    bool quit_ = false;                       // guarded by mu_
    std::thread thread_;
};

}  // namespace xmip::agent
