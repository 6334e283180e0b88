// SPDX-License-Identifier: BSD-2-Clause
// Valid TOML configurations and the defaults filled in.
#include "helpers.hpp"

using namespace xmip::config;
using namespace xmip::config::test;

namespace {

const char* kFullHa = R"(# every key of a home agent
role = "ha"
instance = "home-1"
log_level = "debug"

[paths]
control_socket = "/run/xmip/h1.sock"
pin_root = "/sys/fs/bpf/xmip-test"
state_dir = "/var/lib/xmip/h1"

[datapath]
interfaces = ["eth0", "eth1"]
xdp_mode = "native"
max_bindings = 1024
tunnel_hop_limit = 32
keep_forwarding_on_exit = true

[metrics]
listen = "[::1]:9100"

[home_agent]
address = "2001:db8:1::1"
home_link = "eth1"
prefixes = ["2001:db8:1::/64", "2001:db8:2::/64"]
max_binding_lifetime = 3600
max_bindings = 512
preference = -20
lifetime = 10000

[home_agent.access]
allow = ["2001:db8:1::/64"]
deny = ["2001:db8:1::bad/128"]

[home_agent.router_advertisements]
enabled = false
min_interval_ms = 30
max_interval_ms = 70
interval_option = false
prefix_valid_lifetime = 4294967295
prefix_preferred_lifetime = 604800
router_lifetime = 0
)";

const char* kFullMn = R"(role = "mn"
instance = "phone"
log_level = "warn"

[paths]
control_socket = "/tmp/mn.sock"
pin_root = "/sys/fs/bpf/other"
state_dir = "/tmp/mn-state"

[datapath]
interfaces = ["wlan0", "wwan0"]
xdp_mode = "generic"
max_bindings = 16
tunnel_hop_limit = 255
keep_forwarding_on_exit = false

[metrics]
listen = ""

[mobile_node]
home_address = "2001:db8:1::4/64"
home_agent = "2001:db8:1::1"
interface = "wlan0"
lifetime = 120
optimistic_dad = false
rs_on_link_up = false
)";

}  // namespace

TEST(TomlConfig, FullHomeAgent) {
    auto r = load_text(kFullHa);
    ASSERT_LOADS(r);
    EXPECT_TRUE(not_about_authentication(r).empty()) << ::testing::PrintToString(r.warning_strings());
    EXPECT_EQ(r.format, Format::Toml);
    const Config& c = *r.config;
    EXPECT_EQ(c.role, Role::HomeAgent);
    EXPECT_EQ(c.instance, "home-1");
    EXPECT_EQ(c.log_level, LogLevel::Debug);
    EXPECT_EQ(c.paths, (Paths{"/run/xmip/h1.sock", "/sys/fs/bpf/xmip-test", "/var/lib/xmip/h1"}));
    EXPECT_EQ(c.datapath, (Datapath{{"eth0", "eth1"}, XdpMode::Native, 1024, 32, true}));
    EXPECT_EQ(c.metrics, (Metrics{"[::1]:9100", {{"::1", 9100}}, "::1", 9100}));
    EXPECT_FALSE(c.mobile_node);
    ASSERT_TRUE(c.home_agent);
    const HomeAgent& ha = *c.home_agent;
    EXPECT_EQ(ha.address, ip("2001:db8:1::1"));
    EXPECT_EQ(ha.home_link, "eth1");
    EXPECT_EQ(ha.prefixes, (std::vector{pfx("2001:db8:1::/64"), pfx("2001:db8:2::/64")}));
    EXPECT_EQ(ha.max_binding_lifetime, 3600u);
    EXPECT_EQ(ha.max_bindings, 512u);
    EXPECT_EQ(ha.preference, -20);
    EXPECT_EQ(ha.lifetime, 10000);
    EXPECT_EQ(ha.access.allow, std::vector{pfx("2001:db8:1::/64")});
    EXPECT_EQ(ha.access.deny, std::vector{pfx("2001:db8:1::bad/128")});
    EXPECT_EQ(ha.router_advertisements, (RouterAdvertisements{false, 30, 70, false, 4294967295u, 604800, 0}));
}

TEST(TomlConfig, FullMobileNode) {
    auto r = load_text(kFullMn, "mn.toml");
    ASSERT_LOADS(r);
    EXPECT_TRUE(not_about_authentication(r).empty()) << ::testing::PrintToString(r.warning_strings());
    const Config& c = *r.config;
    EXPECT_EQ(c.role, Role::MobileNode);
    EXPECT_EQ(c.instance, "phone");
    EXPECT_EQ(c.log_level, LogLevel::Warn);
    EXPECT_EQ(c.paths, (Paths{"/tmp/mn.sock", "/sys/fs/bpf/other", "/tmp/mn-state"}));
    EXPECT_EQ(c.datapath, (Datapath{{"wlan0", "wwan0"}, XdpMode::Generic, 16, 255, false}));
    EXPECT_FALSE(c.metrics.enabled());
    EXPECT_EQ(c.metrics, (Metrics{"", {}, "", 0}));
    EXPECT_FALSE(c.home_agent);
    ASSERT_TRUE(c.mobile_node);
    EXPECT_EQ(*c.mobile_node, (MobileNode{ip("2001:db8:1::4"), pfx("2001:db8:1::/64"), ip("2001:db8:1::1"), "wlan0",
                                          120, false, false, std::nullopt}));
}

TEST(TomlConfig, HomeAgentDefaults) {
    auto r = load_text(R"(role = "ha"
[datapath]
interfaces = ["eth0"]
[home_agent]
address = "2001:db8:1::1"
home_link = "eth0"
prefixes = ["2001:db8:1::/64"]
)");
    ASSERT_LOADS(r);
    EXPECT_TRUE(not_about_authentication(r).empty());
    const Config& c = *r.config;
    EXPECT_EQ(c.instance, "ha");
    EXPECT_EQ(c.log_level, LogLevel::Info);
    EXPECT_EQ(c.paths, (Paths{"/run/xmip/ha.sock", "/sys/fs/bpf/xmip", "/var/lib/xmip/ha"}));
    EXPECT_EQ(c.datapath, (Datapath{{"eth0"}, XdpMode::Auto, 65536, 64, true}));
    EXPECT_EQ(c.metrics, (Metrics{"127.0.0.1:9707", {{"127.0.0.1", 9707}}, "127.0.0.1", 9707}));
    const HomeAgent& ha = *c.home_agent;
    EXPECT_EQ(ha.max_binding_lifetime, 262140u);
    EXPECT_EQ(ha.max_bindings, 65536u);
    EXPECT_EQ(ha.preference, 0);
    EXPECT_EQ(ha.lifetime, 1800);
    EXPECT_TRUE(ha.access.allow.empty());
    EXPECT_TRUE(ha.access.deny.empty());
    // The guide's radvd on the home agent: MinRtrAdvInterval 1, MaxRtrAdvInterval 3,
    // AdvValidLifetime 12000, AdvPreferredLifetime 10000; router lifetime 3 x max.
    EXPECT_EQ(ha.router_advertisements, (RouterAdvertisements{true, 1000, 3000, true, 12000, 10000, 9}));
}

TEST(TomlConfig, MobileNodeDefaults) {
    auto r = load_text(R"(role = "mn"
[mobile_node]
home_address = "2001:db8:1::4/64"
home_agent = "2001:db8:1::1"
interface = "wlan0"
)", "mn.toml");
    ASSERT_LOADS(r);
    EXPECT_TRUE(not_about_authentication(r).empty());
    const Config& c = *r.config;
    EXPECT_EQ(c.instance, "mn");
    EXPECT_EQ(c.paths, (Paths{"/run/xmip/mn.sock", "/sys/fs/bpf/xmip", "/var/lib/xmip/mn"}));
    EXPECT_EQ(c.datapath, (Datapath{{"wlan0"}, XdpMode::Auto, 65536, 64, true}));
    EXPECT_EQ(c.metrics, (Metrics{"127.0.0.1:9708", {{"127.0.0.1", 9708}}, "127.0.0.1", 9708}));
    EXPECT_EQ(*c.mobile_node, (MobileNode{ip("2001:db8:1::4"), pfx("2001:db8:1::/64"), ip("2001:db8:1::1"), "wlan0",
                                          600, true, true, std::nullopt}));
}

// Issue 18: the home agent discovered (RFC 6275 11.4.1), and its to_toml
// form read back.
TEST(TomlConfig, MobileNodeHomeAgentAuto) {
    auto r = load_text(R"(role = "mn"
[mobile_node]
home_address = "2001:db8:1::4/64"
home_agent = "auto"
interface = "wlan0"
)",
                       "mn.toml");
    ASSERT_LOADS(r);
    EXPECT_TRUE(r.config->mobile_node->home_agent_auto);
    auto back = load_text(to_toml(*r.config), "mn.toml");
    ASSERT_LOADS(back);
    EXPECT_EQ(*back.config, *r.config);
    EXPECT_EQ(
        errors_of("role = \"mn\"\n[mobile_node]\nhome_address = \"2001:db8:1::4/64\"\nhome_agent = \"automatic\"\n"
                  "interface = \"wlan0\"\n",
                  "mn.toml")
            .size(),
        1u);
}

// Issue 13: route optimisation at the mobile node, the FAQ 4 switch and
// which correspondents; to_toml reads back the same.
TEST(TomlConfig, MobileNodeRouteOptimisation) {
    const std::string base =
        "role = \"mn\"\n[mobile_node]\nhome_address = \"2001:db8:1::4/64\"\n"
        "home_agent = \"2001:db8:1::1\"\ninterface = \"wlan0\"\n";
    auto dflt = load_text(base, "mn.toml");
    ASSERT_LOADS(dflt);
    EXPECT_TRUE(dflt.config->mobile_node->route_optimization) << "on by default, as MIPL's";
    EXPECT_TRUE(dflt.config->mobile_node->optimises(ip("2001:db8:5::2").to_in6()));

    auto off = load_text(base + "route_optimization = false\n", "mn.toml");
    ASSERT_LOADS(off);
    EXPECT_FALSE(off.config->mobile_node->route_optimization);
    EXPECT_FALSE(off.config->mobile_node->optimises(ip("2001:db8:5::2").to_in6()));

    auto on = load_text(base + "route_optimization = true\n", "mn.toml");
    ASSERT_LOADS(on);
    EXPECT_TRUE(on.config->mobile_node->optimises(ip("2001:db8:5::2").to_in6()));

    auto acl = load_text(base + "route_optimization = true\n" +
                             "[mobile_node.correspondent_access]\nallow = [\"2001:db8:5::/48\"]\n"
                             "deny = [\"2001:db8:5:1::/64\"]\n",
                         "mn.toml");
    ASSERT_LOADS(acl);
    const auto& mn = *acl.config->mobile_node;
    EXPECT_TRUE(mn.optimises(ip("2001:db8:5::2").to_in6()));
    EXPECT_FALSE(mn.optimises(ip("2001:db8:5:1::2").to_in6())) << "the longer deny wins";
    EXPECT_FALSE(mn.optimises(ip("2001:db8:6::2").to_in6())) << "an allow list: others not";
    auto back = load_text(to_toml(*acl.config), "mn.toml");
    ASSERT_LOADS(back);
    EXPECT_EQ(*back.config, *acl.config);

    EXPECT_EQ(
        errors_of(base + "[mobile_node.correspondent_access]\nallow = [\"2001:db8:5::/200\"]\n", "mn.toml").size(), 1u);
    EXPECT_EQ(errors_of(base + "route_optimization = 1\n", "mn.toml").size(), 1u);
}

// home_agent.nd_proxy: who answers solicitations for bound home addresses
// (docs/configuration.md); the datapath unless "kernel" is asked for.
TEST(TomlConfig, NdProxy) {
    const std::string ha =
        "role = \"ha\"\n[datapath]\ninterfaces = [\"eth0\"]\n[home_agent]\naddress = \"2001:db8:1::1\"\n"
        "home_link = \"eth0\"\nprefixes = [\"2001:db8:1::/64\"]\n";
    auto none = load_text(ha);
    ASSERT_LOADS(none);
    EXPECT_TRUE(none.config->home_agent->nd_proxy_in_datapath);
    auto kernel = load_text(ha + "nd_proxy = \"kernel\"\n");
    ASSERT_LOADS(kernel);
    EXPECT_FALSE(kernel.config->home_agent->nd_proxy_in_datapath);
    auto datapath = load_text(ha + "nd_proxy = \"datapath\"\n");
    ASSERT_LOADS(datapath);
    EXPECT_TRUE(datapath.config->home_agent->nd_proxy_in_datapath);
    auto e = errors_of(ha + "nd_proxy = \"xdp\"\n");
    ASSERT_EQ(e.size(), 1u);
    EXPECT_NE(e[0].find("home_agent.nd_proxy"), std::string::npos) << e[0];
}

TEST(TomlConfig, RefreshAdvice) {
    const std::string ha =
        "role = \"ha\"\n[datapath]\ninterfaces = [\"eth0\"]\n[home_agent]\naddress = \"2001:db8:1::1\"\n"
        "home_link = \"eth0\"\nprefixes = [\"2001:db8:1::/64\"]\n";
    auto none = load_text(ha);
    ASSERT_LOADS(none);
    EXPECT_EQ(none.config->home_agent->refresh_advice, 0u);
    auto r = load_text(ha + "refresh_advice = 302\n");
    ASSERT_LOADS(r);
    EXPECT_EQ(r.config->home_agent->refresh_advice, 300u);
    bool warned = false;
    for (const auto& w : r.warning_strings())
        warned = warned || w.find("refresh_advice: 302 is not a multiple of 4") != std::string::npos;
    EXPECT_TRUE(warned) << ::testing::PrintToString(r.warning_strings());
    EXPECT_EQ(errors_of(ha + "refresh_advice = 262144\n"),
              Strings{"ha.toml:8: home_agent.refresh_advice: 262144 is out of range (0..262140)"});
}

TEST(TomlConfig, HomeAgentAndMobileNodeDefaultsNeverCollide) {
    auto ha = load_text(R"(role = "ha"
datapath.interfaces = ["eth0"]
home_agent = { address = "2001:db8:1::1", home_link = "eth0", prefixes = ["2001:db8:1::/64"] }
)");
    auto mn = load_text(R"(role = "mn"
mobile_node = { home_address = "2001:db8:1::4/64", home_agent = "2001:db8:1::1", interface = "veth1" }
)", "mn.toml");
    ASSERT_LOADS(ha);
    ASSERT_LOADS(mn);
    EXPECT_NE(ha.config->instance, mn.config->instance);
    EXPECT_NE(ha.config->paths.control_socket, mn.config->paths.control_socket);
    EXPECT_NE(ha.config->paths.state_dir, mn.config->paths.state_dir);
    EXPECT_NE(ha.config->metrics.port, mn.config->metrics.port);
    // pin_root is shared; the datapath pins under pin_root/<instance>.
    EXPECT_EQ(ha.config->paths.pin_root, mn.config->paths.pin_root);
}

TEST(TomlConfig, PathDefaultsFollowTheInstance) {
    auto r = load_text(R"(role = "mn"
instance = "mn_2"
[mobile_node]
home_address = "2001:db8:1::4/64"
home_agent = "2001:db8:1::1"
interface = "wlan0"
)", "mn.toml");
    ASSERT_LOADS(r);
    EXPECT_EQ(r.config->paths, (Paths{"/run/xmip/mn_2.sock", "/sys/fs/bpf/xmip", "/var/lib/xmip/mn_2"}));
}

TEST(TomlConfig, RouterAdvertisementDefaultsFollowMaxInterval) {
    auto r = load_text(R"(role = "ha"
datapath.interfaces = ["eth0"]
[home_agent]
address = "2001:db8:1::1"
home_link = "eth0"
prefixes = ["2001:db8:1::/64"]
router_advertisements.max_interval_ms = 600000
)");
    ASSERT_LOADS(r);
    const auto& ra = r.config->home_agent->router_advertisements;
    EXPECT_EQ(ra.min_interval_ms, 200000u);  // 0.33 x max (RFC 4861 6.2.1)
    EXPECT_EQ(ra.router_lifetime, 1800);     // 3 x max

    auto fast = load_text(R"(role = "ha"
datapath.interfaces = ["eth0"]
[home_agent]
address = "2001:db8:1::1"
home_link = "eth0"
prefixes = ["2001:db8:1::/64"]
router_advertisements.max_interval_ms = 70
)");
    ASSERT_LOADS(fast);
    EXPECT_EQ(fast.config->home_agent->router_advertisements.min_interval_ms, 30u);  // RFC 6275 7.5 floor
    EXPECT_EQ(fast.config->home_agent->router_advertisements.router_lifetime, 1);
}

TEST(TomlConfig, HomeAgentMaxBindingsDefaultsToTheMapSize) {
    auto r = load_text(R"(role = "ha"
[datapath]
interfaces = ["eth0"]
max_bindings = 2000
[home_agent]
address = "2001:db8:1::1"
home_link = "eth0"
prefixes = ["2001:db8:1::/64"]
)");
    ASSERT_LOADS(r);
    EXPECT_EQ(r.config->home_agent->max_bindings, 2000u);
}

TEST(TomlConfig, WarningsDoNotStopLoading) {
    auto r = load_text(R"(role = "mn"
[mobile_node]
home_address = "fec0:106:2700::4/64"
home_agent = "2001:db8:9::1"
interface = "eth0"
lifetime = 601
)", "mn.toml");
    ASSERT_LOADS(r);
    EXPECT_EQ(not_about_authentication(r),
              (Strings{
                  "mn.toml:3: mobile_node.home_address: fec0:106:2700::4 is site-local (fec0::/10, deprecated by "
                  "RFC 3879); prefer a global or unique local (fc00::/7) address",
                  "mn.toml:4: mobile_node.home_agent: 2001:db8:9::1 is not on the home prefix fec0:106:2700::/64; a "
                  "home agent is a router on the home link (RFC 6275 10.1)",
                  "mn.toml:6: mobile_node.lifetime: 601 is not a multiple of 4: lifetimes travel in 4-second units, "
                  "so 600 s is used",
              }));
}

TEST(TomlConfig, MetricsListenForms) {
    auto with = [](const char* listen) {
        return load_text(std::string(R"(role = "mn"
metrics.listen = ")") + listen + R"("
mobile_node = { home_address = "2001:db8:1::4/64", home_agent = "2001:db8:1::1", interface = "eth0" }
)", "mn.toml");
    };
    auto a = with(":9708");
    ASSERT_LOADS(a);
    EXPECT_EQ(a.config->metrics, (Metrics{":9708", {{"", 9708}}, "", 9708}));
    auto b = with("[2001:db8::1]:65535");
    ASSERT_LOADS(b);
    EXPECT_EQ(b.config->metrics, (Metrics{"[2001:db8::1]:65535", {{"2001:db8::1", 65535}}, "2001:db8::1", 65535}));
    auto c = with("0.0.0.0:1");
    ASSERT_LOADS(c);
    EXPECT_EQ(c.config->metrics.port, 1);
}

TEST(TomlConfig, RoundTripsThroughToToml) {
    for (const char* text : {kFullHa, kFullMn}) {
        auto r = load_text(text, "a.toml");
        ASSERT_LOADS(r);
        std::string again = to_toml(*r.config);
        auto r2 = load_text(again, "b.toml");
        ASSERT_LOADS(r2) << again;
        EXPECT_EQ(*r2.config, *r.config) << again;
    }
}

TEST(HomeAgentAccess, MostSpecificPrefixDecides) {
    auto r = load_text(kFullHa);
    ASSERT_LOADS(r);
    HomeAgent ha = *r.config->home_agent;
    EXPECT_EQ(ha.check_home_address(ip("2001:db8:1::4").to_in6()), HomeAddressCheck::Accepted);
    EXPECT_EQ(ha.check_home_address(ip("2001:db8:1::bad").to_in6()), HomeAddressCheck::Prohibited);
    // On a home prefix, but allow is not empty and does not list it.
    EXPECT_EQ(ha.check_home_address(ip("2001:db8:2::4").to_in6()), HomeAddressCheck::Prohibited);
    EXPECT_EQ(ha.check_home_address(ip("2001:db8:3::4").to_in6()), HomeAddressCheck::NotHomeSubnet);

    ha.access = {};
    EXPECT_EQ(ha.check_home_address(ip("2001:db8:2::4").to_in6()), HomeAddressCheck::Accepted);
    // A host allowed out of a denied range; a tie denies.
    ha.access.deny = {pfx("2001:db8:1::/64")};
    ha.access.allow = {pfx("2001:db8:1::7/128")};
    EXPECT_EQ(ha.check_home_address(ip("2001:db8:1::7").to_in6()), HomeAddressCheck::Accepted);
    EXPECT_EQ(ha.check_home_address(ip("2001:db8:1::8").to_in6()), HomeAddressCheck::Prohibited);
    ha.access.allow = {pfx("2001:db8:1::/64")};
    EXPECT_EQ(ha.check_home_address(ip("2001:db8:1::7").to_in6()), HomeAddressCheck::Prohibited);
}

TEST(Schema, EveryKeyHasATableParent) {
    for (const auto& k : schema()) {
        auto dot = k.path.rfind('.');
        if (dot == std::string_view::npos) continue;
        const KeyInfo* parent = find_key(k.path.substr(0, dot));
        ASSERT_NE(parent, nullptr) << k.path;
        EXPECT_TRUE(parent->kind == KeyKind::Table || parent->kind == KeyKind::TableArray) << k.path;
    }
}
