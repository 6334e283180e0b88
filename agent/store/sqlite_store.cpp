// SPDX-License-Identifier: BSD-2-Clause
#include "store/sqlite_store.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <set>

#include "core/in6.hpp"
#include "core/log.hpp"
#include "state/file.hpp"
#include "store/legacy_json.hpp"
#include "store/sqlite.hpp"

namespace xmip::store {

namespace {

// PRAGMA application_id: 'xmip', so that another program's SQLite file in
// the state directory is told apart from a damaged one of ours.
constexpr int64_t kApplicationId = 0x786d6970;
constexpr int64_t kMaxMs = int64_t{1} << 52;  // as the JSON codec: beyond is corruption
constexpr int64_t kMaxLifetime = 262140;      // RFC 6275: 16 bits of 4 s units

// WITHOUT ROWID: the home address is the key, and the rows are stored in
// its order, so a put or an erase touches one leaf page.
constexpr const char* kSchema = R"(
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE ha_binding(
  hoa BLOB PRIMARY KEY, coa BLOB NOT NULL, ha_addr BLOB NOT NULL,
  seq INTEGER NOT NULL, lifetime INTEGER NOT NULL,
  registered_ms INTEGER NOT NULL, expires_ms INTEGER NOT NULL,
  seq_known INTEGER NOT NULL, link_local INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE mn_bul(
  hoa BLOB PRIMARY KEY, ha BLOB NOT NULL, state TEXT NOT NULL, seq INTEGER NOT NULL,
  ever_registered INTEGER NOT NULL, lifetime INTEGER NOT NULL,
  coa BLOB, visited TEXT, router BLOB, expires_ms INTEGER) WITHOUT ROWID;
)";

std::span<const uint8_t> bytes(const in6_addr& a) { return {a.s6_addr, sizeof(a.s6_addr)}; }

int64_t now_unix_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// A row that is not what this xmipd writes: the file is damaged.
struct BadRow {
    std::string what;
};

in6_addr address(const Statement& s, int col, const char* name) {
    if (s.type(col) != SQLITE_BLOB || s.blob(col).size() != 16)
        throw BadRow{std::string(name) + ": not an IPv6 address"};
    in6_addr a{};
    std::memcpy(a.s6_addr, s.blob(col).data(), 16);
    return a;
}

int64_t integer(const Statement& s, int col, const char* name, int64_t lo, int64_t hi) {
    if (s.type(col) != SQLITE_INTEGER) throw BadRow{std::string(name) + ": not an integer"};
    int64_t v = s.integer(col);
    if (v < lo || v > hi)
        throw BadRow{std::string(name) + ": " + std::to_string(v) + " outside " + std::to_string(lo) + ".." +
                     std::to_string(hi)};
    return v;
}

}  // namespace

struct SqliteStore::Db {
    Database db;
    std::unique_ptr<Statement> put, erase, mn_put;
    explicit Db(const std::string& path) : db(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) {}
    int64_t pragma(const char* sql) {
        Statement s(db, sql);
        return s.step() ? s.integer(0) : 0;
    }
    void prepare() {
        put = std::make_unique<Statement>(
            db, "INSERT OR REPLACE INTO ha_binding VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
        erase = std::make_unique<Statement>(db, "DELETE FROM ha_binding WHERE hoa = ?1");
        mn_put = std::make_unique<Statement>(
            db, "INSERT OR REPLACE INTO mn_bul VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
    }
    void write(const state::Changes& c) {
        for (const auto& b : c.put) {
            put->bind(1, bytes(b.hoa)).bind(2, bytes(b.coa)).bind(3, bytes(b.ha_addr)).bind(4, int64_t{b.seq});
            put->bind(5, int64_t{b.lifetime_s}).bind(6, b.registered_ms).bind(7, b.expires_ms);
            put->bind(8, int64_t{b.seq_known}).bind(9, int64_t{b.link_local}).run();
        }
        for (const auto& hoa : c.erase) erase->bind(1, bytes(hoa)).run();
        for (const auto& m : c.mn_put) {
            mn_put->bind(1, bytes(m.hoa)).bind(2, bytes(m.ha)).bind(3, m.state).bind(4, int64_t{m.seq});
            mn_put->bind(5, int64_t{m.ever_registered}).bind(6, int64_t{m.lifetime_s});
            m.coa ? mn_put->bind(7, bytes(*m.coa)) : mn_put->bind_null(7);
            m.visited ? mn_put->bind(8, m.visited->str()) : mn_put->bind_null(8);
            m.router ? mn_put->bind(9, bytes(*m.router)) : mn_put->bind_null(9);
            m.expires_ms ? mn_put->bind(10, *m.expires_ms) : mn_put->bind_null(10);
            mn_put->run();
        }
    }
    void rollback() {
        if (!sqlite3_get_autocommit(db.get())) sqlite3_exec(db.get(), "ROLLBACK", nullptr, nullptr, nullptr);
    }
};

SqliteStore::SqliteStore(std::string dir, std::string role)
    : dir_(std::move(dir)), role_(std::move(role)), path_(dir_ + "/" + kFileName) {}

SqliteStore::~SqliteStore() = default;

std::string SqliteStore::explain(const std::exception& e, const char* doing) const {
    const auto* se = dynamic_cast<const SqliteError*>(&e);
    const int code = se ? se->code() : 0;
    std::string msg = "binding store " + path_ + ": cannot " + doing + ": " + e.what();
    switch (code) {
        case SQLITE_CORRUPT:
        case SQLITE_NOTADB:
            return msg + "; the file is damaged: move it aside (mv " + path_ + " " + path_ +
                   ".bad) to start without the bindings it holds (a home agent then takes over those the "
                   "datapath still forwards and asks their mobile nodes to refresh), or restore it from a backup";
        case SQLITE_FULL: return msg + "; the file system holding " + dir_ + " is full: free space on it";
        case SQLITE_READONLY:
        case SQLITE_CANTOPEN:
        case SQLITE_PERM:
        case SQLITE_IOERR:
        case SQLITE_AUTH:
            return msg + "; xmipd cannot write there: make " + dir_ +
                   " writable by xmipd (a read-only file system, its owner or mode), or set paths.state_dir to "
                   "a writable directory";
        case SQLITE_BUSY:
        case SQLITE_LOCKED:
            return msg + "; another process holds it: is another xmipd running with the same paths.state_dir?";
        default: return msg;
    }
}

std::optional<std::string> SqliteStore::open() {
    if (auto err = state::ensure_directory(dir_))
        return "binding store: " + *err + "; make it creatable by xmipd, or set paths.state_dir elsewhere";
    // Created 0600 before SQLite sees it (its WAL inherits the mode): it
    // names the home addresses served.
    if (!std::filesystem::exists(path_)) {
        int fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd < 0 && errno != EEXIST)
            return "binding store " + path_ + ": cannot create: " + std::strerror(errno) + "; make " + dir_ +
                   " writable by xmipd (a read-only file system, its owner or mode), or set paths.state_dir to a "
                   "writable directory";
        if (fd >= 0) ::close(fd);
    }
    try {
        db_ = std::make_unique<Db>(path_);
    } catch (const std::exception& e) {
        return explain(e, "open");
    }
    if (auto err = check_and_create()) {
        db_.reset();
        return err;
    }
    if (auto err = migrate_legacy()) {
        db_.reset();
        return err;
    }
    return std::nullopt;
}

std::optional<std::string> SqliteStore::check_and_create() {
    const char* doing = "read";
    try {
        // The header first: a file that is not SQLite fails here (NOTADB).
        const int64_t app = db_->pragma("PRAGMA application_id");
        const int64_t version = db_->pragma("PRAGMA user_version");
        if (app == 0 && version == 0) {
            if (db_->pragma("SELECT count(*) FROM sqlite_master") != 0)
                return "binding store " + path_ +
                       ": an SQLite file of another program (no xmip application id); move it aside or set "
                       "paths.state_dir elsewhere";
        } else if (app != kApplicationId) {
            return "binding store " + path_ + ": an SQLite file of another program (application id " +
                   std::to_string(app) + "); move it aside or set paths.state_dir elsewhere";
        } else if (version > kSchemaVersion) {
            return "binding store " + path_ + ": written by a newer xmipd (store version " + std::to_string(version) +
                   ", this xmipd reads version " + std::to_string(kSchemaVersion) +
                   "); run that xmipd, or move the file aside (mv " + path_ + " " + path_ +
                   ".newer) to start without the bindings it holds";
        } else if (version < 1) {
            return "binding store " + path_ + ": store version " + std::to_string(version) +
                   " is not one xmipd wrote; move it aside (mv " + path_ + " " + path_ + ".bad)";
        }
        doing = "set up";
        // WAL: a commit appends the changed pages and syncs once; FULL: the
        // sync is at every commit, so a BA is never ahead of the disk.
        {
            Statement s(db_->db, "PRAGMA journal_mode=WAL");
            if (!s.step() || s.text(0) != "wal")
                return "binding store " + path_ + ": cannot switch to write-ahead logging (journal mode " + s.text(0) +
                       "); make " + dir_ + " writable by xmipd";
        }
        db_->db.exec("PRAGMA synchronous=FULL");
        if (app == 0) {
            doing = "create";
            db_->db.exec("BEGIN IMMEDIATE");
            db_->db.exec(kSchema);
            Statement(db_->db, "INSERT INTO meta VALUES ('role', ?1)").bind(1, role_).run();
            db_->db.exec(("PRAGMA application_id=" + std::to_string(kApplicationId)).c_str());
            db_->db.exec(("PRAGMA user_version=" + std::to_string(kSchemaVersion)).c_str());
            db_->db.exec("COMMIT");
        }
        created_ = app == 0;
        doing = "read";
        {
            Statement s(db_->db, "SELECT value FROM meta WHERE key = 'role'");
            std::string role = s.step() ? s.text(0) : "";
            if (role != role_)
                return "binding store " + path_ + ": holds the state of a \"" + role + "\" instance, this is a \"" +
                       role_ + "\" one; give this instance its own paths.state_dir, or move the file aside";
        }
        // Damage the header checks cannot see (a torn page, a bad index).
        {
            Statement s(db_->db, "PRAGMA quick_check");
            std::string first = s.step() ? s.text(0) : "";
            if (first != "ok")
                return "binding store " + path_ + ": integrity check failed (" + first +
                       "); the file is damaged: "
                       "move it aside (mv " +
                       path_ + " " + path_ +
                       ".bad) to start without the bindings it holds, "
                       "or restore it from a backup";
        }
        db_->prepare();
        // That it can be written, now rather than at the first Binding Update.
        doing = "write";
        db_->db.exec("BEGIN IMMEDIATE");
        Statement(db_->db, "INSERT OR REPLACE INTO meta VALUES ('opened_unix_ms', ?1)")
            .bind(1, std::to_string(now_unix_ms()))
            .run();
        db_->db.exec("COMMIT");
    } catch (const std::exception& e) {
        db_->rollback();
        return explain(e, doing);
    }
    return std::nullopt;
}

std::optional<std::string> SqliteStore::migrate_legacy() {
    const std::string json = dir_ + "/" + kLegacyFileName;
    auto legacy = read_legacy(json, role_);
    if (!legacy) return legacy.error();
    if (!*legacy) return std::nullopt;
    // A bindings.json here was written by an xmipd that knew no store (this
    // one renames it once migrated): it is at least as new as the store,
    // so it replaces the store's content. A crash before the rename below
    // just migrates the same file again.
    const auto& s = **legacy;
    created_ = false;  // the file is a record of what was accepted
    try {
        db_->db.exec("BEGIN IMMEDIATE");
        db_->db.exec("DELETE FROM ha_binding; DELETE FROM mn_bul");
        state::Changes c;
        c.put = s.bindings;
        c.mn_put = s.mn;
        db_->write(c);
        Statement(db_->db, "INSERT OR REPLACE INTO meta VALUES ('migrated_from', ?1)").bind(1, json).run();
        db_->db.exec("COMMIT");
    } catch (const std::exception& e) {
        db_->rollback();
        return explain(e, ("migrate " + json + " into").c_str());
    }
    const std::string aside = json + ".migrated";
    if (::rename(json.c_str(), aside.c_str()) != 0)
        return "binding store " + path_ + ": migrated " + json + " but cannot rename it to " + aside + ": " +
               std::strerror(errno) + "; rename or remove it by hand (the store holds its bindings now)";
    XLOG_INFO("binding store %s: migrated %zu %s from %s (kept as %s)", path_.c_str(), s.bindings.size() + s.mn.size(),
              role_ == "ha" ? "bindings" : "binding update list entries", json.c_str(), aside.c_str());
    return std::nullopt;
}

core::Result<state::Snapshot, std::string> SqliteStore::load() {
    state::Snapshot snap;
    std::string row = "?";
    try {
        Statement s(db_->db,
                    "SELECT hoa, coa, ha_addr, seq, lifetime, registered_ms, expires_ms, seq_known, link_local "
                    "FROM ha_binding");
        while (s.step()) {
            state::HaBinding b;
            b.hoa = address(s, 0, "hoa");
            row = "ha_binding " + core::to_string(b.hoa);
            b.coa = address(s, 1, "coa");
            b.ha_addr = address(s, 2, "ha_addr");
            b.seq = static_cast<uint16_t>(integer(s, 3, "seq", 0, 65535));
            b.lifetime_s = static_cast<uint32_t>(integer(s, 4, "lifetime", 0, kMaxLifetime));
            b.registered_ms = integer(s, 5, "registered_ms", 0, kMaxMs);
            b.expires_ms = integer(s, 6, "expires_ms", b.registered_ms, kMaxMs);
            b.seq_known = integer(s, 7, "seq_known", 0, 1) != 0;
            b.link_local = integer(s, 8, "link_local", 0, 1) != 0;
            snap.bindings.push_back(b);
        }
        Statement m(db_->db,
                    "SELECT hoa, ha, state, seq, ever_registered, lifetime, coa, visited, router, expires_ms "
                    "FROM mn_bul");
        static const std::set<std::string> states{"at-home", "registering", "bound", "deregistering", "failed"};
        while (m.step()) {
            state::MnState e;
            e.hoa = address(m, 0, "hoa");
            row = "mn_bul " + core::to_string(e.hoa);
            e.ha = address(m, 1, "ha");
            e.state = m.text(2);
            if (!states.count(e.state)) throw BadRow{"state: unknown state \"" + e.state + "\""};
            e.seq = static_cast<uint16_t>(integer(m, 3, "seq", 0, 65535));
            e.ever_registered = integer(m, 4, "ever_registered", 0, 1) != 0;
            e.lifetime_s = static_cast<uint32_t>(integer(m, 5, "lifetime", 0, kMaxLifetime));
            if (!m.is_null(6)) e.coa = address(m, 6, "coa");
            if (!m.is_null(7)) {
                e.visited = core::parse_prefix(m.text(7));
                if (!e.visited) throw BadRow{"visited: not a prefix"};
            }
            if (!m.is_null(8)) e.router = address(m, 8, "router");
            if (!m.is_null(9)) e.expires_ms = integer(m, 9, "expires_ms", 0, kMaxMs);
            if (e.state == "bound" && (!e.coa || !e.expires_ms))
                throw BadRow{"bound without a care-of address or an expiry"};
            snap.mn.push_back(std::move(e));
        }
    } catch (const BadRow& b) {
        return "binding store " + path_ + ": row " + row + ": " + b.what + "; the file is damaged: move it aside (mv " +
               path_ + " " + path_ + ".bad) to start without the bindings it holds, or restore it from a backup";
    } catch (const std::exception& e) {
        return explain(e, "read");
    }
    snap.created = created_;
    return snap;
}

std::optional<std::string> SqliteStore::commit(const state::Changes& c) {
    if (c.empty()) return std::nullopt;
    if (!db_) return "binding store " + path_ + ": not open";
    try {
        db_->db.exec("BEGIN IMMEDIATE");
        db_->write(c);
        db_->db.exec("COMMIT");
    } catch (const std::exception& e) {
        db_->rollback();
        return explain(e, "commit");
    }
    return std::nullopt;
}

}  // namespace xmip::store
