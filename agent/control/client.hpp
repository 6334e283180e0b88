// SPDX-License-Identifier: BSD-2-Clause
// The control socket's client side (mipctl, tests).
#pragma once

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

namespace xmip::control {

struct ClientError : std::runtime_error {
    enum class Kind { NoAgent, Permission, Timeout, Protocol, Remote } kind;
    std::string code;  // the agent's error code for Remote
    ClientError(Kind k, const std::string& msg, std::string c = {})
        : std::runtime_error(msg), kind(k), code(std::move(c)) {}
};

// Sends one request, returns "result"; throws ClientError.
nlohmann::json call(const std::string& socket_path, const std::string& cmd,
                    const nlohmann::json& args = nlohmann::json::object(), int timeout_ms = 3000);

}  // namespace xmip::control
