// SPDX-License-Identifier: BSD-2-Clause
// The mobile node's service against recording fakes (fakes.hpp): a move
// to a visited link and the return home, as the world sees them.
#include <gtest/gtest.h>

#include "control/protocol.hpp"
#include "fakes.hpp"
#include "nd/router.hpp"
#include "xmipd/mn_service.hpp"

namespace xmip::agent::test {
namespace {

using namespace std::chrono_literals;

const in6_addr kHa = addr("2001:db8:1::1");
const in6_addr kHoa = addr("2001:db8:1::10");
// The EUI-64 care-of address of the fake link's MAC 02:00:00:00:00:01.
const in6_addr kCoa = addr("2001:db8:99::ff:fe00:1");
const in6_addr kRouter = addr("fe80::1");
const in6_addr kHomeRouter = addr("fe80::2");

class MnServiceTest : public ::testing::Test {
protected:
    World w;
    std::unique_ptr<MnService> mn;

    void SetUp() override {
        mn = std::make_unique<MnService>(w.ctx, mn_config());
        w.attach(*mn);
    }
    mh::BindingUpdate last_bu() {
        auto bus = w.wire.binding_updates();
        EXPECT_FALSE(bus.empty()) << w.journal.dump();
        return bus.empty() ? mh::BindingUpdate{} : bus.back();
    }
    void ack(uint16_t seq, uint8_t status, const in6_addr& to, uint32_t lifetime = 600) {
        mh::BindingAck ba;
        ba.status = status;
        ba.sequence = seq;
        ba.set_lifetime_seconds(lifetime);
        mh::PacketSpec spec;
        spec.src = kHa;
        spec.dst = to;
        if (!core::same_addr(to, kHoa)) spec.routing_header2 = kHoa;
        deliver_mh(*mn, spec, ba);
    }
    void move_away() {
        w.wire.nd->deliver(kRouter, addr("ff02::1"), ra_for("2001:db8:99::"));
        w.turn();
    }
};

TEST_F(MnServiceTest, StartsBySolicitingAndListening) {
    EXPECT_GE(w.journal.find("nd 133 to ff02::2"), 0) << w.journal.dump();
    EXPECT_EQ(w.tunnels.locals[str(kHoa)], LocalAddress::Signalling);
    EXPECT_EQ(w.kernel.sysctls["eth0.accept_ra"], "1");
    EXPECT_EQ(w.kernel.sysctls["eth0.autoconf"], "0");
    EXPECT_EQ(mn->status()["location"], "unknown");
}

TEST_F(MnServiceTest, MoveAddsTheCareOfAddressTunnelsAndRegisters) {
    w.journal.lines.clear();
    move_away();
    // The care-of address, then the tunnel (held back until accepted), then the BU from it.
    int coa = w.journal.find("addr add " + str(kCoa) + "/64");
    int map = w.journal.find("map set " + str(kHoa) + " " + str(kCoa) + ">" + str(kHa) + " registering");
    int bu = w.journal.find("mh BU");
    ASSERT_GE(coa, 0) << w.journal.dump();
    EXPECT_LT(coa, map) << w.journal.dump();
    EXPECT_LT(map, bu) << w.journal.dump();
    EXPECT_GE(w.journal.find("addr add " + str(kHoa) + "/128"), 0) << "the home address stays, as a /128";
    EXPECT_GE(w.journal.find("route via " + str(kRouter)), 0);
    EXPECT_EQ(w.journal.lines[bu], "mh BU seq " + std::to_string(last_bu().sequence) + " lifetime 600 from " + str(kCoa));
    EXPECT_EQ(w.tunnels.locals[str(kCoa)], LocalAddress::TunnelEnd);
    EXPECT_EQ(w.stats.bu_sent, 1u);
    EXPECT_EQ(mn->status()["location"], "away");
    EXPECT_EQ(mn->status()["care_of_address"], str(kCoa));
}

// The guide's 5.3 ping: the visited prefix is routed from the home address
// (so the egress program tunnels it), and the care-of address brings no
// on-link prefix route that would make source selection prefer it.
TEST_F(MnServiceTest, VisitedPrefixIsReachedFromTheHomeAddress) {
    w.journal.lines.clear();
    move_away();
    EXPECT_GE(w.journal.find("route 2001:db8:99::/64 via " + str(kRouter) + " src " + str(kHoa)), 0)
        << w.journal.dump();
    EXPECT_EQ(w.journal.find("route 2001:db8:99::/64 dev"), -1) << w.journal.dump();
    // Back home, native again: the visited route goes with the care-of address.
    w.journal.lines.clear();
    w.wire.nd->deliver(kHomeRouter, addr("ff02::1"), ra_for("2001:db8:1::"));
    w.turn();
    EXPECT_GE(w.journal.find("route del 2001:db8:99::/64 via " + str(kRouter) + " src " + str(kHoa)), 0)
        << w.journal.dump();
}

TEST(MnServiceLocalDestinations, ListedPrefixesStayOnTheVisitedLinkFromTheCareOfAddress) {
    World w;
    auto c = mn_config();
    c.mobile_node->local_destinations = {*config::Prefix::parse("2001:db8:99::/64"),
                                         *config::Prefix::parse("2001:db8:77::/48")};
    MnService mn(w.ctx, c);
    w.attach(mn);
    w.wire.nd->deliver(kRouter, addr("ff02::1"), ra_for("2001:db8:99::"));
    w.turn();
    int visited = w.journal.find("route 2001:db8:99::/64 via " + str(kRouter) + " src " + str(kHoa));
    int local = w.journal.find("route 2001:db8:99::/64 dev src " + str(kCoa));
    ASSERT_GE(visited, 0) << w.journal.dump();
    ASSERT_GE(local, 0) << w.journal.dump();
    EXPECT_GE(w.journal.find("route 2001:db8:77::/48 dev src " + str(kCoa)), 0) << w.journal.dump();
}

TEST_F(MnServiceTest, AcceptedBindingReleasesTheHeldTraffic) {
    move_away();
    ack(last_bu().sequence, mh::ba_status::accepted, kCoa);
    ASSERT_TRUE(w.tunnels.map.count(str(kHoa)));
    EXPECT_FALSE(w.tunnels.map[str(kHoa)].registering);
    EXPECT_EQ(w.stats.ba_received, 1u);
    EXPECT_EQ(mn->bindings()[0]["state"], "bound");
    EXPECT_TRUE(mn->status().contains("last_handoff_ms"));
}

// mipctl refresh: while bound, the registration goes again now with the
// next sequence number from the same care-of address (as on a Binding
// Refresh Request); before the home agent accepted anything, a clear
// refusal and no BU.
TEST_F(MnServiceTest, RefreshOnTheControlSocketSendsTheNextBindingUpdateNow) {
    move_away();
    try {
        mn->refresh_now();
        ADD_FAILURE() << "refreshed while registering";
    } catch (const control::CommandError& e) {
        EXPECT_EQ(e.code, control::kErrNotFound);
        EXPECT_NE(std::string(e.message).find("registering"), std::string::npos) << e.message;
    }
    const auto first = last_bu();
    ack(first.sequence, mh::ba_status::accepted, kCoa);
    const size_t sent = w.wire.binding_updates().size();
    auto r = mn->refresh_now();
    ASSERT_EQ(w.wire.binding_updates().size(), sent + 1) << w.journal.dump();
    const auto again = last_bu();
    EXPECT_EQ(again.sequence, static_cast<uint16_t>(first.sequence + 1));
    EXPECT_EQ(r["sequence"], again.sequence);
    EXPECT_EQ(r["care_of_address"], str(kCoa));
    EXPECT_EQ(mn->bindings()[0]["state"], "registering");
    ack(again.sequence, mh::ba_status::accepted, kCoa);
    EXPECT_EQ(mn->bindings()[0]["state"], "bound");
}

TEST_F(MnServiceTest, RefusalKeepsTheTrafficHeld) {
    move_away();
    ack(last_bu().sequence, mh::ba_status::not_home_subnet, kCoa, 0);
    ASSERT_TRUE(w.tunnels.map.count(str(kHoa)));
    EXPECT_TRUE(w.tunnels.map[str(kHoa)].registering);
    EXPECT_EQ(w.stats.ba_nack_received, 1u);
}

TEST_F(MnServiceTest, BindingAckFromAnotherNodeIsDropped) {
    move_away();
    mh::BindingAck ba;
    ba.sequence = last_bu().sequence;
    ba.set_lifetime_seconds(600);
    mh::PacketSpec spec;
    spec.src = addr("2001:db8:1::66");
    spec.dst = kCoa;
    spec.routing_header2 = kHoa;
    deliver_mh(*mn, spec, ba);
    EXPECT_EQ(w.stats.ba_drop_misc, 1u);
    EXPECT_TRUE(w.tunnels.map[str(kHoa)].registering);
}

TEST_F(MnServiceTest, ReturnHomeDeregistersOnceTheHomeAddressIsLocal) {
    move_away();
    ack(last_bu().sequence, mh::ba_status::accepted, kCoa);
    w.journal.lines.clear();
    w.wire.nd->deliver(kHomeRouter, addr("ff02::1"), ra_for("2001:db8:1::"));
    w.turn();
    // Native from now on: no tunnel, no care-of address, the home address on-link.
    EXPECT_GE(w.journal.find("map del " + str(kHoa)), 0) << w.journal.dump();
    EXPECT_GE(w.journal.find("addr del " + str(kCoa) + "/64"), 0) << w.journal.dump();
    EXPECT_GE(w.journal.find("addr add " + str(kHoa) + "/64"), 0) << w.journal.dump();
    EXPECT_TRUE(w.tunnels.map.empty());
    // The deregistration waits for the kernel to report the home address.
    EXPECT_EQ(w.journal.find("mh BU"), -1) << w.journal.dump();
    netlink::Monitor::Event e{};
    e.kind = netlink::Monitor::Event::Kind::AddrAdded;
    e.addr.ifindex = FakeKernel::kIfindex;
    e.addr.addr = kHoa;
    e.addr.prefixlen = 64;
    ASSERT_NE(w.kernel.events, nullptr);
    w.kernel.events->deliver(e);
    w.turn();
    auto dereg = last_bu();
    EXPECT_EQ(dereg.lifetime_seconds(), 0u);
    EXPECT_GE(w.journal.find("mh BU seq " + std::to_string(dereg.sequence) + " lifetime 0 from " + str(kHoa)), 0)
        << w.journal.dump();
    // Accepted: the home address is taken back from the home agent's proxy.
    w.journal.lines.clear();
    ack(dereg.sequence, mh::ba_status::accepted, kHoa, 0);
    EXPECT_GE(w.journal.find("nd 136 to ff02::1"), 0) << w.journal.dump();
    EXPECT_EQ(mn->status()["location"], "home");
    EXPECT_EQ(mn->bindings()[0]["state"], "at-home");
}

TEST_F(MnServiceTest, DeregistrationLeavesAfter200msWithoutTheKernelsWord) {
    move_away();
    ack(last_bu().sequence, mh::ba_status::accepted, kCoa);
    w.wire.nd->deliver(kHomeRouter, addr("ff02::1"), ra_for("2001:db8:1::"));
    w.turn();
    size_t before = w.wire.binding_updates().size();
    w.advance(199ms);
    EXPECT_EQ(w.wire.binding_updates().size(), before);
    w.advance(1ms);
    EXPECT_EQ(w.wire.binding_updates().size(), before + 1);
    EXPECT_EQ(last_bu().lifetime_seconds(), 0u);
}

TEST_F(MnServiceTest, RetransmitsUntilAnswered) {
    move_away();
    w.advance(10s);
    auto bus = w.wire.binding_updates();
    EXPECT_GT(bus.size(), 1u) << w.journal.dump();
}

TEST_F(MnServiceTest, CommandsAreTheMobileNodes) {
    control::Server server(w.loop, ::testing::TempDir() + "xmipd-mn-test.sock");
    mn->register_commands(server);
    EXPECT_TRUE(server.handles("bul"));
    EXPECT_FALSE(server.handles("bcache"));
    auto r = server.dispatch(R"({"api":1,"cmd":"bul"})");
    ASSERT_TRUE(r["ok"].get<bool>()) << r.dump();
    EXPECT_EQ(r["result"][0]["home_address"], str(kHoa));
}

// Issue 18, item 5: Binding Errors 1 and 2 are counted by status and kept
// (status 1: the peer route optimisation will stop using); nothing else
// changes.
TEST_F(MnServiceTest, BindingErrorsAreCountedByStatusAndRecorded) {
    move_away();
    const auto bus = w.wire.binding_updates().size();
    auto be_from = [&](const in6_addr& peer, uint8_t status) {
        mh::BindingError be;
        be.status = status;
        be.home_address = kHoa;
        mh::PacketSpec spec;
        spec.src = peer;
        spec.dst = kCoa;
        deliver_mh(*mn, spec, be);
    };
    const in6_addr peer = addr("2001:db8:5::9");
    be_from(peer, mh::be_status::unknown_binding_for_hao);
    be_from(peer, mh::be_status::unknown_binding_for_hao);
    EXPECT_EQ(w.stats.be_hao_received, 2u);
    ASSERT_TRUE(mn->last_binding_error());
    EXPECT_EQ(str(mn->last_binding_error()->from), str(peer));
    EXPECT_EQ(mn->last_binding_error()->status, 1);
    be_from(kHa, mh::be_status::unrecognized_mh_type);
    EXPECT_EQ(w.stats.be_mhtype_received, 1u);
    EXPECT_EQ(mn->last_binding_error()->status, 2);
    be_from(kHa, 7);  // no such status: ignored
    EXPECT_EQ(mn->last_binding_error()->status, 2);
    EXPECT_EQ(w.stats.mh_drop_unexpected, 0u);
    EXPECT_EQ(w.wire.binding_updates().size(), bus) << "no BU because of it";
    EXPECT_TRUE(w.tunnels.map[str(kHoa)].registering) << "the registration goes on";
}

}  // namespace
}  // namespace xmip::agent::test
