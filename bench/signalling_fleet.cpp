// SPDX-License-Identifier: BSD-2-Clause
#include "signalling_fleet.hpp"

#include <initializer_list>
#include <string_view>

#include "netns_testbed.hpp"

namespace xmip::bench {
namespace {

// A shell command from its pieces, in one allocation.
std::string join(std::initializer_list<std::string_view> parts) {
    std::string out;
    for (auto p : parts) out += p;
    return out;
}

}  // namespace

const std::vector<FleetMember>& fleet_members() {
    static const std::vector<FleetMember> m = {
        {"ha", "m1", "ha0", "2001:db8:2700::21", {"ha0", "ha1"}},
        {"hb", "m2", "hb0", "2001:db8:2700::22", {"hb0"}},
        {"hc", "m3", "hc0", "2001:db8:2700::23", {"hc0"}},
    };
    return m;
}

std::vector<std::string> fleet_topology() {
    std::vector<std::string> c = {
        "ip netns add hb",
        "ip netns add hc",
        std::string("ip netns add ") + kEtcdNs,
        std::string("for n in hb hc ") + kEtcdNs +
            "; do ip -n $n link set lo up && "
            "ip netns exec $n sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0 "
            "net.ipv6.conf.default.router_solicitations=0; done",
        // The home link: a bridge without snooping, so that DAD's and ND's
        // multicast reach every member.
        "ip -n home link add br0 type bridge stp_state 0 forward_delay 0 mcast_snooping 0",
        "ip -n home link set hl master br0 && ip -n home link set br0 up",
        std::string("ip -n ") + kEtcdNs + " link add br1 type bridge stp_state 0 forward_delay 0",
        std::string("ip -n ") + kEtcdNs + " link set br1 up",
        std::string("ip -n ") + kEtcdNs + " -6 addr add " + kEtcdHost + "/64 dev br1 nodad",
    };
    int k = 0;
    for (const auto& m : fleet_members()) {
        k++;
        const std::string ctl_if = "k" + std::to_string(k), peer = "c" + std::to_string(k);
        if (m.ns != "ha") {
            const std::string hl = "hl" + std::to_string(k);
            c.push_back(join({"ip -n ", m.ns, " link add ", m.home_if, " address 02:00:00:00:27:2", std::to_string(k),
                              " type veth peer name ", hl, " netns home"}));
            c.push_back(join({"ip -n home link set ", hl, " master br0 && ip -n home link set ", hl, " up && ip -n ",
                              m.ns, " link set ", m.home_if, " up"}));
            // A veth takes XDP_TX/REDIRECTed frames only when its peer has NAPI.
            c.push_back("ip netns exec home ethtool -K " + hl + " gro on tx-checksumming off >/dev/null");
            c.push_back(join({"ip -n ", m.ns, " -6 addr add ", m.base_addr, "/64 dev ", m.home_if, " nodad"}));
        }
        c.push_back(join({"ip -n ", m.ns, " link add ", ctl_if, " type veth peer name ", peer, " netns ", kEtcdNs}));
        c.push_back(join({"ip -n ", kEtcdNs, " link set ", peer, " master br1 && ip -n ", kEtcdNs, " link set ", peer,
                          " up && ip -n ", m.ns, " link set ", ctl_if, " up"}));
        c.push_back(
            join({"ip -n ", m.ns, " -6 addr add fd00:e7cd::", std::to_string(k), "/64 dev ", ctl_if, " nodad"}));
    }
    return c;
}

std::vector<std::string> fleet_addresses(const std::string& ha_addr) {
    const auto& ha = fleet_members().front();
    return {"ip -n ha -6 addr del " + ha_addr + "/64 dev ha0",
            "ip -n ha -6 addr add " + ha.base_addr + "/64 dev ha0 nodad"};
}

std::string cluster_section(const FleetMember& m, const std::vector<std::string>& endpoints) {
    std::string eps;
    for (const auto& e : endpoints) eps += (eps.empty() ? "\"" : ", \"") + e + "\"";
    return "[cluster]\nbackend = \"etcd\"\nendpoints = [" + eps + "]\nmember = \"" + m.instance + "\"\n";
}

bool has_address(const std::string& ns, const std::string& ifname, const std::string& addr) {
    std::string why;
    return try_sh("ip -n " + ns + " -6 addr show dev " + ifname + " | grep -q 'inet6 " + addr + "/'", &why);
}

}  // namespace xmip::bench
