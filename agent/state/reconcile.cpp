// SPDX-License-Identifier: BSD-2-Clause
#include "state/reconcile.hpp"

#include <unordered_map>

namespace xmip::state {

ReconcilePlan reconcile(const ReconcileInput& in) {
    ReconcilePlan plan;
    auto ok = [&](const in6_addr& hoa, const in6_addr& ha) { return !in.acceptable || in.acceptable(hoa, ha); };

    if (!in.file) {
        // No usable record of what was accepted: the map is all there is, and
        // it is forwarding now. Keep forwarding; sequence number and lifetime
        // are unknown, so the binding lives a short while and the mobile
        // node is asked to refresh, which restores both.
        for (const auto& m : in.map) {
            if (!ok(m.hoa, m.ha_addr)) {
                plan.delete_from_map.push_back(m.hoa);
                plan.refused++;
                continue;
            }
            Restore r;
            r.binding.hoa = m.hoa;
            r.binding.coa = m.coa;
            r.binding.ha_addr = m.ha_addr;
            r.binding.lifetime_s = in.adopt_lifetime_s;
            r.binding.registered_ms = in.now_ms;
            r.binding.expires_ms = in.now_ms + int64_t{in.adopt_lifetime_s} * 1000;
            r.binding.seq_known = false;
            r.seq_known = false;
            r.refresh_now = true;
            plan.restore.push_back(r);
            plan.adopted++;
        }
        return plan;
    }

    // The agent writes the file before the map (and before the BA): the file
    // is never behind what the map or the mobile node were told. A map entry
    // the file does not have is a removal the crash cut short; a file entry
    // the map lacks or holds differently is a change it cut short (or maps
    // that were lost: a reboot, a manual unpin).
    std::unordered_map<in6_addr, const MapBinding*, core::In6Hash, core::In6Equal> map;
    for (const auto& m : in.map) map[m.hoa] = &m;
    for (const auto& b : in.file->bindings) {
        auto it = map.find(b.hoa);
        const MapBinding* m = it == map.end() ? nullptr : it->second;
        if (m) map.erase(it);
        if (b.expires_ms <= in.now_ms || !ok(b.hoa, b.ha_addr)) {
            (b.expires_ms <= in.now_ms ? plan.expired : plan.refused)++;
            if (m) plan.delete_from_map.push_back(b.hoa);
            continue;
        }
        Restore r;
        r.binding = b;
        r.seq_known = b.seq_known;
        r.write_map = !m || !core::same_addr(m->coa, b.coa) || !core::same_addr(m->ha_addr, b.ha_addr);
        (r.write_map ? plan.map_rewritten : plan.kept)++;
        plan.restore.push_back(r);
    }
    for (const auto& [hoa, m] : map) {
        plan.delete_from_map.push_back(hoa);
        plan.stale_map++;
    }
    return plan;
}

}  // namespace xmip::state
