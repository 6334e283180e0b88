// SPDX-License-Identifier: BSD-2-Clause
#include "auth/bu_guard.hpp"

#include <algorithm>

#include "auth/authenticator.hpp"
#include "auth/ntp_time.hpp"

namespace xmip::auth {

void BindingUpdateGuard::set_policy(GuardPolicy policy) {
    policy_ = std::move(policy);
    // Forget the record of home addresses that lost their association.
    std::erase_if(last_, [this](const auto& kv) { return !policy_.associations.count(kv.first); });
}

const SecurityAssociation* BindingUpdateGuard::association(const in6_addr& hoa) const {
    auto it = policy_.associations.find(hoa);
    return it == policy_.associations.end() ? nullptr : &it->second;
}

std::optional<uint64_t> BindingUpdateGuard::last_timestamp(const in6_addr& hoa) const {
    auto it = last_.find(hoa);
    if (it == last_.end()) return std::nullopt;
    return it->second;
}

GuardDecision BindingUpdateGuard::check(mh::ByteView mh, const mh::BindingUpdate& bu, const in6_addr& coa,
                                        const in6_addr& hoa, uint64_t now) const {
    GuardDecision d;
    const SecurityAssociation* sa = association(hoa);
    const bool has_auth = mn_ha_spi(bu.options).has_value();
    if (!sa) {
        bool optional = std::any_of(policy_.optional_prefixes.begin(), policy_.optional_prefixes.end(),
                                    [&](const core::Prefix& p) { return p.contains(hoa); });
        if (optional && !has_auth) {
            d.accept = true;
            d.reason = "unauthenticated (optional on this prefix)";
            return d;
        }
        d.status = mh::ba_status::auth_failed;
        d.reason = has_auth ? "no security association for the home address" : "no authentication";
        return d;
    }
    d.sa = sa;
    const auto* rp = mh::find_option<mh::ReplayProtection>(bu.options);
    Verdict v = verify(mh, coa, hoa, *sa);
    if (v != Verdict::ok) {
        d.status = mh::ba_status::auth_failed;
        d.reason = to_string(v);
        if (rp) d.reply_timestamp = rp->timestamp;  // echoed, so the real MN can match the answer
        return d;
    }
    d.authenticated = true;
    if (!rp) {
        d.status = mh::ba_status::message_id_required;
        d.reason = "no Replay Protection option";
        return d;
    }
    const int64_t window = int64_t{policy_.replay_window_s} * kNtpOneSecond;
    const int64_t skew = ntp_diff(rp->timestamp, now);
    auto last = last_timestamp(hoa);
    if (skew > window || skew < -window || (last && ntp_diff(rp->timestamp, *last) <= 0)) {
        d.status = mh::ba_status::id_mismatch;
        d.reason = skew > window || skew < -window ? "timestamp outside the replay window" : "replayed timestamp";
        d.reply_timestamp = now;  // the home agent's time (RFC 4285 6)
        return d;
    }
    d.accept = true;
    d.reason = "authenticated";
    d.bu_timestamp = rp->timestamp;
    d.reply_timestamp = rp->timestamp;  // echoed in the BA: the MN matches it to its BU
    return d;
}

void BindingUpdateGuard::accepted(const in6_addr& hoa, uint64_t timestamp) {
    if (!association(hoa)) return;
    last_[hoa] = timestamp;
}

}  // namespace xmip::auth
