// SPDX-License-Identifier: BSD-2-Clause
// What a starting home agent makes of the state its predecessor left: the
// state file (what was accepted: sequence numbers, lifetimes) and the pinned
// binding map (what the datapath forwards right now). Pure: the caller reads
// both, passes the clock, and applies the plan (docs/restart.md has the
// rules and why).
#pragma once

#include <netinet/in.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "state/codec.hpp"

namespace xmip::state {

// A binding as the pinned map holds it (HA role: remote = CoA, local = HA address).
struct MapBinding {
    in6_addr hoa{}, coa{}, ha_addr{};
};

struct ReconcileInput {
    // The decoded state file; nullopt when there is none or it is unusable.
    std::optional<HaState> file;
    std::vector<MapBinding> map;
    int64_t now_ms = 0;  // Unix ms
    // Would the current configuration accept this binding (HA address still
    // ours, home prefix still served, access list)? Unset: all.
    std::function<bool(const in6_addr& hoa, const in6_addr& ha_addr)> acceptable;
    // Without a usable file a map entry is adopted for this long (and the
    // mobile node asked to refresh at once): its lifetime is unknown.
    uint32_t adopt_lifetime_s = 60;
};

struct Restore {
    HaBinding binding;
    bool seq_known = true;     // false: adopted from the map; the next BU sets it
    bool write_map = false;    // the map lacks it or disagrees: (re)write it
    bool refresh_now = false;  // ask the mobile node to refresh (BRR) at once
};

struct ReconcilePlan {
    std::vector<Restore> restore;
    std::vector<in6_addr> delete_from_map;
    // What happened, for the log.
    size_t kept = 0, map_rewritten = 0, expired = 0, refused = 0, stale_map = 0, adopted = 0;
};

ReconcilePlan reconcile(const ReconcileInput& in);

}  // namespace xmip::state
