// SPDX-License-Identifier: BSD-2-Clause
// A pass over the keys of an ordered map that changes while the pass runs,
// a slice at a time, that restarts in O(1) and cannot be starved.
//
// restart() asks for every key once more, counted from where the pass
// stands and wrapping around the end; nothing is copied. A pass restarted
// before it ends (the next-hop cache is, on every rtnetlink event) goes on
// from its cursor: within one whole turn after the last restart every key
// present throughout has been visited. Restarting from the first key
// instead visits the first keys again and again and, when restarts come
// faster than a pass ends, never reaches the last ones; copying the keys to
// restart is O(n) in the event loop (at 10^6 care-of addresses, 46 % of the
// agent's time: docs/performance.md, "The next-hop pass at 10^6").
#pragma once

#include <cstddef>
#include <optional>

namespace xmip::core {

template <typename Map>
class CircularPass {
public:
    using Key = typename Map::key_type;

    // Every key of m once more (n: m's size now), from the cursor.
    void restart(size_t n) { left_ = n; }
    bool done() const { return left_ == 0; }

    // Visits at most `slice` keys from the cursor, in order, wrapping;
    // visit must not change m. Keys added behind the cursor wait for the
    // next turn; a count of keys removed meanwhile visits others again.
    template <typename Visit>
    void step(const Map& m, size_t slice, Visit&& visit) {
        if (m.empty()) {
            left_ = 0;
            next_.reset();
            return;
        }
        auto it = next_ ? m.lower_bound(*next_) : m.begin();
        for (size_t i = 0; i < slice && left_ > 0; i++, left_--) {
            if (it == m.end()) it = m.begin();
            visit(it->first);
            ++it;
        }
        if (it == m.end())
            next_.reset();
        else
            next_ = it->first;
    }

private:
    std::optional<Key> next_;  // the first key of the next slice (none: from the first)
    size_t left_ = 0;          // keys the pass still visits
};

}  // namespace xmip::core
