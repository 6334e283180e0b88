// SPDX-License-Identifier: BSD-2-Clause
#include "xmipd/ha_fleet.hpp"

#include <algorithm>

#include "control/views.hpp"
#include "core/in6.hpp"
#include "core/log.hpp"
#include "xmipd/ha_service.hpp"

namespace xmip::agent {

using std::chrono::duration_cast;
using std::chrono::milliseconds;

HaFleet::HaFleet(Context& ctx, FleetElection& election, FleetSettings s, int home_ifindex, Hooks hooks)
    : ctx_(ctx), election_(election), s_(std::move(s)), ifindex_(home_ifindex), hooks_(std::move(hooks)) {
    schedule();
}

HaFleet::~HaFleet() { ctx_.loop.timers().cancel(timer_); }

void HaFleet::schedule() {
    ctx_.loop.timers().cancel(timer_);
    timer_ = ctx_.loop.timers().schedule(ctx_.loop.now() + s_.lease_ttl / 4, [this] {
        timer_.reset();
        tick();
        schedule();
    });
}

bool HaFleet::holds(const in6_addr& a) const {
    return std::any_of(held_.begin(), held_.end(), [&](const in6_addr& h) { return core::same_addr(h, a); });
}

std::vector<in6_addr> HaFleet::preference_order(const std::vector<std::string>& members) const {
    // Rotate the address list by this member's rank among the live ones:
    // with as many members as addresses, each starts with a different one.
    std::vector<std::string> sorted = members;
    std::sort(sorted.begin(), sorted.end());
    auto it = std::find(sorted.begin(), sorted.end(), s_.member);
    size_t rank = it == sorted.end() ? 0 : static_cast<size_t>(it - sorted.begin());
    std::vector<in6_addr> order = s_.addresses;
    if (!order.empty()) std::rotate(order.begin(), order.begin() + static_cast<long>(rank % order.size()), order.end());
    return order;
}

void HaFleet::tick() {
    const auto now = ctx_.loop.now();
    std::optional<std::vector<std::string>> members;
    if (election_.renew()) members = election_.members();
    if (!members) {
        if (reachable_)
            XLOG_WARN("fleet: the coordination store does not answer: registrations refused (130), forwarding goes on");
        reachable_ = false;
        // The store expires the lease at last_renewed + TTL at the earliest;
        // give up before the next tick could come too late.
        if (!held_.empty() &&
            (!last_renewed_ || now + s_.lease_ttl / 4 + s_.lease_ttl / 8 >= *last_renewed_ + s_.lease_ttl)) {
            auto held = held_;
            for (const auto& a : held) release(a, "the lease cannot be renewed");
        }
        holders_.clear();  // not known any more
        observe();
        return;
    }
    if (!reachable_) XLOG_INFO("fleet: member %s, coordination store reachable", s_.member.c_str());
    reachable_ = true;
    last_renewed_ = now;
    members_ = *members;
    if (std::find(members_.begin(), members_.end(), s_.member) == members_.end()) members_.push_back(s_.member);

    // Still the holder of what we hold? (A lease that expired while we
    // could not tell: another agent holds it now.)
    for (const auto& a : std::vector<in6_addr>(held_)) {
        auto h = election_.holder(a);
        if (h && *h != s_.member) release(a, "another member holds it");
    }
    const size_t n = std::max<size_t>(members_.size(), 1);
    const size_t share = (s_.addresses.size() + n - 1) / n;
    auto order = preference_order(members_);
    // Above the share (a member joined): give back the least preferred one.
    for (auto it = order.rbegin(); it != order.rend() && held_.size() > share; ++it) {
        if (!holds(*it)) continue;
        in6_addr a = *it;
        release(a, "above this member's share");
        election_.resign(a);
    }
    for (const auto& a : order) {
        if (holds(a)) continue;
        if (held_.size() >= share) break;
        auto won = election_.campaign(a);
        if (won && *won) take(a);
    }
    holders_.clear();
    for (const auto& a : s_.addresses) {
        auto h = holds(a) ? std::optional<std::string>(s_.member) : election_.holder(a);
        holders_.emplace_back(a, h.value_or(""));
    }
    observe();
}

void HaFleet::observe() const {
    ctx_.observe().fleet_round(members_.size(), reachable_);
    for (const auto& a : s_.addresses) {
        bool has = holds(a);
        for (const auto& h : holders_)
            if (core::same_addr(h.first, a) && !h.second.empty()) has = true;
        ctx_.observe().fleet_address(core::to_string(a), holds(a), has);
    }
}

void HaFleet::take(const in6_addr& a) {
    netlink::AddrOptions o;
    o.nodad = true;  // the election, not DAD, decides who has it
    try {
        ctx_.kernel.add_addr(ifindex_, a, s_.prefix_len, o);
    } catch (const std::exception& e) {
        XLOG_ERROR("fleet: cannot add %s to the home link: %s", core::to_string(a).c_str(), e.what());
        election_.resign(a);
        return;
    }
    ctx_.tunnels.add_local(a, LocalAddress::TunnelEnd);
    held_.push_back(a);
    // Neighbours that cached the old holder's link-layer address for the
    // home agent address, and for every home address it defended, switch
    // to this agent now (override set).
    hooks_.claim(a);
    size_t n = 0;
    for (const auto& d : hooks_.defended(a)) {
        ctx_.kernel.add_proxy_neigh(ifindex_, d.hoa);
        hooks_.claim(d.hoa);
        if (d.link_local) {
            in6_addr ll = link_local_of(d.hoa);
            ctx_.kernel.add_proxy_neigh(ifindex_, ll);
            hooks_.claim(ll);
        }
        n++;
    }
    XLOG_INFO("fleet: %s holds %s, defends %zu home addresses", s_.member.c_str(), core::to_string(a).c_str(), n);
    if (hooks_.holdings_changed) hooks_.holdings_changed();
}

void HaFleet::release(const in6_addr& a, const char* why) {
    std::erase_if(held_, [&](const in6_addr& h) { return core::same_addr(h, a); });
    for (const auto& d : hooks_.defended(a)) {
        ctx_.kernel.del_proxy_neigh(ifindex_, d.hoa);
        if (d.link_local) ctx_.kernel.del_proxy_neigh(ifindex_, link_local_of(d.hoa));
    }
    try {
        ctx_.kernel.del_addr(ifindex_, a, s_.prefix_len);
    } catch (const std::exception& e) {
        XLOG_ERROR("fleet: cannot remove %s from the home link: %s", core::to_string(a).c_str(), e.what());
    }
    XLOG_WARN("fleet: %s gives up %s: %s", s_.member.c_str(), core::to_string(a).c_str(), why);
    if (hooks_.holdings_changed) hooks_.holdings_changed();
}

void HaFleet::resign_all() {
    for (const auto& a : std::vector<in6_addr>(held_)) {
        release(a, "stopping");
        election_.resign(a);
    }
}

nlohmann::json HaFleet::view() const {
    control::ClusterView v;
    v.member = s_.member;
    v.members = members_;
    v.store_reachable = reachable_;
    v.lease_ttl_ms = static_cast<long>(s_.lease_ttl.count());
    if (last_renewed_)
        v.lease_renewed_ms_ago =
            static_cast<long>(duration_cast<milliseconds>(ctx_.loop.now() - *last_renewed_).count());
    v.addresses = nlohmann::json::array();
    for (const auto& a : s_.addresses) {
        control::ClusterAddress e;
        e.address = core::to_string(a);
        e.held_here = holds(a);
        for (const auto& h : holders_)
            if (core::same_addr(h.first, a)) e.holder = h.second;
        if (e.held_here) e.holder = s_.member;
        v.addresses.push_back(e);
    }
    return v;
}

}  // namespace xmip::agent
