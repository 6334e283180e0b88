// SPDX-License-Identifier: BSD-2-Clause
// Netlink::resolve_nexthop, has_policy_rules and RouteEvents against the
// real kernel, in the sandbox: what they say must be what the kernel does.
#include <gtest/gtest.h>
#include <net/if.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <memory>

#include "core/in6.hpp"
#include "netlink/netlink.hpp"
#include "sandbox.hpp"

using namespace xmip;

namespace {

void run(const std::string& cmd) { ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd; }

in6_addr A(const char* s) { return *core::parse_addr(s); }

using Mac = std::array<uint8_t, 6>;
constexpr Mac kLinkMac{0x02, 0, 0, 0, 0x0c, 0x01};
constexpr Mac kGw1{0x02, 0, 0, 0, 0x0c, 0x11};
constexpr Mac kGw2{0x02, 0, 0, 0, 0x0c, 0x12};

// nh0 with 2001:db8:c::1/64, gateways ::11 and ::12 with permanent entries,
// the care-of prefix 2001:db8:c0::/64 via ::11.
int topology() {
    int ifx = test::veth_pair("nh0");
    std::system(
        "ip link set nh0 address 02:00:00:00:0c:01 && ip link set nh0 up && ip link set nh0p up && "
        "ip -6 addr replace 2001:db8:c::1/64 dev nh0 nodad && "
        "ip -6 neigh replace 2001:db8:c::11 lladdr 02:00:00:00:0c:11 dev nh0 nud permanent && "
        "ip -6 neigh replace 2001:db8:c::12 lladdr 02:00:00:00:0c:12 dev nh0 nud permanent && "
        "ip -6 route replace 2001:db8:c0::/64 via 2001:db8:c::11 dev nh0");
    return ifx;
}

TEST(Nexthop, ResolvesTheRouteTheNeighbourAndTheLink) {
    XMIP_REQUIRE_SANDBOX();
    const int ifx = topology();
    netlink::Netlink nl;
    auto nh = nl.resolve_nexthop(A("2001:db8:c0::100"));
    ASSERT_TRUE(nh);
    EXPECT_EQ(nh->ifindex, ifx);
    EXPECT_EQ(nh->dmac, kGw1);
    EXPECT_EQ(nh->smac, kLinkMac);
    EXPECT_EQ(nh->mtu, 1500u);

    run("ip -6 route replace 2001:db8:c0::/64 via 2001:db8:c::12 dev nh0 mtu 1400");
    nh = nl.resolve_nexthop(A("2001:db8:c0::100"));
    ASSERT_TRUE(nh);
    EXPECT_EQ(nh->dmac, kGw2) << "the new route's gateway";
    EXPECT_EQ(nh->mtu, 1400u) << "the route's MTU";

    run("ip -6 neigh replace 2001:db8:c::12 lladdr 02:00:00:00:0c:13 dev nh0 nud permanent");
    nh = nl.resolve_nexthop(A("2001:db8:c0::100"));
    ASSERT_TRUE(nh);
    EXPECT_EQ(nh->dmac, (Mac{0x02, 0, 0, 0, 0x0c, 0x13})) << "the neighbour's new address";
}

TEST(Nexthop, LeavesToTheKernelWhatItCannotCache) {
    XMIP_REQUIRE_SANDBOX();
    topology();
    netlink::Netlink nl;
    std::string why;
    EXPECT_FALSE(nl.resolve_nexthop(A("2001:db8:c::77"), &why)) << "on-link, neighbour unknown";
    EXPECT_EQ(why, "no neighbour entry");
    run("ip -6 route replace blackhole 2001:db8:dead::/48");
    EXPECT_FALSE(nl.resolve_nexthop(A("2001:db8:dead::1"), &why)) << "blackhole";
    run("ip -6 route replace 2001:db8:c1::/64 nexthop via 2001:db8:c::11 dev nh0 nexthop via 2001:db8:c::12 dev nh0");
    EXPECT_FALSE(nl.resolve_nexthop(A("2001:db8:c1::1"), &why));
    EXPECT_EQ(why, "multipath route");
    EXPECT_FALSE(nl.resolve_nexthop(A("2001:db8:ffff::1"), &why)) << "no default route in the sandbox";
}

TEST(Nexthop, PolicyRulesBeyondTheDefaults) {
    XMIP_REQUIRE_SANDBOX();
    netlink::Netlink nl;
    EXPECT_FALSE(nl.has_policy_rules()) << "a fresh namespace has only local and main";
    run("ip -6 rule add from 2001:db8:c0::/64 table 100 prio 100");
    EXPECT_TRUE(nl.has_policy_rules());
    run("ip -6 rule del from 2001:db8:c0::/64 table 100 prio 100");
    EXPECT_FALSE(nl.has_policy_rules());
}

TEST(Nexthop, EventsForRoutesNeighboursAndLinksButNotProxyEntries) {
    XMIP_REQUIRE_SANDBOX();
    topology();
    netlink::RouteEvents ev;
    netlink::Netlink nl;
    EXPECT_FALSE(ev.drain().any) << "nothing happened yet";
    nl.add_proxy_neigh(static_cast<int>(if_nametoindex("nh0")), A("2001:db8:c::99"));
    EXPECT_FALSE(ev.drain().any) << "xmipd's own proxy entries are not next-hop changes";
    run("ip -6 route replace 2001:db8:c0::/64 via 2001:db8:c::12 dev nh0");
    auto s = ev.drain();
    EXPECT_TRUE(s.any);
    EXPECT_FALSE(s.new_link);
    run("ip -6 neigh replace 2001:db8:c::11 lladdr 02:00:00:00:0c:21 dev nh0 nud permanent");
    EXPECT_TRUE(ev.drain().any);
    run("ip link set nh0 mtu 1400");
    s = ev.drain();
    EXPECT_TRUE(s.any);
    EXPECT_TRUE(s.new_link);
    run("ip -6 rule add to 2001:db8:c0::/64 table main prio 10");
    EXPECT_TRUE(ev.drain().any);
}

}  // namespace
