// SPDX-License-Identifier: BSD-2-Clause
// Helpers for the control commands the services register.
#pragma once

#include <netinet/in.h>

#include <nlohmann/json.hpp>

namespace xmip::agent {

// args[key] as an IPv6 address; throws control::CommandError
// (invalid_argument) when missing or not an address.
in6_addr address_argument(const nlohmann::json& args, const char* key);

}  // namespace xmip::agent
