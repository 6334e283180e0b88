// SPDX-License-Identifier: BSD-2-Clause
// One round of a fleet member's election (docs/scale-out.md, "Election and
// failover"): everything HaFleet asks the coordination store in a round,
// and nothing else. It runs off the event loop (FleetRoundRunner): a slow
// store (a member just killed, a leader election, no quorum) then delays
// the round, never the loop's Binding Updates, and a Binding Update's slow
// commit never delays the lease's renewal. HaFleet applies the result on
// the loop (the home link's addresses, proxy entries, NAs).
#pragma once

#include <netinet/in.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "xmipd/fleet_ports.hpp"

namespace xmip::agent {

struct FleetRoundInput {
    std::string member;
    std::vector<in6_addr> addresses;  // the fleet's home agent addresses
    std::vector<in6_addr> held;       // held here when the round started
    std::vector<in6_addr> resign;     // to leave the race for first (taken, but the link refused them)
    std::vector<std::string> evict;   // holders silent on the home link: their leases revoked first
};

struct FleetRoundResult {
    bool renewed = false;              // the lease was renewed; nothing else below is known otherwise
    std::vector<std::string> evicted;  // whose leases were revoked (of the input's evict)
    std::vector<std::string> members;  // the live members, this one included
    std::vector<in6_addr> lost;        // held, but another member holds it in the store
    std::vector<in6_addr> give_back;   // above this member's share: resigned in the store
    std::vector<in6_addr> won;         // campaigns won: the loop takes them
    std::vector<std::pair<in6_addr, std::string>> holders;  // every address, "" for nobody
    std::optional<std::string> health;                      // the store's, for mipctl cluster
};

// The addresses in the order `member` prefers them: the list rotated by its
// rank among the live members, so that with as many members as addresses
// each starts with a different one.
std::vector<in6_addr> preference_order(const std::string& member, const std::vector<in6_addr>& addresses,
                                       const std::vector<std::string>& members);

// Renews the lease, revokes the silent members' leases, lists the members, checks the held addresses, gives
// back above the fair share (ceil(addresses / members)), campaigns below
// it, reads every address's holder. Blocks on the store (each request
// bounded by its timeouts).
FleetRoundResult run_fleet_round(FleetElection& e, const FleetRoundInput& in);

}  // namespace xmip::agent
