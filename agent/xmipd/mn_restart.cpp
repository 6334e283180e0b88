// SPDX-License-Identifier: BSD-2-Clause
// The mobile node across restarts (docs/restart.md): the binding update
// list and the node's location from the state file at start, the file
// written on every change. A live registration is taken over as it is: the
// care-of address, the tunnel (pinned map) and the route stay, no BU is sent
// until the refresh is due, and every BU continues the sequence numbers.
#include <algorithm>

#include "core/log.hpp"
#include "nd/address.hpp"
#include "state/codec.hpp"
#include "xmipd/mn_service.hpp"
#include "xmipd/wall_clock.hpp"

namespace xmip::agent {

using core::to_string;

void MnService::recover() {
    if (auto err = ctx_.store.open()) {
        XLOG_ERROR("%s: the registration will not survive a restart of this agent", err->c_str());
        return;
    }
    persisting_ = true;
    auto r = ctx_.store.read();
    if (r.status == state::ReadResult::Status::missing) return;
    if (r.status == state::ReadResult::Status::error) {
        XLOG_ERROR("%s; starting without the previous registration", r.error.c_str());
        return;
    }
    auto d = state::decode_mn(r.data);
    if (!d.value) {
        XLOG_ERROR("state file %s: %s; starting without the previous registration", ctx_.store.where().c_str(),
                   d.error.c_str());
        return;
    }
    const auto& s = *d.value;
    // A discovered home agent (home_agent = "auto") is the predecessor's.
    if (cfg_.home_agent_auto && core::same_addr(s.hoa, hoa_) && !nd::is_unspecified(s.ha)) {
        ha_ = s.ha;
        bul_.set_home_agent(ha_);
    }
    if (!core::same_addr(s.hoa, hoa_) || !core::same_addr(s.ha, ha_)) {
        XLOG_WARN("state file %s is for home address %s at %s, not this configuration's: starting afresh",
                  ctx_.store.where().c_str(), to_string(s.hoa).c_str(), to_string(s.ha).c_str());
        return;
    }
    const auto clock = WallClock::at(ctx_.loop.now());
    mn::BindingUpdateList::Restored rs;
    rs.seq = s.seq;
    rs.ever_registered = s.ever_registered;
    rs.bound = s.state == "bound" && s.coa && s.visited && s.expires_ms;
    if (s.coa) rs.coa = *s.coa;
    rs.granted_s = s.lifetime_s;
    if (s.expires_ms) rs.expires = clock.to_mono(*s.expires_ms);
    if (!bul_.restore(rs, ctx_.loop.now())) {
        XLOG_INFO("restart: no live registration (was %s); the next Binding Update carries sequence %u",
                  s.state.c_str(), static_cast<unsigned>(static_cast<uint16_t>(s.seq + 1)));
        return;
    }
    // Away and bound: what the predecessor set up is where it was (a crash
    // or a stop that kept forwarding) or gone (a reboot, a clean stop that
    // detached): make sure of each, idempotently.
    visited_ = *s.visited;
    where_ = Where::Away;
    link_.take_over(*s.coa);
    auto cur = ctx_.tunnels.find(hoa_);
    if (!cur || !core::same_addr(cur->local, *s.coa) || !core::same_addr(cur->remote, ha_) || cur->registering)
        ctx_.tunnels.set(hoa_, Tunnel{*s.coa, ha_});
    if (s.router) link_.install_default_route(*s.router);
    XLOG_INFO("restart: registration of %s -> %s taken over (sequence %u, %lld s left)", to_string(hoa_).c_str(),
              to_string(*s.coa).c_str(), static_cast<unsigned>(s.seq),
              static_cast<long long>(std::chrono::duration_cast<std::chrono::seconds>(rs.expires - ctx_.loop.now()).count()));
    arm_timer();
}

void MnService::persist() {
    if (!persisting_) return;
    const auto clock = WallClock::at(ctx_.loop.now());
    state::MnState s;
    s.hoa = hoa_;
    s.ha = ha_;
    s.state = std::string(mn::to_string(bul_.state()));
    s.seq = bul_.last_seq();
    s.ever_registered = bul_.ever_registered();
    if (where_ == Where::Away && link_.care_of_address()) {
        s.coa = *link_.care_of_address();
        s.visited = visited_;
        s.router = link_.router();
    }
    if (bul_.state() == mn::State::Bound && bul_.expires()) {
        s.coa = bul_.care_of();
        s.lifetime_s = bul_.granted_lifetime();
        s.expires_ms = clock.to_unix_ms(*bul_.expires());
    }
    // Unchanged (the time stamp aside): no write, no fsync.
    std::string key = state::encode(s, 0);
    if (key == last_persisted_) return;
    if (auto err = ctx_.store.write(state::encode(s, clock.unix_ms))) {
        if (!persist_failing_) XLOG_ERROR("%s: the registration would not survive a restart", err->c_str());
        persist_failing_ = true;
        return;
    }
    persist_failing_ = false;
    last_persisted_ = std::move(key);
}

}  // namespace xmip::agent
