// SPDX-License-Identifier: BSD-2-Clause
// Command-line overrides: key=value on top of a file, typed by the schema.
#include "helpers.hpp"

using namespace xmip::config;
using namespace xmip::config::test;

namespace {

const char* kHaWithoutInterfaces = R"(role = "ha"
[datapath]
max_bindings = 1000
[home_agent]
address = "2001:db8:1::1"
home_link = "eth1"
prefixes = ["2001:db8:1::/64"]
)";

const char* kMn = R"(role = "mn"
[mobile_node]
home_address = "2001:db8:1::4/64"
home_agent = "2001:db8:1::1"
interface = "wlan0"
)";

}  // namespace

TEST(Overrides, SupplyAMissingKey) {
    auto s = Settings::parse(kHaWithoutInterfaces, "ha.toml");
    EXPECT_TRUE(s.apply_override("datapath.interfaces", "eth0,eth1"));
    auto r = s.validate();
    ASSERT_LOADS(r);
    EXPECT_EQ(r.config->datapath.interfaces, (std::vector<std::string>{"eth0", "eth1"}));
}

TEST(Overrides, ReplaceTheFilesValueAndTheLastOneWins) {
    auto s = Settings::parse(kHaWithoutInterfaces, "ha.toml");
    EXPECT_TRUE(s.apply_override("datapath.interfaces=eth1"));
    EXPECT_TRUE(s.apply_override("datapath.max_bindings=2000"));
    EXPECT_TRUE(s.apply_override("datapath.max_bindings = +3000"));
    auto r = s.validate();
    ASSERT_LOADS(r);
    EXPECT_EQ(r.config->datapath.max_bindings, 3000u);
    EXPECT_EQ(r.config->home_agent->max_bindings, 3000u);  // follows the map size
}

TEST(Overrides, ConvertByTheKeysType) {
    auto r = load_text(kMn, "mn.toml",
                       {"datapath.interfaces= wlan0 , wwan0 ", "datapath.keep_forwarding_on_exit=no",
                        "mobile_node.optimistic_dad=OFF", "mobile_node.rs_on_link_up=0", "mobile_node.lifetime=60",
                        "log_level=debug", "metrics.listen="});
    ASSERT_LOADS(r);
    const Config& c = *r.config;
    EXPECT_EQ(c.datapath.interfaces, (std::vector<std::string>{"wlan0", "wwan0"}));
    EXPECT_FALSE(c.datapath.keep_forwarding_on_exit);  // the default is true
    EXPECT_FALSE(c.mobile_node->optimistic_dad);
    EXPECT_FALSE(c.mobile_node->rs_on_link_up);
    EXPECT_EQ(c.mobile_node->lifetime, 60u);
    EXPECT_EQ(c.log_level, LogLevel::Debug);
    EXPECT_FALSE(c.metrics.enabled());
    for (const char* t : {"false", "FALSE", "off", "0", "no"}) {
        auto b = load_text(kMn, "mn.toml", {std::string("datapath.keep_forwarding_on_exit=") + t});
        ASSERT_LOADS(b);
        EXPECT_FALSE(b.config->datapath.keep_forwarding_on_exit) << t;
    }
    auto yes = load_text(kMn, "mn.toml", {"datapath.keep_forwarding_on_exit=no", "datapath.keep_forwarding_on_exit=ON"});
    ASSERT_LOADS(yes);
    EXPECT_TRUE(yes.config->datapath.keep_forwarding_on_exit);  // the last override wins
}

TEST(Overrides, BadOverridesAreErrors) {
    auto s = Settings::parse(kMn, "mn.toml");
    EXPECT_FALSE(s.apply_override("datapath.max_bindngs", "10"));
    EXPECT_FALSE(s.apply_override("interfaces", "eth0"));
    EXPECT_FALSE(s.apply_override("security.key", "x"));
    EXPECT_FALSE(s.apply_override("home_agent", "x"));
    EXPECT_FALSE(s.apply_override("datapath.max_bindings", "lots"));
    EXPECT_FALSE(s.apply_override("mobile_node.optimistic_dad", "maybe"));
    EXPECT_FALSE(s.apply_override("datapath.interfaces", "eth0,,eth1"));
    EXPECT_FALSE(s.apply_override("mobile_node.interface"));
    EXPECT_EQ(s.validate().error_strings(),
              (Strings{
                  "override: datapath.max_bindngs: unknown key; did you mean \"datapath.max_bindings\"?",
                  "override: interfaces: unknown key; did you mean datapath.interfaces?",
                  "override: security.key: unknown key (keys are written as in the TOML form: table.key)",
                  "override: home_agent: is a table; set one of its keys: address, home_link, prefixes, "
                  "deprecated_prefixes, max_binding_lifetime, max_bindings, preference, lifetime, access, "
                  "router_advertisements, "
                  "authentication, rate_limit, security_associations, refresh_advice, nd_proxy",
                  "override: datapath.max_bindings: expected an integer, got \"lots\"",
                  "override: mobile_node.optimistic_dad: expected true or false, got \"maybe\"",
                  "override: datapath.interfaces: empty element in \"eth0,,eth1\" (elements are separated by commas)",
                  "override: expected key=value, got \"mobile_node.interface\"",
              }));
}

TEST(Overrides, ValuesAreValidatedLikeTheFiles) {
    EXPECT_EQ(errors_of(kMn, "mn.toml", {"mobile_node.home_agent=2001:db8::zz", "datapath.tunnel_hop_limit=0"}),
              (Strings{"override: datapath.tunnel_hop_limit: 0 is out of range (1..255)",
                       "override: mobile_node.home_agent: \"2001:db8::zz\" is not an IPv6 address"}))
        << "without lines, in the order of the schema";
    // An explicitly empty list replaces the default {mobile_node.interface}.
    EXPECT_EQ(errors_of(kMn, "mn.toml", {"datapath.interfaces="}),
              Strings{"override: datapath.interfaces: must include mobile_node.interface (\"wlan0\")"});
    // A table of the other role, brought in by an override.
    EXPECT_EQ(errors_of(kMn, "mn.toml", {"home_agent.lifetime=60"}),
              Strings{"override: home_agent: only valid when role = \"ha\""});
}

TEST(Overrides, InstanceOverrideMovesThePathDefaults) {
    auto r = load_text(kMn, "mn.toml", {"instance=mn2"});
    ASSERT_LOADS(r);
    EXPECT_EQ(r.config->paths, (Paths{"/run/xmip/mn2.sock", "/sys/fs/bpf/xmip", "/var/lib/xmip/mn2"}));
}

TEST(Overrides, RoleOverrideDecidesWhereLegacyAddressesGo) {
    // A legacy file without FUNCTIONALITY: the role from the command line
    // decides that HOMEADDRESS is the mobile node's.
    auto r = load_string("DEBUGLEVEL=1\nHOMEADDRESS=2001:db8:1::4/64\nHOMEAGENT=2001:db8:1::1/64\n", "n.conf",
                         std::vector<std::string>{"role=mn", "mobile_node.interface=wlan0"});
    ASSERT_LOADS(r);
    EXPECT_EQ(r.config->role, Role::MobileNode);
    EXPECT_EQ(r.config->mobile_node->home_address, ip("2001:db8:1::4"));
    EXPECT_EQ(r.config->mobile_node->home_agent, ip("2001:db8:1::1"));
}

TEST(Overrides, LoadTakesThemToo) {
    auto r = load(data("network-mip6.conf.ha"),
                  std::vector<std::string>{"home_agent.address=fec0:106:2700::2", "home_agent.prefixes=fec0:106:2700::/64",
                                           "home_agent.home_link=eth0", "datapath.interfaces=eth0"});
    ASSERT_LOADS(r);
    EXPECT_EQ(r.config->home_agent->address, ip("fec0:106:2700::2"));
}
