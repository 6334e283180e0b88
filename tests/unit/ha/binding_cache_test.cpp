// SPDX-License-Identifier: BSD-2-Clause
// The home agent's registration rules (RFC 6275 9.5.1, 10.3), one test per
// rule, on a fake clock.
#include "ha/binding_cache.hpp"

#include <gtest/gtest.h>

using namespace xmip;
using namespace xmip::ha;
using Action = Outcome::Action;
using std::chrono::seconds;

namespace {

in6_addr A(const char* s) { return *core::parse_addr(s); }

class BindingCacheTest : public ::testing::Test {
protected:
    core::FakeTime t;
    Policy policy() {
        Policy p;
        p.ha_addresses = {A("2001:db8:2700::2")};
        p.home_prefixes = {{*core::parse_prefix("2001:db8:2700::/64"), std::nullopt}};
        p.max_lifetime_s = 3600;
        p.max_entries = 2;
        p.dad = false;
        return p;
    }
    BindingUpdate bu(const char* hoa, const char* coa, uint16_t seq, uint32_t lifetime = 600) {
        BindingUpdate b;
        b.hoa = A(hoa);
        b.coa = A(coa);
        b.ha_addr = A("2001:db8:2700::2");
        b.seq = seq;
        b.lifetime_s = lifetime;
        return b;
    }
};

TEST_F(BindingCacheTest, RegistersAndAcknowledges) {
    BindingCache bc(policy());
    auto o = bc.process(bu("2001:db8:2700::4", "2001:db8:3::100", 1), t.now());
    EXPECT_EQ(o.action, Action::Register);
    EXPECT_EQ(o.status, mh::ba_status::accepted);
    EXPECT_EQ(o.seq, 1);
    EXPECT_EQ(o.lifetime_s, 600u);
    EXPECT_TRUE(o.send_ba);
    const Binding* b = bc.find(A("2001:db8:2700::4"));
    ASSERT_NE(b, nullptr);
    EXPECT_TRUE(core::same_addr(b->coa, A("2001:db8:3::100")));
    EXPECT_EQ(b->expires, t.now() + seconds(600));
}

TEST_F(BindingCacheTest, NoAckRequestedNoBaOnSuccess) {
    BindingCache bc(policy());
    auto b = bu("2001:db8:2700::4", "2001:db8:3::100", 1);
    b.ack = false;
    EXPECT_FALSE(bc.process(b, t.now()).send_ba);
}

TEST_F(BindingCacheTest, LifetimeClampedToConfiguredMaximum) {
    BindingCache bc(policy());
    auto o = bc.process(bu("2001:db8:2700::4", "2001:db8:3::100", 1, 262140), t.now());
    EXPECT_EQ(o.lifetime_s, 3600u);
}

TEST_F(BindingCacheTest, LifetimeClampedToHomePrefixValidLifetime) {
    auto p = policy();
    p.home_prefixes[0].valid_until = t.now() + seconds(100);
    BindingCache bc(p);
    EXPECT_EQ(bc.process(bu("2001:db8:2700::4", "2001:db8:3::100", 1), t.now()).lifetime_s, 100u);
    t.advance(seconds(101));
    auto o = bc.process(bu("2001:db8:2700::5", "2001:db8:3::101", 1), t.now());
    EXPECT_EQ(o.action, Action::Reject) << "a home address that is no longer valid";
    EXPECT_EQ(o.status, mh::ba_status::not_home_subnet);
}

TEST_F(BindingCacheTest, MovesToNewCareOfAddressWithNewerSequence) {
    BindingCache bc(policy());
    bc.process(bu("2001:db8:2700::4", "2001:db8:3::100", 1), t.now());
    auto o = bc.process(bu("2001:db8:2700::4", "2001:db8:4::100", 2), t.now());
    EXPECT_EQ(o.action, Action::Update);
    ASSERT_TRUE(o.previous_coa.has_value());
    EXPECT_TRUE(core::same_addr(*o.previous_coa, A("2001:db8:3::100")));
    EXPECT_TRUE(core::same_addr(bc.find(A("2001:db8:2700::4"))->coa, A("2001:db8:4::100")));
}

TEST_F(BindingCacheTest, OldSequenceRejectedWithLastAccepted) {
    BindingCache bc(policy());
    bc.process(bu("2001:db8:2700::4", "2001:db8:3::100", 10), t.now());
    for (uint16_t stale : {uint16_t{10}, uint16_t{9}, uint16_t{10 + 0x8000}}) {
        auto o = bc.process(bu("2001:db8:2700::4", "2001:db8:4::100", stale), t.now());
        EXPECT_EQ(o.status, mh::ba_status::sequence_out_of_window) << stale;
        EXPECT_EQ(o.seq, 10) << "the BA carries the last accepted sequence number";
    }
    EXPECT_TRUE(core::same_addr(bc.find(A("2001:db8:2700::4"))->coa, A("2001:db8:3::100")))
        << "a rejected BU changes nothing";
}

TEST_F(BindingCacheTest, SequenceWrapsModulo65536) {
    BindingCache bc(policy());
    bc.process(bu("2001:db8:2700::4", "2001:db8:3::100", 65535), t.now());
    EXPECT_EQ(bc.process(bu("2001:db8:2700::4", "2001:db8:3::101", 0), t.now()).action,
              Action::Update);
    EXPECT_TRUE(mh::seq_newer(0x7fff, 0));
    EXPECT_FALSE(mh::seq_newer(0x8000, 0));
}

TEST_F(BindingCacheTest, HomeAddressOffTheHomePrefixIsNotHomeSubnet) {
    BindingCache bc(policy());
    auto o = bc.process(bu("2001:db8:9999::4", "2001:db8:3::100", 1), t.now());
    EXPECT_EQ(o.status, mh::ba_status::not_home_subnet);
    EXPECT_EQ(bc.size(), 0u);
}

TEST_F(BindingCacheTest, SentToAnotherAddressIsNotHomeAgentForThisMn) {
    BindingCache bc(policy());
    auto b = bu("2001:db8:2700::4", "2001:db8:3::100", 1);
    b.ha_addr = A("2001:db8:2700::3");
    EXPECT_EQ(bc.process(b, t.now()).status, mh::ba_status::not_home_agent);
}

TEST_F(BindingCacheTest, AccessListProhibits) {
    auto p = policy();
    p.allowed = [](const in6_addr& hoa) { return !core::same_addr(hoa, A("2001:db8:2700::66")); };
    BindingCache bc(p);
    EXPECT_EQ(bc.process(bu("2001:db8:2700::66", "2001:db8:3::100", 1), t.now()).status,
              mh::ba_status::prohibited);
    EXPECT_EQ(bc.size(), 0u);
    EXPECT_EQ(bc.process(bu("2001:db8:2700::4", "2001:db8:3::100", 1), t.now()).status,
              mh::ba_status::accepted);
}

TEST_F(BindingCacheTest, CacheFullIsInsufficientResources) {
    BindingCache bc(policy());  // max 2
    bc.process(bu("2001:db8:2700::4", "2001:db8:3::100", 1), t.now());
    bc.process(bu("2001:db8:2700::5", "2001:db8:3::101", 1), t.now());
    EXPECT_EQ(bc.process(bu("2001:db8:2700::6", "2001:db8:3::102", 1), t.now()).status,
              mh::ba_status::insufficient_resources);
    // A refresh of an existing binding is still accepted at the limit.
    EXPECT_EQ(bc.process(bu("2001:db8:2700::4", "2001:db8:3::100", 2), t.now()).status,
              mh::ba_status::accepted);
}

TEST_F(BindingCacheTest, NonHomeRegistrationProhibited) {
    BindingCache bc(policy());
    auto b = bu("2001:db8:2700::4", "2001:db8:3::100", 1);
    b.home = false;
    EXPECT_EQ(bc.process(b, t.now()).status, mh::ba_status::prohibited);
}

TEST_F(BindingCacheTest, DeregistrationByLifetimeZeroOrCoaEqualsHoa) {
    BindingCache bc(policy());
    bc.process(bu("2001:db8:2700::4", "2001:db8:3::100", 1), t.now());
    auto o = bc.process(bu("2001:db8:2700::4", "2001:db8:3::100", 2, 0), t.now());
    EXPECT_EQ(o.action, Action::Deregister);
    EXPECT_EQ(o.status, mh::ba_status::accepted);
    EXPECT_EQ(o.lifetime_s, 0u);
    EXPECT_EQ(bc.size(), 0u);

    bc.process(bu("2001:db8:2700::4", "2001:db8:3::100", 3), t.now());
    o = bc.process(bu("2001:db8:2700::4", "2001:db8:2700::4", 4), t.now());
    EXPECT_EQ(o.action, Action::Deregister);
    EXPECT_EQ(bc.size(), 0u);
}

TEST_F(BindingCacheTest, DeregistrationWithoutBindingIsNotHomeAgent) {
    BindingCache bc(policy());
    auto o = bc.process(bu("2001:db8:2700::4", "2001:db8:3::100", 1, 0), t.now());
    EXPECT_EQ(o.status, mh::ba_status::not_home_agent);
}

TEST_F(BindingCacheTest, ExpiresAtEndOfLifetime) {
    BindingCache bc(policy());
    bc.process(bu("2001:db8:2700::4", "2001:db8:3::100", 1, 60), t.now());
    EXPECT_EQ(*bc.next_expiry(), t.now() + seconds(60));
    t.advance(seconds(59));
    EXPECT_TRUE(bc.expire(t.now()).empty());
    t.advance(seconds(1));
    auto gone = bc.expire(t.now());
    ASSERT_EQ(gone.size(), 1u);
    EXPECT_TRUE(core::same_addr(gone[0].hoa, A("2001:db8:2700::4")));
    EXPECT_EQ(bc.size(), 0u);
}

// The next expiry follows every change: a refresh pushes it back, a
// deregistration, a removal and a restore take the old one away.
TEST_F(BindingCacheTest, NextExpiryFollowsRefreshRemovalAndRestore) {
    Policy p = policy();
    p.max_entries = 4;
    BindingCache bc(p);
    const auto t0 = t.now();
    bc.process(bu("2001:db8:2700::4", "2001:db8:3::100", 1, 60), t0);
    bc.process(bu("2001:db8:2700::5", "2001:db8:3::101", 1, 120), t0);
    EXPECT_EQ(*bc.next_expiry(), t0 + seconds(60));
    t.advance(seconds(30));
    bc.process(bu("2001:db8:2700::4", "2001:db8:3::100", 2, 300), t.now());  // refresh: ::4 now last
    EXPECT_EQ(*bc.next_expiry(), t0 + seconds(120));
    t.advance(seconds(90));
    auto gone = bc.expire(t.now());  // t0+120: ::5 only, ::4 runs to t0+330
    ASSERT_EQ(gone.size(), 1u);
    EXPECT_TRUE(core::same_addr(gone[0].hoa, A("2001:db8:2700::5")));
    EXPECT_EQ(*bc.next_expiry(), t0 + seconds(330));

    Binding r = *bc.find(A("2001:db8:2700::4"));
    r.expires = t0 + seconds(200);
    bc.restore(r);  // replaces the entry and its expiry
    EXPECT_EQ(*bc.next_expiry(), t0 + seconds(200));
    EXPECT_TRUE(bc.remove(A("2001:db8:2700::4")));
    EXPECT_FALSE(bc.next_expiry());
    EXPECT_TRUE(bc.expire(t0 + seconds(10000)).empty());

    bc.process(bu("2001:db8:2700::6", "2001:db8:3::102", 1, 60), t.now());
    bc.process(bu("2001:db8:2700::6", "2001:db8:2700::6", 2, 0), t.now());  // deregistered
    EXPECT_FALSE(bc.next_expiry());
}

// Several bindings expiring at the same moment all go, in one call.
TEST_F(BindingCacheTest, ExpiresEveryBindingDueAtOnce) {
    Policy p = policy();
    p.max_entries = 8;
    BindingCache bc(p);
    for (const char* h : {"2001:db8:2700::4", "2001:db8:2700::5", "2001:db8:2700::6"})
        bc.process(bu(h, "2001:db8:3::100", 1, 60), t.now());
    bc.process(bu("2001:db8:2700::7", "2001:db8:3::100", 1, 61), t.now());
    t.advance(seconds(60));
    EXPECT_EQ(bc.expire(t.now()).size(), 3u);
    EXPECT_EQ(bc.size(), 1u);
    EXPECT_EQ(*bc.next_expiry(), t.now() + seconds(1));
}

TEST_F(BindingCacheTest, FirstRegistrationWaitsForDad) {
    auto p = policy();
    p.dad = true;
    BindingCache bc(p);
    auto o = bc.process(bu("2001:db8:2700::4", "2001:db8:3::100", 1), t.now());
    EXPECT_EQ(o.action, Action::AwaitDad);
    EXPECT_FALSE(o.send_ba);
    // A retransmission while DAD runs is absorbed, the newest one answered.
    EXPECT_EQ(bc.process(bu("2001:db8:2700::4", "2001:db8:3::100", 2), t.now()).action,
              Action::Ignore);
    t.advance(seconds(1));
    o = bc.dad_completed(A("2001:db8:2700::4"), true, t.now());
    EXPECT_EQ(o.action, Action::Register);
    EXPECT_EQ(o.seq, 2);
    EXPECT_EQ(bc.find(A("2001:db8:2700::4"))->expires, t.now() + seconds(600));
    // Later registrations of the same home address need no DAD.
    EXPECT_EQ(bc.process(bu("2001:db8:2700::4", "2001:db8:3::101", 3), t.now()).action,
              Action::Update);
}

TEST_F(BindingCacheTest, DadFailureRejectsWith134) {
    auto p = policy();
    p.dad = true;
    BindingCache bc(p);
    bc.process(bu("2001:db8:2700::4", "2001:db8:3::100", 1), t.now());
    auto o = bc.dad_completed(A("2001:db8:2700::4"), false, t.now());
    EXPECT_EQ(o.action, Action::Reject);
    EXPECT_EQ(o.status, mh::ba_status::dad_failed);
    EXPECT_EQ(bc.size(), 0u);
    EXPECT_EQ(bc.dad_completed(A("2001:db8:2700::4"), true, t.now()).action, Action::Ignore)
        << "a DAD result nobody waits for";
}

TEST_F(BindingCacheTest, RefreshAdviceWhenLifetimeIsLonger) {
    auto p = policy();
    p.refresh_advice_s = 300;
    BindingCache bc(p);
    auto o = bc.process(bu("2001:db8:2700::4", "2001:db8:3::100", 1, 600), t.now());
    ASSERT_TRUE(o.refresh_advice_s.has_value());
    EXPECT_EQ(*o.refresh_advice_s, 300u);
    o = bc.process(bu("2001:db8:2700::5", "2001:db8:3::100", 1, 200), t.now());
    EXPECT_FALSE(o.refresh_advice_s.has_value());
}

}  // namespace

// Restarts (docs/restart.md): a binding restored from the state file keeps
// its sequence window; one adopted from the datapath without a file takes
// whatever number the mobile node sends next, then has a window again.
namespace {

Binding restored(const char* hoa, const char* coa, uint16_t seq, core::TimePoint expires, bool seq_known = true) {
    Binding b;
    b.hoa = A(hoa);
    b.coa = A(coa);
    b.ha_addr = A("2001:db8:2700::2");
    b.seq = seq;
    b.lifetime_s = 600;
    b.registered = expires - seconds(600);
    b.expires = expires;
    b.seq_known = seq_known;
    return b;
}

TEST_F(BindingCacheTest, RestoredBindingKeepsItsSequenceWindowAndExpiry) {
    BindingCache bc(policy());
    bc.restore(restored("2001:db8:2700::4", "2001:db8:3::100", 1000, t.now() + seconds(300)));
    EXPECT_EQ(bc.next_expiry(), t.now() + seconds(300));
    auto old = bc.process(bu("2001:db8:2700::4", "2001:db8:3::101", 1000), t.now());
    EXPECT_EQ(old.action, Action::Reject);
    EXPECT_EQ(old.status, mh::ba_status::sequence_out_of_window);
    EXPECT_EQ(old.seq, 1000);
    EXPECT_TRUE(core::same_addr(bc.find(A("2001:db8:2700::4"))->coa, A("2001:db8:3::100")));
    auto next = bc.process(bu("2001:db8:2700::4", "2001:db8:3::100", 1001), t.now());
    EXPECT_EQ(next.action, Action::Update);
    EXPECT_EQ(next.status, mh::ba_status::accepted);
    EXPECT_EQ(bc.find(A("2001:db8:2700::4"))->seq, 1001);
}

TEST_F(BindingCacheTest, AdoptedBindingWithUnknownSequenceAcceptsTheNextBuThenHasAWindow) {
    BindingCache bc(policy());
    bc.restore(restored("2001:db8:2700::4", "2001:db8:3::100", 0, t.now() + seconds(60), /*seq_known=*/false));
    auto first = bc.process(bu("2001:db8:2700::4", "2001:db8:3::100", 40000), t.now());
    EXPECT_EQ(first.action, Action::Update);
    EXPECT_TRUE(bc.find(A("2001:db8:2700::4"))->seq_known);
    auto replay = bc.process(bu("2001:db8:2700::4", "2001:db8:3::100", 40000), t.now());
    EXPECT_EQ(replay.status, mh::ba_status::sequence_out_of_window);
}

}  // namespace
