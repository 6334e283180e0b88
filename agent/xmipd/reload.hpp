// SPDX-License-Identifier: BSD-2-Clause
// A reload of the running daemon's configuration (SIGHUP, `mipctl reload`):
// the file read again with the command line's overrides, the host checked as
// at start, then config::reload()'s decision (live keys taken, restart-only
// keys kept, the binding limit held to the map). The agent applies it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "config/reload.hpp"
#include "control/views.hpp"

namespace xmip::agent {

struct ReloadReport {
    std::optional<config::Config> config;  // what to run; nullopt: nothing changes
    config::ReloadDecision decision;
    std::vector<std::string> errors;
    std::vector<std::string> warnings;
    control::ReloadAnswer answer() const;
};

// binding_capacity: the entries of the binding map the datapath holds.
ReloadReport reload_config(const std::string& path, const std::vector<std::string>& overrides,
                           const config::Config& running, uint32_t binding_capacity);

// Logs the report: a warning per kept key, an error per problem, a summary.
void log_report(const ReloadReport& r);

}  // namespace xmip::agent
