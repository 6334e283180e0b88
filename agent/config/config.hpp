// SPDX-License-Identifier: BSD-2-Clause
// xmipd's configuration: one validated Config, read from a TOML file or from
// the network-mip6.conf files of MIPL (the old Linux MIPv6 stack), plus
// command-line overrides.
//
//   auto r = xmip::config::load("/etc/xmip/ha.toml", {"datapath.interfaces=eth0,eth1"});
//   for (auto& w : r.warnings) log(w.to_string());
//   if (!r.ok()) { for (auto& e : r.errors) print(e.to_string()); exit(2); }
//   const Config& cfg = *r.config;
//
// Nothing here prints, touches the network or the file system (but for
// reading the file in load()): problems come back as Diagnostics naming the
// file, the line and the key, e.g.
//   ha.toml:12: home_agent.address: "2001:db8::zz" is not an IPv6 address
// Every key, its default and its meaning: docs/configuration.md.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/log.hpp"
#include "core/mip6_constants.hpp"
#include "core/role.hpp"
#include "core/xdp_mode.hpp"
#include "ip6.hpp"

namespace xmip::config {

// ---------------------------------------------------------------------------
// The model.

using Role = core::Role;
// The vocabulary shared with the daemon and the datapath (core/).
using core::LogLevel;
using core::XdpMode;

const char* to_string(Role r);  // "ha", "mn"

// Limits and defaults (docs/configuration.md explains each).
inline constexpr uint32_t kMaxInstanceLength = 32;
inline constexpr uint32_t kDefaultMaxBindings = 65536;        // = XMIP_DEFAULT_MAX_BINDINGS
inline constexpr uint32_t kDefaultMaxRoPeers = 1024;          // = XMIP_DEFAULT_MAX_RO_PEERS
inline constexpr uint32_t kDefaultMaxCnBindings = 65536;      // = XMIP_DEFAULT_MAX_CN_BINDINGS
inline constexpr uint32_t kMaxMaxBindings = 16u * 1024 * 1024;
inline constexpr uint8_t kDefaultTunnelHopLimit = 64;         // = XMIP_DEFAULT_TUNNEL_HOP_LIMIT
inline constexpr uint32_t kMaxBindingLifetime = 262140;       // 16 bits of 4 s units
inline constexpr uint32_t kDefaultMnLifetime = 600;
inline constexpr uint16_t kDefaultHaLifetime = 1800;
inline constexpr const char* kDefaultPinRoot = "/sys/fs/bpf/xmip";
inline constexpr const char* kDefaultHaMetrics = "127.0.0.1:9707";
inline constexpr const char* kDefaultMnMetrics = "127.0.0.1:9708";
inline constexpr const char* kDefaultCnMetrics = "127.0.0.1:9709";
using core::kMaxRrBindingLifetime;  // RFC 6275 12 MAX_RR_BINDING_LIFETIME
inline constexpr uint32_t kDefaultCnMaxBindings = 4096;
inline constexpr uint32_t kDefaultNonceRotation = 30;  // s: MAX_NONCE_LIFETIME - MAX_TOKEN_LIFETIME
inline constexpr uint32_t kMaxNonceRotation = 240;     // MAX_NONCE_LIFETIME

struct Paths {
    std::string control_socket;  // default /run/xmip/<instance>.sock
    std::string pin_root;        // default /sys/fs/bpf/xmip (maps in pin_root/<instance>)
    std::string state_dir;       // default /var/lib/xmip/<instance>
    bool operator==(const Paths&) const = default;
};

struct Datapath {
    std::vector<std::string> interfaces;  // HA: required; MN: default {mobile_node.interface}
    XdpMode xdp_mode = XdpMode::Auto;
    uint32_t max_bindings = kDefaultMaxBindings;  // binding map size, 1..16M
    uint8_t tunnel_hop_limit = kDefaultTunnelHopLimit;
    bool keep_forwarding_on_exit = true;  // Datapath::keep_attached() on a clean stop with bindings
    // Last, so positional initialisers of the fields above stay valid.
    // Route optimisation (docs/route-optimisation.md): the mobile node's
    // optimised peers and the correspondent's binding cache, 1..16M each.
    uint32_t max_ro_peers = kDefaultMaxRoPeers;
    uint32_t max_cn_bindings = kDefaultMaxCnBindings;
    bool operator==(const Datapath&) const = default;
};

struct ListenAddress {
    std::string host;  // "" (every address, IPv6 and IPv4), "127.0.0.1", "::" or "::1" (no brackets)
    uint16_t port = 0;
    bool operator==(const ListenAddress&) const = default;
};

struct Metrics {
    std::string listen;  // as configured; "" = no metrics endpoint; addresses comma separated
    std::vector<ListenAddress> addresses;  // parsed, in order
    std::string host;    // the first address's host (no brackets)
    uint16_t port = 0;   // the first address's port; 0 when disabled
    bool enabled() const { return !listen.empty(); }
    bool operator==(const Metrics&) const = default;
};

struct RouterAdvertisements {
    bool enabled = true;
    uint32_t min_interval_ms = 1000;  // MinRtrAdvInterval, >= 30 (RFC 6275 7.5)
    uint32_t max_interval_ms = 3000;  // MaxRtrAdvInterval, >= 70 (RFC 6275 7.5)
    bool interval_option = true;      // Advertisement Interval option (RFC 6275 7.3)
    uint32_t prefix_valid_lifetime = 12000;      // s, Prefix Information option
    uint32_t prefix_preferred_lifetime = 10000;  // s
    uint16_t router_lifetime = 9;  // s; default 3 x max_interval rounded up; 0 = not a default router
    bool operator==(const RouterAdvertisements&) const = default;
};

// Which home addresses may register (RFC 6275 10.3.1). The most specific
// matching prefix of allow and deny decides (deny on a tie); an address that
// matches none is accepted when allow is empty, refused otherwise.
struct Access {
    std::vector<Prefix> allow;
    std::vector<Prefix> deny;
    bool operator==(const Access&) const = default;
};

enum class HomeAddressCheck {
    Accepted,
    NotHomeSubnet,  // on none of the home prefixes: BA status 132
    Prohibited,     // refused by home_agent.access: BA status 129
};

// RFC 4285 MN-HA authentication (docs/security.md).
enum class AuthAlgorithm { HmacSha1_96, HmacSha256_128 };
const char* to_string(AuthAlgorithm a);  // "hmac-sha1-96", "hmac-sha256-128"
inline constexpr uint32_t kDefaultReplayWindow = 7;  // s, RFC 4285 6
inline constexpr uint32_t kMaxReplayWindow = 3600;
inline constexpr int64_t kMinSpi = 256;  // RFC 4285 reserves 0-255
inline constexpr uint32_t kDefaultUpdateRatePerSource = 3;       // RFC 6275 12 MAX_UPDATE_RATE
inline constexpr uint32_t kDefaultUnregisteredUpdateRate = 500;  // all unregistered sources together
inline constexpr uint32_t kMaxUpdateRate = 1000000;

// A key file as configured, and where: read_keys() names that place when the
// file is unusable. Two references are equal when they name the same path.
struct KeyFile {
    std::string path;
    std::string file;   // the configuration file that named it
    unsigned line = 0;
    std::string label;  // "mobile_node.authentication.key_file", ...
    bool operator==(const KeyFile& o) const { return path == o.path; }
};

// A mobility security association with one mobile node (RFC 4285 5.1).
struct SecurityAssociation {
    Ip6Address home_address;
    uint32_t spi = 0;
    AuthAlgorithm algorithm = AuthAlgorithm::HmacSha1_96;
    KeyFile key_file;
    std::vector<uint8_t> key;  // empty until read_keys()
    bool operator==(const SecurityAssociation&) const = default;
};

// The home agent's settings, its security associations aside: what the
// parts that do not authenticate keep a copy of (a copy of 10^6
// associations is about 300 MB: docs/performance.md, "The per-wakeup cost
// and the heap").
struct HomeAgentSettings {
    Ip6Address address;                // the HA address mobile nodes register with
    std::string home_link;             // interface on the home link (RAs, proxy ND)
    std::vector<Prefix> prefixes;      // home prefixes (networks: no host bits); one holds address
    // Home prefixes being renumbered away from: each one of prefixes,
    // advertised with preferred lifetime 0 (RFC 6275 10.6.2).
    std::vector<Prefix> deprecated_prefixes;
    uint32_t max_binding_lifetime = kMaxBindingLifetime;  // s granted at most
    uint32_t max_bindings = kDefaultMaxBindings;          // binding cache limit (default datapath.max_bindings)
    int16_t preference = 0;            // Home Agent Information option
    uint16_t lifetime = kDefaultHaLifetime;  // s, Home Agent Information option, 1..65535
    Access access;
    RouterAdvertisements router_advertisements;
    // Authentication is required on every home prefix but these (where a
    // home address without a security association may register without).
    std::vector<Prefix> auth_optional_prefixes;
    uint32_t replay_window = kDefaultReplayWindow;  // s either side of our clock
    // Binding Updates per second (docs/security.md): from one source, and
    // from all sources that are not the care-of address of their binding.
    uint32_t rate_per_source = kDefaultUpdateRatePerSource;
    uint32_t rate_unregistered_total = kDefaultUnregisteredUpdateRate;
    // Binding Refresh Advice (RFC 6275 6.2.4) in accepting BAs: refresh
    // this often (s, a multiple of 4); 0 = no advice.
    uint32_t refresh_advice = 0;
    // Who answers Neighbour Solicitations for bound home addresses on the
    // home link: the XDP program from the bindings map (default), or one
    // kernel proxy entry per binding (each costs O(N) to add:
    // docs/performance.md, "Proxy Neighbour Discovery at 10^5 bindings").
    bool nd_proxy_in_datapath = true;

    HomeAddressCheck check_home_address(const in6_addr& hoa) const;
    bool operator==(const HomeAgentSettings&) const = default;
};

struct HomeAgent : HomeAgentSettings {
    std::vector<SecurityAssociation> security_associations;  // one per home address
    bool operator==(const HomeAgent&) const = default;
};

struct MobileNode {
    Ip6Address home_address;
    Prefix home_prefix;      // derived: home_address's network at the configured length
    Ip6Address home_agent;   // :: when home_agent_auto
    std::string interface;   // the physical interface the node moves with
    uint32_t lifetime = kDefaultMnLifetime;  // requested binding lifetime, s
    bool optimistic_dad = true;  // care-of addresses usable before DAD ends (RFC 4429)
    bool rs_on_link_up = true;   // send a Router Solicitation when the link comes up
    std::optional<SecurityAssociation> authentication;  // with the home agent
    // mobile_node.home_agent = "auto" (or no HOMEAGENT in the legacy file):
    // found by Dynamic Home Agent Address Discovery (RFC 6275 11.4.1).
    bool home_agent_auto = false;
    // Route optimisation (RFC 6275 11.6, the guide's FAQ 4 switch): return
    // routability and a binding with correspondents whose traffic goes
    // through the tunnel; off, everything stays in the tunnel. On by default,
    // as MIPL's accept_return_routability, which the guide's FAQ 4 turns off
    // (tested on a link by e2e_mn_route_optimisation).
    bool route_optimization = true;
    Access correspondent_access;  // by correspondent address: longest match of allow / deny (deny on a tie)
    bool optimises(const in6_addr& correspondent) const;
    // Away, what stays on the visited link from the care-of address; all
    // else leaves from the home address through the tunnel (issue 18 item 4).
    std::vector<Prefix> local_destinations{};
    bool operator==(const MobileNode&) const = default;
};

// The correspondent node (route optimisation, RFC 6275 9): which peers may
// get a binding, how many, for how long.
struct Correspondent {
    // Where mobile nodes reach it; none: every global address of
    // datapath.interfaces at start.
    std::optional<Ip6Address> address;
    bool enabled = true;  // off: HoTI, CoTI and BUs are dropped (counted); the peers use their tunnel
    uint32_t max_bindings = kDefaultCnMaxBindings;           // correspondent binding cache limit
    uint32_t max_binding_lifetime = kMaxRrBindingLifetime;   // s, at most 420
    uint32_t nonce_rotation = kDefaultNonceRotation;         // s, a new nonce this often
    uint32_t rate_per_source = kDefaultUpdateRatePerSource;  // HoTI + CoTI + BU per second per source
    Access access;  // by home address: longest match of allow / deny (deny on a tie)

    bool allows(const in6_addr& hoa) const;
    bool operator==(const Correspondent&) const = default;
};

// Where the binding store lives (docs/scale-out.md): the embedded SQLite
// store under paths.state_dir (the default, nothing to set up), or etcd,
// shared by a fleet of home agents.
inline constexpr uint32_t kDefaultEtcdDialTimeoutMs = 2000;
inline constexpr uint32_t kDefaultEtcdRequestTimeoutMs = 3000;
inline constexpr uint32_t kDefaultBindingLeaseSlack = 5;  // s
inline constexpr uint32_t kDefaultAgentLeaseTtl = 3;      // s
inline constexpr uint32_t kDefaultFailureDetectionMs = 500;
inline constexpr uint16_t kDefaultHeartbeatPort = 5349;
struct Cluster {
    enum class Backend { Embedded, Etcd };
    Backend backend = Backend::Embedded;
    std::vector<std::string> endpoints;                    // etcd client URLs (http:// or https://), required for etcd
    std::string prefix = "/xmip/";                         // every key of the fleet under it; ends in '/'
    std::string ca_file, cert_file, key_file;              // TLS, absolute paths; cert and key together
    uint32_t dial_timeout_ms = kDefaultEtcdDialTimeoutMs;  // per member, then the next
    uint32_t request_timeout_ms = kDefaultEtcdRequestTimeoutMs;  // a commit's bound (then 130)
    // A binding's etcd lease outlives its lifetime by this much: the agent
    // that holds it expires it first, the lease is the backstop for a dead one.
    uint32_t binding_lease_slack = kDefaultBindingLeaseSlack;
    // The agent's own liveness lease (elections, issue 15's second half).
    uint32_t agent_lease_ttl = kDefaultAgentLeaseTtl;
    // A home agent of a fleet (docs/scale-out.md, "Election and failover"):
    // its name among the members (empty: not in a fleet, no election), and
    // the fleet's home agent addresses, each served by one member at a time
    // (empty: home_agent.address alone).
    std::string member;
    std::vector<Ip6Address> ha_addresses;
    // The members' heartbeats on the home link (agent/xmipd/fleet_heartbeat.hpp):
    // a holder silent this long has its lease revoked by the others, so its
    // addresses move before the lease would expire; 0: the lease alone.
    uint32_t failure_detection_ms = kDefaultFailureDetectionMs;
    uint16_t heartbeat_port = kDefaultHeartbeatPort;
    bool operator==(const Cluster&) const = default;
};

struct Config {
    Role role = Role::HomeAgent;
    std::string instance;  // default: "ha" / "mn"
    LogLevel log_level = LogLevel::Info;
    Paths paths;
    Datapath datapath;
    Metrics metrics;
    Cluster cluster;
    std::optional<HomeAgent> home_agent;    // set iff role == HomeAgent
    std::optional<MobileNode> mobile_node;  // set iff role == MobileNode
    std::optional<Correspondent> correspondent;  // set iff role == Correspondent
    bool operator==(const Config&) const = default;
};

// The effective configuration as a TOML document that load() reads back to
// the same Config (every default written out). How a legacy file migrates.
std::string to_toml(const Config& c);

// ---------------------------------------------------------------------------
// Diagnostics and results.

struct Diagnostic {
    std::string file;     // as given to the loader; "override" for command-line values
    unsigned line = 0;    // 1-based; 0 when no line applies (a missing key or table)
    std::string key;      // "home_agent.address", "home_agent.prefixes[1]", "HOMEAGENT"
    std::string message;
    // "file:line: key: message" (without ":line" when line is 0, without
    // "key: " when key is empty).
    std::string to_string() const;
    bool operator==(const Diagnostic&) const = default;
};

enum class Format { Auto, Toml, Legacy };

struct LoadResult {
    std::optional<Config> config;  // set iff errors is empty
    std::vector<Diagnostic> warnings;
    std::vector<Diagnostic> errors;
    Format format = Format::Auto;  // what the file was read as
    // Where each setting came from (message empty), by dotted key and by
    // list item ("datapath.interfaces[1]"): for checks made after loading
    // (the host's interfaces) to name file:line:key.
    std::map<std::string, Diagnostic> origins;
    bool ok() const { return config.has_value(); }
    std::vector<std::string> warning_strings() const;
    std::vector<std::string> error_strings() const;
};

// ---------------------------------------------------------------------------
// Loading.

// Raw settings from one file, not validated yet, to which command-line
// overrides are added before validate() builds the Config.
class Settings {
public:
    // Item of a list value with the line it was written on.
    struct Item {
        std::string text;
        unsigned line = 0;
    };
    // monostate: the key is there but its value had the wrong type (already
    // reported), so it is neither used nor reported missing.
    using Value = std::variant<std::monostate, bool, int64_t, std::string, std::vector<Item>>;
    struct Entry {
        Value value;
        std::string file;
        unsigned line = 0;
        std::string label;  // the name to report: the dotted key, or the legacy key
    };

    static Settings parse_toml(std::string_view text, std::string name);
    static Settings parse_legacy(std::string_view text, std::string name);
    // Auto: a ".toml" name is TOML; otherwise the legacy form when every
    // setting line is an upper-case KEY=VALUE, else TOML (whose errors are
    // then reported: it is the documented form).
    static Settings parse(std::string_view text, std::string name, Format format = Format::Auto);
    // Reads the file (an unreadable file is an error in validate()).
    static Settings read_file(const std::filesystem::path& path, Format format = Format::Auto);

    // Sets key (a dotted key of the TOML form) from text, replacing what the
    // file says: strings as is, integers in decimal, booleans true/false
    // (yes/no, on/off, 1/0), lists comma separated ("eth0,eth1"; "" = empty).
    // Returns false, and records an error validate() reports, when the key is
    // unknown or the text does not convert.
    bool apply_override(std::string_view key, std::string_view value);
    // "key=value".
    bool apply_override(std::string_view assignment);

    LoadResult validate() const;
    // Each setting of a TOML file (and the overrides) as the text
    // apply_override() takes back: "true", "42", "eth0,eth1". Array-of-tables
    // keys as name[N].key. The reload compares configurations with it.
    std::map<std::string, std::string> values() const;

    Format format() const { return format_; }
    const std::string& name() const { return name_; }

private:
    struct LegacyLine {
        std::string key;
        std::string value;
        unsigned line;
    };
    std::map<std::string, Entry> effective_entries(std::vector<Diagnostic>& errors,
                                                   std::vector<Diagnostic>& warnings) const;

    std::string name_;
    Format format_ = Format::Toml;
    std::map<std::string, Entry> file_entries_;      // TOML
    std::map<std::string, unsigned> file_tables_;    // TOML tables seen -> line
    std::vector<LegacyLine> legacy_;                 // legacy, mapped in validate()
    std::map<std::string, Entry> overrides_;
    std::vector<Diagnostic> errors_;
    std::vector<Diagnostic> warnings_;
    bool fatal_ = false;  // unreadable, or not TOML: nothing to validate
};

// Reads path (format chosen as Settings::parse does), applies overrides
// ("key=value" each) and validates.
LoadResult load(const std::filesystem::path& path, std::span<const std::string> overrides = {},
                Format format = Format::Auto);
// The same from text; name is what diagnostics call the file.
LoadResult load_string(std::string_view text, std::string name,
                       std::span<const std::string> overrides = {}, Format format = Format::Auto);
// Reads every key file the configuration names into its security
// associations. Refused (a Diagnostic at the place the file is named): a
// missing or unreadable file, one that is not a regular file, one that group
// or other users may read or write, content that is not hexadecimal, or a key
// shorter than the algorithm's hash output. The key is the file's hex digits
// (white space ignored): `openssl rand -hex 32`.
std::vector<Diagnostic> read_keys(Config& c);

// A network-mip6.conf file (MIPL): FUNCTIONALITY, HOMEADDRESS, HOMEAGENT, ...
LoadResult parse_legacy(const std::filesystem::path& path,
                        std::span<const std::string> overrides = {});

// ---------------------------------------------------------------------------
// The schema: every key the TOML form knows (docs and tests use it).

// TableArray: [[name]] tables, each with the keys listed under name (their
// settings are named name[0].key, name[1].key, ...; the array's own entry
// holds the count).
enum class KeyKind { Table, String, Integer, Boolean, StringList, TableArray };
// What a reload (SIGHUP, `mipctl reload`) does with a changed key: Live keys
// take effect; a Restart key keeps its running value (the maps were sized,
// the programs attached, the sockets bound with it) and the reload says so.
enum class Reload { Live, Restart };
// The default: the datapath and the paths are set up once, at start.
constexpr Reload default_reload(std::string_view path) {
    return path.starts_with("datapath.") || path.starts_with("paths.") ? Reload::Restart : Reload::Live;
}
const char* to_string(Reload r);  // "live", "restart"
struct KeyInfo {
    std::string_view path;  // dotted
    KeyKind kind;
    Reload reload;
    constexpr KeyInfo(std::string_view p, KeyKind k) : path(p), kind(k), reload(default_reload(p)) {}
    constexpr KeyInfo(std::string_view p, KeyKind k, Reload r) : path(p), kind(k), reload(r) {}
};
std::span<const KeyInfo> schema();
const KeyInfo* find_key(std::string_view path);

}  // namespace xmip::config
