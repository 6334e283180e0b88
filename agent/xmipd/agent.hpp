// SPDX-License-Identifier: BSD-2-Clause
// One xmipd instance: loads the configuration's datapath, runs the role's
// service on the event loop, serves the control socket, and stops cleanly.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "control/server.hpp"
#include "core/clock.hpp"
#include "core/event_loop.hpp"
#include "datapath/loader.hpp"
#include "datapath/signal_reader.hpp"
#include "io/raw_sender.hpp"
#include "metrics/metrics.hpp"
#include "netlink/netlink.hpp"
#include "xmipd/context.hpp"
#include "xmipd/signalling_stats.hpp"

namespace xmip::agent {

struct StartOptions {
    std::string config_path;
    std::vector<std::string> overrides;  // key=value, applied on every (re)load
};

// Loads and validates; prints diagnostics to the log. nullopt on errors.
std::optional<config::Config> load_config(const StartOptions& opts);

class Agent {
public:
    Agent(const config::Config& cfg, StartOptions opts);  // throws on setup failure
    ~Agent();
    void run();  // until SIGTERM/SIGINT

private:
    void setup_datapath();
    void on_signalling();
    void handle_mobility_packet(std::span<const uint8_t> packet, int ifindex);
    void register_control();
    void reload();
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
    SignallingStats stats_;
    std::unique_ptr<metrics::AgentMetrics> metrics_;  // when metrics.listen is set
    std::unique_ptr<Context> ctx_;
    std::unique_ptr<dp::SignalReader> signals_;
    std::unique_ptr<Service> service_;
    std::unique_ptr<control::Server> control_;
    std::unique_ptr<metrics::Endpoint> metrics_endpoint_;  // its threads read metrics_ and the maps
    bool stopped_ = false;
};

}  // namespace xmip::agent
