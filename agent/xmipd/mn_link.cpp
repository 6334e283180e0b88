// SPDX-License-Identifier: BSD-2-Clause
#include "xmipd/mn_link.hpp"

#include <linux/if_addr.h>
#include <linux/rtnetlink.h>

#include <algorithm>

#include "core/log.hpp"
#include "xmip_shared.h"

namespace xmip::agent {

using core::to_string;

namespace {
// Below the kernel's RA-learned default route (1024): ours, with the home
// address as source, wins while away.
constexpr unsigned kDefaultRouteMetric = 512;
}  // namespace

MnLink::MnLink(Kernel& kernel, Tunnels& tunnels, const config::MobileNode& cfg)
    : kernel_(kernel),
      tunnels_(tunnels),
      hoa_(cfg.home_address.to_in6()),
      home_prefix_{cfg.home_prefix},
      ifname_(cfg.interface),
      local_destinations_(cfg.local_destinations) {
    ifindex_ = kernel_.ifindex(cfg.interface);
    auto link = kernel_.link(ifindex_);
    mac_ = link.mac;
    mtu_ = link.mtu;
    initially_up_ = link.up && link.running;
}

void MnLink::configure_host(bool optimistic_dad) {
    auto sysctl = [this](const char* key, const char* value) {
        if (!kernel_.set_ipv6_conf(ifname_, key, value)) XLOG_WARN("cannot set %s on %s", key, ifname_.c_str());
    };
    // It takes router advertisements, but forms its care-of addresses itself
    // (one per visited link, removed when it leaves: the guide's FAQ 6),
    // optimistically so the first BU need not wait.
    sysctl("forwarding", "0");
    sysctl("accept_ra", "1");
    sysctl("autoconf", "0");
    // Prefixes are ours to act on: an on-link route for the home prefix
    // learned at home would outlive the move and make the home agent look
    // on-link on every visited link.
    sysctl("accept_ra_pinfo", "0");
    if (optimistic_dad) {
        sysctl("optimistic_dad", "1");
        sysctl("use_optimistic", "1");
    }
}

// Addresses the kernel autoconfigured before we took over (or a crashed
// predecessor's care-of addresses) would be stale on the next link. Site-local
// ones too (the guide's fec0:106::/32 home link): left, their prefix route
// would make the home agent look on-link everywhere.
void MnLink::remove_stale_addresses() {
    for (const auto& a : kernel_.addresses(ifindex_))
        if ((a.scope == RT_SCOPE_UNIVERSE || a.scope == RT_SCOPE_SITE) && !(a.flags & IFA_F_PERMANENT) && !core::same_addr(a.addr, hoa_) &&
            !(coa_ && core::same_addr(a.addr, *coa_))) {
            XLOG_INFO("removing stale address %s/%u", to_string(a.addr).c_str(), a.prefixlen);
            kernel_.del_addr(ifindex_, a.addr, a.prefixlen);
        }
}

in6_addr MnLink::care_of_for(const core::Prefix& p) const {
    in6_addr a = core::mask_prefix(p.addr, 64);
    a.s6_addr[8] = mac_[0] ^ 0x02;
    a.s6_addr[9] = mac_[1];
    a.s6_addr[10] = mac_[2];
    a.s6_addr[11] = 0xff;
    a.s6_addr[12] = 0xfe;
    a.s6_addr[13] = mac_[3];
    a.s6_addr[14] = mac_[4];
    a.s6_addr[15] = mac_[5];
    return a;
}

void MnLink::set_home_address(bool at_home) {
    // Away, applications keep the home address and the kernel takes what the
    // tunnel delivers; as a /128: the home prefix is not on-link there, and
    // the home agent must be reached through the router.
    netlink::AddrOptions o;
    o.nodad = true;
    if (at_home) {
        kernel_.del_addr(ifindex_, hoa_, 128);
        kernel_.add_addr(ifindex_, hoa_, home_prefix_.len, o);
    } else {
        kernel_.del_addr(ifindex_, hoa_, home_prefix_.len);
        o.noprefixroute = true;
        kernel_.add_addr(ifindex_, hoa_, 128, o);
    }
}

void MnLink::renumber(const in6_addr& hoa, const core::Prefix& home_prefix) {
    hoa_ = hoa;
    home_prefix_ = home_prefix;
    set_home_address(false);
    // The routes name the home address as source: again with the new one.
    if (router_) install_default_route(*router_);
}

void MnLink::use_care_of_address(const in6_addr& coa, bool optimistic) {
    netlink::AddrOptions o;
    o.optimistic = optimistic;
    // No on-link prefix route: with it, source selection (RFC 6724 rule 8,
    // longest match) would pick the care-of address for every visited-link
    // destination and the guide's 5.3 ping would leave natively. The visited
    // prefix is routed with the home address as source instead
    // (install_default_route).
    o.noprefixroute = true;
    kernel_.add_addr(ifindex_, coa, 64, o);
    tunnels_.add_local(coa, LocalAddress::TunnelEnd);
    coa_ = coa;
}

void MnLink::forget_care_of_address() {
    if (!coa_) return;
    tunnels_.remove_local(*coa_);
    remove_visited_routes();
    kernel_.del_addr(ifindex_, *coa_, 64);
    coa_.reset();
}

void MnLink::install_default_route(const in6_addr& router) {
    netlink::RouteSpec r;
    r.gateway = router;
    r.ifindex = ifindex_;
    r.prefsrc = hoa_;  // applications send from the home address
    r.mtu = mtu_ - XMIP_TUNNEL_OVERHEAD;  // room for the tunnel header
    r.metric = kDefaultRouteMetric;
    kernel_.replace_route(r);
    router_ = router;
    install_visited_routes();
}

// Away, the visited prefix goes through the router with the home address as
// source, like everything else: the egress program tunnels it (the guide's
// 5.3 ping). Through the router rather than on-link: the packet leaves
// tunnelled to the home agent, so resolving the destination's neighbour
// entry would only delay it. Link-local traffic (the router's link-local,
// DHCP, ND) never uses these routes: fe80::/64 and multicast keep the
// kernel's own, and Neighbour Discovery and Mobility Header go direct in the
// egress program. What must still reach the visited link natively is listed
// in mobile_node.local_destinations: on-link, from the care-of address.
std::vector<netlink::RouteSpec> MnLink::visited_routes() const {
    std::vector<netlink::RouteSpec> out;
    if (!coa_ || !router_) return out;
    netlink::RouteSpec v;
    v.dst = core::mask_prefix(*coa_, 64);
    v.dst_len = 64;
    v.gateway = *router_;
    v.ifindex = ifindex_;
    v.prefsrc = hoa_;
    v.mtu = mtu_ - XMIP_TUNNEL_OVERHEAD;
    v.metric = kDefaultRouteMetric;
    out.push_back(v);
    for (const auto& p : local_destinations_) {
        netlink::RouteSpec l;
        l.dst = p.network().addr;
        l.dst_len = p.len;
        l.ifindex = ifindex_;
        l.prefsrc = *coa_;
        // Below the visited route's metric: a listed prefix equal to the
        // visited one must win, not replace it.
        l.metric = kDefaultRouteMetric - 1;
        out.push_back(l);
    }
    return out;
}

void MnLink::install_visited_routes() {
    remove_visited_routes();
    installed_ = visited_routes();
    for (const auto& r : installed_) kernel_.replace_route(r);
}

void MnLink::remove_visited_routes() {
    for (const auto& r : installed_) kernel_.del_route(r);
    installed_.clear();
}

void MnLink::remove_default_route() {
    if (!router_) return;
    remove_visited_routes();
    netlink::RouteSpec r;
    r.gateway = *router_;
    r.ifindex = ifindex_;
    r.metric = kDefaultRouteMetric;
    kernel_.del_route(r);
    router_.reset();
}

// On a new link, the routers of the links we left are gone, but the kernel
// keeps the default route each one's RAs taught it for the router lifetime
// (30 s with the guide's radvd). Carrier loss flushed their neighbour
// entries, and a router without one scores as well as the reachable one: the
// kernel may pick it and traffic waits seconds for neighbour resolution to
// fail (seen back home, pings lost for 3 s). Only the router just heard stays.
void MnLink::forget_other_routers(const in6_addr& router) {
    for (const auto& r : kernel_.ra_default_routes(ifindex_)) {
        if (core::same_addr(*r.gateway, router)) continue;
        XLOG_DEBUG("forgetting the default router %s of a previous link", to_string(*r.gateway).c_str());
        kernel_.del_route(r);
    }
}

void MnLink::take_over(const in6_addr& coa) {
    coa_ = coa;
    auto addrs = kernel_.addresses(ifindex_);
    auto has = [&](const in6_addr& a) {
        return std::any_of(addrs.begin(), addrs.end(), [&](const auto& x) { return core::same_addr(x.addr, a); });
    };
    if (!has(coa)) {
        netlink::AddrOptions o;
        o.nodad = true;  // it was ours a moment ago
        o.noprefixroute = true;  // as use_care_of_address
        kernel_.add_addr(ifindex_, coa, 64, o);
    }
    if (!has(hoa_)) set_home_address(false);
    tunnels_.add_local(coa, LocalAddress::TunnelEnd);
}

}  // namespace xmip::agent
