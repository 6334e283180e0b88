// SPDX-License-Identifier: BSD-2-Clause
#include "ha/binding_cache.hpp"

#include <algorithm>

namespace xmip::ha {

using core::same_addr;
using Action = Outcome::Action;

const HomePrefix* BindingCache::home_prefix_of(const in6_addr& hoa) const {
    for (const auto& p : policy_.home_prefixes)
        if (p.prefix.contains(hoa)) return &p;
    return nullptr;
}

uint32_t BindingCache::grant_lifetime(const BindingUpdate& bu, core::TimePoint now) const {
    uint32_t granted = std::min(bu.lifetime_s, policy_.max_lifetime_s);
    const HomePrefix* hp = home_prefix_of(bu.hoa);
    if (hp && hp->valid_until) {
        // RFC 6275 10.3.1: no longer than the home address stays valid.
        auto left = std::chrono::duration_cast<std::chrono::seconds>(*hp->valid_until - now).count();
        granted = left <= 0 ? 0 : std::min<uint32_t>(granted, static_cast<uint32_t>(left));
    }
    return granted;
}

Outcome BindingCache::reject(uint8_t status, uint16_t seq) {
    Outcome o;
    o.action = Action::Reject;
    o.status = status;
    o.seq = seq;
    o.send_ba = true;  // a rejection is always answered (RFC 6275 9.5.1)
    return o;
}

Outcome BindingCache::process(const BindingUpdate& bu, core::TimePoint now, bool skip_dad) {
    Outcome o = decide(bu, now, skip_dad);
    o.ha_addr = bu.ha_addr;
    return o;
}

Outcome BindingCache::decide(const BindingUpdate& bu, core::TimePoint now, bool skip_dad) {
    // Only home registrations: the correspondent role (route optimisation)
    // is not offered by a home agent instance.
    if (!bu.home) return reject(mh::ba_status::prohibited, bu.seq);
    // RFC 3963 6.2: a home agent without mobile router support answers 140
    // (before anything else is looked at: nothing it asks for exists here).
    if (bu.mobile_router) return reject(mh::ba_status::mobile_router_not_permitted, bu.seq);
    if (std::none_of(policy_.ha_addresses.begin(), policy_.ha_addresses.end(),
                     [&](const in6_addr& a) { return same_addr(a, bu.ha_addr); }))
        return reject(mh::ba_status::not_home_agent, bu.seq);
    if (!home_prefix_of(bu.hoa)) return reject(mh::ba_status::not_home_subnet, bu.seq);
    if (policy_.allowed && !policy_.allowed(bu.hoa)) return reject(mh::ba_status::prohibited, bu.seq);

    auto it = cache_.find(bu.hoa);
    if (it != cache_.end() && it->second.pending_dad) {
        // A retransmission (or a newer BU) while DAD runs: the DAD result
        // answers the newest one.
        auto& waiting = awaiting_dad_[bu.hoa];
        if (mh::seq_newer(bu.seq, waiting.seq)) waiting = bu;
        return Outcome{};
    }
    if (it != cache_.end() && it->second.seq_known && !mh::seq_newer(bu.seq, it->second.seq))
        return reject(mh::ba_status::sequence_out_of_window, it->second.seq);

    const bool deregistration = bu.lifetime_s == 0 || same_addr(bu.coa, bu.hoa);
    if (deregistration) {
        // RFC 6275 10.3.2: nothing to remove means we are not its HA.
        if (it == cache_.end()) return reject(mh::ba_status::not_home_agent, bu.seq);
        Outcome o;
        o.action = Action::Deregister;
        o.seq = bu.seq;
        o.previous_coa = it->second.coa;
        o.send_ba = bu.ack;
        erase(it);
        return o;
    }

    if (it == cache_.end() && cache_.size() >= policy_.max_entries)
        return reject(mh::ba_status::insufficient_resources, bu.seq);
    if (grant_lifetime(bu, now) == 0) return reject(mh::ba_status::not_home_subnet, bu.seq);

    if (it == cache_.end() && policy_.dad && !skip_dad) {
        Binding pending;
        pending.hoa = bu.hoa;
        pending.coa = bu.coa;
        pending.ha_addr = bu.ha_addr;
        pending.seq = bu.seq;
        pending.pending_dad = true;
        cache_.emplace(bu.hoa, pending);  // counts against the limit while DAD runs
        awaiting_dad_[bu.hoa] = bu;
        Outcome o;
        o.action = Action::AwaitDad;
        o.seq = bu.seq;
        return o;
    }
    return install(bu, now);
}

Outcome BindingCache::install(const BindingUpdate& bu, core::TimePoint now) {
    const uint32_t lifetime = grant_lifetime(bu, now);
    if (lifetime == 0) return reject(mh::ba_status::not_home_subnet, bu.seq);  // prefix expired
    auto it = cache_.find(bu.hoa);
    Outcome o;
    o.action = it == cache_.end() ? Action::Register : Action::Update;
    if (it != cache_.end() && !same_addr(it->second.coa, bu.coa)) o.previous_coa = it->second.coa;
    Binding b;
    b.hoa = bu.hoa;
    b.coa = bu.coa;
    b.ha_addr = bu.ha_addr;
    b.seq = bu.seq;
    b.lifetime_s = lifetime;
    b.registered = now;
    b.expires = now + std::chrono::seconds(lifetime);
    b.pending_dad = false;
    b.seq_known = true;
    b.link_local = bu.link_local;
    put(b);
    o.seq = bu.seq;
    o.lifetime_s = lifetime;
    o.send_ba = bu.ack;
    if (policy_.refresh_advice_s && *policy_.refresh_advice_s < lifetime)
        o.refresh_advice_s = policy_.refresh_advice_s;
    return o;
}

Outcome BindingCache::dad_completed(const in6_addr& hoa, bool unique, core::TimePoint now) {
    auto w = awaiting_dad_.find(hoa);
    if (w == awaiting_dad_.end()) return Outcome{};
    BindingUpdate bu = w->second;
    awaiting_dad_.erase(w);
    if (auto it = cache_.find(hoa); it != cache_.end()) erase(it);
    Outcome o = unique ? install(bu, now)  // the newest BU received while DAD ran
                       : reject(mh::ba_status::dad_failed, bu.seq);
    o.ha_addr = bu.ha_addr;
    return o;
}

std::vector<Binding> BindingCache::expire(core::TimePoint now) {
    std::vector<Binding> gone;
    while (auto due = by_expiry_.first_due(now)) {
        auto it = cache_.find(*due);
        gone.push_back(it->second);
        erase(it);
    }
    return gone;
}

bool BindingCache::remove(const in6_addr& hoa) {
    awaiting_dad_.erase(hoa);
    auto it = cache_.find(hoa);
    if (it == cache_.end()) return false;
    erase(it);
    return true;
}

void BindingCache::restore(const Binding& b) { put(b); }

void BindingCache::put(const Binding& b) {
    if (auto it = cache_.find(b.hoa); it != cache_.end() && !it->second.pending_dad)
        by_expiry_.remove(it->second.expires, it->second.hoa);
    cache_[b.hoa] = b;
    if (!b.pending_dad) by_expiry_.add(b.expires, b.hoa);
}

void BindingCache::erase(std::unordered_map<in6_addr, Binding, core::In6Hash, core::In6Equal>::iterator it) {
    if (!it->second.pending_dad) by_expiry_.remove(it->second.expires, it->second.hoa);
    cache_.erase(it);
}

const Binding* BindingCache::find(const in6_addr& hoa) const {
    auto it = cache_.find(hoa);
    return it == cache_.end() ? nullptr : &it->second;
}

std::vector<Binding> BindingCache::bindings() const {
    std::vector<Binding> out;
    out.reserve(cache_.size());
    for (const auto& [k, b] : cache_) out.push_back(b);
    std::sort(out.begin(), out.end(),
              [](const Binding& a, const Binding& b) { return core::In6Less()(a.hoa, b.hoa); });
    return out;
}

std::optional<core::TimePoint> BindingCache::next_expiry() const { return by_expiry_.next(); }

}  // namespace xmip::ha
