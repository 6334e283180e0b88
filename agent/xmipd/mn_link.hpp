// SPDX-License-Identifier: BSD-2-Clause
// The mobile node's address and route work on its interface: the home
// address (on-link at home, a /128 away), one care-of address per visited
// link, the default route through the current router with the home address
// as source, and the datapath's local addresses that go with them.
#pragma once

#include <array>
#include <optional>
#include <vector>

#include "config/config.hpp"
#include "core/in6.hpp"
#include "xmipd/ports.hpp"

namespace xmip::agent {

class MnLink {
public:
    MnLink(Kernel& kernel, Tunnels& tunnels, const config::MobileNode& cfg);

    int ifindex() const { return ifindex_; }
    const std::array<uint8_t, 6>& mac() const { return mac_; }
    bool initially_up() const { return initially_up_; }

    // A host that moves: the interface's sysctls (at start).
    void configure_host(bool optimistic_dad);
    // Addresses the kernel autoconfigured before we took over (or a crashed
    // predecessor's care-of addresses), but the one still in use.
    void remove_stale_addresses();

    // At home the home address is an ordinary address of the home prefix.
    // Away it stays on the interface as a /128.
    void set_home_address(bool at_home);
    // A renumbered home prefix (Mobile Prefix Discovery), away from home:
    // the new home address joins the interface as a /128 and becomes the
    // routes' source; the old one stays until remove_address().
    void renumber(const in6_addr& hoa, const core::Prefix& home_prefix);
    void remove_address(const in6_addr& a) { kernel_.del_addr(ifindex_, a, 128); }
    // Modified EUI-64 interface identifier (RFC 4291 2.5.1), as SLAAC would.
    in6_addr care_of_for(const core::Prefix& p) const;
    // Adds coa (optimistically when configured) as the care-of address.
    void use_care_of_address(const in6_addr& coa, bool optimistic);
    void forget_care_of_address();
    const std::optional<in6_addr>& care_of_address() const { return coa_; }

    void install_default_route(const in6_addr& router);
    void remove_default_route();
    const std::optional<in6_addr>& router() const { return router_; }
    // Drops the RA-learned default routes of every router but this one.
    void forget_other_routers(const in6_addr& router);

    // Restart: the predecessor's care-of address and home address, made
    // sure of (idempotently).
    void take_over(const in6_addr& coa);

private:
    // The visited prefix through the router from the home address, and the
    // local_destinations exceptions on-link from the care-of address.
    std::vector<netlink::RouteSpec> visited_routes() const;
    void install_visited_routes();
    void remove_visited_routes();

    Kernel& kernel_;
    Tunnels& tunnels_;
    in6_addr hoa_{};
    core::Prefix home_prefix_;
    std::string ifname_;
    int ifindex_ = 0;
    std::array<uint8_t, 6> mac_{};
    unsigned mtu_ = 1500;
    bool initially_up_ = true;
    std::vector<config::Prefix> local_destinations_;
    std::optional<in6_addr> coa_, router_;
    std::vector<netlink::RouteSpec> installed_;
};

}  // namespace xmip::agent
