// SPDX-License-Identifier: BSD-2-Clause
// Every validation error, with its exact message: file, line, key.
#include "helpers.hpp"

using namespace xmip::config;
using namespace xmip::config::test;

namespace {

// A valid home agent; tests replace one line (line numbers are fixed).
//  1 role = "ha"
//  2 [datapath]
//  3 interfaces = ["eth0", "eth1"]
//  4 [home_agent]
//  5 address = "2001:db8:1::1"
//  6 home_link = "eth1"
//  7 prefixes = ["2001:db8:1::/64"]
//  8 (extra line, in [home_agent])
std::string ha(std::string_view extra = "", std::string address = "\"2001:db8:1::1\"",
               std::string prefixes = "[\"2001:db8:1::/64\"]") {
    return "role = \"ha\"\n[datapath]\ninterfaces = [\"eth0\", \"eth1\"]\n[home_agent]\naddress = " + address +
           "\nhome_link = \"eth1\"\nprefixes = " + prefixes + "\n" + std::string(extra) + "\n";
}

//  1 role = "mn"
//  2 [mobile_node]
//  3 home_address = ...
//  4 home_agent = ...
//  5 interface = "wlan0"
//  6 (extra line, in [mobile_node])
std::string mn(std::string_view extra = "", std::string hoa = "\"2001:db8:1::4/64\"",
               std::string home_agent = "\"2001:db8:1::1\"") {
    return "role = \"mn\"\n[mobile_node]\nhome_address = " + hoa + "\nhome_agent = " + home_agent +
           "\ninterface = \"wlan0\"\n" + std::string(extra) + "\n";
}

}  // namespace

TEST(ConfigErrors, TheBaseConfigsLoad) {
    ASSERT_LOADS(load_text(ha()));
    ASSERT_LOADS(load_text(mn(), "mn.toml"));
}

// --- addresses and prefixes ------------------------------------------------

TEST(ConfigErrors, BadAddress) {
    EXPECT_EQ(errors_of(ha("", "\"2001:db8::zz\"")),
              Strings{"ha.toml:5: home_agent.address: \"2001:db8::zz\" is not an IPv6 address"});
    EXPECT_EQ(errors_of(ha("", "\"2001:db8:1::1/64\"")),
              Strings{"ha.toml:5: home_agent.address: \"2001:db8:1::1/64\" is not an IPv6 address (write it "
                      "without a prefix length)"});
    EXPECT_EQ(errors_of(mn("", "\"2001:db8:1::4/64\"", "\"home-agent.example\""), "mn.toml"),
              Strings{"mn.toml:4: mobile_node.home_agent: \"home-agent.example\" is not an IPv6 address"});
}

TEST(ConfigErrors, AddressThatCannotBeAHomeAgent) {
    EXPECT_EQ(errors_of(ha("", "\"fe80::1\"", "[\"fe80::/64\"]")),
              Strings{"ha.toml:5: home_agent.address: fe80::1 is a link-local address; the home agent address "
                      "must be a global unicast address"});
    EXPECT_EQ(errors_of(ha("", "\"ff02::2\"")),
              Strings{"ha.toml:5: home_agent.address: ff02::2 is a multicast address; the home agent address "
                      "must be a global unicast address"});
    EXPECT_EQ(errors_of(ha("", "\"::\"")),
              Strings{"ha.toml:5: home_agent.address: :: is the unspecified address; the home agent address "
                      "must be a global unicast address"});
    EXPECT_EQ(errors_of(mn("", "\"::ffff:192.0.2.4/120\""), "mn.toml"),
              Strings{"mn.toml:3: mobile_node.home_address: ::ffff:192.0.2.4 is an IPv4-mapped address; a home "
                      "address must be a global unicast address"});
    EXPECT_EQ(errors_of(mn("", "\"2001:db8:1::4/64\"", "\"::1\""), "mn.toml"),
              Strings{"mn.toml:4: mobile_node.home_agent: ::1 is the loopback address; the home agent address "
                      "must be a global unicast address"});
}

TEST(ConfigErrors, BadPrefix) {
    EXPECT_EQ(errors_of(ha("", "\"2001:db8:1::1\"", "[\"2001:db8:1::/129\"]")),
              Strings{"ha.toml:7: home_agent.prefixes[0]: \"2001:db8:1::/129\" is not an IPv6 prefix "
                      "(address/length)"});
    EXPECT_EQ(errors_of(ha("", "\"2001:db8:1::1\"", "[\"2001:db8:1::\"]")),
              Strings{"ha.toml:7: home_agent.prefixes[0]: \"2001:db8:1::\" is not an IPv6 prefix (address/length)"});
    // As radvd writes it for AdvRouterAddr: the router's address, not the prefix.
    EXPECT_EQ(errors_of(ha("", "\"2001:db8:1::1\"", "[\"2001:db8:1::1/64\"]")),
              Strings{"ha.toml:7: home_agent.prefixes[0]: 2001:db8:1::1/64 has bits set after the first 64; "
                      "write 2001:db8:1::/64"});
    EXPECT_EQ(errors_of(ha("", "\"2001:db8:1::1\"", "[\"::/0\"]")),
              Strings{"ha.toml:7: home_agent.prefixes[0]: ::/0 cannot be a home prefix (its length must be 1 to 127)"});
    EXPECT_EQ(errors_of(ha("", "\"2001:db8:1::1\"", "[\"2001:db8:1::/64\", \"2001:db8:1::/64\"]")),
              Strings{"ha.toml:7: home_agent.prefixes[1]: 2001:db8:1::/64 is listed twice"});
    EXPECT_EQ(errors_of(ha("", "\"2001:db8:1::1\"", "[]")),
              Strings{"ha.toml:7: home_agent.prefixes: at least one home prefix is needed"});
}

TEST(ConfigErrors, ListElementsCarryTheirOwnLine) {
    EXPECT_EQ(errors_of(ha("", "\"2001:db8:1::1\"", "[\n  \"2001:db8:1::/64\",\n  \"2001:db8:2::/6x\",\n]")),
              Strings{"ha.toml:9: home_agent.prefixes[1]: \"2001:db8:2::/6x\" is not an IPv6 prefix (address/length)"});
}

TEST(ConfigErrors, PrefixesMustContainTheHomeAgentAddress) {
    EXPECT_EQ(errors_of(ha("", "\"2001:db8:1::1\"", "[\"2001:db8:2::/64\", \"2001:db8:3::/64\"]")),
              Strings{"ha.toml:7: home_agent.prefixes: none of the home prefixes contains home_agent.address "
                      "2001:db8:1::1"});
}

TEST(ConfigErrors, HomeAddressNeedsAPrefixLength) {
    EXPECT_EQ(errors_of(mn("", "\"2001:db8:1::4\""), "mn.toml"),
              Strings{"mn.toml:3: mobile_node.home_address: \"2001:db8:1::4\" needs the home prefix length, e.g. "
                      "2001:db8:1::4/64"});
    EXPECT_EQ(errors_of(mn("", "\"2001:db8:1::4/200\""), "mn.toml"),
              Strings{"mn.toml:3: mobile_node.home_address: \"2001:db8:1::4/200\" is not an IPv6 address with a "
                      "prefix length"});
    EXPECT_EQ(errors_of(mn("", "\"2001:db8:1::4/128\""), "mn.toml"),
              Strings{"mn.toml:3: mobile_node.home_address: \"2001:db8:1::4/128\": the home prefix length must be "
                      "1 to 127"});
    EXPECT_EQ(errors_of(mn("", "\"2001:db8:1::/64\""), "mn.toml"),
              Strings{"mn.toml:3: mobile_node.home_address: 2001:db8:1::/64 is the Subnet-Router anycast address "
                      "of its prefix, not a home address"});
}

TEST(ConfigErrors, HomeAgentIsNotTheHomeAddress) {
    EXPECT_EQ(errors_of(mn("", "\"2001:db8:1::4/64\"", "\"2001:db8:1::4\""), "mn.toml"),
              Strings{"mn.toml:4: mobile_node.home_agent: 2001:db8:1::4 is also mobile_node.home_address"});
}

TEST(ConfigErrors, AccessPrefixesMustTouchAHomePrefix) {
    EXPECT_EQ(errors_of(ha("access.allow = [\"2001:db8:1::/64\", \"2001:db8:9::/64\"]")),
              Strings{"ha.toml:8: home_agent.access.allow[1]: 2001:db8:9::/64 overlaps none of the home prefixes, "
                      "so it can never match"});
    EXPECT_EQ(errors_of(ha("access.deny = [\"2001:db8:1::1:0/64\"]")),
              Strings{"ha.toml:8: home_agent.access.deny[0]: 2001:db8:1::1:0/64 has bits set after the first 64; "
                      "write 2001:db8:1::/64"});
}

// --- numbers -----------------------------------------------------------------

TEST(ConfigErrors, OutOfRangeNumbers) {
    EXPECT_EQ(errors_of(ha("max_binding_lifetime = 262144")),
              Strings{"ha.toml:8: home_agent.max_binding_lifetime: 262144 is out of range (4..262140)"});
    EXPECT_EQ(errors_of(ha("preference = 40000")),
              Strings{"ha.toml:8: home_agent.preference: 40000 is out of range (-32768..32767)"});
    EXPECT_EQ(errors_of(ha("lifetime = 0")), Strings{"ha.toml:8: home_agent.lifetime: 0 is out of range (1..65535)"});
    EXPECT_EQ(errors_of(ha("lifetime = 65536")),
              Strings{"ha.toml:8: home_agent.lifetime: 65536 is out of range (1..65535)"});
    EXPECT_EQ(errors_of(ha("max_bindings = 0")),
              Strings{"ha.toml:8: home_agent.max_bindings: 0 is out of range (1..16777216)"});
    EXPECT_EQ(errors_of(ha("router_advertisements.min_interval_ms = 29")),
              Strings{"ha.toml:8: home_agent.router_advertisements.min_interval_ms: 29 is out of range (30..1800000)"});
    EXPECT_EQ(errors_of(ha("router_advertisements.max_interval_ms = 69")),
              Strings{"ha.toml:8: home_agent.router_advertisements.max_interval_ms: 69 is out of range (70..1800000)"});
    EXPECT_EQ(errors_of(ha("router_advertisements.router_lifetime = 9001")),
              Strings{"ha.toml:8: home_agent.router_advertisements.router_lifetime: 9001 is out of range (0..9000)"});
    EXPECT_EQ(errors_of(ha("router_advertisements.prefix_valid_lifetime = -1")),
              Strings{"ha.toml:8: home_agent.router_advertisements.prefix_valid_lifetime: -1 is out of range "
                      "(0..4294967295)"});
    EXPECT_EQ(errors_of(mn("lifetime = 0"), "mn.toml"),
              Strings{"mn.toml:6: mobile_node.lifetime: 0 is out of range (4..262140)"});
    EXPECT_EQ(errors_of(mn("lifetime = 300000"), "mn.toml"),
              Strings{"mn.toml:6: mobile_node.lifetime: 300000 is out of range (4..262140)"});
}

TEST(ConfigErrors, DatapathNumbers) {
    EXPECT_EQ(errors_of("role = \"mn\"\n[datapath]\nmax_bindings = 0\ntunnel_hop_limit = 256\n"
                        "[mobile_node]\nhome_address = \"2001:db8:1::4/64\"\nhome_agent = \"2001:db8:1::1\"\n"
                        "interface = \"wlan0\"\n",
                        "mn.toml"),
              (Strings{"mn.toml:3: datapath.max_bindings: 0 is out of range (1..16777216)",
                       "mn.toml:4: datapath.tunnel_hop_limit: 256 is out of range (1..255)"}));
    EXPECT_EQ(errors_of("role = \"mn\"\ndatapath.max_bindings = 16777217\ndatapath.tunnel_hop_limit = 0\n"
                        "mobile_node = { home_address = \"2001:db8:1::4/64\", home_agent = \"2001:db8:1::1\", "
                        "interface = \"wlan0\" }\n",
                        "mn.toml"),
              (Strings{"mn.toml:2: datapath.max_bindings: 16777217 is out of range (1..16777216)",
                       "mn.toml:3: datapath.tunnel_hop_limit: 0 is out of range (1..255)"}));
}

TEST(ConfigErrors, HomeAgentBindingsBeyondTheMap) {
    EXPECT_EQ(errors_of("role = \"ha\"\n[datapath]\ninterfaces = [\"eth0\"]\nmax_bindings = 1000\n[home_agent]\n"
                        "address = \"2001:db8:1::1\"\nhome_link = \"eth0\"\nprefixes = [\"2001:db8:1::/64\"]\n"
                        "max_bindings = 1001\n"),
              Strings{"ha.toml:9: home_agent.max_bindings: 1001 exceeds datapath.max_bindings (1000), the size of "
                      "the binding map"});
}

TEST(ConfigErrors, RouterAdvertisementRules) {
    EXPECT_EQ(errors_of(ha("router_advertisements = { min_interval_ms = 2251, max_interval_ms = 3000 }")),
              Strings{"ha.toml:8: home_agent.router_advertisements.min_interval_ms: 2251 is more than 0.75 x "
                      "max_interval_ms (3000); RFC 4861 6.2.1 bounds MinRtrAdvInterval so"});
    // The default minimum (1000) does not fit under a small maximum: 0.33 x max is used.
    ASSERT_LOADS(load_text(ha("router_advertisements = { max_interval_ms = 100 }")));
    EXPECT_EQ(errors_of(ha("router_advertisements = { max_interval_ms = 10000, router_lifetime = 9 }")),
              Strings{"ha.toml:8: home_agent.router_advertisements.router_lifetime: 9 is shorter than "
                      "max_interval_ms (10000 ms); use 0 (not a default router) or at least 10"});
    ASSERT_LOADS(load_text(ha("router_advertisements = { max_interval_ms = 10000, router_lifetime = 0 }")));
    EXPECT_EQ(errors_of(ha("router_advertisements = { prefix_valid_lifetime = 600, prefix_preferred_lifetime = 601 }")),
              Strings{"ha.toml:8: home_agent.router_advertisements.prefix_preferred_lifetime: 601 exceeds "
                      "prefix_valid_lifetime (600)"});
}

// --- types -------------------------------------------------------------------

TEST(ConfigErrors, WrongTypes) {
    EXPECT_EQ(errors_of(ha("max_bindings = \"65536\"")),
              Strings{"ha.toml:8: home_agent.max_bindings: expected an integer, got a string (\"65536\")"});
    EXPECT_EQ(errors_of(ha("lifetime = 1.5")),
              Strings{"ha.toml:8: home_agent.lifetime: expected an integer, got a floating-point number (1.5)"});
    EXPECT_EQ(errors_of(ha("router_advertisements.enabled = \"yes\"")),
              Strings{"ha.toml:8: home_agent.router_advertisements.enabled: expected true or false, got a string "
                      "(\"yes\")"});
    EXPECT_EQ(errors_of(ha("preference = true")),
              Strings{"ha.toml:8: home_agent.preference: expected an integer, got a boolean (true)"});
    EXPECT_EQ(errors_of(ha("access = { allow = \"2001:db8:1::/64\" }")),
              Strings{"ha.toml:8: home_agent.access.allow: expected an array of strings, got a string "
                      "(\"2001:db8:1::/64\")"});
    EXPECT_EQ(errors_of(ha("router_advertisements = 1")),
              Strings{"ha.toml:8: home_agent.router_advertisements: expected a table, got an integer (1)"});
}

TEST(ConfigErrors, WrongTypesOfListsAndTables) {
    EXPECT_EQ(errors_of("role = \"ha\"\n[datapath]\ninterfaces = \"eth0\"\n[home_agent]\naddress = \"2001:db8:1::1\"\n"
                        "home_link = \"eth0\"\nprefixes = [\"2001:db8:1::/64\", 64]\n"),
              (Strings{"ha.toml:3: datapath.interfaces: expected an array of strings, got a string (\"eth0\")",
                       "ha.toml:7: home_agent.prefixes[1]: expected a string, got an integer (64)"}));
    // A key of the wrong type is reported once, not also as missing.
    EXPECT_EQ(errors_of("role = \"mn\"\nmobile_node = \"wlan0\"\n", "mn.toml"),
              Strings{"mn.toml:2: mobile_node: expected a table, got a string (\"wlan0\")"});
    EXPECT_EQ(errors_of("role = 1\n"), Strings{"ha.toml:1: role: expected a string, got an integer (1)"});
    EXPECT_EQ(errors_of("role = \"ha\"\n[[home_agent]]\naddress = \"2001:db8:1::1\"\n"),
              Strings{"ha.toml:2: home_agent: expected a table, got an array"});
}

// --- unknown keys --------------------------------------------------------------

TEST(ConfigErrors, UnknownKeyWithSuggestion) {
    EXPECT_EQ(errors_of(ha("max_bindngs = 10")),
              Strings{"ha.toml:8: home_agent.max_bindngs: unknown key; did you mean \"max_bindings\"?"});
    EXPECT_EQ(errors_of(ha("Adress = \"2001:db8:1::2\"")),
              Strings{"ha.toml:8: home_agent.Adress: unknown key; did you mean \"address\"?"});
    EXPECT_EQ(errors_of(ha("router_advertisment.enabled = false")),
              Strings{"ha.toml:8: home_agent.router_advertisment: unknown table; did you mean "
                      "\"router_advertisements\"?"});
}

TEST(ConfigErrors, UnknownKeyThatBelongsElsewhere) {
    EXPECT_EQ(errors_of(ha("interfaces = [\"eth0\"]")),
              Strings{"ha.toml:8: home_agent.interfaces: unknown key; did you mean datapath.interfaces?"});
    EXPECT_EQ(errors_of(ha("[metrics]\nlifetime = 5")),
              Strings{"ha.toml:9: metrics.lifetime: unknown key; did you mean home_agent.lifetime or "
                      "mobile_node.lifetime?"});
}

TEST(ConfigErrors, UnknownKeyListsWhatIsAllowed) {
    EXPECT_EQ(errors_of(ha("[paths]\nsocket_directory = \"/run\"")),
              Strings{"ha.toml:9: paths.socket_directory: unknown key; allowed in [paths]: control_socket, pin_root, "
                      "state_dir"});
    EXPECT_EQ(errors_of("daemonize = true\n" + ha()),
              Strings{"ha.toml:1: daemonize: unknown key; allowed at the top level: role, instance, log_level, paths, "
                      "datapath, metrics, home_agent, mobile_node, correspondent, cluster"});
    EXPECT_EQ(errors_of(ha("[logging]\nfile = \"/var/log/xmip\"")),
              Strings{"ha.toml:8: logging: unknown table; allowed at the top level: role, instance, log_level, "
                      "paths, datapath, metrics, home_agent, mobile_node, correspondent, cluster"});
}

TEST(ConfigErrors, SecurityTablePointsToTheAuthenticationTables) {
    EXPECT_EQ(errors_of(ha("[security]\nmn_ha_key = \"secret\"")),
              Strings{"ha.toml:8: security: unknown table; authentication is configured in "
                      "[home_agent.authentication], [[home_agent.security_associations]] and "
                      "[mobile_node.authentication]"});
}

TEST(ConfigErrors, LegacyKeysInTomlPointToTheirNames) {
    EXPECT_EQ(errors_of("FUNCTIONALITY = \"ha\"\n", "x.toml"),
              (Strings{"x.toml:1: FUNCTIONALITY: unknown key; FUNCTIONALITY is a network-mip6.conf setting, here it "
                       "is role",
                       "x.toml: role: required key is missing (\"ha\", \"mn\" or \"correspondent\")"}));
    EXPECT_EQ(errors_of("MIN_TUNNEL_NR = 1\n" + ha(), "x.toml"),
              Strings{"x.toml:1: MIN_TUNNEL_NR: unknown key; MIN_TUNNEL_NR is a network-mip6.conf setting without "
                      "meaning in xmip"});
}

// --- missing -------------------------------------------------------------------

TEST(ConfigErrors, MissingRole) {
    EXPECT_EQ(errors_of("log_level = \"info\"\n"),
              Strings{"ha.toml: role: required key is missing (\"ha\", \"mn\" or \"correspondent\")"});
}

TEST(ConfigErrors, MissingRequiredTable) {
    EXPECT_EQ(errors_of("role = \"ha\"\ndatapath.interfaces = [\"eth0\"]\n"),
              Strings{"ha.toml: home_agent: required table is missing (role = \"ha\")"});
    EXPECT_EQ(errors_of("role = \"mn\"\n", "mn.toml"),
              Strings{"mn.toml: mobile_node: required table is missing (role = \"mn\")"});
}

TEST(ConfigErrors, MissingRequiredKeysNameTheirTable) {
    EXPECT_EQ(errors_of("role = \"ha\"\n[datapath]\ninterfaces = [\"eth0\"]\n\n[home_agent]\npreference = 1\n"),
              (Strings{"ha.toml:5: home_agent.address: required key is missing",
                       "ha.toml:5: home_agent.home_link: required key is missing",
                       "ha.toml:5: home_agent.prefixes: required key is missing"}));
    EXPECT_EQ(errors_of("role = \"mn\"\n[mobile_node]\nlifetime = 60\n", "mn.toml"),
              (Strings{"mn.toml:2: mobile_node.home_address: required key is missing",
                       "mn.toml:2: mobile_node.home_agent: required key is missing (an address, or \"auto\" to "
                       "discover one)",
                       "mn.toml:2: mobile_node.interface: required key is missing (the physical interface the node "
                       "moves with)"}));
}

TEST(ConfigErrors, HomeAgentNeedsInterfacesIncludingTheHomeLink) {
    EXPECT_EQ(errors_of("role = \"ha\"\n[home_agent]\naddress = \"2001:db8:1::1\"\nhome_link = \"eth1\"\n"
                        "prefixes = [\"2001:db8:1::/64\"]\n"),
              Strings{"ha.toml: datapath.interfaces: required key is missing for a home agent (every interface it "
                      "forwards on, the home link included)"});
    EXPECT_EQ(errors_of("role = \"ha\"\n[datapath]\ninterfaces = [\"eth0\"]\n[home_agent]\naddress = "
                        "\"2001:db8:1::1\"\nhome_link = \"eth1\"\nprefixes = [\"2001:db8:1::/64\"]\n"),
              Strings{"ha.toml:3: datapath.interfaces: must include home_agent.home_link (\"eth1\")"});
    EXPECT_EQ(errors_of("role = \"ha\"\n[datapath]\ninterfaces = []\n[home_agent]\naddress = "
                        "\"2001:db8:1::1\"\nhome_link = \"eth1\"\nprefixes = [\"2001:db8:1::/64\"]\n"),
              Strings{"ha.toml:3: datapath.interfaces: a home agent needs at least one interface"});
}

TEST(ConfigErrors, MobileNodeInterfacesIncludeItsInterface) {
    EXPECT_EQ(errors_of("role = \"mn\"\ndatapath.interfaces = [\"eth0\"]\n[mobile_node]\nhome_address = "
                        "\"2001:db8:1::4/64\"\nhome_agent = \"2001:db8:1::1\"\ninterface = \"wlan0\"\n",
                        "mn.toml"),
              Strings{"mn.toml:2: datapath.interfaces: must include mobile_node.interface (\"wlan0\")"});
}

TEST(ConfigErrors, TableOfTheOtherRole) {
    EXPECT_EQ(errors_of(ha("[mobile_node]\ninterface = \"wlan0\"")),
              Strings{"ha.toml:8: mobile_node: only valid when role = \"mn\""});
    EXPECT_EQ(errors_of("home_agent.lifetime = 60\n" + mn(), "mn.toml"),
              Strings{"mn.toml:1: home_agent: only valid when role = \"ha\""});
}

// --- names, roles, words ---------------------------------------------------------

TEST(ConfigErrors, BadInstanceName) {
    EXPECT_EQ(errors_of("instance = \"home agent\"\n" + ha()),
              Strings{"ha.toml:1: instance: \"home agent\" is not a valid instance name (1 to 32 characters from "
                      "A-Z a-z 0-9 _ -)"});
    EXPECT_EQ(errors_of("instance = \"../../etc\"\n" + ha()),
              Strings{"ha.toml:1: instance: \"../../etc\" is not a valid instance name (1 to 32 characters from "
                      "A-Z a-z 0-9 _ -)"});
    EXPECT_EQ(errors_of("instance = \"\"\n" + ha()),
              Strings{"ha.toml:1: instance: \"\" is not a valid instance name (1 to 32 characters from A-Z a-z 0-9 "
                      "_ -)"});
    ASSERT_LOADS(load_text("instance = \"" + std::string(32, 'a') + "\"\n" + ha()));
    EXPECT_EQ(errors_of("instance = \"" + std::string(33, 'a') + "\"\n" + ha()),
              Strings{"ha.toml:1: instance: \"" + std::string(33, 'a') +
                      "\" is not a valid instance name (1 to 32 characters from A-Z a-z 0-9 _ -)"});
}

TEST(ConfigErrors, CorrespondentNeedsItsInterfacesAndBoundedValues) {
    EXPECT_EQ(errors_of("role = \"correspondent\"\n"),
              Strings{"ha.toml: datapath.interfaces: required key is missing for a correspondent (the interfaces its "
                      "signalling arrives on)"});
    const std::string base = "role = \"cn\"\n[datapath]\ninterfaces = [\"eth0\"]\n[correspondent]\n";
    EXPECT_EQ(errors_of(base + "max_binding_lifetime = 600\n"),
              Strings{"ha.toml:5: correspondent.max_binding_lifetime: 600 is out of range (4..420)"});
    EXPECT_EQ(
        errors_of(base + "address = \"fe80::1\"\n"),
        Strings{
            "ha.toml:5: correspondent.address: fe80::1 is a link-local address; the correspondent address must be a "
            "global unicast address"});
    EXPECT_EQ(errors_of(base + "nonce_rotation = 0\n"),
              Strings{"ha.toml:5: correspondent.nonce_rotation: 0 is out of range (1..240)"});
    EXPECT_EQ(errors_of("role = \"ha\"\n[correspondent]\n"),
              (Strings{"ha.toml:2: correspondent: only valid when role = \"correspondent\"",
                       "ha.toml: home_agent: required table is missing (role = \"ha\")"}));
}

TEST(ConfigErrors, BadWords) {
    EXPECT_EQ(errors_of("role = \"home\"\n"),
              Strings{"ha.toml:1: role: \"home\" is not one of ha, mn, cn, correspondent"});
    EXPECT_EQ(errors_of("role = \"HA\"\n"),
              Strings{"ha.toml:1: role: \"HA\" is not one of ha, mn, cn, correspondent; did you mean \"ha\"?"});
    EXPECT_EQ(errors_of("log_level = \"warning\"\n" + ha()),
              Strings{"ha.toml:1: log_level: \"warning\" is not one of error, warn, info, debug; did you mean "
                      "\"warn\"?"});
    EXPECT_EQ(errors_of("role = \"mn\"\n[datapath]\nxdp_mode = \"skb\"\n[mobile_node]\nhome_address = "
                        "\"2001:db8:1::4/64\"\nhome_agent = \"2001:db8:1::1\"\ninterface = \"wlan0\"\n",
                        "mn.toml"),
              Strings{"mn.toml:3: datapath.xdp_mode: \"skb\" is not one of auto, native, generic"});
}

TEST(ConfigErrors, BadInterfaceNames) {
    EXPECT_EQ(errors_of("role = \"ha\"\n[datapath]\ninterfaces = [\"eth0\", \"a-very-long-interface\", \"eth0\", "
                        "\"eth 1\"]\n[home_agent]\naddress = \"2001:db8:1::1\"\nhome_link = \"eth0/1\"\nprefixes = "
                        "[\"2001:db8:1::/64\"]\n"),
              (Strings{"ha.toml:3: datapath.interfaces[1]: \"a-very-long-interface\" is not an interface name (1 "
                       "to 15 characters, no '/', ':' or white space)",
                       "ha.toml:3: datapath.interfaces[2]: \"eth0\" is listed twice",
                       "ha.toml:3: datapath.interfaces[3]: \"eth 1\" is not an interface name (1 to 15 characters, "
                       "no '/', ':' or white space)",
                       "ha.toml:6: home_agent.home_link: \"eth0/1\" is not an interface name (1 to 15 characters, "
                       "no '/', ':' or white space)"}));
}

TEST(ConfigErrors, BadMetricsListen) {
    auto with = [](const char* listen) {
        return errors_of(std::string("metrics.listen = \"") + listen + "\"\n" + mn(), "mn.toml");
    };
    EXPECT_EQ(with("::1:9707"), Strings{"mn.toml:1: metrics.listen: \"::1:9707\": an IPv6 address must be in "
                                        "brackets, e.g. [::1]:9707"});
    EXPECT_EQ(with("localhost:9707"),
              Strings{"mn.toml:1: metrics.listen: \"localhost:9707\": the host must be an IP address (IPv4, or "
                      "IPv6 in brackets) or empty for every address"});
    EXPECT_EQ(with("127.0.0.1:0"),
              Strings{"mn.toml:1: metrics.listen: \"127.0.0.1:0\": the port must be a number from 1 to 65535"});
    EXPECT_EQ(with("127.0.0.1:http"),
              Strings{"mn.toml:1: metrics.listen: \"127.0.0.1:http\": the port must be a number from 1 to 65535"});
    EXPECT_EQ(with("9707"), Strings{"mn.toml:1: metrics.listen: \"9707\": expected host:port, e.g. 127.0.0.1:9707"});
    EXPECT_EQ(with("[::1:9707"), Strings{"mn.toml:1: metrics.listen: \"[::1:9707\": missing ']' after the IPv6 "
                                         "address"});
    EXPECT_EQ(with("[::]:9707,127.0.0.1:x"),
              Strings{"mn.toml:1: metrics.listen: \"127.0.0.1:x\": the port must be a number from 1 to 65535"});
    EXPECT_EQ(with("[::1]:9707, [::1]:9707"),
              Strings{"mn.toml:1: metrics.listen: \"[::1]:9707\" is listed twice"});
    auto list = load_text(std::string("metrics.listen = \"127.0.0.1:9707, [::1]:9708\"\n") + mn(), "mn.toml");
    ASSERT_LOADS(list);
    EXPECT_EQ(list.config->metrics.addresses, (std::vector<ListenAddress>{{"127.0.0.1", 9707}, {"::1", 9708}}));
    EXPECT_EQ(with("[::1]"), Strings{"mn.toml:1: metrics.listen: \"[::1]\": expected host:port, e.g. [::1]:9707"});
    EXPECT_EQ(with("[::g]:80"), Strings{"mn.toml:1: metrics.listen: \"[::g]:80\": \"::g\" is not an IPv6 address"});
}

TEST(ConfigErrors, BadPaths) {
    EXPECT_EQ(errors_of(ha("[paths]\nstate_dir = \"var/lib/xmip\"")),
              Strings{"ha.toml:9: paths.state_dir: \"var/lib/xmip\" is not an absolute path"});
    std::string long_path = "/run/" + std::string(100, 's') + ".sock";
    EXPECT_EQ(errors_of(ha("[paths]\ncontrol_socket = \"" + long_path + "\"")),
              Strings{"ha.toml:9: paths.control_socket: the path is 110 bytes long; a Unix socket path holds at "
                      "most 107"});
}

// --- the file itself -----------------------------------------------------------------

TEST(ConfigErrors, TomlSyntaxErrorNamesTheLine) {
    // An unquoted address: toml++ tries to read a time of day.
    EXPECT_EQ(errors_of("role = \"ha\"\n[home_agent]\naddress = 2001:db8::1\n"),
              Strings{"ha.toml:3: syntax error while parsing time: expected ':', saw '0'"});
    EXPECT_EQ(errors_of("role = \"ha\"\n\n[home_agent\n"),
              Strings{"ha.toml:3: syntax error while parsing table header: expected ']', saw '\\n'"});
}

TEST(ConfigErrors, DuplicateKeyIsASyntaxError) {
    auto e = errors_of(ha("address = \"2001:db8:1::2\""));
    ASSERT_EQ(e.size(), 1u);
    EXPECT_EQ(e[0].substr(0, 11), "ha.toml:8: ");
}

TEST(ConfigErrors, AllErrorsAreReportedInFileOrder) {
    const std::string unknown =
        "ha.toml:11: home_agent.foo: unknown key; allowed in [home_agent]: address, home_link, prefixes, "
        "deprecated_prefixes, max_binding_lifetime, max_bindings, preference, lifetime, access, "
        "router_advertisements, authentication, rate_limit, security_associations, refresh_advice, nd_proxy";
    EXPECT_EQ(errors_of("role = \"ha\"\nlog_level = \"loud\"\n[datapath]\ninterfaces = [\"eth0\"]\ntunnel_hop_limit "
                        "= 0\n[home_agent]\naddress = \"2001:db8::zz\"\nhome_link = \"eth0\"\nprefixes = "
                        "[\"2001:db8:1::/64\"]\nlifetime = 0\nfoo = 1\n"),
              (Strings{"ha.toml:2: log_level: \"loud\" is not one of error, warn, info, debug",
                       "ha.toml:5: datapath.tunnel_hop_limit: 0 is out of range (1..255)",
                       "ha.toml:7: home_agent.address: \"2001:db8::zz\" is not an IPv6 address",
                       "ha.toml:10: home_agent.lifetime: 0 is out of range (1..65535)", unknown}));
}

TEST(ConfigErrors, UnreadableFile) {
    auto r = load("/nonexistent/xmip.toml");
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(r.error_strings(), Strings{"/nonexistent/xmip.toml: cannot read the file: No such file or directory"});
    auto d = load(XMIP_CONFIG_TEST_DATA);
    EXPECT_EQ(d.error_strings(), Strings{std::string(XMIP_CONFIG_TEST_DATA) + ": cannot read the file: Is a directory"});
}
