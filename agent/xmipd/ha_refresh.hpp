// SPDX-License-Identifier: BSD-2-Clause
// Binding Refresh Requests (RFC 6275 10.3.1): one per binding, when a tenth
// of its lifetime is left (at least 2 s before the end), so a mobile node
// that lost track of its refresh timer keeps its binding.
//
// A refresh moves the request later, and refreshes are the home agent's
// commonest event: instead of a timer cancelled and scheduled again on each
// one (two tree operations, a callback and a hash node allocated and freed:
// 8 % of an authenticated refresh's CPU at 10^5 bindings, docs/performance.md),
// a refresh only writes the new due time; the timer armed for the older,
// earlier time finds it when it fires and re-arms for it. Only a due time
// earlier than the armed one (a shorter lifetime) re-arms at once.
#pragma once

#include <functional>
#include <optional>
#include <unordered_map>

#include "core/event_loop.hpp"
#include "core/in6.hpp"
#include "ha/binding_cache.hpp"

namespace xmip::agent {

class RefreshRequests {
public:
    // send: sends the request for a home address (when it is still bound).
    RefreshRequests(core::EventLoop& loop, std::function<void(const in6_addr&)> send)
        : loop_(loop), send_(std::move(send)) {}
    ~RefreshRequests();
    RefreshRequests(const RefreshRequests&) = delete;
    RefreshRequests& operator=(const RefreshRequests&) = delete;

    void schedule(const ha::Binding& b);  // replaces the binding's earlier one
    void cancel(const in6_addr& hoa);
    // When the request for hoa is due (tests, mipctl), if one is.
    std::optional<core::TimePoint> due(const in6_addr& hoa) const;

private:
    struct Entry {
        core::TimePoint due{};    // when the request goes out
        core::TimePoint armed{};  // the armed timer's time: never after due
        core::Timers::Id timer = 0;
    };
    void arm(const in6_addr& hoa, Entry& e);
    void fire(const in6_addr& hoa);

    core::EventLoop& loop_;
    std::function<void(const in6_addr&)> send_;
    std::unordered_map<in6_addr, Entry, core::In6Hash, core::In6Equal> entries_;
};

}  // namespace xmip::agent
