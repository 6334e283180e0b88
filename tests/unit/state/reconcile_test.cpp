// SPDX-License-Identifier: BSD-2-Clause
// The restart rules of a home agent (docs/restart.md): the state file and
// the pinned binding map, reconciled at a given time.
#include "state/reconcile.hpp"

#include <gtest/gtest.h>

namespace xmip::state {
namespace {

in6_addr A(const char* s) { return *core::parse_addr(s); }
const in6_addr kHa = A("2001:db8:2700::2");
const in6_addr kCoa = A("2001:db8:3::100");
const in6_addr kCoa2 = A("2001:db8:3::101");
constexpr int64_t kNow = 1795000000000;

HaBinding rec(const char* hoa, int64_t expires_in_ms, uint16_t seq = 7, in6_addr coa = kCoa) {
    HaBinding b;
    b.hoa = A(hoa);
    b.coa = coa;
    b.ha_addr = kHa;
    b.seq = seq;
    b.lifetime_s = 600;
    b.expires_ms = kNow + expires_in_ms;
    b.registered_ms = b.expires_ms - 600000;
    return b;
}
MapBinding map(const char* hoa, in6_addr coa = kCoa) { return {A(hoa), coa, kHa}; }

const Restore* find(const ReconcilePlan& p, const char* hoa) {
    for (const auto& r : p.restore)
        if (core::same_addr(r.binding.hoa, A(hoa))) return &r;
    return nullptr;
}
bool deleted(const ReconcilePlan& p, const char* hoa) {
    for (const auto& a : p.delete_from_map)
        if (core::same_addr(a, A(hoa))) return true;
    return false;
}

TEST(Reconcile, FileAndMapAgree_KeptAsTheyAre_MapUntouched) {
    ReconcileInput in;
    in.now_ms = kNow;
    in.file = HaState{{rec("2001:db8:2700::4", 300000, 1000)}};
    in.map = {map("2001:db8:2700::4")};
    auto p = reconcile(in);
    ASSERT_EQ(p.restore.size(), 1u);
    const auto& r = p.restore[0];
    EXPECT_FALSE(r.write_map);  // no write: no forwarding gap, not even a map update
    EXPECT_TRUE(r.seq_known);
    EXPECT_FALSE(r.refresh_now);
    EXPECT_EQ(r.binding.seq, 1000);
    EXPECT_EQ(r.binding.lifetime_s, 600u);
    EXPECT_EQ(r.binding.expires_ms, kNow + 300000);  // absolute expiry, not a fresh lifetime
    EXPECT_TRUE(p.delete_from_map.empty());
    EXPECT_EQ(p.kept, 1u);
}

TEST(Reconcile, ExpiredWhileDown_RemovedFromTheMap) {
    ReconcileInput in;
    in.now_ms = kNow;
    in.file = HaState{{rec("2001:db8:2700::4", -1), rec("2001:db8:2700::5", 0)}};
    in.map = {map("2001:db8:2700::4"), map("2001:db8:2700::5")};
    auto p = reconcile(in);
    EXPECT_TRUE(p.restore.empty());
    EXPECT_TRUE(deleted(p, "2001:db8:2700::4"));
    EXPECT_TRUE(deleted(p, "2001:db8:2700::5"));  // expiry == now is expired
    EXPECT_EQ(p.expired, 2u);
}

TEST(Reconcile, InMapNotInFile_ARemovalTheCrashCutShort_Deleted) {
    ReconcileInput in;
    in.now_ms = kNow;
    in.file = HaState{{rec("2001:db8:2700::4", 300000)}};
    in.map = {map("2001:db8:2700::4"), map("2001:db8:2700::9")};
    auto p = reconcile(in);
    EXPECT_TRUE(find(p, "2001:db8:2700::4"));
    EXPECT_FALSE(find(p, "2001:db8:2700::9"));
    EXPECT_TRUE(deleted(p, "2001:db8:2700::9"));
    EXPECT_FALSE(deleted(p, "2001:db8:2700::4"));
    EXPECT_EQ(p.stale_map, 1u);
}

TEST(Reconcile, InFileNotInMap_MapsLostOrWriteCutShort_Rewritten) {
    ReconcileInput in;
    in.now_ms = kNow;
    in.file = HaState{{rec("2001:db8:2700::4", 300000, 42)}};
    auto p = reconcile(in);
    auto* r = find(p, "2001:db8:2700::4");
    ASSERT_TRUE(r);
    EXPECT_TRUE(r->write_map);
    EXPECT_EQ(r->binding.seq, 42);
    EXPECT_EQ(p.map_rewritten, 1u);
}

TEST(Reconcile, CareOfAddressDisagrees_TheFileIsNewer_MapRewritten) {
    ReconcileInput in;
    in.now_ms = kNow;
    in.file = HaState{{rec("2001:db8:2700::4", 300000, 8, kCoa2)}};
    in.map = {map("2001:db8:2700::4", kCoa)};
    auto p = reconcile(in);
    auto* r = find(p, "2001:db8:2700::4");
    ASSERT_TRUE(r);
    EXPECT_TRUE(r->write_map);
    EXPECT_TRUE(core::same_addr(r->binding.coa, kCoa2));
}

TEST(Reconcile, ConfigurationNoLongerAccepts_Dropped) {
    ReconcileInput in;
    in.now_ms = kNow;
    in.file = HaState{{rec("2001:db8:2700::4", 300000), rec("2001:db8:2700::5", 300000)}};
    in.map = {map("2001:db8:2700::4"), map("2001:db8:2700::5")};
    in.acceptable = [](const in6_addr& hoa, const in6_addr&) { return !core::same_addr(hoa, A("2001:db8:2700::5")); };
    auto p = reconcile(in);
    EXPECT_TRUE(find(p, "2001:db8:2700::4"));
    EXPECT_FALSE(find(p, "2001:db8:2700::5"));
    EXPECT_TRUE(deleted(p, "2001:db8:2700::5"));
    EXPECT_EQ(p.refused, 1u);
}

TEST(Reconcile, NoUsableFile_MapAdoptedBriefly_SequenceUnknown_RefreshAsked) {
    ReconcileInput in;
    in.now_ms = kNow;
    in.adopt_lifetime_s = 60;
    in.map = {map("2001:db8:2700::4"), map("2001:db8:2700::5")};
    in.acceptable = [](const in6_addr& hoa, const in6_addr&) { return !core::same_addr(hoa, A("2001:db8:2700::5")); };
    auto p = reconcile(in);
    auto* r = find(p, "2001:db8:2700::4");
    ASSERT_TRUE(r);
    EXPECT_FALSE(r->seq_known);
    EXPECT_TRUE(r->refresh_now);
    EXPECT_FALSE(r->write_map);  // forwarding as it is
    EXPECT_EQ(r->binding.expires_ms, kNow + 60000);
    EXPECT_TRUE(deleted(p, "2001:db8:2700::5"));
    EXPECT_EQ(p.adopted, 1u);
}

TEST(Reconcile, AnAdoptedBindingStaysOfUnknownSequenceAcrossTheNextRestart) {
    ReconcileInput in;
    in.now_ms = kNow;
    auto b = rec("2001:db8:2700::4", 30000, 0);
    b.seq_known = false;  // written so by an agent that had adopted it
    in.file = HaState{{b}};
    in.map = {map("2001:db8:2700::4")};
    auto p = reconcile(in);
    auto* r = find(p, "2001:db8:2700::4");
    ASSERT_TRUE(r);
    EXPECT_FALSE(r->seq_known);
    EXPECT_FALSE(r->write_map);
}

TEST(Reconcile, NothingAnywhere_NothingToDo) {
    ReconcileInput in;
    in.now_ms = kNow;
    auto p = reconcile(in);
    EXPECT_TRUE(p.restore.empty());
    EXPECT_TRUE(p.delete_from_map.empty());
    in.file = HaState{};
    p = reconcile(in);
    EXPECT_TRUE(p.restore.empty());
}

}  // namespace
}  // namespace xmip::state
