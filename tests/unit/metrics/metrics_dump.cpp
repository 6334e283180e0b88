// SPDX-License-Identifier: BSD-2-Clause
// xmip_metrics_dump ha|mn: one scrape of a fresh agent's metrics, without
// an agent (the datapath counters read as zero).
#include <cstdio>
#include <cstring>

#include "metrics/metrics.hpp"

int main(int argc, char** argv) {
    if (argc != 2 || (std::strcmp(argv[1], "ha") && std::strcmp(argv[1], "mn"))) {
        std::fprintf(stderr, "usage: %s ha|mn\n", argv[0]);
        return 2;
    }
    xmip::telemetry::SignallingStats stats;
    auto role = std::strcmp(argv[1], "ha") == 0 ? xmip::metrics::Role::HomeAgent : xmip::metrics::Role::MobileNode;
    xmip::metrics::AgentMetrics m(role, "dump", stats, [] { return xmip::dp::CounterSnapshot{}; });
    // Series made by a round (per address): one, so that their names show.
    if (role == xmip::metrics::Role::HomeAgent)
        static_cast<xmip::telemetry::Observer&>(m).fleet_address("2001:db8:1::1", true, true);
    std::fputs(m.text().c_str(), stdout);
    return 0;
}
