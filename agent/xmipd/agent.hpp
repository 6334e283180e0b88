// SPDX-License-Identifier: BSD-2-Clause
// One xmipd instance: loads the configuration's datapath, runs the role's
// service on the event loop, serves the control socket, and stops cleanly.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "control/server.hpp"
#include "control/views.hpp"
#include "core/clock.hpp"
#include "core/event_loop.hpp"
#include "datapath/loader.hpp"
#include "datapath/signal_reader.hpp"
#include "ha/source_rate_limiter.hpp"
#include "io/raw_sender.hpp"
#include "metrics/metrics.hpp"
#include "netlink/netlink.hpp"
#include "xmipd/adapters.hpp"
#include "xmipd/context.hpp"
#include "xmipd/fleet_etcd.hpp"
#include "xmipd/fleet_heartbeat.hpp"
#include "xmipd/nexthop_keeper.hpp"
#include "xmipd/shared_bindings_etcd.hpp"

namespace xmip::agent {

struct StartOptions {
    std::string config_path;
    std::vector<std::string> overrides;  // key=value, applied on every (re)load
};

// Loads and validates; prints diagnostics to the log. nullopt on errors.
// host_checks: also the host (xmipd/preflight.hpp: key files, interfaces).
std::optional<config::Config> load_config(const StartOptions& opts, bool host_checks = true);

class HaService;

class Agent {
public:
    Agent(config::Config cfg, StartOptions opts);  // throws on setup failure
    ~Agent();
    void run();  // until SIGTERM/SIGINT

private:
    void join_fleet(HaService& ha);
    void setup_datapath();
    void attach_home_link_egress(const std::string& home_link);
    void on_signalling();
    void handle_mobility_packet(std::span<const uint8_t> packet, int ifindex);
    // The correspondent's datapath dropped a packet with a Home Address
    // option it has no binding for (XMIP_SIG_UNBOUND_HAO).
    void handle_unbound_home_address(std::span<const uint8_t> packet);
    // The mobile node's egress: a home address's packet to a correspondent
    // took the tunnel (XMIP_SIG_RO_HINT, bpf/ro_hint.bpf.h).
    void handle_ro_hint(std::span<const uint8_t> header);
    void register_control();
    // SIGHUP and `mipctl reload`: applies what may change (xmipd/reload.hpp).
    control::ReloadAnswer reload();
    void shutdown();
    nlohmann::json stats_json() const;

    config::Config cfg_;
    StartOptions opts_;
    core::SystemTime time_;
    core::EventLoop loop_;
    core::TimePoint started_;
    std::unique_ptr<dp::Datapath> dp_;
    netlink::Netlink netlink_;
    io::RawSender raw_;
    HostKernel kernel_{netlink_};
    SocketWire wire_{raw_};
    std::unique_ptr<StateStore> store_ = make_store(cfg_);
    std::unique_ptr<DatapathTunnels> tunnels_;  // over dp_'s maps
    std::unique_ptr<NexthopKeeper> nexthops_;   // home agent: the next-hop cache
    std::unique_ptr<DatapathRoBindings> ro_peers_, cn_bindings_;  // over dp_'s route-optimisation maps
    SignallingStats stats_;
    // ICMPv6 errors about malformed signalling (RFC 4443 2.4 f): at most
    // kIcmpErrorRate, for all sources together.
    static constexpr ha::RateLimit kIcmpErrorRate{10, 10};
    ha::TokenBucket icmp_errors_;
    std::unique_ptr<metrics::AgentMetrics> metrics_;  // when metrics.listen is set
    std::unique_ptr<Context> ctx_;
    std::unique_ptr<dp::SignalReader> signals_;
    // A fleet member's election port (cluster.member set); before service_,
    // which uses it until it is gone.
    std::unique_ptr<EtcdFleetElection> fleet_election_;
    std::unique_ptr<HomeLinkHeartbeat> fleet_heartbeat_;  // null: cluster.failure_detection = 0
    // The other members' bindings, from the store's watch into the service
    // ([cluster] backend = "etcd"); reset first when stopping.
    std::unique_ptr<EtcdSharedBindings> shared_bindings_;
    std::unique_ptr<Service> service_;
    std::unique_ptr<control::Server> control_;
    std::unique_ptr<metrics::Endpoint> metrics_endpoint_;  // its threads read metrics_ and the maps
    bool stopped_ = false;
};

}  // namespace xmip::agent
