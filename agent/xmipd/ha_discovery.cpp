// SPDX-License-Identifier: BSD-2-Clause
#include "xmipd/ha_discovery.hpp"

#include <algorithm>

#include "core/log.hpp"
#include "nd/address.hpp"
#include "xmipd/ha_prefix_information.hpp"

namespace xmip::agent {

using core::to_string;

HaDiscovery::HaDiscovery(Context& ctx, const config::HomeAgentSettings& cfg, NdSocket& home_link,
                         const nd::HomeAgentsList& others, std::function<bool(const in6_addr&)> registered_coa)
    : ctx_(ctx),
      cfg_(cfg),
      socket_(home_link),
      others_(others),
      registered_coa_(std::move(registered_coa)),
      per_source_(kPerSource, 4096),
      total_(kTotal, ctx.loop.now()) {}

void HaDiscovery::join_fleet(std::function<std::vector<in6_addr>()> held, std::vector<in6_addr> fleet) {
    fleet_held_ = std::move(held);
    fleet_ = std::move(fleet);
}

std::vector<in6_addr> HaDiscovery::held() const {
    if (fleet_held_) return fleet_held_();
    return {cfg_.address.to_in6()};
}

void HaDiscovery::join_anycast() {
    for (const auto& pfx : cfg_.prefixes) {
        auto a = nd::home_agents_anycast(pfx.network().addr, pfx.len);
        if (!a ||
            std::any_of(anycast_.begin(), anycast_.end(), [&](const in6_addr& x) { return core::same_addr(x, *a); }))
            continue;
        // An anycast membership of our socket (IPV6_JOIN_ANYCAST), not an
        // address: it ends with the process, so a home agent that dies stops
        // receiving discovery requests at once and the link's other home
        // agents answer instead.
        if (!socket_.join_anycast(*a)) {
            XLOG_WARN("cannot receive DHAAD requests at %s (Home-Agents anycast of %s)", to_string(*a).c_str(),
                      pfx.str().c_str());
            continue;
        }
        anycast_.push_back(*a);
        XLOG_INFO("answering DHAAD requests at %s", to_string(*a).c_str());
    }
}

void HaDiscovery::on_message(const io::IcmpReceived& r) {
    if (r.message.empty()) return;
    if (r.message[0] == nd::kDhaadRequest)
        on_request(r);
    else if (r.message[0] == nd::kMobilePrefixSolicitation)
        on_solicitation(r);
}

bool HaDiscovery::admit(const in6_addr& src) {
    const auto now = ctx_.loop.now();
    // Per source first: one noisy source does not use up the total.
    return per_source_.allow(src, now) && total_.take(kTotal, now);
}

std::vector<in6_addr> HaDiscovery::home_agents_by_preference() const {
    struct Agent {
        int16_t preference;
        in6_addr address;
    };
    std::vector<Agent> all;
    for (const auto& a : held()) all.push_back({cfg_.preference, a});
    for (const auto& a : fleet_) all.push_back({cfg_.preference, a});  // duplicates of held ones go below
    for (const auto& e : others_.by_preference(ctx_.loop.now()))
        for (const auto& g : e.global_addresses) all.push_back({e.preference, g.address});
    // Stable: ourselves first among equal preferences, the others in the
    // list's order (deterministic; RFC 6275 10.5.1 allows any order there).
    std::stable_sort(all.begin(), all.end(),
                     [](const Agent& a, const Agent& b) { return a.preference > b.preference; });
    std::vector<in6_addr> out;
    for (const auto& a : all) {
        if (out.size() >= nd::kMaxDhaadReplyAddresses) break;
        if (std::none_of(out.begin(), out.end(), [&](const in6_addr& x) { return core::same_addr(x, a.address); }))
            out.push_back(a.address);
    }
    return out;
}

void HaDiscovery::on_request(const io::IcmpReceived& r) {
    ctx_.stats.hareq_received++;
    auto m = nd::decode_dhaad_request(r.message);
    // Only to one of our anycast addresses, from a unicast source: a reply
    // to anything else could be turned against a third party.
    const bool to_anycast =
        std::any_of(anycast_.begin(), anycast_.end(), [&](const in6_addr& a) { return core::same_addr(a, r.dst); });
    if (!m || !to_anycast || nd::is_multicast(r.src) || nd::is_unspecified(r.src) || nd::is_link_local(r.src)) {
        ctx_.stats.hareq_drop_invalid++;
        return;
    }
    if (!admit(r.src)) {
        ctx_.stats.hareq_drop_ratelimit++;
        return;
    }
    const auto mine = held();
    if (mine.empty()) return;  // a fleet member holding no address: the holders answer
    nd::DhaadReply reply;
    reply.identifier = m->identifier;
    // Mobile routers (R) are not supported: the reply leaves R clear.
    reply.home_agents = home_agents_by_preference();
    if (socket_.send(r.src, nd::encode(reply), &mine.front())) ctx_.stats.harep_sent++;
    XLOG_DEBUG("DHAAD reply to %s: %zu home agents", to_string(r.src).c_str(), reply.home_agents.size());
}

nd::MobilePrefixAdvertisement HaDiscovery::advertisement(uint16_t identifier) const {
    nd::MobilePrefixAdvertisement a;
    a.identifier = identifier;
    for (const auto& pfx : cfg_.prefixes)
        a.options.emplace_back(std::in_place_type<nd::PrefixInformation>, advertised_home_prefix(cfg_, pfx));
    return a;
}

void HaDiscovery::on_solicitation(const io::IcmpReceived& r) {
    ctx_.stats.mps_received++;
    auto m = nd::decode_mobile_prefix_solicitation(r.message);
    const auto mine = held();
    if (!m || std::none_of(mine.begin(), mine.end(), [&](const in6_addr& a) { return core::same_addr(a, r.dst); })) {
        ctx_.stats.mps_drop_invalid++;
        return;
    }
    if (!admit(r.src)) {
        ctx_.stats.mps_drop_ratelimit++;
        return;
    }
    // Without IPsec (RFC 6275 10.6.1 asks for it), only a mobile node
    // registered here learns our prefixes, at its registered care-of address.
    if (!registered_coa_(r.src)) {
        ctx_.stats.mps_drop_misc++;
        return;
    }
    if (socket_.send(r.src, nd::encode(advertisement(m->identifier)), &r.dst)) ctx_.stats.mpa_sent++;
}

void HaDiscovery::reload(const config::HomeAgentSettings& cfg, const std::vector<in6_addr>& care_of_addresses) {
    const bool changed =
        cfg.prefixes != cfg_.prefixes || cfg.deprecated_prefixes != cfg_.deprecated_prefixes ||
        cfg.router_advertisements.prefix_valid_lifetime != cfg_.router_advertisements.prefix_valid_lifetime ||
        cfg.router_advertisements.prefix_preferred_lifetime != cfg_.router_advertisements.prefix_preferred_lifetime;
    cfg_ = cfg;
    join_anycast();
    if (!changed) return;
    // RFC 6275 10.6.2: tell every mobile node away from home. Sent to its
    // care-of address from ours, as an answer to a solicitation is.
    const auto mine = held();
    if (mine.empty()) return;  // a fleet member holding nothing: the holders tell theirs
    const auto bytes = nd::encode(advertisement(++unsolicited_id_));
    for (const auto& coa : care_of_addresses)
        if (socket_.send(coa, bytes, &mine.front())) ctx_.stats.mpa_sent++;
    XLOG_INFO("home prefixes changed: unsolicited prefix advertisement to %zu mobile nodes", care_of_addresses.size());
}

}  // namespace xmip::agent
