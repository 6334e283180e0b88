// SPDX-License-Identifier: BSD-2-Clause
#include "rr/nonce_table.hpp"

#include <algorithm>

namespace xmip::rr {

NonceTable::NonceTable(Generator generate, core::Duration rotate_every, uint16_t first_index)
    : generate_(std::move(generate)),
      rotate_every_(std::clamp<core::Duration>(rotate_every, core::seconds(1), kMaxNonceLifetime)),
      next_index_(first_index) {}

void NonceTable::drop_expired(core::TimePoint now) {
    while (!nonces_.empty() && now - nonces_.front().made >= kMaxNonceLifetime) nonces_.pop_front();
}

NonceTable::Current NonceTable::current(core::TimePoint now) {
    drop_expired(now);
    if (nonces_.empty() || now - nonces_.back().made >= rotate_every_) {
        Entry e{next_index_++, {}, now};
        generate_(e.nonce);
        nonces_.push_back(e);
    }
    return {nonces_.back().index, nonces_.back().nonce};
}

std::optional<Nonce> NonceTable::find(uint16_t index, core::TimePoint now) const {
    for (const auto& e : nonces_)
        if (e.index == index && now - e.made < kMaxNonceLifetime) return e.nonce;
    return std::nullopt;
}

}  // namespace xmip::rr
