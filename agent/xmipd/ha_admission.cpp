// SPDX-License-Identifier: BSD-2-Clause
#include "xmipd/ha_admission.hpp"

#include "auth/ntp_time.hpp"
#include "xmipd/auth_config.hpp"

namespace xmip::agent {

namespace {

// Binding Update rate limits (docs/security.md, home_agent.rate_limit). Per
// source: MAX_UPDATE_RATE (RFC 6275 12) by default. Sources that are not
// their binding's care-of address are also limited together, so a flood from
// many addresses costs at most that much authentication work and that many
// refusals sent.
constexpr size_t kUnboundSources = 4096;
ha::RateLimit per_source(const config::HomeAgent& h) {
    return {double(h.rate_per_source), double(h.rate_per_source)};
}
ha::RateLimit unbound_total(const config::HomeAgent& h) {
    return {double(h.rate_unregistered_total), double(h.rate_unregistered_total)};
}

}  // namespace

Admission::Admission(const config::HomeAgent& h, core::TimePoint now)
    : bound_sources_(per_source(h), h.max_bindings),
      other_sources_(per_source(h), kUnboundSources),
      other_total_(unbound_total(h), now),
      other_total_limit_(unbound_total(h)),
      guard_(guard_policy(h)) {}

void Admission::reload(const config::HomeAgent& h) {
    guard_.set_policy(guard_policy(h));
    bound_sources_.set_limit(per_source(h));
    bound_sources_.set_capacity(h.max_bindings);  // one bucket per binding, as at start
    other_sources_.set_limit(per_source(h));
    other_total_limit_ = unbound_total(h);
}

bool Admission::admit(const in6_addr& src, const ha::Binding* b, core::TimePoint now) {
    if (b && !b->pending_dad && core::same_addr(b->coa, src)) return bound_sources_.allow(src, now);
    return other_sources_.allow(src, now) && other_total_.take(other_total_limit_, now);
}

auth::GuardDecision Admission::authenticate(mh::ByteView mh, const mh::BindingUpdate& bu, const in6_addr& src,
                                            const in6_addr& hoa) const {
    return guard_.check(mh, bu, src, hoa, auth::ntp_now());
}

}  // namespace xmip::agent
