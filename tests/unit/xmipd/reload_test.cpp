// SPDX-License-Identifier: BSD-2-Clause
// A reload of the home agent (xmipd/reload.hpp, what SIGHUP and `mipctl
// reload` run) from a real file: raising datapath.max_bindings is refused
// with the message the log and the control socket carry, and the binding
// cache keeps the limit of the map it has; the rate limiter's table follows
// home_agent.max_bindings.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "fakes.hpp"
#include "mh/codec.hpp"
#include "xmipd/ha_admission.hpp"
#include "xmipd/ha_service.hpp"
#include "xmipd/reload.hpp"

namespace xmip::agent::test {
namespace {

namespace st = mh::ba_status;

const in6_addr kHa = addr("2001:db8:1::1");

// A home agent on the loopback interface (the host check wants one that
// exists), without authentication on its home prefix.
std::string ha_toml(uint32_t map_size, const std::string& ha_extra = "") {
    return "role = \"ha\"\ninstance = \"reloadtest\"\n[datapath]\ninterfaces = [\"lo\"]\nmax_bindings = " +
           std::to_string(map_size) +
           "\n[metrics]\nlisten = \"\"\n[home_agent]\naddress = \"2001:db8:1::1\"\nhome_link = \"lo\"\n"
           "prefixes = [\"2001:db8:1::/64\"]\n" +
           ha_extra +
           "[home_agent.router_advertisements]\nenabled = false\n"
           "[home_agent.authentication]\noptional_prefixes = [\"2001:db8:1::/64\"]\n";
}

class ReloadTest : public ::testing::Test {
protected:
    std::filesystem::path dir;
    std::string path;
    World w;
    std::unique_ptr<HaService> ha;

    void SetUp() override {
        char tmpl[] = "/tmp/xmip-reload-test.XXXXXX";
        ASSERT_NE(mkdtemp(tmpl), nullptr);
        dir = tmpl;
        path = (dir / "ha.toml").string();
    }
    void TearDown() override { std::filesystem::remove_all(dir); }
    void write(const std::string& text) { std::ofstream(path) << text; }

    config::Config start(uint32_t map_size) {
        write(ha_toml(map_size));
        auto r = config::load(path);
        EXPECT_TRUE(r.ok()) << ::testing::PrintToString(r.error_strings());
        ha = std::make_unique<HaService>(w.ctx, *r.config);
        w.attach(*ha);
        return *r.config;
    }
    uint8_t register_binding(uint32_t i) {
        mh::BindingUpdate b;
        b.sequence = 1;
        b.flags = mh::BindingUpdate::flag_ack | mh::BindingUpdate::flag_home;
        b.set_lifetime_seconds(600);
        mh::PacketSpec s;
        s.src = addr(("2001:db8:99::" + std::to_string(i)).c_str());
        s.dst = kHa;
        s.home_address = addr(("2001:db8:1::" + std::to_string(i + 16)).c_str());
        deliver_mh(*ha, s, b);
        w.advance(DadProbes::kWait);
        auto bas = w.wire.binding_acks();
        EXPECT_FALSE(bas.empty()) << w.journal.dump();
        return bas.empty() ? 0 : bas.back().status;
    }
};

TEST_F(ReloadTest, RaisingTheMapSizeIsRefusedWithTheMessage) {
    const config::Config running = start(1);
    ASSERT_EQ(register_binding(1), st::accepted);

    write(ha_toml(4));  // the operator raises the map size and sends SIGHUP
    ReloadReport report = reload_config(path, {}, running, /*binding_capacity=*/1);
    ASSERT_TRUE(report.config) << ::testing::PrintToString(report.errors);
    const control::ReloadAnswer answer = report.answer();
    EXPECT_TRUE(answer.reloaded);
    EXPECT_EQ(answer.kept,
              (std::vector<std::string>{
                  "datapath.max_bindings: 1 -> 4 takes a restart (the binding map was sized at start); keeping 1",
                  "home_agent.max_bindings: 4 exceeds the binding map (1 entries, datapath.max_bindings at start); "
                  "limited to 1"}));
    EXPECT_TRUE(answer.applied.empty());
    // What the control socket carries.
    nlohmann::json j = answer;
    EXPECT_EQ(j[control::ReloadAnswer::key::kept].size(), 2u);

    ha->reload(*report.config);
    EXPECT_EQ(ha->status()[control::HaStatus::key::binding_limit], 1u);
    EXPECT_EQ(register_binding(2), st::insufficient_resources) << "the cache limit is still the map's";
    EXPECT_EQ(w.tunnels.map.size(), 1u);
}

TEST_F(ReloadTest, ALiveKeyIsApplied) {
    const config::Config running = start(4);
    write(ha_toml(4, "max_bindings = 1\n"));
    ReloadReport report = reload_config(path, {}, running, 4);
    ASSERT_TRUE(report.config) << ::testing::PrintToString(report.errors);
    EXPECT_EQ(report.answer().applied, std::vector<std::string>{"home_agent.max_bindings"});
    EXPECT_TRUE(report.answer().kept.empty());
    ha->reload(*report.config);
    ASSERT_EQ(register_binding(1), st::accepted);
    EXPECT_EQ(register_binding(2), st::insufficient_resources);
}

TEST_F(ReloadTest, AFileThatDoesNotLoadChangesNothingAndSaysWhy) {
    const config::Config running = start(4);
    write(ha_toml(4, "max_bindings = 0\n"));
    ReloadReport report = reload_config(path, {}, running, 4);
    EXPECT_FALSE(report.config);
    const control::ReloadAnswer answer = report.answer();
    EXPECT_FALSE(answer.reloaded);
    ASSERT_EQ(answer.errors.size(), 1u);
    EXPECT_NE(answer.errors[0].find("home_agent.max_bindings: 0 is out of range"), std::string::npos)
        << answer.errors[0];
}

TEST(AdmissionReload, TheBoundSourcesTableFollowsTheCacheLimit) {
    config::HomeAgent h;
    h.max_bindings = 100;
    Admission a(h, core::TimePoint{});
    EXPECT_EQ(a.bound_sources().capacity(), 100u);
    h.max_bindings = 10;
    a.reload(h);
    EXPECT_EQ(a.bound_sources().capacity(), 10u);
    h.max_bindings = 5000;
    a.reload(h);
    EXPECT_EQ(a.bound_sources().capacity(), 5000u);
}

}  // namespace
}  // namespace xmip::agent::test
