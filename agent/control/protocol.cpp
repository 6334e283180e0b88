// SPDX-License-Identifier: BSD-2-Clause
#include "control/protocol.hpp"

namespace xmip::control {

nlohmann::json make_request(const std::string& cmd, nlohmann::json args) {
    return {{"api", kApiVersion}, {"cmd", cmd}, {"args", std::move(args)}};
}

nlohmann::json make_result(nlohmann::json result) {
    return {{"api", kApiVersion}, {"ok", true}, {"result", std::move(result)}};
}

nlohmann::json make_error(const std::string& code, const std::string& message) {
    return {{"api", kApiVersion}, {"ok", false}, {"error", {{"code", code}, {"message", message}}}};
}

}  // namespace xmip::control
