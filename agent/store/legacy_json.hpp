// SPDX-License-Identifier: BSD-2-Clause
// The state file older xmipd wrote (<state_dir>/bindings.json, the whole
// cache as JSON, agent/state/codec.hpp), read once to migrate it into the
// binding store.
#pragma once

#include <optional>
#include <string>

#include "core/result.hpp"
#include "state/changes.hpp"

namespace xmip::store {

inline constexpr const char* kLegacyFileName = "bindings.json";

// nullopt: there is no such file. An error names the file and what to do.
core::Result<std::optional<state::Snapshot>, std::string> read_legacy(const std::string& path, const std::string& role);

}  // namespace xmip::store
