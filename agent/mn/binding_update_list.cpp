// SPDX-License-Identifier: BSD-2-Clause
#include "mn/binding_update_list.hpp"

#include <algorithm>
#include <random>

namespace xmip::mn {

using Kind = BaResult::Kind;

std::string_view to_string(State s) {
    switch (s) {
        case State::AtHome: return "at-home";
        case State::Registering: return "registering";
        case State::Bound: return "bound";
        case State::Deregistering: return "deregistering";
        case State::Failed: return "failed";
    }
    return "?";
}

BindingUpdateList::BindingUpdateList(in6_addr hoa, in6_addr ha, uint32_t lifetime_s, Timing timing)
    : hoa_(hoa), ha_(ha), lifetime_s_(lifetime_s), timing_(timing) {
    // Start somewhere unpredictable: a restarted MN must not replay numbers
    // the HA still remembers as old (it would answer 135 and we would
    // recover, but a random start usually saves the round trip).
    std::random_device rd;
    seq_ = static_cast<uint16_t>(rd());
}

BuToSend BindingUpdateList::build() const {
    BuToSend b;
    b.seq = seq_;
    if (state_ == State::Deregistering) {
        b.coa = hoa_;  // from home: CoA = HoA and lifetime 0 (11.5.5)
        b.lifetime_s = 0;
        b.at_home = true;
    } else {
        b.coa = coa_;
        b.lifetime_s = lifetime_s_;
    }
    return b;
}

BuToSend BindingUpdateList::send(core::TimePoint now, bool restart_backoff) {
    seq_++;  // every BU, retransmissions included, carries a new number (11.7.1)
    if (restart_backoff)
        delay_ = ever_registered_ ? timing_.initial : timing_.first_registration;
    else
        delay_ = std::min(delay_ * 2, timing_.max);
    transmissions_ = restart_backoff ? 1 : transmissions_ + 1;
    last_sent_ = now;
    next_ = now + delay_;
    return build();
}

BuToSend BindingUpdateList::moved_to(const in6_addr& coa, core::TimePoint now) {
    coa_ = coa;
    state_ = State::Registering;
    return send(now, true);
}

std::optional<BuToSend> BindingUpdateList::returned_home(core::TimePoint now) {
    if (state_ == State::AtHome) return std::nullopt;
    if (state_ == State::Registering && !ever_registered_) {
        // Never registered: nothing at the HA to remove.
        state_ = State::AtHome;
        next_.reset();
        return std::nullopt;
    }
    state_ = State::Deregistering;
    return send(now, true);
}

BaResult BindingUpdateList::on_binding_ack(uint8_t status, uint16_t seq, uint32_t lifetime_s,
                                           std::optional<uint32_t> refresh_advice_s,
                                           core::TimePoint now) {
    BaResult r;
    r.status = status;
    if (state_ != State::Registering && state_ != State::Deregistering && state_ != State::Bound)
        return r;
    if (status == 135) {
        // The HA remembers a later number than ours: continue after it.
        if (state_ == State::Bound) return r;
        seq_ = seq;
        r.kind = Kind::Resend;
        r.send = send(now, false);
        return r;
    }
    if (seq != seq_ || state_ == State::Bound) return r;  // 11.7.3: must match our latest BU

    // 133 (not home agent for this MN) to a deregistration: the HA holds no
    // binding any more, it removed it on an earlier BU of ours whose BA was
    // lost. What the deregistration wanted is done.
    if (state_ == State::Deregistering && status == 133) status = 0;
    if (status >= 128) {
        failed_deregistration_ = state_ == State::Deregistering;
        state_ = State::Failed;
        // 130 (insufficient resources) is a passing state of the home
        // agent (a fleet whose store is slow or has no quorum, a full cache):
        // retried on the retransmission schedule, doubling from where it
        // is (RFC 6275 11.7.3 allows a new BU, 11.8 bounds the rate). Any
        // other refusal waits MAX_BINDACK_TIMEOUT.
        if (status != 130) delay_ = timing_.max;
        next_ = now + delay_;
        r.kind = Kind::Refused;
        return r;
    }
    if (state_ == State::Deregistering) {
        state_ = State::AtHome;
        ever_registered_ = false;
        granted_s_ = 0;
        expires_.reset();
        next_.reset();
        r.kind = Kind::Deregistered;
        return r;
    }
    // Accepted. The HA may grant less than asked, never more (11.7.3).
    state_ = State::Bound;
    ever_registered_ = true;
    granted_s_ = std::min(lifetime_s, lifetime_s_);
    auto granted = std::chrono::seconds(granted_s_);
    expires_ = *last_sent_ + granted;  // counted from when we sent it
    auto refresh = *last_sent_ + std::chrono::duration_cast<core::Duration>(
                                     granted * (1.0 - timing_.refresh_at_remaining));
    if (refresh_advice_s)
        refresh = std::min(refresh, now + std::chrono::seconds(*refresh_advice_s));
    next_ = refresh;
    r.kind = Kind::Bound;
    return r;
}

bool BindingUpdateList::restore(const Restored& r, core::TimePoint now) {
    seq_ = r.seq;  // send() increments before use: the next BU carries r.seq + 1
    ever_registered_ = r.ever_registered;
    transmissions_ = 0;
    delay_ = timing_.initial;
    if (!r.bound || r.expires <= now || r.granted_s == 0) {
        state_ = State::AtHome;
        granted_s_ = 0;
        expires_.reset();
        next_.reset();
        return false;
    }
    state_ = State::Bound;
    ever_registered_ = true;
    coa_ = r.coa;
    granted_s_ = r.granted_s;
    const auto granted = std::chrono::seconds(r.granted_s);
    expires_ = r.expires;
    last_sent_ = r.expires - granted;  // the registration's start, as on_binding_ack counts
    next_ = std::max(now, *last_sent_ + std::chrono::duration_cast<core::Duration>(
                                            granted * (1.0 - timing_.refresh_at_remaining)));
    return true;
}

std::optional<BuToSend> BindingUpdateList::on_id_mismatch(uint16_t seq, core::TimePoint now) {
    if ((state_ != State::Registering && state_ != State::Deregistering) || seq != seq_) return std::nullopt;
    return send(now, false);
}

std::optional<BuToSend> BindingUpdateList::on_refresh_request(core::TimePoint now) {
    if (state_ != State::Bound) return std::nullopt;
    state_ = State::Registering;
    return send(now, true);
}

std::optional<BuToSend> BindingUpdateList::on_timer(core::TimePoint now) {
    if (!next_ || now < *next_) return std::nullopt;
    switch (state_) {
        case State::Registering:
        case State::Deregistering:
            return send(now, false);
        case State::Bound:
            state_ = State::Registering;
            return send(now, true);
        case State::Failed:
            // Retry what failed: a refused deregistration is not a reason
            // to register an address we no longer hold.
            state_ = failed_deregistration_ ? State::Deregistering : State::Registering;
            return send(now, false);
        case State::AtHome:
            break;
    }
    next_.reset();
    return std::nullopt;
}

}  // namespace xmip::mn
