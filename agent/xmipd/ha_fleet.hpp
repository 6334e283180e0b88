// SPDX-License-Identifier: BSD-2-Clause
// A home agent in a fleet (docs/scale-out.md, "Election and failover"):
// which of the fleet's home agent addresses this agent serves. Each address
// has one holder at a time, elected through the FleetElection port; the
// holder has the address on the home link and defends by proxy the home
// addresses registered with it. On each tick (a quarter of the lease TTL)
// the agent renews its lease, counts the live members, and campaigns for
// addresses while it holds fewer than its fair share (ceil(addresses /
// members)), starting from a different address on each member so that the
// addresses spread; above the share it gives one back. When the lease
// cannot be renewed it gives up every address before the lease could have
// expired in the store, so that no two agents answer for one address.
//
// The round's questions to the store (fleet_round.hpp) run where the
// FleetRoundRunner puts them: on a worker thread in the daemon, so a round
// stuck on a slow store does not hold the loop; the loop still gives the
// addresses up on time then (the check runs on every tick, whether or not
// a round is in flight).
//
// Faster than the lease: with a FleetLiveness (the members' heartbeats on
// the home link), a holder silent for failure_detection has its lease
// revoked in the store by a round started at once, which also campaigns:
// the next member in line holds the address in a fraction of the TTL.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/event_loop.hpp"
#include "xmipd/context.hpp"
#include "xmipd/fleet_ports.hpp"
#include "xmipd/fleet_rounds.hpp"

namespace xmip::agent {

struct FleetSettings {
    std::string member;               // this agent's name in the fleet
    std::vector<in6_addr> addresses;  // the fleet's home agent addresses
    unsigned prefix_len = 64;         // how they go on the home link
    std::chrono::milliseconds lease_ttl{3000};
    // A holder not heard on the home link this long has its lease revoked
    // (FleetLiveness); 0: the lease alone moves a dead holder's addresses.
    std::chrono::milliseconds failure_detection{0};
};

class HaFleet {
public:
    // A home address this agent defends for a binding registered with one
    // of the fleet's addresses; link_local: its link-local one too.
    struct Defended {
        in6_addr hoa{};
        bool link_local = false;
    };
    struct Hooks {
        // The bindings registered with home agent address ha.
        std::function<std::vector<Defended>(const in6_addr& ha)> defended;
        // An unsolicited Neighbour Advertisement, override set (HomeLink::claim).
        std::function<void(const in6_addr&)> claim;
        // The addresses held here changed (taken or given up).
        std::function<void()> holdings_changed;
    };

    // rounds: where the store is asked (null: inline, in tick()); liveness:
    // who is heard on the home link (null: the lease alone).
    HaFleet(Context& ctx, FleetElection& election, FleetSettings s, int home_ifindex, Hooks hooks,
            std::unique_ptr<FleetRoundRunner> rounds = nullptr, const FleetLiveness* liveness = nullptr);
    ~HaFleet();
    HaFleet(const HaFleet&) = delete;
    HaFleet& operator=(const HaFleet&) = delete;

    // One round (the timer calls it; tests too): the lease check, and a
    // round of the store unless one is still in flight.
    void tick();
    // The failure detector's check (its timer calls it, every quarter of
    // failure_detection): a round that evicts the silent holders.
    void check_peers();
    // Gives every address back (a clean stop): stops the rounds, then
    // resigns in the store from the loop's thread.
    void resign_all();
    // The store's health as the last round saw it (mipctl cluster).
    const std::optional<std::string>& health() const { return health_; }

    // Whether the store renewed the lease on the last tick: without it, a
    // registration cannot be committed and is refused (130).
    bool store_reachable() const { return reachable_; }
    bool holds(const in6_addr& a) const;
    const std::vector<in6_addr>& held() const { return held_; }
    nlohmann::json view() const;  // mipctl cluster

private:
    void schedule();
    void schedule_check();
    void start_round(std::vector<std::string> evict);
    bool holds_any(const std::string& member) const;  // as the last round saw the holders
    void apply(core::TimePoint started, FleetRoundResult r);
    // Gives every address up when the lease could expire before the next
    // tick could renew it (or was never renewed).
    void give_up_if_lapsing(core::TimePoint now);
    // A lease renewed at `renewed` still holds past the next tick.
    bool lease_safe(core::TimePoint renewed, core::TimePoint now) const;
    void observe() const;  // the round's outcome to the metrics
    void take(const in6_addr& a);
    void release(const in6_addr& a, const char* why);

    Context& ctx_;
    FleetElection& election_;
    FleetSettings s_;
    int ifindex_;
    Hooks hooks_;
    std::unique_ptr<FleetRoundRunner> rounds_;
    const FleetLiveness* liveness_;
    std::set<std::string> evicted_;      // revoked (or being revoked), not heard since
    std::vector<std::string> evicting_;  // asked of the round in flight
    uint64_t evictions_ = 0;
    std::vector<in6_addr> held_;
    std::vector<in6_addr> resign_next_;  // taken but refused by the link: out of the race next round
    std::optional<std::string> health_;
    std::vector<std::string> members_;
    std::vector<std::pair<in6_addr, std::string>> holders_;  // as last seen
    bool reachable_ = false;
    std::optional<core::TimePoint> last_renewed_;
    std::optional<core::Timers::Id> timer_;
    std::optional<core::Timers::Id> check_timer_;
};

}  // namespace xmip::agent
