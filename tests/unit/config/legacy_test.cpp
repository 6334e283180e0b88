// SPDX-License-Identifier: BSD-2-Clause
// MIPL's network-mip6.conf: the guide's two files verbatim (tests/unit/config/
// data, copied from section 4.2.2 of the guide), and the form's details.
#include "helpers.hpp"

using namespace xmip::config;
using namespace xmip::config::test;

namespace {

const std::string kTunnelNr =
    "ignored: xmip creates no tunnel devices (its tunnels are entries of a BPF map, sized by datapath.max_bindings)";
const std::string kSiteLocalKey =
    "ignored: xmip tunnels any unicast address; site-local addresses (fec0::/10) are deprecated (RFC 3879)";
std::string site_local(const char* a) {
    return std::string(a) + " is site-local (fec0::/10, deprecated by RFC 3879); prefer a global or unique local "
                            "(fc00::/7) address";
}

// What the guide's home agent needs besides its network-mip6.conf: MIPL took
// them from the interfaces and radvd.conf.
const std::vector<std::string> kHaOverrides{
    "home_agent.address=fec0:106:2700::2",
    "home_agent.prefixes=fec0:106:2700::/64",
    "home_agent.home_link=eth0",
    "datapath.interfaces=eth0",
};

LoadResult legacy(const std::string& file, std::vector<std::string> overrides = {}) {
    return load_string(read(data(file)), "network-mip6.conf", overrides);
}

}  // namespace

TEST(LegacyGuide, HomeAgentFileWithOverrides) {
    auto r = legacy("network-mip6.conf.ha", kHaOverrides);
    ASSERT_LOADS(r);
    EXPECT_EQ(r.format, Format::Legacy);
    EXPECT_EQ(not_about_authentication(r),
              (Strings{
                  "network-mip6.conf:4: MIN_TUNNEL_NR: " + kTunnelNr,
                  "network-mip6.conf:5: MAX_TUNNEL_NR: " + kTunnelNr,
                  "network-mip6.conf:6: TUNNEL_SITELOCAL: " + kSiteLocalKey,
                  "override: home_agent.address: " + site_local("fec0:106:2700::2"),
              }));
    Config want;
    want.role = Role::HomeAgent;
    want.instance = "ha";
    want.log_level = LogLevel::Info;  // DEBUGLEVEL=1
    want.paths = {"/run/xmip/ha.sock", "/sys/fs/bpf/xmip", "/var/lib/xmip/ha"};
    want.datapath.interfaces = {"eth0"};
    want.metrics = {"127.0.0.1:9707", {{"127.0.0.1", 9707}}, "127.0.0.1", 9707};
    HomeAgent ha;
    ha.address = ip("fec0:106:2700::2");
    ha.home_link = "eth0";
    ha.prefixes = {pfx("fec0:106:2700::/64")};
    want.home_agent = ha;
    EXPECT_EQ(*r.config, want) << to_toml(*r.config);
}

TEST(LegacyGuide, HomeAgentFileAloneNamesWhatIsMissing) {
    auto r = legacy("network-mip6.conf.ha");
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(r.error_strings(),
              (Strings{
                  "network-mip6.conf: home_agent.address: required key is missing; set "
                  "HOMEAGENT=address/prefix-length in the file, or give it as an override (home_agent.address=...)",
                  "network-mip6.conf: home_agent.home_link: required key is missing; network-mip6.conf has no "
                  "equivalent: give it as an override (home_agent.home_link=...)",
                  "network-mip6.conf: home_agent.prefixes: required key is missing; set "
                  "HOMEAGENT=address/prefix-length in the file, or give it as an override (home_agent.prefixes=...)",
                  "network-mip6.conf: datapath.interfaces: required key is missing for a home agent (every "
                  "interface it forwards on, the home link included); network-mip6.conf has no equivalent: give it "
                  "as an override (datapath.interfaces=eth0,eth1)",
              }));
    // The warnings come back even when the file does not load.
    EXPECT_EQ(r.warnings.size(), 3u);
}

TEST(LegacyGuide, MobileNodeFileWithItsInterface) {
    auto r = legacy("network-mip6.conf.mn", {"mobile_node.interface=eth0"});
    ASSERT_LOADS(r);
    EXPECT_EQ(not_about_authentication(r),
              (Strings{
                  "network-mip6.conf:4: TUNNEL_SITELOCAL: " + kSiteLocalKey,
                  "network-mip6.conf:5: MIN_TUNNEL_NR: " + kTunnelNr,
                  "network-mip6.conf:6: MAX_TUNNEL_NR: " + kTunnelNr,
                  "network-mip6.conf:7: HOMEDEV: ignored: \"mip6mnha1\" names MIPL's tunnel device; xmip tunnels in "
                  "eBPF and creates no device (mobile_node.interface is the physical interface the node moves with)",
                  "network-mip6.conf:8: HOMEADDRESS: " + site_local("fec0:106:2700::4"),
                  "network-mip6.conf:9: HOMEAGENT: " + site_local("fec0:106:2700::2"),
              }));
    Config want;
    want.role = Role::MobileNode;
    want.instance = "mn";
    want.log_level = LogLevel::Info;
    want.paths = {"/run/xmip/mn.sock", "/sys/fs/bpf/xmip", "/var/lib/xmip/mn"};
    want.datapath.interfaces = {"eth0"};
    want.metrics = {"127.0.0.1:9708", {{"127.0.0.1", 9708}}, "127.0.0.1", 9708};
    want.mobile_node = MobileNode{ip("fec0:106:2700::4"), pfx("fec0:106:2700::/64"), ip("fec0:106:2700::2"), "eth0",
                                  600, true, true, std::nullopt};
    EXPECT_EQ(*r.config, want) << to_toml(*r.config);
}

TEST(LegacyGuide, MobileNodeFileAloneNeedsTheInterface) {
    auto r = legacy("network-mip6.conf.mn");
    EXPECT_EQ(r.error_strings(),
              Strings{"network-mip6.conf: mobile_node.interface: required key is missing (the physical interface "
                      "the node moves with); network-mip6.conf has no equivalent: give it as an override "
                      "(mobile_node.interface=...)"});
}

TEST(LegacyGuide, LoadPicksTheLegacyFormByContent) {
    // The file names carry no .toml: load() recognises the KEY=VALUE form.
    auto r = load(data("network-mip6.conf.mn"), std::vector<std::string>{"mobile_node.interface=eth0"});
    ASSERT_LOADS(r);
    EXPECT_EQ(r.format, Format::Legacy);
    EXPECT_EQ(r.warnings.front().to_string(),
              data("network-mip6.conf.mn") + ":4: TUNNEL_SITELOCAL: " + kSiteLocalKey);
    // parse_legacy() says so explicitly, and agrees.
    auto p = parse_legacy(data("network-mip6.conf.mn"), std::vector<std::string>{"mobile_node.interface=eth0"});
    ASSERT_LOADS(p);
    EXPECT_EQ(*p.config, *r.config);
    EXPECT_EQ(p.warnings, r.warnings);
}

TEST(LegacyGuide, MigratesToTomlThatLoadsTheSame) {
    auto r = legacy("network-mip6.conf.mn", {"mobile_node.interface=eth0"});
    ASSERT_LOADS(r);
    auto t = load_text(to_toml(*r.config), "mn.toml");
    ASSERT_LOADS(t);
    EXPECT_EQ(*t.config, *r.config);
}

// --- the form ---------------------------------------------------------------------

TEST(LegacyForm, QuotesCommentsBlankLinesAndExport) {
    auto r = load_string("# comment\n"
                         "\n"
                         "  FUNCTIONALITY=\"mn\"   # the role\n"
                         "export DEBUGLEVEL='2'\n"
                         "HOMEADDRESS=2001:db8:1::4/64#not-a-comment-in-shell\n"
                         "HOMEAGENT = 2001:db8:1::1\r\n",
                         "legacy.conf", std::vector<std::string>{"mobile_node.interface=wlan0"}, Format::Legacy);
    // "#" inside a word is not a comment (as in the shell): the address is invalid.
    EXPECT_EQ(r.error_strings(), Strings{"legacy.conf:5: HOMEADDRESS: \"2001:db8:1::4/64#not-a-comment-in-shell\" "
                                         "is not an IPv6 address with a prefix length"});

    auto ok = load_string("FUNCTIONALITY=\"mn\"   # the role\n"
                          "export DEBUGLEVEL='2'\n"
                          "HOMEADDRESS=\"2001:db8:1::4/64\" # home\n"
                          "HOMEAGENT = 2001:db8:1::1\r\n",
                          "legacy.conf", std::vector<std::string>{"mobile_node.interface=wlan0"});
    ASSERT_LOADS(ok);
    EXPECT_EQ(ok.format, Format::Legacy);
    EXPECT_EQ(ok.config->log_level, LogLevel::Debug);
    EXPECT_EQ(ok.config->mobile_node->home_address, ip("2001:db8:1::4"));
    EXPECT_EQ(ok.config->mobile_node->home_agent, ip("2001:db8:1::1"));
    EXPECT_TRUE(not_about_authentication(ok).empty());
}

TEST(LegacyForm, DebugLevels) {
    auto level = [](const char* v) {
        auto r = load_string(std::string("FUNCTIONALITY=mn\nDEBUGLEVEL=") + v +
                                 "\nHOMEADDRESS=2001:db8:1::4/64\nHOMEAGENT=2001:db8:1::1\n",
                             "n.conf", std::vector<std::string>{"mobile_node.interface=wlan0"});
        return r;
    };
    EXPECT_EQ(level("0").config->log_level, LogLevel::Error);
    EXPECT_EQ(level("1").config->log_level, LogLevel::Info);
    EXPECT_EQ(level("2").config->log_level, LogLevel::Debug);
    EXPECT_EQ(level("9").config->log_level, LogLevel::Debug);
    EXPECT_EQ(level("high").error_strings(),
              Strings{"n.conf:2: DEBUGLEVEL: \"high\" is not a debug level (0 = errors only, 1 = info, 2 or more = "
                      "debug)"});
    EXPECT_EQ(level("-1").error_strings(),
              Strings{"n.conf:2: DEBUGLEVEL: \"-1\" is not a debug level (0 = errors only, 1 = info, 2 or more = "
                      "debug)"});
}

TEST(LegacyForm, Functionality) {
    // The guide's third node: a correspondent, its interfaces given as an override.
    std::vector<std::string> ifs{"datapath.interfaces=eth0"};
    auto r = load_string("FUNCTIONALITY=cn\nHOMEAGENT=2001:db8:1::1\n", "n.conf", ifs);
    EXPECT_TRUE(r.errors.empty()) << r.error_strings().front();
    ASSERT_TRUE(r.config);
    EXPECT_EQ(r.config->role, Role::Correspondent);
    EXPECT_EQ(r.config->instance, "cn");
    ASSERT_TRUE(r.config->correspondent);
    EXPECT_TRUE(r.config->correspondent->enabled);
    EXPECT_EQ(r.config->correspondent->max_binding_lifetime, 420u);
    EXPECT_FALSE(r.config->correspondent->address);
    EXPECT_EQ(r.warning_strings(),
              Strings{"n.conf:2: HOMEAGENT: ignored: a correspondent needs no home agent (route optimisation talks "
                      "to the mobile node's care-of address)"});
    EXPECT_EQ(load_string("FUNCTIONALITY=cn\n", "n.conf").error_strings(),
              Strings{"n.conf: datapath.interfaces: required key is missing for a correspondent (the interfaces its "
                      "signalling arrives on); network-mip6.conf has no equivalent: give it as an override "
                      "(datapath.interfaces=eth0)"});
    EXPECT_EQ(load_string("FUNCTIONALITY=router\n", "n.conf").error_strings(),
              Strings{"n.conf:1: FUNCTIONALITY: \"router\" is not one of ha, mn, cn, correspondent"});
    EXPECT_EQ(load_string("DEBUGLEVEL=1\n", "n.conf").error_strings(),
              Strings{"n.conf: FUNCTIONALITY: required key is missing (ha, mn or cn)"});
    // Upper case as some files have it.
    auto mn = load_string("FUNCTIONALITY=MN\nHOMEADDRESS=2001:db8:1::4/64\nHOMEAGENT=2001:db8:1::1\n", "n.conf",
                          std::vector<std::string>{"mobile_node.interface=wlan0"});
    ASSERT_LOADS(mn);
    EXPECT_EQ(mn.config->role, Role::MobileNode);
}

// The guide's FAQ 4 switch (MIPL's accept_return_routability) as a line of
// the file: mobile_node.route_optimization.
TEST(LegacyForm, AcceptReturnRoutability) {
    const std::string mn = "FUNCTIONALITY=mn\nHOMEADDRESS=2001:db8:1::4/64\nHOMEAGENT=2001:db8:1::1\n";
    const std::vector<std::string> ifs{"mobile_node.interface=wlan0"};
    auto off = load_string(mn + "ACCEPT_RETURN_ROUTABILITY=0\n", "n.conf", ifs);
    ASSERT_LOADS(off);
    EXPECT_FALSE(off.config->mobile_node->route_optimization);
    auto on = load_string(mn + "ACCEPT_RETURN_ROUTABILITY=1\n", "n.conf", ifs);
    ASSERT_LOADS(on);
    EXPECT_TRUE(on.config->mobile_node->route_optimization);
    EXPECT_EQ(load_string(mn + "ACCEPT_RETURN_ROUTABILITY=yes\n", "n.conf", ifs).error_strings(),
              Strings{"n.conf:4: ACCEPT_RETURN_ROUTABILITY: \"yes\" is not 0 or 1"});
}

TEST(LegacyForm, HomeAgentTakesAddressAndPrefixFromHomeagent) {
    auto r = load_string("FUNCTIONALITY=ha\nHOMEADDRESS=2001:db8:1::4/64\nHOMEAGENT=2001:db8:1::2/64\n", "n.conf",
                         std::vector<std::string>{"home_agent.home_link=eth1", "datapath.interfaces=eth0,eth1"});
    ASSERT_LOADS(r);
    EXPECT_EQ(not_about_authentication(r),
              Strings{"n.conf:2: HOMEADDRESS: ignored: a home agent has no home address (this is the mobile node's "
                      "setting)"});
    EXPECT_EQ(r.config->home_agent->address, ip("2001:db8:1::2"));
    EXPECT_EQ(r.config->home_agent->prefixes, std::vector{pfx("2001:db8:1::/64")});
    EXPECT_EQ(r.config->datapath.interfaces, (std::vector<std::string>{"eth0", "eth1"}));
    // An override replaces what HOMEAGENT implied.
    auto o = load_string("FUNCTIONALITY=ha\nHOMEAGENT=2001:db8:1::2/64\n", "n.conf",
                         std::vector<std::string>{"home_agent.home_link=eth1", "datapath.interfaces=eth1",
                                                  "home_agent.prefixes=2001:db8:1::/64,2001:db8:2::/64"});
    ASSERT_LOADS(o);
    EXPECT_EQ(o.config->home_agent->prefixes, (std::vector{pfx("2001:db8:1::/64"), pfx("2001:db8:2::/64")}));
}

// MIPL discovered its home agent when the file named none (issue 18).
TEST(LegacyForm, NoHomeagentDiscovers) {
    auto r = load_string("FUNCTIONALITY=mn\nHOMEADDRESS=2001:db8:1::4/64\n", "n.conf",
                         std::vector<std::string>{"mobile_node.interface=wlan0"});
    ASSERT_LOADS(r);
    EXPECT_TRUE(r.config->mobile_node->home_agent_auto);
}

TEST(LegacyForm, BadHomeagent) {
    EXPECT_EQ(load_string("FUNCTIONALITY=mn\nHOMEADDRESS=2001:db8:1::4/64\nHOMEAGENT=2001:db8:1::2/640\n", "n.conf",
                          std::vector<std::string>{"mobile_node.interface=wlan0"})
                  .error_strings(),
              (Strings{"n.conf:3: HOMEAGENT: \"2001:db8:1::2/640\" is not an IPv6 address with an optional "
                       "/prefix-length"}));
    EXPECT_EQ(load_string("FUNCTIONALITY=mn\nHOMEADDRESS=2001:db8:1::4/64\nHOMEAGENT=ha.example\n", "n.conf",
                          std::vector<std::string>{"mobile_node.interface=wlan0"})
                  .error_strings(),
              Strings{"n.conf:3: HOMEAGENT: \"ha.example\" is not an IPv6 address"});
}

TEST(LegacyForm, UnknownKeysAndSyntax) {
    auto r = load_string("FUNCTIONALITY=mn\n"
                         "HOMEADRESS=2001:db8:1::4/64\n"
                         "MIPV6_ROUTE_OPT=yes\n"
                         "HOMEAGENT\n"
                         "HOMEDEV=\"mip6mnha1\n"
                         "DEBUGLEVEL=1 2\n"
                         "MY-KEY=1\n",
                         "n.conf", {}, Format::Legacy);
    EXPECT_EQ(r.error_strings(),
              (Strings{
                  "n.conf:2: HOMEADRESS: unknown key; did you mean \"HOMEADDRESS\"?",
                  "n.conf:3: MIPV6_ROUTE_OPT: unknown key; network-mip6.conf settings are FUNCTIONALITY, "
                  "DEBUGLEVEL, HOMEADDRESS, HOMEAGENT, HOMEDEV, MIN_TUNNEL_NR, MAX_TUNNEL_NR, TUNNEL_SITELOCAL, "
                  "ACCEPT_RETURN_ROUTABILITY",
                  "n.conf:4: expected KEY=VALUE, got \"HOMEAGENT\"",
                  "n.conf:5: HOMEDEV: unterminated quote",
                  "n.conf:6: DEBUGLEVEL: unexpected text after the value: \"2\" (quote values that contain spaces)",
                  "n.conf:7: \"MY-KEY\" is not a setting name",
                  "n.conf: mobile_node.home_address: required key is missing; set HOMEADDRESS=address/prefix-length "
                  "in the file, or give it as an override (mobile_node.home_address=...)",
                  // no HOMEAGENT setting (line 4 is none): discovered, no error (issue 18)
                  "n.conf: mobile_node.interface: required key is missing (the physical interface the node moves "
                  "with); network-mip6.conf has no equivalent: give it as an override (mobile_node.interface=...)",
              }));
}

TEST(LegacyForm, RepeatedKeyLastWins) {
    auto r = load_string("FUNCTIONALITY=mn\nDEBUGLEVEL=0\nHOMEADDRESS=2001:db8:1::4/64\nHOMEAGENT=2001:db8:1::1\n"
                         "DEBUGLEVEL=2\n",
                         "n.conf", std::vector<std::string>{"mobile_node.interface=wlan0"});
    ASSERT_LOADS(r);
    EXPECT_EQ(r.config->log_level, LogLevel::Debug);
    EXPECT_EQ(not_about_authentication(r),
              Strings{"n.conf:5: DEBUGLEVEL: set again (first on line 2); the last value is used"});
}

TEST(FormatDetection, ByNameThenContent) {
    const char* legacy_text = "FUNCTIONALITY=\"mn\"\nHOMEADDRESS=\"2001:db8:1::4/64\"\nHOMEAGENT=\"2001:db8:1::1\"\n";
    // Quoted values make this valid TOML too; upper-case KEY=VALUE lines say legacy.
    EXPECT_EQ(load_string(legacy_text, "network-mip6.conf").format, Format::Legacy);
    // A .toml name is TOML whatever it holds.
    EXPECT_EQ(load_string(legacy_text, "x.toml").format, Format::Toml);
    // No telling name: TOML content is TOML.
    EXPECT_EQ(load_string("role = \"mn\"\n", "xmip.conf").format, Format::Toml);
    EXPECT_EQ(load_string("role=\"mn\"\n", "xmip.conf").format, Format::Toml);
    // Neither: reported as TOML, the form xmip documents.
    auto junk = load_string("this is not a configuration\n", "xmip.conf");
    EXPECT_EQ(junk.format, Format::Toml);
    ASSERT_EQ(junk.errors.size(), 1u);
    EXPECT_EQ(junk.errors[0].line, 1u);
    // Forced.
    EXPECT_EQ(load_string("role = \"mn\"\n", "x", {}, Format::Legacy).error_strings(),
              (Strings{"x:1: role: unknown key; network-mip6.conf settings are FUNCTIONALITY, DEBUGLEVEL, "
                       "HOMEADDRESS, HOMEAGENT, HOMEDEV, MIN_TUNNEL_NR, MAX_TUNNEL_NR, TUNNEL_SITELOCAL, "
                       "ACCEPT_RETURN_ROUTABILITY",
                       "x: FUNCTIONALITY: required key is missing (ha, mn or cn)"}));
}
