// SPDX-License-Identifier: BSD-2-Clause
// The fleet's shared binding cache (docs/scale-out.md, "Shared bindings"):
// what the other members commit to the binding store reaches this one
// through the store's watch (SharedBindings port) and goes into its cache
// and its datapath map. Every member then encapsulates for and
// decapsulates from every mobile node, and checks a mobile node's next
// Binding Update against the sequence number another member accepted; the
// member that takes over a home agent address already has its bindings.
//
// The home link is the holder's alone: proxy entries and unsolicited
// advertisements for a home address exist only on the member holding the
// address its binding was registered with (HaFleet adds them when it wins
// the address, removes them when it gives it up). Nothing here writes the
// store: the change is already in it.
#include <algorithm>
#include <unordered_set>

#include "core/log.hpp"
#include "xmipd/ha_service.hpp"
#include "xmipd/wall_clock.hpp"

namespace xmip::agent {

using core::to_string;

bool HaService::defends_here(const in6_addr& ha_addr) const {
    if (fleet_member_) return fleet_ && fleet_->holds(ha_addr);
    return core::same_addr(ha_addr, ha_addr_);
}

void HaService::share_bindings(SharedBindings& shared) {
    sharing_ = true;
    shared.follow([this](const SharedChanges& c) { apply_shared(c); });
}

void HaService::apply_shared(const SharedChanges& c) {
    for (const auto& e : c.errors) XLOG_WARN("shared binding store: %s: skipped", e.c_str());
    const auto now = ctx_.loop.now();
    const int64_t now_unix_ms = WallClock::at(now).unix_ms;
    if (c.whole) {
        // The store read again: what it no longer holds is gone, except a
        // change of this agent's own that waits for its transaction.
        std::unordered_set<in6_addr, core::In6Hash, core::In6Equal> in_store;
        for (const auto& b : c.put) in_store.insert(b.hoa);
        for (const auto& b : cache_.bindings())
            if (!b.pending_dad && !in_store.count(b.hoa) && !unsaved_.count(b.hoa)) drop_shared(b.hoa);
    }
    for (const auto& r : c.put) install_shared(r, now, now_unix_ms);
    for (const auto& hoa : c.erase) drop_shared(hoa);
    schedule_expiry();
    // The watch lag: the writer's commit to this agent's maps (both wall
    // clocks: as good as their NTP; a negative difference is skew, 0).
    // A re-read's bindings were written any time before: not a lag.
    if (c.whole) return;
    const int64_t applied = WallClock::at(ctx_.loop.now()).unix_ms;
    std::optional<int64_t> worst;
    for (int64_t w : c.written_unix_ms)
        if (w > 0) worst = std::max(worst.value_or(0), std::max<int64_t>(applied - w, 0));
    if (!worst) return;
    watch_lag_ms_ = static_cast<long>(*worst);
    ctx_.observe().watch_lag(std::chrono::milliseconds(*worst));
    XLOG_DEBUG("shared binding store: %zu bindings in, %zu out, watch lag %lld ms", c.put.size(), c.erase.size(),
               static_cast<long long>(*worst));
}

void HaService::install_shared(const state::HaBinding& r, core::TimePoint now, int64_t now_unix_ms) {
    const WallClock clock{now, now_unix_ms};
    ha::Binding b;
    b.hoa = r.hoa;
    b.coa = r.coa;
    b.ha_addr = r.ha_addr;
    b.seq = r.seq;
    b.lifetime_s = r.lifetime_s;
    b.registered = clock.to_mono(r.registered_ms);
    b.expires = clock.to_mono(r.expires_ms);
    b.seq_known = r.seq_known;
    b.link_local = r.link_local;
    if (b.expires <= now) {  // over already (a slow watch, a skewed clock): as the store's lease will say
        drop_shared(b.hoa);
        return;
    }
    std::optional<ha::Binding> before;
    if (const ha::Binding* p = cache_.find(b.hoa); p && !p->pending_dad) before = *p;
    // Another member's commit is the store's truth, over a change of this
    // agent's that could not be written (its transaction failed).
    unsaved_.erase(b.hoa);
    cache_.restore(b);
    refresh_.schedule(b);
    const bool moved = !before || !core::same_addr(before->coa, b.coa) || !core::same_addr(before->ha_addr, b.ha_addr);
    const bool defended_before = before && defends_here(before->ha_addr);
    const bool defend = defends_here(b.ha_addr);
    const in6_addr ll = link_local_of(b.hoa);
    try {
        if (moved) ctx_.tunnels.set(b.hoa, Tunnel{b.ha_addr, b.coa});
        if (defend && (!defended_before || moved || before->link_local != b.link_local)) {
            // Registered with an address held here (a holder that lost it
            // committed late, or a member that shares the address list):
            // this member answers for it on the home link.
            ctx_.kernel.add_proxy_neigh(home_ifindex_, b.hoa);
            if (b.link_local)
                ctx_.kernel.add_proxy_neigh(home_ifindex_, ll);
            else if (defended_before && before->link_local)
                ctx_.kernel.del_proxy_neigh(home_ifindex_, ll);
            home_link_->claim(b.hoa);
            if (b.link_local) home_link_->claim(ll);
        } else if (!defend && defended_before) {
            ctx_.kernel.del_proxy_neigh(home_ifindex_, b.hoa);
            if (before->link_local) ctx_.kernel.del_proxy_neigh(home_ifindex_, ll);
        }
    } catch (const std::exception& e) {
        // The cache keeps it (the next BU is checked against its sequence
        // number); forwarding waits for the next change or a takeover.
        XLOG_ERROR("shared binding %s -> %s: cannot be put in this member's datapath: %s", to_string(b.hoa).c_str(),
                   to_string(b.coa).c_str(), e.what());
    }
}

void HaService::drop_shared(const in6_addr& hoa) {
    const ha::Binding* p = cache_.find(hoa);
    if (!p || p->pending_dad) return;
    const ha::Binding b = *p;
    cache_.remove(hoa);
    refresh_.cancel(hoa);
    unsaved_.erase(hoa);
    try {
        ctx_.tunnels.remove(hoa);
        if (defends_here(b.ha_addr)) {
            ctx_.kernel.del_proxy_neigh(home_ifindex_, hoa);
            if (b.link_local) ctx_.kernel.del_proxy_neigh(home_ifindex_, link_local_of(hoa));
        }
    } catch (const std::exception& e) {
        XLOG_ERROR("shared binding %s ended: cannot remove it from this member's datapath: %s", to_string(hoa).c_str(),
                   e.what());
    }
}

}  // namespace xmip::agent
