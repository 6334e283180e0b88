// SPDX-License-Identifier: BSD-2-Clause
// Per-source Binding Update rate limiting (RFC 6275 12: MAX_UPDATE_RATE, 3
// per second): one token bucket per IPv6 source, checked before any parsing
// beyond the envelope and before any cryptography, so a flood costs the home
// agent a hash lookup per packet.
//
// Memory is bounded: at most `capacity` buckets. A bucket that has refilled
// completely says nothing a fresh one would not, so it is recycled (the
// least recently used first). When every bucket is in use (a flood from more
// sources than capacity in one refill period), new sources share a single
// overflow bucket: they are throttled together rather than growing the
// table or evicting sources that are sending right now.
#pragma once

#include <netinet/in.h>

#include <cstddef>
#include <list>
#include <unordered_map>

#include "core/clock.hpp"
#include "core/in6.hpp"

namespace xmip::ha {

struct RateLimit {
    double per_second = 3;  // MAX_UPDATE_RATE
    double burst = 3;       // tokens a quiet source starts with
};

// One bucket: `burst` tokens at most, refilled at `per_second`.
class TokenBucket {
public:
    TokenBucket() = default;
    TokenBucket(RateLimit l, core::TimePoint now) : tokens_(l.burst), updated_(now) {}
    bool take(const RateLimit& l, core::TimePoint now);
    // Refilled to the brim by `now`: indistinguishable from a new bucket.
    bool full_at(const RateLimit& l, core::TimePoint now) const;

private:
    double tokens_ = 0;
    core::TimePoint updated_{};
};

class SourceRateLimiter {
public:
    SourceRateLimiter(RateLimit limit, size_t capacity, RateLimit overflow = {30, 30});

    // Takes a token for one message from src; false: drop it.
    bool allow(const in6_addr& src, core::TimePoint now);

    // A new rate (configuration reload); buckets keep their tokens.
    void set_limit(RateLimit limit) { limit_ = limit; }
    // A new table size (configuration reload): growing keeps every bucket;
    // shrinking forgets the least recently used sources beyond it.
    void set_capacity(size_t capacity);
    size_t size() const { return buckets_.size(); }
    size_t capacity() const { return capacity_; }

private:
    struct Bucket {
        TokenBucket tokens;
        std::list<in6_addr>::iterator lru;  // position in lru_ (front: most recent)
    };

    RateLimit limit_, overflow_limit_;
    size_t capacity_;
    std::unordered_map<in6_addr, Bucket, core::In6Hash, core::In6Equal> buckets_;
    std::list<in6_addr> lru_;
    TokenBucket overflow_;
};

}  // namespace xmip::ha
