// SPDX-License-Identifier: BSD-2-Clause
// One correspondent's binding update list entry (RFC 6275 11.6, 11.7.2) on a
// fake clock: return routability, the BU it leads to, retransmissions,
// tokens reused while valid, moves, the return home, and every way back to
// the tunnel.
#include "mn/correspondent_entry.hpp"

#include <gtest/gtest.h>

#include "core/in6.hpp"

using namespace xmip;
using namespace xmip::mn;
using std::chrono::seconds;

namespace {

in6_addr A(const char* s) { return *core::parse_addr(s); }
const KeygenToken kHomeToken{1, 2, 3, 4, 5, 6, 7, 8};
const KeygenToken kCareOfToken{9, 10, 11, 12, 13, 14, 15, 16};

class EntryTest : public ::testing::Test {
protected:
    core::FakeTime t;
    in6_addr hoa = A("2001:db8:2700::4"), cn = A("2001:db8:5::2"), coa = A("2001:db8:3::100"),
             coa2 = A("2001:db8:4::100");
    CorrespondentEntry e{hoa, cn, 100};

    void advance_to_timer() { t.advance(*e.next_timer() - t.now()); }

    // Traffic, HoT, CoT: returns the BU.
    RoActions::Bu register_at(const in6_addr& where) {
        auto a = e.traffic(where, t.now());
        EXPECT_TRUE(a.send_hoti && a.send_coti);
        EXPECT_FALSE(e.on_home_test(*a.send_hoti, 7, kHomeToken, t.now()).send_bu) << "the CoT is missing";
        auto b = e.on_care_of_test(*a.send_coti, 9, kCareOfToken, t.now());
        EXPECT_TRUE(b.send_bu);
        return *b.send_bu;
    }
    void bind_at(const in6_addr& where) {
        auto bu = register_at(where);
        auto a = e.on_binding_ack(0, bu.seq, 420, t.now());
        ASSERT_TRUE(a.install);
    }
};

TEST_F(EntryTest, TrafficStartsBothTestsThenOneBuWithBothTokens) {
    EXPECT_EQ(e.state(), RoState::Tunnel);
    auto a = e.traffic(coa, t.now());
    ASSERT_TRUE(a.send_hoti);
    ASSERT_TRUE(a.send_coti);
    EXPECT_NE(*a.send_hoti, *a.send_coti) << "each init has its own cookie";
    EXPECT_FALSE(a.send_bu);
    EXPECT_EQ(e.state(), RoState::Testing);
    EXPECT_TRUE(e.traffic(coa, t.now()).send_hoti == std::nullopt) << "more traffic while testing: nothing new";

    // An answer with the wrong cookie is not ours (5.2.3).
    Cookie wrong = *a.send_hoti;
    wrong[0] ^= 1;
    EXPECT_FALSE(e.on_home_test(wrong, 7, kHomeToken, t.now()).send_bu);
    EXPECT_FALSE(e.home_token_received());

    EXPECT_FALSE(e.on_care_of_test(*a.send_coti, 9, kCareOfToken, t.now()).send_bu);
    auto b = e.on_home_test(*a.send_hoti, 7, kHomeToken, t.now());
    ASSERT_TRUE(b.send_bu);
    EXPECT_EQ(b.send_bu->seq, 101);
    EXPECT_EQ(b.send_bu->lifetime_s, 420u);
    EXPECT_TRUE(core::same_addr(b.send_bu->care_of, coa));
    EXPECT_EQ(b.send_bu->home_nonce_index, 7);
    EXPECT_EQ(b.send_bu->care_of_nonce_index, 9);
    EXPECT_EQ(b.send_bu->home_token, kHomeToken);
    EXPECT_EQ(b.send_bu->care_of_token, kCareOfToken);
    EXPECT_EQ(e.state(), RoState::Registering);

    auto c = e.on_binding_ack(0, 101, 400, t.now());
    EXPECT_TRUE(c.install);
    EXPECT_EQ(e.state(), RoState::Bound);
    EXPECT_EQ(e.granted_lifetime(), 400u);
    EXPECT_EQ(*e.expires(), t.now() + seconds(400));
    EXPECT_TRUE(e.installed());
}

TEST_F(EntryTest, LifetimeIsClampedToMaxRrBindingLifetime) {
    RoTiming timing;
    timing.lifetime_s = 1000;
    CorrespondentEntry big{hoa, cn, 1, timing};
    auto a = big.traffic(coa, t.now());
    big.on_home_test(*a.send_hoti, 1, kHomeToken, t.now());
    auto b = big.on_care_of_test(*a.send_coti, 2, kCareOfToken, t.now());
    ASSERT_TRUE(b.send_bu);
    EXPECT_EQ(b.send_bu->lifetime_s, 420u);
    EXPECT_TRUE(big.on_binding_ack(0, b.send_bu->seq, 1000, t.now()).install);
    EXPECT_EQ(big.granted_lifetime(), 420u) << "never more than asked";
}

TEST_F(EntryTest, TestsRetransmitWithBackoffThenFallBackAndHoldDown) {
    auto first = e.traffic(coa, t.now());
    const auto start = t.now();
    std::vector<long> delays;
    for (int i = 0; i < 3; i++) {
        auto before = t.now();
        advance_to_timer();
        delays.push_back(std::chrono::duration_cast<seconds>(t.now() - before).count());
        auto a = e.on_timer(t.now());
        ASSERT_TRUE(a.send_hoti && a.send_coti);
        EXPECT_EQ(*a.send_hoti, *first.send_hoti) << "the same cookie: a late answer still matches";
    }
    EXPECT_EQ(delays, (std::vector<long>{1, 2, 4}));
    advance_to_timer();
    auto gave_up = e.on_timer(t.now());
    EXPECT_TRUE(gave_up.fallback);
    EXPECT_FALSE(gave_up.send_hoti);
    EXPECT_EQ(e.state(), RoState::Failed);
    EXPECT_EQ(t.now() - start, seconds(15));
    EXPECT_FALSE(e.traffic(coa, t.now()).send_hoti) << "held down: the tunnel, no new test";
    advance_to_timer();
    EXPECT_EQ(t.now() - start, seconds(75));
    e.on_timer(t.now());
    EXPECT_EQ(e.state(), RoState::Tunnel);
    EXPECT_TRUE(e.traffic(coa, t.now()).send_hoti) << "after the hold-down traffic starts it again";
}

TEST_F(EntryTest, OnlyTheMissingTestIsRetransmitted) {
    auto a = e.traffic(coa, t.now());
    e.on_home_test(*a.send_hoti, 7, kHomeToken, t.now());
    advance_to_timer();
    auto r = e.on_timer(t.now());
    EXPECT_FALSE(r.send_hoti);
    EXPECT_TRUE(r.send_coti);
}

TEST_F(EntryTest, UnansweredBuFallsBackToTheTunnel) {
    auto bu = register_at(coa);
    uint16_t seq = bu.seq;
    for (int i = 0; i < 3; i++) {
        advance_to_timer();
        auto a = e.on_timer(t.now());
        ASSERT_TRUE(a.send_bu);
        EXPECT_EQ(a.send_bu->seq, ++seq) << "each retransmission a new sequence number";
        EXPECT_EQ(a.send_bu->home_token, kHomeToken) << "tokens reused while valid";
    }
    advance_to_timer();
    EXPECT_TRUE(e.on_timer(t.now()).fallback);
    EXPECT_EQ(e.state(), RoState::Failed);
}

TEST_F(EntryTest, RefusalFallsBackToTheTunnel) {
    auto bu = register_at(coa);
    auto a = e.on_binding_ack(129, bu.seq, 0, t.now());
    EXPECT_TRUE(a.fallback);
    EXPECT_FALSE(a.install);
    EXPECT_EQ(e.state(), RoState::Failed);
    EXPECT_EQ(e.last_status(), 129);
}

TEST_F(EntryTest, BaForAnotherSequenceIsIgnored) {
    auto bu = register_at(coa);
    auto a = e.on_binding_ack(0, static_cast<uint16_t>(bu.seq - 1), 420, t.now());
    EXPECT_FALSE(a.install);
    EXPECT_EQ(e.state(), RoState::Registering);
}

TEST_F(EntryTest, Status135ContinuesAfterThePeersSequence) {
    register_at(coa);
    auto a = e.on_binding_ack(135, 5000, 0, t.now());
    ASSERT_TRUE(a.send_bu);
    EXPECT_EQ(a.send_bu->seq, 5001);
}

TEST_F(EntryTest, ExpiredNonceStatusesRedoOnlyThatTest) {
    auto bu = register_at(coa);
    auto h = e.on_binding_ack(136, bu.seq, 0, t.now());
    EXPECT_TRUE(h.send_hoti);
    EXPECT_FALSE(h.send_coti);
    auto bu2 = e.on_home_test(*h.send_hoti, 8, kHomeToken, t.now());
    ASSERT_TRUE(bu2.send_bu);
    EXPECT_EQ(bu2.send_bu->home_nonce_index, 8);

    auto c = e.on_binding_ack(137, bu2.send_bu->seq, 0, t.now());
    EXPECT_FALSE(c.send_hoti);
    EXPECT_TRUE(c.send_coti);
    auto bu3 = e.on_care_of_test(*c.send_coti, 10, kCareOfToken, t.now());
    ASSERT_TRUE(bu3.send_bu);

    auto both = e.on_binding_ack(138, bu3.send_bu->seq, 0, t.now());
    EXPECT_TRUE(both.send_hoti);
    EXPECT_TRUE(both.send_coti);
}

TEST_F(EntryTest, RefreshReusesValidTokensAndRetestsLapsedOnes) {
    bind_at(coa);
    // Refresh at 80% of 420 s = 336 s: both tokens (210 s) have lapsed.
    advance_to_timer();
    EXPECT_EQ(e.expires().value() - t.now(), seconds(84));
    auto a = e.on_timer(t.now());
    EXPECT_TRUE(a.send_hoti && a.send_coti);
    EXPECT_FALSE(a.fallback) << "the binding still holds while the refresh runs";
    EXPECT_TRUE(e.installed());

    // A short-lived binding refreshed within the token lifetime: no test.
    RoTiming timing;
    timing.lifetime_s = 100;
    CorrespondentEntry s{hoa, cn, 1, timing};
    auto i = s.traffic(coa, t.now());
    s.on_home_test(*i.send_hoti, 1, kHomeToken, t.now());
    auto bu = s.on_care_of_test(*i.send_coti, 2, kCareOfToken, t.now());
    s.on_binding_ack(0, bu.send_bu->seq, 100, t.now());
    t.advance(*s.next_timer() - t.now());
    auto r = s.on_timer(t.now());
    EXPECT_FALSE(r.send_hoti || r.send_coti);
    ASSERT_TRUE(r.send_bu);
    EXPECT_EQ(r.send_bu->home_nonce_index, 1);
}

TEST_F(EntryTest, BindingThatLapsesDuringARefreshFallsBack) {
    bind_at(coa);
    advance_to_timer();
    e.on_timer(t.now());  // refresh: tests out, unanswered
    RoActions last;
    while (e.expires() && t.now() < *e.expires()) {
        advance_to_timer();
        last = e.on_timer(t.now());
        if (last.fallback) break;
    }
    EXPECT_TRUE(last.fallback);
    EXPECT_FALSE(e.installed());
}

TEST_F(EntryTest, MoveRetestsTheCareOfAddressAndReusesTheHomeToken) {
    bind_at(coa);
    t.advance(seconds(30));
    auto a = e.moved_to(coa2, t.now());
    EXPECT_TRUE(a.fallback) << "the old care-of address is gone: tunnel until the new BU is accepted";
    EXPECT_FALSE(a.send_hoti) << "home token still valid";
    ASSERT_TRUE(a.send_coti);
    auto b = e.on_care_of_test(*a.send_coti, 11, kCareOfToken, t.now());
    ASSERT_TRUE(b.send_bu);
    EXPECT_TRUE(core::same_addr(b.send_bu->care_of, coa2));
    EXPECT_EQ(b.send_bu->home_nonce_index, 7);
    EXPECT_EQ(b.send_bu->care_of_nonce_index, 11);
    EXPECT_TRUE(e.on_binding_ack(0, b.send_bu->seq, 420, t.now()).install);
    EXPECT_TRUE(core::same_addr(e.care_of(), coa2));
}

TEST_F(EntryTest, MoveWithoutRouteOptimisationDoesNothing) {
    auto a = e.moved_to(coa2, t.now());
    EXPECT_FALSE(a.send_hoti || a.send_coti || a.send_bu || a.fallback);
}

// A peer given up (e.g. a host without Mobile IPv6, as e2e_agent_roaming's
// peers) was tested again on every move, its hold-down cut short.
TEST_F(EntryTest, MoveKeepsTheHoldDownOfAPeerWithoutBinding) {
    e.traffic(coa, t.now());
    for (int i = 0; i < 4; i++) {
        advance_to_timer();
        e.on_timer(t.now());
    }
    ASSERT_EQ(e.state(), RoState::Failed);
    const auto failed_at = t.now();
    auto a = e.moved_to(coa2, t.now());
    EXPECT_FALSE(a.send_hoti || a.send_coti || a.send_bu) << "held down: no tests from the new address";
    EXPECT_EQ(e.state(), RoState::Failed);
    EXPECT_FALSE(e.traffic(coa2, t.now()).send_coti);
    advance_to_timer();
    EXPECT_EQ(t.now() - failed_at, seconds(60)) << "the hold-down as before the move";
    e.on_timer(t.now());
    auto b = e.traffic(coa2, t.now());
    EXPECT_TRUE(b.send_hoti && b.send_coti) << "then traffic starts it again, from the new address";
}

TEST_F(EntryTest, BackHomeDeregistersWithTheHomeTokenOnly) {
    bind_at(coa);
    t.advance(seconds(300));  // the home token (210 s) has lapsed
    auto a = e.returned_home(t.now());
    EXPECT_TRUE(a.fallback);
    ASSERT_TRUE(a.send_hoti);
    EXPECT_FALSE(a.send_coti) << "no care-of test from home";
    auto b = e.on_home_test(*a.send_hoti, 12, kHomeToken, t.now());
    ASSERT_TRUE(b.send_bu);
    EXPECT_EQ(b.send_bu->lifetime_s, 0u);
    EXPECT_TRUE(core::same_addr(b.send_bu->care_of, hoa));
    EXPECT_FALSE(b.send_bu->care_of_token) << "Kbm = SHA1(home keygen token)";
    EXPECT_EQ(e.state(), RoState::Deregistering);
    auto c = e.on_binding_ack(0, b.send_bu->seq, 0, t.now());
    EXPECT_FALSE(c.install);
    EXPECT_EQ(e.state(), RoState::Tunnel);
    EXPECT_FALSE(e.traffic(coa, t.now()).send_hoti) << "at home: nothing to optimise";
}

TEST_F(EntryTest, BackHomeWithValidHomeTokenSendsTheDeregistrationAtOnce) {
    bind_at(coa);
    auto a = e.returned_home(t.now());
    ASSERT_TRUE(a.send_bu);
    EXPECT_EQ(a.send_bu->lifetime_s, 0u);
}

TEST_F(EntryTest, BackHomeWithoutABindingSendsNothing) {
    e.traffic(coa, t.now());
    auto a = e.returned_home(t.now());
    EXPECT_FALSE(a.send_hoti || a.send_coti || a.send_bu);
    EXPECT_EQ(e.state(), RoState::Tunnel);
}

TEST_F(EntryTest, BindingErrorStopsRouteOptimisationWithThePeer) {
    bind_at(coa);
    auto a = e.on_binding_error(t.now());
    EXPECT_TRUE(a.fallback);
    EXPECT_EQ(e.state(), RoState::Stopped);
    EXPECT_FALSE(e.next_timer());
    EXPECT_FALSE(e.traffic(coa, t.now()).send_hoti);
    EXPECT_FALSE(e.moved_to(coa2, t.now()).send_coti);
}

}  // namespace
