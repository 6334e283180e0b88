// SPDX-License-Identifier: BSD-2-Clause
// Helpers for the control commands the services register.
#pragma once

#include <netinet/in.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "control/views.hpp"
#include "core/clock.hpp"

namespace xmip::agent {

// One row of `mipctl bcache`, for the home agent's cache and the
// correspondent's alike: `agent` is the address the binding was registered
// at; no `expires` (a binding waiting for DAD) shows 0 s left.
struct BindingRow {
    in6_addr hoa{}, coa{}, agent{};
    uint16_t seq = 0;
    uint32_t lifetime_s = 0;
    std::optional<core::TimePoint> expires;
    std::string state;
};
control::BindingCacheEntry binding_row(const BindingRow& r, core::TimePoint now);

// args[key] as an IPv6 address; throws control::CommandError
// (invalid_argument) when missing or not an address.
in6_addr address_argument(const nlohmann::json& args, const char* key);

}  // namespace xmip::agent
