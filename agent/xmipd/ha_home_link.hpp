// SPDX-License-Identifier: BSD-2-Clause
// The home agent on its home link (RFC 6275 7, 10.5.1): Router
// Advertisements with the Home Agent Information option (periodic, and
// soon after a Router Solicitation), other home agents' advertisements into
// the Home Agents List, Neighbour Advertisements for DAD, and the
// unsolicited advertisement that claims a home address for its mobile node.
#pragma once

#include <array>
#include <functional>
#include <memory>
#include <optional>

#include "config/config.hpp"
#include "core/event_loop.hpp"
#include "nd/home_agents_list.hpp"
#include "xmipd/context.hpp"

namespace xmip::agent {

class HomeLink {
public:
    // on_neighbour_advertisement: the target of every NA heard (DAD).
    HomeLink(Context& ctx, const config::HomeAgentSettings& cfg, int ifindex, std::array<uint8_t, 6> mac,
             std::function<void(const in6_addr&)> on_neighbour_advertisement);
    ~HomeLink();
    HomeLink(const HomeLink&) = delete;
    HomeLink& operator=(const HomeLink&) = delete;

    void reload(const config::HomeAgentSettings& cfg);
    // Defend hoa (10.4.1): neighbours that cached the mobile node's own
    // address switch to us now.
    void claim(const in6_addr& hoa);
    const nd::HomeAgentsList& home_agents() const { return others_; }
    // The home link's socket also takes DHAAD requests and Mobile Prefix
    // Solicitations (routed, so not ND): they go to this handler
    // (HaDiscovery), which answers on the same socket.
    NdSocket& socket() { return *socket_; }
    void on_discovery(std::function<void(const io::IcmpReceived&)> f) { on_discovery_ = std::move(f); }
    // A fleet member: its RAs name the addresses it holds now (R flag), and
    // say it is a home agent (H, Home Agent Information) only while it
    // holds one: a member holding none is no home agent to register with,
    // and the Home Agents List of other home agents must not map its
    // link-local address to another member's address. holdings_changed()
    // sends the next RA soon.
    void serve_held(std::function<std::vector<in6_addr>()> held) { held_ = std::move(held); }
    void holdings_changed();

private:
    void on_icmp();
    void on_link_events();
    void send_router_advertisement();
    void schedule_router_advertisement(bool soon);

    Context& ctx_;
    config::HomeAgentSettings cfg_;
    int ifindex_;
    std::array<uint8_t, 6> mac_{};  // in RAs and claims; followed (on_link_events)
    std::function<void(const in6_addr&)> on_na_;
    std::function<void(const io::IcmpReceived&)> on_discovery_;
    std::function<std::vector<in6_addr>()> held_;  // set in a fleet (serve_held)
    // RS to answer, NA to hear DAD defenders, RA to hear other home agents.
    std::unique_ptr<NdSocket> socket_;
    std::unique_ptr<LinkEvents> links_;
    nd::HomeAgentsList others_;
    std::optional<core::Timers::Id> ra_timer_;
    std::optional<core::TimePoint> last_ra_;
};

}  // namespace xmip::agent
