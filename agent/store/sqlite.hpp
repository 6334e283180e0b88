// SPDX-License-Identifier: BSD-2-Clause
// A thin RAII layer over the SQLite C API: a connection, prepared
// statements, and errors as exceptions carrying SQLite's result code (the
// store turns them into messages that say what to do, sqlite_store.cpp).
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>

namespace xmip::store {

class SqliteError : public std::runtime_error {
public:
    SqliteError(int code, const std::string& what) : std::runtime_error(what), code_(code) {}
    int code() const { return code_; }  // primary result code (SQLITE_FULL, SQLITE_CORRUPT, ...)

private:
    int code_;
};

class Statement;

class Database {
public:
    // flags: SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, ...
    Database(const std::string& path, int flags);
    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    void exec(const char* sql);
    sqlite3* get() const { return db_; }
    [[noreturn]] void fail(int rc, const char* doing) const;

private:
    sqlite3* db_ = nullptr;
};

class Statement {
public:
    Statement(Database& db, const char* sql);
    ~Statement();
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    Statement& bind(int i, int64_t v);
    Statement& bind(int i, std::span<const uint8_t> blob);
    Statement& bind(int i, const std::string& text);
    Statement& bind_null(int i);
    // A row (true) or the end (false); throws on an error.
    bool step();
    // step() to the end, then ready to be bound again.
    void run();
    void reset();

    bool is_null(int col) const { return sqlite3_column_type(st_, col) == SQLITE_NULL; }
    int type(int col) const { return sqlite3_column_type(st_, col); }
    int64_t integer(int col) const { return sqlite3_column_int64(st_, col); }
    std::span<const uint8_t> blob(int col) const;
    std::string text(int col) const;

private:
    Database& db_;
    sqlite3_stmt* st_ = nullptr;
};

}  // namespace xmip::store
