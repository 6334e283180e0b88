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
#include "nd/message.hpp"
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

// The kernel's proxy entries (home_agent.nd_proxy = "kernel"): most tests
// here follow them through the journal; ha_config_xdp_nd() is the default,
// where the datapath answers from the map entry (bpf/nd_proxy.bpf.h).
config::Config ha_config(uint32_t max_bindings = 8, bool nd_in_datapath = false) {
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
    h.nd_proxy_in_datapath = nd_in_datapath;
    c.home_agent = h;
    return c;
}
config::Config ha_config_xdp_nd() { return ha_config(8, true); }

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
    EXPECT_TRUE(fresh.store.existed) << "the binding store was opened and read";
    EXPECT_EQ(fresh.store.commits, 0) << "a first start has nothing to write";
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

TEST_F(HaServiceTest, GroupCommitWritesTheStoreThenTheMapThenTheBa) {
    deliver_mh(*ha, from(kCoa, kHoa), bu(1));
    w.journal.lines.clear();
    w.advance(DadProbes::kWait);
    int file = w.journal.find("store put " + str(kHoa)), map = w.journal.find("map set " + str(kHoa)),
        proxy = w.journal.find("proxy add " + str(kHoa)), ba = w.journal.find("mh BA 0");
    ASSERT_GE(file, 0) << w.journal.dump();
    EXPECT_LT(file, map) << w.journal.dump();
    EXPECT_LT(map, ba) << w.journal.dump();
    EXPECT_LT(proxy, ba) << w.journal.dump();
    // The store holds the binding the map and the BA announce.
    ASSERT_EQ(w.store.bindings.size(), 1u);
    EXPECT_TRUE(core::same_addr(w.store.bindings[str(kHoa)].coa, kCoa));
}

TEST_F(HaServiceTest, OneStoreTransactionOfTheChangesForABatchOfRefreshes) {
    for (int i = 0; i < 5; i++) ha->add_binding(addr(("2001:db8:1::1:" + std::to_string(i)).c_str()), kCoa, 600);
    ASSERT_EQ(register_binding(kHoa, kCoa, 1), st::accepted);
    ASSERT_EQ(register_binding(addr("2001:db8:1::11"), kCoa2, 1), st::accepted);
    w.journal.lines.clear();
    // Two refreshes in one drain of the signalling ring: one transaction
    // of those two bindings (not of the 7 the store holds), before both
    // map writes and both BAs.
    auto b1 = mh::build_packet(from(kCoa, kHoa), bu(2));
    auto b2 = mh::build_packet(from(kCoa2, addr("2001:db8:1::11")), bu(2));
    auto p1 = mh::parse_packet(*b1);
    auto p2 = mh::parse_packet(*b2);
    ha->begin_batch();
    ha->on_mobility_packet(*p1, *b1, 0);
    ha->on_mobility_packet(*p2, *b2, 0);
    EXPECT_TRUE(w.journal.lines.empty()) << "nothing leaves before the commit:\n" << w.journal.dump();
    ha->end_batch();
    EXPECT_EQ(w.journal.starting("store").size(), 1u) << w.journal.dump();
    const std::string& tx = w.journal.lines.at(0);
    EXPECT_TRUE(tx == "store put 2001:db8:1::10 put 2001:db8:1::11" ||
                tx == "store put 2001:db8:1::11 put 2001:db8:1::10")
        << w.journal.dump();
    EXPECT_EQ(w.journal.starting("mh BA 0").size(), 2u) << w.journal.dump();
}

TEST_F(HaServiceTest, ARefreshThatMovesNothingWritesOnlyTheStore) {
    ASSERT_EQ(register_binding(kHoa, kCoa, 1), st::accepted);
    ASSERT_FALSE(w.journal.starting("nd 136").empty()) << "a new binding is advertised:\n" << w.journal.dump();
    w.journal.lines.clear();
    // The same care-of address: its map entry, proxy entry and advertisement
    // are in force already; the store takes the new sequence number.
    ASSERT_EQ(register_binding(kHoa, kCoa, 2), st::accepted);
    EXPECT_EQ(w.journal.starting("store").size(), 1u) << w.journal.dump();
    EXPECT_TRUE(w.journal.starting("map").empty()) << w.journal.dump();
    EXPECT_TRUE(w.journal.starting("proxy").empty()) << w.journal.dump();
    EXPECT_TRUE(w.journal.starting("nd").empty()) << w.journal.dump();
    EXPECT_EQ(w.journal.starting("mh BA 0").size(), 1u) << w.journal.dump();
    EXPECT_EQ(w.store.bindings[str(kHoa)].seq, 2u);
    // A move is not a refresh that moves nothing: the map again.
    w.journal.lines.clear();
    ASSERT_EQ(register_binding(kHoa, kCoa2, 3), st::accepted);
    EXPECT_EQ(w.journal.starting("map set " + str(kHoa)).size(), 1u) << w.journal.dump();
    EXPECT_EQ(w.journal.starting("proxy add " + str(kHoa)).size(), 1u) << w.journal.dump();
    EXPECT_TRUE(core::same_addr(w.tunnels.map.at(str(kHoa)).remote, kCoa2));
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
    EXPECT_EQ(w.journal.find("store"), -1) << "nothing changed, nothing written";
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

TEST_F(HaServiceTest, DeregistrationRemovesAfterTheStore) {
    ASSERT_EQ(register_binding(kHoa, kCoa, 1), st::accepted);
    w.journal.lines.clear();
    mh::PacketSpec home;  // from the home link: from the home address, no HAO
    home.src = kHoa;
    home.dst = kHa;
    deliver_mh(*ha, home, bu(2, 0));
    EXPECT_EQ(last_status(), st::accepted);
    EXPECT_TRUE(w.tunnels.map.empty());
    int file = w.journal.find("store erase " + str(kHoa)), del = w.journal.find("map del " + str(kHoa));
    ASSERT_GE(file, 0) << w.journal.dump();
    EXPECT_LT(file, del) << w.journal.dump();
}

TEST_F(HaServiceTest, OperatorBindingIsInForceWhenTheCommandReturns) {
    ha->add_binding(kHoa, kCoa, 100);
    EXPECT_EQ(w.journal.find("store put " + str(kHoa)), 0) << w.journal.dump();
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

TEST_F(HaServiceTest, RecoversTheStoresBindings) {
    ha->add_binding(kHoa, kCoa, 600);
    auto held = w.store.bindings;
    ha.reset();
    // A successor with the store and an empty datapath: the map is rewritten.
    World next;
    next.store.bindings = held;
    next.store.existed = true;
    HaService again(next.ctx, ha_config());
    ASSERT_TRUE(next.tunnels.map.count(str(kHoa))) << next.journal.dump();
    EXPECT_TRUE(core::same_addr(next.tunnels.map[str(kHoa)].remote, kCoa));
    EXPECT_LT(next.journal.find("store"), next.journal.find("map set")) << next.journal.dump();
}

TEST_F(HaServiceTest, AWarmRestartListsTheProxyEntriesOnceAndAddsOnlyTheMissing) {
    const in6_addr other = addr("2001:db8:1::11");
    ha->add_binding(kHoa, kCoa, 600);
    ha->add_binding(other, kCoa2, 600);
    ha.reset();
    // After a kill -9: store, map and proxy entries in place, but someone
    // removed the proxy entry of `other`.
    World next;
    next.store.bindings = w.store.bindings;
    next.store.existed = true;
    next.tunnels.map = w.tunnels.map;
    next.kernel.proxies = w.kernel.proxies;
    ASSERT_EQ(next.kernel.proxies.erase(str(other)), 1u);
    HaService again(next.ctx, ha_config());
    EXPECT_EQ(again.bindings().size(), 2u);
    EXPECT_EQ(next.journal.starting("proxy list").size(), 1u) << "one dump, not a request per binding";
    EXPECT_TRUE(next.journal.starting("proxy add " + str(kHoa)).empty()) << "in place: not replaced\n"
                                                                         << next.journal.dump();
    EXPECT_EQ(next.journal.starting("proxy add " + str(other)).size(), 1u) << next.journal.dump();
    EXPECT_TRUE(next.kernel.proxies.count(str(other)));
    EXPECT_TRUE(next.journal.starting("map set").empty()) << "the map is left alone\n" << next.journal.dump();
}

// home_agent.nd_proxy = "datapath" (the default): the map entry is what
// answers solicitations for the home address, so no kernel proxy entry is
// added or removed for it (each would cost O(N): docs/performance.md,
// "Proxy Neighbour Discovery at 10^5 bindings"); the unsolicited
// advertisement still goes out, and a link-local address (L set) still
// gets its kernel entry.
TEST_F(HaServiceTest, WithTheDatapathAnsweringARegistrationAddsNoKernelProxyEntry) {
    start(ha_config_xdp_nd());
    EXPECT_EQ(register_binding(kHoa, kCoa, 1), st::accepted);
    ASSERT_TRUE(w.tunnels.map.count(str(kHoa))) << w.journal.dump();
    EXPECT_EQ(w.journal.find("proxy add"), -1) << w.journal.dump();
    EXPECT_GE(w.journal.find("nd 136 to ff02::1"), 0) << "the unsolicited advertisement\n" << w.journal.dump();
    w.journal.lines.clear();
    deliver_mh(*ha, from(kCoa, kHoa), bu(2, 0));  // deregistration
    EXPECT_FALSE(w.tunnels.map.count(str(kHoa))) << w.journal.dump();
    EXPECT_EQ(w.journal.find("proxy del " + str(kHoa)), -1) << w.journal.dump();
}

TEST_F(HaServiceTest, WithTheDatapathAnsweringALinkLocalHomeAddressStillGetsAKernelEntry) {
    start(ha_config_xdp_nd());
    auto b = bu(1);
    b.set_flag(mh::BindingUpdate::flag_link_local, true);
    deliver_mh(*ha, from(kCoa, kHoa), b);
    w.advance(DadProbes::kWait);
    EXPECT_EQ(last_status(), st::accepted);
    EXPECT_EQ(w.journal.find("proxy add " + str(kHoa)), -1) << w.journal.dump();
    EXPECT_GE(w.journal.find("proxy add " + str(link_local_of(kHoa))), 0) << w.journal.dump();
}

TEST_F(HaServiceTest, WithTheDatapathAnsweringAWarmRestartNeitherListsNorAddsProxyEntries) {
    start(ha_config_xdp_nd());
    ha->add_binding(kHoa, kCoa, 600);
    ha.reset();
    World next;
    next.store.bindings = w.store.bindings;
    next.store.existed = true;
    next.tunnels.map = w.tunnels.map;
    HaService again(next.ctx, ha_config_xdp_nd());
    EXPECT_EQ(again.bindings().size(), 1u);
    EXPECT_TRUE(next.journal.starting("proxy").empty()) << next.journal.dump();
}

TEST(NdProxyInDatapath, IsTheConfiguredChoiceOutsideAFleet) {
    EXPECT_TRUE(nd_proxy_in_datapath(ha_config_xdp_nd()));
    EXPECT_FALSE(nd_proxy_in_datapath(ha_config()));
    auto fleet = ha_config_xdp_nd();
    fleet.cluster.member = "ha-a";
    EXPECT_FALSE(nd_proxy_in_datapath(fleet)) << "a fleet member defends only what it holds: kernel entries";
    config::Config mn;
    EXPECT_FALSE(nd_proxy_in_datapath(mn));
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

// One Binding Update, one outcome (issue 14, item 2): a step that fails
// undoes what the unit did and the BU is refused with 130, inside a batch
// and outside one.

TEST_F(HaServiceTest, AFullMapUndoesTheStoreAndRefusesWith130) {
    w.tunnels.fail_set = true;
    deliver_mh(*ha, from(kCoa, kHoa), bu(1));
    w.journal.lines.clear();
    w.advance(DadProbes::kWait);
    EXPECT_EQ(last_status(), st::insufficient_resources) << w.journal.dump();
    EXPECT_EQ(w.stats.ba_sent, 0u) << "no accepting BA";
    EXPECT_TRUE(w.tunnels.map.empty());
    EXPECT_EQ(w.journal.find("proxy add"), -1) << w.journal.dump();
    // The store took it before the map and lets it go before the refusal.
    int put = w.journal.find("store put " + str(kHoa)), fail = w.journal.find("map set failed"),
        erase = w.journal.find("store erase " + str(kHoa)), ba = w.journal.find("mh BA 130");
    EXPECT_TRUE(put >= 0 && put < fail && fail < erase && erase < ba) << w.journal.dump();
    EXPECT_TRUE(w.store.bindings.empty());
    EXPECT_TRUE(ha->bindings().empty()) << ha->bindings().dump();
    // Room again: the retransmitted BU registers.
    w.tunnels.fail_set = false;
    deliver_mh(*ha, from(kCoa, kHoa), bu(2));
    w.advance(DadProbes::kWait);
    EXPECT_EQ(last_status(), st::accepted) << w.journal.dump();
}

TEST_F(HaServiceTest, AFailingProxyEntryTakesAMoveBackToTheOldCareOfAddress) {
    ASSERT_EQ(register_binding(kHoa, kCoa, 1), st::accepted);
    w.kernel.fail_proxy_add = true;
    w.journal.lines.clear();
    deliver_mh(*ha, from(kCoa2, kHoa), bu(2));  // a move
    EXPECT_EQ(last_status(), st::insufficient_resources) << w.journal.dump();
    // The map points where it did, the store and the cache hold the old binding.
    ASSERT_TRUE(w.tunnels.map.count(str(kHoa)));
    EXPECT_TRUE(core::same_addr(w.tunnels.map[str(kHoa)].remote, kCoa)) << w.journal.dump();
    EXPECT_EQ(w.journal.starting("map set " + str(kHoa)).size(), 2u) << "written, then put back\n" << w.journal.dump();
    EXPECT_TRUE(core::same_addr(w.store.bindings[str(kHoa)].coa, kCoa));
    EXPECT_EQ(w.store.bindings[str(kHoa)].seq, 1);
    ASSERT_EQ(ha->bindings().size(), 1u);
    EXPECT_EQ(ha->bindings()[0]["care_of_address"], str(kCoa)) << ha->bindings().dump();
    // And the mobile node can try again with the next number.
    w.kernel.fail_proxy_add = false;
    deliver_mh(*ha, from(kCoa2, kHoa), bu(3));
    EXPECT_EQ(last_status(), st::accepted) << w.journal.dump();
    EXPECT_TRUE(core::same_addr(w.tunnels.map[str(kHoa)].remote, kCoa2));
}

TEST_F(HaServiceTest, AFailingStepOutsideABatchIsTheSame) {
    ASSERT_EQ(register_binding(kHoa, kCoa, 1), st::accepted);
    w.tunnels.fail_set = true;
    w.journal.lines.clear();
    // Delivered with no batch open (a path that commits at once): no
    // exception escapes, the same refusal leaves.
    auto bytes = mh::build_packet(from(kCoa2, kHoa), bu(2));
    auto p = mh::parse_packet(*bytes);
    EXPECT_NO_THROW(ha->on_mobility_packet(*p, *bytes, 0));
    EXPECT_EQ(last_status(), st::insufficient_resources) << w.journal.dump();
    EXPECT_TRUE(core::same_addr(w.tunnels.map[str(kHoa)].remote, kCoa));
    EXPECT_TRUE(core::same_addr(w.store.bindings[str(kHoa)].coa, kCoa));
}

TEST_F(HaServiceTest, AFailingStoreRefusesTheWholeBatchAndChangesNothing) {
    ASSERT_EQ(register_binding(kHoa, kCoa, 1), st::accepted);
    ASSERT_EQ(register_binding(addr("2001:db8:1::11"), kCoa, 1), st::accepted);
    w.store.fail_commits = true;
    w.journal.lines.clear();
    auto b1 = mh::build_packet(from(kCoa2, kHoa), bu(2));
    auto b2 = mh::build_packet(from(kCoa2, addr("2001:db8:1::11")), bu(2));
    auto p1 = mh::parse_packet(*b1);
    auto p2 = mh::parse_packet(*b2);
    ha->begin_batch();
    ha->on_mobility_packet(*p1, *b1, 0);
    ha->on_mobility_packet(*p2, *b2, 0);
    ha->end_batch();
    EXPECT_EQ(w.journal.starting("mh BA 130").size(), 2u) << w.journal.dump();
    EXPECT_EQ(w.journal.find("map set"), -1) << "nothing ahead of the store:\n" << w.journal.dump();
    for (const auto& b : ha->bindings()) EXPECT_EQ(b["care_of_address"], str(kCoa)) << ha->bindings().dump();
    // The store is back: the refreshes are accepted (the cache kept the old sequence numbers).
    w.store.fail_commits = false;
    deliver_mh(*ha, from(kCoa2, kHoa), bu(2));
    EXPECT_EQ(last_status(), st::accepted) << w.journal.dump();
    EXPECT_TRUE(core::same_addr(w.store.bindings[str(kHoa)].coa, kCoa2));
}

TEST_F(HaServiceTest, AnOperatorBindingThatCannotBePutInForceIsAnError) {
    w.tunnels.fail_set = true;
    EXPECT_THROW(ha->add_binding(kHoa, kCoa, 100), control::CommandError);
    EXPECT_TRUE(ha->bindings().empty());
    EXPECT_TRUE(w.store.bindings.empty());
}

TEST_F(HaServiceTest, ExpiryRemovesFromTheDatapathEvenWhenTheStoreFails) {
    ha->add_binding(kHoa, kCoa, 10);
    w.store.fail_commits = true;
    w.advance(10s);
    EXPECT_TRUE(w.tunnels.map.empty()) << w.journal.dump();
    EXPECT_GE(w.journal.find("proxy del " + str(kHoa)), 0) << w.journal.dump();
    // Once the store is back, the next transaction erases it there too.
    w.store.fail_commits = false;
    ha->add_binding(addr("2001:db8:1::11"), kCoa, 100);
    EXPECT_FALSE(w.store.bindings.count(str(kHoa)));
}

// A binding store that cannot be used stops the start with its message,
// never an empty binding cache (issue 14, bad input).

TEST_F(HaServiceTest, AStoreThatCannotBeOpenedStopsTheStart) {
    World bad;
    bad.store.open_error =
        "binding store /x/bindings.db: cannot write: attempt to write a readonly database; make /x writable";
    try {
        HaService s(bad.ctx, ha_config());
        FAIL() << "started";
    } catch (const std::runtime_error& e) {
        EXPECT_EQ(std::string(e.what()), *bad.store.open_error);
    }
}

TEST_F(HaServiceTest, AStoreThatCannotBeReadStopsTheStartEvenWithBindingsInTheMap) {
    World bad;
    bad.tunnels.map[str(kHoa)] = Tunnel{kHa, kCoa};
    bad.store.existed = true;
    bad.store.load_error = "binding store /x/bindings.db: row ha_binding 2001:db8:1::10: seq: 70000 outside 0..65535";
    EXPECT_THROW(HaService(bad.ctx, ha_config()), std::runtime_error);
    EXPECT_TRUE(bad.tunnels.map.count(str(kHoa))) << "the datapath is left forwarding";
}

TEST_F(HaServiceTest, ANewStoreAdoptsWhatTheDatapathForwards) {
    // A first start with the new store over an old datapath (or a damaged
    // store moved aside): the map's bindings are adopted and written.
    World next;
    next.tunnels.map[str(kHoa)] = Tunnel{kHa, kCoa};
    HaService s(next.ctx, ha_config());
    ASSERT_EQ(s.bindings().size(), 1u);
    EXPECT_TRUE(next.store.bindings.count(str(kHoa))) << next.journal.dump();
    EXPECT_FALSE(next.store.bindings[str(kHoa)].seq_known);
    EXPECT_GE(next.journal.find("mh BRR"), 0) << next.journal.dump();
}

TEST_F(HaServiceTest, AnExistingEmptyStoreRemovesWhatOnlyTheDatapathHas) {
    World next;
    next.store.existed = true;  // the store says: nothing was accepted
    next.tunnels.map[str(kHoa)] = Tunnel{kHa, kCoa};
    HaService s(next.ctx, ha_config());
    EXPECT_TRUE(s.bindings().empty());
    EXPECT_TRUE(next.tunnels.map.empty()) << next.journal.dump();
}

}  // namespace
}  // namespace xmip::agent::test

namespace xmip::agent::test {
namespace {

// The home link's MAC changes under a running home agent (ip link set
// address, a bond failing over): the datapath's ND answers and the RAs name
// the new one; a change on another link, or a link event without a new MAC,
// changes nothing.
TEST_F(HaServiceTest, FollowsTheHomeLinksMacAddress) {
    auto c = ha_config_xdp_nd();
    c.home_agent->router_advertisements.enabled = true;
    start(c);
    const nd::LinkLayerAddress fresh{0x02, 0x00, 0x00, 0x00, 0x00, 0x99};
    netlink::Monitor::Event e{};
    e.kind = netlink::Monitor::Event::Kind::LinkChanged;
    e.link = w.kernel.link(FakeKernel::kIfindex);
    ASSERT_NE(w.kernel.events, nullptr);
    w.kernel.events->deliver(e);  // the MAC it started with: nothing to do
    e.link.ifindex = FakeKernel::kIfindex + 1;
    e.link.mac = fresh;
    w.kernel.events->deliver(e);  // another link's
    w.turn();
    EXPECT_FALSE(w.tunnels.home_link_mac) << w.journal.dump();
    e.link.ifindex = FakeKernel::kIfindex;
    w.kernel.events->deliver(e);
    w.turn();
    ASSERT_TRUE(w.tunnels.home_link_mac) << w.journal.dump();
    EXPECT_EQ(*w.tunnels.home_link_mac, fresh);
    // The next RA (sent soon after the change) carries it.
    w.wire.nd->sent.clear();
    w.advance(1s);
    std::optional<nd::RouterAdvertisement> ra;
    for (const auto& s : w.wire.nd->sent)
        if (auto m = nd::decode(s.bytes))
            if (auto* r = std::get_if<nd::RouterAdvertisement>(&*m)) ra = *r;
    ASSERT_TRUE(ra) << w.journal.dump();
    auto* sll = nd::find_option<nd::SourceLinkLayerAddress>(ra->options);
    ASSERT_NE(sll, nullptr);
    EXPECT_EQ(sll->address, fresh);
}

}  // namespace
}  // namespace xmip::agent::test

namespace xmip::agent::test {
namespace {

// With the datapath answering solicitations (no solicited-node groups
// joined), the home link takes all multicast: on at start, off at a clean
// stop; left alone when someone else had set it, when the kernel's proxy
// entries answer, or when the stop keeps forwarding; a refusal is a warning.
TEST_F(HaServiceTest, AllMulticastOnTheHomeLinkWhileTheDatapathAnswersSolicitations) {
    {
        World fresh;
        HaService s(fresh.ctx, ha_config_xdp_nd());
        EXPECT_TRUE(fresh.kernel.allmulti);
        s.stop(false);
        EXPECT_FALSE(fresh.kernel.allmulti) << fresh.journal.dump();
    }
    {
        World fresh;
        HaService s(fresh.ctx, ha_config_xdp_nd());
        s.stop(true);
        EXPECT_TRUE(fresh.kernel.allmulti) << "a stop that keeps forwarding leaves it for the successor";
    }
    {
        World fresh;
        fresh.kernel.allmulti = true;  // the operator's
        HaService s(fresh.ctx, ha_config_xdp_nd());
        s.stop(false);
        EXPECT_TRUE(fresh.kernel.allmulti);
        EXPECT_EQ(fresh.journal.find("allmulticast"), -1) << fresh.journal.dump();
    }
    {
        World fresh;
        HaService s(fresh.ctx, ha_config());  // nd_proxy = "kernel": proxy entries join the groups
        EXPECT_FALSE(fresh.kernel.allmulti);
    }
    {
        World fresh;
        fresh.kernel.fail_allmulticast = true;
        HaService s(fresh.ctx, ha_config_xdp_nd());  // starts anyway
        s.stop(false);
        EXPECT_FALSE(fresh.kernel.allmulti);
        EXPECT_EQ(fresh.journal.find("allmulticast"), -1) << fresh.journal.dump();
    }
}

}  // namespace
}  // namespace xmip::agent::test
