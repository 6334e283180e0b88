// SPDX-License-Identifier: BSD-2-Clause
// Route-optimised bindings over time: expiry (the datapath entry removed),
// and a Binding Refresh Request when a binding in use nears its end (RFC
// 6275 9.5.5: the correspondent may ask; only worth it when packets use the
// binding, which the datapath says).
#include "core/log.hpp"
#include "xmipd/cn_service.hpp"

namespace xmip::agent {

using core::to_string;

namespace {

// The request goes when a fifth of the granted lifetime is left (at least
// 2 s before the end): time for the mobile node's return routability (two
// round trips) and its BU.
core::Duration refresh_ahead(uint32_t lifetime_s) { return core::seconds(std::max<uint32_t>(2, lifetime_s / 5)); }

}  // namespace

void CnService::schedule_expiry() {
    ctx_.observe().binding_cache(cache_.size(), cfg_.max_bindings);
    ctx_.loop.timers().cancel(expiry_timer_);
    auto next = cache_.next_expiry();
    if (!next) return;
    expiry_timer_ = ctx_.loop.timers().schedule(*next, [this] {
        expiry_timer_.reset();
        for (const auto& b : cache_.expire(ctx_.loop.now())) {
            ctx_.cn_bindings->remove(b.hoa, b.cn);
            if (auto it = refresh_timers_.find(b.hoa); it != refresh_timers_.end()) {
                ctx_.loop.timers().cancel(it->second);
                refresh_timers_.erase(it);
            }
            XLOG_EVENT_INFO(({{"EVENT", "ro-expired"}, {"HOA", to_string(b.hoa)}}),
                            "route-optimised binding for %s expired", to_string(b.hoa).c_str());
        }
        schedule_expiry();
    });
}

void CnService::schedule_refresh(const cn::Binding& b) {
    if (auto it = refresh_timers_.find(b.hoa); it != refresh_timers_.end()) ctx_.loop.timers().cancel(it->second);
    const auto ahead = refresh_ahead(b.lifetime_s);
    if (core::seconds(b.lifetime_s) <= ahead) {
        refresh_timers_.erase(b.hoa);
        return;
    }
    refresh_timers_[b.hoa] = ctx_.loop.timers().schedule(b.expires - ahead, [this, hoa = b.hoa] { refresh_due(hoa); });
}

void CnService::refresh_due(const in6_addr& hoa) {
    refresh_timers_.erase(hoa);
    const cn::Binding* b = cache_.find(hoa);
    if (!b || !ctx_.cn_bindings->used_since_last_asked(hoa, b->cn)) return;
    // To the home address, without a routing header (RFC 6275 6.1: only a
    // BA may carry one): the home agent tunnels it to the mobile node.
    mh::PacketSpec spec;
    spec.src = b->cn;
    spec.dst = hoa;
    if (send_mobility(ctx_, spec, mh::BindingRefreshRequest{})) ctx_.stats.brr_sent++;
}

}  // namespace xmip::agent
