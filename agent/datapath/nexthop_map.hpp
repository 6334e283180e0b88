// SPDX-License-Identifier: BSD-2-Clause
// Typed access to the next-hop cache's maps (bpf/nexthop.bpf.h): the
// entries per care-of address, the uplink's route memo, the generation they
// must carry, the hit and fallback counters. A view of descriptors a Datapath owns.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "xmip_shared.h"

namespace xmip::dp {

struct NexthopFds {
    int entries = -1;
    int state = -1;
    int stats = -1;
    int routes = -1;  // the uplink's route memo (xmip_routes)
};

class NexthopMap {
public:
    explicit NexthopMap(const NexthopFds& fds) : fds_(fds) {}

    // false when the map refused it (full): that care-of address is then
    // simply not cached, and its packets take bpf_fib_lookup.
    bool put(const xmip_in6& dst, const xmip_nexthop& nh);
    bool erase(const xmip_in6& dst);
    std::optional<xmip_nexthop> get(const xmip_in6& dst) const;
    std::vector<std::pair<xmip_in6, xmip_nexthop>> entries() const;

    // The uplink's route memo: the datapath writes it; the agent and tests
    // read it, and tests seed it.
    bool put_route(const xmip_route_key& k, const xmip_nexthop& nh);
    std::optional<xmip_nexthop> route(const xmip_route_key& k) const;
    void clear_routes();

    xmip_nh_state state() const;
    void set_state(const xmip_nh_state& s);

    // Summed over the CPUs, indexed by enum xmip_nh_stat.
    std::array<uint64_t, XMIP_NH_STAT_MAX> stats() const;
    void reset_stats();

private:
    NexthopFds fds_;
};

}  // namespace xmip::dp
