// SPDX-License-Identifier: BSD-2-Clause
#include "config/reload.hpp"

#include <algorithm>

#include "detail.hpp"

namespace xmip::config {

namespace {

// "home_agent.security_associations[2].spi" -> "home_agent.security_associations.spi".
std::string schema_key(std::string_view key) {
    std::string r;
    for (size_t i = 0; i < key.size(); i++) {
        if (key[i] == '[') {
            i = key.find(']', i);
            if (i == std::string_view::npos) break;
            continue;
        }
        r += key[i];
    }
    return r;
}

Reload reload_of(std::string_view key) {
    const KeyInfo* k = find_key(schema_key(key));
    return k ? k->reload : default_reload(key);
}

// Why a restart-only key cannot change under a running daemon.
std::string why_restart(std::string_view key) {
    if (key == "datapath.max_bindings") return "the binding map was sized at start";
    if (key.starts_with("datapath.")) return "the datapath was set up at start";
    if (key.starts_with("paths.")) return "the socket, pins and state directory were set up at start";
    if (key == "metrics.listen") return "the endpoint was bound at start";
    if (key.starts_with("cluster.")) return "the binding store was opened at start";
    return "set at start";
}

std::string shown(const std::string& v) { return v.empty() ? "(none)" : v; }

}  // namespace

std::map<std::string, std::string> flatten(const Config& c) {
    return Settings::parse_toml(to_toml(c), "running").values();
}

ReloadDecision decide_reload(const Config& running, const Config& wanted, uint32_t binding_capacity) {
    const auto was = flatten(running);
    const auto now = flatten(wanted);
    ReloadDecision d;
    std::vector<std::string> keys;
    keys.reserve(was.size() + now.size());
    for (const auto& [k, v] : was) keys.push_back(k);
    for (const auto& [k, v] : now)
        if (!was.count(k)) keys.push_back(k);
    std::sort(keys.begin(), keys.end());
    for (const auto& k : keys) {
        auto a = was.find(k), b = now.find(k);
        const std::string before = a == was.end() ? "" : a->second;
        const std::string after = b == now.end() ? "" : b->second;
        if (before == after) continue;
        if (reload_of(k) == Reload::Live) {
            d.applied.push_back(k);
            continue;
        }
        d.kept.push_back({k, before, after,
                          k + ": " + shown(before) + " -> " + shown(after) + " takes a restart (" + why_restart(k) +
                              "); keeping " + shown(before)});
    }
    // The cache limit follows the map the datapath really has, whatever the
    // file says (home_agent.max_bindings defaults to datapath.max_bindings).
    if (wanted.home_agent && wanted.home_agent->max_bindings > binding_capacity) {
        const std::string k = "home_agent.max_bindings", cap = std::to_string(binding_capacity);
        const std::string w = std::to_string(wanted.home_agent->max_bindings);
        std::erase(d.applied, k);
        std::erase_if(d.kept, [&](const ReloadDecision::Kept& x) { return x.key == k; });
        d.kept.push_back({k, cap, w,
                          k + ": " + w + " exceeds the binding map (" + cap +
                              " entries, datapath.max_bindings at start); limited to " + cap});
    }
    return d;
}

ReloadResult reload(Settings settings, const Config& running, uint32_t binding_capacity) {
    ReloadResult r;
    r.load = settings.validate();
    if (!r.load.ok()) return r;
    r.decision = decide_reload(running, *r.load.config, binding_capacity);
    if (r.decision.kept.empty()) return r;
    for (const auto& k : r.decision.kept) settings.apply_override(k.key, k.running);
    auto warnings = std::move(r.load.warnings);
    r.load = settings.validate();
    r.load.warnings = std::move(warnings);  // once, from the file as written
    return r;
}

}  // namespace xmip::config
