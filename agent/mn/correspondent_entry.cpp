// SPDX-License-Identifier: BSD-2-Clause
#include "mn/correspondent_entry.hpp"

#include <algorithm>
#include <cstring>
#include <random>

namespace xmip::mn {

namespace {
bool same(const in6_addr& a, const in6_addr& b) { return std::memcmp(&a, &b, sizeof a) == 0; }
}  // namespace

std::string_view to_string(RoState s) {
    switch (s) {
        case RoState::Tunnel: return "tunnel";
        case RoState::Testing: return "testing";
        case RoState::Registering: return "registering";
        case RoState::Bound: return "bound";
        case RoState::Deregistering: return "deregistering";
        case RoState::Failed: return "failed";
        case RoState::Stopped: return "stopped";
    }
    return "?";
}

CorrespondentEntry::CorrespondentEntry(in6_addr hoa, in6_addr peer, uint16_t first_seq, RoTiming t)
    : hoa_(hoa), peer_(peer), t_(t), seq_(first_seq) {
    t_.lifetime_s = std::min(t_.lifetime_s, core::kMaxRrBindingLifetime);
}

std::optional<core::TimePoint> CorrespondentEntry::next_timer() const {
    // A binding that lapses while a refresh is still on its way: the
    // datapath must stop using it then (the tunnel, not a black hole).
    if (installed_ && expires_ && (!due_ || *expires_ < *due_)) return expires_;
    return due_;
}

bool CorrespondentEntry::valid(const TokenState& t, core::TimePoint now) const {
    return t.received && now < *t.received + t_.token_lifetime;
}

Cookie CorrespondentEntry::new_cookie() {
    // Unpredictable, so that only the real HoT / CoT matches (RFC 6275 5.2.3).
    std::random_device rd;
    Cookie c;
    for (size_t i = 0; i < c.size(); i += 4) {
        uint32_t r = rd();
        std::memcpy(c.data() + i, &r, 4);
    }
    return c;
}

void CorrespondentEntry::backoff(core::TimePoint now, bool restart) {
    delay_ = restart ? t_.initial : std::min(delay_ * 2, t_.max);
    transmissions_ = restart ? 1 : transmissions_ + 1;
    due_ = now + delay_;
}

RoActions CorrespondentEntry::advance(core::TimePoint now, bool restart_backoff) {
    const bool need_home = !valid(home_, now);
    const bool need_care_of = !at_home_ && !(valid(care_of_, now) && same(care_of_.for_address, coa_));
    if (!need_home && !need_care_of) return send_bu(now, restart_backoff);
    state_ = RoState::Testing;
    backoff(now, restart_backoff);
    RoActions a;
    if (need_home) {
        if (!home_cookie_) home_cookie_ = new_cookie();
        a.send_hoti = home_cookie_;
    }
    if (need_care_of) {
        if (!care_of_cookie_) care_of_cookie_ = new_cookie();
        a.send_coti = care_of_cookie_;
    }
    return a;
}

RoActions CorrespondentEntry::send_bu(core::TimePoint now, bool restart_backoff) {
    seq_++;  // every BU, retransmissions included, carries a new number (11.7.1)
    RoActions::Bu bu;
    bu.seq = seq_;
    bu.home_nonce_index = home_.nonce_index;
    bu.home_token = home_.token;
    if (at_home_) {
        // Deregistration from home: care-of address = home address,
        // lifetime 0, Kbm from the home keygen token alone (5.2.5).
        bu.care_of = hoa_;
        bu.lifetime_s = 0;
        state_ = RoState::Deregistering;
    } else {
        bu.care_of = coa_;
        bu.lifetime_s = t_.lifetime_s;
        bu.care_of_nonce_index = care_of_.nonce_index;
        bu.care_of_token = care_of_.token;
        state_ = RoState::Registering;
    }
    backoff(now, restart_backoff);
    last_sent_ = now;
    last_bu_ = bu;
    RoActions a;
    a.send_bu = bu;
    return a;
}

RoActions CorrespondentEntry::give_up(core::TimePoint now, RoState to) {
    state_ = to;
    home_cookie_.reset();
    care_of_cookie_.reset();
    due_.reset();
    if (to == RoState::Failed) due_ = now + t_.hold_down;
    RoActions a;
    a.fallback = true;  // whatever was installed: the tunnel from now on
    installed_ = false;
    return a;
}

RoActions CorrespondentEntry::traffic(const in6_addr& coa, core::TimePoint now) {
    if (at_home_ || state_ == RoState::Stopped || state_ == RoState::Failed) return {};
    if (state_ != RoState::Tunnel) return {};  // already testing, registering or bound
    coa_ = coa;
    return advance(now, true);
}

RoActions CorrespondentEntry::moved_to(const in6_addr& coa, core::TimePoint now) {
    at_home_ = false;
    coa_ = coa;
    RoActions a;
    a.fallback = installed_;  // the old care-of address is gone: the direct path with it
    installed_ = false;
    if (state_ == RoState::Stopped) return a;
    // Nothing at the peer to move: traffic starts it when there is some; a
    // peer held down (unanswered or refused) stays so until its hold-down
    // ends, the move does not cut it short (a host without Mobile IPv6
    // would get a new round of tests on every move).
    if ((state_ == RoState::Tunnel || state_ == RoState::Failed) && !peer_has_binding_) return a;
    // Testing, registering, bound, or held down while the peer may still
    // hold our old care-of address: a care-of test from here and a new BU
    // (the home token reused while valid).
    care_of_cookie_.reset();
    RoActions b = advance(now, true);
    b.fallback = a.fallback;
    return b;
}

RoActions CorrespondentEntry::returned_home(core::TimePoint now) {
    at_home_ = true;
    RoActions a;
    a.fallback = installed_;
    installed_ = false;
    care_of_cookie_.reset();
    if (state_ == RoState::Stopped) return a;
    if (!peer_has_binding_) {
        state_ = RoState::Tunnel;  // nothing at the peer to remove
        home_cookie_.reset();
        due_.reset();
        return a;
    }
    RoActions b = advance(now, true);  // the home test if its token lapsed, then the lifetime-0 BU
    b.fallback = a.fallback;
    return b;
}

RoActions CorrespondentEntry::on_home_test(const Cookie& cookie, uint16_t nonce_index, const KeygenToken& token,
                                           core::TimePoint now) {
    if (!home_cookie_ || cookie != *home_cookie_) return {};  // not an answer to our HoTI (5.2.3)
    home_cookie_.reset();
    home_ = TokenState{now, nonce_index, token, hoa_};
    if (state_ != RoState::Testing) return {};
    if (!at_home_ && !(valid(care_of_, now) && same(care_of_.for_address, coa_))) return {};  // the CoT to come
    return send_bu(now, true);
}

RoActions CorrespondentEntry::on_care_of_test(const Cookie& cookie, uint16_t nonce_index, const KeygenToken& token,
                                              core::TimePoint now) {
    if (!care_of_cookie_ || cookie != *care_of_cookie_ || at_home_) return {};
    care_of_cookie_.reset();
    care_of_ = TokenState{now, nonce_index, token, coa_};
    if (state_ != RoState::Testing) return {};
    if (!valid(home_, now)) return {};  // the HoT to come
    return send_bu(now, true);
}

RoActions CorrespondentEntry::on_binding_ack(uint8_t status, uint16_t seq, uint32_t lifetime_s, core::TimePoint now) {
    if (state_ != RoState::Registering && state_ != RoState::Deregistering) return {};
    if (status == 135) {
        // The peer has seen a later number than ours (a restart): continue after it.
        seq_ = seq;
        return send_bu(now, false);
    }
    if (seq != seq_) return {};  // not our latest BU (11.7.3)
    last_status_ = status;
    switch (status) {
        case 136: home_.received.reset(); return advance(now, false);     // expired home nonce index
        case 137: care_of_.received.reset(); return advance(now, false);  // expired care-of nonce index
        case 138:
            home_.received.reset();
            care_of_.received.reset();
            return advance(now, false);
        default: break;
    }
    if (status >= 128) return give_up(now, RoState::Failed);  // refused: the tunnel
    if (state_ == RoState::Deregistering) {
        peer_has_binding_ = false;
        granted_s_ = 0;
        expires_.reset();
        state_ = RoState::Tunnel;
        due_.reset();
        return {};
    }
    granted_s_ = std::min(lifetime_s, t_.lifetime_s);
    if (granted_s_ == 0) return give_up(now, RoState::Failed);  // nothing granted: nothing to use
    state_ = RoState::Bound;
    peer_has_binding_ = true;
    const auto granted = std::chrono::seconds(granted_s_);
    expires_ = *last_sent_ + granted;  // counted from when we sent it
    due_ = *last_sent_ + std::chrono::duration_cast<core::Duration>(granted * (1.0 - t_.refresh_at_remaining));
    transmissions_ = 0;
    installed_ = true;
    RoActions a;
    a.install = true;
    return a;
}

RoActions CorrespondentEntry::on_binding_error(core::TimePoint /*now*/) {
    // RFC 6275 11.3.6: the peer has no binding for our home address (it
    // restarted, or it does not do route optimisation): stop using it.
    state_ = RoState::Stopped;
    peer_has_binding_ = false;
    expires_.reset();
    granted_s_ = 0;
    due_.reset();
    home_cookie_.reset();
    care_of_cookie_.reset();
    RoActions a;
    a.fallback = true;
    installed_ = false;
    return a;
}

RoActions CorrespondentEntry::on_mobility_header_unknown(core::TimePoint now) {
    // Not a hold-down: a host without Mobile IPv6 will not learn it in a
    // minute, and each retry costs it a HoTI, a CoTI and two ICMPv6 errors.
    return on_binding_error(now);
}

RoActions CorrespondentEntry::on_timer(core::TimePoint now) {
    RoActions lapsed;
    if (expires_ && now >= *expires_) {
        // The binding lapsed before a refresh was accepted.
        lapsed.fallback = installed_;
        installed_ = false;
        peer_has_binding_ = false;
        expires_.reset();
        if (state_ == RoState::Bound) state_ = RoState::Tunnel;
    }
    if (!due_ || now < *due_) return lapsed;
    RoActions a;
    switch (state_) {
        case RoState::Testing:
        case RoState::Registering:
        case RoState::Deregistering:
            if (transmissions_ >= t_.attempts) {
                // Unreachable (or silent): the tunnel. From home there is
                // nothing to fall back from; the peer's binding lapses.
                a = give_up(now, at_home_ ? RoState::Tunnel : RoState::Failed);
                if (at_home_) peer_has_binding_ = false;
                break;
            }
            a = state_ == RoState::Testing ? advance(now, false) : send_bu(now, false);
            break;
        case RoState::Bound:
            a = advance(now, true);  // refresh: the tests whose tokens lapsed, then a BU
            break;
        case RoState::Failed:
            state_ = RoState::Tunnel;  // held down long enough: traffic may start it again
            due_.reset();
            break;
        case RoState::Tunnel:
        case RoState::Stopped: due_.reset(); break;
    }
    a.fallback = a.fallback || lapsed.fallback;
    return a;
}

}  // namespace xmip::mn
