// SPDX-License-Identifier: BSD-2-Clause
// What the role services report for monitoring, beyond the signalling
// counters: state sizes and latencies. The metrics endpoint implements it
// (agent/metrics/); the services know nothing of Prometheus. Every call runs
// on the event loop; an implementation must be safe to read from elsewhere.
#pragma once

#include <cstddef>
#include <string_view>

#include "core/clock.hpp"

namespace xmip::telemetry {

class Observer {
public:
    virtual ~Observer() = default;

    // Home agent.
    // A Binding Update answered: from its arrival to its Binding
    // Acknowledgement leaving, DAD wait included.
    virtual void bu_processed(core::Duration) {}
    virtual void binding_cache(std::size_t /*entries*/, std::size_t /*limit*/) {}
    virtual void home_agents(std::size_t /*known*/) {}
    // A fleet member's round (docs/scale-out.md): the live members, whether
    // etcd renewed the lease; then per home agent address of the fleet,
    // whether this member holds it and whether anyone does.
    virtual void fleet_round(std::size_t /*members*/, bool /*store_reachable*/) {}
    virtual void fleet_address(std::string_view /*address*/, bool /*held_here*/, bool /*has_holder*/) {}
    // The binding store's watch: a change's commit to this agent's maps.
    virtual void watch_lag(core::Duration) {}

    // Mobile node.
    // The latest Binding Update sent -> the accepting Binding Acknowledgement.
    virtual void registration_round_trip(core::Duration) {}
    // A link change -> the accepting Binding Acknowledgement for the new
    // care-of address.
    virtual void handoff(core::Duration) {}
    // The binding update list's (single) entry changed state, named as
    // mn::to_string names it; "at-home" means no entry.
    virtual void binding_update_list(std::string_view /*state*/) {}

    // Does nothing: for a Context without monitoring.
    static Observer& none() {
        static Observer o;
        return o;
    }
};

}  // namespace xmip::telemetry
