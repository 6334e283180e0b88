// SPDX-License-Identifier: BSD-2-Clause
// xmip-bench-signalling --fleet: the testbed of a fleet of three home
// agents on etcd (issue 15 item 5, docs/scale-out.md "Measured").
//
//   mn (m0) ==veth== (ha1) ha (ha0) ==+
//                          hb (hb0) ==+== br0 in home: the home link
//                          hc (hc0) ==+
//   ha (k1), hb (k2), hc (k3) ==veth== br1 in ctl: the control link,
//   where three etcd members listen on kEtcdHost
//
// Only ha is connected to the mobile nodes' side: it holds the home agent
// address (it starts first, the others queue behind it), takes every
// Binding Update, commits it to etcd; hb and hc install each binding from
// their watch into their own maps.
#pragma once

#include <string>
#include <vector>

namespace xmip::bench {

struct FleetMember {
    std::string ns, instance, home_if, base_addr;
    std::vector<std::string> interfaces;  // datapath.interfaces
};

inline constexpr const char* kEtcdNs = "ctl";
inline constexpr const char* kEtcdHost = "fd00:e7cd::e";

// The members, ha (the holder) first.
const std::vector<FleetMember>& fleet_members();
// The commands that add hb, hc, the home link bridge and the control link
// to the single home agent's testbed (the namespaces ha, home, mn exist).
std::vector<std::string> fleet_topology();
// Moves ha from the single home agent's static home agent address
// (ha_addr) to its base address: in a fleet the holder adds the address.
std::vector<std::string> fleet_addresses(const std::string& ha_addr);
// The [cluster] section of member m.
std::string cluster_section(const FleetMember& m, const std::vector<std::string>& endpoints);
// True when addr is on ifname in namespace ns (the holder added it).
bool has_address(const std::string& ns, const std::string& ifname, const std::string& addr);

}  // namespace xmip::bench
