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

HaFleet::HaFleet(Context& ctx, FleetElection& election, FleetSettings s, int home_ifindex, Hooks hooks,
                 std::unique_ptr<FleetRoundRunner> rounds, const FleetLiveness* liveness)
    : ctx_(ctx),
      election_(election),
      s_(std::move(s)),
      ifindex_(home_ifindex),
      hooks_(std::move(hooks)),
      rounds_(rounds ? std::move(rounds) : std::make_unique<InlineFleetRounds>(election)),
      liveness_(s_.failure_detection.count() > 0 ? liveness : nullptr) {
    schedule();
    schedule_check();
}

HaFleet::~HaFleet() {
    ctx_.loop.timers().cancel(timer_);
    ctx_.loop.timers().cancel(check_timer_);
    rounds_->stop();  // its result would come back to a dead object
}

void HaFleet::schedule() {
    ctx_.loop.timers().cancel(timer_);
    timer_ = ctx_.loop.timers().schedule(ctx_.loop.now() + s_.lease_ttl / 4, [this] {
        timer_.reset();
        tick();
        schedule();
    });
}

void HaFleet::schedule_check() {
    if (!liveness_) return;
    const auto every = std::max(s_.failure_detection / 4, milliseconds(10));
    check_timer_ = ctx_.loop.timers().schedule(ctx_.loop.now() + every, [this] {
        check_timer_.reset();
        check_peers();
        schedule_check();
    });
}

bool HaFleet::holds_any(const std::string& member) const {
    return std::any_of(holders_.begin(), holders_.end(), [&](const auto& h) { return h.second == member; });
}

void HaFleet::check_peers() {
    if (!liveness_) return;
    // The members the store knows: one that left (its lease gone) may
    // still be remembered as heard long ago, and is no evidence.
    std::vector<FleetLiveness::Peer> peers;
    for (auto& p : liveness_->peers())
        if (std::find(members_.begin(), members_.end(), p.member) != members_.end()) peers.push_back(std::move(p));
    std::vector<FleetLiveness::Peer> silent;
    for (const auto& p : peers) {
        if (p.silent_for < s_.failure_detection)
            evicted_.erase(p.member);  // heard (again): a later silence counts anew
        else
            silent.push_back(p);
    }
    // Every other member silent at once (two or more of them): this
    // member's own side of the link is the likelier fault; the lease decides.
    if (silent.empty() || (peers.size() >= 2 && silent.size() == peers.size())) return;
    // Without the store nothing can be revoked; a round in flight: the next check.
    if (!reachable_ || rounds_->busy()) return;
    std::vector<std::string> evict;
    for (const auto& p : silent) {
        if (evicted_.contains(p.member) || !holds_any(p.member)) continue;
        XLOG_WARN("fleet: %s not heard on the home link for %lld ms: revoking its lease", p.member.c_str(),
                  static_cast<long long>(p.silent_for.count()));
        evicted_.insert(p.member);
        evict.push_back(p.member);
    }
    if (!evict.empty()) start_round(std::move(evict));
}

bool HaFleet::holds(const in6_addr& a) const {
    return std::any_of(held_.begin(), held_.end(), [&](const in6_addr& h) { return core::same_addr(h, a); });
}

void HaFleet::tick() {
    const auto now = ctx_.loop.now();
    // Decided here, before the round and whatever becomes of it: a round
    // stuck on the store must not keep an address past the lease.
    give_up_if_lapsing(now);
    if (rounds_->busy()) {  // the last round still waits for the store
        observe();
        return;
    }
    start_round({});
}

void HaFleet::start_round(std::vector<std::string> evict) {
    const auto now = ctx_.loop.now();
    evicting_ = evict;
    FleetRoundInput in{s_.member, s_.addresses, held_, std::exchange(resign_next_, {}), std::move(evict)};
    rounds_->start(std::move(in), [this, now](FleetRoundResult r) { apply(now, std::move(r)); });
}

bool HaFleet::lease_safe(core::TimePoint renewed, core::TimePoint now) const {
    // The store expires the lease at renewed + TTL at the earliest; the
    // next tick (TTL/4 away) must still come an eighth of the TTL before.
    return now + s_.lease_ttl / 4 + s_.lease_ttl / 8 < renewed + s_.lease_ttl;
}

void HaFleet::give_up_if_lapsing(core::TimePoint now) {
    if (held_.empty()) return;
    if (last_renewed_ && lease_safe(*last_renewed_, now)) return;
    auto held = held_;
    for (const auto& a : held) release(a, "the lease cannot be renewed");
}

void HaFleet::apply(core::TimePoint started, FleetRoundResult r) {
    const auto now = ctx_.loop.now();
    for (const auto& m : std::exchange(evicting_, {})) {
        if (std::find(r.evicted.begin(), r.evicted.end(), m) == r.evicted.end()) {
            evicted_.erase(m);  // not revoked: the next check asks again
            continue;
        }
        evictions_++;
        XLOG_WARN("fleet: %s's lease revoked: its addresses go to the next members in line", m.c_str());
    }
    if (!r.renewed) {
        if (reachable_)
            XLOG_WARN("fleet: the coordination store does not answer: registrations refused (130), forwarding goes on");
        reachable_ = false;
        health_.reset();
        give_up_if_lapsing(now);
        holders_.clear();  // not known any more
        observe();
        return;
    }
    if (!reachable_) XLOG_INFO("fleet: member %s, coordination store reachable", s_.member.c_str());
    reachable_ = true;
    // The renewal went out after the round started: counting from the
    // start is on the safe side.
    last_renewed_ = started;
    members_ = std::move(r.members);
    health_ = std::move(r.health);
    for (const auto& a : r.lost)
        if (holds(a)) release(a, "another member holds it");
    for (const auto& a : r.give_back)
        if (holds(a)) release(a, "above this member's share");
    // A result that came back too late to rely on the lease it renewed
    // takes nothing: the next round campaigns again (it still holds them
    // in the store).
    if (lease_safe(started, now))
        for (const auto& a : r.won)
            if (!holds(a)) take(a);
    give_up_if_lapsing(now);
    holders_ = std::move(r.holders);
    for (auto& h : holders_)
        if (holds(h.first))
            h.second = s_.member;
        else if (h.second == s_.member)
            h.second.clear();  // won but not taken
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
        resign_next_.push_back(a);  // out of the race, in the next round (the store is asked there)
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
    // No round runs after this: the election is the loop thread's alone.
    rounds_->stop();
    for (const auto& a : std::vector<in6_addr>(held_)) {
        release(a, "stopping");
        election_.resign(a);
    }
    for (const auto& a : std::exchange(resign_next_, {})) election_.resign(a);
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
    v.failure_detection_ms = liveness_ ? static_cast<long>(s_.failure_detection.count()) : 0;
    v.heard = nlohmann::json::array();
    if (liveness_)
        for (const auto& p : liveness_->peers()) {
            control::ClusterPeer e;
            e.member = p.member;
            e.heard_ms_ago = static_cast<long>(p.silent_for.count());
            v.heard.push_back(e);
        }
    v.evictions = evictions_;
    const auto c = liveness_ ? liveness_->counters() : FleetLiveness::Counters{};
    v.heartbeats = {{"sent", c.sent}, {"send_errors", c.send_errors}, {"received", c.received}, {"dropped", c.dropped}};
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
