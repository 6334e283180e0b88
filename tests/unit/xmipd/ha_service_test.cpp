// SPDX-License-Identifier: BSD-2-Clause
// The home agent's service against recording fakes (fakes.hpp): the
// statuses it refuses with, DAD, and the order of the group commit. The
// e2e tests (tests/e2e/) keep what needs a kernel: the datapath, proxy ND
// on a real link, restarts under traffic.
#include <gtest/gtest.h>

#include "auth/authenticator.hpp"
#include "auth/ntp_time.hpp"
#include "fakes.hpp"
#include "mh/auth.hpp"
#include "mh/codec.hpp"
#include "nd/neighbour.hpp"
#include "state/codec.hpp"
#include "xmipd/ha_service.hpp"

namespace xmip::agent::test {
namespace {

using namespace std::chrono_literals;
namespace st = mh::ba_status;

const in6_addr kHa = addr("2001:db8:1::1");
const in6_addr kHoa = addr("2001:db8:1::10");       // unauthenticated (optional prefix)
const in6_addr kHoaSa = addr("2001:db8:1::77");     // with a security association
const in6_addr kCoa = addr("2001:db8:99::5");
const in6_addr kCoa2 = addr("2001:db8:98::5");

auth::SecurityAssociation the_sa() {
    auth::SecurityAssociation sa;
    sa.spi = 300;
    sa.algorithm = auth::Algorithm::HmacSha1_96;
    sa.key = mh::Bytes(20, 0x5a);
    return sa;
}

config::Config ha_config(uint32_t max_bindings = 8) {
    config::Config c;
    c.role = config::Role::HomeAgent;
    c.instance = "test";
    c.datapath.interfaces = {"eth0"};
    config::HomeAgent h;
    h.address = *config::Ip6Address::parse("2001:db8:1::1");
    h.home_link = "eth0";
    h.prefixes = {*config::Prefix::parse("2001:db8:1::/64")};
    h.max_bindings = max_bindings;
    h.router_advertisements.enabled = false;  // no RA timer in the way
    // 2001:db8:1::10 registers without authentication; ::77 must authenticate.
    // (2001:db8:2::/64, not a home prefix, too: the 132 test is about the
    // home prefix check, not authentication.)
    h.auth_optional_prefixes = {*config::Prefix::parse("2001:db8:1::/64"), *config::Prefix::parse("2001:db8:2::/64")};
    config::SecurityAssociation sa;
    sa.home_address = *config::Ip6Address::parse("2001:db8:1::77");
    sa.spi = the_sa().spi;
    sa.algorithm = config::AuthAlgorithm::HmacSha1_96;
    sa.key = the_sa().key;
    h.security_associations = {sa};
    c.home_agent = h;
    return c;
}

mh::BindingUpdate bu(uint16_t seq, uint32_t lifetime = 600) {
    mh::BindingUpdate b;
    b.sequence = seq;
    b.flags = mh::BindingUpdate::flag_ack | mh::BindingUpdate::flag_home;
    b.set_lifetime_seconds(lifetime);
    return b;
}

mh::PacketSpec from(const in6_addr& coa, const in6_addr& hoa, const in6_addr& to = kHa) {
    mh::PacketSpec s;
    s.src = coa;
    s.dst = to;
    s.home_address = hoa;
    return s;
}

class HaServiceTest : public ::testing::Test {
protected:
    World w;
    std::unique_ptr<HaService> ha;

    void start(const config::Config& c = ha_config()) {
        ha = std::make_unique<HaService>(w.ctx, c);
        w.attach(*ha);
        w.journal.lines.clear();
    }
    void SetUp() override { start(); }

    // Registers hoa at coa, DAD included; returns the BA status.
    uint8_t register_binding(const in6_addr& hoa, const in6_addr& coa, uint16_t seq) {
        deliver_mh(*ha, from(coa, hoa), bu(seq));
        w.advance(DadProbes::kWait);
        return last_status();
    }
    uint8_t last_status() {
        auto bas = w.wire.binding_acks();
        EXPECT_FALSE(bas.empty()) << w.journal.dump();
        return bas.empty() ? 0 : bas.back().status;
    }
};

TEST_F(HaServiceTest, StartsWithProxyNdAndItsAddressInTheDatapath) {
    World fresh;
    HaService s(fresh.ctx, ha_config());
    EXPECT_EQ(fresh.kernel.sysctls["eth0.proxy_ndp"], "1");
    ASSERT_TRUE(fresh.tunnels.locals.count("2001:db8:1::1"));
    EXPECT_EQ(fresh.tunnels.locals["2001:db8:1::1"], LocalAddress::TunnelEnd);
    EXPECT_EQ(fresh.store.writes, 1) << "a first start writes the (empty) state file";
}

TEST_F(HaServiceTest, DadSuccessRegistersThenAnswers) {
    deliver_mh(*ha, from(kCoa, kHoa), bu(1));
    // The probe went out, nothing else yet: no BA before DAD ends.
    EXPECT_EQ(w.journal.find("raw icmp 135"), 0) << w.journal.dump();
    EXPECT_TRUE(w.wire.binding_acks().empty());
    EXPECT_TRUE(w.tunnels.map.empty());
    w.advance(DadProbes::kWait - 1ms);
    EXPECT_TRUE(w.wire.binding_acks().empty());
    w.advance(1ms);
    EXPECT_EQ(last_status(), st::accepted);
    ASSERT_TRUE(w.tunnels.map.count(str(kHoa)));
    EXPECT_TRUE(core::same_addr(w.tunnels.map[str(kHoa)].remote, kCoa));
    EXPECT_TRUE(core::same_addr(w.tunnels.map[str(kHoa)].local, kHa));
    EXPECT_FALSE(w.tunnels.map[str(kHoa)].registering);
    EXPECT_GE(w.journal.find("proxy add " + str(kHoa)), 0);
    EXPECT_EQ(w.stats.ba_sent, 1u);
    EXPECT_EQ(w.stats.ba_status_sent[st::accepted], 1u);
}

TEST_F(HaServiceTest, DadDuplicateIs134AndNothingChanges) {
    deliver_mh(*ha, from(kCoa, kHoa), bu(1));
    // Another node defends the home address on the home link.
    ASSERT_NE(w.wire.nd, nullptr);
    nd::NeighbourAdvertisement na;
    na.target = kHoa;
    na.override_flag = true;
    w.wire.nd->deliver(addr("fe80::99"), addr("ff02::1"), nd::encode(na));
    w.turn();
    w.advance(DadProbes::kWait);
    EXPECT_EQ(last_status(), st::dad_failed);
    EXPECT_TRUE(w.tunnels.map.empty());
    EXPECT_EQ(w.journal.find("proxy add"), -1) << w.journal.dump();
    EXPECT_EQ(w.stats.ba_nack_sent, 1u);
}

TEST_F(HaServiceTest, GroupCommitWritesTheFileThenTheMapThenTheBa) {
    deliver_mh(*ha, from(kCoa, kHoa), bu(1));
    w.journal.lines.clear();
    w.advance(DadProbes::kWait);
    int file = w.journal.find("file"), map = w.journal.find("map set " + str(kHoa)),
        proxy = w.journal.find("proxy add " + str(kHoa)), ba = w.journal.find("mh BA 0");
    ASSERT_GE(file, 0) << w.journal.dump();
    EXPECT_LT(file, map) << w.journal.dump();
    EXPECT_LT(map, ba) << w.journal.dump();
    EXPECT_LT(proxy, ba) << w.journal.dump();
    // The file holds the binding the map and the BA announce.
    ASSERT_TRUE(w.store.content);
    auto s = state::decode_ha(*w.store.content);
    ASSERT_TRUE(s.value);
    ASSERT_EQ(s.value->bindings.size(), 1u);
    EXPECT_TRUE(core::same_addr(s.value->bindings[0].coa, kCoa));
}

TEST_F(HaServiceTest, OneFileWriteForABatchOfRefreshes) {
    ASSERT_EQ(register_binding(kHoa, kCoa, 1), st::accepted);
    ASSERT_EQ(register_binding(addr("2001:db8:1::11"), kCoa2, 1), st::accepted);
    w.journal.lines.clear();
    // Two refreshes in one drain of the signalling ring: one file write,
    // before both map writes and both BAs.
    auto b1 = mh::build_packet(from(kCoa, kHoa), bu(2));
    auto b2 = mh::build_packet(from(kCoa2, addr("2001:db8:1::11")), bu(2));
    auto p1 = mh::parse_packet(*b1);
    auto p2 = mh::parse_packet(*b2);
    ha->begin_batch();
    ha->on_mobility_packet(*p1, *b1, 0);
    ha->on_mobility_packet(*p2, *b2, 0);
    EXPECT_TRUE(w.journal.lines.empty()) << "nothing leaves before the commit:\n" << w.journal.dump();
    ha->end_batch();
    EXPECT_EQ(w.journal.starting("file").size(), 1u) << w.journal.dump();
    EXPECT_EQ(w.journal.find("file"), 0) << w.journal.dump();
    EXPECT_EQ(w.journal.starting("mh BA 0").size(), 2u) << w.journal.dump();
}

TEST_F(HaServiceTest, NotHomeSubnetIs132) {
    deliver_mh(*ha, from(kCoa, addr("2001:db8:2::10")), bu(1));
    EXPECT_EQ(last_status(), st::not_home_subnet);
    EXPECT_TRUE(w.tunnels.map.empty());
}

TEST_F(HaServiceTest, NotAHomeRegistrationIs129) {
    auto b = bu(1);
    b.flags = mh::BindingUpdate::flag_ack;  // no H: a correspondent registration
    deliver_mh(*ha, from(kCoa, kHoa), b);
    EXPECT_EQ(last_status(), st::prohibited);
}

TEST_F(HaServiceTest, DeniedHomeAddressIs129) {
    auto c = ha_config();
    c.home_agent->access.deny = {*config::Prefix::parse("2001:db8:1::10/128")};
    start(c);
    deliver_mh(*ha, from(kCoa, kHoa), bu(1));
    EXPECT_EQ(last_status(), st::prohibited);
    EXPECT_TRUE(w.tunnels.map.empty());
}

TEST_F(HaServiceTest, NotOurAddressIs133) {
    deliver_mh(*ha, from(kCoa, kHoa, addr("2001:db8:1::2")), bu(1));
    EXPECT_EQ(last_status(), st::not_home_agent);
}

TEST_F(HaServiceTest, DeregisteringAnUnknownBindingIs133) {
    deliver_mh(*ha, from(kCoa, kHoa), bu(1, 0));
    EXPECT_EQ(last_status(), st::not_home_agent);
}

TEST_F(HaServiceTest, OldSequenceIs135WithTheBindingsSequence) {
    ASSERT_EQ(register_binding(kHoa, kCoa, 10), st::accepted);
    deliver_mh(*ha, from(kCoa2, kHoa), bu(5));
    auto bas = w.wire.binding_acks();
    ASSERT_FALSE(bas.empty());
    EXPECT_EQ(bas.back().status, st::sequence_out_of_window);
    EXPECT_EQ(bas.back().sequence, 10);
    EXPECT_TRUE(core::same_addr(w.tunnels.map[str(kHoa)].remote, kCoa)) << "the binding stays";
}

TEST_F(HaServiceTest, MobileRouterFlagIs140AndNothingChanges) {
    auto b = bu(1);
    b.flags |= mh::BindingUpdate::flag_mobile_router;  // RFC 3963: NEMO is not offered
    deliver_mh(*ha, from(kCoa, kHoa), b);
    EXPECT_EQ(last_status(), st::mobile_router_not_permitted);
    EXPECT_EQ(st::mobile_router_not_permitted, 140);
    EXPECT_FALSE(w.wire.binding_acks().back().mobile_router());
    EXPECT_TRUE(w.tunnels.map.empty());
    EXPECT_EQ(w.journal.find("raw icmp 135"), -1) << "no DAD for a refused registration";
}

TEST_F(HaServiceTest, KeyManagementFlagIsAnsweredWithKClear) {
    // RFC 6275 10.3.1: K in the BA only with IKE-made SAs that follow the
    // care-of address; without IPsec the registration stands, K clear.
    auto b = bu(1);
    b.flags |= mh::BindingUpdate::flag_key_mgmt;
    deliver_mh(*ha, from(kCoa, kHoa), b);
    w.advance(DadProbes::kWait);
    EXPECT_EQ(last_status(), st::accepted);
    EXPECT_FALSE(w.wire.binding_acks().back().key_management());
    EXPECT_EQ(w.tunnels.map.size(), 1u);
}

TEST_F(HaServiceTest, RefreshAdviceGoesInAcceptingBas) {
    auto c = ha_config();
    c.home_agent->refresh_advice = 200;
    start(c);
    ASSERT_EQ(register_binding(kHoa, kCoa, 1), st::accepted);
    const auto bas = w.wire.binding_acks();
    const auto* bra = mh::find_option<mh::BindingRefreshAdvice>(bas.back().options);
    ASSERT_NE(bra, nullptr) << w.journal.dump();
    EXPECT_EQ(bra->interval, 50) << "4-second units";
}

TEST_F(HaServiceTest, NoRefreshAdviceByDefault) {
    ASSERT_EQ(register_binding(kHoa, kCoa, 1), st::accepted);
    const auto bas = w.wire.binding_acks();
    EXPECT_EQ(mh::find_option<mh::BindingRefreshAdvice>(bas.back().options), nullptr);
}

TEST_F(HaServiceTest, FullCacheIs130) {
    start(ha_config(1));
    ASSERT_EQ(register_binding(kHoa, kCoa, 1), st::accepted);
    deliver_mh(*ha, from(kCoa2, addr("2001:db8:1::11")), bu(1));
    EXPECT_EQ(last_status(), st::insufficient_resources);
    EXPECT_EQ(w.tunnels.map.size(), 1u);
}

TEST_F(HaServiceTest, NoAuthenticationIs146) {
    deliver_mh(*ha, from(kCoa, kHoaSa), bu(1));
    EXPECT_EQ(last_status(), st::auth_failed);
    EXPECT_EQ(w.stats.bu_drop_auth, 1u);
    EXPECT_EQ(w.journal.find("raw icmp"), -1) << "no DAD for a refused update";
    EXPECT_EQ(w.journal.find("file"), -1) << "nothing changed, nothing written";
}

TEST_F(HaServiceTest, WrongKeyIs146) {
    mh::Message m = bu(1);
    auto wrong = the_sa();
    wrong.key = mh::Bytes(20, 0x11);
    ASSERT_TRUE(auth::sign(m, kCoa, kHoaSa, wrong, auth::ntp_now()));
    deliver_mh(*ha, from(kCoa, kHoaSa), m);
    EXPECT_EQ(last_status(), st::auth_failed);
}

TEST_F(HaServiceTest, AuthenticatedWithoutReplayProtectionIs145) {
    auto b = bu(1);
    b.options = {mh::Authentication{mh::Authentication::mn_ha, the_sa().spi, mh::Bytes(12, 0)}};
    auto bytes = mh::encode(b, kCoa, kHa);
    ASSERT_TRUE(bytes);
    auto input = mh::authentication_input(*bytes, kCoa, kHoaSa);
    ASSERT_TRUE(input);
    std::get<mh::Authentication>(b.options[0]).authenticator = auth::compute_authenticator(the_sa(), *input);
    deliver_mh(*ha, from(kCoa, kHoaSa), b);
    EXPECT_EQ(last_status(), st::message_id_required);
}

TEST_F(HaServiceTest, StaleTimestampIs144) {
    mh::Message m = bu(1);
    ASSERT_TRUE(auth::sign(m, kCoa, kHoaSa, the_sa(), auth::ntp_now() - 3600 * auth::kNtpOneSecond));
    deliver_mh(*ha, from(kCoa, kHoaSa), m);
    EXPECT_EQ(last_status(), st::id_mismatch);
}

TEST_F(HaServiceTest, AuthenticatedRegistrationIsAccepted) {
    mh::Message m = bu(1);
    ASSERT_TRUE(auth::sign(m, kCoa, kHoaSa, the_sa(), auth::ntp_now()));
    deliver_mh(*ha, from(kCoa, kHoaSa), m);
    w.advance(DadProbes::kWait);
    EXPECT_EQ(last_status(), st::accepted);
    EXPECT_TRUE(w.tunnels.map.count(str(kHoaSa)));
}

TEST_F(HaServiceTest, DeregistrationRemovesAfterTheFile) {
    ASSERT_EQ(register_binding(kHoa, kCoa, 1), st::accepted);
    w.journal.lines.clear();
    mh::PacketSpec home;  // from the home link: from the home address, no HAO
    home.src = kHoa;
    home.dst = kHa;
    deliver_mh(*ha, home, bu(2, 0));
    EXPECT_EQ(last_status(), st::accepted);
    EXPECT_TRUE(w.tunnels.map.empty());
    int file = w.journal.find("file"), del = w.journal.find("map del " + str(kHoa));
    ASSERT_GE(file, 0) << w.journal.dump();
    EXPECT_LT(file, del) << w.journal.dump();
}

TEST_F(HaServiceTest, OperatorBindingIsInForceWhenTheCommandReturns) {
    ha->add_binding(kHoa, kCoa, 100);
    EXPECT_EQ(w.journal.find("file"), 0) << w.journal.dump();
    EXPECT_TRUE(w.tunnels.map.count(str(kHoa)));
    EXPECT_TRUE(ha->remove_binding(kHoa));
    EXPECT_TRUE(w.tunnels.map.empty());
    EXPECT_FALSE(ha->remove_binding(kHoa));
}

TEST_F(HaServiceTest, ExpiryRemovesTheBinding) {
    ha->add_binding(kHoa, kCoa, 10);
    w.advance(9s);
    EXPECT_TRUE(w.tunnels.map.count(str(kHoa)));
    EXPECT_EQ(w.journal.starting("mh BRR").size(), 1u) << "a refresh request before the end";
    w.advance(1s);
    EXPECT_TRUE(w.tunnels.map.empty()) << w.journal.dump();
}

TEST_F(HaServiceTest, RecoversTheStateFilesBindings) {
    ha->add_binding(kHoa, kCoa, 600);
    auto file = w.store.content;
    ha.reset();
    // A successor with the file and an empty datapath: the map is rewritten.
    World next;
    next.store.content = file;
    HaService again(next.ctx, ha_config());
    ASSERT_TRUE(next.tunnels.map.count(str(kHoa))) << next.journal.dump();
    EXPECT_TRUE(core::same_addr(next.tunnels.map[str(kHoa)].remote, kCoa));
    EXPECT_LT(next.journal.find("file"), next.journal.find("map set")) << next.journal.dump();
}

TEST_F(HaServiceTest, CommandsAnswerTheViews) {
    World fresh;
    HaService s(fresh.ctx, ha_config());
    control::Server server(fresh.loop, ::testing::TempDir() + "xmipd-ha-test.sock");
    s.register_commands(server);
    auto add = server.dispatch(
        R"({"api":1,"cmd":"binding-add","args":{"home_address":"2001:db8:1::10","care_of_address":"2001:db8:99::5","lifetime":100}})");
    ASSERT_TRUE(add["ok"].get<bool>()) << add.dump();
    ASSERT_EQ(add["result"].size(), 1u);
    EXPECT_EQ(add["result"][0]["home_address"], "2001:db8:1::10");
    EXPECT_EQ(add["result"][0]["state"], "active");
    EXPECT_EQ(add["result"][0]["lifetime"], 100);
    auto bad = server.dispatch(R"({"api":1,"cmd":"binding-del","args":{"home_address":"nonsense"}})");
    EXPECT_EQ(bad["error"]["code"], "invalid_argument");
    auto none = server.dispatch(R"({"api":1,"cmd":"binding-del","args":{"home_address":"2001:db8:1::55"}})");
    EXPECT_EQ(none["error"]["code"], "not_found");
    EXPECT_FALSE(server.handles("bul")) << "the mobile node's command is not the home agent's";
    EXPECT_EQ(s.status()["role"], "ha");
    EXPECT_EQ(s.status()["bindings"], 1);
}

}  // namespace
}  // namespace xmip::agent::test
