// SPDX-License-Identifier: BSD-2-Clause
// GroupCommit alone: what waits for the state file, and when it is written.
#include "xmipd/group_commit.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace xmip::agent {
namespace {

struct Recorder {
    std::vector<std::string> order;
    GroupCommit commit{[this] { order.push_back("file"); }};
};

TEST(GroupCommit, OutsideABatchWritesThenRunsAtOnce) {
    Recorder r;
    r.commit.changed();
    r.commit.after_commit([&] { r.order.push_back("map"); });
    EXPECT_EQ(r.order, (std::vector<std::string>{"file", "map"}));
}

TEST(GroupCommit, UnchangedStateIsNotWritten) {
    Recorder r;
    r.commit.after_commit([&] { r.order.push_back("ba"); });
    EXPECT_EQ(r.order, (std::vector<std::string>{"ba"}));
}

TEST(GroupCommit, ABatchWritesOnceBeforeEveryEffectInOrder) {
    Recorder r;
    r.commit.begin_batch();
    for (int i = 0; i < 3; i++) {
        r.commit.changed();
        r.commit.after_commit([&, i] { r.order.push_back("map" + std::to_string(i)); });
        r.commit.after_commit([&, i] { r.order.push_back("ba" + std::to_string(i)); });
    }
    EXPECT_TRUE(r.order.empty());
    EXPECT_EQ(r.commit.waiting(), 6u);
    r.commit.end_batch();
    EXPECT_EQ(r.order, (std::vector<std::string>{"file", "map0", "ba0", "map1", "ba1", "map2", "ba2"}));
    EXPECT_FALSE(r.commit.batch_open());
}

TEST(GroupCommit, FlushInsideABatchCommitsWhatWaits) {
    Recorder r;
    r.commit.begin_batch();
    r.commit.changed();
    r.commit.after_commit([&] { r.order.push_back("map"); });
    r.commit.flush();  // an operator command: in force before it answers
    EXPECT_EQ(r.order, (std::vector<std::string>{"file", "map"}));
    r.commit.end_batch();
    EXPECT_EQ(r.order.size(), 2u) << "nothing written twice";
}

TEST(GroupCommit, AFailingEffectDoesNotCostTheOthers) {
    Recorder r;
    r.commit.begin_batch();
    r.commit.changed();
    r.commit.after_commit([] { throw std::runtime_error("netlink: no such device"); });
    r.commit.after_commit([&] { r.order.push_back("ba"); });
    r.commit.end_batch();
    EXPECT_EQ(r.order, (std::vector<std::string>{"file", "ba"}));
}

}  // namespace
}  // namespace xmip::agent
