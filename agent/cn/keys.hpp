// SPDX-License-Identifier: BSD-2-Clause
// The correspondent's side of return routability (RFC 6275 5.2, 9.4): Kcn
// and the nonce table, the Home Test and Care-of Test that answer a HoTI and
// a CoTI, and Kbm for the nonce indices a Binding Update names, or the
// status that says which of them expired (136, 137, 138).
#pragma once

#include <netinet/in.h>

#include <cstdint>
#include <variant>

#include "core/clock.hpp"
#include "mh/messages.hpp"
#include "rr/crypto.hpp"
#include "rr/nonce_table.hpp"

namespace xmip::cn {

class Keys {
public:
    // kcn: 20 random octets, made at start (bindings do not survive a
    // restart: the mobile node runs return routability again).
    Keys(const rr::Kcn& kcn, rr::NonceTable::Generator nonces, core::Duration rotate_every = rr::kDefaultNonceRotation);

    // The HoT for a HoTI that came from `home_address` (9.4.1-9.4.3): the
    // cookie echoed, the current nonce's index and the home keygen token.
    mh::HomeTest home_test(const mh::HomeTestInit& hoti, const in6_addr& home_address, core::TimePoint now);
    mh::CareOfTest care_of_test(const mh::CareOfTestInit& coti, const in6_addr& care_of_address, core::TimePoint now);

    // Kbm for a BU (5.2.5): from both tokens, or the home token alone for a
    // deregistration (the care-of index is not looked at then). A status
    // 136 / 137 / 138 when the named nonces are no longer accepted.
    std::variant<rr::Kbm, uint8_t> binding_key(const mh::NonceIndices& indices, const in6_addr& home_address,
                                               const in6_addr& care_of_address, bool deregistration,
                                               core::TimePoint now) const;

    const rr::NonceTable& nonces() const { return nonces_; }

private:
    rr::Kcn kcn_;
    rr::NonceTable nonces_;
};

}  // namespace xmip::cn
