// SPDX-License-Identifier: BSD-2-Clause
// rtnetlink requests and events against the real kernel, in the sandbox.
#include "netlink/netlink.hpp"

#include <gtest/gtest.h>
#include <linux/if_addr.h>
#include <net/if.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <memory>

#include "core/in6.hpp"
#include "sandbox.hpp"

using namespace xmip;

namespace {

std::string sh(const std::string& cmd) {
    std::array<char, 512> buf{};
    std::string out;
    std::unique_ptr<FILE, int (*)(FILE*)> p(popen(cmd.c_str(), "r"), pclose);
    while (p && fgets(buf.data(), buf.size(), p.get())) out += buf.data();
    return out;
}

in6_addr A(const char* s) { return *core::parse_addr(s); }

TEST(Netlink, ProxyNeighbourAddAndDelete) {
    XMIP_REQUIRE_SANDBOX();
    int ifx = test::veth_pair("nl0");
    netlink::Netlink nl;
    nl.add_proxy_neigh(ifx, A("2001:db8:2700::4"));
    nl.add_proxy_neigh(ifx, A("2001:db8:2700::4"));  // idempotent
    EXPECT_NE(sh("ip -6 neigh show proxy dev nl0").find("2001:db8:2700::4"), std::string::npos);
    nl.del_proxy_neigh(ifx, A("2001:db8:2700::4"));
    EXPECT_EQ(sh("ip -6 neigh show proxy dev nl0").find("2001:db8:2700::4"), std::string::npos);
    EXPECT_NO_THROW(nl.del_proxy_neigh(ifx, A("2001:db8:2700::4"))) << "already gone is fine";
}

TEST(Netlink, ProxyNeighboursAreListedByLink) {
    XMIP_REQUIRE_SANDBOX();
    int a = test::veth_pair("nl5");
    int b = test::veth_pair("nl6");
    netlink::Netlink nl;
    nl.add_proxy_neigh(a, A("2001:db8:2700::4"));
    nl.add_proxy_neigh(a, A("fe80::4"));
    nl.add_proxy_neigh(b, A("2001:db8:2700::5"));
    auto on_a = nl.proxy_neighs(a);
    ASSERT_EQ(on_a.size(), 2u);
    auto has = [](const std::vector<in6_addr>& v, const char* s) {
        return std::any_of(v.begin(), v.end(), [&](const in6_addr& x) { return core::same_addr(x, A(s)); });
    };
    EXPECT_TRUE(has(on_a, "2001:db8:2700::4"));
    EXPECT_TRUE(has(on_a, "fe80::4"));
    EXPECT_FALSE(has(on_a, "2001:db8:2700::5")) << "another link's";
    EXPECT_TRUE(has(nl.proxy_neighs(0), "2001:db8:2700::5"));
    nl.del_proxy_neigh(a, A("2001:db8:2700::4"));
    EXPECT_FALSE(has(nl.proxy_neighs(a), "2001:db8:2700::4"));
}

TEST(Netlink, AddressesAddListDelete) {
    XMIP_REQUIRE_SANDBOX();
    int ifx = test::veth_pair("nl1");
    netlink::Netlink nl;
    netlink::AddrOptions o;
    o.nodad = true;
    o.preferred_lft = 0;  // deprecated: source selection avoids it
    o.valid_lft = 600;
    nl.add_addr(ifx, A("2001:db8:3::100"), 64, o);
    bool found = false;
    for (const auto& a : nl.addresses(ifx))
        if (core::same_addr(a.addr, A("2001:db8:3::100"))) {
            found = true;
            EXPECT_EQ(a.prefixlen, 64u);
            EXPECT_TRUE(a.flags & IFA_F_DEPRECATED);
            EXPECT_EQ(a.preferred_lft, 0u);
        }
    EXPECT_TRUE(found);
    nl.del_addr(ifx, A("2001:db8:3::100"), 64);
    for (const auto& a : nl.addresses(ifx)) EXPECT_FALSE(core::same_addr(a.addr, A("2001:db8:3::100")));
}

TEST(Netlink, RouteWithSourceAndMtu) {
    XMIP_REQUIRE_SANDBOX();
    int ifx = test::veth_pair("nl2");
    netlink::Netlink nl;
    netlink::AddrOptions o;
    o.nodad = true;
    nl.add_addr(ifx, A("2001:db8:2700::4"), 128, o);
    netlink::RouteSpec r;
    r.dst = A("2001:db8:1::");
    r.dst_len = 64;
    r.ifindex = ifx;
    r.prefsrc = A("2001:db8:2700::4");
    r.mtu = 1460;
    r.metric = 10;
    nl.replace_route(r);
    std::string routes = sh("ip -6 route show 2001:db8:1::/64");
    EXPECT_NE(routes.find("src 2001:db8:2700::4"), std::string::npos) << routes;
    EXPECT_NE(routes.find("mtu 1460"), std::string::npos) << routes;
    nl.del_route(r);
    EXPECT_EQ(sh("ip -6 route show 2001:db8:1::/64"), "");
}

TEST(Netlink, LinkInfo) {
    XMIP_REQUIRE_SANDBOX();
    int ifx = test::veth_pair("nl3");
    test::run("ip link set nl3 mtu 1400 address 02:00:00:00:00:33");
    netlink::Netlink nl;
    auto l = nl.link(ifx);
    EXPECT_EQ(l.name, "nl3");
    EXPECT_EQ(l.mtu, 1400u);
    EXPECT_TRUE(l.up);
    EXPECT_EQ(l.mac, (std::array<uint8_t, 6>{2, 0, 0, 0, 0, 0x33}));
}

TEST(Netlink, MonitorSeesAddressesAndLinks) {
    XMIP_REQUIRE_SANDBOX();
    netlink::Monitor mon;
    int ifx = test::veth_pair("nl4");
    netlink::Netlink nl;
    netlink::AddrOptions o;
    o.nodad = true;
    nl.add_addr(ifx, A("2001:db8:4::1"), 64, o);
    test::run("ip link set nl4 down");
    bool added = false, down = false;
    mon.drain([&](const netlink::Monitor::Event& e) {
        if (e.kind == netlink::Monitor::Event::Kind::AddrAdded &&
            core::same_addr(e.addr.addr, A("2001:db8:4::1")))
            added = true;
        if (e.kind == netlink::Monitor::Event::Kind::LinkChanged && e.link.ifindex == ifx && !e.link.up)
            down = true;
    });
    EXPECT_TRUE(added);
    EXPECT_TRUE(down);
}

TEST(Netlink, ErrorsNameTheRequest) {
    XMIP_REQUIRE_SANDBOX();
    netlink::Netlink nl;
    try {
        nl.add_addr(999999, A("2001:db8::1"), 64);
        FAIL();
    } catch (const netlink::NetlinkError& e) {
        EXPECT_NE(std::string(e.what()).find("add address"), std::string::npos) << e.what();
    }
}

}  // namespace
