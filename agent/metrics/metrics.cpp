// SPDX-License-Identifier: BSD-2-Clause
#include "metrics/metrics.hpp"

#include <prometheus/collectable.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/metric_family.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <stdexcept>

#include "metrics/signalling_series.hpp"

namespace xmip::metrics {

namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;

double seconds(core::Duration d) { return std::chrono::duration<double>(d).count(); }

ClientMetric counter(std::vector<ClientMetric::Label> labels, double value) {
    ClientMetric m;
    m.label = std::move(labels);
    m.counter.value = value;
    return m;
}

// The signalling counters, read when scraped.
class SignallingCollector final : public prometheus::Collectable {
public:
    explicit SignallingCollector(const telemetry::SignallingStats& s) : stats_(s) {}

    std::vector<MetricFamily> Collect() const override {
        MetricFamily messages{std::string(kMessagesTotal),
                              "Mobility Header messages sent and received (Binding Acknowledgements: "
                              "accepting and rejecting; by status in xmip_mh_binding_acks_total)",
                              MetricType::Counter,
                              {}};
        MetricFamily drops{std::string(kDropsTotal), "Mobility Header messages dropped, by message and reason",
                           MetricType::Counter, {}};
        auto add = [&](std::string_view id, uint64_t value) {
            auto s = *signalling_series(id);  // every id maps: static_assert in the header
            auto& f = s.family == kMessagesTotal ? messages : drops;
            std::vector<ClientMetric::Label> labels{{std::string(s.a.name), std::string(s.a.value)},
                                                    {std::string(s.b.name), std::string(s.b.value)}};
            auto it = std::find_if(f.metric.begin(), f.metric.end(),
                                   [&](const ClientMetric& m) { return m.label == labels; });
            if (it != f.metric.end())
                it->counter.value += static_cast<double>(value);  // <msg>_nack_* joins <msg>_*
            else
                f.metric.push_back(counter(std::move(labels), static_cast<double>(value)));
        };
#define XMIP_METRICS_ADD(id, help) add(#id, stats_.id.load());
        XMIP_SIGNALLING_COUNTERS(XMIP_METRICS_ADD)
#undef XMIP_METRICS_ADD

        MetricFamily acks{std::string(kBindingAcksTotal),
                          "Binding Acknowledgements sent and received, by status code (RFC 6275 6.1.8: "
                          "below 128 accepted)",
                          MetricType::Counter,
                          {}};
        auto statuses = [&](const char* direction, const std::array<telemetry::StatCounter, 256>& by_code) {
            for (unsigned code = 0; code < 256; code++) {
                uint64_t v = by_code[code].load();
                bool known = std::find(std::begin(kKnownBaStatuses), std::end(kKnownBaStatuses), code) !=
                             std::end(kKnownBaStatuses);
                if (v || known)
                    acks.metric.push_back(
                        counter({{"direction", direction}, {"status", std::to_string(code)}}, static_cast<double>(v)));
            }
        };
        statuses("sent", stats_.ba_status_sent);
        statuses("received", stats_.ba_status_received);
        return {std::move(messages), std::move(drops), std::move(acks)};
    }

private:
    const telemetry::SignallingStats& stats_;
};

// The datapath's per-CPU counters, summed when scraped: no copy runs in
// between.
class DatapathCollector final : public prometheus::Collectable {
public:
    explicit DatapathCollector(CounterSource source) : source_(std::move(source)) {}

    std::vector<MetricFamily> Collect() const override {
        dp::CounterSnapshot snap;
        try {
            snap = source_();
        } catch (const std::exception&) {
            return {};  // the datapath is going away: no series rather than wrong ones
        }
        MetricFamily packets{"xmip_datapath_packets_total", "Packets seen by the datapath, by verdict and reason",
                             MetricType::Counter, {}};
        MetricFamily bytes{"xmip_datapath_bytes_total", "Bytes seen by the datapath, by verdict and reason",
                           MetricType::Counter, {}};
        for (size_t i = 0; i < dp::kCounters.size(); i++) {
            const auto& c = dp::kCounters[i];
            std::vector<ClientMetric::Label> labels{{"reason", std::string(c.reason)},
                                                    {"verdict", std::string(c.verdict)}};
            packets.metric.push_back(counter(labels, static_cast<double>(snap[i].packets)));
            bytes.metric.push_back(counter(std::move(labels), static_cast<double>(snap[i].bytes)));
        }
        return {std::move(packets), std::move(bytes)};
    }

private:
    CounterSource source_;
};

constexpr const char* kBulStates[] = {"registering", "bound", "deregistering", "failed"};

}  // namespace

AgentMetrics::AgentMetrics(Role role, const std::string& version, const telemetry::SignallingStats& stats,
                           CounterSource datapath)
    : registry_(std::make_shared<prometheus::Registry>()),
      signalling_(std::make_shared<SignallingCollector>(stats)) {
    if (datapath) datapath_ = std::make_shared<DatapathCollector>(std::move(datapath));
    auto& r = *registry_;
    const bool ha = role == Role::HomeAgent;
    prometheus::BuildGauge()
        .Name("xmip_build_info")
        .Help("xmipd's version and role (always 1)")
        .Register(r)
        .Add({{"version", version},
              {"role", ha                         ? "ha"
                       : role == Role::MobileNode ? "mn"
                                                  : "cn"}})
        .Set(1);
    if (role == Role::Correspondent) {
        bindings_ = &prometheus::BuildGauge()
                         .Name("xmip_cn_binding_cache_entries")
                         .Help("Route-optimised bindings in the correspondent's binding cache")
                         .Register(r)
                         .Add({});
        binding_limit_ = &prometheus::BuildGauge()
                              .Name("xmip_cn_binding_cache_limit")
                              .Help("The correspondent binding cache's size limit (correspondent.max_bindings)")
                              .Register(r)
                              .Add({});
    } else if (ha) {
        bindings_ = &prometheus::BuildGauge()
                         .Name("xmip_binding_cache_entries")
                         .Help("Bindings in the home agent's binding cache (DAD pending included)")
                         .Register(r)
                         .Add({});
        binding_limit_ = &prometheus::BuildGauge()
                              .Name("xmip_binding_cache_limit")
                              .Help("The binding cache's size limit (home_agent.max_bindings)")
                              .Register(r)
                              .Add({});
        home_agents_ = &prometheus::BuildGauge()
                            .Name("xmip_home_agents")
                            .Help("Other home agents known on the home link (Home Agents List)")
                            .Register(r)
                            .Add({});
        fleet_members_ =
            &prometheus::BuildGauge()
                 .Name("xmip_fleet_members")
                 .Help("Live members of this home agent's fleet, as its last round saw them (0: not in a fleet)")
                 .Register(r)
                 .Add({});
        fleet_store_ =
            &prometheus::BuildGauge()
                 .Name("xmip_fleet_store_reachable")
                 .Help("1: etcd renewed this fleet member's lease on its last round; 0: registrations refused (130)")
                 .Register(r)
                 .Add({});
        watch_lag_ = &prometheus::BuildGauge()
                          .Name("xmip_cluster_watch_lag_seconds")
                          .Help("The binding store's watch: the last change's commit in etcd to this agent's maps")
                          .Register(r)
                          .Add({});
        fleet_held_ =
            &prometheus::BuildGauge()
                 .Name("xmip_fleet_address_held")
                 .Help("1: this member holds the fleet's home agent address (summed over members: its holders)")
                 .Register(r);
        fleet_has_holder_ =
            &prometheus::BuildGauge()
                 .Name("xmip_fleet_address_has_holder")
                 .Help("1: some member holds the home agent address, as this member's last round saw it")
                 .Register(r);
        bu_processing_ = &prometheus::BuildHistogram()
                              .Name("xmip_ha_binding_update_processing_seconds")
                              .Help("Binding Update received to its Binding Acknowledgement sent, DAD wait included")
                              .Register(r)
                              .Add({}, prometheus::Histogram::BucketBoundaries{
                                           0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                           0.25, 0.5, 1, 1.25, 1.5, 2, 5});
    } else {
        auto& fam = prometheus::BuildGauge()
                        .Name("xmip_binding_update_list_entries")
                        .Help("Entries in the mobile node's binding update list, by state")
                        .Register(r);
        for (const char* s : kBulStates) bul_states_.emplace_back(s, &fam.Add({{"state", s}}));
        registration_rtt_ = &prometheus::BuildHistogram()
                                 .Name("xmip_mn_registration_round_trip_seconds")
                                 .Help("Binding Update sent to the accepting Binding Acknowledgement received")
                                 .Register(r)
                                 .Add({}, prometheus::Histogram::BucketBoundaries{
                                              0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
                                              1.5, 2.5, 5, 10});
        handoff_ = &prometheus::BuildHistogram()
                        .Name("xmip_mn_handoff_seconds")
                        .Help("Link change to the accepting Binding Acknowledgement for the new care-of address")
                        .Register(r)
                        .Add({}, prometheus::Histogram::BucketBoundaries{0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 1.5,
                                                                         2, 3, 5, 10, 30, 60});
    }
}

AgentMetrics::~AgentMetrics() = default;

std::vector<std::shared_ptr<prometheus::Collectable>> AgentMetrics::collectables() const {
    std::vector<std::shared_ptr<prometheus::Collectable>> out{registry_, signalling_};
    if (datapath_) out.push_back(datapath_);
    return out;
}

std::string AgentMetrics::text() const {
    std::vector<MetricFamily> all;
    for (const auto& c : collectables()) {
        auto f = c->Collect();
        all.insert(all.end(), std::make_move_iterator(f.begin()), std::make_move_iterator(f.end()));
    }
    return prometheus::TextSerializer().Serialize(all);
}

void AgentMetrics::bu_processed(core::Duration d) {
    if (bu_processing_) bu_processing_->Observe(seconds(d));
}
void AgentMetrics::binding_cache(std::size_t entries, std::size_t limit) {
    if (bindings_) bindings_->Set(static_cast<double>(entries));
    if (binding_limit_) binding_limit_->Set(static_cast<double>(limit));
}
void AgentMetrics::home_agents(std::size_t known) {
    if (home_agents_) home_agents_->Set(static_cast<double>(known));
}
void AgentMetrics::fleet_round(std::size_t members, bool store_reachable) {
    if (fleet_members_) fleet_members_->Set(static_cast<double>(members));
    if (fleet_store_) fleet_store_->Set(store_reachable ? 1 : 0);
}
void AgentMetrics::fleet_address(std::string_view address, bool held_here, bool has_holder) {
    const std::map<std::string, std::string> labels{{"address", std::string(address)}};
    if (fleet_held_) fleet_held_->Add(labels).Set(held_here ? 1 : 0);
    if (fleet_has_holder_) fleet_has_holder_->Add(labels).Set(has_holder ? 1 : 0);
}
void AgentMetrics::watch_lag(core::Duration d) {
    if (watch_lag_) watch_lag_->Set(seconds(d));
}
void AgentMetrics::registration_round_trip(core::Duration d) {
    if (registration_rtt_) registration_rtt_->Observe(seconds(d));
}
void AgentMetrics::handoff(core::Duration d) {
    if (handoff_) handoff_->Observe(seconds(d));
}
void AgentMetrics::binding_update_list(std::string_view state) {
    for (auto& [name, g] : bul_states_) g->Set(name == state ? 1 : 0);
}


}  // namespace xmip::metrics
