// SPDX-License-Identifier: BSD-2-Clause
// The etcd binding store against a real etcd (tests/support/etcd_cluster):
// what one agent commits another loads and watches; compare-and-swap
// between two agents; leases; no quorum.
#include "store/etcd_store.hpp"

#include <arpa/inet.h>
#include <poll.h>

#include <set>

#include <gtest/gtest.h>

#include "etcd/watcher.hpp"
#include "etcd_cluster.hpp"

namespace xmip::store::test {
namespace {

using namespace std::chrono_literals;
using xmip::test::EtcdCluster;

int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

in6_addr addr(int i) {
    in6_addr a{};
    ::inet_pton(AF_INET6, ("2001:db8:2700::" + std::to_string(100 + i)).c_str(), &a);
    return a;
}

state::HaBinding binding(int i, uint16_t seq, uint32_t lifetime_s = 60) {
    state::HaBinding b;
    b.hoa = addr(i);
    ::inet_pton(AF_INET6, "2001:db8:99::5", &b.coa);
    ::inet_pton(AF_INET6, "2001:db8:2700::2", &b.ha_addr);
    b.seq = seq;
    b.lifetime_s = lifetime_s;
    b.registered_ms = now_ms();
    b.expires_ms = b.registered_ms + int64_t{lifetime_s} * 1000;
    return b;
}

EtcdStoreOptions options(const EtcdCluster& c, uint32_t slack = 5) {
    EtcdStoreOptions o;
    o.transport.endpoints = c.endpoints();
    o.transport.dial_timeout = 300ms;
    o.transport.request_timeout = 2000ms;
    o.prefix = "/fleet/";
    o.lease_slack_s = slack;
    return o;
}

// A watch of the store's prefix from the first revision it has not seen.
etcd::WatchCreateRequest from_now(const EtcdStore& s) {
    return {s.watch_prefix(), etcd::prefix_end(s.watch_prefix()), s.revision() + 1, false, false};
}

std::string key(const in6_addr& a) { return std::string(reinterpret_cast<const char*>(&a), sizeof a); }

RemoteChanges watch_for(EtcdStore& s, etcd::Watcher& w, std::chrono::milliseconds timeout, size_t puts, size_t erases) {
    RemoteChanges all;
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while ((all.put.size() < puts || all.erase.size() < erases) && std::chrono::steady_clock::now() < deadline) {
        pollfd p{w.fd(), POLLIN, 0};
        ::poll(&p, 1, 100);
        for (auto& r : w.take().responses) {
            auto c = s.remote(r.response.events, r.at);
            all.put.insert(all.put.end(), c.put.begin(), c.put.end());
            all.erase.insert(all.erase.end(), c.erase.begin(), c.erase.end());
            all.lag_ms.insert(all.lag_ms.end(), c.lag_ms.begin(), c.lag_ms.end());
            all.written_ms.insert(all.written_ms.end(), c.written_ms.begin(), c.written_ms.end());
        }
    }
    return all;
}

class EtcdStoreTest : public ::testing::Test {
protected:
    void SetUp() override {
        REQUIRE_ETCD();
        std::string why;
        ASSERT_TRUE(cluster.start(&why)) << why;
    }
    EtcdCluster cluster{1};
};

TEST_F(EtcdStoreTest, WhatOneAgentCommitsAnotherLoadsAndWatches) {
    EtcdStore a(options(cluster)), b(options(cluster));
    ASSERT_EQ(a.open(), std::nullopt);
    auto sa = a.load();
    ASSERT_TRUE(sa) << sa.error();
    EXPECT_TRUE(sa->created) << "the first agent of the fleet";
    ASSERT_EQ(b.open(), std::nullopt);
    auto sb = b.load();
    ASSERT_TRUE(sb);
    EXPECT_FALSE(sb->created);
    etcd::Watcher wb(options(cluster).transport, from_now(b));
    etcd::Watcher wa(options(cluster).transport, from_now(a));
    state::Changes c;
    for (int i = 0; i < 3; i++) c.put.push_back(binding(i, 10));
    ASSERT_EQ(a.commit(c), std::nullopt);
    state::Changes e;
    e.erase.push_back(addr(1));
    ASSERT_EQ(a.commit(e), std::nullopt);

    auto seen = watch_for(b, wb, 5000ms, 3, 1);
    ASSERT_EQ(seen.put.size(), 3u);
    EXPECT_EQ(seen.put[2].seq, 10);
    EXPECT_TRUE(IN6_ARE_ADDR_EQUAL(&seen.put[2].hoa, &c.put[2].hoa));
    ASSERT_EQ(seen.erase.size(), 1u);
    EXPECT_TRUE(IN6_ARE_ADDR_EQUAL(&seen.erase[0], &e.erase[0]));
    EXPECT_EQ(seen.lag_ms.size(), 3u);
    auto own = watch_for(a, wa, 500ms, 1, 1);
    EXPECT_TRUE(own.put.empty() && own.erase.empty()) << "an agent's own writes are not news to it";

    EtcdStore later(options(cluster));
    ASSERT_EQ(later.open(), std::nullopt);
    auto s = later.load();
    ASSERT_TRUE(s) << s.error();
    ASSERT_EQ(s->bindings.size(), 2u);
    EXPECT_EQ(s->bindings[0].seq, 10);
}

// One wakeup of a busy home agent commits more changes than etcd takes in
// one transaction (--max-txn-ops, 128 by default): they go in several, in
// order, and another agent loads them all. Refused whole before, the batch
// stayed in the agent's unsaved set and every later commit, larger still,
// was refused too (xmip-bench-signalling --fleet found it).
TEST_F(EtcdStoreTest, ABatchLargerThanOneEtcdTransactionIsWrittenInSeveral) {
    EtcdStore a(options(cluster));
    ASSERT_EQ(a.open(), std::nullopt);
    ASSERT_TRUE(a.load());
    state::Changes first;
    for (int i = 0; i < 300; i++) first.put.push_back(binding(i, 10));
    ASSERT_GT(first.put.size(), 2 * EtcdStore::kMaxTxnOps);
    ASSERT_EQ(a.commit(first), std::nullopt);
    // Puts and erases mixed, again above the limit.
    state::Changes second;
    for (int i = 0; i < 100; i++) second.erase.push_back(addr(i));
    for (int i = 100; i < 200; i++) second.put.push_back(binding(i, 11));
    ASSERT_EQ(a.commit(second), std::nullopt);

    EtcdStore b(options(cluster));
    ASSERT_EQ(b.open(), std::nullopt);
    auto s = b.load();
    ASSERT_TRUE(s) << s.error();
    ASSERT_EQ(s->bindings.size(), 200u);
    size_t refreshed = 0;
    for (const auto& x : s->bindings) refreshed += x.seq == 11;
    EXPECT_EQ(refreshed, 100u);
}

// A split batch whose second transaction fails (here: another agent
// created one of its home addresses meanwhile, so its compare fails): the
// first transaction's bindings stay in etcd while the agent refuses the
// whole batch. They must come back to the agent through its own watch, as
// another agent's would, or its cache would miss what every other member
// installs.
TEST_F(EtcdStoreTest, WhatASplitBatchWroteBeforeAFailureComesBackThroughTheWatch) {
    EtcdStore a(options(cluster)), b(options(cluster));
    ASSERT_EQ(a.open(), std::nullopt);
    ASSERT_TRUE(a.load());
    ASSERT_EQ(b.open(), std::nullopt);
    ASSERT_TRUE(b.load());
    etcd::Watcher wa(options(cluster).transport, from_now(a));
    state::Changes other;
    other.put.push_back(binding(250, 3));
    ASSERT_EQ(b.commit(other), std::nullopt);
    state::Changes big;  // two transactions: 0..127, then 128..255 with 250 in it
    for (int i = 0; i < 256; i++) big.put.push_back(binding(i, 10));
    auto err = a.commit(big);
    ASSERT_NE(err, std::nullopt);
    EXPECT_NE(err->find("after 128 of the batch's 256 changes"), std::string::npos) << *err;

    auto seen = watch_for(a, wa, 5000ms, 129, 0);
    std::set<std::string> hoas;
    for (const auto& p : seen.put) hoas.insert(key(p.hoa));
    EXPECT_EQ(hoas.size(), 129u) << "the first transaction's 128 and the other agent's";
    for (int i : {0, 127, 250}) EXPECT_TRUE(hoas.count(key(addr(i)))) << i;
    EXPECT_FALSE(hoas.count(key(addr(128)))) << "never written";
}

// The daemon starts its watch from revision() + 1 after its first
// transactions: another agent's write that came before one of them must
// still be in it (revision() is what was seen, not what was written).
TEST_F(EtcdStoreTest, AWatchFromRevisionAfterOwnCommitsMissesNoEarlierWriteOfAnother) {
    EtcdStore a(options(cluster)), b(options(cluster));
    ASSERT_EQ(a.open(), std::nullopt);
    ASSERT_EQ(b.open(), std::nullopt);
    ASSERT_TRUE(a.load());
    ASSERT_TRUE(b.load());
    state::Changes theirs, mine;
    theirs.put.push_back(binding(1, 5));
    mine.put.push_back(binding(2, 5));
    ASSERT_EQ(b.commit(theirs), std::nullopt);
    ASSERT_EQ(a.commit(mine), std::nullopt);  // after b's, at a higher revision
    etcd::Watcher wa(options(cluster).transport, from_now(a));
    auto seen = watch_for(a, wa, 3000ms, 1, 0);
    ASSERT_EQ(seen.put.size(), 1u) << "b's binding, written before a's own commit";
    EXPECT_TRUE(IN6_ARE_ADDR_EQUAL(&seen.put[0].hoa, &theirs.put[0].hoa));
    ASSERT_EQ(seen.written_ms.size(), 1u);
    EXPECT_GT(seen.written_ms[0], 0) << "the writer's clock travels with the value";
}

TEST_F(EtcdStoreTest, TwoAgentsCannotBothAcceptForOneHomeAddress) {
    EtcdStore a(options(cluster)), b(options(cluster));
    ASSERT_EQ(a.open(), std::nullopt);
    ASSERT_EQ(b.open(), std::nullopt);
    ASSERT_TRUE(a.load());
    ASSERT_TRUE(b.load());
    etcd::Watcher wb(options(cluster).transport, from_now(b));
    state::Changes first;
    first.put.push_back(binding(7, 20));
    ASSERT_EQ(a.commit(first), std::nullopt);
    // b has not seen a's write: its registration of the same home address
    // (an older sequence number, in flight meanwhile) must lose.
    state::Changes stale;
    stale.put.push_back(binding(7, 19));
    stale.put.push_back(binding(8, 1));
    auto err = b.commit(stale);
    ASSERT_TRUE(err.has_value());
    EXPECT_NE(err->find("another agent changed /fleet/ha/2001:db8:2700::107"), std::string::npos) << *err;
    EtcdStore reader(options(cluster));
    ASSERT_EQ(reader.open(), std::nullopt);
    auto s = reader.load();
    ASSERT_TRUE(s);
    ASSERT_EQ(s->bindings.size(), 1u) << "nothing of the refused transaction";
    EXPECT_EQ(s->bindings[0].seq, 20);
    // The loser learnt the winner's revision, but not its binding: the
    // watch still brings it (else b's cache and maps keep the old one).
    auto seen = watch_for(b, wb, 3000ms, 1, 0);
    ASSERT_EQ(seen.put.size(), 1u) << "the winner's binding, news to the loser";
    EXPECT_EQ(seen.put[0].seq, 20);
    // Having learnt the winner's revision, b's next registration compares
    // against it (the home agent checked its sequence number first).
    state::Changes retry;
    retry.put.push_back(binding(7, 21));
    EXPECT_EQ(b.commit(retry), std::nullopt);
    EXPECT_TRUE(a.commit(first).has_value()) << "now a's view is the stale one";
}

TEST_F(EtcdStoreTest, AnExpiredBindingLeavesEtcdAndEveryWatcher) {
    EtcdStore a(options(cluster, 1)), b(options(cluster, 1));
    ASSERT_EQ(a.open(), std::nullopt);
    ASSERT_EQ(b.open(), std::nullopt);
    ASSERT_TRUE(a.load());
    ASSERT_TRUE(b.load());
    etcd::Watcher wb(options(cluster).transport, from_now(b));
    state::Changes c;
    c.put.push_back(binding(3, 5, 1));   // 1 s, plus 1 s of slack
    c.put.push_back(binding(4, 5, 60));  // stays
    ASSERT_EQ(a.commit(c), std::nullopt);
    auto seen = watch_for(b, wb, 8000ms, 2, 1);
    ASSERT_EQ(seen.erase.size(), 1u) << "the agent that wrote it is silent (dead): the lease removes it";
    EXPECT_TRUE(IN6_ARE_ADDR_EQUAL(&seen.erase[0], &c.put[0].hoa));
    auto s = b.load();
    ASSERT_TRUE(s);
    ASSERT_EQ(s->bindings.size(), 1u);
    EXPECT_TRUE(IN6_ARE_ADDR_EQUAL(&s->bindings[0].hoa, &c.put[1].hoa));
}

TEST(EtcdStoreDown, OpenNamesTheEndpoints) {
    EtcdStoreOptions o;
    o.transport.endpoints = {"http://127.0.0.1:1", "http://127.0.0.1:2"};
    o.transport.dial_timeout = 200ms;
    EtcdStore s(o);
    auto err = s.open();
    ASSERT_TRUE(err);
    EXPECT_NE(err->find("http://127.0.0.1:1, http://127.0.0.1:2"), std::string::npos) << *err;
    EXPECT_NE(err->find("quorum"), std::string::npos) << *err;
}

TEST(EtcdStoreQuorum, WithoutQuorumACommitFailsAndResumesAfter) {
    REQUIRE_ETCD();
    EtcdCluster cluster(3);
    std::string why;
    ASSERT_TRUE(cluster.start(&why)) << why;
    EtcdStore a(options(cluster));
    ASSERT_EQ(a.open(), std::nullopt);
    ASSERT_TRUE(a.load());
    state::Changes c;
    c.put.push_back(binding(1, 1));
    ASSERT_EQ(a.commit(c), std::nullopt);
    cluster.kill(1);
    cluster.kill(2);
    state::Changes d;
    d.put.push_back(binding(2, 1));
    auto err = a.commit(d);
    ASSERT_TRUE(err) << "no quorum: the BU is refused (130)";
    EXPECT_NE(err->find("outcome unknown"), std::string::npos) << *err;
    ASSERT_TRUE(cluster.restart(1, &why)) << why;
    ASSERT_TRUE(cluster.wait_leader(0, 15s));
    ASSERT_TRUE(cluster.wait_leader(1, 15s));
    EtcdStore reader(options(cluster));
    ASSERT_EQ(reader.open(), std::nullopt);
    auto s = reader.load();
    ASSERT_TRUE(s) << s.error();
    EXPECT_GE(s->bindings.size(), 1u);
    EXPECT_LE(s->bindings.size(), 2u) << "the timed-out one wholly or not at all";
    state::Changes e;
    e.put.push_back(binding(3, 1));
    auto again = a.commit(e);
    for (int i = 0; again && i < 3; i++) again = a.commit(e);
    EXPECT_EQ(again, std::nullopt) << "registrations resume";
}

}  // namespace
}  // namespace xmip::store::test
