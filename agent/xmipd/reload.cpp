// SPDX-License-Identifier: BSD-2-Clause
#include "xmipd/reload.hpp"

#include "core/log.hpp"
#include "core/role.hpp"
#include "xmipd/preflight.hpp"

namespace xmip::agent {

ReloadReport reload_config(const std::string& path, const std::vector<std::string>& overrides,
                           const config::Config& running, uint32_t binding_capacity) {
    ReloadReport r;
    auto settings = config::Settings::read_file(path);
    for (const auto& o : overrides) settings.apply_override(o);  // checked at start; errors come back below
    auto result = config::reload(std::move(settings), running, binding_capacity);
    r.warnings = result.load.warning_strings();
    r.errors = result.load.error_strings();
    r.decision = std::move(result.decision);
    if (!result.load.config) return r;
    // The host, as at start: key files re-read, interfaces present.
    auto host = preflight(*result.load.config, result.load);
    for (const auto& w : host.warnings) r.warnings.push_back(w.to_string());
    for (const auto& e : host.errors) r.errors.push_back(e.to_string());
    if (host.errors.empty()) r.config = std::move(result.load.config);
    return r;
}

control::ReloadAnswer ReloadReport::answer() const {
    control::ReloadAnswer a;
    a.reloaded = config.has_value();
    if (a.reloaded) {
        a.applied = decision.applied;
        for (const auto& k : decision.kept) a.kept.push_back(k.message);
    }
    a.errors = errors;
    a.warnings = warnings;
    return a;
}

void log_report(const ReloadReport& r) {
    for (const auto& w : r.warnings) XLOG_WARN("reload: %s", w.c_str());
    for (const auto& e : r.errors) XLOG_ERROR("reload: %s", e.c_str());
    if (!r.config) {
        XLOG_ERROR("reload failed: configuration kept as it was");
        return;
    }
    for (const auto& k : r.decision.kept) XLOG_WARN("reload: %s", k.message.c_str());
    std::string applied;
    for (const auto& k : r.decision.applied) applied += (applied.empty() ? "" : ", ") + k;
    XLOG_INFO("reload: %zu changed keys applied%s%s, %zu kept until a restart", r.decision.applied.size(),
              applied.empty() ? "" : ": ", applied.c_str(), r.decision.kept.size());
}

}  // namespace xmip::agent
