// SPDX-License-Identifier: BSD-2-Clause
#include "xmipd/ha_refresh.hpp"

namespace xmip::agent {

using std::chrono::seconds;

RefreshRequests::~RefreshRequests() {
    for (auto& [hoa, e] : entries_) loop_.timers().cancel(e.timer);
}

void RefreshRequests::cancel(const in6_addr& hoa) {
    if (auto it = entries_.find(hoa); it != entries_.end()) {
        loop_.timers().cancel(it->second.timer);
        entries_.erase(it);
    }
}

std::optional<core::TimePoint> RefreshRequests::due(const in6_addr& hoa) const {
    auto it = entries_.find(hoa);
    if (it == entries_.end()) return std::nullopt;
    return it->second.due;
}

void RefreshRequests::schedule(const ha::Binding& b) {
    auto margin = std::max<core::Duration>(seconds(2), seconds(b.lifetime_s) / 10);
    if (seconds(b.lifetime_s) <= margin) {
        cancel(b.hoa);
        return;
    }
    const core::TimePoint due = b.expires - margin;
    auto [it, fresh] = entries_.try_emplace(b.hoa);
    Entry& e = it->second;
    e.due = due;
    if (!fresh && e.armed <= due) return;  // the armed timer comes first and re-arms for due
    if (!fresh) loop_.timers().cancel(e.timer);
    arm(b.hoa, e);
}

void RefreshRequests::arm(const in6_addr& hoa, Entry& e) {
    e.armed = e.due;
    e.timer = loop_.timers().schedule(e.due, [this, hoa] { fire(hoa); });
}

void RefreshRequests::fire(const in6_addr& hoa) {
    auto it = entries_.find(hoa);
    if (it == entries_.end()) return;
    if (it->second.due > loop_.now()) {  // refreshed since it was armed
        arm(hoa, it->second);
        return;
    }
    entries_.erase(it);
    send_(hoa);
}

}  // namespace xmip::agent
