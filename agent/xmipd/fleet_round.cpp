// SPDX-License-Identifier: BSD-2-Clause
#include "xmipd/fleet_round.hpp"

#include <algorithm>

#include "core/in6.hpp"

namespace xmip::agent {

std::vector<in6_addr> preference_order(const std::string& member, const std::vector<in6_addr>& addresses,
                                       const std::vector<std::string>& members) {
    std::vector<std::string> sorted = members;
    std::sort(sorted.begin(), sorted.end());
    auto it = std::find(sorted.begin(), sorted.end(), member);
    size_t rank = it == sorted.end() ? 0 : static_cast<size_t>(it - sorted.begin());
    std::vector<in6_addr> order = addresses;
    if (!order.empty()) std::rotate(order.begin(), order.begin() + static_cast<long>(rank % order.size()), order.end());
    return order;
}

FleetRoundResult run_fleet_round(FleetElection& e, const FleetRoundInput& in) {
    FleetRoundResult r;
    for (const auto& a : in.resign) e.resign(a);
    std::optional<std::vector<std::string>> members;
    if (e.renew()) {
        // Before the members are read: an evicted member has left them, and
        // its addresses are the next candidates' to win below.
        for (const auto& m : in.evict)
            if (e.evict(m)) r.evicted.push_back(m);
        members = e.members();
    }
    if (!members) return r;
    r.renewed = true;
    r.members = *members;
    if (std::find(r.members.begin(), r.members.end(), in.member) == r.members.end()) r.members.push_back(in.member);

    auto is_in = [](const std::vector<in6_addr>& v, const in6_addr& a) {
        return std::any_of(v.begin(), v.end(), [&](const in6_addr& x) { return core::same_addr(x, a); });
    };
    std::vector<in6_addr> held;
    // Still the holder of what is held? (A lease that expired while this
    // member could not tell: another one holds it now.)
    for (const auto& a : in.held) {
        auto h = e.holder(a);
        if (h && *h != in.member)
            r.lost.push_back(a);
        else
            held.push_back(a);
    }
    const size_t n = std::max<size_t>(r.members.size(), 1);
    const size_t share = (in.addresses.size() + n - 1) / n;
    auto order = preference_order(in.member, in.addresses, r.members);
    // Above the share (a member joined): give back the least preferred one.
    for (auto it = order.rbegin(); it != order.rend() && held.size() > share; ++it) {
        if (!is_in(held, *it)) continue;
        r.give_back.push_back(*it);
        std::erase_if(held, [&](const in6_addr& x) { return core::same_addr(x, *it); });
        e.resign(*it);
    }
    for (const auto& a : order) {
        if (is_in(held, a)) continue;
        if (held.size() >= share) break;
        auto won = e.campaign(a);
        if (won && *won) {
            r.won.push_back(a);
            held.push_back(a);
        }
    }
    for (const auto& a : in.addresses) {
        auto h = is_in(held, a) ? std::optional<std::string>(in.member) : e.holder(a);
        r.holders.emplace_back(a, h.value_or(""));
    }
    r.health = e.health();
    return r;
}

}  // namespace xmip::agent
