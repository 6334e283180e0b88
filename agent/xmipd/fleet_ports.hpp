// SPDX-License-Identifier: BSD-2-Clause
// The fleet's port (docs/scale-out.md, "Election and failover"): what a
// home agent of a fleet needs from the coordination store to decide which
// home agent addresses it serves. Narrow on purpose: the real one is etcd
// (fleet_etcd.hpp: one lease per agent, a member key and one election per
// address on it), the unit tests' one a map (tests/unit/xmipd/ha_fleet_test.cpp).
// Every call is bounded by the store's timeouts; nullopt or false means the
// store could not be asked, never "no".
#pragma once

#include <netinet/in.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace xmip::agent {

class FleetElection {
public:
    virtual ~FleetElection() = default;
    // Keeps this agent's lease alive (grants one when it has none, or when
    // the old one expired: every campaign then starts again). false: the
    // store did not renew it.
    virtual bool renew() = 0;
    // The live members' names, this agent's included (each has a key on its
    // own lease: a dead agent leaves the list when its lease expires).
    virtual std::optional<std::vector<std::string>> members() = 0;
    // Enters the race for a (idempotent) and says whether this agent holds
    // it now: its candidate key is the oldest for a.
    virtual std::optional<bool> campaign(const in6_addr& a) = 0;
    // Leaves the race for a (deletes this agent's candidate key).
    virtual bool resign(const in6_addr& a) = 0;
    // Revokes another member's lease now: its member key and candidacies
    // go, and the next candidate in line holds its addresses. For a member
    // its peers no longer hear on the home link (fleet_heartbeat.hpp), long
    // before its lease would expire. false: not asked, or it had no lease.
    virtual bool evict(const std::string& member) = 0;
    // Who holds a (a member name; empty: nobody).
    virtual std::optional<std::string> holder(const in6_addr& a) = 0;
    // The store's health for the operator ("ok"; nullopt: no answer).
    virtual std::optional<std::string> health() { return std::nullopt; }
};

// Which members are heard on the home link (fleet_heartbeat.hpp, the
// daemon's; a fake in the unit tests): a failure detector faster than the
// lease, so that a dead holder's addresses move sooner.
class FleetLiveness {
public:
    struct Peer {
        std::string member;
        std::chrono::milliseconds silent_for{0};  // since last heard
    };
    struct Counters {
        uint64_t sent = 0, send_errors = 0, received = 0, dropped = 0;  // dropped: malformed or not from the link
    };
    virtual ~FleetLiveness() = default;
    // Every member heard at least once, this one excluded. Empty while this
    // member cannot send on the home link itself (its own link is the
    // likelier fault then, not the others).
    virtual std::vector<Peer> peers() const = 0;
    // The heartbeats sent and received (mipctl cluster --json).
    virtual Counters counters() const = 0;
};

}  // namespace xmip::agent
