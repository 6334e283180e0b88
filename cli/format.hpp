// SPDX-License-Identifier: BSD-2-Clause
// mipctl's output, without I/O: the agent's JSON answers turned into aligned
// tables, and control-socket failures turned into a message and an exit
// code. Everything here is a pure function, tested from fixed JSON.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "control/client.hpp"

namespace xmip::cli {

// Exit codes (documented in `mipctl --help` and docs/mipctl.md; scripts rely on them).
inline constexpr int kExitOk = 0;         // done
inline constexpr int kExitAgentError = 1; // the agent answered with an error (not_found, wrong_role, ...)
inline constexpr int kExitUsage = 2;      // bad command line (unknown command, bad address, ...)
inline constexpr int kExitNoAgent = 3;    // no agent, permission denied, timeout, other control API version

// An aligned text table: columns separated by two spaces, a header row,
// numbers right-aligned, no trailing blanks.
class Table {
public:
    struct Column {
        std::string header;
        bool right = false;  // right-align (numbers)
    };
    explicit Table(std::vector<Column> columns) : columns_(std::move(columns)) {}
    void add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
    size_t size() const { return rows_.size(); }
    std::string str() const;

private:
    std::vector<Column> columns_;
    std::vector<std::vector<std::string>> rows_;
};

// --json: the agent's result as it came, indented, keys sorted (stable).
std::string format_json(const nlohmann::json& result);

// The views. Each takes the "result" of the agent command of the same name.
std::string format_stats(const nlohmann::json& stats);          // stats
std::string format_bcache(const nlohmann::json& bindings);      // bcache, binding-add
std::string format_bul(const nlohmann::json& entries);          // bul
std::string format_home_agents(const nlohmann::json& entries);  // home-agents
std::string format_cluster(const nlohmann::json& view);         // cluster
std::string format_status(const nlohmann::json& status);        // status
std::string format_reload(const nlohmann::json& answer);        // reload
std::string format_refresh(const nlohmann::json& answer);       // refresh

// The guide's `mipdiag -s` name of a signalling counter ("" if it had none).
std::string mipdiag_name(const std::string& counter);

// Milliseconds as seconds, trailing zeros trimmed: 1500 -> "1.5"; < 0 -> "-".
std::string ms_as_seconds(long long ms);

// What mipctl knows about the agent it tried to reach, to explain a failure.
struct Target {
    std::string socket;                 // the control socket path
    std::string instance;               // "" when given by --socket
    bool socket_exists = false;         // the path exists (a stale socket refuses)
    std::vector<std::string> running;   // instances with a socket in the run directory
    std::string run_dir = "/run/xmip";
};

struct Failure {
    int exit_code;
    std::string message;  // one line, without the "mipctl: " prefix
};

Failure describe_error(const control::ClientError& e, const Target& target, const std::string& command);

}  // namespace xmip::cli
