// SPDX-License-Identifier: BSD-2-Clause
// RFC 4285 settings: security associations on the home agent, the mobile
// node's association, the per-prefix policy, and the key files read_keys()
// refuses (missing, readable or writable by others, empty, too short).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>

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
//  8... extra
std::string ha(std::string_view extra) {
    return "role = \"ha\"\n[datapath]\ninterfaces = [\"eth1\"]\n[home_agent]\naddress = \"2001:db8:1::1\"\n"
           "home_link = \"eth1\"\nprefixes = [\"2001:db8:1::/64\", \"2001:db8:2::/64\"]\n" +
           std::string(extra);
}

//  1 role = "mn"
//  2 [mobile_node]
//  3 home_address = "2001:db8:1::4/64"
//  4 home_agent = "2001:db8:1::1"
//  5 interface = "wlan0"
//  6... extra
std::string mn(std::string_view extra) {
    return "role = \"mn\"\n[mobile_node]\nhome_address = \"2001:db8:1::4/64\"\nhome_agent = \"2001:db8:1::1\"\n"
           "interface = \"wlan0\"\n" + std::string(extra);
}

// A private temporary directory for key files, removed afterwards.
class KeyDir : public ::testing::Test {
protected:
    void SetUp() override {
        char tmpl[] = "/tmp/xmip-auth-keys-XXXXXX";
        ASSERT_NE(mkdtemp(tmpl), nullptr);
        dir = tmpl;
    }
    void TearDown() override { std::filesystem::remove_all(dir); }
    std::string write(const std::string& name, const std::string& text, mode_t mode) {
        std::string path = dir + "/" + name;
        std::ofstream(path) << text;
        EXPECT_EQ(::chmod(path.c_str(), mode), 0);
        return path;
    }
    std::string dir;
};

const std::string k20 = "000102030405060708090a0b0c0d0e0f10111213";  // 20 bytes

}  // namespace

TEST(Authentication, HomeAgentAssociationsAndPolicy) {
    auto r = load_text(ha("[home_agent.authentication]\n"
                          "optional_prefixes = [\"2001:db8:2::/64\"]\n"
                          "replay_window = 10\n"
                          "[[home_agent.security_associations]]\n"
                          "home_address = \"2001:db8:1::4\"\n"
                          "spi = 300\n"
                          "key_file = \"/etc/xmip/mn4.key\"\n"
                          "[[home_agent.security_associations]]\n"
                          "home_address = \"2001:db8:1::5\"\n"
                          "spi = 301\n"
                          "algorithm = \"hmac-sha256-128\"\n"
                          "key_file = \"/etc/xmip/mn5.key\"\n"));
    ASSERT_LOADS(r);
    EXPECT_TRUE(not_about_authentication(r).empty()) << ::testing::PrintToString(r.warning_strings());
    const auto& h = *r.config->home_agent;
    EXPECT_EQ(h.auth_optional_prefixes, std::vector{pfx("2001:db8:2::/64")});
    EXPECT_EQ(h.replay_window, 10u);
    ASSERT_EQ(h.security_associations.size(), 2u);
    EXPECT_EQ(h.security_associations[0].home_address, ip("2001:db8:1::4"));
    EXPECT_EQ(h.security_associations[0].spi, 300u);
    EXPECT_EQ(h.security_associations[0].algorithm, AuthAlgorithm::HmacSha1_96);  // the default
    EXPECT_EQ(h.security_associations[0].key_file.path, "/etc/xmip/mn4.key");
    EXPECT_EQ(h.security_associations[0].key_file.line, 14u);
    EXPECT_EQ(h.security_associations[1].algorithm, AuthAlgorithm::HmacSha256_128);
    EXPECT_TRUE(h.security_associations[0].key.empty());  // validate() reads no file
    // Defaults: required everywhere, 7 s.
    auto d = load_text(ha(""));
    ASSERT_LOADS(d);
    EXPECT_TRUE(d.config->home_agent->auth_optional_prefixes.empty());
    EXPECT_EQ(d.config->home_agent->replay_window, 7u);
}

TEST(Authentication, RoundTripsThroughToToml) {
    auto r = load_text(ha("[home_agent.authentication]\noptional_prefixes = [\"2001:db8:2::/64\"]\n"
                          "[[home_agent.security_associations]]\nhome_address = \"2001:db8:1::4\"\nspi = 300\n"
                          "key_file = \"/k/4\"\n"));
    ASSERT_LOADS(r);
    auto again = load_text(to_toml(*r.config), "b.toml");
    ASSERT_LOADS(again) << to_toml(*r.config);
    EXPECT_EQ(*again.config, *r.config);
    auto m = load_text(mn("[mobile_node.authentication]\nspi = 300\nalgorithm = \"hmac-sha256-128\"\nkey_file = \"/k/4\"\n"),
                       "mn.toml");
    ASSERT_LOADS(m);
    auto m2 = load_text(to_toml(*m.config), "mn.toml");
    ASSERT_LOADS(m2);
    EXPECT_EQ(*m2.config, *m.config);
    ASSERT_TRUE(m.config->mobile_node->authentication);
    EXPECT_EQ(m.config->mobile_node->authentication->home_address, ip("2001:db8:1::4"));
}

TEST(Authentication, AssociationErrorsNameFileLineAndKey) {
    EXPECT_EQ(errors_of(ha("[[home_agent.security_associations]]\n"        // 8
                           "home_address = \"2001:db8:9::4\"\n"             // 9
                           "spi = 7\n"                                      // 10
                           "algorithm = \"hmac-md5\"\n"                      // 11
                           "key_file = \"keys/mn.key\"\n"                     // 12
                           "[[home_agent.security_associations]]\n"        // 13
                           "home_address = \"2001:db8:1::4\"\n"             // 14
                           "[[home_agent.security_associations]]\n"        // 15
                           "home_address = \"2001:db8:1::4\"\n"             // 16
                           "spi = 400\nkey_file = \"/k\"\n"                   // 17-18
                           "[[home_agent.security_associations]]\n"        // 19
                           "home_address = \"2001:db8:1::4\"\n"             // 20
                           "spi = 401\nkey_file = \"/k\"\nkeyfile = 1\n")),   // 21-23
              (Strings{"ha.toml:10: home_agent.security_associations[0].spi: 7 is out of range (256..4294967295)",
                       "ha.toml:11: home_agent.security_associations[0].algorithm: \"hmac-md5\" is not one of "
                       "hmac-sha1-96, hmac-sha256-128",
                       "ha.toml:12: home_agent.security_associations[0].key_file: \"keys/mn.key\" is not an absolute path",
                       "ha.toml:13: home_agent.security_associations[1].spi: required key is missing (the Mobility SPI, "
                       "256 to 4294967295)",
                       "ha.toml:13: home_agent.security_associations[1].key_file: required key is missing (a file "
                       "holding the shared key in hex, readable by its owner only)",
                       "ha.toml:20: home_agent.security_associations[3].home_address: 2001:db8:1::4 has a security "
                       "association already",
                       "ha.toml:23: home_agent.security_associations.keyfile: unknown key; did you mean \"key_file\"?"}));
    EXPECT_EQ(errors_of(ha("[[home_agent.security_associations]]\nhome_address = \"2001:db8:9::4\"\nspi = 300\n"
                           "key_file = \"/k\"\n")),
              Strings{"ha.toml:9: home_agent.security_associations[0].home_address: 2001:db8:9::4 is on none of the "
                      "home prefixes"});
    EXPECT_EQ(errors_of(ha("[home_agent.authentication]\noptional_prefixes = [\"2001:db8:3::/64\"]\n")),
              Strings{"ha.toml:9: home_agent.authentication.optional_prefixes[0]: 2001:db8:3::/64 is not one of "
                      "home_agent.prefixes"});
    EXPECT_EQ(errors_of(ha("[home_agent]\n")).size(), 1u);  // a duplicate table: TOML's error
    EXPECT_EQ(errors_of(ha("security_associations = \"x\"\n")),
              Strings{"ha.toml:8: home_agent.security_associations: expected an array of tables "
                      "([[home_agent.security_associations]]), got a string (\"x\")"});
    EXPECT_EQ(errors_of(mn("[mobile_node.authentication]\nalgorithm = \"hmac-sha1-96\"\n"), "mn.toml"),
              (Strings{"mn.toml:6: mobile_node.authentication.spi: required key is missing (the Mobility SPI, 256 to "
                       "4294967295)",
                       "mn.toml:6: mobile_node.authentication.key_file: required key is missing (a file holding the "
                       "shared key in hex, readable by its owner only)"}));
}

TEST(Authentication, AssociationsAreOverriddenByIndex) {
    auto r = load_text(ha(""), "ha.toml", {"home_agent.security_associations.spi=5"});
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(r.error_strings(),
              Strings{"override: home_agent.security_associations.spi: is set per "
                      "[[home_agent.security_associations]] table; override one table's key as "
                      "home_agent.security_associations[N].spi=..."});
    auto ok = load_text(ha(""), "ha.toml", {"home_agent.authentication.replay_window=3"});
    ASSERT_LOADS(ok);
    EXPECT_EQ(ok.config->home_agent->replay_window, 3u);
}

TEST_F(KeyDir, ReadsAPrivateHexKey) {
    auto path = write("mn.key", k20 + "\n", 0600);
    auto r = load_text(mn("[mobile_node.authentication]\nspi = 300\nkey_file = \"" + path + "\"\n"), "mn.toml");
    ASSERT_LOADS(r);
    Config c = *r.config;
    EXPECT_TRUE(read_keys(c).empty());
    std::vector<uint8_t> want;
    for (uint8_t i = 0; i < 20; i++) want.push_back(i);
    EXPECT_EQ(c.mobile_node->authentication->key, want);
}

TEST_F(KeyDir, RefusesUnusableKeyFiles) {
    struct Case {
        std::string content;
        mode_t mode;
        std::string algorithm;
        std::string message;  // after "<file>"
    };
    const std::vector<Case> cases{
        {k20, 0640, "hmac-sha1-96", " has mode 0640: group and other users may use it; make it private (chmod 600)"},
        {k20, 0604, "hmac-sha1-96", " has mode 0604: group and other users may use it; make it private (chmod 600)"},
        {k20, 0620, "hmac-sha1-96", " has mode 0620: group and other users may use it; make it private (chmod 600)"},
        {k20, 0602, "hmac-sha1-96", " has mode 0602: group and other users may use it; make it private (chmod 600)"},
        {"", 0600, "hmac-sha1-96", " is empty"},
        {" \n", 0600, "hmac-sha1-96", " is empty"},
        {"zz", 0600, "hmac-sha1-96", " holds something other than hex digits"},
        {"abc", 0600, "hmac-sha1-96", " holds an odd number of hex digits"},
    };
    int n = 0;
    for (const auto& c : cases) {
        auto path = write("k" + std::to_string(n++), c.content, c.mode);
        auto r = load_text(mn("[mobile_node.authentication]\nspi = 300\nalgorithm = \"" + c.algorithm +
                              "\"\nkey_file = \"" + path + "\"\n"),
                           "mn.toml");
        ASSERT_LOADS(r);
        Config cfg = *r.config;
        EXPECT_EQ(read_keys(cfg), (std::vector<Diagnostic>{{"mn.toml", 9, "mobile_node.authentication.key_file",
                                                             "the key file \"" + path + "\"" + c.message}}))
            << c.content;
    }
    // Too short for the algorithm.
    auto short_key = write("short", "00112233445566778899", 0600);  // 10 bytes
    auto r = load_text(mn("[mobile_node.authentication]\nspi = 300\nkey_file = \"" + short_key + "\"\n"), "mn.toml");
    ASSERT_LOADS(r);
    Config c = *r.config;
    auto e = read_keys(c);
    ASSERT_EQ(e.size(), 1u);
    EXPECT_EQ(e[0].to_string(), "mn.toml:8: mobile_node.authentication.key_file: the key in \"" + short_key +
                                    "\" is 10 bytes; hmac-sha1-96 needs at least 20 (openssl rand -hex 32 makes one)");
    auto k20file = write("k20", k20, 0600);  // enough for SHA-1, not for SHA-256
    auto r256 = load_text(mn("[mobile_node.authentication]\nspi = 300\nalgorithm = \"hmac-sha256-128\"\nkey_file = \"" +
                             k20file + "\"\n"),
                          "mn.toml");
    ASSERT_LOADS(r256);
    Config c256 = *r256.config;
    EXPECT_EQ(read_keys(c256).size(), 1u);
    // Missing, and a directory.
    for (const std::string& path : {dir + "/absent", dir}) {
        auto m = load_text(mn("[mobile_node.authentication]\nspi = 300\nkey_file = \"" + path + "\"\n"), "mn.toml");
        ASSERT_LOADS(m);
        Config cm = *m.config;
        auto errs = read_keys(cm);
        ASSERT_EQ(errs.size(), 1u) << path;
        EXPECT_EQ(errs[0].line, 8u);
        EXPECT_NE(errs[0].message.find(path), std::string::npos) << errs[0].message;
    }
}

TEST_F(KeyDir, AFifoIsRefusedWithoutWaitingForAWriter) {
    auto fifo = dir + "/fifo";
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    auto r = load_text(mn("[mobile_node.authentication]\nspi = 300\nkey_file = \"" + fifo + "\"\n"), "mn.toml");
    ASSERT_LOADS(r);
    Config c = *r.config;
    auto pending = std::async(std::launch::async, [&c] { return read_keys(c); });
    if (pending.wait_for(std::chrono::seconds(5)) != std::future_status::ready) {
        ADD_FAILURE() << "read_keys() is still waiting for a writer on " << fifo;
        int w = ::open(fifo.c_str(), O_WRONLY | O_NONBLOCK);  // lets it go, so the test ends
        if (w >= 0) ::close(w);
    }
    auto errs = pending.get();
    ASSERT_EQ(errs.size(), 1u);
    EXPECT_EQ(errs[0].message, "the key file \"" + fifo + "\" is not a regular file");
}

TEST_F(KeyDir, HomeAgentKeysNamedByTheirEntry) {
    auto good = write("good", k20, 0600);
    auto open = write("open", k20, 0644);
    auto r = load_text(ha("[[home_agent.security_associations]]\nhome_address = \"2001:db8:1::4\"\nspi = 300\n"
                          "key_file = \"" + good + "\"\n"
                          "[[home_agent.security_associations]]\nhome_address = \"2001:db8:1::5\"\nspi = 301\n"
                          "key_file = \"" + open + "\"\n"));
    ASSERT_LOADS(r);
    Config c = *r.config;
    auto e = read_keys(c);
    ASSERT_EQ(e.size(), 1u);
    EXPECT_EQ(e[0].to_string(), "ha.toml:15: home_agent.security_associations[1].key_file: the key file \"" + open +
                                    "\" has mode 0644: group and other users may use it; make it private (chmod 600)");
    EXPECT_EQ(c.home_agent->security_associations[0].key.size(), 20u);
}

TEST(Authentication, RateLimits) {
    auto d = load_text(ha(""));
    ASSERT_LOADS(d);
    EXPECT_EQ(d.config->home_agent->rate_per_source, 3u);  // MAX_UPDATE_RATE
    EXPECT_EQ(d.config->home_agent->rate_unregistered_total, 500u);
    auto r = load_text(ha("[home_agent.rate_limit]\nper_source = 10\nunregistered_total = 20000\n"));
    ASSERT_LOADS(r);
    EXPECT_EQ(r.config->home_agent->rate_per_source, 10u);
    EXPECT_EQ(r.config->home_agent->rate_unregistered_total, 20000u);
    EXPECT_EQ(errors_of(ha("[home_agent.rate_limit]\nper_source = 0\n")),
              Strings{"ha.toml:9: home_agent.rate_limit.per_source: 0 is out of range (1..1000000)"});
    auto again = load_text(to_toml(*r.config), "b.toml");
    ASSERT_LOADS(again);
    EXPECT_EQ(*again.config, *r.config);
}
