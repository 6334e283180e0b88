// SPDX-License-Identifier: BSD-2-Clause
// Binding Refresh Requests (RFC 6275 10.3.1): one per binding, when a tenth
// of its lifetime is left (at least 2 s before the end), so a mobile node
// that lost track of its refresh timer keeps its binding.
#pragma once

#include <functional>
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

private:
    core::EventLoop& loop_;
    std::function<void(const in6_addr&)> send_;
    std::unordered_map<in6_addr, core::Timers::Id, core::In6Hash, core::In6Equal> timers_;
};

}  // namespace xmip::agent
