// SPDX-License-Identifier: BSD-2-Clause
// The mobile node across restarts (docs/restart.md): the binding update
// list and the node's location from the state file at start, the file
// written on every change. A live registration is taken over as it is: the
// care-of address, the tunnel (pinned map) and the route stay, no BU is sent
// until the refresh is due, and every BU continues the sequence numbers.
#include <algorithm>
#include <stdexcept>

#include "core/log.hpp"
#include "nd/address.hpp"
#include "state/codec.hpp"
#include "xmipd/mn_service.hpp"
#include "xmipd/wall_clock.hpp"

namespace xmip::agent {

using core::to_string;

void MnService::recover() {
    // A store that cannot be opened, read or written stops the start: the
    // next BU could reuse a sequence number the home agent has seen.
    if (auto err = ctx_.store.open()) throw std::runtime_error(*err);
    auto snap = ctx_.store.load();
    if (!snap) throw std::runtime_error(snap.error());
    if (snap->mn.empty()) return;
    // A discovered home agent (home_agent = "auto") is the predecessor's.
    if (cfg_.home_agent_auto) {
        auto found = std::find_if(snap->mn.begin(), snap->mn.end(), [&](const state::MnState& e) {
            return core::same_addr(e.hoa, hoa_) && !nd::is_unspecified(e.ha);
        });
        if (found != snap->mn.end()) {
            ha_ = found->ha;
            bul_.set_home_agent(ha_);
        }
    }
    auto mine = std::find_if(snap->mn.begin(), snap->mn.end(), [&](const state::MnState& e) {
        return core::same_addr(e.hoa, hoa_) && core::same_addr(e.ha, ha_);
    });
    if (mine == snap->mn.end()) {
        const auto& other = snap->mn.front();
        XLOG_WARN("binding store %s is for home address %s at %s, not this configuration's: starting afresh",
                  ctx_.store.where().c_str(), to_string(other.hoa).c_str(), to_string(other.ha).c_str());
        return;
    }
    const auto& s = *mine;
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
    // Unchanged: no transaction, no fsync.
    std::string key = state::encode(s, 0);
    if (key == last_persisted_) return;
    state::Changes c;
    c.mn_put.push_back(s);
    if (auto err = ctx_.store.commit(c)) {
        if (!persist_failing_) XLOG_ERROR("%s: the registration would not survive a restart", err->c_str());
        persist_failing_ = true;
        return;
    }
    persist_failing_ = false;
    last_persisted_ = std::move(key);
}

}  // namespace xmip::agent
