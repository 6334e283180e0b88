// SPDX-License-Identifier: BSD-2-Clause
// The keys of the TOML form, and the small text helpers around them.
#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>

#include "detail.hpp"

namespace xmip::config {

namespace {

using K = KeyKind;
using R = Reload;
// Every key, its kind and what a reload does with it: without a third field,
// default_reload() (datapath.* and paths.* need a restart, the rest is live).
constexpr std::array kSchema{
    KeyInfo{"role", K::String, R::Restart},
    KeyInfo{"instance", K::String, R::Restart},
    KeyInfo{"log_level", K::String},
    KeyInfo{"paths", K::Table},
    KeyInfo{"paths.control_socket", K::String},
    KeyInfo{"paths.pin_root", K::String},
    KeyInfo{"paths.state_dir", K::String},
    KeyInfo{"datapath", K::Table},
    KeyInfo{"datapath.interfaces", K::StringList},
    KeyInfo{"datapath.xdp_mode", K::String},
    KeyInfo{"datapath.max_bindings", K::Integer},
    KeyInfo{"datapath.max_ro_peers", K::Integer},
    KeyInfo{"datapath.max_cn_bindings", K::Integer},
    KeyInfo{"datapath.tunnel_hop_limit", K::Integer, R::Live},
    KeyInfo{"datapath.keep_forwarding_on_exit", K::Boolean, R::Live},
    KeyInfo{"metrics", K::Table},
    KeyInfo{"metrics.listen", K::String, R::Restart},
    KeyInfo{"home_agent", K::Table},
    KeyInfo{"home_agent.address", K::String, R::Restart},
    KeyInfo{"home_agent.home_link", K::String, R::Restart},
    KeyInfo{"home_agent.prefixes", K::StringList},
    KeyInfo{"home_agent.deprecated_prefixes", K::StringList},
    KeyInfo{"home_agent.max_binding_lifetime", K::Integer},
    KeyInfo{"home_agent.max_bindings", K::Integer},
    KeyInfo{"home_agent.preference", K::Integer},
    KeyInfo{"home_agent.lifetime", K::Integer},
    KeyInfo{"home_agent.access", K::Table},
    KeyInfo{"home_agent.access.allow", K::StringList},
    KeyInfo{"home_agent.access.deny", K::StringList},
    KeyInfo{"home_agent.router_advertisements", K::Table},
    KeyInfo{"home_agent.router_advertisements.enabled", K::Boolean},
    KeyInfo{"home_agent.router_advertisements.min_interval_ms", K::Integer},
    KeyInfo{"home_agent.router_advertisements.max_interval_ms", K::Integer},
    KeyInfo{"home_agent.router_advertisements.interval_option", K::Boolean},
    KeyInfo{"home_agent.router_advertisements.prefix_valid_lifetime", K::Integer},
    KeyInfo{"home_agent.router_advertisements.prefix_preferred_lifetime", K::Integer},
    KeyInfo{"home_agent.router_advertisements.router_lifetime", K::Integer},
    KeyInfo{"home_agent.authentication", K::Table},
    KeyInfo{"home_agent.authentication.optional_prefixes", K::StringList},
    KeyInfo{"home_agent.authentication.replay_window", K::Integer},
    KeyInfo{"home_agent.rate_limit", K::Table},
    KeyInfo{"home_agent.rate_limit.per_source", K::Integer},
    KeyInfo{"home_agent.rate_limit.unregistered_total", K::Integer},
    KeyInfo{"home_agent.security_associations", K::TableArray},
    KeyInfo{"home_agent.security_associations.home_address", K::String},
    KeyInfo{"home_agent.security_associations.spi", K::Integer},
    KeyInfo{"home_agent.security_associations.algorithm", K::String},
    KeyInfo{"home_agent.security_associations.key_file", K::String},
    // Issue 18 (discovery and the rest of the signalling): one block.
    KeyInfo{"home_agent.refresh_advice", K::Integer},
    KeyInfo{"home_agent.nd_proxy", K::String, R::Restart},
    KeyInfo{"mobile_node", K::Table},
    KeyInfo{"mobile_node.home_address", K::String, R::Restart},
    KeyInfo{"mobile_node.home_agent", K::String, R::Restart},
    KeyInfo{"mobile_node.interface", K::String, R::Restart},
    KeyInfo{"mobile_node.lifetime", K::Integer, R::Restart},
    KeyInfo{"mobile_node.optimistic_dad", K::Boolean},
    KeyInfo{"mobile_node.rs_on_link_up", K::Boolean},
    // Route optimisation with correspondents (issue 13, the mobile node's half).
    KeyInfo{"mobile_node.route_optimization", K::Boolean},
    KeyInfo{"mobile_node.correspondent_access", K::Table},
    KeyInfo{"mobile_node.correspondent_access.allow", K::StringList},
    KeyInfo{"mobile_node.correspondent_access.deny", K::StringList},
    // issue 18 item 4: visited-link exceptions to sending from the home address
    // (the routes are installed from them at start)
    KeyInfo{"mobile_node.local_destinations", K::StringList, R::Restart},
    KeyInfo{"mobile_node.authentication", K::Table},  // the binding update list holds them
    KeyInfo{"mobile_node.authentication.spi", K::Integer, R::Restart},
    KeyInfo{"mobile_node.authentication.algorithm", K::String, R::Restart},
    KeyInfo{"mobile_node.authentication.key_file", K::String, R::Restart},
    // The correspondent node (role = "correspondent"): one block. Its
    // address and Kcn's nonce schedule are fixed at start.
    KeyInfo{"correspondent", K::Table},
    KeyInfo{"correspondent.address", K::String, R::Restart},
    KeyInfo{"correspondent.enabled", K::Boolean},
    KeyInfo{"correspondent.max_bindings", K::Integer},
    KeyInfo{"correspondent.max_binding_lifetime", K::Integer},
    KeyInfo{"correspondent.nonce_rotation", K::Integer, R::Restart},
    KeyInfo{"correspondent.rate_limit", K::Table},
    KeyInfo{"correspondent.rate_limit.per_source", K::Integer},
    KeyInfo{"correspondent.access", K::Table},
    KeyInfo{"correspondent.access.allow", K::StringList},
    KeyInfo{"correspondent.access.deny", K::StringList},
    // Where the binding store lives (docs/scale-out.md): opened at start.
    KeyInfo{"cluster", K::Table},
    KeyInfo{"cluster.backend", K::String, R::Restart},
    KeyInfo{"cluster.endpoints", K::StringList, R::Restart},
    KeyInfo{"cluster.prefix", K::String, R::Restart},
    KeyInfo{"cluster.ca_file", K::String, R::Restart},
    KeyInfo{"cluster.cert_file", K::String, R::Restart},
    KeyInfo{"cluster.key_file", K::String, R::Restart},
    KeyInfo{"cluster.dial_timeout", K::Integer, R::Restart},
    KeyInfo{"cluster.request_timeout", K::Integer, R::Restart},
    KeyInfo{"cluster.binding_lease_slack", K::Integer, R::Restart},
    KeyInfo{"cluster.agent_lease_ttl", K::Integer, R::Restart},
    KeyInfo{"cluster.member", K::String, R::Restart},
    KeyInfo{"cluster.ha_addresses", K::StringList, R::Restart},
    KeyInfo{"cluster.failure_detection", K::Integer, R::Restart},
    KeyInfo{"cluster.heartbeat_port", K::Integer, R::Restart},
};

}  // namespace

std::span<const KeyInfo> schema() { return kSchema; }

const char* to_string(Reload r) { return r == Reload::Live ? "live" : "restart"; }

const KeyInfo* find_key(std::string_view path) {
    for (const auto& k : kSchema)
        if (k.path == path) return &k;
    return nullptr;
}

namespace detail {

size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
    for (size_t j = 0; j <= b.size(); j++) prev[j] = j;
    for (size_t i = 1; i <= a.size(); i++) {
        cur[0] = i;
        for (size_t j = 1; j <= b.size(); j++) {
            bool same = std::tolower(static_cast<unsigned char>(a[i - 1])) ==
                        std::tolower(static_cast<unsigned char>(b[j - 1]));
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (same ? 0 : 1)});
        }
        std::swap(prev, cur);
    }
    return prev[b.size()];
}

std::optional<std::string> closest(std::string_view word, const std::vector<std::string>& candidates) {
    std::optional<std::string> best;
    size_t best_d = 0;
    auto starts_with = [](std::string_view s, std::string_view p) {
        return s.size() >= p.size() && edit_distance(s.substr(0, p.size()), p) == 0;
    };
    // "warning" for "warn", "max_binding" for "max_bindings".
    for (const auto& c : candidates) {
        std::string_view shorter = c.size() < word.size() ? std::string_view(c) : word;
        if (shorter.size() >= 3 && (starts_with(word, c) || starts_with(c, word))) return c;
    }
    for (const auto& c : candidates) {
        size_t d = edit_distance(word, c);
        // A typo: a couple of edits, and fewer than half the word's letters.
        size_t limit = std::min<size_t>(3, std::max<size_t>(1, c.size() / 3));
        if (d <= limit && d * 2 < c.size() && (!best || d < best_d)) {
            best = c;
            best_d = d;
        }
    }
    return best;
}

std::string join(const std::vector<std::string>& v, std::string_view sep) {
    std::string r;
    for (size_t i = 0; i < v.size(); i++) {
        if (i) r += sep;
        r += v[i];
    }
    return r;
}

std::string quote(std::string_view text) {
    std::string r = "\"";
    for (char ch : text) {
        auto c = static_cast<unsigned char>(ch);
        if (c == '"' || c == '\\') {
            r += '\\';
            r += ch;
        } else if (c < 0x20 || c == 0x7f) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", c);
            r += buf;
        } else {
            r += ch;
        }
    }
    return r + "\"";
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

std::string_view parent_of(std::string_view path) {
    auto dot = path.rfind('.');
    return dot == std::string_view::npos ? std::string_view{} : path.substr(0, dot);
}

std::string_view leaf_of(std::string_view path) {
    auto dot = path.rfind('.');
    return dot == std::string_view::npos ? path : path.substr(dot + 1);
}

std::vector<std::string> children(std::string_view table) {
    std::vector<std::string> r;
    for (const auto& k : kSchema)
        if (parent_of(k.path) == table) r.emplace_back(leaf_of(k.path));
    return r;
}

const char* kind_name(KeyKind k) {
    switch (k) {
    case KeyKind::Table: return "a table";
    case KeyKind::String: return "a string";
    case KeyKind::Integer: return "an integer";
    case KeyKind::Boolean: return "true or false";
    case KeyKind::StringList: return "an array of strings";
    case KeyKind::TableArray: return "an array of tables";
    }
    return "?";
}

const std::vector<std::string>& legacy_keys() {
    static const std::vector<std::string> keys{
        "FUNCTIONALITY", "DEBUGLEVEL",       "HOMEADDRESS",
        "HOMEAGENT",     "HOMEDEV",          "MIN_TUNNEL_NR",
        "MAX_TUNNEL_NR", "TUNNEL_SITELOCAL", "ACCEPT_RETURN_ROUTABILITY",
    };
    return keys;
}

}  // namespace detail
}  // namespace xmip::config
