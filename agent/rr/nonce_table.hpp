// SPDX-License-Identifier: BSD-2-Clause
// The correspondent's nonces (RFC 6275 5.2.2, 5.2.7): a new nonce, with the
// next 16-bit index, every `rotate_every`; a nonce is handed out (in HoT and
// CoT) only while it is the newest, and accepted back (by its index, in a
// BU's Nonce Indices) until MAX_NONCE_LIFETIME after it was made, never
// later (5.2.7: "MUST NOT accept nonces beyond MAX_NONCE_LIFETIME seconds
// after the first use"). With rotate_every <= MAX_NONCE_LIFETIME -
// MAX_TOKEN_LIFETIME (30 s) every token stays usable for the
// MAX_TOKEN_LIFETIME a mobile node may keep it (5.2.7's recommendation).
//
// Bounded: at most MAX_NONCE_LIFETIME / rotate_every + 1 nonces are kept.
// An index the table does not hold (expired, or never issued) is expired
// to the caller: status 136/137/138.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <optional>

#include "core/clock.hpp"
#include "rr/crypto.hpp"

namespace xmip::rr {

inline constexpr core::Duration kMaxNonceLifetime = core::seconds(240);  // MAX_NONCE_LIFETIME
inline constexpr core::Duration kMaxTokenLifetime = core::seconds(210);  // MAX_TOKEN_LIFETIME
inline constexpr core::Duration kDefaultNonceRotation = kMaxNonceLifetime - kMaxTokenLifetime;

class NonceTable {
public:
    // Fills a nonce with fresh random bytes (the daemon: RAND_bytes; tests:
    // a counter).
    using Generator = std::function<void(Nonce&)>;

    // rotate_every is clamped to [1 s, MAX_NONCE_LIFETIME].
    NonceTable(Generator generate, core::Duration rotate_every = kDefaultNonceRotation, uint16_t first_index = 0);

    struct Current {
        uint16_t index;
        Nonce nonce;
    };
    // The nonce to hand out now (a new one when the newest is older than
    // rotate_every); drops the ones past MAX_NONCE_LIFETIME.
    Current current(core::TimePoint now);

    // The nonce of `index` if it may still be accepted at `now`.
    std::optional<Nonce> find(uint16_t index, core::TimePoint now) const;

    size_t size() const { return nonces_.size(); }
    core::Duration rotate_every() const { return rotate_every_; }

private:
    struct Entry {
        uint16_t index;
        Nonce nonce;
        core::TimePoint made;
    };
    void drop_expired(core::TimePoint now);

    Generator generate_;
    core::Duration rotate_every_;
    uint16_t next_index_;
    std::deque<Entry> nonces_;  // oldest first
};

}  // namespace xmip::rr
