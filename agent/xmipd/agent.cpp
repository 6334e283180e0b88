// SPDX-License-Identifier: BSD-2-Clause
#include "xmipd/agent.hpp"

#include <net/if.h>
#include <signal.h>

#include <cstring>
#include <fstream>

#include "control/views.hpp"
#include "core/host.hpp"
#include "core/log.hpp"
#include "core/version.hpp"
#include "datapath/error.hpp"
#include "mh/parameter_problem.hpp"
#include "telemetry/datapath_counters.hpp"
#include "xmipd/cn_service.hpp"
#include "xmipd/ha_service.hpp"
#include "xmipd/mn_service.hpp"
#include "xmipd/preflight.hpp"
#include "xmipd/reload.hpp"

namespace xmip::agent {

using nlohmann::json;

namespace {

// A home agent forwards: the datapath's FIB lookups fail on an interface
// without forwarding, and the kernel forwards what XDP passes to it.
void require_ipv6_conf(const std::string& scope, const std::string& key, const std::string& value) {
    if (!core::set_ipv6_conf(scope, key, value))
        throw std::runtime_error("cannot set net.ipv6.conf." + scope + "." + key + " = " + value);
}

// The roles (docs/architecture.md: a new role is a Service and a line here).
struct RoleSpec {
    core::Role role;
    bool forwards;   // the kernel must forward what XDP hands it
    bool tc_egress;  // the egress program (the mobile node's reverse tunnel, the correspondent's routing header)
    std::unique_ptr<Service> (*make)(Context&, const config::Config&);
};
template <class S>
std::unique_ptr<Service> make(Context& ctx, const config::Config& cfg) {
    return std::make_unique<S>(ctx, cfg);
}
constexpr RoleSpec kRoles[] = {
    {core::Role::HomeAgent, true, false, make<HaService>},
    {core::Role::MobileNode, false, true, make<MnService>},
    {core::Role::Correspondent, false, true, make<CnService>},
};
const RoleSpec& spec_of(core::Role r) {
    for (const auto& s : kRoles)
        if (s.role == r) return s;
    throw std::logic_error("no service for this role");
}

// What an agent answers to a command another role serves.
struct ForeignCommand {
    const char* cmd;
    const char* message;
};
constexpr ForeignCommand kForeignCommands[] = {
    {control::cmd::kBindingCache, "the binding cache is a home agent's; this is a mobile node (try bul)"},
    {control::cmd::kBindingUpdateList, "the binding update list is a mobile node's; this is not one (try bcache)"},
    {control::cmd::kHomeAgents, "the home agents list is kept by home agents"},
    {control::cmd::kBindingAdd, "bindings are added at a home agent"},
    {control::cmd::kBindingDel, "bindings are removed at a home agent"},
    {control::cmd::kCluster, "a fleet is made of home agents with [cluster] backend = \"etcd\" and member set"},
    {control::cmd::kRefresh, "a mobile node refreshes its registration; this is not one"},
};

}  // namespace

std::optional<config::Config> load_config(const StartOptions& opts, bool host_checks) {
    auto settings = config::Settings::read_file(opts.config_path);
    for (const auto& o : opts.overrides)
        if (!settings.apply_override(o)) XLOG_ERROR("override '%s' is not key=value", o.c_str());
    auto result = settings.validate();
    for (const auto& w : result.warning_strings()) XLOG_WARN("%s", w.c_str());
    for (const auto& e : result.error_strings()) XLOG_ERROR("%s", e.c_str());
    if (!result.config) return std::nullopt;
    if (!host_checks) return result.config;
    // The host (xmipd/preflight.hpp): key files that cannot be used (or are
    // readable by others), interfaces that do not exist. Before anything is
    // attached, with the place that named them.
    auto host = preflight(*result.config, result);
    for (const auto& w : host.warnings) XLOG_WARN("%s", w.to_string().c_str());
    for (const auto& e : host.errors) XLOG_ERROR("%s", e.to_string().c_str());
    if (!host.errors.empty()) return std::nullopt;
    return result.config;
}

Agent::Agent(config::Config cfg, StartOptions opts)
    : cfg_(std::move(cfg)), opts_(std::move(opts)), loop_(time_), started_(time_.now()) {
    core::set_log_level(cfg_.log_level);
    core::set_log_instance(cfg_.instance);
    setup_datapath();
    if (cfg_.metrics.enabled())
        metrics_ = std::make_unique<metrics::AgentMetrics>(
            cfg_.role, core::kVersion,
            stats_, [maps = &dp_->maps()] { return maps->counters(); });
    tunnels_ = std::make_unique<DatapathTunnels>(dp_->maps());
    if (spec_of(cfg_.role).forwards) {
        // The home agent's next-hop cache, seeded with the bindings a
        // previous run left in the pinned map.
        nexthops_ = std::make_unique<NexthopKeeper>(loop_, dp_->nexthops(), netlink_, [this] { dp_->add_tx_ports(); });
        for (const auto& [hoa, t] : tunnels_->all()) nexthops_->track(t.remote);
        tunnels_->keep_nexthops(nexthops_.get());
    }
    ro_peers_ = std::make_unique<DatapathRoBindings>(dp_->maps(), DatapathRoBindings::Map::MnPeers);
    cn_bindings_ = std::make_unique<DatapathRoBindings>(dp_->maps(), DatapathRoBindings::Map::CnBindings);
    ctx_ = std::make_unique<Context>(Context{loop_, *tunnels_, kernel_, wire_, *store_, stats_, metrics_.get(),
                                             ro_peers_.get(), cn_bindings_.get()});
    signals_ = std::make_unique<dp::SignalReader>(dp_->maps().fds().signal_ring, [this](const dp::SignalPacket& p) {
        if (p.kind == XMIP_SIG_UNBOUND_HAO)
            handle_unbound_home_address(p.packet);
        else if (p.kind == XMIP_SIG_RO_HINT)
            handle_ro_hint(p.packet);
        else
            handle_mobility_packet(p.packet, static_cast<int>(p.ifindex));
    });
    loop_.add_fd(signals_->fd(), [this] { on_signalling(); });
    service_ = spec_of(cfg_.role).make(*ctx_, cfg_);
    if (auto* ha = dynamic_cast<HaService*>(service_.get())) {
        if (!cfg_.cluster.member.empty())
            join_fleet(*ha);
        else  // a home agent on its own holds its one address: the fleet's
              // holder panel and alert read a single agent the same way
            ctx_->observe().fleet_address(core::to_string(cfg_.home_agent->address.to_in6()), true, true);
        // A binding store other agents write: their bindings into this
        // agent's cache and maps (docs/scale-out.md, "Shared bindings").
        if (auto* cluster = dynamic_cast<ClusterStore*>(store_.get())) {
            shared_bindings_ =
                std::make_unique<EtcdSharedBindings>(loop_, etcd_transport(cfg_.cluster), cluster->etcd());
            ha->share_bindings(*shared_bindings_);
        }
    }
    // Every wakeup of the loop is one batch for the service: a drain of the
    // signalling ring, DAD timers ending together, bindings expiring together.
    loop_.set_dispatch_hooks([this] { service_->begin_batch(); }, [this] { service_->end_batch(); });
    control_ = std::make_unique<control::Server>(loop_, cfg_.paths.control_socket);
    register_control();
    loop_.on_signal(SIGTERM, [this] { loop_.stop(); });
    loop_.on_signal(SIGINT, [this] { loop_.stop(); });
    loop_.on_signal(SIGHUP, [this] {
        XLOG_INFO("SIGHUP");
        reload();
    });
    // After on_signal: the endpoint's threads inherit the blocked signals.
    // Monitoring is not worth failing the gateway for: a busy port is logged.
    if (metrics_) {
        try {
            std::vector<metrics::ListenAddress> listen;
            for (const auto& a : cfg_.metrics.addresses) listen.push_back({a.host, a.port});
            metrics_endpoint_ = std::make_unique<metrics::Endpoint>(listen, *metrics_);
            XLOG_INFO("metrics on %s (GET /metrics)", cfg_.metrics.listen.c_str());
        } catch (const std::exception& e) {
            XLOG_ERROR("%s; continuing without metrics", e.what());
        }
    }
    XLOG_INFO("xmipd %s: instance %s, role %s, control socket %s", core::kVersion, cfg_.instance.c_str(),
              config::to_string(cfg_.role), cfg_.paths.control_socket.c_str());
}

Agent::~Agent() { shutdown(); }

namespace {
// A mobile node with route optimisation on wants to hear which peers'
// packets take the tunnel (bpf/ro_hint.bpf.h).
uint32_t ro_hint_flag(const config::Config& c) {
    return c.mobile_node && c.mobile_node->route_optimization ? XMIP_CF_RO_HINTS : XMIP_CF_NONE;
}
}  // namespace

// A home agent of a fleet (docs/scale-out.md): its lease, its member key and
// the elections of the fleet's home agent addresses, on etcd.
void Agent::join_fleet(HaService& ha) {
    const auto& c = cfg_.cluster;
    etcd::TransportOptions o = etcd_transport(c);
    // A round renews the lease and asks a few keys: each request well
    // inside a quarter of the TTL, so that a slow member cannot stall the
    // loop past the lease.
    o.request_timeout = std::min(std::chrono::milliseconds(c.request_timeout_ms),
                                 std::chrono::milliseconds(c.agent_lease_ttl * 1000 / 8));
    fleet_election_ = std::make_unique<EtcdFleetElection>(o, c.prefix, c.member, c.agent_lease_ttl);
    FleetSettings s;
    s.member = c.member;
    s.lease_ttl = std::chrono::seconds(c.agent_lease_ttl);
    for (const auto& a : c.ha_addresses) s.addresses.push_back(a.to_in6());
    if (s.addresses.empty()) s.addresses.push_back(cfg_.home_agent->address.to_in6());
    s.prefix_len = 128;
    for (const auto& p : cfg_.home_agent->prefixes)
        if (p.contains(s.addresses.front())) s.prefix_len = p.len;
    XLOG_INFO("fleet: member %s on %zu etcd endpoints, %zu home agent addresses, lease %u s", c.member.c_str(),
              c.endpoints.size(), s.addresses.size(), c.agent_lease_ttl);
    if (c.failure_detection_ms > 0) {
        // Heartbeats five times per detection window: a holder is judged
        // silent after missing four or five of them.
        s.failure_detection = std::chrono::milliseconds(c.failure_detection_ms);
        fleet_heartbeat_ = std::make_unique<HomeLinkHeartbeat>(core::ifindex_of(cfg_.home_agent->home_link), c.member,
                                                               c.heartbeat_port, s.failure_detection / 5);
        XLOG_INFO("fleet: heartbeats on %s to [%s]:%u; a holder silent %u ms has its lease revoked",
                  cfg_.home_agent->home_link.c_str(), kHeartbeatGroup, c.heartbeat_port, c.failure_detection_ms);
    }
    // The rounds on a thread of their own: a slow etcd holds neither the
    // loop's Binding Updates nor, behind a slow commit, the lease.
    ha.join_fleet(*fleet_election_, std::move(s), std::make_unique<ThreadedFleetRounds>(loop_, *fleet_election_),
                  fleet_heartbeat_.get());
}

void Agent::setup_datapath() {
    dp::Options o;
    o.instance = cfg_.instance;
    o.pin_root = cfg_.paths.pin_root;
    o.max_bindings = cfg_.datapath.max_bindings;
    o.max_ro_peers = cfg_.datapath.max_ro_peers;
    o.max_cn_bindings = cfg_.datapath.max_cn_bindings;
    dp_ = std::make_unique<dp::Datapath>(o);
    xmip_config c{};
    c.tunnel_hop_limit = cfg_.datapath.tunnel_hop_limit;
    c.min_ptb_mtu = XMIP_IPV6_MIN_MTU;
    c.flags = ro_hint_flag(cfg_);
    if (cfg_.home_agent) {
        // The home link and its MAC: XDP leaves a unicast frame there for
        // another MAC to the stack (bpf/xmip.bpf.c, for_another_host), and
        // answers solicitations with it below.
        c.home_ifindex = static_cast<uint32_t>(core::ifindex_of(cfg_.home_agent->home_link));
        const auto mac = kernel_.link(static_cast<int>(c.home_ifindex)).mac;
        std::memcpy(c.home_mac, mac.data(), sizeof c.home_mac);
    }
    if (nd_proxy_in_datapath(cfg_)) {
        // The home link's solicitations for bound home addresses are
        // answered from the bindings map (bpf/nd_proxy.bpf.h), with its MAC.
        c.flags |= XMIP_CF_ND_PROXY;
        XLOG_INFO("%s: XDP answers Neighbour Solicitations for bound home addresses (home_agent.nd_proxy)",
                  cfg_.home_agent->home_link.c_str());
    }
    dp_->maps().set_config(c);

    const RoleSpec& role = spec_of(cfg_.role);
    if (role.forwards) {
        // The kernel forwards what XDP hands it (a next hop to resolve, an
        // error to report) only with forwarding on for all interfaces.
        require_ipv6_conf("all", "forwarding", "1");
    }
    for (const auto& name : cfg_.datapath.interfaces) {
        int ifindex = core::ifindex_of(name);
        if (role.forwards) require_ipv6_conf(name, "forwarding", "1");
        auto mode = dp_->attach_xdp(cfg_.role, ifindex, cfg_.datapath.xdp_mode);
        XLOG_INFO("%s: XDP attached (%s, %s)", name.c_str(), core::to_string(mode),
                  dp_->attachments().back().taken_over ? "pinned link taken over" : "new pinned link");
        if (role.tc_egress) {
            dp_->attach_tc_egress(ifindex, cfg_.role);
            XLOG_INFO("%s: egress program attached (%s)", name.c_str(), dp_->attachments().back().mode.c_str());
        }
    }
    if (cfg_.home_agent) attach_home_link_egress(cfg_.home_agent->home_link);
}

// The home agent's own packets to an away home address (bpf/ha_local.bpf.h)
// need a BPF program at the home link's egress: a tcx link, else a clsact
// filter. A kernel with neither still forwards; only the home agent's own
// traffic to away mobile nodes then stalls, which the log says once.
void Agent::attach_home_link_egress(const std::string& home_link) {
    try {
        dp_->attach_tc_egress(core::ifindex_of(home_link), core::Role::HomeAgent);
        XLOG_INFO("%s: home agent egress attached (%s): its own traffic to away home addresses is tunnelled",
                  home_link.c_str(), dp_->attachments().back().mode.c_str());
    } catch (const dp::DatapathError& e) {
        XLOG_ERROR(
            "%s: no BPF program at the home link's egress (%s): the kernel needs tcx (6.6+) or "
            "CONFIG_NET_SCH_INGRESS and CONFIG_NET_CLS_BPF; the home agent's own packets to away "
            "home addresses (ping, ICMPv6 errors) will not be tunnelled",
            home_link.c_str(), e.what());
    }
}

void Agent::on_signalling() { signals_->drain(); }

void Agent::handle_mobility_packet(std::span<const uint8_t> packet, int ifindex) {
    auto parsed = mh::parse_packet(packet);
    if (!parsed) {
        stats_.mh_drop_invalid++;
        XLOG_DEBUG("malformed signalling packet: %s", std::string(mh::to_string(parsed.error().code)).c_str());
        return;
    }
    const auto& p = *parsed;
    if (!p.message) {
        const auto& e = p.message.error();
        if (e.code == mh::Errc::unknown_mh_type) {
            // RFC 6275 9.2: answer an unknown MH type with Binding Error status 2.
            mh::BindingError be;
            be.status = mh::be_status::unrecognized_mh_type;
            if (p.info.home_address) be.home_address = *p.info.home_address;
            mh::PacketSpec spec;
            spec.src = p.info.dst;
            spec.dst = p.info.src;
            if (send_mobility(*ctx_, spec, be)) stats_.be_sent++;
            return;
        }
        // One counter per malformed message, by the MH Type the packet holds
        // (docs/security.md); a message too short to hold one is "other".
        if (!p.info.mh_type) {
            stats_.mh_drop_invalid++;
        } else {
            switch (*p.info.mh_type) {
                case mh::mh_type::bu: stats_.bu_drop_invalid++; break;
                case mh::mh_type::ba: stats_.ba_drop_invalid++; break;
                case mh::mh_type::brr: stats_.brr_drop_invalid++; break;
                default: stats_.mh_drop_invalid++;
            }
        }
        XLOG_DEBUG("dropped MH from %s: %s", core::to_string(p.info.src).c_str(),
                   std::string(mh::to_string(e.code)).c_str());
        // RFC 6275 9.2: Payload Proto not 59 or Header Len below the type's
        // minimum: Parameter Problem code 0 at the field, rate-limited as
        // ICMPv6 errors are (RFC 4443 2.4 f).
        // (The message itself is counted above, sent or not.)
        if (auto pointer = mh::parameter_problem_pointer(e); pointer && icmp_errors_.take(kIcmpErrorRate, loop_.now()))
            raw_.send(mh::parameter_problem(p.info, packet, *pointer));
        return;
    }
    if (const auto* be = std::get_if<mh::BindingError>(&*p.message)) {
        // Counted here for every role; what it means is the role's (the
        // mobile node acts on it, the home agent only logs it).
        stats_.be_received++;
        XLOG_DEBUG("Binding Error from %s: status %u", core::to_string(p.info.src).c_str(), be->status);
    }
    service_->on_mobility_packet(p, packet, ifindex);
}

void Agent::handle_unbound_home_address(std::span<const uint8_t> packet) {
    // The datapath checked the option before it reported the packet; one it
    // cannot read here is counted as malformed signalling, never answered.
    auto info = mh::parse_home_address_packet(packet);
    if (!info) {
        stats_.mh_drop_invalid++;
        return;
    }
    service_->on_unbound_home_address(*info->home_address, info->src, info->dst);
}

void Agent::handle_ro_hint(std::span<const uint8_t> header) {
    if (header.size() < 40) return;  // the datapath always sends the whole IPv6 header
    in6_addr src, dst;
    std::memcpy(&src, header.data() + 8, 16);
    std::memcpy(&dst, header.data() + 24, 16);
    service_->on_tunnelled_traffic(src, dst);
}

json Agent::stats_json() const {
    control::Stats s;
    s.signalling = stats_.to_json();
    s.datapath = json::array();
    auto snap = dp_->maps().counters();
    for (size_t i = 0; i < dp::kCounters.size(); i++)
        s.datapath.push_back(control::DatapathCounter{std::string(dp::kCounters[i].id),
                                                      std::string(dp::kCounters[i].verdict),
                                                      std::string(dp::kCounters[i].reason), snap[i].packets,
                                                      snap[i].bytes});
    return s;
}

void Agent::register_control() {
    auto& s = *control_;
    s.handle(control::cmd::kStatus, [this](const json&) {
        json j = service_->status();
        control::AgentStatus a;
        a.version = core::kVersion;
        a.instance = cfg_.instance;
        a.uptime_s = std::chrono::duration_cast<std::chrono::seconds>(time_.now() - started_).count();
        a.datapath = json::array();
        for (const auto& at : dp_->attachments())
            a.datapath.push_back({{"interface", at.interface}, {"hook", at.hook}, {"mode", at.mode}, {"link", at.link}});
        j.update(json(a));
        return j;
    });
    s.handle(control::cmd::kStats, [this](const json&) { return stats_json(); });
    s.handle(control::cmd::kReload, [this](const json&) { return json(reload()); });
    // The role's own commands; another role's are answered with wrong_role.
    service_->register_commands(s);
    for (const auto& f : kForeignCommands)
        if (!s.handles(f.cmd))
            s.handle(f.cmd, [message = f.message](const json&) -> json {
                throw control::CommandError{control::kErrWrongRole, message};
            });
}

control::ReloadAnswer Agent::reload() {
    XLOG_INFO("reloading %s", opts_.config_path.c_str());
    auto report = reload_config(opts_.config_path, opts_.overrides, cfg_, dp_->binding_capacity());
    log_report(report);
    if (!report.config) return report.answer();
    const config::Config& c = *report.config;  // restart-only keys hold their running values
    core::set_log_level(c.log_level);
    if (c.datapath.tunnel_hop_limit != cfg_.datapath.tunnel_hop_limit || ro_hint_flag(c) != ro_hint_flag(cfg_)) {
        xmip_config dc = dp_->maps().config();
        dc.tunnel_hop_limit = c.datapath.tunnel_hop_limit;
        dc.flags = (dc.flags & ~XMIP_CF_RO_HINTS) | ro_hint_flag(c);
        dp_->maps().set_config(dc);
    }
    service_->reload(c);
    cfg_ = c;
    return report.answer();
}

void Agent::run() { loop_.run(); }

void Agent::shutdown() {
    if (stopped_) return;
    stopped_ = true;
    // A stop with bindings keeps forwarding for the next start (a restart
    // under systemd must not blackhole the mobile nodes); one without has
    // nothing to lose and leaves the host clean. docs/restart.md.
    size_t bindings = 0;
    try {
        if (service_)
            bindings = service_->binding_count();  // the role's own count, not a dump of the map
        else if (dp_)
            bindings = dp_->maps().bindings().size();
    } catch (const std::exception& e) {
        XLOG_ERROR("while stopping: cannot read the binding map: %s", e.what());
        bindings = 1;  // unknown: do not risk a gap
    }
    const bool keep = cfg_.datapath.keep_forwarding_on_exit && bindings > 0;
    try {
        shared_bindings_.reset();   // nothing more from the watch into the service
        metrics_endpoint_.reset();  // no scrape may read the datapath from here on
        if (service_) service_->stop(keep);
        service_.reset();
        control_.reset();
        if (signals_) loop_.remove_fd(signals_->fd());
        signals_.reset();
        if (tunnels_) tunnels_->keep_nexthops(nullptr);
        nexthops_.reset();
        if (dp_) {
            if (keep) {
                dp_->keep_attached();
                XLOG_INFO("stopped; datapath left forwarding %zu bindings for the next start (keep_forwarding_on_exit)",
                          bindings);
            } else {
                dp_->detach_all();
                dp_->unpin();
                XLOG_INFO("stopped; datapath detached");
            }
        }
    } catch (const std::exception& e) {
        XLOG_ERROR("while stopping: %s", e.what());
    }
}

}  // namespace xmip::agent
