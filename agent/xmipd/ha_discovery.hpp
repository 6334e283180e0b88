// SPDX-License-Identifier: BSD-2-Clause
// The home agent's answers to mobile nodes away from home (RFC 6275 10.5,
// 10.6): Dynamic Home Agent Address Discovery requests (144) sent to the
// Home-Agents anycast address of a home prefix get a reply (145) listing
// the home agents of the link by preference, this one included; Mobile
// Prefix Solicitations (146) from a registered care-of address get a
// Mobile Prefix Advertisement (147) with the home prefixes. Both are
// rate-limited per source and in total (a flood from many sources is
// counted and dropped, nothing else changes).
#pragma once

#include <netinet/in.h>

#include <functional>
#include <vector>

#include "config/config.hpp"
#include "ha/source_rate_limiter.hpp"
#include "io/icmp_socket.hpp"
#include "nd/home_agents_list.hpp"
#include "nd/mobility.hpp"
#include "xmipd/context.hpp"

namespace xmip::agent {

class HaDiscovery {
public:
    // Answers to one source: a couple at once, then one a second; to all
    // sources together: 50 a second (a reply is at most 1280 bytes).
    static constexpr ha::RateLimit kPerSource{1, 3};
    static constexpr ha::RateLimit kTotal{50, 50};

    // registered_coa: whether an address is the care-of address of a
    // binding (who may ask for the home prefixes).
    HaDiscovery(Context& ctx, const config::HomeAgentSettings& cfg, NdSocket& home_link,
                const nd::HomeAgentsList& others, std::function<bool(const in6_addr&)> registered_coa);

    // A fleet member (docs/scale-out.md): held() is the fleet's addresses
    // this member holds now, fleet all of them. The reply lists the held
    // ones first, then the rest of the fleet's (each held by another live
    // member), and leaves from a held one; a solicitation is answered at a
    // held address. A member holding none answers nothing (it serves no
    // registration). Alone (no fleet): home_agent.address.
    void join_fleet(std::function<std::vector<in6_addr>()> held, std::vector<in6_addr> fleet);

    // The Home-Agents anycast addresses of the home prefixes, joined on the
    // home link socket (again after a reload).
    void join_anycast();
    // A 144 or 146 that arrived on the home link socket.
    void on_message(const io::IcmpReceived& r);
    // The home prefixes changed (reload): an unsolicited advertisement to
    // each of `care_of_addresses` (RFC 6275 10.6.2).
    void reload(const config::HomeAgentSettings& cfg, const std::vector<in6_addr>& care_of_addresses);

    // The reply list: this home agent and the others of the home link, by
    // preference (this one first among equals), at most what fits 1280.
    std::vector<in6_addr> home_agents_by_preference() const;
    nd::MobilePrefixAdvertisement advertisement(uint16_t identifier) const;

private:
    void on_request(const io::IcmpReceived& r);
    void on_solicitation(const io::IcmpReceived& r);
    bool admit(const in6_addr& src);
    std::vector<in6_addr> held() const;  // ours to answer from, the preferred first

    Context& ctx_;
    config::HomeAgentSettings cfg_;
    NdSocket& socket_;
    const nd::HomeAgentsList& others_;
    std::function<bool(const in6_addr&)> registered_coa_;
    std::function<std::vector<in6_addr>()> fleet_held_;  // set by join_fleet
    std::vector<in6_addr> fleet_;
    std::vector<in6_addr> anycast_;
    ha::SourceRateLimiter per_source_;
    ha::TokenBucket total_;
    uint16_t unsolicited_id_ = 0;
};

}  // namespace xmip::agent
