// SPDX-License-Identifier: BSD-2-Clause
// core::CircularPass: the next-hop keeper's pass over its care-of addresses
// (agent/xmipd/nexthop_keeper.cpp).
#include "core/circular_pass.hpp"

#include <gtest/gtest.h>

#include <map>
#include <vector>

namespace {

using Map = std::map<int, int>;
using Pass = xmip::core::CircularPass<Map>;

Map keys(int n) {
    Map m;
    for (int i = 0; i < n; i++) m[i] = 0;
    return m;
}

std::vector<int> step(Pass& p, const Map& m, size_t slice) {
    std::vector<int> seen;
    p.step(m, slice, [&](int k) { seen.push_back(k); });
    return seen;
}

TEST(CircularPass, APassVisitsEveryKeyOnceInSlices) {
    const Map m = keys(10);
    Pass p;
    EXPECT_TRUE(p.done());
    p.restart(m.size());
    EXPECT_EQ(step(p, m, 4), (std::vector<int>{0, 1, 2, 3}));
    EXPECT_EQ(step(p, m, 4), (std::vector<int>{4, 5, 6, 7}));
    EXPECT_FALSE(p.done());
    EXPECT_EQ(step(p, m, 4), (std::vector<int>{8, 9}));
    EXPECT_TRUE(p.done());
    EXPECT_TRUE(step(p, m, 4).empty()) << "a finished pass visits nothing until restarted";
}

// The next-hop keeper restarts its pass on every rtnetlink event. Restarted
// from the first key, a pass whose events come faster than it ends never
// reaches the last keys; this one goes on from where it stood.
TEST(CircularPass, RestartsFasterThanAPassStillReachEveryKey) {
    const Map m = keys(10);
    Pass p;
    std::map<int, int> visits;
    for (int event = 0; event < 5; event++) {
        p.restart(m.size());  // an event before the pass could end
        for (int k : step(p, m, 3)) visits[k]++;
    }
    ASSERT_EQ(visits.size(), 10u) << "every key reached although no pass ever ended";
    // The last restart came before keys 2, 3, 4: the pass ends after a whole
    // turn from there, 5 .. 9 and round to 1.
    std::vector<int> rest;
    while (!p.done())
        for (int k : step(p, m, 3)) rest.push_back(k);
    EXPECT_EQ(rest, (std::vector<int>{5, 6, 7, 8, 9, 0, 1}));
}

TEST(CircularPass, KeysAddedAndRemovedDuringAPass) {
    Map m = keys(6);  // 0..5
    Pass p;
    p.restart(m.size());
    EXPECT_EQ(step(p, m, 2), (std::vector<int>{0, 1}));
    m.erase(2);  // the cursor's key: the pass goes on from the next one
    m[10] = 0;   // ahead of the cursor: in this turn
    EXPECT_EQ(step(p, m, 2), (std::vector<int>{3, 4}));
    EXPECT_EQ(step(p, m, 5), (std::vector<int>{5, 10}));
    EXPECT_TRUE(p.done());
    m.clear();
    p.restart(3);
    EXPECT_TRUE(step(p, m, 2).empty());
    EXPECT_TRUE(p.done()) << "nothing to visit: the pass ends";
}

}  // namespace
