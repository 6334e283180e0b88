// SPDX-License-Identifier: BSD-2-Clause
// The embedded binding store on real files: what a transaction changes is
// what a later start reads; a bindings.json is migrated once.
#include "store/sqlite_store.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "state/codec.hpp"
#include "state/file.hpp"
#include "store_fixture.hpp"

namespace xmip::store::test {
namespace {

using SqliteStoreTest = StoreDir;

TEST_F(SqliteStoreTest, AFirstOpenCreatesAnEmptyStoreOwnedByXmipdAlone) {
    SqliteStore s(dir + "/sub", "ha");
    ASSERT_EQ(s.open(), std::nullopt);
    auto snap = s.load();
    ASSERT_TRUE(snap) << snap.error();
    EXPECT_TRUE(snap->created);
    EXPECT_TRUE(snap->bindings.empty());
    struct stat st {};
    ASSERT_EQ(::stat((dir + "/sub/bindings.db").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u) << "it names the home addresses served";
}

TEST_F(SqliteStoreTest, WhatIsCommittedIsWhatTheNextStartReads) {
    {
        SqliteStore s(dir, "ha");
        ASSERT_EQ(s.open(), std::nullopt);
        state::Changes c;
        for (int i = 0; i < 5; i++) c.put.push_back(binding(i));
        ASSERT_EQ(s.commit(c), std::nullopt);
        state::Changes d;
        d.erase.push_back(binding(1).hoa);
        auto moved = binding(2, 8);
        moved.coa = addr("2001:db8:77::1");
        moved.seq_known = false;
        moved.link_local = true;
        d.put.push_back(moved);
        d.erase.push_back(addr("2001:db8:1::999"));  // absent: no error
        ASSERT_EQ(s.commit(d), std::nullopt);
    }
    SqliteStore again(dir, "ha");
    ASSERT_EQ(again.open(), std::nullopt);
    auto snap = again.load();
    ASSERT_TRUE(snap) << snap.error();
    EXPECT_FALSE(snap->created);
    ASSERT_EQ(snap->bindings.size(), 4u);
    std::map<std::string, state::HaBinding> by;
    for (const auto& b : snap->bindings) by[core::to_string(b.hoa)] = b;
    EXPECT_FALSE(by.count("2001:db8:1::2"));
    const auto& m = by.at("2001:db8:1::3");
    EXPECT_EQ(core::to_string(m.coa), "2001:db8:77::1");
    EXPECT_EQ(m.seq, 8);
    EXPECT_FALSE(m.seq_known);
    EXPECT_TRUE(m.link_local);
    const auto& k = by.at("2001:db8:1::1");
    EXPECT_EQ(k.registered_ms, 1795000000000);
    EXPECT_EQ(k.expires_ms, 1795000600000);
    EXPECT_EQ(k.lifetime_s, 600u);
    EXPECT_TRUE(k.seq_known);
}

TEST_F(SqliteStoreTest, TheMobileNodesBindingUpdateListEntry) {
    state::MnState m;
    m.hoa = addr("2001:db8:1::10");
    m.ha = addr("2001:db8:1::1");
    m.state = "bound";
    m.seq = 41;
    m.ever_registered = true;
    m.coa = addr("2001:db8:3::5");
    m.visited = core::parse_prefix("2001:db8:3::/64");
    m.router = addr("fe80::1");
    m.lifetime_s = 600;
    m.expires_ms = 1795000600000;
    {
        SqliteStore s(dir, "mn");
        ASSERT_EQ(s.open(), std::nullopt);
        state::Changes c;
        c.mn_put.push_back(m);
        ASSERT_EQ(s.commit(c), std::nullopt);
        m.seq = 42;
        c.mn_put = {m};
        ASSERT_EQ(s.commit(c), std::nullopt);
    }
    SqliteStore again(dir, "mn");
    ASSERT_EQ(again.open(), std::nullopt);
    auto snap = again.load();
    ASSERT_TRUE(snap) << snap.error();
    ASSERT_EQ(snap->mn.size(), 1u);
    const auto& r = snap->mn[0];
    EXPECT_EQ(state::encode(r, 0), state::encode(m, 0));
}

TEST_F(SqliteStoreTest, ABindingsJsonIsMigratedOnceAndRenamedAside) {
    state::HaState old;
    old.bindings = {binding(0), binding(1)};
    ASSERT_EQ(state::write_atomically(dir + "/bindings.json", state::encode(old, 1795000000000)), std::nullopt);
    {
        SqliteStore s(dir, "ha");
        ASSERT_EQ(s.open(), std::nullopt);
        auto snap = s.load();
        ASSERT_TRUE(snap) << snap.error();
        EXPECT_FALSE(snap->created) << "the file was a record: nothing is adopted";
        EXPECT_EQ(snap->bindings.size(), 2u);
        state::Changes c;
        c.erase.push_back(binding(0).hoa);
        ASSERT_EQ(s.commit(c), std::nullopt);
    }
    EXPECT_FALSE(std::filesystem::exists(dir + "/bindings.json"));
    EXPECT_TRUE(std::filesystem::exists(dir + "/bindings.json.migrated"));
    // Once: the next start reads the store, not the old file again.
    SqliteStore again(dir, "ha");
    ASSERT_EQ(again.open(), std::nullopt);
    auto snap = again.load();
    ASSERT_TRUE(snap) << snap.error();
    ASSERT_EQ(snap->bindings.size(), 1u);
    EXPECT_EQ(core::to_string(snap->bindings[0].hoa), "2001:db8:1::2");
}

TEST_F(SqliteStoreTest, ABindingsJsonWrittenAfterTheStoreReplacesIt) {
    // An older xmipd ran after the migration (a downgrade): its file is newer.
    {
        SqliteStore s(dir, "ha");
        ASSERT_EQ(s.open(), std::nullopt);
        state::Changes c;
        c.put = {binding(0), binding(1), binding(2)};
        ASSERT_EQ(s.commit(c), std::nullopt);
    }
    state::HaState old;
    old.bindings = {binding(5)};
    ASSERT_EQ(state::write_atomically(dir + "/bindings.json", state::encode(old, 1795000000000)), std::nullopt);
    SqliteStore again(dir, "ha");
    ASSERT_EQ(again.open(), std::nullopt);
    auto snap = again.load();
    ASSERT_TRUE(snap) << snap.error();
    ASSERT_EQ(snap->bindings.size(), 1u);
    EXPECT_EQ(core::to_string(snap->bindings[0].hoa), "2001:db8:1::6");
}

TEST_F(SqliteStoreTest, AMobileNodesBindingsJsonIsMigratedToo) {
    state::MnState m;
    m.hoa = addr("2001:db8:1::10");
    m.ha = addr("2001:db8:1::1");
    m.state = "at-home";
    m.seq = 9;
    ASSERT_EQ(state::write_atomically(dir + "/bindings.json", state::encode(m, 1795000000000)), std::nullopt);
    SqliteStore s(dir, "mn");
    ASSERT_EQ(s.open(), std::nullopt);
    auto snap = s.load();
    ASSERT_TRUE(snap) << snap.error();
    ASSERT_EQ(snap->mn.size(), 1u);
    EXPECT_EQ(snap->mn[0].seq, 9);
}

}  // namespace
}  // namespace xmip::store::test
