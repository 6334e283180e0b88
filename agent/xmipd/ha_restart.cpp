// SPDX-License-Identifier: BSD-2-Clause
// The home agent across restarts (docs/restart.md): recovery at start from
// the binding store and the pinned binding map, and the store's
// transactions (written by the group commit, group_commit.hpp, before the
// datapath, the home link or a mobile node sees a change). The rules are
// state::reconcile's; this file only reads, applies and logs.
#include <algorithm>
#include <stdexcept>
#include <unordered_set>

#include "core/log.hpp"
#include "state/codec.hpp"
#include "state/reconcile.hpp"
#include "xmipd/ha_service.hpp"
#include "xmipd/wall_clock.hpp"

namespace xmip::agent {

using core::to_string;

namespace {

// How long a binding found in the map without a state file is kept: long
// enough for the mobile node to answer the Binding Refresh Request sent at
// once (it retransmits its BU for up to MAX_BINDACK_TIMEOUT, 32 s).
constexpr uint32_t kAdoptLifetimeS = 60;

}  // namespace

void HaService::recover() {
    // A store that cannot be opened, read or written stops the start: an
    // agent that went on would serve with an empty binding cache, refuse
    // the refreshes of every mobile node it had, and overwrite the record.
    if (auto err = ctx_.store.open()) throw std::runtime_error(*err);
    auto snap = ctx_.store.load();
    if (!snap) throw std::runtime_error(snap.error());
    state::ReconcileInput in;
    const auto clock = WallClock::at(ctx_.loop.now());
    in.now_ms = clock.unix_ms;
    in.adopt_lifetime_s = kAdoptLifetimeS;
    // A store created by this start has no record of what was accepted:
    // what the datapath forwards is adopted (docs/restart.md).
    if (!snap->created) in.file = state::HaState{snap->bindings};
    for (const auto& [hoa, t] : ctx_.tunnels.all()) in.map.push_back({hoa, t.remote, t.local});
    const ha::Policy& policy = cache_.policy();
    in.acceptable = [&policy](const in6_addr& hoa, const in6_addr& ha) {
        bool ours = std::any_of(policy.ha_addresses.begin(), policy.ha_addresses.end(),
                                [&](const in6_addr& a) { return core::same_addr(a, ha); });
        bool home = std::any_of(policy.home_prefixes.begin(), policy.home_prefixes.end(),
                                [&](const ha::HomePrefix& p) { return p.prefix.contains(hoa); });
        return ours && home && (!policy.allowed || policy.allowed(hoa));
    };
    if ((!in.file || in.file->bindings.empty()) && in.map.empty()) return;  // nothing to take over
    auto plan = state::reconcile(in);

    // One batch: what the reconciliation changed in the store is one
    // transaction, then the map writes and proxy entries it leads to
    // follow (as for BUs, docs/restart.md).
    commit_.begin_batch();
    for (const auto& hoa : plan.delete_from_map) {
        ctx_.tunnels.remove(hoa);
        ctx_.kernel.del_proxy_neigh(home_ifindex_, hoa);
        ctx_.kernel.del_proxy_neigh(home_ifindex_, link_local_of(hoa));
    }
    std::unordered_set<in6_addr, core::In6Hash, core::In6Equal> kept;
    // The proxy entries still in place (a warm start: the predecessor's),
    // read in one dump. Replacing each would cost a request and a walk of
    // the kernel's proxy table per binding: O(N^2) at 10^5 bindings
    // (docs/restart.md, "Restart time").
    std::unordered_set<in6_addr, core::In6Hash, core::In6Equal> in_place;
    // A fleet member holds no home agent address yet (HaFleet decides):
    // the entries a killed predecessor left are not its to keep.
    if (fleet_member_ || std::any_of(plan.restore.begin(), plan.restore.end(), [this](const auto& r) {
            return !r.write_map && (!xdp_nd_proxy_ || r.binding.link_local);
        }))
        for (const auto& a : ctx_.kernel.proxy_neighs(home_ifindex_)) in_place.insert(a);
    auto ensure_proxy = [&](const in6_addr& a) {
        if (!in_place.count(a)) ctx_.kernel.add_proxy_neigh(home_ifindex_, a);
    };
    auto drop_proxy = [&](const in6_addr& a) {
        if (in_place.count(a)) ctx_.kernel.del_proxy_neigh(home_ifindex_, a);
    };
    for (const auto& r : plan.restore) {
        ha::Binding b;
        b.hoa = r.binding.hoa;
        b.coa = r.binding.coa;
        b.ha_addr = r.binding.ha_addr;
        b.seq = r.binding.seq;
        b.lifetime_s = r.binding.lifetime_s;
        b.registered = clock.to_mono(r.binding.registered_ms);
        b.expires = clock.to_mono(r.binding.expires_ms);
        b.seq_known = r.seq_known;
        b.link_local = r.binding.link_local;
        cache_.restore(b);
        kept.insert(b.hoa);
        if (!r.seq_known) unsaved(b.hoa);  // adopted from the datapath: the store has no record of it yet
        if (r.write_map) {
            // The map, proxy ND with an unsolicited NA, the refresh request;
            // what cannot be put in force is dropped (the mobile node's next
            // BU registers it again).
            auto u = activate(b, std::nullopt);
            u.needs_store = false;  // the store holds it already (or learns it in this batch)
            u.revert = [this, hoa = b.hoa, b] { revert(hoa, b, std::nullopt); };
            commit_.submit(std::move(u));
        } else {
            // Forwarding as it is: the map entry is left alone (no gap, not
            // even a rewrite); the proxy entry survived too unless someone
            // removed it: added when it is not there.
            if (defends_here(b.ha_addr)) {
                if (!xdp_nd_proxy_) ensure_proxy(b.hoa);  // else the map entry answers (nd_proxy.bpf.h)
                if (b.link_local) ensure_proxy(link_local_of(b.hoa));
            }
            refresh_.schedule(b);
        }
        if (!defends_here(b.ha_addr)) {
            drop_proxy(b.hoa);
            drop_proxy(link_local_of(b.hoa));
        }
        if (r.refresh_now) send_refresh_request(b.hoa);
    }
    // Expired or refused now: out of the store too.
    if (in.file)
        for (const auto& b : in.file->bindings)
            if (!kept.count(b.hoa)) unsaved(b.hoa);
    commit_.end_batch();
    schedule_expiry();
    XLOG_INFO(
        "restart: %zu bindings taken over (%zu as they were, %zu rewritten to the datapath, %zu adopted "
        "from it without a binding store); removed %zu expired, %zu the configuration refuses, %zu in the "
        "datapath only",
        plan.restore.size(), plan.kept, plan.map_rewritten, plan.adopted, plan.expired, plan.refused, plan.stale_map);
}

std::optional<std::string> HaService::persist() {
    if (unsaved_.empty()) return std::nullopt;
    const auto clock = WallClock::at(ctx_.loop.now());
    state::Changes c;
    for (const auto& hoa : unsaved_) {
        const ha::Binding* b = cache_.find(hoa);
        if (!b || b->pending_dad) {  // gone, or not accepted yet (no BA was sent, the MN retransmits)
            c.erase.push_back(hoa);
            continue;
        }
        state::HaBinding r;
        r.hoa = b->hoa;
        r.coa = b->coa;
        r.ha_addr = b->ha_addr;
        r.seq = b->seq;
        r.lifetime_s = b->lifetime_s;
        r.registered_ms = clock.to_unix_ms(b->registered);
        r.expires_ms = clock.to_unix_ms(b->expires);
        r.seq_known = b->seq_known;
        r.link_local = b->link_local;
        c.put.push_back(r);
    }
    if (auto err = ctx_.store.commit(c)) {
        // What waited for it is refused (status 130) and undone; said once
        // while it lasts, not on every BU.
        if (!persist_failing_)
            XLOG_ERROR("%s: registrations are refused (status 130) until it can be written again", err->c_str());
        persist_failing_ = true;
        return err;
    }
    unsaved_.clear();
    if (persist_failing_) {
        XLOG_INFO("binding store %s written again", ctx_.store.where().c_str());
        persist_failing_ = false;
    }
    return std::nullopt;
}

}  // namespace xmip::agent
