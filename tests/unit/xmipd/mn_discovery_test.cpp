// SPDX-License-Identifier: BSD-2-Clause
// The mobile node with home_agent = "auto" (RFC 6275 11.4.1) on the fakes:
// the DHAAD request from the care-of address, its retransmissions on fake
// time, the registration with the first of the reply's list, the move to
// the next one when it keeps failing, and replies that must be ignored.
#include <gtest/gtest.h>

#include "fakes.hpp"
#include "nd/mobility.hpp"
#include "nd/router.hpp"
#include "xmipd/mn_service.hpp"

namespace xmip::agent::test {
namespace {

using namespace std::chrono_literals;

const in6_addr kHa1 = addr("2001:db8:1::1");
const in6_addr kHa2 = addr("2001:db8:1::2");
const in6_addr kHoa = addr("2001:db8:1::10");
const in6_addr kCoa = addr("2001:db8:99::ff:fe00:1");  // EUI-64 of the fake MAC
const in6_addr kAnycast = addr("2001:db8:1::fdff:ffff:ffff:fffe");

config::Config auto_config() {
    config::Config c;
    c.role = config::Role::MobileNode;
    c.instance = "test";
    config::MobileNode m;
    m.home_address = *config::Ip6Address::parse("2001:db8:1::10");
    m.home_prefix = *core::Prefix::parse("2001:db8:1::/64");
    m.home_agent_auto = true;
    m.interface = "eth0";
    m.lifetime = 600;
    c.mobile_node = m;
    return c;
}

std::vector<uint8_t> visited_ra() { return ra_for("2001:db8:99::"); }

class MnDiscoveryTest : public ::testing::Test {
protected:
    World w;
    std::unique_ptr<MnService> mn;

    void SetUp() override {
        mn = std::make_unique<MnService>(w.ctx, auto_config());
        w.attach(*mn);
    }
    FakeNdSocket& dhaad() { return *w.wire.by_type.at(nd::kDhaadReply); }
    void move_away() {
        w.wire.nd->deliver(addr("fe80::1"), addr("ff02::1"), visited_ra());
        w.turn();
    }
    std::vector<FakeNdSocket::Sent> requests() {
        std::vector<FakeNdSocket::Sent> r;
        for (const auto& s : dhaad().sent)
            if (!s.bytes.empty() && s.bytes[0] == nd::kDhaadRequest) r.push_back(s);
        return r;
    }
    uint16_t request_id() {
        auto r = requests();
        EXPECT_FALSE(r.empty());
        return r.empty() ? 0 : nd::decode_dhaad_request(r.back().bytes)->identifier;
    }
    void reply(uint16_t id, std::vector<in6_addr> agents, const in6_addr& to = kCoa) {
        nd::DhaadReply m;
        m.identifier = id;
        m.home_agents = std::move(agents);
        dhaad().deliver(kHa1, to, nd::encode(m));
        w.turn();
    }
    // Where each BU went, in order.
    std::vector<std::string> bu_destinations() {
        std::vector<std::string> out;
        for (const auto& pkt : w.wire.packets)
            if (auto p = mh::parse_packet(pkt);
                p && p->message && std::holds_alternative<mh::BindingUpdate>(*p->message))
                out.push_back(str(p->info.dst));
        return out;
    }
    void ack_from(const in6_addr& ha, uint8_t status) {
        mh::BindingAck ba;
        ba.status = status;
        ba.sequence = w.wire.binding_updates().back().sequence;
        ba.set_lifetime_seconds(600);
        mh::PacketSpec spec;
        spec.src = ha;
        spec.dst = kCoa;
        spec.routing_header2 = kHoa;
        deliver_mh(*mn, spec, ba);
    }
};

TEST_F(MnDiscoveryTest, AMoveAsksTheHomeAgentsAnycastFromTheCareOfAddress) {
    move_away();
    auto r = requests();
    ASSERT_EQ(r.size(), 1u) << w.journal.dump();
    EXPECT_EQ(str(r[0].dst), str(kAnycast));
    ASSERT_TRUE(r[0].src.has_value());
    EXPECT_EQ(str(*r[0].src), str(kCoa));
    // The scapy vector's form (gen_discovery_vectors.py) but for the identifier.
    ASSERT_EQ(r[0].bytes.size(), 8u);
    EXPECT_EQ(r[0].bytes[0], 0x90);
    EXPECT_EQ(r[0].bytes[1], 0x00);
    EXPECT_EQ(r[0].bytes[6], 0x00) << "R clear: not a mobile router";
    EXPECT_TRUE(w.wire.binding_updates().empty()) << "nothing to register with yet";
    EXPECT_TRUE(w.tunnels.map.empty());
    EXPECT_EQ(w.stats.hareq_sent, 1u);
}

TEST_F(MnDiscoveryTest, RetransmitsAfterThreeSecondsDoublingThenKeepsTheLongestInterval) {
    move_away();
    // INITIAL_DHAAD_TIMEOUT 3 s, doubled for DHAAD_RETRIES (4) retransmissions.
    const std::chrono::seconds gaps[] = {3s, 6s, 12s, 24s, 48s, 48s};
    size_t expected = 1;
    for (auto gap : gaps) {
        w.advance(gap - 1ms);
        EXPECT_EQ(requests().size(), expected) << "not before " << gap.count() << " s";
        w.advance(1ms);
        EXPECT_EQ(requests().size(), ++expected) << "after " << gap.count() << " s";
    }
    const auto id = request_id();
    for (const auto& r : requests()) EXPECT_EQ(nd::decode_dhaad_request(r.bytes)->identifier, id) << "one request";
}

TEST_F(MnDiscoveryTest, RegistersWithTheFirstOfTheReply) {
    move_away();
    reply(request_id(), {kHa2, kHa1});
    ASSERT_EQ(bu_destinations(), std::vector<std::string>{str(kHa2)});
    EXPECT_TRUE(core::same_addr(w.tunnels.map[str(kHoa)].remote, kHa2));
    EXPECT_TRUE(w.tunnels.map[str(kHoa)].registering);
    ack_from(kHa2, mh::ba_status::accepted);
    EXPECT_FALSE(w.tunnels.map[str(kHoa)].registering) << "bound with the discovered home agent";
    EXPECT_EQ(w.stats.harep_received, 1u);
    // No more requests once answered.
    const auto n = requests().size();
    w.advance(60s);
    EXPECT_EQ(requests().size(), n);
}

TEST_F(MnDiscoveryTest, RepeatedSilenceMovesToTheNextHomeAgent) {
    move_away();
    reply(request_id(), {kHa1, kHa2});
    // Three BUs to the first (at 0, 1.5 and 4.5 s: the first registration's
    // timing, doubling), given up when the third's 6 s run out: then the second.
    for (int i = 0; i < 104; i++) w.advance(100ms);
    EXPECT_EQ(bu_destinations().back(), str(kHa1)) << "10.4 s";
    w.advance(100ms);
    auto d = bu_destinations();
    ASSERT_GE(d.size(), 4u) << w.journal.dump();
    EXPECT_EQ(std::count(d.begin(), d.end(), str(kHa1)), static_cast<long>(MnService::kRegistrationAttempts));
    EXPECT_EQ(d.back(), str(kHa2));
    EXPECT_TRUE(core::same_addr(w.tunnels.map[str(kHoa)].remote, kHa2));
    ack_from(kHa2, mh::ba_status::accepted);
    EXPECT_FALSE(w.tunnels.map[str(kHoa)].registering);
    EXPECT_EQ(mn->bindings()[0]["home_agent"], str(kHa2));
}

TEST_F(MnDiscoveryTest, ARefusalMovesToTheNextAtOnce) {
    move_away();
    reply(request_id(), {kHa1, kHa2});
    ack_from(kHa1, mh::ba_status::prohibited);
    EXPECT_EQ(bu_destinations(), (std::vector<std::string>{str(kHa1), str(kHa2)}));
}

TEST_F(MnDiscoveryTest, WhenTheListRunsOutItDiscoversAgain) {
    move_away();
    reply(request_id(), {kHa1});
    const auto first_id = request_id();
    ack_from(kHa1, mh::ba_status::prohibited);
    ASSERT_EQ(requests().size(), 2u) << "a new request";
    EXPECT_NE(request_id(), first_id) << "with a new identifier";
    // The old BU list's slow retry does not go out while discovering.
    const auto bus = w.wire.binding_updates().size();
    w.advance(2s);
    EXPECT_EQ(w.wire.binding_updates().size(), bus);
}

TEST_F(MnDiscoveryTest, RepliesThatAreNotAnAnswerAreCountedAndIgnored) {
    move_away();
    const auto id = request_id();
    reply(static_cast<uint16_t>(id + 1), {kHa1});   // another request's
    reply(id, {});                                  // no address
    reply(id, {addr("fe80::1"), addr("ff02::2")});  // nothing usable
    reply(id, {kHa1}, addr("2001:db8:98::1"));      // not to our care-of address
    nd::DhaadReply m;
    m.identifier = id;
    auto half = nd::encode(m);
    half.resize(8 + 10, 0x20);  // part of an address
    dhaad().deliver(kHa1, kCoa, half);
    w.turn();
    EXPECT_TRUE(w.wire.binding_updates().empty());
    EXPECT_EQ(w.stats.harep_received, 5u);
    EXPECT_EQ(w.stats.harep_drop_misc, 2u);
    EXPECT_EQ(w.stats.harep_drop_invalid, 3u);
    // Still asking.
    w.advance(3s);
    EXPECT_EQ(requests().size(), 2u);
    reply(id, {kHa1});
    EXPECT_EQ(bu_destinations(), std::vector<std::string>{str(kHa1)});
}

}  // namespace
}  // namespace xmip::agent::test
