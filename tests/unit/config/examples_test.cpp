// SPDX-License-Identifier: BSD-2-Clause
// configs/ and docs/configuration.md: the examples load cleanly, the page
// shows the example files as they are, and documents every key.
#include <map>
#include <sstream>

#include "helpers.hpp"

using namespace xmip::config;
using namespace xmip::config::test;

namespace {

std::string_view detail_trim(std::string_view s) {
    while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
    while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
    return s;
}

// The ```toml blocks of a Markdown page.
std::vector<std::string> toml_blocks(const std::string& md) {
    std::vector<std::string> blocks;
    const std::string open = "```toml\n", close = "\n```";
    for (size_t at = md.find(open); at != std::string::npos; at = md.find(open, at)) {
        at += open.size();
        size_t end = md.find(close, at);
        if (end == std::string::npos) break;
        blocks.push_back(md.substr(at, end - at + 1));
        at = end + close.size();
    }
    return blocks;
}

}  // namespace

TEST(Examples, HomeAgentLoadsCleanly) {
    auto r = load(source("configs/ha.toml"));
    ASSERT_LOADS(r);
    EXPECT_TRUE(r.warnings.empty()) << ::testing::PrintToString(r.warning_strings());
    const HomeAgent& ha = *r.config->home_agent;
    EXPECT_EQ(ha.address, ip("2001:db8:2700::2"));
    EXPECT_EQ(ha.preference, 20);
    EXPECT_EQ(ha.lifetime, 10000);
    EXPECT_EQ(ha.check_home_address(ip("2001:db8:2700::4").to_in6()), HomeAddressCheck::Accepted);
    EXPECT_EQ(ha.check_home_address(ip("2001:db8:2700::ff").to_in6()), HomeAddressCheck::Prohibited);
}

TEST(Examples, MobileNodeLoadsCleanly) {
    auto r = load(source("configs/mn.toml"));
    ASSERT_LOADS(r);
    EXPECT_TRUE(r.warnings.empty()) << ::testing::PrintToString(r.warning_strings());
    EXPECT_EQ(r.config->mobile_node->home_agent, ip("2001:db8:2700::2"));
    EXPECT_EQ(r.config->datapath.interfaces, std::vector<std::string>{"eth0"});
}

TEST(Examples, TheTwoAreTheGuidesSetupWithDocumentationAddresses) {
    auto ha = load(source("configs/ha.toml"));
    auto mn = load(source("configs/mn.toml"));
    ASSERT_LOADS(ha);
    ASSERT_LOADS(mn);
    // The mobile node's home agent is the home agent, on its home prefix.
    EXPECT_EQ(mn.config->mobile_node->home_agent, ha.config->home_agent->address);
    EXPECT_EQ(std::vector{mn.config->mobile_node->home_prefix}, ha.config->home_agent->prefixes);
    // Both on one host would not collide.
    EXPECT_NE(ha.config->instance, mn.config->instance);
    EXPECT_NE(ha.config->metrics.port, mn.config->metrics.port);
}

TEST(Examples, LegacyExamplesLoadWithTheDocumentedOverrides) {
    auto ha = load(source("configs/network-mip6.conf.ha"),
                   std::vector<std::string>{"home_agent.address=fec0:106:2700::2", "home_agent.prefixes=fec0:106:2700::/64",
                                            "home_agent.home_link=eth0", "datapath.interfaces=eth0"});
    ASSERT_LOADS(ha);
    EXPECT_EQ(ha.format, Format::Legacy);
    EXPECT_EQ(not_about_authentication(ha).size(), 4u) << ::testing::PrintToString(ha.warning_strings());
    auto mn = load(source("configs/network-mip6.conf.mn"), std::vector<std::string>{"mobile_node.interface=eth0"});
    ASSERT_LOADS(mn);
    EXPECT_EQ(not_about_authentication(mn).size(), 6u) << ::testing::PrintToString(mn.warning_strings());
    // The same settings as the guide's files (only a comment header added).
    auto guide = load(data("network-mip6.conf.mn"), std::vector<std::string>{"mobile_node.interface=eth0"});
    ASSERT_LOADS(guide);
    EXPECT_EQ(*mn.config, *guide.config);
    EXPECT_NE(read(source("configs/network-mip6.conf.mn")).find(read(data("network-mip6.conf.mn"))), std::string::npos);
    EXPECT_NE(read(source("configs/network-mip6.conf.ha")).find(read(data("network-mip6.conf.ha"))), std::string::npos);
}

TEST(Documentation, ShowsTheExampleFilesAsTheyAre) {
    auto blocks = toml_blocks(read(source("docs/configuration.md")));
    for (const char* file : {"configs/ha.toml", "configs/mn.toml"}) {
        std::string text = read(source(file));
        EXPECT_NE(std::find(blocks.begin(), blocks.end(), text), blocks.end()) << file << " is not shown verbatim";
    }
}

TEST(Documentation, EveryTomlBlockLoadsCleanly) {
    auto blocks = toml_blocks(read(source("docs/configuration.md")));
    ASSERT_GE(blocks.size(), 3u);
    for (size_t i = 0; i < blocks.size(); i++) {
        auto r = load_text(blocks[i], "configuration.md block " + std::to_string(i) + ".toml");
        ASSERT_LOADS(r) << blocks[i];
        EXPECT_TRUE(not_about_authentication(r).empty()) << ::testing::PrintToString(r.warning_strings());
    }
}

TEST(Documentation, DocumentsEveryKey) {
    std::string md = read(source("docs/configuration.md"));
    for (const auto& k : schema()) {
        std::string needle = k.kind == KeyKind::Table ? "[" + std::string(k.path) + "]" : "`" + std::string(k.path) + "`";
        EXPECT_NE(md.find(needle), std::string::npos) << k.path << " is not documented";
    }
    for (const char* legacy : {"FUNCTIONALITY", "DEBUGLEVEL", "HOMEADDRESS", "HOMEAGENT", "HOMEDEV", "MIN_TUNNEL_NR",
                               "MAX_TUNNEL_NR", "TUNNEL_SITELOCAL", "ACCEPT_RETURN_ROUTABILITY"})
        EXPECT_NE(md.find(std::string("`") + legacy + "`"), std::string::npos) << legacy;
}

TEST(Documentation, QuotedDiagnosticsAreTheRealOnes) {
    // The page quotes the guide's mobile node warnings; they must be current.
    std::string md = read(source("docs/configuration.md"));
    auto r = load_string(read(data("network-mip6.conf.mn")), "network-mip6.conf",
                         std::vector<std::string>{"mobile_node.interface=eth0"});
    ASSERT_LOADS(r);
    for (size_t i : {0u, 3u, 4u}) EXPECT_NE(md.find(r.warning_strings()[i]), std::string::npos) << r.warning_strings()[i];
    auto e = errors_of("role = \"ha\"\n[home_agent]\nmax_bindngs = 5\n");
    EXPECT_NE(md.find("home_agent.max_bindngs: unknown key; did you mean \"max_bindings\"?"), std::string::npos);
    EXPECT_NE(std::find(e.begin(), e.end(), "ha.toml:3: home_agent.max_bindngs: unknown key; did you mean \"max_bindings\"?"),
              e.end());
}

TEST(Documentation, ShowsEachKeysReloadFlag) {
    // Each key's row: | `key` | default | live or restart | meaning |, the
    // flag as the schema has it (scripts/config_doc_reload.py writes it).
    std::istringstream md(read(source("docs/configuration.md")));
    std::map<std::string, std::string> shown;
    for (std::string line; std::getline(md, line);) {
        if (line.rfind("| `", 0) != 0) continue;
        std::vector<std::string> cells;
        for (size_t at = 1; at < line.size();) {
            size_t bar = line.find(" | ", at);
            if (bar == std::string::npos) break;
            cells.push_back(std::string(detail_trim(line.substr(at, bar - at))));
            at = bar + 2;
        }
        if (cells.size() >= 3 && cells[0].size() > 2) shown.emplace(cells[0].substr(1, cells[0].size() - 2), cells[2]);
    }
    for (const auto& k : schema()) {
        if (k.kind == KeyKind::Table) continue;
        auto it = shown.find(std::string(k.path));
        ASSERT_NE(it, shown.end()) << k.path << " has no row in a key table";
        EXPECT_EQ(it->second, to_string(k.reload))
            << k.path << ": the reload column differs from agent/config/schema.cpp; run "
            << "scripts/config_doc_reload.py build/agent/tools/xmip-config-keys docs/configuration.md";
    }
}
