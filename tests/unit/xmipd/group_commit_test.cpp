// SPDX-License-Identifier: BSD-2-Clause
// GroupCommit alone: what waits for the binding store, when the store is
// written, and one outcome per unit (a failing step undone, the unit
// refused), the same inside a batch and outside one.
#include "xmipd/group_commit.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace xmip::agent {
namespace {

struct Recorder {
    std::vector<std::string> order;
    bool store_fails = false;
    GroupCommit commit{[this]() -> std::optional<std::string> {
        order.push_back(store_fails ? "store failed" : "store");
        if (store_fails) return std::string("disk full");
        return std::nullopt;
    }};

    GroupCommit::Step step(const std::string& name, bool fails = false) {
        return {[this, name, fails] {
                    if (fails) throw std::runtime_error(name + " failed");
                    order.push_back(name);
                },
                [this, name] { order.push_back("undo " + name); }};
    }
    // A BU's unit: a map write and a proxy entry, then the BA.
    GroupCommit::Unit unit(const std::string& id, bool map_fails = false, bool proxy_fails = false) {
        commit.changed();
        GroupCommit::Unit u;
        u.steps = {step("map" + id, map_fails), step("proxy" + id, proxy_fails)};
        u.revert = [this, id] {
            order.push_back("revert" + id);
            commit.changed();
        };
        u.answer = [this, id](bool ok) { order.push_back((ok ? "ba" : "refuse") + id); };
        return u;
    }
};

using V = std::vector<std::string>;

TEST(GroupCommit, OutsideABatchWritesThenRunsAtOnce) {
    Recorder r;
    r.commit.submit(r.unit("0"));
    EXPECT_EQ(r.order, (V{"store", "map0", "proxy0", "ba0"}));
}

TEST(GroupCommit, UnchangedStateIsNotWritten) {
    Recorder r;
    GroupCommit::Unit u;
    u.needs_store = false;
    u.answer = [&](bool) { r.order.push_back("ba"); };
    r.commit.submit(std::move(u));
    EXPECT_EQ(r.order, (V{"ba"}));
}

TEST(GroupCommit, ABatchWritesOnceBeforeEveryEffectInOrder) {
    Recorder r;
    r.commit.begin_batch();
    for (int i = 0; i < 3; i++) r.commit.submit(r.unit(std::to_string(i)));
    EXPECT_TRUE(r.order.empty());
    EXPECT_EQ(r.commit.waiting(), 3u);
    r.commit.end_batch();
    EXPECT_EQ(r.order, (V{"store", "map0", "proxy0", "ba0", "map1", "proxy1", "ba1", "map2", "proxy2", "ba2"}));
    EXPECT_FALSE(r.commit.batch_open());
}

TEST(GroupCommit, FlushInsideABatchCommitsWhatWaits) {
    Recorder r;
    r.commit.begin_batch();
    r.commit.submit(r.unit("0"));
    r.commit.flush();  // an operator command: in force before it answers
    EXPECT_EQ(r.order, (V{"store", "map0", "proxy0", "ba0"}));
    r.commit.end_batch();
    EXPECT_EQ(r.order.size(), 4u) << "nothing written twice";
}

TEST(GroupCommit, AFailingStepIsUndoneRevertedAndRefusedWithoutCostingTheOthers) {
    Recorder r;
    r.commit.begin_batch();
    r.commit.submit(r.unit("0"));
    r.commit.submit(r.unit("1", false, /*proxy_fails=*/true));
    r.commit.submit(r.unit("2"));
    r.commit.end_batch();
    // Unit 1: its map write undone, the cache reverted and the store made
    // to agree with it again before the refusal leaves.
    EXPECT_EQ(r.order, (V{"store", "map0", "proxy0", "ba0", "map1", "undo map1", "revert1", "store", "refuse1", "map2",
                          "proxy2", "ba2"}));
}

TEST(GroupCommit, TheSameOutsideABatch) {
    Recorder r;
    r.commit.submit(r.unit("1", /*map_fails=*/true));
    EXPECT_EQ(r.order, (V{"store", "revert1", "store", "refuse1"}));
}

TEST(GroupCommit, AFailingStoreRefusesEveryUnitThatNeedsItNewestRevertedFirst) {
    Recorder r;
    r.store_fails = true;
    r.commit.begin_batch();
    r.commit.submit(r.unit("0"));
    r.commit.submit(r.unit("1"));
    GroupCommit::Unit reject;  // a refusal changes nothing: it is answered
    reject.needs_store = false;
    reject.answer = [&](bool ok) { r.order.push_back(ok ? "ba-reject" : "?"); };
    r.commit.submit(std::move(reject));
    r.commit.end_batch();
    EXPECT_EQ(r.order, (V{"store failed", "revert1", "revert0", "refuse0", "refuse1", "ba-reject"}));
}

TEST(GroupCommit, BestEffortStepsAllRunAndAreNotUndone) {
    Recorder r;
    GroupCommit::Unit u;
    u.needs_store = false;
    u.best_effort = true;
    u.steps = {r.step("map del", true), r.step("proxy del")};
    u.answer = [&](bool ok) { r.order.push_back(ok ? "done" : "refused"); };
    r.commit.submit(std::move(u));
    EXPECT_EQ(r.order, (V{"proxy del", "done"}));
}

}  // namespace
}  // namespace xmip::agent
