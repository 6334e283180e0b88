// SPDX-License-Identifier: BSD-2-Clause
// The home agent across restarts (docs/restart.md): recovery at start from
// the state file and the pinned binding map, and the state file's content
// (written by the group commit, group_commit.hpp, before the datapath, the
// home link or a mobile node sees a change). The rules are
// state::reconcile's; this file only reads, applies and logs.
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
    state::ReconcileInput in;
    const auto clock = WallClock::at(ctx_.loop.now());
    in.now_ms = clock.unix_ms;
    in.adopt_lifetime_s = kAdoptLifetimeS;
    if (auto err = ctx_.store.open()) {
        XLOG_ERROR("%s: bindings will not survive a restart of this agent", err->c_str());
    } else {
        persisting_ = true;
        auto r = ctx_.store.read();
        if (r.status == state::ReadResult::Status::ok) {
            auto d = state::decode_ha(r.data);
            if (d.value)
                in.file = std::move(*d.value);
            else
                XLOG_ERROR("state file %s: %s; taking over the datapath's bindings alone", ctx_.store.where().c_str(),
                           d.error.c_str());
        } else if (r.status == state::ReadResult::Status::error) {
            XLOG_ERROR("%s; taking over the datapath's bindings alone", r.error.c_str());
        }
    }
    for (const auto& [hoa, t] : ctx_.tunnels.all()) in.map.push_back({hoa, t.remote, t.local});
    const ha::Policy& policy = cache_.policy();
    in.acceptable = [&policy](const in6_addr& hoa, const in6_addr& ha) {
        bool ours = std::any_of(policy.ha_addresses.begin(), policy.ha_addresses.end(),
                                [&](const in6_addr& a) { return core::same_addr(a, ha); });
        bool home = std::any_of(policy.home_prefixes.begin(), policy.home_prefixes.end(),
                                [&](const ha::HomePrefix& p) { return p.prefix.contains(hoa); });
        return ours && home && (!policy.allowed || policy.allowed(hoa));
    };
    if (!in.file && in.map.empty()) {
        persist();  // a first start: the file exists from now on
        return;
    }
    auto plan = state::reconcile(in);

    // One batch: the reconciled cache is written once, then the map writes
    // and proxy entries it leads to follow (as for BUs, docs/restart.md).
    commit_.begin_batch();
    for (const auto& hoa : plan.delete_from_map) {
        ctx_.tunnels.remove(hoa);
        ctx_.kernel.del_proxy_neigh(home_ifindex_, hoa);
        ctx_.kernel.del_proxy_neigh(home_ifindex_, link_local_of(hoa));
    }
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
        if (r.write_map) {
            activate(b);  // the map, proxy ND with an unsolicited NA, the refresh request
        } else {
            // Forwarding as it is: the map entry is left alone (no gap, not
            // even a rewrite); the proxy entry survived too unless someone
            // removed it, and replacing it is idempotent.
            ctx_.kernel.add_proxy_neigh(home_ifindex_, b.hoa);
            if (b.link_local) ctx_.kernel.add_proxy_neigh(home_ifindex_, link_local_of(b.hoa));
            refresh_.schedule(b);
        }
        if (r.refresh_now) send_refresh_request(b.hoa);
    }
    commit_.changed();  // the file holds the reconciled cache even when nothing was rewritten
    commit_.end_batch();
    schedule_expiry();
    XLOG_INFO("restart: %zu bindings taken over (%zu as they were, %zu rewritten to the datapath, %zu adopted "
              "from it without a state file); removed %zu expired, %zu the configuration refuses, %zu in the "
              "datapath only",
              plan.restore.size(), plan.kept, plan.map_rewritten, plan.adopted, plan.expired, plan.refused,
              plan.stale_map);
}

void HaService::persist() {
    if (!persisting_) return;
    const auto clock = WallClock::at(ctx_.loop.now());
    state::HaState s;
    for (const auto& b : cache_.bindings()) {
        if (b.pending_dad) continue;  // not accepted yet: no BA was sent, the MN retransmits
        state::HaBinding r;
        r.hoa = b.hoa;
        r.coa = b.coa;
        r.ha_addr = b.ha_addr;
        r.seq = b.seq;
        r.lifetime_s = b.lifetime_s;
        r.registered_ms = clock.to_unix_ms(b.registered);
        r.expires_ms = clock.to_unix_ms(b.expires);
        r.seq_known = b.seq_known;
        r.link_local = b.link_local;
        s.bindings.push_back(r);
    }
    if (auto err = ctx_.store.write(state::encode(s, clock.unix_ms))) {
        // Serving goes on (a full disk must not stop the gateway); what a
        // restart would lose is said once, when it starts and when it ends.
        if (!persist_failing_) XLOG_ERROR("%s: bindings changed from now on would not survive a restart", err->c_str());
        persist_failing_ = true;
    } else if (persist_failing_) {
        XLOG_INFO("state file %s written again", ctx_.store.where().c_str());
        persist_failing_ = false;
    }
}

}  // namespace xmip::agent
