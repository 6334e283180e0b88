// SPDX-License-Identifier: BSD-2-Clause
// The etcd client against a real etcd (tests/support/etcd_cluster.hpp):
// compare-and-swap, leases, watches, elections, a dead member, no quorum.
#include <poll.h>

#include <gtest/gtest.h>

#include <thread>

#include "etcd/client.hpp"
#include "etcd/election.hpp"
#include "etcd/watcher.hpp"
#include "etcd_cluster.hpp"

namespace xmip::etcd::test {
namespace {

using namespace std::chrono_literals;
using xmip::test::EtcdCluster;

TransportOptions fast(std::vector<std::string> endpoints) {
    TransportOptions o;
    o.endpoints = std::move(endpoints);
    o.dial_timeout = 300ms;
    o.request_timeout = 2000ms;
    return o;
}

// Events until pred says done, polling the watcher's fd like the daemon's loop.
template <class Pred>
bool watch_until(Watcher& w, std::vector<Event>& seen, std::chrono::milliseconds timeout, Pred done) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!done(seen) && std::chrono::steady_clock::now() < deadline) {
        pollfd p{w.fd(), POLLIN, 0};
        ::poll(&p, 1, 100);
        auto t = w.take();
        for (auto& r : t.responses) {
            for (auto& e : r.response.events) seen.push_back(e);
        }
    }
    return done(seen);
}

class EtcdLive : public ::testing::Test {
protected:
    void SetUp() override {
        REQUIRE_ETCD();
        std::string why;
        ASSERT_TRUE(cluster.start(&why)) << why;
    }
    EtcdCluster cluster{1};
};

TEST_F(EtcdLive, ATxnWhoseModRevisionIsStaleIsRefusedAndChangesNothing) {
    Client c(fast(cluster.endpoints()));
    auto p = c.put(PutRequest{"/t/k", "one", 0, false});
    ASSERT_TRUE(p) << p.error().message;
    const int64_t rev = p->header.revision;
    // Another writer gets in between.
    ASSERT_TRUE(c.put(PutRequest{"/t/k", "two", 0, false}));
    TxnRequest t;
    t.compare.push_back(Compare::mod_revision("/t/k", Compare::Op::equal, rev));
    t.success.push_back(PutRequest{"/t/k", "three", 0, false});
    t.failure.push_back(RangeRequest::one("/t/k"));
    auto r = c.txn(t);
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_FALSE(r->succeeded);
    EXPECT_EQ(std::get<RangeResponse>(r->responses.at(0)).kvs.at(0).value, "two") << "the loser sees the winner";
    auto now = c.range(RangeRequest::one("/t/k"));
    ASSERT_TRUE(now);
    EXPECT_EQ(now->kvs.at(0).value, "two");
    // Absent-key compare: create only once.
    TxnRequest create;
    create.compare.push_back(Compare::create_revision("/t/new", Compare::Op::equal, 0));
    create.success.push_back(PutRequest{"/t/new", "x", 0, false});
    EXPECT_TRUE(c.txn(create)->succeeded);
    EXPECT_FALSE(c.txn(create)->succeeded);
}

TEST_F(EtcdLive, AnExpiredLeaseTakesItsKeysAndTheWatchSeesThemGo) {
    Client c(fast(cluster.endpoints()));
    auto g = c.lease_grant(1);
    ASSERT_TRUE(g) << g.error().message;
    ASSERT_TRUE(c.put(PutRequest{"/l/a", "x", g->id, false}));
    ASSERT_TRUE(c.put(PutRequest{"/l/b", "y", g->id, false}));
    auto ttl = c.lease_timetolive(g->id, true);
    ASSERT_TRUE(ttl);
    EXPECT_EQ(ttl->keys.size(), 2u);
    Watcher w(fast(cluster.endpoints()), WatchCreateRequest{"/l/", prefix_end("/l/"), 0, false, false});
    std::vector<Event> seen;
    EXPECT_TRUE(watch_until(w, seen, 6000ms, [](const std::vector<Event>& s) { return s.size() >= 2; }))
        << "both keys deleted by the lease's expiry";
    for (const auto& e : seen) EXPECT_EQ(e.type, Event::Type::del);
    EXPECT_TRUE(c.range_prefix("/l/")->kvs.empty());
    auto k = c.lease_keepalive(g->id);
    ASSERT_TRUE(k);
    EXPECT_LE(k->ttl, 0) << "the lease is gone";
    auto bad = c.put(PutRequest{"/l/c", "z", g->id, false});
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().kind, Error::Kind::rejected);
    EXPECT_NE(bad.error().message.find(cluster.endpoint(0)), std::string::npos) << bad.error().message;
}

TEST_F(EtcdLive, AWatchFromARevisionSeesPutsAndDeletesInOrder) {
    Client c(fast(cluster.endpoints()));
    auto first = c.put(PutRequest{"/w/1", "a", 0, false});
    ASSERT_TRUE(first);
    ASSERT_TRUE(c.put(PutRequest{"/w/2", "b", 0, false}));
    ASSERT_TRUE(c.del(DeleteRequest{"/w/1", {}, false}));
    ASSERT_TRUE(c.put(PutRequest{"/other", "not watched", 0, false}));
    Watcher w(fast(cluster.endpoints()),
              WatchCreateRequest{"/w/", prefix_end("/w/"), first->header.revision, true, false});
    std::vector<Event> seen;
    ASSERT_TRUE(watch_until(w, seen, 5000ms, [](const std::vector<Event>& s) { return s.size() >= 3; }));
    ASSERT_EQ(seen.size(), 3u);
    EXPECT_EQ(seen[0].kv.key, "/w/1");
    EXPECT_EQ(seen[1].kv.key, "/w/2");
    EXPECT_EQ(seen[2].type, Event::Type::del);
    ASSERT_TRUE(seen[2].prev_kv);
    EXPECT_EQ(seen[2].prev_kv->value, "a");
}

TEST_F(EtcdLive, TheOldestCandidateLeadsAndTheNextTakesOverWhenItsLeaseIsRevoked) {
    Client c(fast(cluster.endpoints()));
    auto l1 = c.lease_grant(10);
    auto l2 = c.lease_grant(10);
    ASSERT_TRUE(l1 && l2);
    Election a(c, "/e/addr/", l1->id), b(c, "/e/addr/", l2->id);
    EXPECT_TRUE(*a.campaign("agent-a"));
    EXPECT_FALSE(*b.campaign("agent-b"));
    EXPECT_TRUE(*a.campaign("agent-a")) << "campaigning again keeps the place";
    auto who = b.leader();
    ASSERT_TRUE(who && who->has_value());
    EXPECT_EQ((*who)->value, "agent-a");
    EXPECT_EQ((*who)->key, "/e/addr/" + lease_hex(l1->id));
    ASSERT_TRUE(c.lease_revoke(l1->id));
    EXPECT_TRUE(*b.is_leader());
    ASSERT_TRUE(b.resign());
    auto none = a.leader();
    ASSERT_TRUE(none);
    EXPECT_FALSE(none->has_value());
}

TEST(EtcdUnreachable, AnErrorNamesEveryEndpointTried) {
    Client c(fast({"http://127.0.0.1:1", "http://127.0.0.1:2"}));
    auto r = c.range(RangeRequest::one("k"));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, Error::Kind::unavailable);
    EXPECT_NE(r.error().message.find("127.0.0.1:1"), std::string::npos) << r.error().message;
    EXPECT_NE(r.error().message.find("127.0.0.1:2"), std::string::npos) << r.error().message;
}

class EtcdThree : public ::testing::Test {
protected:
    void SetUp() override {
        REQUIRE_ETCD();
        std::string why;
        ASSERT_TRUE(cluster.start(&why)) << why;
    }
    EtcdCluster cluster{3};
};

TEST_F(EtcdThree, ADeadMemberIsPassedOverAndTheWatchReconnectsWithoutLosingEvents) {
    Client c(fast(cluster.endpoints()));
    // The watcher's stream is on member 0, the first endpoint. It watches
    // from revision 1 (the cluster is new): from "now" (0), a put made before
    // its stream is up, as on a loaded machine, would be missed.
    Watcher w(fast(cluster.endpoints()), WatchCreateRequest{"/f/", prefix_end("/f/"), 1, false, false});
    std::vector<Event> seen;
    ASSERT_TRUE(c.put(PutRequest{"/f/before", "1", 0, false}));
    ASSERT_TRUE(watch_until(w, seen, 5000ms, [](const std::vector<Event>& s) { return s.size() >= 1; }));
    cluster.kill(0);
    // Writes go on through the others; the first tried is the dead one. A
    // write in flight while the survivors elect a new leader may time out
    // (unavailable: the caller's to retry, as a mobile node retries a BU).
    int timed_out = 0;
    for (int i = 0; i < 5; i++) {
        auto p = c.put(PutRequest{"/f/after" + std::to_string(i), "2", 0, false});
        for (int retry = 0; !p && retry < 3; retry++) {
            EXPECT_EQ(p.error().kind, Error::Kind::unavailable) << p.error().message;
            timed_out++;
            p = c.put(PutRequest{"/f/after" + std::to_string(i), "2", 0, false});
        }
        ASSERT_TRUE(p) << p.error().message;
    }
    EXPECT_LE(timed_out, 2) << "only while the leader changes";
    ASSERT_TRUE(watch_until(w, seen, 10000ms, [](const std::vector<Event>& s) { return s.size() >= 6; }));
    ASSERT_EQ(seen.size(), 6u) << "each event once";
    for (int i = 0; i < 5; i++) EXPECT_EQ(seen[1 + i].kv.key, "/f/after" + std::to_string(i));
}

TEST_F(EtcdThree, WithoutQuorumATxnFailsInBoundedTimeIsAllOrNothingAndWritesResume) {
    Client c(fast(cluster.endpoints()));
    ASSERT_TRUE(c.put(PutRequest{"/q/a", "before", 0, false}));
    ASSERT_TRUE(c.put(PutRequest{"/q/b", "before", 0, false}));
    cluster.kill(1);
    cluster.kill(2);
    auto t0 = std::chrono::steady_clock::now();
    TxnRequest t;
    t.compare.push_back(Compare::version("/q/a", Compare::Op::equal, 1));
    t.success.push_back(PutRequest{"/q/a", "during", 0, false});
    t.success.push_back(PutRequest{"/q/b", "during", 0, false});
    auto r = c.txn(t);
    auto took = std::chrono::steady_clock::now() - t0;
    ASSERT_FALSE(r) << "no quorum: nothing can be committed";
    EXPECT_EQ(r.error().kind, Error::Kind::unavailable) << r.error().message;
    EXPECT_LT(took, 8s) << "bounded by the timeouts";
    std::string why;
    ASSERT_TRUE(cluster.restart(1, &why)) << why;
    ASSERT_TRUE(cluster.wait_leader(0, 15s));
    ASSERT_TRUE(cluster.wait_leader(1, 15s));
    // A request that timed out has an unknown outcome (etcd's contract):
    // the proposal may sit in the leader's log and commit once quorum is
    // back. What etcd guarantees, and the store relies on, is that it is
    // the whole transaction or none of it.
    auto a = c.range(RangeRequest::one("/q/a"));
    auto b = c.range(RangeRequest::one("/q/b"));
    ASSERT_TRUE(a && b);
    EXPECT_EQ(a->kvs.at(0).value, b->kvs.at(0).value) << "never half a transaction";
    // Writes resume: a compare-and-swap against what is there now.
    TxnRequest next;
    next.compare.push_back(Compare::mod_revision("/q/a", Compare::Op::equal, a->kvs.at(0).mod_revision));
    next.success.push_back(PutRequest{"/q/a", "after", 0, false});
    auto again = c.txn(next);
    ASSERT_TRUE(again) << again.error().message;
    EXPECT_TRUE(again->succeeded);
}

}  // namespace
}  // namespace xmip::etcd::test
