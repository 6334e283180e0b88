// SPDX-License-Identifier: BSD-2-Clause
// A home agent in a fleet (agent/xmipd/ha_fleet.hpp) on the fakes and a
// fake election: the holder adds the address, claims it and every home
// address registered with it (override NAs, proxy entries); a lost lease
// gives everything up before the store could expire it; the addresses
// spread over the members; a member above its share gives one back.
#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>
#include <thread>

#include "fake_fleet.hpp"
#include "fakes.hpp"
#include "xmipd/fleet_rounds.hpp"
#include "xmipd/ha_fleet.hpp"

namespace xmip::agent::test {
namespace {

using namespace std::chrono_literals;

const in6_addr kHa1 = addr("2001:db8:1::1");
const in6_addr kHa2 = addr("2001:db8:1::2");
const in6_addr kHoa = addr("2001:db8:1::10");

FleetSettings settings(const std::string& member, std::vector<in6_addr> addrs) {
    FleetSettings s;
    s.member = member;
    s.addresses = std::move(addrs);
    s.lease_ttl = 2000ms;
    return s;
}

HaFleet::Hooks hooks(Journal& j, const std::vector<HaFleet::Defended>& defended) {
    return {[defended](const in6_addr& ha) {
                return core::same_addr(ha, kHa1) ? defended : std::vector<HaFleet::Defended>{};
            },
            [&j](const in6_addr& a) { j.add("na override " + str(a)); }, [&j] { j.add("holdings changed"); }};
}

TEST(HaFleet, TheWinnerAddsTheAddressAndClaimsItAndItsHomeAddresses) {
    World w;
    FakeFleetStore store;
    FakeElection e(store, "a");
    HaFleet f(w.ctx, e, settings("a", {kHa1}), FakeKernel::kIfindex, hooks(w.journal, {{kHoa, true}}));
    w.advance(500ms);  // the first tick: a quarter of the TTL
    ASSERT_TRUE(f.holds(kHa1)) << w.journal.dump();
    EXPECT_TRUE(f.store_reachable());
    int added = w.journal.find("addr add 2001:db8:1::1/64");
    ASSERT_GE(added, 0) << w.journal.dump();
    EXPECT_LT(added, w.journal.find("na override 2001:db8:1::1"));
    EXPECT_GE(w.journal.find("proxy add 2001:db8:1::10"), 0);
    EXPECT_GE(w.journal.find("na override 2001:db8:1::10"), 0);
    EXPECT_GE(w.journal.find("proxy add fe80::10"), 0);
    EXPECT_GE(w.journal.find("na override fe80::10"), 0);
    auto v = f.view();
    EXPECT_EQ(v["addresses"][0]["holder"], "a");
    EXPECT_EQ(v["members"], nlohmann::json::array({"a"}));
}

TEST(HaFleet, AnotherCandidateWaitsAndTakesOverWhenTheHolderDies) {
    World w;
    FakeFleetStore store;
    FakeElection ea(store, "a"), eb(store, "b");
    HaFleet a(w.ctx, ea, settings("a", {kHa1}), FakeKernel::kIfindex, hooks(w.journal, {{kHoa, false}}));
    w.advance(500ms);
    HaFleet b(w.ctx, eb, settings("b", {kHa1}), FakeKernel::kIfindex, hooks(w.journal, {{kHoa, false}}));
    w.advance(500ms);
    EXPECT_TRUE(a.holds(kHa1));
    EXPECT_FALSE(b.holds(kHa1));
    EXPECT_EQ(b.view()["addresses"][0]["holder"], "a");
    ea.expire();  // a died: the store expired its lease
    w.journal.lines.clear();
    w.advance(500ms);
    EXPECT_TRUE(b.holds(kHa1)) << w.journal.dump();
    EXPECT_GE(w.journal.find("na override 2001:db8:1::10"), 0);
}

TEST(HaFleet, ALostLeaseGivesEverythingUpBeforeTheStoreCouldExpireIt) {
    World w;
    FakeFleetStore store;
    FakeElection e(store, "a");
    HaFleet f(w.ctx, e, settings("a", {kHa1}), FakeKernel::kIfindex, hooks(w.journal, {{kHoa, false}}));
    w.advance(500ms);  // renewed at t = 0.5 s: the store keeps it to 2.5 s at least
    ASSERT_TRUE(f.holds(kHa1));
    store.reachable = false;
    w.journal.lines.clear();
    w.advance(500ms);  // 1.0 s: still ours
    EXPECT_FALSE(f.store_reachable());
    EXPECT_TRUE(f.holds(kHa1));
    w.advance(500ms);  // 1.5 s: the tick after this one would be at 2.0, too close to 2.5
    EXPECT_TRUE(f.holds(kHa1));
    w.advance(500ms);  // 2.0 s: given up, half a tick before the lease could go
    EXPECT_FALSE(f.holds(kHa1)) << w.journal.dump();
    EXPECT_GE(w.journal.find("proxy del 2001:db8:1::10"), 0);
    EXPECT_GE(w.journal.find("addr del 2001:db8:1::1/64"), 0);
    store.reachable = true;
    w.advance(500ms);
    EXPECT_TRUE(f.holds(kHa1));  // back: campaigns again (still first in line here)
}

TEST(HaFleet, AddressesSpreadOverTheMembersAndAJoiningMemberGetsItsShare) {
    World w;
    FakeFleetStore store;
    FakeElection ea(store, "a"), eb(store, "b");
    HaFleet a(w.ctx, ea, settings("a", {kHa1, kHa2}), FakeKernel::kIfindex, hooks(w.journal, {}));
    w.advance(500ms);
    EXPECT_EQ(a.held().size(), 2u);  // alone: both
    HaFleet b(w.ctx, eb, settings("b", {kHa1, kHa2}), FakeKernel::kIfindex, hooks(w.journal, {}));
    for (int i = 0; i < 4; i++) w.advance(500ms);
    EXPECT_EQ(a.held().size(), 1u);
    EXPECT_EQ(b.held().size(), 1u);
    EXPECT_FALSE(core::same_addr(a.held()[0], b.held()[0]));
}

// The failure detector (FleetLiveness: the members' heartbeats on the home
// link). A member's check runs every quarter of failure_detection.
FleetSettings detecting(const std::string& member, std::vector<in6_addr> addrs) {
    FleetSettings s = settings(member, std::move(addrs));
    s.failure_detection = 400ms;
    return s;
}

// Two members at t = 1.0 s: a started first and holds kHa1, defending
// kHoa; b hears the home link through `heard`, stands in line behind a and
// saw a hold it in its first round.
struct HolderAndDetector {
    World w;
    FakeFleetStore store;
    FakeElection ea{store, "a"}, eb{store, "b"};
    FakeLiveness heard;
    std::unique_ptr<HaFleet> a, b;
    HolderAndDetector() {
        heard.set("a", 0ms);
        a = std::make_unique<HaFleet>(w.ctx, ea, settings("a", {kHa1}), FakeKernel::kIfindex,
                                      hooks(w.journal, {{kHoa, false}}));
        w.advance(500ms);
        b = std::make_unique<HaFleet>(w.ctx, eb, detecting("b", {kHa1}), FakeKernel::kIfindex,
                                      hooks(w.journal, {{kHoa, false}}), nullptr, &heard);
        w.advance(500ms);
    }
};

TEST(HaFleet, ASilentHolderIsEvictedAndTheNextInLineHoldsTheAddressLongBeforeItsLease) {
    HolderAndDetector f;
    World& w = f.w;
    FakeLiveness& heard = f.heard;
    HaFleet& b = *f.b;
    const FakeFleetStore& store = f.store;
    ASSERT_TRUE(f.a->holds(kHa1));
    ASSERT_FALSE(b.holds(kHa1));
    f.a.reset();  // a dies: nothing resigned, its lease would last to 3.0 s
    heard.set("a", 300ms);
    w.advance(100ms);  // silent, but not for failure_detection yet
    EXPECT_FALSE(b.holds(kHa1));
    EXPECT_TRUE(store.evicted.empty());
    heard.set("a", 400ms);
    w.journal.lines.clear();
    w.advance(100ms);  // t = 1.2 s: b's check revokes a's lease and campaigns in the same round
    EXPECT_EQ(store.evicted, std::vector<std::string>{"a"});
    EXPECT_TRUE(b.holds(kHa1)) << w.journal.dump();
    EXPECT_GE(w.journal.find("na override 2001:db8:1::1"), 0);
    EXPECT_GE(w.journal.find("na override 2001:db8:1::10"), 0);
    EXPECT_EQ(b.view()["evictions"], 1);
    EXPECT_EQ(b.view()["heard"][0]["member"], "a");
    f.heard.counts.dropped = 3;  // malformed heartbeats show up counted
    EXPECT_EQ(b.view()["heartbeats"]["dropped"], 3);
    heard.set("a", 2000ms);
    for (int i = 0; i < 10; i++) w.advance(100ms);
    EXPECT_EQ(store.evicted.size(), 1u);  // once, not on every check
}

TEST(HaFleet, OnlyASilentHolderIsEvictedAndNobodyWhenEveryOtherMemberIsSilent) {
    World w;
    FakeFleetStore store;
    FakeElection ea(store, "a"), eb(store, "b"), ec(store, "c");
    FakeLiveness heard;
    HaFleet a(w.ctx, ea, settings("a", {kHa1}), FakeKernel::kIfindex, hooks(w.journal, {}));
    w.advance(500ms);
    HaFleet b(w.ctx, eb, detecting("b", {kHa1}), FakeKernel::kIfindex, hooks(w.journal, {}), nullptr, &heard);
    HaFleet c(w.ctx, ec, settings("c", {kHa1}), FakeKernel::kIfindex, hooks(w.journal, {}));
    w.advance(500ms);
    ASSERT_TRUE(a.holds(kHa1));
    // c holds nothing: its silence moves no address, and is not acted on.
    heard.set("a", 50ms);
    heard.set("c", 5000ms);
    for (int i = 0; i < 10; i++) w.advance(100ms);
    EXPECT_TRUE(store.evicted.empty());
    // Every other member silent at once: b's own link is the likelier fault.
    heard.set("a", 5000ms);
    for (int i = 0; i < 10; i++) w.advance(100ms);
    EXPECT_TRUE(store.evicted.empty());
    EXPECT_TRUE(a.holds(kHa1));
    EXPECT_FALSE(b.holds(kHa1));
}

// A member that left the fleet (its lease gone) is still remembered as
// heard long ago: it must not make the dead holder look like "everybody
// silent at once", which would leave the address to the lease.
TEST(HaFleet, AMemberThatLeftTheFleetIsNoEvidenceAgainstEvicting) {
    HolderAndDetector f;
    f.a.reset();
    f.heard.set("a", 600ms);
    f.heard.set("c", 60000ms);  // left long ago: not among the store's members
    f.w.advance(100ms);
    EXPECT_EQ(f.store.evicted, std::vector<std::string>{"a"});
    EXPECT_TRUE(f.b->holds(kHa1));
}

// A holder judged silent that is alive (its heartbeats lost, not it): its
// next round finds another member holding the address and gives it up, so
// two members hold it for at most a round (TTL/4), not a lease.
TEST(HaFleet, AnEvictedHolderThatIsAliveGivesTheAddressUpAtItsNextRound) {
    HolderAndDetector f;
    ASSERT_TRUE(f.a->holds(kHa1));
    f.heard.set("a", 1000ms);
    f.w.advance(100ms);  // t = 1.1 s: b's check evicts a and wins
    EXPECT_TRUE(f.b->holds(kHa1));
    EXPECT_TRUE(f.a->holds(kHa1));  // until its next round
    f.w.advance(400ms);             // t = 1.5 s: a's round
    EXPECT_FALSE(f.a->holds(kHa1)) << f.w.journal.dump();
    EXPECT_GE(f.w.journal.find("addr del 2001:db8:1::1/64"), 0);
    EXPECT_TRUE(f.b->holds(kHa1));
}

// The store answers slowly: a FakeElection whose renew() waits while the
// gate is shut (the daemon's rounds run on a thread: ThreadedFleetRounds).
class GatedElection final : public FleetElection {
public:
    explicit GatedElection(FleetElection& e) : e_(e) {}
    void shut() {
        std::lock_guard<std::mutex> l(mu_);
        open_ = false;
    }
    void open() {
        {
            std::lock_guard<std::mutex> l(mu_);
            open_ = true;
        }
        cv_.notify_all();
    }
    bool renew() override {
        std::unique_lock<std::mutex> l(mu_);
        cv_.wait(l, [this] { return open_; });
        return e_.renew();
    }
    std::optional<std::vector<std::string>> members() override { return e_.members(); }
    std::optional<bool> campaign(const in6_addr& a) override { return e_.campaign(a); }
    bool resign(const in6_addr& a) override { return e_.resign(a); }
    std::optional<std::string> holder(const in6_addr& a) override { return e_.holder(a); }
    bool evict(const std::string& m) override { return e_.evict(m); }

private:
    FleetElection& e_;
    std::mutex mu_;
    std::condition_variable cv_;
    bool open_ = true;
};

// Turns the loop (real time passes, the fake clock does not) until cond
// holds or a second has passed: the worker's result comes through an eventfd.
template <class Cond>
bool pump(World& w, Cond cond) {
    for (int i = 0; i < 200 && !cond(); i++) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        w.turn();
    }
    return cond();
}

// The rounds on their own thread, as in the daemon: a round stuck on the
// store holds neither the loop (each tick returns at once) nor the
// address past its lease (given up on the tick's own clock while the
// round still waits). Before, the round ran on the loop: a slow etcd held
// every Binding Update and, behind a slow commit, the lease's renewal.
TEST(HaFleet, ARoundStuckOnTheStoreHoldsNeitherTheLoopNorTheAddressPastTheLease) {
    World w;
    FakeFleetStore store;
    FakeElection inner(store, "a");
    GatedElection e(inner);
    HaFleet f(w.ctx, e, settings("a", {kHa1}), FakeKernel::kIfindex, hooks(w.journal, {{kHoa, false}}),
              std::make_unique<ThreadedFleetRounds>(w.loop, e));
    w.advance(500ms);  // t = 0.5 s: the round runs on the worker
    ASSERT_TRUE(pump(w, [&] { return f.holds(kHa1); })) << w.journal.dump();
    e.shut();
    w.advance(500ms);  // 1.0 s: a round starts and hangs in renew()
    w.advance(500ms);  // 1.5 s: still in flight; the lease (renewed at 0.5 s) lasts to 2.5 s
    EXPECT_TRUE(f.holds(kHa1));
    w.advance(500ms);  // 2.0 s: the next tick would come too late
    EXPECT_FALSE(f.holds(kHa1)) << w.journal.dump();
    EXPECT_GE(w.journal.find("addr del 2001:db8:1::1/64"), 0);
    // The store answers again: the stuck round ends (it asked about what
    // was held when it started, so it takes nothing), the next one
    // campaigns and the address comes back.
    e.open();
    pump(w, [] { return false; });  // its result, applied on the loop
    EXPECT_FALSE(f.holds(kHa1));
    w.advance(500ms);  // 2.5 s
    EXPECT_TRUE(pump(w, [&] { return f.holds(kHa1); })) << w.journal.dump();
}

}  // namespace
}  // namespace xmip::agent::test
