// SPDX-License-Identifier: BSD-2-Clause
// Names, diagnostics, the home-address check, loading entry points and the
// TOML writer.
#include "config.hpp"

#include <algorithm>

#include "detail.hpp"
#include "xmip_shared.h"

namespace xmip::config {

static_assert(kDefaultMaxBindings == XMIP_DEFAULT_MAX_BINDINGS, "config and datapath disagree on the binding map size");
static_assert(kDefaultMaxRoPeers == XMIP_DEFAULT_MAX_RO_PEERS, "config and datapath disagree on the RO peer map size");
static_assert(kDefaultMaxCnBindings == XMIP_DEFAULT_MAX_CN_BINDINGS,
              "config and datapath disagree on the correspondent binding map size");
static_assert(kDefaultTunnelHopLimit == XMIP_DEFAULT_TUNNEL_HOP_LIMIT, "config and datapath disagree on the hop limit");

using detail::quote;

const char* to_string(Role r) {
    switch (r) {
        case Role::HomeAgent: return "ha";
        case Role::MobileNode: return "mn";
        case Role::Correspondent: return "cn";
    }
    return "?";
}

const char* to_string(AuthAlgorithm a) {
    return a == AuthAlgorithm::HmacSha1_96 ? "hmac-sha1-96" : "hmac-sha256-128";
}

std::string Diagnostic::to_string() const {
    std::string r = file;
    if (line) r += ":" + std::to_string(line);
    r += ": ";
    if (!key.empty()) r += key + ": ";
    return r + message;
}

std::vector<std::string> LoadResult::warning_strings() const {
    std::vector<std::string> r;
    for (const auto& d : warnings) r.push_back(d.to_string());
    return r;
}

std::vector<std::string> LoadResult::error_strings() const {
    std::vector<std::string> r;
    for (const auto& d : errors) r.push_back(d.to_string());
    return r;
}

namespace {
// The length of the longest prefix of `list` holding `a`; -1: none does.
int longest_match(const std::vector<Prefix>& list, const in6_addr& a) {
    int best = -1;
    for (const auto& p : list)
        if (p.contains(a)) best = std::max(best, static_cast<int>(p.len));
    return best;
}
}  // namespace

HomeAddressCheck HomeAgentSettings::check_home_address(const in6_addr& hoa) const {
    if (std::none_of(prefixes.begin(), prefixes.end(), [&](const Prefix& p) { return p.contains(hoa); }))
        return HomeAddressCheck::NotHomeSubnet;
    int allow = longest_match(access.allow, hoa), deny = longest_match(access.deny, hoa);
    if (allow < 0 && deny < 0) return access.allow.empty() ? HomeAddressCheck::Accepted : HomeAddressCheck::Prohibited;
    return deny >= allow ? HomeAddressCheck::Prohibited : HomeAddressCheck::Accepted;
}

bool MobileNode::optimises(const in6_addr& correspondent) const {
    if (!route_optimization) return false;
    int allow = longest_match(correspondent_access.allow, correspondent),
        deny = longest_match(correspondent_access.deny, correspondent);
    if (allow < 0 && deny < 0) return correspondent_access.allow.empty();
    return allow > deny;
}

bool Correspondent::allows(const in6_addr& hoa) const {
    int allow = longest_match(access.allow, hoa), deny = longest_match(access.deny, hoa);
    if (allow < 0 && deny < 0) return access.allow.empty();
    return allow > deny;
}

namespace {

LoadResult finish(Settings s, std::span<const std::string> overrides) {
    for (const auto& o : overrides) s.apply_override(o);
    return s.validate();
}

std::string list(const std::vector<std::string>& v) {
    std::string r = "[";
    for (size_t i = 0; i < v.size(); i++) r += (i ? ", " : "") + quote(v[i]);
    return r + "]";
}

std::string list(const std::vector<Prefix>& v) {
    std::vector<std::string> s;
    for (const auto& p : v) s.push_back(p.str());
    return list(s);
}

const char* b(bool v) { return v ? "true" : "false"; }

}  // namespace

LoadResult load(const std::filesystem::path& path, std::span<const std::string> overrides, Format format) {
    return finish(Settings::read_file(path, format), overrides);
}

LoadResult load_string(std::string_view text, std::string name, std::span<const std::string> overrides,
                       Format format) {
    return finish(Settings::parse(text, std::move(name), format), overrides);
}

LoadResult parse_legacy(const std::filesystem::path& path, std::span<const std::string> overrides) {
    return finish(Settings::read_file(path, Format::Legacy), overrides);
}

std::string to_toml(const Config& c) {
    std::string o;
    auto kv = [&](std::string_view k, const std::string& v) { o += std::string(k) + " = " + v + "\n"; };
    kv("role", quote(to_string(c.role)));
    kv("instance", quote(c.instance));
    kv("log_level", quote(to_string(c.log_level)));
    o += "\n[paths]\n";
    kv("control_socket", quote(c.paths.control_socket));
    kv("pin_root", quote(c.paths.pin_root));
    kv("state_dir", quote(c.paths.state_dir));
    o += "\n[datapath]\n";
    kv("interfaces", list(c.datapath.interfaces));
    kv("xdp_mode", quote(to_string(c.datapath.xdp_mode)));
    kv("max_bindings", std::to_string(c.datapath.max_bindings));
    kv("max_ro_peers", std::to_string(c.datapath.max_ro_peers));
    kv("max_cn_bindings", std::to_string(c.datapath.max_cn_bindings));
    kv("tunnel_hop_limit", std::to_string(c.datapath.tunnel_hop_limit));
    kv("keep_forwarding_on_exit", b(c.datapath.keep_forwarding_on_exit));
    o += "\n[metrics]\n";
    kv("listen", quote(c.metrics.listen));
    // Written only when set: a configuration without it reads back the same.
    if (c.cluster.backend == Cluster::Backend::Etcd) {
        o += "\n[cluster]\n";
        kv("backend", quote("etcd"));
        kv("endpoints", list(c.cluster.endpoints));
        kv("prefix", quote(c.cluster.prefix));
        if (!c.cluster.ca_file.empty()) kv("ca_file", quote(c.cluster.ca_file));
        if (!c.cluster.cert_file.empty()) kv("cert_file", quote(c.cluster.cert_file));
        if (!c.cluster.key_file.empty()) kv("key_file", quote(c.cluster.key_file));
        kv("dial_timeout", std::to_string(c.cluster.dial_timeout_ms));
        kv("request_timeout", std::to_string(c.cluster.request_timeout_ms));
        kv("binding_lease_slack", std::to_string(c.cluster.binding_lease_slack));
        kv("agent_lease_ttl", std::to_string(c.cluster.agent_lease_ttl));
        if (!c.cluster.member.empty()) kv("member", quote(c.cluster.member));
        if (!c.cluster.ha_addresses.empty()) {
            std::vector<std::string> a;
            for (const auto& x : c.cluster.ha_addresses) a.push_back(x.to_string());
            kv("ha_addresses", list(a));
        }
        kv("failure_detection", std::to_string(c.cluster.failure_detection_ms));
        kv("heartbeat_port", std::to_string(c.cluster.heartbeat_port));
    }
    if (const auto& ha = c.home_agent) {
        o += "\n[home_agent]\n";
        kv("address", quote(ha->address.to_string()));
        kv("home_link", quote(ha->home_link));
        kv("prefixes", list(ha->prefixes));
        if (!ha->deprecated_prefixes.empty()) kv("deprecated_prefixes", list(ha->deprecated_prefixes));
        kv("max_binding_lifetime", std::to_string(ha->max_binding_lifetime));
        kv("max_bindings", std::to_string(ha->max_bindings));
        kv("preference", std::to_string(ha->preference));
        kv("lifetime", std::to_string(ha->lifetime));
        kv("refresh_advice", std::to_string(ha->refresh_advice));
        kv("nd_proxy", quote(ha->nd_proxy_in_datapath ? "datapath" : "kernel"));
        o += "\n[home_agent.access]\n";
        kv("allow", list(ha->access.allow));
        kv("deny", list(ha->access.deny));
        const auto& ra = ha->router_advertisements;
        o += "\n[home_agent.router_advertisements]\n";
        kv("enabled", b(ra.enabled));
        kv("min_interval_ms", std::to_string(ra.min_interval_ms));
        kv("max_interval_ms", std::to_string(ra.max_interval_ms));
        kv("interval_option", b(ra.interval_option));
        kv("prefix_valid_lifetime", std::to_string(ra.prefix_valid_lifetime));
        kv("prefix_preferred_lifetime", std::to_string(ra.prefix_preferred_lifetime));
        kv("router_lifetime", std::to_string(ra.router_lifetime));
        o += "\n[home_agent.authentication]\n";
        kv("optional_prefixes", list(ha->auth_optional_prefixes));
        kv("replay_window", std::to_string(ha->replay_window));
        o += "\n[home_agent.rate_limit]\n";
        kv("per_source", std::to_string(ha->rate_per_source));
        kv("unregistered_total", std::to_string(ha->rate_unregistered_total));
        for (const auto& sa : ha->security_associations) {
            o += "\n[[home_agent.security_associations]]\n";
            kv("home_address", quote(sa.home_address.to_string()));
            kv("spi", std::to_string(sa.spi));
            kv("algorithm", quote(to_string(sa.algorithm)));
            kv("key_file", quote(sa.key_file.path));
        }
    }
    if (const auto& mn = c.mobile_node) {
        o += "\n[mobile_node]\n";
        kv("home_address", quote(mn->home_address.to_string() + "/" + std::to_string(mn->home_prefix.len)));
        kv("home_agent", quote(mn->home_agent_auto ? std::string("auto") : mn->home_agent.to_string()));
        kv("interface", quote(mn->interface));
        kv("lifetime", std::to_string(mn->lifetime));
        kv("optimistic_dad", b(mn->optimistic_dad));
        kv("rs_on_link_up", b(mn->rs_on_link_up));
        kv("route_optimization", b(mn->route_optimization));
        kv("local_destinations", list(mn->local_destinations));
        if (const auto& sa = mn->authentication) {
            o += "\n[mobile_node.authentication]\n";
            kv("spi", std::to_string(sa->spi));
            kv("algorithm", quote(to_string(sa->algorithm)));
            kv("key_file", quote(sa->key_file.path));
        }
        o += "\n[mobile_node.correspondent_access]\n";
        kv("allow", list(mn->correspondent_access.allow));
        kv("deny", list(mn->correspondent_access.deny));
    }
    if (const auto& cn = c.correspondent) {
        o += "\n[correspondent]\n";
        if (cn->address) kv("address", quote(cn->address->to_string()));
        kv("enabled", b(cn->enabled));
        kv("max_bindings", std::to_string(cn->max_bindings));
        kv("max_binding_lifetime", std::to_string(cn->max_binding_lifetime));
        kv("nonce_rotation", std::to_string(cn->nonce_rotation));
        o += "\n[correspondent.rate_limit]\n";
        kv("per_source", std::to_string(cn->rate_per_source));
        o += "\n[correspondent.access]\n";
        kv("allow", list(cn->access.allow));
        kv("deny", list(cn->access.deny));
    }
    return o;
}

}  // namespace xmip::config
