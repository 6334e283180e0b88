// SPDX-License-Identifier: BSD-2-Clause
// Which Binding Updates the home agent takes on: MAX_UPDATE_RATE per source
// (before anything costs more than a lookup), then RFC 4285 authentication
// (before anything is looked up or changed). docs/security.md.
#pragma once

#include "auth/bu_guard.hpp"
#include "config/config.hpp"
#include "core/clock.hpp"
#include "ha/binding_cache.hpp"
#include "ha/source_rate_limiter.hpp"

namespace xmip::agent {

class Admission {
public:
    Admission(const config::HomeAgent& h, core::TimePoint now);
    void reload(const config::HomeAgent& h);

    // src: the BU's source; bound: the binding of its home address, if any.
    bool admit(const in6_addr& src, const ha::Binding* bound, core::TimePoint now);
    // RFC 4285: the authenticator covers the IPv6 source (not an Alternate
    // Care-of Address). Changes nothing.
    auth::GuardDecision authenticate(mh::ByteView mh, const mh::BindingUpdate& bu, const in6_addr& src,
                                     const in6_addr& hoa) const;
    // The update took effect: later ones must carry newer timestamps.
    void accepted(const in6_addr& hoa, uint64_t timestamp) { guard_.accepted(hoa, timestamp); }
    const auth::BindingUpdateGuard& guard() const { return guard_; }
    // Registered care-of addresses' buckets: one per binding the cache may hold.
    const ha::SourceRateLimiter& bound_sources() const { return bound_sources_; }

private:
    // Sources that are the care-of address of their binding, and the rest:
    // a flood from new sources cannot take the buckets of registered nodes.
    ha::SourceRateLimiter bound_sources_;
    ha::SourceRateLimiter other_sources_;
    ha::TokenBucket other_total_;  // all unregistered sources together
    ha::RateLimit other_total_limit_;
    auth::BindingUpdateGuard guard_;
};

}  // namespace xmip::agent
