// SPDX-License-Identifier: BSD-2-Clause
// The home agent across restarts (docs/restart.md): recovery at start from
// the state file and the pinned binding map, and the state file written
// after every change of the binding cache (once per batch of BUs), before
// the datapath, the home link or a mobile node sees the change. The rules are state::reconcile's; this
// file only reads, applies and logs.
#include "core/log.hpp"
#include "datapath/in6.hpp"
#include "state/file.hpp"
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

void HaService::recover(const config::Config& cfg) {
    state::ReconcileInput in;
    const auto clock = WallClock::at(ctx_.loop.now());
    in.now_ms = clock.unix_ms;
    in.adopt_lifetime_s = kAdoptLifetimeS;
    const std::string dir = cfg.paths.state_dir;
    if (auto err = state::ensure_directory(dir)) {
        XLOG_ERROR("%s: bindings will not survive a restart of this agent", err->c_str());
    } else {
        state_path_ = dir + "/bindings.json";
        auto r = state::read_file(state_path_);
        if (r.status == state::ReadResult::Status::ok) {
            auto d = state::decode_ha(r.data);
            if (d.value)
                in.file = std::move(*d.value);
            else
                XLOG_ERROR("state file %s: %s; taking over the datapath's bindings alone", state_path_.c_str(),
                           d.error.c_str());
        } else if (r.status == state::ReadResult::Status::error) {
            XLOG_ERROR("%s; taking over the datapath's bindings alone", r.error.c_str());
        }
    }
    for (const auto& [hoa, v] : ctx_.maps.bindings())
        in.map.push_back({dp::to_in6(hoa), dp::to_in6(v.remote), dp::to_in6(v.local)});
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
    begin_batch();
    for (const auto& hoa : plan.delete_from_map) {
        ctx_.maps.delete_binding(dp::to_xmip(hoa));
        ctx_.netlink.del_proxy_neigh(home_ifindex_, hoa);
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
        cache_.restore(b);
        if (r.write_map) {
            activate(b);  // the map, proxy ND with an unsolicited NA, the refresh request
        } else {
            // Forwarding as it is: the map entry is left alone (no gap, not
            // even a rewrite); the proxy entry survived too unless someone
            // removed it, and replacing it is idempotent.
            ctx_.netlink.add_proxy_neigh(home_ifindex_, b.hoa);
            schedule_refresh_request(b);
        }
        if (r.refresh_now) send_refresh_request(b.hoa);
    }
    changed();  // the file holds the reconciled cache even when nothing was rewritten
    end_batch();
    schedule_expiry();
    XLOG_INFO("restart: %zu bindings taken over (%zu as they were, %zu rewritten to the datapath, %zu adopted "
              "from it without a state file); removed %zu expired, %zu the configuration refuses, %zu in the "
              "datapath only",
              plan.restore.size(), plan.kept, plan.map_rewritten, plan.adopted, plan.expired, plan.refused,
              plan.stale_map);
}

void HaService::after_commit(std::function<void()> effect) {
    if (batch_open_) {
        effects_.push_back(std::move(effect));
        return;
    }
    commit();
    effect();
}

void HaService::commit() {
    if (!dirty_) return;
    dirty_ = false;
    persist();
}

void HaService::end_batch() {
    batch_open_ = false;
    flush();
}

void HaService::flush() {
    commit();
    auto effects = std::move(effects_);
    effects_.clear();
    for (auto& effect : effects) {
        // One failing effect (a netlink error, say) must not cost the
        // others theirs: each BU of the batch is answered on its own.
        try {
            effect();
        } catch (const std::exception& e) {
            XLOG_ERROR("%s", e.what());
        }
    }
}

void HaService::persist() {
    if (state_path_.empty()) return;
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
        s.bindings.push_back(r);
    }
    if (auto err = state::write_atomically(state_path_, state::encode(s, clock.unix_ms))) {
        // Serving goes on (a full disk must not stop the gateway); what a
        // restart would lose is said once, when it starts and when it ends.
        if (!persist_failing_) XLOG_ERROR("%s: bindings changed from now on would not survive a restart", err->c_str());
        persist_failing_ = true;
    } else if (persist_failing_) {
        XLOG_INFO("state file %s written again", state_path_.c_str());
        persist_failing_ = false;
    }
}

}  // namespace xmip::agent
