// SPDX-License-Identifier: BSD-2-Clause
// The one place that turns a Tunnel into the datapath's struct
// xmip_binding, and the control views' field names (control API 1: scripts
// rely on them; docs/mipctl.md lists them).
#include <gtest/gtest.h>

#include "control/views.hpp"
#include "fakes.hpp"
#include "xmipd/adapters.hpp"

namespace xmip::agent::test {
namespace {

// A fleet member's binding store gives up on a request within a quarter of
// the lease TTL (a commit holds the loop that renews the lease); a single
// agent on etcd keeps cluster.request_timeout.
TEST(Adapters, AFleetMembersStoreRequestsEndWellInsideTheLease) {
    config::Config c;
    c.cluster.backend = config::Cluster::Backend::Etcd;
    c.cluster.endpoints = {"http://127.0.0.1:2379"};
    c.cluster.request_timeout_ms = 3000;
    c.cluster.agent_lease_ttl = 2;
    EXPECT_EQ(store_transport(c).request_timeout, std::chrono::milliseconds(3000)) << "not a fleet member";
    c.cluster.member = "ha1";
    EXPECT_EQ(store_transport(c).request_timeout, std::chrono::milliseconds(500));
    c.cluster.request_timeout_ms = 200;
    EXPECT_EQ(store_transport(c).request_timeout, std::chrono::milliseconds(200)) << "a shorter one stays";
}

TEST(Adapters, TunnelToBindingAndBack) {
    Tunnel t{addr("2001:db8:99::5"), addr("2001:db8:1::1"), true};
    xmip_binding b = to_binding(t);
    EXPECT_EQ(b.flags, XMIP_BF_REGISTERING);
    EXPECT_EQ(b.reserved, 0u);
    EXPECT_EQ(std::memcmp(&b.local, &t.local, 16), 0);
    EXPECT_EQ(std::memcmp(&b.remote, &t.remote, 16), 0);
    Tunnel back = to_tunnel(b);
    EXPECT_TRUE(core::same_addr(back.local, t.local));
    EXPECT_TRUE(core::same_addr(back.remote, t.remote));
    EXPECT_TRUE(back.registering);
    t.registering = false;
    EXPECT_EQ(to_binding(t).flags, XMIP_BF_NONE);
}

TEST(Adapters, RouteOptimisationEntryToMapsAndBack) {
    RoBinding b{addr("2001:db8:9::4"), addr("2001:db8:1::20"), addr("2001:db8:3::100")};
    xmip_ro_key k = to_ro_key(b.home, b.correspondent);
    xmip_ro_binding v = to_ro_value(b);
    EXPECT_EQ(std::memcmp(&k.home, &b.home, 16), 0);
    EXPECT_EQ(std::memcmp(&k.correspondent, &b.correspondent, 16), 0);
    EXPECT_EQ(std::memcmp(&v.care_of, &b.care_of, 16), 0);
    EXPECT_EQ(v.flags, XMIP_RF_NONE);
    EXPECT_EQ(v.reserved, 0u);
    RoBinding back = to_ro_binding(k, v);
    EXPECT_TRUE(core::same_addr(back.home, b.home));
    EXPECT_TRUE(core::same_addr(back.correspondent, b.correspondent));
    EXPECT_TRUE(core::same_addr(back.care_of, b.care_of));
}

TEST(Adapters, RoBindingsPortsAreTheTwoMaps) {
    World w;
    ASSERT_EQ(w.ctx.ro_peers, &w.ro_peers);
    ASSERT_EQ(w.ctx.cn_bindings, &w.cn_bindings);
    RoBinding b{addr("2001:db8:9::4"), addr("2001:db8:1::20"), addr("2001:db8:3::100")};
    w.ctx.cn_bindings->set(b);
    EXPECT_EQ(w.cn_bindings.all().size(), 1u);
    EXPECT_TRUE(w.ro_peers.all().empty());
    EXPECT_FALSE(w.ctx.cn_bindings->used_since_last_asked(b.home, b.correspondent));
    w.cn_bindings.mark_used(b.home, b.correspondent);
    EXPECT_TRUE(w.ctx.cn_bindings->used_since_last_asked(b.home, b.correspondent));
    EXPECT_FALSE(w.ctx.cn_bindings->used_since_last_asked(b.home, b.correspondent));  // asked: cleared
    EXPECT_TRUE(w.ctx.cn_bindings->remove(b.home, b.correspondent));
    EXPECT_FALSE(w.ctx.cn_bindings->remove(b.home, b.correspondent));
}

std::vector<std::string> keys(const nlohmann::json& j) {
    std::vector<std::string> out;
    for (const auto& [k, v] : j.items()) out.push_back(k);
    return out;
}

TEST(ControlViews, FieldNamesAreTheApis) {
    using V = std::vector<std::string>;  // sorted: nlohmann::json orders keys
    EXPECT_EQ(keys(nlohmann::json(control::BindingCacheEntry{})),
              (V{"care_of_address", "home_address", "home_agent_address", "lifetime", "lifetime_left", "sequence",
                 "state"}));
    EXPECT_EQ(keys(nlohmann::json(control::BulEntry{})),
              (V{"care_of_address", "care_of_token_age_s", "correspondent", "expires_in", "home_address", "home_agent",
                 "home_token_age_s", "lifetime", "max_delay_ms", "next_event_in_ms", "recipient", "retransmit_delay_ms",
                 "sequence", "state", "transmissions"}));
    EXPECT_EQ(keys(nlohmann::json(control::HomeAgentEntry{})), (V{"addresses", "lifetime_left", "link_local", "preference"}));
    EXPECT_EQ(keys(nlohmann::json(control::HaStatus{})),
              (V{"binding_limit", "bindings", "home_agent_address", "home_agents_known", "home_link", "role"}));
    // last_handoff_ms only after a handoff: absent, not null.
    EXPECT_EQ(keys(nlohmann::json(control::MnStatus{})),
              (V{"care_of_address", "home_address", "home_agent", "interface", "location", "role"}));
    control::MnStatus moved;
    moved.last_handoff_ms = 12.5;
    EXPECT_EQ(nlohmann::json(moved)["last_handoff_ms"], 12.5);
    EXPECT_EQ(keys(nlohmann::json(control::DatapathCounter{})), (V{"bytes", "id", "packets", "reason", "verdict"}));
    EXPECT_EQ(keys(nlohmann::json(control::BindingArgs{"a", "b", std::nullopt})), (V{"care_of_address", "home_address"}));
    EXPECT_STREQ(control::BindingCacheEntry::key::lifetime_left, "lifetime_left");
}

}  // namespace
}  // namespace xmip::agent::test
