// SPDX-License-Identifier: BSD-2-Clause
// The fleet's shared binding cache (agent/xmipd/ha_shared.cpp) on the
// fakes: another member's binding, seen through the store's watch, goes
// into this member's cache and datapath map (it forwards for it), and onto
// the home link (proxy entry, override advertisement) only where this
// member holds the home agent address the binding names, or once it takes
// that address over. Nothing of it is written back to the store; the
// mobile node's next BU is checked against the sequence number the other
// member accepted; the watch lag reaches the monitoring.
#include <gtest/gtest.h>

#include <cstring>

#include "fake_fleet.hpp"
#include "fakes.hpp"
#include "mh/codec.hpp"
#include "nd/message.hpp"
#include "nd/mobility.hpp"
#include "xmipd/ha_service.hpp"
#include "xmipd/wall_clock.hpp"

namespace xmip::agent::test {
namespace {

using namespace std::chrono_literals;
namespace st = mh::ba_status;

const in6_addr kHa1 = addr("2001:db8:1::1");  // held by this member ("a")
const in6_addr kHa2 = addr("2001:db8:1::2");  // held by "b"
const in6_addr kHoa = addr("2001:db8:1::10");
const in6_addr kHoa2 = addr("2001:db8:1::11");
const in6_addr kCoa = addr("2001:db8:99::5");

config::Config member_config() {
    config::Config c;
    c.role = config::Role::HomeAgent;
    c.instance = "test";
    c.datapath.interfaces = {"eth0"};
    config::HomeAgent h;
    h.address = *config::Ip6Address::parse("2001:db8:1::1");
    h.home_link = "eth0";
    h.prefixes = {*config::Prefix::parse("2001:db8:1::/64")};
    h.router_advertisements.enabled = false;
    h.auth_optional_prefixes = {*config::Prefix::parse("2001:db8:1::/64")};
    c.home_agent = h;
    c.cluster.backend = config::Cluster::Backend::Etcd;
    c.cluster.endpoints = {"http://127.0.0.1:2379"};
    c.cluster.member = "a";
    return c;
}

struct Lag final : telemetry::Observer {
    std::vector<core::Duration> seen;
    void watch_lag(core::Duration d) override { seen.push_back(d); }
};

class HaSharedTest : public ::testing::Test {
protected:
    World w;
    FakeFleetStore fleet;
    FakeElection election{fleet, "a"};
    FakeSharedBindings shared;
    Lag lag;
    std::unique_ptr<HaService> ha;

    void SetUp() override {
        w.ctx.observer = &lag;
        // "b" is a live member, first in line for kHa2: "a" gets kHa1.
        fleet.members = {"b"};
        fleet.candidates[str(kHa2)] = {"b"};
        ha = std::make_unique<HaService>(w.ctx, member_config());
        w.attach(*ha);
        FleetSettings s;
        s.member = "a";
        s.addresses = {kHa1, kHa2};
        s.prefix_len = 64;
        s.lease_ttl = 2000ms;
        ha->join_fleet(election, s);
        ha->share_bindings(shared);
        w.advance(500ms);  // the first round
        ASSERT_TRUE(ha->fleet()->holds(kHa1)) << w.journal.dump();
        ASSERT_FALSE(ha->fleet()->holds(kHa2));
        w.journal.lines.clear();
        w.wire.nd->sent.clear();
    }

    // A binding as another member committed it, now, for lifetime_s.
    static state::HaBinding other(const in6_addr& hoa, const in6_addr& ha_addr, uint16_t seq, uint32_t lifetime_s = 600,
                                  bool link_local = false) {
        const int64_t now = WallClock::at(core::TimePoint{}).unix_ms;
        state::HaBinding b;
        b.hoa = hoa;
        b.coa = kCoa;
        b.ha_addr = ha_addr;
        b.seq = seq;
        b.lifetime_s = lifetime_s;
        b.registered_ms = now;
        b.expires_ms = now + int64_t(lifetime_s) * 1000;
        b.link_local = link_local;
        return b;
    }
    void put(const state::HaBinding& b, int64_t written_ms = 0) {
        SharedChanges c;
        c.put.push_back(b);
        c.written_unix_ms.push_back(written_ms);
        shared.deliver(*ha, c);
    }
    // An unsolicited Neighbour Advertisement for target left on the home link.
    bool advertised(const in6_addr& target) const {
        for (const auto& s : w.wire.nd->sent)
            if (s.bytes.size() >= 24 && s.bytes[0] == 136 && std::memcmp(&s.bytes[8], &target, 16) == 0) return true;
        return false;
    }
    bool in_map(const in6_addr& hoa, const in6_addr& local) {
        auto it = w.tunnels.map.find(str(hoa));
        return it != w.tunnels.map.end() && core::same_addr(it->second.local, local) &&
               core::same_addr(it->second.remote, kCoa);
    }
    uint8_t last_status() {
        auto bas = w.wire.binding_acks();
        EXPECT_FALSE(bas.empty()) << w.journal.dump();
        return bas.empty() ? 0 : bas.back().status;
    }
};

TEST_F(HaSharedTest, AnotherMembersBindingIsForwardedHereButNotDefended) {
    put(other(kHoa, kHa2, 7, 600, true));
    EXPECT_TRUE(in_map(kHoa, kHa2)) << w.journal.dump();
    ASSERT_EQ(ha->bindings().size(), 1u) << "mipctl bcache lists it";
    EXPECT_EQ(ha->bindings()[0]["home_address"], str(kHoa));
    EXPECT_LT(w.journal.find("proxy add"), 0) << "the home link is kHa2's holder's:\n" << w.journal.dump();
    EXPECT_FALSE(advertised(kHoa));
    EXPECT_EQ(w.store.commits, 0) << "another member's change is not written back";
    EXPECT_TRUE(w.wire.binding_acks().empty());
}

TEST_F(HaSharedTest, ABindingOnAnAddressHeldHereIsDefendedHere) {
    put(other(kHoa, kHa1, 7, 600, true));
    EXPECT_TRUE(in_map(kHoa, kHa1));
    EXPECT_GE(w.journal.find("proxy add " + str(kHoa)), 0) << w.journal.dump();
    EXPECT_GE(w.journal.find("proxy add fe80::10"), 0) << w.journal.dump();
    EXPECT_TRUE(advertised(kHoa));
    EXPECT_EQ(w.store.commits, 0);
}

TEST_F(HaSharedTest, TakingOverTheAddressDefendsItsSharedBindingsWithoutANewBu) {
    put(other(kHoa, kHa2, 7));
    put(other(kHoa2, kHa1, 3));
    w.journal.lines.clear();
    w.wire.nd->sent.clear();
    // "b" died: the store expired its lease.
    fleet.members.erase("b");
    fleet.candidates[str(kHa2)].clear();
    w.advance(500ms);
    ASSERT_TRUE(ha->fleet()->holds(kHa2)) << w.journal.dump();
    EXPECT_GE(w.journal.find("proxy add " + str(kHoa)), 0) << w.journal.dump();
    EXPECT_TRUE(advertised(kHoa));
    EXPECT_TRUE(advertised(kHa2));
    EXPECT_TRUE(in_map(kHoa, kHa2)) << "the map entry was there before: not rewritten";
    EXPECT_LT(w.journal.find("map set"), 0) << w.journal.dump();
    EXPECT_TRUE(w.wire.binding_acks().empty());
}

TEST_F(HaSharedTest, TheBaComesFromTheAddressTheBuWasSentTo) {
    // The mobile node registered with kHa2 at "b"; "b" died and this member
    // took kHa2 over. The node's refresh goes to kHa2, and so must the BA
    // come from it (RFC 6275 6.1.8), not from this member's own kHa1: the
    // node would drop a BA from an address it did not send its BU to.
    put(other(kHoa, kHa2, 7));
    fleet.members.erase("b");
    fleet.candidates[str(kHa2)].clear();
    w.advance(500ms);
    ASSERT_TRUE(ha->fleet()->holds(kHa2)) << w.journal.dump();
    mh::BindingUpdate b;
    b.flags = mh::BindingUpdate::flag_ack | mh::BindingUpdate::flag_home;
    b.set_lifetime_seconds(600);
    b.sequence = 8;
    mh::PacketSpec spec;
    spec.src = kCoa;
    spec.dst = kHa2;
    spec.home_address = kHoa;
    const auto sources = [&] {
        std::vector<std::string> out;
        for (const auto& pkt : w.wire.packets)
            if (auto p = mh::parse_packet(pkt); p && p->message && std::holds_alternative<mh::BindingAck>(*p->message))
                out.push_back(str(p->info.src));
        return out;
    };
    deliver_mh(*ha, spec, b);
    ASSERT_EQ(last_status(), st::accepted) << w.journal.dump();
    EXPECT_EQ(sources(), std::vector<std::string>{str(kHa2)});
    // A refusal too (a replay of seq 8): from kHa2.
    deliver_mh(*ha, spec, b);
    EXPECT_EQ(last_status(), st::sequence_out_of_window);
    EXPECT_EQ(sources(), (std::vector<std::string>{str(kHa2), str(kHa2)}));
    // To kHa1, this member's own: from kHa1.
    spec.dst = kHa1;
    spec.home_address = kHoa2;
    b.sequence = 1;
    deliver_mh(*ha, spec, b);
    w.advance(DadProbes::kWait);
    EXPECT_EQ(last_status(), st::accepted) << w.journal.dump();
    EXPECT_EQ(sources().back(), str(kHa1));
}

// A BU to the address another member holds (a flooded frame, a stale
// neighbour entry) is not this member's to answer: nothing sent, nothing
// changed, counted. Answering would accept it twice and race the holder's
// commit (seen on a link: e2e_agent_fleet F4b).
TEST_F(HaSharedTest, ABuToAnAddressAnotherMemberHoldsIsNotAnswered) {
    put(other(kHoa, kHa2, 7));
    const auto before = w.wire.packets.size();
    mh::BindingUpdate b;
    b.flags = mh::BindingUpdate::flag_ack | mh::BindingUpdate::flag_home;
    b.set_lifetime_seconds(600);
    b.sequence = 8;
    mh::PacketSpec spec;
    spec.src = kCoa;
    spec.dst = kHa2;
    spec.home_address = kHoa;
    deliver_mh(*ha, spec, b);
    w.advance(DadProbes::kWait);
    EXPECT_EQ(w.wire.packets.size(), before) << w.journal.dump();
    EXPECT_EQ(w.stats.bu_drop_fleet, 1u);
    EXPECT_EQ(ha->bindings()[0]["sequence"], 7) << "the binding stays the holder's";
    // Cut from etcd no member holds or commits anything: refused, 130, so
    // the node knows (a refusal changes nothing).
    fleet.reachable = false;
    w.advance(500ms);
    ASSERT_FALSE(ha->fleet()->store_reachable());
    deliver_mh(*ha, spec, b);
    EXPECT_EQ(last_status(), st::insufficient_resources) << w.journal.dump();
    EXPECT_EQ(ha->bindings()[0]["sequence"], 7);
    fleet.reachable = true;
    w.advance(500ms);
    ASSERT_TRUE(ha->fleet()->store_reachable());
    // Once this member holds kHa2, the same BU is its to answer.
    fleet.members.erase("b");
    fleet.candidates[str(kHa2)].clear();
    w.advance(500ms);
    ASSERT_TRUE(ha->fleet()->holds(kHa2)) << w.journal.dump();
    deliver_mh(*ha, spec, b);
    EXPECT_EQ(last_status(), st::accepted) << w.journal.dump();
    EXPECT_EQ(w.stats.bu_drop_fleet, 1u);
}

// The home link's steps of a registration run after the store's commit; a
// member that gave the address up while the commit waited (its lease lapsed:
// seen on a link when etcd was slow, e2e_agent_fleet F6) must not add the
// proxy entry and claim the home address then: the new holder answers for
// it, and two answerers is what the fleet must never show on the wire.
TEST_F(HaSharedTest, AnAddressGivenUpWhileTheCommitWaitedIsNotDefendedAfterIt) {
    put(other(kHoa, kHa1, 7));  // registered with kHa1, held here: defended here
    ASSERT_TRUE(w.kernel.proxies.count(str(kHoa))) << w.journal.dump();
    const in6_addr moved_to = addr("2001:db8:98::5");
    mh::BindingUpdate b;
    b.flags = mh::BindingUpdate::flag_ack | mh::BindingUpdate::flag_home;
    b.set_lifetime_seconds(600);
    b.sequence = 8;
    mh::PacketSpec spec;
    spec.src = moved_to;
    spec.dst = kHa1;
    spec.home_address = kHoa;
    auto bytes = mh::build_packet(spec, b);
    ASSERT_TRUE(bytes);
    auto p = mh::parse_packet(*bytes);
    ASSERT_TRUE(p && p->message);
    // One batch of the signalling ring: the BU is taken, its commit waits
    // for the batch's end; meanwhile the lease lapses and "b" wins kHa1.
    ha->begin_batch();
    ha->on_mobility_packet(*p, *bytes, FakeKernel::kIfindex);
    election.expire();
    fleet.candidates[str(kHa1)] = {"b"};
    w.advance(500ms);  // a fleet round
    ASSERT_FALSE(ha->fleet()->holds(kHa1)) << w.journal.dump();
    ASSERT_FALSE(w.kernel.proxies.count(str(kHoa))) << "withdrawn with the address";
    w.wire.nd->sent.clear();
    ha->end_batch();
    EXPECT_EQ(last_status(), st::accepted) << "committed: accepted, and forwarded for";
    auto it = w.tunnels.map.find(str(kHoa));
    ASSERT_NE(it, w.tunnels.map.end());
    EXPECT_EQ(str(it->second.remote), str(moved_to));
    EXPECT_FALSE(w.kernel.proxies.count(str(kHoa))) << w.journal.dump();
    EXPECT_FALSE(advertised(kHoa)) << "no claim for an address no longer held";
}

TEST_F(HaSharedTest, ADhaadReplyListsTheFleetHeldAddressesFirstAndLeavesFromOne) {
    // RFC 6275 10.5.1 on a fleet: this member holds kHa1, "b" kHa2. The
    // reply names both (each a live member's), this member's first, and
    // leaves from kHa1; the mobile node registers with an address someone
    // holds, whichever it picks.
    const in6_addr anycast = addr("2001:db8:1::fdff:ffff:ffff:fffe");
    const in6_addr mn = addr("2001:db8:99::7");
    const auto ask = [&](uint16_t id) {
        w.wire.nd->sent.clear();
        w.wire.nd->deliver(mn, anycast, nd::encode(nd::DhaadRequest{id, false}));
        w.turn();
        for (const auto& m : w.wire.nd->sent)
            if (auto r = nd::decode_dhaad_reply(m.bytes); r && r->identifier == id)
                return std::pair{m.src ? str(*m.src) : std::string("?"), r->home_agents};
        return std::pair{std::string("none"), std::vector<in6_addr>{}};
    };
    auto [src, listed] = ask(1);
    EXPECT_EQ(src, str(kHa1));
    ASSERT_EQ(listed.size(), 2u) << w.journal.dump();
    EXPECT_EQ(str(listed[0]), str(kHa1));
    EXPECT_EQ(str(listed[1]), str(kHa2));
    // A Mobile Prefix Solicitation to kHa2 is not ours to answer while "b"
    // holds it.
    EXPECT_EQ(w.stats.mps_drop_invalid, 0u);
    w.wire.nd->deliver(kCoa, kHa2, nd::encode(nd::MobilePrefixSolicitation{5, {}}));
    w.turn();
    EXPECT_EQ(w.stats.mps_drop_invalid, 1u);
    // "b" died: this member holds both, and lists them as its own.
    fleet.members.erase("b");
    fleet.candidates[str(kHa2)].clear();
    w.advance(500ms);
    ASSERT_TRUE(ha->fleet()->holds(kHa2));
    std::tie(src, listed) = ask(2);
    ASSERT_EQ(listed.size(), 2u);
    EXPECT_TRUE(src == str(kHa1) || src == str(kHa2)) << src;
    EXPECT_EQ(src, str(listed[0])) << "from the first address it lists";
}

TEST_F(HaSharedTest, TheNextBuIsCheckedAgainstTheSequenceNumberAnotherMemberAccepted) {
    put(other(kHoa, kHa1, 7));
    mh::BindingUpdate b;
    b.flags = mh::BindingUpdate::flag_ack | mh::BindingUpdate::flag_home;
    b.set_lifetime_seconds(600);
    mh::PacketSpec spec;
    spec.src = kCoa;
    spec.dst = kHa1;
    spec.home_address = kHoa;
    b.sequence = 7;  // a replay of what "b" accepted
    deliver_mh(*ha, spec, b);
    EXPECT_EQ(last_status(), st::sequence_out_of_window);
    EXPECT_EQ(w.wire.binding_acks().back().sequence, 7);
    EXPECT_EQ(w.store.commits, 0);
    b.sequence = 8;  // the refresh: no DAD (the binding exists), the store first
    deliver_mh(*ha, spec, b);
    EXPECT_EQ(last_status(), st::accepted) << w.journal.dump();
    EXPECT_GE(w.journal.find("store put " + str(kHoa)), 0);
}

TEST_F(HaSharedTest, AnErasedBindingLeavesTheMapTheCacheAndTheHomeLink) {
    put(other(kHoa, kHa1, 7));
    put(other(kHoa2, kHa2, 7));
    w.journal.lines.clear();
    SharedChanges c;
    c.erase = {kHoa, kHoa2};
    shared.deliver(*ha, c);
    EXPECT_TRUE(w.tunnels.map.empty()) << w.journal.dump();
    EXPECT_TRUE(ha->bindings().empty());
    EXPECT_GE(w.journal.find("proxy del " + str(kHoa)), 0) << "defended here: withdrawn";
    EXPECT_LT(w.journal.find("proxy del " + str(kHoa2)), 0) << "never defended here";
    EXPECT_EQ(w.store.commits, 0);
}

TEST_F(HaSharedTest, AMoveToAnAddressNotHeldHereWithdrawsTheProxyEntry) {
    put(other(kHoa, kHa1, 7));
    w.journal.lines.clear();
    put(other(kHoa, kHa2, 8));
    EXPECT_TRUE(in_map(kHoa, kHa2));
    EXPECT_GE(w.journal.find("proxy del " + str(kHoa)), 0) << w.journal.dump();
}

TEST_F(HaSharedTest, ExpiryOfAnotherMembersBindingLeavesTheStoreToItsHolder) {
    put(other(kHoa, kHa2, 7, 4));
    put(other(kHoa2, kHa1, 7, 4));
    w.advance(5s);
    EXPECT_TRUE(w.tunnels.map.empty()) << w.journal.dump();
    EXPECT_LT(w.journal.find("store erase " + str(kHoa)), 0) << w.journal.dump();
    EXPECT_GE(w.journal.find("store erase " + str(kHoa2)), 0) << "its own (held here): erased as always";
}

TEST_F(HaSharedTest, OnlyTheHolderSendsBindingRefreshRequests) {
    put(other(kHoa, kHa2, 7, 60));
    put(other(kHoa2, kHa1, 7, 60));
    for (int i = 0; i < 120; i++) w.advance(500ms);
    // (The fake wire journals a BRR by its inner destination: the home address.)
    EXPECT_LT(w.journal.find("mh BRR to " + str(kHoa)), 0) << "kHa2's holder's to send:\n" << w.journal.dump();
    EXPECT_GE(w.journal.find("mh BRR to " + str(kHoa2)), 0) << w.journal.dump();
}

TEST_F(HaSharedTest, TheWatchLagGoesToTheMonitoring) {
    const int64_t now = WallClock::at(core::TimePoint{}).unix_ms;
    SharedChanges c;
    c.put = {other(kHoa, kHa2, 7), other(kHoa2, kHa2, 7)};
    c.written_unix_ms = {now - 300, now - 120};
    shared.deliver(*ha, c);
    ASSERT_EQ(lag.seen.size(), 1u) << "one figure per batch: its worst";
    EXPECT_GE(lag.seen[0], 300ms);
    EXPECT_LT(lag.seen[0], 10s);
    put(other(kHoa, kHa2, 8), 0);  // a value without the writer's clock: no figure
    EXPECT_EQ(lag.seen.size(), 1u);
}

TEST_F(HaSharedTest, AReReadStoreDropsWhatItNoLongerHolds) {
    put(other(kHoa, kHa1, 7));
    put(other(kHoa2, kHa2, 7));
    SharedChanges whole;
    whole.whole = true;
    whole.put = {other(kHoa2, kHa2, 9)};
    whole.written_unix_ms = {0};
    shared.deliver(*ha, whole);
    EXPECT_EQ(w.tunnels.map.count(str(kHoa)), 0u) << w.journal.dump();
    EXPECT_TRUE(in_map(kHoa2, kHa2));
    ASSERT_EQ(ha->bindings().size(), 1u);
    EXPECT_EQ(lag.seen.size(), 0u) << "a re-read is not a watch lag";
}

// A fleet member's Router Advertisements name the addresses it holds (R
// flag, RFC 6275 7.2), not home_agent.address whoever holds it, and say
// "home agent" (H, Home Agent Information) only while it holds one: other
// home agents' Home Agents Lists then map each member's link-local address
// to what it really serves.
TEST(HaSharedRouterAdvertisements, NameTheAddressesHeldHereAndOnlyWhileOneIs) {
    World w;
    FakeFleetStore fleet;
    FakeElection election{fleet, "a"};
    fleet.members = {"b"};
    fleet.candidates[str(kHa1)] = {"b"};  // "b" holds the configured address: "a" gets kHa2
    auto c = member_config();
    c.home_agent->router_advertisements.enabled = true;
    HaService ha(w.ctx, c);
    w.attach(ha);
    FleetSettings s;
    s.member = "a";
    s.addresses = {kHa1, kHa2};
    s.prefix_len = 64;
    s.lease_ttl = 2000ms;
    ha.join_fleet(election, s);
    w.advance(500ms);
    ASSERT_TRUE(ha.fleet()->holds(kHa2)) << w.journal.dump();
    ASSERT_FALSE(ha.fleet()->holds(kHa1));
    auto last_ra = [&] {
        std::optional<nd::RouterAdvertisement> ra;
        for (const auto& sent : w.wire.nd->sent)
            if (auto m = nd::decode(sent.bytes))
                if (auto* r = std::get_if<nd::RouterAdvertisement>(&*m)) ra = *r;
        w.wire.nd->sent.clear();
        return ra;
    };
    w.advance(4s);  // the advertisement the takeover asked for (at most one per 3 s)
    auto ra = last_ra();
    ASSERT_TRUE(ra) << w.journal.dump();
    EXPECT_TRUE(ra->home_agent);
    EXPECT_NE(nd::find_option<nd::HomeAgentInformation>(ra->options), nullptr);
    auto* pi = nd::find_option<nd::PrefixInformation>(ra->options);
    ASSERT_NE(pi, nullptr);
    EXPECT_TRUE(pi->router_address);
    EXPECT_EQ(str(pi->prefix), str(kHa2)) << "the address held here, not home_agent.address";
    // Cut from the store: the lease lapses, kHa2 is given up, and the next
    // advertisement (sent soon) is a plain router's.
    fleet.reachable = false;
    w.advance(3s);
    ASSERT_FALSE(ha.fleet()->holds(kHa2)) << w.journal.dump();
    w.wire.nd->sent.clear();
    w.advance(4s);
    ra = last_ra();
    ASSERT_TRUE(ra) << w.journal.dump();
    EXPECT_FALSE(ra->home_agent);
    EXPECT_EQ(nd::find_option<nd::HomeAgentInformation>(ra->options), nullptr);
    pi = nd::find_option<nd::PrefixInformation>(ra->options);
    ASSERT_NE(pi, nullptr);
    EXPECT_FALSE(pi->router_address);
    EXPECT_EQ(str(pi->prefix), "2001:db8:1::");
}

// A fleet member started again after kill -9: the kernel still has the
// proxy entries its predecessor made, but no address is held yet.
TEST(HaSharedRestart, AMemberStartingAgainWithdrawsItsPredecessorsProxyEntries) {
    World w;
    state::HaBinding b;
    const int64_t now = WallClock::at(w.loop.now()).unix_ms;
    b.hoa = kHoa;
    b.coa = kCoa;
    b.ha_addr = kHa1;
    b.seq = 4;
    b.lifetime_s = 600;
    b.registered_ms = now;
    b.expires_ms = now + 600000;
    w.store.bindings[str(kHoa)] = b;
    w.store.existed = true;
    w.tunnels.map[str(kHoa)] = Tunnel{kHa1, kCoa};
    w.kernel.proxies.insert(str(kHoa));
    HaService s(w.ctx, member_config());
    EXPECT_GE(w.journal.find("proxy del " + str(kHoa)), 0) << w.journal.dump();
    EXPECT_LT(w.journal.find("proxy add"), 0) << w.journal.dump();
    EXPECT_EQ(s.bindings().size(), 1u) << "the binding stays, forwarded as it was";
}

}  // namespace
}  // namespace xmip::agent::test
