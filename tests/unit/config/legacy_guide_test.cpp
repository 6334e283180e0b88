// SPDX-License-Identifier: BSD-2-Clause
// The guide's own network-mip6.conf files (configs/, byte for byte) with the
// overrides docs/configuration.md lists: authenticated through indexed
// overrides of [[home_agent.security_associations]], or unauthenticated on
// purpose, and loudly so (docs/security.md).
#include "helpers.hpp"

using namespace xmip::config;
using namespace xmip::config::test;

namespace {

const Strings kHaOverrides{"home_agent.address=fec0:106:2700::2", "home_agent.prefixes=fec0:106:2700::/64",
                           "home_agent.home_link=eth0", "datapath.interfaces=eth0"};

Strings with(Strings a, const Strings& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

bool mentions(const std::vector<Diagnostic>& ds, const std::string& text) {
    for (const auto& d : ds)
        if (d.to_string().find(text) != std::string::npos) return true;
    return false;
}

}  // namespace

TEST(LegacyGuideAuth, HomeAgentWithASecurityAssociationFromOverrides) {
    auto r = load(source("configs/network-mip6.conf.ha"),
                  with(kHaOverrides, {"home_agent.security_associations[0].home_address=fec0:106:2700::4",
                                      "home_agent.security_associations[0].spi=4097",
                                      "home_agent.security_associations[0].key_file=/etc/xmip/mn4.key"}));
    ASSERT_LOADS(r);
    const auto& ha = *r.config->home_agent;
    ASSERT_EQ(ha.security_associations.size(), 1u);
    EXPECT_EQ(ha.security_associations[0].home_address, ip("fec0:106:2700::4"));
    EXPECT_EQ(ha.security_associations[0].spi, 4097u);
    EXPECT_EQ(ha.security_associations[0].key_file.path, "/etc/xmip/mn4.key");
    EXPECT_EQ(ha.security_associations[0].key_file.label, "home_agent.security_associations[0].key_file");
    EXPECT_FALSE(mentions(r.warnings, "UNAUTHENTICATED"));
    EXPECT_FALSE(mentions(r.warnings, "status 146"));
}

TEST(LegacyGuideAuth, HomeAgentWithoutAssociationsSaysEveryUpdateIsRefused) {
    auto r = load(source("configs/network-mip6.conf.ha"), kHaOverrides);
    ASSERT_LOADS(r);
    EXPECT_TRUE(mentions(r.warnings, "no security association for a home address on fec0:106:2700::/64: every "
                                     "Binding Update for it will be refused (status 146)"))
        << ::testing::PrintToString(r.warning_strings());
}

TEST(LegacyGuideAuth, UnauthenticatedModeIsExplicitAndLoud) {
    auto r = load(source("configs/network-mip6.conf.ha"),
                  with(kHaOverrides, {"home_agent.authentication.optional_prefixes=fec0:106:2700::/64"}));
    ASSERT_LOADS(r);
    EXPECT_TRUE(mentions(r.warnings, "override: home_agent.authentication.optional_prefixes: UNAUTHENTICATED: Binding "
                                     "Updates for home addresses on fec0:106:2700::/64 are accepted without RFC 4285"))
        << ::testing::PrintToString(r.warning_strings());
    auto mn = load(source("configs/network-mip6.conf.mn"), Strings{"mobile_node.interface=eth0"});
    ASSERT_LOADS(mn);
    EXPECT_FALSE(mn.config->mobile_node->authentication);
    EXPECT_TRUE(mentions(mn.warnings, "mobile_node.authentication: UNAUTHENTICATED"))
        << ::testing::PrintToString(mn.warning_strings());
}

TEST(LegacyGuideAuth, MobileNodeAuthenticatesThroughOverrides) {
    auto r = load(source("configs/network-mip6.conf.mn"),
                  Strings{"mobile_node.interface=eth0", "mobile_node.authentication.spi=4097",
                   "mobile_node.authentication.key_file=/etc/xmip/ha.key"});
    ASSERT_LOADS(r);
    ASSERT_TRUE(r.config->mobile_node->authentication);
    EXPECT_EQ(r.config->mobile_node->authentication->spi, 4097u);
    EXPECT_EQ(r.config->mobile_node->authentication->home_address, ip("fec0:106:2700::4"));
    EXPECT_FALSE(mentions(r.warnings, "UNAUTHENTICATED"));
}

TEST(LegacyGuideAuth, IndexedOverridesAddToTheFilesTablesAndAreChecked) {
    const char* toml = R"(role = "ha"
[datapath]
interfaces = ["eth0"]
[home_agent]
address = "2001:db8:1::1"
home_link = "eth0"
prefixes = ["2001:db8:1::/64"]
[[home_agent.security_associations]]
home_address = "2001:db8:1::4"
spi = 300
key_file = "/k4"
)";
    auto r = load_text(toml, "ha.toml",
                       {"home_agent.security_associations[0].spi=301", "home_agent.security_associations[1].spi=302",
                        "home_agent.security_associations[1].home_address=2001:db8:1::5",
                        "home_agent.security_associations[1].key_file=/k5"});
    ASSERT_LOADS(r);
    const auto& sas = r.config->home_agent->security_associations;
    ASSERT_EQ(sas.size(), 2u);
    EXPECT_EQ(sas[0].spi, 301u);  // replaced
    EXPECT_EQ(sas[1].home_address, ip("2001:db8:1::5"));

    // A table left half-made by overrides: its missing keys are named.
    auto half = errors_of(toml, "ha.toml", {"home_agent.security_associations[1].spi=302"});
    EXPECT_NE(::testing::PrintToString(half).find("home_agent.security_associations[1].home_address: required key is missing"),
              std::string::npos)
        << ::testing::PrintToString(half);
    Settings s = Settings::parse(toml, "ha.toml");
    EXPECT_FALSE(s.apply_override("home_agent.security_associations[x].spi=1"));
    EXPECT_FALSE(s.apply_override("home_agent.security_associations[0].nope=1"));
    EXPECT_FALSE(s.apply_override("home_agent.prefixes[0].spi=1"));
    EXPECT_FALSE(s.apply_override("home_agent.security_associations.spi=1"));
    EXPECT_EQ(s.validate().error_strings(),
              (Strings{"override: home_agent.security_associations[x].spi: expected "
                       "home_agent.security_associations[N].key with N from 0 to 4095",
                       "override: home_agent.security_associations[0].nope: unknown key; a "
                       "[[home_agent.security_associations]] table holds home_address, spi, algorithm, key_file",
                       "override: home_agent.prefixes[0].spi: only an array of tables takes an index "
                       "(home_agent.security_associations[0].spi=...)",
                       "override: home_agent.security_associations.spi: is set per "
                       "[[home_agent.security_associations]] table; override one table's key as "
                       "home_agent.security_associations[N].spi=..."}));
}

TEST(LegacyGuideAuth, AHalfWrittenFileNamesTheLineAndTheFix) {
    // The guide's mobile node file cut off in the middle of HOMEAGENT.
    std::string full = read(source("configs/network-mip6.conf.mn"));
    std::string cut = full.substr(0, full.find("HOMEAGENT=fec0:106:27") + 21);
    auto errs = errors_of(cut, "network-mip6.conf", {"mobile_node.interface=eth0"});
    ASSERT_EQ(errs.size(), 1u) << ::testing::PrintToString(errs);
    EXPECT_NE(errs[0].find("network-mip6.conf:16: HOMEAGENT: \"fec0:106:27\" is not an IPv6 address"), std::string::npos)
        << errs[0];
    // Cut inside a quoted value.
    auto q = errors_of("FUNCTIONALITY=mn\nHOMEADDRESS=\"fec0:106:2700::4/6", "network-mip6.conf",
                       {"mobile_node.interface=eth0"});
    EXPECT_NE(::testing::PrintToString(q).find("network-mip6.conf:2: HOMEADDRESS: unterminated quote"), std::string::npos)
        << ::testing::PrintToString(q);
}

TEST(LegacyGuideAuth, PrintedConfigurationLoadsBackToTheSame) {
    for (auto [file, overrides] :
         {std::pair{"configs/network-mip6.conf.ha",
                    with(kHaOverrides, {"home_agent.security_associations[0].home_address=fec0:106:2700::4",
                                        "home_agent.security_associations[0].spi=4097",
                                        "home_agent.security_associations[0].key_file=/etc/xmip/mn4.key"})},
          std::pair{"configs/network-mip6.conf.mn", Strings{"mobile_node.interface=eth0"}},
          std::pair{"configs/ha.toml", Strings{}}, std::pair{"configs/mn.toml", Strings{}}}) {
        auto r = load(source(file), overrides);
        ASSERT_LOADS(r);
        std::string toml = to_toml(*r.config);
        auto back = load_text(toml, "printed.toml");
        ASSERT_LOADS(back) << toml;
        // Key files are named by path; where they were named differs.
        EXPECT_EQ(*back.config, *r.config) << file << "\n" << toml;
        EXPECT_EQ(to_toml(*back.config), toml) << file;
    }
}
