// SPDX-License-Identifier: BSD-2-Clause
#include "nd/home_agents_list.hpp"

#include <algorithm>

#include "nd/address.hpp"

namespace xmip::nd {

namespace {

using TimePoint = HomeAgentsList::TimePoint;

TimePoint valid_until(TimePoint now, uint32_t valid_lifetime) {
    if (valid_lifetime == kInfiniteLifetime) return HomeAgentsList::kNever;
    return now + std::chrono::seconds(valid_lifetime);
}

bool is_global(const in6_addr& a) { return !is_unspecified(a) && !is_multicast(a) && !is_link_local(a); }

void learn_global_addresses(HomeAgentsList::Entry& e, const RouterAdvertisement& ra, TimePoint now) {
    for (const auto& pi : options_of<PrefixInformation>(ra.options)) {
        if (!pi.router_address || !is_global(pi.prefix)) continue;
        auto& list = e.global_addresses;
        auto it = std::find_if(list.begin(), list.end(), [&](const auto& g) { return g.address == pi.prefix; });
        if (pi.valid_lifetime == 0) {
            if (it != list.end()) list.erase(it);
            continue;
        }
        HomeAgentsList::GlobalAddress g{pi.prefix, pi.prefix_length, valid_until(now, pi.valid_lifetime)};
        if (it != list.end())
            *it = g;
        else
            list.push_back(g);
    }
}

}  // namespace

HomeAgentsList::Change HomeAgentsList::on_router_advertisement(const in6_addr& source, const RouterAdvertisement& ra,
                                                               TimePoint now) {
    auto it = std::find_if(entries_.begin(), entries_.end(), [&](const Entry& e) { return e.link_local == source; });
    const bool known = it != entries_.end();
    if (!ra.home_agent) {
        if (!known) return Change::none;
        entries_.erase(it);
        return Change::removed;
    }
    const auto* info = find_option<HomeAgentInformation>(ra.options);
    const int16_t preference = info ? info->preference : 0;
    const uint16_t lifetime = info ? info->lifetime : ra.router_lifetime;
    if (lifetime == 0) {
        if (!known) return Change::none;
        entries_.erase(it);
        return Change::removed;
    }
    if (!known) {
        entries_.push_back(Entry{source, 0, {}, {}});
        it = entries_.end() - 1;
    }
    it->preference = preference;
    it->expires = now + std::chrono::seconds(lifetime);
    learn_global_addresses(*it, ra, now);
    return known ? Change::updated : Change::added;
}

std::size_t HomeAgentsList::expire(TimePoint now) {
    const std::size_t before = entries_.size();
    std::erase_if(entries_, [&](const Entry& e) { return e.expires <= now; });
    for (auto& e : entries_)
        std::erase_if(e.global_addresses, [&](const GlobalAddress& g) { return g.valid_until <= now; });
    return before - entries_.size();
}

std::optional<HomeAgentsList::TimePoint> HomeAgentsList::next_expiry() const {
    std::optional<TimePoint> next;
    auto consider = [&](TimePoint t) {
        if (t != kNever && (!next || t < *next)) next = t;
    };
    for (const auto& e : entries_) {
        consider(e.expires);
        for (const auto& g : e.global_addresses) consider(g.valid_until);
    }
    return next;
}

std::vector<HomeAgentsList::Entry> HomeAgentsList::by_preference(TimePoint now) const {
    std::vector<Entry> live;
    for (const auto& e : entries_) {
        if (e.expires <= now) continue;
        Entry copy = e;
        std::erase_if(copy.global_addresses, [&](const GlobalAddress& g) { return g.valid_until <= now; });
        live.push_back(std::move(copy));
    }
    std::sort(live.begin(), live.end(), [](const Entry& a, const Entry& b) {
        if (a.preference != b.preference) return a.preference > b.preference;
        return a.link_local < b.link_local;
    });
    return live;
}

std::vector<in6_addr> HomeAgentsList::global_addresses_by_preference(TimePoint now, std::size_t max) const {
    std::vector<in6_addr> r;
    for (const auto& e : by_preference(now))
        for (const auto& g : e.global_addresses) {
            if (r.size() >= max) return r;
            r.push_back(g.address);
        }
    return r;
}

const HomeAgentsList::Entry* HomeAgentsList::find(const in6_addr& link_local) const {
    for (const auto& e : entries_)
        if (e.link_local == link_local) return &e;
    return nullptr;
}

bool HomeAgentsList::remove(const in6_addr& link_local) {
    return std::erase_if(entries_, [&](const Entry& e) { return e.link_local == link_local; }) > 0;
}

}  // namespace xmip::nd
