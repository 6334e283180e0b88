// SPDX-License-Identifier: BSD-2-Clause
// The mobile node's registration behaviour (RFC 6275 11.7, 11.8) on a fake
// clock: timing of retransmissions and refreshes, and what each BA means.
#include "mn/binding_update_list.hpp"

#include <gtest/gtest.h>

#include "core/in6.hpp"

using namespace xmip;
using namespace xmip::mn;
using std::chrono::milliseconds;
using std::chrono::seconds;
using Kind = BaResult::Kind;

namespace {

in6_addr A(const char* s) { return *core::parse_addr(s); }

class BulTest : public ::testing::Test {
protected:
    core::FakeTime t;
    BindingUpdateList bul{A("2001:db8:2700::4"), A("2001:db8:2700::2"), 600};
};

TEST_F(BulTest, FirstRegistrationBacksOffFrom1500msTo32s) {
    auto bu = bul.moved_to(A("2001:db8:3::100"), t.now());
    EXPECT_TRUE(core::same_addr(bu.coa, A("2001:db8:3::100")));
    EXPECT_EQ(bu.lifetime_s, 600u);
    EXPECT_FALSE(bu.at_home);
    EXPECT_EQ(bul.state(), State::Registering);
    EXPECT_EQ(*bul.next_timer(), t.now() + milliseconds(1500));

    std::vector<long> delays;
    uint16_t prev = bu.seq;
    for (int i = 0; i < 7; i++) {
        t.advance(*bul.next_timer() - t.now());
        auto again = bul.on_timer(t.now());
        ASSERT_TRUE(again.has_value());
        EXPECT_EQ(again->seq, static_cast<uint16_t>(prev + 1)) << "each BU a new sequence number";
        prev = again->seq;
        delays.push_back(std::chrono::duration_cast<milliseconds>(*bul.next_timer() - t.now()).count());
    }
    EXPECT_EQ(delays, (std::vector<long>{3000, 6000, 12000, 24000, 32000, 32000, 32000}));
}

TEST_F(BulTest, NothingHappensBeforeTheTimer) {
    bul.moved_to(A("2001:db8:3::100"), t.now());
    t.advance(milliseconds(1499));
    EXPECT_FALSE(bul.on_timer(t.now()).has_value());
}

TEST_F(BulTest, AcceptedBaBindsAndSchedulesRefresh) {
    auto bu = bul.moved_to(A("2001:db8:3::100"), t.now());
    t.advance(milliseconds(30));
    auto r = bul.on_binding_ack(0, bu.seq, 400, std::nullopt, t.now());
    EXPECT_EQ(r.kind, Kind::Bound);
    EXPECT_EQ(bul.state(), State::Bound);
    EXPECT_EQ(bul.granted_lifetime(), 400u);
    // Lifetime counts from when the BU left; refresh with 20% left.
    EXPECT_EQ(*bul.expires(), t.now() - milliseconds(30) + seconds(400));
    EXPECT_EQ(*bul.next_timer(), t.now() - milliseconds(30) + seconds(320));
    t.advance(seconds(320));
    auto refresh = bul.on_timer(t.now());
    ASSERT_TRUE(refresh.has_value());
    EXPECT_EQ(bul.state(), State::Registering);
    EXPECT_EQ(*bul.next_timer(), t.now() + seconds(1)) << "not the first registration: 1 s";
}

TEST_F(BulTest, GrantLongerThanAskedIsCapped) {
    auto bu = bul.moved_to(A("2001:db8:3::100"), t.now());
    bul.on_binding_ack(0, bu.seq, 9999, std::nullopt, t.now());
    EXPECT_EQ(bul.granted_lifetime(), 600u);
}

TEST_F(BulTest, RefreshAdviceBringsRefreshForward) {
    auto bu = bul.moved_to(A("2001:db8:3::100"), t.now());
    bul.on_binding_ack(0, bu.seq, 600, 60, t.now());
    EXPECT_EQ(*bul.next_timer(), t.now() + seconds(60));
}

TEST_F(BulTest, BaForAnotherSequenceIsIgnored) {
    auto bu = bul.moved_to(A("2001:db8:3::100"), t.now());
    EXPECT_EQ(bul.on_binding_ack(0, static_cast<uint16_t>(bu.seq - 1), 600, std::nullopt, t.now()).kind,
              Kind::Ignored);
    EXPECT_EQ(bul.state(), State::Registering);
}

TEST_F(BulTest, SequenceOutOfWindowResendsAfterTheHasNumber) {
    bul.moved_to(A("2001:db8:3::100"), t.now());
    auto r = bul.on_binding_ack(135, 5000, 0, std::nullopt, t.now());
    EXPECT_EQ(r.kind, Kind::Resend);
    ASSERT_TRUE(r.send.has_value());
    EXPECT_EQ(r.send->seq, 5001);
}

TEST_F(BulTest, RejectionFailsAndRetriesSlowly) {
    auto bu = bul.moved_to(A("2001:db8:3::100"), t.now());
    auto r = bul.on_binding_ack(132, bu.seq, 0, std::nullopt, t.now());
    EXPECT_EQ(r.kind, Kind::Refused);
    EXPECT_EQ(r.status, 132);
    EXPECT_EQ(bul.state(), State::Failed);
    EXPECT_EQ(*bul.next_timer(), t.now() + seconds(32));
}

// 130, insufficient resources (a fleet's store without quorum, a slow one):
// passing, so retried on the retransmission schedule (1 s, then doubling),
// not after MAX_BINDACK_TIMEOUT like a refusal that means "no".
TEST_F(BulTest, InsufficientResourcesIsRetriedOnTheRetransmissionSchedule) {
    auto bu = bul.moved_to(A("2001:db8:3::100"), t.now());
    bul.on_binding_ack(0, bu.seq, 600, std::nullopt, t.now());
    auto bu2 = bul.moved_to(A("2001:db8:4::100"), t.now());
    auto r = bul.on_binding_ack(130, bu2.seq, 0, std::nullopt, t.now());
    EXPECT_EQ(r.kind, Kind::Refused);
    EXPECT_EQ(bul.state(), State::Failed);
    EXPECT_EQ(*bul.next_timer(), t.now() + seconds(1));
    auto retry = bul.on_timer(t.now() + seconds(1));
    ASSERT_TRUE(retry.has_value());
    EXPECT_TRUE(core::same_addr(retry->coa, A("2001:db8:4::100")));
    EXPECT_EQ(retry->seq, static_cast<uint16_t>(bu2.seq + 1));
    EXPECT_EQ(bul.on_binding_ack(130, retry->seq, 0, std::nullopt, t.now() + seconds(1)).kind, Kind::Refused);
    EXPECT_EQ(*bul.next_timer(), t.now() + seconds(3)) << "then 2 s";
    retry = bul.on_timer(t.now() + seconds(3));
    ASSERT_TRUE(retry.has_value());
    EXPECT_EQ(bul.on_binding_ack(0, retry->seq, 600, std::nullopt, t.now() + seconds(3)).kind, Kind::Bound);
}

TEST_F(BulTest, MovingAgainRegistersTheNewCareOfAddress) {
    auto bu = bul.moved_to(A("2001:db8:3::100"), t.now());
    bul.on_binding_ack(0, bu.seq, 600, std::nullopt, t.now());
    auto bu2 = bul.moved_to(A("2001:db8:4::100"), t.now());
    EXPECT_TRUE(core::same_addr(bu2.coa, A("2001:db8:4::100")));
    EXPECT_EQ(bu2.seq, static_cast<uint16_t>(bu.seq + 1));
    EXPECT_EQ(*bul.next_timer(), t.now() + seconds(1));
}

TEST_F(BulTest, ReturningHomeDeregisters) {
    auto bu = bul.moved_to(A("2001:db8:3::100"), t.now());
    bul.on_binding_ack(0, bu.seq, 600, std::nullopt, t.now());
    auto dereg = bul.returned_home(t.now());
    ASSERT_TRUE(dereg.has_value());
    EXPECT_EQ(dereg->lifetime_s, 0u);
    EXPECT_TRUE(dereg->at_home);
    EXPECT_TRUE(core::same_addr(dereg->coa, A("2001:db8:2700::4"))) << "CoA = HoA";
    EXPECT_EQ(bul.on_binding_ack(0, dereg->seq, 0, std::nullopt, t.now()).kind, Kind::Deregistered);
    EXPECT_EQ(bul.state(), State::AtHome);
    EXPECT_FALSE(bul.next_timer().has_value());
}

TEST_F(BulTest, NotHomeAgentAnswerToADeregistrationMeansDeregistered) {
    // The HA removed the binding on an earlier BU whose BA was lost: the
    // retransmission finds nothing to remove (133), which is what we wanted.
    auto bu = bul.moved_to(A("2001:db8:3::100"), t.now());
    bul.on_binding_ack(0, bu.seq, 600, std::nullopt, t.now());
    auto dereg = bul.returned_home(t.now());
    EXPECT_EQ(bul.on_binding_ack(133, dereg->seq, 0, std::nullopt, t.now()).kind, Kind::Deregistered);
    EXPECT_EQ(bul.state(), State::AtHome);
}

TEST_F(BulTest, RefusedDeregistrationIsRetriedAsADeregistration) {
    auto bu = bul.moved_to(A("2001:db8:3::100"), t.now());
    bul.on_binding_ack(0, bu.seq, 600, std::nullopt, t.now());
    auto dereg = bul.returned_home(t.now());
    EXPECT_EQ(bul.on_binding_ack(129, dereg->seq, 0, std::nullopt, t.now()).kind, Kind::Refused);
    t.advance(seconds(32));
    auto again = bul.on_timer(t.now());
    ASSERT_TRUE(again.has_value());
    EXPECT_EQ(again->lifetime_s, 0u) << "not a registration of the care-of address we left";
    EXPECT_TRUE(again->at_home);
    EXPECT_TRUE(core::same_addr(again->coa, A("2001:db8:2700::4")));
}

TEST_F(BulTest, ReturningHomeBeforeAnyRegistrationSendsNothing) {
    EXPECT_FALSE(bul.returned_home(t.now()).has_value());
    bul.moved_to(A("2001:db8:3::100"), t.now());
    EXPECT_FALSE(bul.returned_home(t.now()).has_value());
    EXPECT_EQ(bul.state(), State::AtHome);
}

TEST_F(BulTest, RefreshRequestRefreshesABinding) {
    EXPECT_FALSE(bul.on_refresh_request(t.now()).has_value());
    auto bu = bul.moved_to(A("2001:db8:3::100"), t.now());
    bul.on_binding_ack(0, bu.seq, 600, std::nullopt, t.now());
    auto r = bul.on_refresh_request(t.now());
    ASSERT_TRUE(r.has_value());
    EXPECT_TRUE(core::same_addr(r->coa, A("2001:db8:3::100")));
}

}  // namespace

// Restarts (docs/restart.md): the sequence number never goes back, a live
// registration stays bound with its refresh when it was due.
namespace {

TEST_F(BulTest, RestoredBoundRegistrationRefreshesWhenDueWithTheNextSequence) {
    BindingUpdateList::Restored r;
    r.seq = 65535;  // wraps: the next is 0, which is newer (RFC 6275 9.5.1)
    r.ever_registered = true;
    r.bound = true;
    r.coa = A("2001:db8:3::100");
    r.granted_s = 600;
    r.expires = t.now() + seconds(300);  // registered 300 s ago
    ASSERT_TRUE(bul.restore(r, t.now()));
    EXPECT_EQ(bul.state(), State::Bound);
    EXPECT_TRUE(core::same_addr(bul.care_of(), A("2001:db8:3::100")));
    EXPECT_EQ(bul.last_seq(), 65535);
    EXPECT_EQ(bul.granted_lifetime(), 600u);
    EXPECT_EQ(*bul.expires(), t.now() + seconds(300));
    // Refresh at 80 % of the lifetime from the registration: 480 s after it.
    EXPECT_EQ(*bul.next_timer(), t.now() + seconds(180));
    EXPECT_FALSE(bul.on_timer(t.now()));  // nothing sent at start: the tunnel just goes on
    t.advance(seconds(180));
    auto bu = bul.on_timer(t.now());
    ASSERT_TRUE(bu);
    EXPECT_EQ(bu->seq, 0);
    EXPECT_TRUE(core::same_addr(bu->coa, A("2001:db8:3::100")));
}

TEST_F(BulTest, RestoredPastItsRefreshTimeRefreshesAtOnce) {
    BindingUpdateList::Restored r;
    r.seq = 10;
    r.bound = true;
    r.coa = A("2001:db8:3::100");
    r.granted_s = 600;
    r.expires = t.now() + seconds(30);
    ASSERT_TRUE(bul.restore(r, t.now()));
    EXPECT_EQ(*bul.next_timer(), t.now());
    auto bu = bul.on_timer(t.now());
    ASSERT_TRUE(bu);
    EXPECT_EQ(bu->seq, 11);
}

TEST_F(BulTest, RestoredExpiredOrUnboundKeepsOnlyTheSequence) {
    BindingUpdateList::Restored r;
    r.seq = 500;
    r.ever_registered = true;
    r.bound = true;
    r.coa = A("2001:db8:3::100");
    r.granted_s = 600;
    r.expires = t.now();  // ran out while the agent was down
    EXPECT_FALSE(bul.restore(r, t.now()));
    EXPECT_EQ(bul.state(), State::AtHome);
    EXPECT_FALSE(bul.next_timer());
    auto bu = bul.moved_to(A("2001:db8:3::101"), t.now());
    EXPECT_EQ(bu.seq, 501);
    // A registration that was in flight: the next BU still continues after it.
    BindingUpdateList other{A("2001:db8:2700::4"), A("2001:db8:2700::2"), 600};
    r.bound = false;
    r.seq = 7;
    EXPECT_FALSE(other.restore(r, t.now()));
    EXPECT_EQ(other.moved_to(A("2001:db8:3::100"), t.now()).seq, 8);
}

}  // namespace

TEST_F(BulTest, IdMismatchSendsTheLatestUpdateAgainOnce) {
    // RFC 4285 144: the service took the home agent's time; the BU goes again
    // at once with the next sequence number, still registering.
    auto bu = bul.moved_to(A("2001:db8:3::100"), t.now());
    t.advance(milliseconds(20));
    auto again = bul.on_id_mismatch(bu.seq, t.now());
    ASSERT_TRUE(again.has_value());
    EXPECT_EQ(again->seq, static_cast<uint16_t>(bu.seq + 1));
    EXPECT_TRUE(core::same_addr(again->coa, A("2001:db8:3::100")));
    EXPECT_EQ(bul.state(), State::Registering);
    // A 144 for an older update, or once bound, sends nothing.
    EXPECT_FALSE(bul.on_id_mismatch(bu.seq, t.now()).has_value());
    EXPECT_EQ(bul.on_binding_ack(0, again->seq, 600, std::nullopt, t.now()).kind, Kind::Bound);
    EXPECT_FALSE(bul.on_id_mismatch(again->seq, t.now()).has_value());
}
