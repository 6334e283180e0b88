// SPDX-License-Identifier: BSD-2-Clause
// Addresses ordered by when they expire: the next expiry and the expired ones
// without a scan of whatever holds them. The home agent's and the
// correspondent's binding caches keep one beside their map (the agent asks
// for the next expiry after every change; a scan made each BU cost
// O(bindings)).
#pragma once

#include <netinet/in.h>

#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "core/clock.hpp"
#include "core/in6.hpp"

namespace xmip::core {

class ExpiryIndex {
public:
    void add(TimePoint expires, const in6_addr& a) { set_.emplace(expires, a); }
    // The entry must be the one added: same address, same time.
    void remove(TimePoint expires, const in6_addr& a) { set_.erase({expires, a}); }
    std::optional<TimePoint> next() const {
        if (set_.empty()) return std::nullopt;
        return set_.begin()->first;
    }
    // The earliest entry due at `now`, if any; it stays in the index (its
    // holder removes it with the rest of its state).
    std::optional<in6_addr> first_due(TimePoint now) const {
        if (set_.empty() || set_.begin()->first > now) return std::nullopt;
        return set_.begin()->second;
    }
    std::size_t size() const { return set_.size(); }
    bool empty() const { return set_.empty(); }
    void clear() { set_.clear(); }

private:
    struct Less {
        bool operator()(const std::pair<TimePoint, in6_addr>& a, const std::pair<TimePoint, in6_addr>& b) const {
            if (a.first != b.first) return a.first < b.first;
            return In6Less()(a.second, b.second);
        }
    };
    std::set<std::pair<TimePoint, in6_addr>, Less> set_;
};

}  // namespace xmip::core
