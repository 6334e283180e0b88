// SPDX-License-Identifier: BSD-2-Clause
// Keeps the datapath's next-hop cache (bpf/nexthop.bpf.h) what the kernel
// would answer: one entry per care-of address a binding tunnels to,
// resolved from the FIB and the neighbour table, rewritten on every
// rtnetlink event that can change a next hop. docs/performance.md, "The
// next-hop cache", says why each rule is there.
//
//  - An event (route, rule, IPv6 neighbour, link, IPv6 address) first bumps
//    the generation: every entry is stale at once and packets take
//    bpf_fib_lookup; then each care-of address is resolved again and its
//    entry rewritten with the new generation.
//  - With IPv6 policy rules other than the defaults, nothing is served from
//    the cache (XMIP_NHF_OFF): a rule can choose by source, mark or ingress,
//    which the key does not hold.
//  - Every second, the entries are resolved again without a bump: a PMTU
//    exception (a Packet Too Big the kernel took) raises no event.
//  - A pass (after an event, or the second's) resolves at most kSlice care-of
//    addresses per kSliceEvery, going round the tracked addresses from where
//    the last one stopped (core/circular_pass.hpp: an event restarts it in
//    O(1), and events faster than a pass cannot starve the last addresses): each costs two rtnetlink round trips, and
//    resolving 10^5 of them at once every second and on every event was all
//    of the agent's CPU, its Binding Updates waiting behind (docs/
//    performance.md, "Refresh cost by binding count"). Until a stale entry's
//    turn comes, packets to it take bpf_fib_lookup (correct, slower). With
//    more than kSlice * 20 care-of addresses a pass takes longer than a
//    second, and the next starts when it ends.
//  - The uplink's route memo (xmip_routes), which the datapath fills from
//    its own bpf_fib_lookup answers, is valid only for route_gen: bumped
//    with the generation on every event, and every second (so a PMTU change
//    reaches it within a second too). XMIP_NHF_ROUTES says a keeper does it.
//  - A new link is added to the redirect devmap (the on_new_link callback).
#pragma once

#include <netinet/in.h>

#include <array>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "core/circular_pass.hpp"
#include "core/event_loop.hpp"
#include "datapath/nexthop_map.hpp"
#include "netlink/netlink.hpp"

namespace xmip::agent {

class NexthopKeeper {
public:
    static constexpr auto kRefreshEvery = std::chrono::seconds(1);
    static constexpr size_t kSlice = 256;
    static constexpr auto kSliceEvery = std::chrono::milliseconds(50);  // at most 5120 resolutions a second

    NexthopKeeper(core::EventLoop& loop, dp::NexthopMap map, netlink::Netlink& nl, std::function<void()> on_new_link);
    ~NexthopKeeper();
    NexthopKeeper(const NexthopKeeper&) = delete;
    NexthopKeeper& operator=(const NexthopKeeper&) = delete;

    // A binding now tunnels to coa / no longer does (counted: several home
    // addresses may share a care-of address).
    void track(const in6_addr& coa);
    void untrack(const in6_addr& coa);

    size_t tracked() const { return coas_.size(); }
    bool off() const { return off_; }

private:
    using Key = std::array<uint8_t, 16>;
    void on_events();
    void on_refresh();
    void resolve(const Key& coa, uint32_t gen);
    void start_pass();     // every tracked care-of address again, from where the pass stands; a slice now
    void continue_pass();  // the next slice
    void invalidate();  // new generations, policy rules checked again
    void write_state();

    core::EventLoop& loop_;
    dp::NexthopMap map_;
    netlink::Netlink& nl_;
    std::function<void()> on_new_link_;
    std::unique_ptr<netlink::RouteEvents> events_;
    std::map<Key, unsigned> coas_;
    std::optional<core::Timers::Id> refresh_;
    core::CircularPass<std::map<Key, unsigned>> pass_;  // over coas_
    std::optional<core::Timers::Id> slice_;
    uint32_t gen_ = 0;
    uint32_t route_gen_ = 0;
    bool off_ = false;
};

}  // namespace xmip::agent
