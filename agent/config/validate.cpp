// SPDX-License-Identifier: BSD-2-Clause
// From raw settings to a Config: defaults, ranges, addresses, and the rules
// that tie keys together. Every problem is collected (not just the first),
// named by file, line and key, and the Config is returned only without errors.
#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <set>

#include "detail.hpp"

namespace xmip::config {

using namespace detail;

namespace {

constexpr unsigned kIfNameMax = 15;          // IFNAMSIZ - 1
constexpr size_t kSunPathMax = 107;          // sizeof(sockaddr_un::sun_path) - 1
constexpr uint32_t kMinRtrAdvMs = 30;        // RFC 6275 7.5
constexpr uint32_t kMaxRtrAdvMinMs = 70;     // RFC 6275 7.5
constexpr uint32_t kMaxRtrAdvMaxMs = 1800000;  // RFC 4861 6.2.1
constexpr int64_t kMaxRouterLifetime = 9000;   // RFC 4861 6.2.1

using Entry = Settings::Entry;
using Item = Settings::Item;

bool valid_ifname(std::string_view n) {
    if (n.empty() || n.size() > kIfNameMax || n == "." || n == "..") return false;
    return std::none_of(n.begin(), n.end(), [](char c) {
        return c == '/' || c == ':' || std::isspace(static_cast<unsigned char>(c)) || c == '\0';
    });
}

const char* ifname_rule = "1 to 15 characters, no '/', ':' or white space";

bool valid_instance(std::string_view n) {
    if (n.empty() || n.size() > kMaxInstanceLength) return false;
    return std::all_of(n.begin(), n.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
    });
}

// Why an address cannot be a home address or home agent address, if it cannot.
const char* unusable_address(const Ip6Address& a) {
    if (a.is_unspecified()) return "the unspecified address";
    if (a.is_loopback()) return "the loopback address";
    if (a.is_multicast()) return "a multicast address";
    if (a.is_link_local()) return "a link-local address";
    if (a.is_v4_mapped()) return "an IPv4-mapped address";
    return nullptr;
}

struct Listen {
    std::string host;
    uint16_t port;
};

// "host:port", "[v6]:port", ":port". Returns the reason when it is not one.
std::variant<Listen, std::string> parse_listen(std::string_view s) {
    std::string_view host, port;
    if (!s.empty() && s[0] == '[') {
        auto close = s.find(']');
        if (close == std::string_view::npos) return std::string("missing ']' after the IPv6 address");
        host = s.substr(1, close - 1);
        if (close + 1 >= s.size() || s[close + 1] != ':') return std::string("expected host:port, e.g. [::1]:9707");
        port = s.substr(close + 2);
        if (!Ip6Address::parse(host)) return quote(host) + " is not an IPv6 address";
    } else {
        auto colon = s.rfind(':');
        if (colon == std::string_view::npos) return std::string("expected host:port, e.g. 127.0.0.1:9707");
        host = s.substr(0, colon);
        port = s.substr(colon + 1);
        if (host.find(':') != std::string_view::npos)
            return std::string("an IPv6 address must be in brackets, e.g. [::1]:9707");
        in_addr a4{};
        if (!host.empty() && inet_pton(AF_INET, std::string(host).c_str(), &a4) != 1)
            return std::string("the host must be an IP address (IPv4, or IPv6 in brackets) or empty for every address");
    }
    unsigned p = 0;
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), p);
    if (port.empty() || ec != std::errc{} || end != port.data() + port.size() || p == 0 || p > 65535)
        return std::string("the port must be a number from 1 to 65535");
    return Listen{std::string(host), static_cast<uint16_t>(p)};
}

struct Validator {
    const std::map<std::string, Entry>& entries;
    const std::map<std::string, unsigned>& tables;  // TOML tables -> header line
    const std::string& file;
    Format format;
    std::vector<Diagnostic>& errors;
    std::vector<Diagnostic>& warnings;

    const Entry* get(std::string_view key) const {
        auto it = entries.find(std::string(key));
        return it == entries.end() ? nullptr : &it->second;
    }
    // Present with a value of the wrong type: reported already, nothing more to say.
    bool broken(std::string_view key) const {
        auto e = get(key);
        return e && std::holds_alternative<std::monostate>(e->value);
    }
    void error(const Entry& e, std::string msg) { errors.push_back({e.file, e.line, e.label, std::move(msg)}); }
    void warn(const Entry& e, std::string msg) { warnings.push_back({e.file, e.line, e.label, std::move(msg)}); }
    void error_item(const Entry& e, size_t i, const Item& it, std::string msg) {
        errors.push_back({e.file, it.line ? it.line : e.line, e.label + "[" + std::to_string(i) + "]", std::move(msg)});
    }

    // Where a table is (its header, or its first key), if it is there at all.
    std::optional<Diagnostic> table_at(std::string_view table) const {
        if (auto it = tables.find(std::string(table)); it != tables.end()) return Diagnostic{file, it->second, std::string(table), ""};
        std::string prefix = std::string(table) + ".";
        for (const auto& [k, e] : entries)
            if (k.compare(0, prefix.size(), prefix) == 0) return Diagnostic{e.file, e.line, std::string(table), ""};
        return std::nullopt;
    }
    unsigned table_line(std::string_view table) const {
        auto it = tables.find(std::string(table));
        return it == tables.end() ? 0 : it->second;
    }

    void missing(const std::string& key, std::string hint = "") {
        std::string msg = "required key is missing" + hint;
        if (format == Format::Legacy) {
            const char* legacy = key == "home_agent.address"         ? "HOMEAGENT=address/prefix-length"
                                 : key == "home_agent.prefixes"      ? "HOMEAGENT=address/prefix-length"
                                 : key == "mobile_node.home_address" ? "HOMEADDRESS=address/prefix-length"
                                 : key == "mobile_node.home_agent"   ? "HOMEAGENT=address"
                                                                     : nullptr;
            if (legacy)
                msg += "; set " + std::string(legacy) + " in the file, or give it as an override (" + key + "=...)";
            else
                msg += "; network-mip6.conf has no equivalent: give it as an override (" + key + "=...)";
        }
        errors.push_back({file, table_line(parent_of(key)), key, msg});
    }

    std::optional<std::string> str(std::string_view key) const {
        if (auto e = get(key))
            if (auto s = std::get_if<std::string>(&e->value)) return *s;
        return std::nullopt;
    }
    std::optional<bool> boolean(std::string_view key) const {
        if (auto e = get(key))
            if (auto b = std::get_if<bool>(&e->value)) return *b;
        return std::nullopt;
    }
    // The value if present and within lo..hi; an error when out of range.
    std::optional<int64_t> integer(std::string_view key, int64_t lo, int64_t hi) {
        auto e = get(key);
        if (!e) return std::nullopt;
        auto v = std::get_if<int64_t>(&e->value);
        if (!v) return std::nullopt;
        if (*v < lo || *v > hi) {
            error(*e, std::to_string(*v) + " is out of range (" + std::to_string(lo) + ".." + std::to_string(hi) + ")");
            return std::nullopt;
        }
        return *v;
    }
    template <typename T>
    void set_int(std::string_view key, T& out, int64_t lo, int64_t hi) {
        if (auto v = integer(key, lo, hi)) out = static_cast<T>(*v);
    }
    void set_bool(std::string_view key, bool& out) {
        if (auto v = boolean(key)) out = *v;
    }
    const std::vector<Item>* list(std::string_view key) const {
        if (auto e = get(key)) return std::get_if<std::vector<Item>>(&e->value);
        return nullptr;
    }

    // One of a fixed set of words; reports and returns nullopt otherwise.
    std::optional<size_t> one_of(std::string_view key, const std::vector<std::string>& words) {
        auto e = get(key);
        auto s = str(key);
        if (!e || !s) return std::nullopt;
        for (size_t i = 0; i < words.size(); i++)
            if (*s == words[i]) return i;
        std::string msg = quote(*s) + " is not one of " + join(words);
        if (auto c = closest(*s, words)) msg += "; did you mean " + quote(*c) + "?";
        error(*e, msg);
        return std::nullopt;
    }

    void site_local_warning(const Entry& e, const Ip6Address& a) {
        if (a.is_site_local())
            warn(e, a.to_string() + " is site-local (fec0::/10, deprecated by RFC 3879); "
                                    "prefer a global or unique local (fc00::/7) address");
    }

    // A unicast address for key (HA address, home agent of an MN).
    std::optional<Ip6Address> unicast(std::string_view key, const char* role_of_address) {
        auto e = get(key);
        auto s = str(key);
        if (!e || !s) return std::nullopt;
        auto a = Ip6Address::parse(*s);
        if (!a) {
            std::string msg = quote(*s) + " is not an IPv6 address";
            if (s->find('/') != std::string::npos) msg += " (write it without a prefix length)";
            error(*e, msg);
            return std::nullopt;
        }
        if (auto why = unusable_address(*a)) {
            error(*e, a->to_string() + " is " + why + "; " + role_of_address + " must be a global unicast address");
            return std::nullopt;
        }
        site_local_warning(*e, *a);
        return a;
    }

    // A list of prefixes written as networks; home: lengths 1..127.
    std::optional<std::vector<Prefix>> prefixes(std::string_view key, bool home) {
        auto e = get(key);
        auto l = list(key);
        if (!e || !l) return std::nullopt;
        std::vector<Prefix> out;
        bool ok = true;
        for (size_t i = 0; i < l->size(); i++) {
            const Item& it = (*l)[i];
            auto p = Prefix::parse(it.text);
            if (!p) {
                error_item(*e, i, it, quote(it.text) + " is not an IPv6 prefix (address/length)");
                ok = false;
            } else if (home && (p->len == 0 || p->len == 128)) {
                error_item(*e, i, it, p->str() + " cannot be a home prefix (its length must be 1 to 127)");
                ok = false;
            } else if (p->has_host_bits()) {
                error_item(*e, i, it,
                           p->str() + " has bits set after the first " + std::to_string(p->len) + "; write " +
                               p->network().str());
                ok = false;
            } else if (std::find(out.begin(), out.end(), *p) != out.end()) {
                error_item(*e, i, it, p->str() + " is listed twice");
                ok = false;
            } else {
                out.push_back(*p);
            }
        }
        if (!ok) return std::nullopt;
        return out;
    }

    std::optional<std::string> ifname(std::string_view key) {
        auto e = get(key);
        auto s = str(key);
        if (!e || !s) return std::nullopt;
        if (!valid_ifname(*s)) {
            error(*e, quote(*s) + " is not an interface name (" + ifname_rule + ")");
            return std::nullopt;
        }
        return s;
    }

    void lifetime_units_warning(std::string_view key, uint32_t v) {
        if (v % 4 != 0)
            warn(*get(key), std::to_string(v) + " is not a multiple of 4: lifetimes travel in 4-second units, so " +
                                std::to_string(v - v % 4) + " s is used");
    }

    std::optional<Role> role() {
        auto e = get("role");
        if (!e) {
            if (format == Format::Legacy)
                errors.push_back({file, 0, "FUNCTIONALITY", "required key is missing (ha, mn or cn)"});
            else
                errors.push_back({file, 0, "role", "required key is missing (\"ha\", \"mn\" or \"correspondent\")"});
            return std::nullopt;
        }
        // "cn" is the guide's FUNCTIONALITY=cn (and what to_toml writes);
        // "correspondent" its long name.
        auto i = one_of("role", {"ha", "mn", "cn", "correspondent"});
        if (!i) return std::nullopt;
        return *i == 0 ? Role::HomeAgent : *i == 1 ? Role::MobileNode : Role::Correspondent;
    }

    void paths(Config& c) {
        c.paths.control_socket = "/run/xmip/" + c.instance + ".sock";
        c.paths.pin_root = kDefaultPinRoot;
        c.paths.state_dir = "/var/lib/xmip/" + c.instance;
        for (auto [key, out] : {std::pair{"paths.control_socket", &c.paths.control_socket},
                                std::pair{"paths.pin_root", &c.paths.pin_root},
                                std::pair{"paths.state_dir", &c.paths.state_dir}}) {
            auto e = get(key);
            auto s = str(key);
            if (!e || !s) continue;
            if (s->empty() || (*s)[0] != '/') {
                error(*e, quote(*s) + " is not an absolute path");
                continue;
            }
            if (std::string_view(key) == "paths.control_socket" && s->size() > kSunPathMax) {
                error(*e, "the path is " + std::to_string(s->size()) + " bytes long; a Unix socket path holds at most " +
                              std::to_string(kSunPathMax));
                continue;
            }
            *out = *s;
        }
    }

    void datapath(Config& c) {
        if (auto i = one_of("datapath.xdp_mode", {"auto", "native", "generic"}))
            c.datapath.xdp_mode = static_cast<XdpMode>(*i);
        set_int("datapath.max_bindings", c.datapath.max_bindings, 1, kMaxMaxBindings);
        set_int("datapath.max_ro_peers", c.datapath.max_ro_peers, 1, kMaxMaxBindings);
        set_int("datapath.max_cn_bindings", c.datapath.max_cn_bindings, 1, kMaxMaxBindings);
        set_int("datapath.tunnel_hop_limit", c.datapath.tunnel_hop_limit, 1, 255);
        set_bool("datapath.keep_forwarding_on_exit", c.datapath.keep_forwarding_on_exit);
        if (auto l = list("datapath.interfaces")) {
            const Entry& e = *get("datapath.interfaces");
            for (size_t i = 0; i < l->size(); i++) {
                const Item& it = (*l)[i];
                if (!valid_ifname(it.text))
                    error_item(e, i, it, quote(it.text) + " is not an interface name (" + ifname_rule + ")");
                else if (std::find(c.datapath.interfaces.begin(), c.datapath.interfaces.end(), it.text) !=
                         c.datapath.interfaces.end())
                    error_item(e, i, it, quote(it.text) + " is listed twice");
                else
                    c.datapath.interfaces.push_back(it.text);
            }
        }
    }

    void cluster(Config& c) {
        if (auto i = one_of("cluster.backend", {"embedded", "etcd"}))
            c.cluster.backend = *i == 0 ? Cluster::Backend::Embedded : Cluster::Backend::Etcd;
        if (auto l = list("cluster.endpoints")) {
            const Entry& e = *get("cluster.endpoints");
            for (size_t i = 0; i < l->size(); i++) {
                const Item& it = (*l)[i];
                std::string_view u = it.text;
                bool scheme = u.starts_with("http://") || u.starts_with("https://");
                if (!scheme || u.size() <= (u.starts_with("https") ? 8u : 7u) || u.ends_with("/"))
                    error_item(e, i, it,
                               quote(it.text) + " is not an etcd client URL (http://host:port or https://host:port)");
                else if (std::find(c.cluster.endpoints.begin(), c.cluster.endpoints.end(), it.text) !=
                         c.cluster.endpoints.end())
                    error_item(e, i, it, quote(it.text) + " is listed twice");
                else
                    c.cluster.endpoints.push_back(it.text);
            }
        }
        if (auto s = str("cluster.prefix")) {
            if (s->size() < 2 || s->front() != '/' || s->back() != '/')
                error(*get("cluster.prefix"), quote(*s) + " is not a key prefix: it starts and ends with '/'");
            else
                c.cluster.prefix = *s;
        }
        for (auto [key, out] :
             {std::pair{"cluster.ca_file", &c.cluster.ca_file}, std::pair{"cluster.cert_file", &c.cluster.cert_file},
              std::pair{"cluster.key_file", &c.cluster.key_file}}) {
            if (auto s = str(key)) {
                if (s->empty() || (*s)[0] != '/')
                    error(*get(key), quote(*s) + " is not an absolute path");
                else
                    *out = *s;
            }
        }
        if (c.cluster.cert_file.empty() != c.cluster.key_file.empty()) {
            const char* set = c.cluster.cert_file.empty() ? "cluster.key_file" : "cluster.cert_file";
            error(*get(set), "cluster.cert_file and cluster.key_file go together (a client certificate and its key)");
        }
        set_int("cluster.dial_timeout", c.cluster.dial_timeout_ms, 50, 60000);
        set_int("cluster.request_timeout", c.cluster.request_timeout_ms, 100, 60000);
        set_int("cluster.binding_lease_slack", c.cluster.binding_lease_slack, 1, 3600);
        set_int("cluster.agent_lease_ttl", c.cluster.agent_lease_ttl, 2, 3600);
        if (auto m = str("cluster.member")) {
            bool ok = !m->empty() && m->size() <= 63 && std::all_of(m->begin(), m->end(), [](char ch) {
                return std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_' || ch == '.';
            });
            if (!ok)
                error(*get("cluster.member"), quote(*m) + " is not a member name (1 to 63 of A-Z a-z 0-9 . _ -)");
            else if (c.cluster.backend != Cluster::Backend::Etcd || c.role != Role::HomeAgent)
                error(*get("cluster.member"), "a fleet member is a home agent with cluster.backend = \"etcd\"");
            else
                c.cluster.member = *m;
        }
        if (auto l = list("cluster.ha_addresses")) {
            const Entry& e = *get("cluster.ha_addresses");
            for (size_t i = 0; i < l->size(); i++) {
                const Item& it = (*l)[i];
                auto a = Ip6Address::parse(it.text);
                if (!a || unusable_address(*a))
                    error_item(e, i, it, quote(it.text) + " is not a global unicast IPv6 address");
                else if (std::find(c.cluster.ha_addresses.begin(), c.cluster.ha_addresses.end(), *a) !=
                         c.cluster.ha_addresses.end())
                    error_item(e, i, it, quote(it.text) + " is listed twice");
                else
                    c.cluster.ha_addresses.push_back(*a);
            }
            if (!c.cluster.ha_addresses.empty() && c.cluster.member.empty())
                error(e, "cluster.ha_addresses are elected among fleet members: set cluster.member too");
        }
        set_int("cluster.heartbeat_port", c.cluster.heartbeat_port, 1, 65535);
        set_int("cluster.failure_detection", c.cluster.failure_detection_ms, 0, 60000);
        if (auto e = get("cluster.failure_detection")) {
            // Useful only below the lease, which moves the address anyway;
            // and the heartbeats (a fifth of it apart) must not be a flood.
            const uint32_t ms = c.cluster.failure_detection_ms;
            if (ms != 0 && ms < 100)
                error(*e, std::to_string(ms) +
                              " ms is too short to tell a dead member from a late one: 0 (off) or 100 and up");
            else if (ms != 0 && ms >= c.cluster.agent_lease_ttl * 1000)
                error(*e, std::to_string(ms) + " ms is not below cluster.agent_lease_ttl (" +
                              std::to_string(c.cluster.agent_lease_ttl) + " s), which moves the address by itself");
        }
        if (c.cluster.backend == Cluster::Backend::Etcd && c.cluster.endpoints.empty()) {
            if (auto e = get("cluster.backend"))
                error(*e, "backend \"etcd\" needs cluster.endpoints (the members' client URLs)");
        }
    }

    void metrics(Config& c) {
        c.metrics.listen = c.role == Role::HomeAgent    ? kDefaultHaMetrics
                           : c.role == Role::MobileNode ? kDefaultMnMetrics
                                                        : kDefaultCnMetrics;
        if (auto s = str("metrics.listen")) c.metrics.listen = *s;
        if (c.metrics.listen.empty()) return;
        // One address or several, comma separated: "[::]:9707" (IPv6 and
        // IPv4), "127.0.0.1:9707,[::1]:9707".
        std::string_view rest = c.metrics.listen;
        while (true) {
            auto comma = rest.find(',');
            std::string one(trim(rest.substr(0, comma)));
            auto r = parse_listen(one);
            if (auto l = std::get_if<Listen>(&r)) {
                ListenAddress a{l->host, l->port};
                if (std::find(c.metrics.addresses.begin(), c.metrics.addresses.end(), a) != c.metrics.addresses.end())
                    error(*get("metrics.listen"), quote(one) + " is listed twice");
                else
                    c.metrics.addresses.push_back(a);
            } else {
                error(*get("metrics.listen"), quote(one) + ": " + std::get<std::string>(r));
            }
            if (comma == std::string_view::npos) break;
            rest.remove_prefix(comma + 1);
        }
        if (!c.metrics.addresses.empty()) {
            c.metrics.host = c.metrics.addresses.front().host;
            c.metrics.port = c.metrics.addresses.front().port;
        }
    }

    // Interfaces: the role's interface must be one of them.
    void interfaces_include(Config& c, const std::string& name, const char* key) {
        auto e = get("datapath.interfaces");
        if (!e || broken("datapath.interfaces")) return;
        if (std::find(c.datapath.interfaces.begin(), c.datapath.interfaces.end(), name) == c.datapath.interfaces.end())
            error(*e, std::string("must include ") + key + " (" + quote(name) + ")");
    }

    void home_agent(Config& c) {
        if (broken("home_agent")) return;
        if (format == Format::Toml && !table_at("home_agent")) {
            errors.push_back({file, 0, "home_agent", "required table is missing (role = \"ha\")"});
            return;
        }
        HomeAgent ha;
        ha.max_bindings = c.datapath.max_bindings;

        auto addr = unicast("home_agent.address", "the home agent address");
        if (!get("home_agent.address")) missing("home_agent.address");
        if (addr) ha.address = *addr;

        auto link = ifname("home_agent.home_link");
        if (!get("home_agent.home_link")) missing("home_agent.home_link");
        if (link) ha.home_link = *link;

        auto pfx = prefixes("home_agent.prefixes", true);
        if (!get("home_agent.prefixes")) {
            missing("home_agent.prefixes");
        } else if (pfx && pfx->empty()) {
            error(*get("home_agent.prefixes"), "at least one home prefix is needed");
        } else if (pfx) {
            ha.prefixes = *pfx;
            if (addr &&
                std::none_of(pfx->begin(), pfx->end(), [&](const Prefix& p) { return p.contains(addr->to_in6()); }))
                error(*get("home_agent.prefixes"),
                      "none of the home prefixes contains home_agent.address " + addr->to_string());
        }

        // Renumbering (RFC 6275 10.6.2): still served, advertised with a
        // preferred lifetime of 0 so that mobile nodes move to another.
        if (auto l = home_prefix_subset("home_agent.deprecated_prefixes", pfx)) ha.deprecated_prefixes = *l;

        if (auto v = integer("home_agent.max_binding_lifetime", 4, kMaxBindingLifetime)) {
            ha.max_binding_lifetime = static_cast<uint32_t>(*v);
            lifetime_units_warning("home_agent.max_binding_lifetime", ha.max_binding_lifetime);
        }
        if (auto e = get("home_agent.max_bindings")) {
            if (auto v = integer("home_agent.max_bindings", 1, kMaxMaxBindings)) {
                if (*v > c.datapath.max_bindings)
                    error(*e, std::to_string(*v) + " exceeds datapath.max_bindings (" +
                                  std::to_string(c.datapath.max_bindings) + "), the size of the binding map");
                else
                    ha.max_bindings = static_cast<uint32_t>(*v);
            }
        }
        set_int("home_agent.preference", ha.preference, INT16_MIN, INT16_MAX);
        set_int("home_agent.lifetime", ha.lifetime, 1, 65535);
        if (auto i = one_of("home_agent.nd_proxy", {"datapath", "kernel"})) ha.nd_proxy_in_datapath = *i == 0;
        if (auto v = integer("home_agent.refresh_advice", 0, kMaxBindingLifetime)) {
            lifetime_units_warning("home_agent.refresh_advice", static_cast<uint32_t>(*v));
            ha.refresh_advice = static_cast<uint32_t>(*v) / 4 * 4;
        }

        for (auto [key, out] : {std::pair{"home_agent.access.allow", &ha.access.allow},
                                std::pair{"home_agent.access.deny", &ha.access.deny}}) {
            auto l = prefixes(key, false);
            if (!l) continue;
            const Entry& e = *get(key);
            for (size_t i = 0; i < l->size(); i++) {
                if (pfx && std::none_of(pfx->begin(), pfx->end(), [&](const Prefix& p) { return p.overlaps((*l)[i]); }))
                    error_item(e, i, std::get<std::vector<Item>>(e.value)[i],
                               (*l)[i].str() + " overlaps none of the home prefixes, so it can never match");
            }
            *out = *l;
        }

        auto& ra = ha.router_advertisements;
        const std::string rp = "home_agent.router_advertisements.";
        set_bool(rp + "enabled", ra.enabled);
        set_bool(rp + "interval_option", ra.interval_option);
        set_int(rp + "max_interval_ms", ra.max_interval_ms, kMaxRtrAdvMinMs, kMaxRtrAdvMaxMs);
        // RFC 4861 6.2.1 defaults: MinRtrAdvInterval 0.33 x Max, router lifetime 3 x Max.
        ra.min_interval_ms = std::max(kMinRtrAdvMs, ra.max_interval_ms / 3);
        if (auto v = integer(rp + "min_interval_ms", kMinRtrAdvMs, kMaxRtrAdvMaxMs)) {
            if (*v * 4 > int64_t{ra.max_interval_ms} * 3)
                error(*get(rp + "min_interval_ms"),
                      std::to_string(*v) + " is more than 0.75 x max_interval_ms (" + std::to_string(ra.max_interval_ms) +
                          "); RFC 4861 6.2.1 bounds MinRtrAdvInterval so");
            else
                ra.min_interval_ms = static_cast<uint32_t>(*v);
        }
        uint32_t max_s = (ra.max_interval_ms + 999) / 1000;
        ra.router_lifetime = static_cast<uint16_t>((3 * ra.max_interval_ms + 999) / 1000);
        if (auto v = integer(rp + "router_lifetime", 0, kMaxRouterLifetime)) {
            if (*v != 0 && *v < max_s)
                error(*get(rp + "router_lifetime"),
                      std::to_string(*v) + " is shorter than max_interval_ms (" + std::to_string(ra.max_interval_ms) +
                          " ms); use 0 (not a default router) or at least " + std::to_string(max_s));
            else
                ra.router_lifetime = static_cast<uint16_t>(*v);
        }
        set_int(rp + "prefix_valid_lifetime", ra.prefix_valid_lifetime, 0, UINT32_MAX);
        if (auto v = integer(rp + "prefix_preferred_lifetime", 0, UINT32_MAX)) {
            if (*v > ra.prefix_valid_lifetime)
                error(*get(rp + "prefix_preferred_lifetime"),
                      std::to_string(*v) + " exceeds prefix_valid_lifetime (" +
                          std::to_string(ra.prefix_valid_lifetime) + ")");
            else
                ra.prefix_preferred_lifetime = static_cast<uint32_t>(*v);
        }

        home_agent_authentication(ha, pfx);

        if (!get("datapath.interfaces")) {
            errors.push_back({file, table_line("datapath"), "datapath.interfaces",
                              std::string("required key is missing for a home agent (every interface it forwards on, "
                                          "the home link included)") +
                                  (format == Format::Legacy
                                       ? "; network-mip6.conf has no equivalent: give it as an override "
                                         "(datapath.interfaces=eth0,eth1)"
                                       : "")});
        } else if (c.datapath.interfaces.empty() && list("datapath.interfaces") && list("datapath.interfaces")->empty()) {
            error(*get("datapath.interfaces"), "a home agent needs at least one interface");
        } else if (link) {
            interfaces_include(c, *link, "home_agent.home_link");
        }
        c.home_agent = ha;
    }

    // A correspondent node: every key optional (FUNCTIONALITY=cn has none).
    void correspondent(Config& c) {
        if (broken("correspondent")) return;
        Correspondent cn;
        if (get("correspondent.address"))
            if (auto a = unicast("correspondent.address", "the correspondent address")) cn.address = *a;
        set_bool("correspondent.enabled", cn.enabled);
        set_int("correspondent.max_bindings", cn.max_bindings, 1, kMaxMaxBindings);
        if (auto v = integer("correspondent.max_binding_lifetime", 4, kMaxRrBindingLifetime)) {
            cn.max_binding_lifetime = static_cast<uint32_t>(*v);
            lifetime_units_warning("correspondent.max_binding_lifetime", cn.max_binding_lifetime);
        }
        set_int("correspondent.nonce_rotation", cn.nonce_rotation, 1, kMaxNonceRotation);
        if (cn.nonce_rotation > kDefaultNonceRotation)
            if (auto e = get("correspondent.nonce_rotation"))
                warn(*e, std::to_string(cn.nonce_rotation) + " s is more than " +
                             std::to_string(kDefaultNonceRotation) +
                             " s: a token handed out late in a nonce's life expires before the 210 s a mobile "
                             "node may use it (RFC 6275 5.2.7), costing it a new return routability test");
        set_int("correspondent.rate_limit.per_source", cn.rate_per_source, 1, kMaxUpdateRate);
        for (auto [key, out] : {std::pair{"correspondent.access.allow", &cn.access.allow},
                                std::pair{"correspondent.access.deny", &cn.access.deny}})
            if (auto l = prefixes(key, false)) *out = *l;
        if (!get("datapath.interfaces"))
            errors.push_back(
                {file, table_line("datapath"), "datapath.interfaces",
                 std::string("required key is missing for a correspondent (the interfaces its "
                             "signalling arrives on)") +
                     (format == Format::Legacy ? "; network-mip6.conf has no equivalent: give it as an override "
                                                 "(datapath.interfaces=eth0)"
                                               : "")});
        else if (c.datapath.interfaces.empty() && list("datapath.interfaces") && list("datapath.interfaces")->empty())
            error(*get("datapath.interfaces"), "a correspondent needs at least one interface");
        c.correspondent = cn;
    }

    void mobile_node(Config& c) {
        if (broken("mobile_node")) return;
        if (format == Format::Toml && !table_at("mobile_node")) {
            errors.push_back({file, 0, "mobile_node", "required table is missing (role = \"mn\")"});
            return;
        }
        MobileNode mn;
        std::optional<Prefix> hoa;
        if (auto e = get("mobile_node.home_address")) {
            auto s = str("mobile_node.home_address");
            if (s && s->find('/') == std::string::npos) {
                if (Ip6Address::parse(*s))
                    error(*e, quote(*s) + " needs the home prefix length, e.g. " + *s + "/64");
                else
                    error(*e, quote(*s) + " is not an IPv6 address with a prefix length");
            } else if (s && !(hoa = Prefix::parse(*s))) {
                error(*e, quote(*s) + " is not an IPv6 address with a prefix length");
            } else if (s && (hoa->len == 0 || hoa->len == 128)) {
                error(*e, quote(*s) + ": the home prefix length must be 1 to 127");
                hoa.reset();
            } else if (s) {
                auto address = Ip6Address::from_in6(hoa->addr);
                if (auto why = unusable_address(address)) {
                    error(*e, address.to_string() + " is " + why + "; a home address must be a global unicast address");
                    hoa.reset();
                } else if (!hoa->has_host_bits()) {
                    error(*e, hoa->str() + " is the Subnet-Router anycast address of its prefix, not a home address");
                    hoa.reset();
                } else {
                    site_local_warning(*e, address);
                    mn.home_address = address;
                    mn.home_prefix = hoa->network();
                }
            }
        } else {
            missing("mobile_node.home_address");
        }

        // "auto", or no HOMEAGENT in the guide's file: Dynamic Home Agent
        // Address Discovery (RFC 6275 11.4.1) from the care-of address.
        if (auto s = str("mobile_node.home_agent"); s && *s == "auto") {
            mn.home_agent_auto = true;
        } else if (!get("mobile_node.home_agent") && format == Format::Legacy) {
            mn.home_agent_auto = true;
        } else if (!get("mobile_node.home_agent")) {
            missing("mobile_node.home_agent", " (an address, or \"auto\" to discover one)");
        } else if (auto ha = unicast("mobile_node.home_agent", "the home agent address")) {
            const Entry& e = *get("mobile_node.home_agent");
            if (hoa && core::same_addr(ha->to_in6(), hoa->addr))
                error(e, ha->to_string() + " is also mobile_node.home_address");
            else if (hoa && !hoa->contains(ha->to_in6()))
                warn(e, ha->to_string() + " is not on the home prefix " + hoa->network().str() +
                            "; a home agent is a router on the home link (RFC 6275 10.1)");
            mn.home_agent = *ha;
        }

        auto ifn = ifname("mobile_node.interface");
        if (!get("mobile_node.interface")) missing("mobile_node.interface", " (the physical interface the node moves with)");
        if (ifn) mn.interface = *ifn;

        if (auto v = integer("mobile_node.lifetime", 4, kMaxBindingLifetime)) {
            mn.lifetime = static_cast<uint32_t>(*v);
            lifetime_units_warning("mobile_node.lifetime", mn.lifetime);
        }
        set_bool("mobile_node.optimistic_dad", mn.optimistic_dad);
        set_bool("mobile_node.rs_on_link_up", mn.rs_on_link_up);
        set_bool("mobile_node.route_optimization", mn.route_optimization);
        for (auto [key, out] : {std::pair{"mobile_node.correspondent_access.allow", &mn.correspondent_access.allow},
                                std::pair{"mobile_node.correspondent_access.deny", &mn.correspondent_access.deny}})
            if (auto l = prefixes(key, false)) *out = *l;
        if (get("mobile_node.local_destinations"))
            if (auto l = prefixes("mobile_node.local_destinations", false)) mn.local_destinations = *l;
        if (table_at("mobile_node.authentication")) {
            mn.authentication = association("mobile_node.authentication");
            if (mn.authentication) mn.authentication->home_address = mn.home_address;
        } else {
            warnings.push_back({file, table_line("mobile_node"), "mobile_node.authentication",
                                "UNAUTHENTICATED: no security association with the home agent; Binding Updates are "
                                "sent without RFC 4285 authentication, and a home agent that requires it refuses "
                                "them (146); set mobile_node.authentication.spi and .key_file (docs/security.md)"});
        }

        if (ifn) {
            if (!get("datapath.interfaces")) c.datapath.interfaces = {*ifn};
            else interfaces_include(c, *ifn, "mobile_node.interface");
        }
        c.mobile_node = mn;
    }

    // spi, algorithm and key_file of a security association under `table`
    // ("mobile_node.authentication", "home_agent.security_associations[2]").
    std::optional<SecurityAssociation> association(const std::string& table) {
        SecurityAssociation sa;
        bool ok = true;
        const std::string spi = table + ".spi", alg = table + ".algorithm", key = table + ".key_file";
        if (!get(spi)) {
            missing(spi, " (the Mobility SPI, " + std::to_string(kMinSpi) + " to 4294967295)");
            ok = false;
        } else if (auto v = integer(spi, kMinSpi, UINT32_MAX)) {
            sa.spi = static_cast<uint32_t>(*v);
        } else {
            ok = false;
        }
        if (get(alg)) {
            if (auto i = one_of(alg, {"hmac-sha1-96", "hmac-sha256-128"})) sa.algorithm = static_cast<AuthAlgorithm>(*i);
            else ok = false;
        }
        if (!get(key)) {
            missing(key, " (a file holding the shared key in hex, readable by its owner only)");
            ok = false;
        } else if (auto p = str(key)) {
            if (p->empty() || (*p)[0] != '/') {
                error(*get(key), quote(*p) + " is not an absolute path");
                ok = false;
            } else {
                const Entry& e = *get(key);
                sa.key_file = KeyFile{*p, e.file, e.line, e.label};
            }
        } else {
            ok = false;
        }
        if (!ok) return std::nullopt;
        return sa;
    }

    // A list whose every item must be one of the home prefixes (pfx, when
    // they parsed): each stranger is an error of its own.
    std::optional<std::vector<Prefix>> home_prefix_subset(std::string_view key,
                                                          const std::optional<std::vector<Prefix>>& pfx) {
        auto l = prefixes(key, true);
        if (!l) return std::nullopt;
        const Entry& e = *get(key);
        for (size_t i = 0; i < l->size(); i++)
            if (pfx && std::find(pfx->begin(), pfx->end(), (*l)[i]) == pfx->end())
                error_item(e, i, std::get<std::vector<Item>>(e.value)[i],
                           (*l)[i].str() + " is not one of home_agent.prefixes");
        return l;
    }

    void home_agent_authentication(HomeAgent& ha, const std::optional<std::vector<Prefix>>& pfx) {
        if (auto l = home_prefix_subset("home_agent.authentication.optional_prefixes", pfx))
            ha.auth_optional_prefixes = *l;
        set_int("home_agent.authentication.replay_window", ha.replay_window, 1, kMaxReplayWindow);
        set_int("home_agent.rate_limit.per_source", ha.rate_per_source, 1, kMaxUpdateRate);
        set_int("home_agent.rate_limit.unregistered_total", ha.rate_unregistered_total, 1, kMaxUpdateRate);

        const std::string arr = "home_agent.security_associations";
        auto count = get(arr) ? std::get_if<int64_t>(&get(arr)->value) : nullptr;
        // The home addresses that have one already: a set, not a scan of
        // the list per entry (10^5 associations took minutes to check).
        std::set<Ip6Address> taken;
        for (int64_t i = 0; count && i < *count; i++) {
            const std::string t = arr + "[" + std::to_string(i) + "]";
            const std::string hoa_key = t + ".home_address";
            std::optional<Ip6Address> hoa;
            if (!get(hoa_key)) missing(hoa_key, " (the mobile node's home address)");
            else hoa = unicast(hoa_key, "a home address");
            auto sa = association(t);
            if (!hoa || !sa) continue;
            const Entry& e = *get(hoa_key);
            if (pfx &&
                std::none_of(pfx->begin(), pfx->end(), [&](const Prefix& p) { return p.contains(hoa->to_in6()); })) {
                error(e, hoa->to_string() + " is on none of the home prefixes");
                continue;
            }
            if (!taken.insert(*hoa).second) {
                error(e, hoa->to_string() + " has a security association already");
                continue;
            }
            sa->home_address = *hoa;
            ha.security_associations.push_back(*sa);
        }
        if (pfx) security_coverage(ha, *pfx);
    }

    // What signalling is left unprotected, said before the daemon starts
    // (docs/security.md): a home prefix open to unauthenticated Binding
    // Updates, or one for which every Binding Update will be refused.
    void security_coverage(const HomeAgent& ha, const std::vector<Prefix>& pfx) {
        const Entry* where = get("home_agent.authentication.optional_prefixes");
        if (!where) where = get("home_agent.prefixes");
        for (const auto& p : pfx) {
            bool optional = std::find(ha.auth_optional_prefixes.begin(), ha.auth_optional_prefixes.end(), p) !=
                            ha.auth_optional_prefixes.end();
            auto n = std::count_if(ha.security_associations.begin(), ha.security_associations.end(),
                                   [&](const SecurityAssociation& sa) { return p.contains(sa.home_address.to_in6()); });
            if (optional)
                warn(*where, "UNAUTHENTICATED: Binding Updates for home addresses on " + p.str() +
                                 (n ? " without a security association" : "") +
                                 " are accepted without RFC 4285 authentication; anyone who can reach the home agent "
                                 "can redirect their traffic (docs/security.md)");
            else if (n == 0)
                warn(*where, "no security association for a home address on " + p.str() +
                                 ": every Binding Update for it will be refused (status 146); add "
                                 "[[home_agent.security_associations]] (home_agent.security_associations[0].spi=..., "
                                 "home_address=..., key_file=...), or list the prefix in "
                                 "home_agent.authentication.optional_prefixes to run unauthenticated");
        }
    }

    // A table of the other role is a mistake, not something to ignore.
    void foreign_table(std::string_view table, const char* role) {
        if (auto at = table_at(table))
            errors.push_back({at->file, at->line, std::string(table),
                              std::string("only valid when role = \"") + role + "\""});
    }
};

}  // namespace

LoadResult Settings::validate() const {
    LoadResult r;
    r.format = format_;
    r.errors = errors_;
    r.warnings = warnings_;
    auto entries = effective_entries(r.errors, r.warnings);
    if (!fatal_) {
        Validator v{entries, file_tables_, name_, format_, r.errors, r.warnings};
        Config c;
        auto role = v.role();
        if (role) c.role = *role;
        c.instance = role ? to_string(*role) : "xmip";
        if (auto e = v.get("instance")) {
            auto s = v.str("instance");
            if (s && valid_instance(*s))
                c.instance = *s;
            else if (s)
                v.error(*e, quote(*s) + " is not a valid instance name (1 to 32 characters from A-Z a-z 0-9 _ -)");
        }
        if (auto i = v.one_of("log_level", {"error", "warn", "info", "debug"})) c.log_level = static_cast<LogLevel>(*i);
        v.paths(c);
        v.datapath(c);
        v.cluster(c);
        if (role) {
            v.metrics(c);
            if (*role == Role::HomeAgent) {
                v.foreign_table("mobile_node", "mn");
                v.foreign_table("correspondent", "correspondent");
                v.home_agent(c);
            } else if (*role == Role::MobileNode) {
                v.foreign_table("home_agent", "ha");
                v.foreign_table("correspondent", "correspondent");
                v.mobile_node(c);
            } else {
                v.foreign_table("home_agent", "ha");
                v.foreign_table("mobile_node", "mn");
                v.correspondent(c);
            }
        }
        if (r.errors.empty()) r.config = std::move(c);
    }
    // File order; what has no line (missing keys, overrides) after.
    auto by_line = [](const Diagnostic& a, const Diagnostic& b) {
        return std::pair{a.line == 0, a.line} < std::pair{b.line == 0, b.line};
    };
    std::stable_sort(r.errors.begin(), r.errors.end(), by_line);
    std::stable_sort(r.warnings.begin(), r.warnings.end(), by_line);
    if (!r.errors.empty()) r.config.reset();
    for (const auto& [k, e] : entries) {
        r.origins[k] = Diagnostic{e.file, e.line, e.label, ""};
        if (auto items = std::get_if<std::vector<Item>>(&e.value))
            for (size_t i = 0; i < items->size(); i++)
                r.origins[k + "[" + std::to_string(i) + "]"] =
                    Diagnostic{e.file, (*items)[i].line ? (*items)[i].line : e.line, e.label + "[" + std::to_string(i) + "]", ""};
    }
    return r;
}

}  // namespace xmip::config
