// SPDX-License-Identifier: BSD-2-Clause
// The control socket protocol (xmipd <-> mipctl and other tools).
//
// A UNIX stream socket per instance. The client sends one request, a JSON
// object on one line; the server answers one JSON object on one line and
// closes. Every message carries "api": a server refuses a request whose api
// it does not speak, so a mipctl of another version fails with a clear
// message instead of misreading fields.
//
//   request:  {"api": 1, "cmd": "bcache", "args": {...}}
//   success:  {"api": 1, "ok": true, "result": ...}
//   failure:  {"api": 1, "ok": false, "error": {"code": "...", "message": "..."}}
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace xmip::control {

inline constexpr int kApiVersion = 1;
inline constexpr size_t kMaxRequestBytes = 64 * 1024;

// Error codes (stable: scripts match on them).
inline constexpr const char* kErrBadRequest = "bad_request";
inline constexpr const char* kErrUnknownCommand = "unknown_command";
inline constexpr const char* kErrApiVersion = "api_version";
inline constexpr const char* kErrInvalidArgument = "invalid_argument";
inline constexpr const char* kErrNotFound = "not_found";
inline constexpr const char* kErrWrongRole = "wrong_role";
inline constexpr const char* kErrInternal = "internal";

nlohmann::json make_request(const std::string& cmd, nlohmann::json args = nlohmann::json::object());
nlohmann::json make_result(nlohmann::json result);
nlohmann::json make_error(const std::string& code, const std::string& message);

// Thrown by command handlers to answer with an error.
struct CommandError {
    std::string code;
    std::string message;
};

}  // namespace xmip::control
