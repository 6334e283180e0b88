// SPDX-License-Identifier: BSD-2-Clause
#include "xmipd/ha_refresh.hpp"

namespace xmip::agent {

using std::chrono::seconds;

RefreshRequests::~RefreshRequests() {
    for (auto& [hoa, t] : timers_) loop_.timers().cancel(t);
}

void RefreshRequests::cancel(const in6_addr& hoa) {
    if (auto it = timers_.find(hoa); it != timers_.end()) {
        loop_.timers().cancel(it->second);
        timers_.erase(it);
    }
}

void RefreshRequests::schedule(const ha::Binding& b) {
    cancel(b.hoa);
    auto margin = std::max<core::Duration>(seconds(2), seconds(b.lifetime_s) / 10);
    if (seconds(b.lifetime_s) <= margin) return;
    in6_addr hoa = b.hoa;
    timers_[hoa] = loop_.timers().schedule(b.expires - margin, [this, hoa] {
        timers_.erase(hoa);
        send_(hoa);
    });
}

}  // namespace xmip::agent
