// SPDX-License-Identifier: BSD-2-Clause
#include "xmipd/fleet_rounds.hpp"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

namespace xmip::agent {

ThreadedFleetRounds::ThreadedFleetRounds(core::EventLoop& loop, FleetElection& e) : loop_(loop), e_(e) {
    efd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (efd_ < 0) throw std::runtime_error(std::string("fleet: eventfd: ") + std::strerror(errno));
    loop_.add_fd(efd_, [this] { on_ready(); });
    thread_ = std::thread([this] { work(); });
}

ThreadedFleetRounds::~ThreadedFleetRounds() { stop(); }

void ThreadedFleetRounds::start(FleetRoundInput in, Done done) {
    if (busy_ || !thread_.joinable()) return;
    busy_ = true;
    done_ = std::move(done);
    {
        std::lock_guard<std::mutex> l(mu_);
        todo_ = std::move(in);
    }
    cv_.notify_one();
}

void ThreadedFleetRounds::work() {
    for (;;) {
        FleetRoundInput in;
        {
            std::unique_lock<std::mutex> l(mu_);
            cv_.wait(l, [this] { return quit_ || todo_.has_value(); });
            if (quit_) return;
            in = std::move(*todo_);
            todo_.reset();
        }
        FleetRoundResult r = run_fleet_round(e_, in);
        {
            std::lock_guard<std::mutex> l(mu_);
            result_ = std::move(r);
        }
        const uint64_t one = 1;
        (void)!::write(efd_, &one, sizeof one);
    }
}

void ThreadedFleetRounds::on_ready() {
    uint64_t n;
    (void)!::read(efd_, &n, sizeof n);
    std::optional<FleetRoundResult> r;
    {
        std::lock_guard<std::mutex> l(mu_);
        r.swap(result_);
    }
    if (!r || !busy_) return;
    busy_ = false;
    auto done = std::move(done_);
    done_ = nullptr;
    if (done) done(std::move(*r));
}

void ThreadedFleetRounds::stop() {
    if (thread_.joinable()) {
        {
            std::lock_guard<std::mutex> l(mu_);
            quit_ = true;
        }
        cv_.notify_one();
        thread_.join();
    }
    if (efd_ >= 0) {
        loop_.remove_fd(efd_);
        ::close(efd_);
        efd_ = -1;
    }
    busy_ = false;
    done_ = nullptr;
}

}  // namespace xmip::agent
