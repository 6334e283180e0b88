// SPDX-License-Identifier: BSD-2-Clause
// xmipd's Prometheus metrics: one registry per agent, served by an HTTP
// endpoint on the configured address (metrics.listen).
//
// Threads: the endpoint answers scrapes on its own threads. What they read
// is safe to read there: the signalling counters are relaxed atomics
// (StatCounter), gauges and histograms are prometheus-cpp's (atomic, or
// locked inside), and the datapath counters are read from the kernel map on
// each scrape (DatapathMaps::counters(), summed over CPUs). The event loop
// only ever writes.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/role.hpp"
#include "telemetry/datapath_counters.hpp"
#include "telemetry/observer.hpp"
#include "telemetry/signalling_stats.hpp"

namespace prometheus {
class Collectable;
template <typename T>
class Family;
class Gauge;
class Histogram;
class Registry;
struct MetricFamily;
}  // namespace prometheus

namespace xmip::metrics {

using Role = core::Role;

// Reads the datapath counters (summed over CPUs); may throw.
using CounterSource = std::function<dp::CounterSnapshot()>;

class AgentMetrics final : public telemetry::Observer {
public:
    // datapath may be empty: no datapath series.
    AgentMetrics(Role role, const std::string& version, const telemetry::SignallingStats& stats,
                 CounterSource datapath);
    ~AgentMetrics() override;

    // Everything the endpoint exposes.
    std::vector<std::shared_ptr<prometheus::Collectable>> collectables() const;
    // One scrape, in the text exposition format (tests, diagnostics).
    std::string text() const;

    // Observer.
    void bu_processed(core::Duration d) override;
    void binding_cache(std::size_t entries, std::size_t limit) override;
    void home_agents(std::size_t known) override;
    void fleet_round(std::size_t members, bool store_reachable) override;
    void fleet_address(std::string_view address, bool held_here, bool has_holder) override;
    void watch_lag(core::Duration d) override;
    void registration_round_trip(core::Duration d) override;
    void handoff(core::Duration d) override;
    void binding_update_list(std::string_view state) override;

private:
    std::shared_ptr<prometheus::Registry> registry_;
    std::shared_ptr<prometheus::Collectable> signalling_, datapath_;
    prometheus::Gauge* bindings_ = nullptr;
    prometheus::Gauge* binding_limit_ = nullptr;
    prometheus::Gauge* home_agents_ = nullptr;
    // A fleet member's (docs/scale-out.md): families made at start, series
    // per address as the rounds report them.
    prometheus::Gauge* fleet_members_ = nullptr;
    prometheus::Gauge* fleet_store_ = nullptr;
    prometheus::Gauge* watch_lag_ = nullptr;
    prometheus::Family<prometheus::Gauge>* fleet_held_ = nullptr;
    prometheus::Family<prometheus::Gauge>* fleet_has_holder_ = nullptr;
    std::vector<std::pair<std::string, prometheus::Gauge*>> bul_states_;
    prometheus::Histogram* bu_processing_ = nullptr;
    prometheus::Histogram* registration_rtt_ = nullptr;
    prometheus::Histogram* handoff_ = nullptr;
};

// The HTTP endpoint (GET /metrics), served by cpp-httplib
// (http_endpoint.cpp; docs/metrics-http.md). host: "" or "::" for every
// address, IPv6 and IPv4 (dual-stack), an IPv4 or an IPv6 address (no
// brackets); port 0 picks a free one. Throws std::runtime_error when it
// cannot listen on one of the addresses.
struct ListenAddress {
    std::string host;
    uint16_t port = 0;
};

class Endpoint {
public:
    Endpoint(const std::string& host, uint16_t port, const AgentMetrics& metrics);
    Endpoint(const std::vector<ListenAddress>& addresses, const AgentMetrics& metrics);
    ~Endpoint();
    uint16_t port() const { return ports_.empty() ? 0 : ports_.front(); }  // the first one listened on
    const std::vector<uint16_t>& ports() const { return ports_; }

private:
    struct Server;
    static void stop_all(std::vector<std::unique_ptr<Server>>& servers);
    std::vector<std::unique_ptr<Server>> servers_;
    std::vector<uint16_t> ports_;
};

}  // namespace xmip::metrics
