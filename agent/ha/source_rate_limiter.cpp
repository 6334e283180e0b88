// SPDX-License-Identifier: BSD-2-Clause
#include "ha/source_rate_limiter.hpp"

#include <algorithm>

namespace xmip::ha {

bool TokenBucket::take(const RateLimit& l, core::TimePoint now) {
    double elapsed = std::chrono::duration<double>(now - updated_).count();
    if (elapsed > 0) tokens_ = std::min(l.burst, tokens_ + elapsed * l.per_second);
    updated_ = std::max(updated_, now);
    if (tokens_ < 1) return false;
    tokens_ -= 1;
    return true;
}

bool TokenBucket::full_at(const RateLimit& l, core::TimePoint now) const {
    double elapsed = std::chrono::duration<double>(now - updated_).count();
    return tokens_ + std::max(0.0, elapsed) * l.per_second >= l.burst;
}

SourceRateLimiter::SourceRateLimiter(RateLimit limit, size_t capacity, RateLimit overflow)
    : limit_(limit), overflow_limit_(overflow), capacity_(std::max<size_t>(capacity, 1)),
      overflow_(overflow, core::TimePoint{}) {
    buckets_.reserve(capacity_);  // no rehash (and no allocation burst) under a flood
}

void SourceRateLimiter::set_capacity(size_t capacity) {
    capacity_ = std::max<size_t>(capacity, 1);
    while (buckets_.size() > capacity_) {
        buckets_.erase(lru_.back());
        lru_.pop_back();
    }
    buckets_.reserve(capacity_);
}

bool SourceRateLimiter::allow(const in6_addr& src, core::TimePoint now) {
    if (auto it = buckets_.find(src); it != buckets_.end()) {
        lru_.splice(lru_.begin(), lru_, it->second.lru);
        return it->second.tokens.take(limit_, now);
    }
    if (buckets_.size() >= capacity_) {
        // Recycle the least recently used bucket if it has refilled: its
        // source is as good as new. Otherwise the table is all busy sources.
        auto oldest = buckets_.find(lru_.back());
        if (!oldest->second.tokens.full_at(limit_, now)) return overflow_.take(overflow_limit_, now);
        buckets_.erase(oldest);
        lru_.pop_back();
    }
    lru_.push_front(src);
    auto& placed = buckets_.emplace(src, Bucket{TokenBucket(limit_, now), lru_.begin()}).first->second;
    return placed.tokens.take(limit_, now);
}

}  // namespace xmip::ha
