// SPDX-License-Identifier: BSD-2-Clause
// What a reload (SIGHUP, `mipctl reload`) takes from a new configuration:
// every changed key the schema marks live; a changed restart-only key keeps
// its running value, and the decision says so (the daemon logs it and
// answers it on the control socket). The binding cache limit never exceeds
// the binding map the datapath was started with.
//
//   auto d = decide_reload(running, wanted, capacity);
//   // d.kept[0].message: "datapath.max_bindings: 65536 -> 131072 takes a restart (...); keeping 65536"
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "config/config.hpp"

namespace xmip::config {

struct ReloadDecision {
    // A key whose new value is not taken, with its running value and why.
    struct Kept {
        std::string key;
        std::string running;  // the value in use, as an override writes it
        std::string wanted;   // the file's
        std::string message;  // "key: running -> wanted takes a restart (...); keeping running"
        bool operator==(const Kept&) const = default;
    };
    std::vector<std::string> applied;  // live keys whose value changes, schema order
    std::vector<Kept> kept;
    bool operator==(const ReloadDecision&) const = default;
};

// Every key of a configuration with its value ("name[N].key" for arrays of
// tables), through to_toml(): what a reload compares.
std::map<std::string, std::string> flatten(const Config& c);

// The decision for `wanted` (a validated configuration) replacing `running`,
// whose datapath holds `binding_capacity` bindings at most.
ReloadDecision decide_reload(const Config& running, const Config& wanted, uint32_t binding_capacity);

struct ReloadResult {
    LoadResult load;  // the configuration to run: ok() iff it validates with the kept values
    ReloadDecision decision;
};
// Validates `settings` (the file and the command line's overrides), decides,
// then validates again with each kept key put back as an override.
ReloadResult reload(Settings settings, const Config& running, uint32_t binding_capacity);

}  // namespace xmip::config
