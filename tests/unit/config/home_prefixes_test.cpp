// SPDX-License-Identifier: BSD-2-Clause
// home_agent.deprecated_prefixes (renumbering, RFC 6275 10.6.2): each one of
// the home prefixes, kept through the canonical form, an error per stranger.
#include "helpers.hpp"

using namespace xmip::config;
using namespace xmip::config::test;

namespace {

//  1 role = "ha"
//  2 [datapath]
//  3 interfaces = ["eth1"]
//  4 [home_agent]
//  5 address = "2001:db8:1::1"
//  6 home_link = "eth1"
//  7 prefixes = ["2001:db8:1::/64", "2001:db8:2::/64"]
//  8 optional_prefixes... (no authentication in the way)
//  9... extra
std::string ha(std::string_view extra) {
    return "role = \"ha\"\n[datapath]\ninterfaces = [\"eth1\"]\n[home_agent]\naddress = \"2001:db8:1::1\"\n"
           "home_link = \"eth1\"\nprefixes = [\"2001:db8:1::/64\", \"2001:db8:2::/64\"]\n" +
           std::string(extra) +
           "[home_agent.authentication]\noptional_prefixes = [\"2001:db8:1::/64\", \"2001:db8:2::/64\"]\n";
}

TEST(DeprecatedPrefixes, NoneByDefault) {
    auto r = load_text(ha(""));
    ASSERT_TRUE(r.ok()) << ::testing::PrintToString(r.error_strings());
    EXPECT_TRUE(r.config->home_agent->deprecated_prefixes.empty());
}

TEST(DeprecatedPrefixes, AHomePrefixIsTakenAndWrittenBack) {
    auto r = load_text(ha("deprecated_prefixes = [\"2001:db8:1::/64\"]\n"));
    ASSERT_TRUE(r.ok()) << ::testing::PrintToString(r.error_strings());
    EXPECT_EQ(r.config->home_agent->deprecated_prefixes, std::vector{pfx("2001:db8:1::/64")});
    const auto toml = to_toml(*r.config);
    EXPECT_NE(toml.find("deprecated_prefixes = [\"2001:db8:1::/64\"]"), std::string::npos) << toml;
    auto again = load_text(toml);
    ASSERT_TRUE(again.ok()) << ::testing::PrintToString(again.error_strings());
    EXPECT_EQ(again.config->home_agent->deprecated_prefixes, r.config->home_agent->deprecated_prefixes);
}

TEST(DeprecatedPrefixes, OneThatIsNotAHomePrefixIsAnError) {
    EXPECT_EQ(errors_of(ha("deprecated_prefixes = [\"2001:db8:2::/64\", \"2001:db8:3::/64\"]\n")),
              Strings{"ha.toml:8: home_agent.deprecated_prefixes[1]: 2001:db8:3::/64 is not one of "
                      "home_agent.prefixes"});
    EXPECT_EQ(errors_of(ha("deprecated_prefixes = [\"2001:db8:1::1/64\"]\n")),
              Strings{"ha.toml:8: home_agent.deprecated_prefixes[0]: 2001:db8:1::1/64 has bits set after the first "
                      "64; write 2001:db8:1::/64"});
}

}  // namespace
