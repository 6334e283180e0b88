// SPDX-License-Identifier: BSD-2-Clause
// The embedded binding store (docs/restart.md): <state_dir>/bindings.db,
// SQLite in WAL mode with synchronous=FULL, one table of home agent
// bindings and one of binding update list entries, each keyed by home
// address. A commit is one transaction over what changed (Changes): its
// cost is the change's, not the store's. Nothing to set up: the file is
// created at the first start, and a bindings.json an older xmipd left is
// migrated into it once.
//
// Every error is a message that names the file and says what to do: a
// store that is corrupt, from a newer xmipd, another role's or not
// writable is never read as empty.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "core/result.hpp"
#include "state/changes.hpp"

namespace xmip::store {

inline constexpr const char* kFileName = "bindings.db";
// The schema this xmipd writes and reads (PRAGMA user_version); a store
// with a higher one was written by a newer xmipd and is refused.
inline constexpr int kSchemaVersion = 1;

class SqliteStore {
public:
    // role: "ha" or "mn" (a store holds one role's state).
    SqliteStore(std::string dir, std::string role);
    ~SqliteStore();
    SqliteStore(const SqliteStore&) = delete;
    SqliteStore& operator=(const SqliteStore&) = delete;

    // Creates the directory and the store if needed, checks it (format,
    // version, role, integrity, that it can be written) and migrates
    // <dir>/bindings.json once (renamed to bindings.json.migrated after).
    std::optional<std::string> open();
    // Everything it holds, checked row by row (after open()).
    core::Result<state::Snapshot, std::string> load();
    // One durable transaction: on return without an error it survives a
    // crash and a power cut; with one, nothing of it was kept.
    std::optional<std::string> commit(const state::Changes& c);
    const std::string& path() const { return path_; }

private:
    struct Db;
    std::optional<std::string> check_and_create();
    std::optional<std::string> migrate_legacy();
    std::string explain(const std::exception& e, const char* doing) const;

    std::string dir_, role_, path_;
    std::unique_ptr<Db> db_;
    bool created_ = false;  // by open(), with no bindings.json to migrate
};

}  // namespace xmip::store
