// SPDX-License-Identifier: BSD-2-Clause
// The reload decision (config/reload.hpp): live keys applied, restart-only
// keys kept at their running value with a message, the binding cache limit
// held to the binding map the datapath was started with.
#include "config/reload.hpp"

#include "helpers.hpp"

using namespace xmip::config;
using namespace xmip::config::test;

namespace {

// A home agent started with a 1000-entry binding map; `extra` is appended.
std::string ha(const std::string& datapath_extra = "", const std::string& ha_extra = "") {
    return "role = \"ha\"\nlog_level = \"info\"\n[datapath]\ninterfaces = [\"eth0\"]\nmax_bindings = 1000\n" +
           datapath_extra + "[home_agent]\naddress = \"2001:db8:1::1\"\nhome_link = \"eth0\"\n" +
           "prefixes = [\"2001:db8:1::/64\"]\n" + ha_extra +
           "[home_agent.authentication]\noptional_prefixes = [\"2001:db8:1::/64\"]\n";
}

Config running_config() {
    auto r = load_text(ha());
    EXPECT_TRUE(r.ok()) << ::testing::PrintToString(r.error_strings());
    return r.config.value_or(Config{});
}

// The text with `from` replaced by `to` (once).
std::string with(std::string text, const std::string& from, const std::string& to) {
    auto at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    if (at != std::string::npos) text.replace(at, from.size(), to);
    return text;
}

ReloadResult reload_text(const std::string& text, const Config& running, uint32_t capacity = 1000) {
    return reload(Settings::parse(text, "ha.toml"), running, capacity);
}

std::vector<std::string> messages(const ReloadDecision& d) {
    std::vector<std::string> m;
    for (const auto& k : d.kept) m.push_back(k.message);
    return m;
}

}  // namespace

TEST(ReloadSchema, DatapathAndPathsWaitForARestartByDefault) {
    EXPECT_EQ(default_reload("datapath.some_new_key"), Reload::Restart);
    EXPECT_EQ(default_reload("paths.some_new_key"), Reload::Restart);
    EXPECT_EQ(default_reload("home_agent.some_new_key"), Reload::Live);
    EXPECT_EQ(find_key("datapath.max_bindings")->reload, Reload::Restart);
    EXPECT_EQ(find_key("datapath.interfaces")->reload, Reload::Restart);
    EXPECT_EQ(find_key("datapath.xdp_mode")->reload, Reload::Restart);
    EXPECT_EQ(find_key("paths.state_dir")->reload, Reload::Restart);
    EXPECT_EQ(find_key("home_agent.address")->reload, Reload::Restart);
    EXPECT_EQ(find_key("metrics.listen")->reload, Reload::Restart);
    // Explicitly live: applied by the agent on reload.
    EXPECT_EQ(find_key("datapath.tunnel_hop_limit")->reload, Reload::Live);
    EXPECT_EQ(find_key("datapath.keep_forwarding_on_exit")->reload, Reload::Live);
    EXPECT_EQ(find_key("home_agent.max_bindings")->reload, Reload::Live);
    EXPECT_EQ(find_key("home_agent.rate_limit.per_source")->reload, Reload::Live);
    EXPECT_EQ(find_key("log_level")->reload, Reload::Live);
}

TEST(Reload, NothingChangedNothingToSay) {
    const Config running = running_config();
    auto r = reload_text(ha(), running);
    ASSERT_LOADS(r.load);
    EXPECT_EQ(r.decision, ReloadDecision{});
    EXPECT_EQ(*r.load.config, running);
}

TEST(Reload, LiveKeysAreApplied) {
    const Config running = running_config();
    auto text = with(ha("tunnel_hop_limit = 32\n", "preference = 5\nmax_bindings = 500\n"), "\"info\"", "\"debug\"");
    auto r = reload_text(text, running);
    ASSERT_LOADS(r.load);
    EXPECT_EQ(r.decision.applied,
              (Strings{"datapath.tunnel_hop_limit", "home_agent.max_bindings", "home_agent.preference", "log_level"}));
    EXPECT_TRUE(r.decision.kept.empty()) << ::testing::PrintToString(messages(r.decision));
    EXPECT_EQ(r.load.config->log_level, LogLevel::Debug);
    EXPECT_EQ(r.load.config->datapath.tunnel_hop_limit, 32);
    EXPECT_EQ(r.load.config->home_agent->max_bindings, 500u);
    EXPECT_EQ(r.load.config->home_agent->preference, 5);
}

TEST(Reload, RaisingTheMapSizeIsKeptWithAMessageAndTheCacheLimitHeldToTheMap) {
    const Config running = running_config();
    // home_agent.max_bindings follows datapath.max_bindings by default: the
    // file now asks for 4000 of both, the map holds 1000.
    auto r = reload_text(with(ha(), "max_bindings = 1000", "max_bindings = 4000"), running);
    ASSERT_LOADS(r.load);
    EXPECT_EQ(messages(r.decision),
              (Strings{"datapath.max_bindings: 1000 -> 4000 takes a restart (the binding map was sized at start); "
                       "keeping 1000",
                       "home_agent.max_bindings: 4000 exceeds the binding map (1000 entries, datapath.max_bindings at "
                       "start); limited to 1000"}));
    EXPECT_TRUE(r.decision.applied.empty()) << ::testing::PrintToString(r.decision.applied);
    EXPECT_EQ(r.load.config->datapath.max_bindings, 1000u);
    EXPECT_EQ(r.load.config->home_agent->max_bindings, 1000u);
}

TEST(Reload, AnExplicitCacheLimitAboveTheMapIsClampedOthersApplied) {
    const Config running = running_config();
    auto text = with(ha("", "max_bindings = 3000\nlifetime = 600\n"), "max_bindings = 1000", "max_bindings = 4000");
    auto r = reload_text(text, running);
    ASSERT_LOADS(r.load);
    ASSERT_EQ(r.decision.kept.size(), 2u) << ::testing::PrintToString(messages(r.decision));
    EXPECT_EQ(r.decision.kept[0].key, "datapath.max_bindings");
    EXPECT_EQ(r.decision.kept[1].key, "home_agent.max_bindings");
    EXPECT_EQ(r.decision.kept[1].running, "1000");
    EXPECT_EQ(r.decision.kept[1].wanted, "3000");
    EXPECT_EQ(r.decision.applied, Strings{"home_agent.lifetime"});
    EXPECT_EQ(r.load.config->home_agent->max_bindings, 1000u);
    EXPECT_EQ(r.load.config->home_agent->lifetime, 600);
}

TEST(Reload, TheMapsRealCapacityDecidesNotTheRunningConfiguration) {
    // A datapath that holds fewer entries than configured (whatever the
    // reason): the limit follows the map.
    const Config running = running_config();
    auto r = reload_text(ha(), running, 800);
    ASSERT_LOADS(r.load);
    EXPECT_EQ(messages(r.decision), Strings{"home_agent.max_bindings: 1000 exceeds the binding map (800 entries, "
                                            "datapath.max_bindings at start); limited to 800"});
    EXPECT_EQ(r.load.config->home_agent->max_bindings, 800u);
}

TEST(Reload, OtherRestartOnlyKeysAreKept) {
    const Config running = running_config();
    auto text =
        with(with(ha("xdp_mode = \"generic\"\n"), "interfaces = [\"eth0\"]", "interfaces = [\"eth0\", \"eth1\"]"),
             "address = \"2001:db8:1::1\"", "address = \"2001:db8:1::9\"");
    auto r = reload_text(text, running);
    ASSERT_LOADS(r.load);
    EXPECT_EQ(messages(r.decision),
              (Strings{"datapath.interfaces: eth0 -> eth0,eth1 takes a restart (the datapath was set up at start); "
                       "keeping eth0",
                       "datapath.xdp_mode: auto -> generic takes a restart (the datapath was set up at start); "
                       "keeping auto",
                       "home_agent.address: 2001:db8:1::1 -> 2001:db8:1::9 takes a restart (set at start); keeping "
                       "2001:db8:1::1"}));
    EXPECT_EQ(r.load.config->datapath.interfaces, Strings{"eth0"});
    EXPECT_EQ(r.load.config->datapath.xdp_mode, XdpMode::Auto);
    EXPECT_EQ(r.load.config->home_agent->address, ip("2001:db8:1::1"));
}

TEST(Reload, AFileThatDoesNotLoadDecidesNothing) {
    const Config running = running_config();
    auto r = reload_text(with(ha(), "max_bindings = 1000", "max_bindings = 0"), running);
    EXPECT_FALSE(r.load.ok());
    EXPECT_EQ(r.load.error_strings(), Strings{"ha.toml:5: datapath.max_bindings: 0 is out of range (1..16777216)"});
    EXPECT_EQ(r.decision, ReloadDecision{});
}

TEST(Reload, FlattenNamesEveryKeyWithItsValue) {
    auto f = flatten(running_config());
    EXPECT_EQ(f.at("datapath.max_bindings"), "1000");
    EXPECT_EQ(f.at("datapath.interfaces"), "eth0");
    EXPECT_EQ(f.at("home_agent.max_bindings"), "1000");
    EXPECT_EQ(f.at("log_level"), "info");
}
