// SPDX-License-Identifier: BSD-2-Clause
// Return routability cryptography (RFC 6275 5.2.5, 5.2.6, 6.2.7):
//
//   home keygen token    = First(64, HMAC_SHA1(Kcn, home address | nonce | 0))
//   care-of keygen token = First(64, HMAC_SHA1(Kcn, care-of address | nonce | 1))
//   Kbm                  = SHA1(home keygen token | care-of keygen token)
//   Kbm (deregistration) = SHA1(home keygen token)
//   authenticator        = First(96, HMAC_SHA1(Kbm, care-of address |
//                                   correspondent | MH Data))
//
// MH Data: mh/binding_auth.hpp. The same authenticator signs the
// correspondent's BA (with the BA's care-of address and correspondent).
#pragma once

#include <netinet/in.h>

#include <array>
#include <cstdint>
#include <optional>

#include "mh/bytes.hpp"
#include "mh/messages.hpp"
#include "mh/result.hpp"

namespace xmip::rr {

using Kcn = std::array<uint8_t, 20>;   // the correspondent's secret (5.2.1)
using Nonce = std::array<uint8_t, 8>;  // length is the implementation's (5.2.2)
using Token = mh::KeygenToken;         // 64 bits
using Kbm = std::array<uint8_t, 20>;   // SHA1 output
using Authenticator = std::array<uint8_t, 12>;

Token home_keygen_token(const Kcn& kcn, const in6_addr& home_address, const Nonce& nonce);
Token care_of_keygen_token(const Kcn& kcn, const in6_addr& care_of_address, const Nonce& nonce);

// Kbm from both tokens, or from the home token alone (deregistration:
// lifetime 0 or care-of address = home address, RFC 6275 5.2.5).
Kbm binding_key(const Token& home, const std::optional<Token>& care_of);

Authenticator authenticator(const Kbm& kbm, mh::ByteView input);

// Over a whole Mobility Header holding Binding Authorization Data (last
// option): fails as mh::binding_authorization_input does.
mh::Result<Authenticator> authenticator_of(const Kbm& kbm, mh::ByteView mh, const in6_addr& care_of_address,
                                           const in6_addr& correspondent);

// True when the received MH's authenticator is right (constant-time compare).
bool verify(const Kbm& kbm, mh::ByteView mh, const in6_addr& care_of_address, const in6_addr& correspondent);

// Appends Binding Authorization Data to msg's options and fills it for the
// MH that encode(msg) produces (deterministic; the input excludes the
// checksum and the authenticator, so build_packet() afterwards keeps it valid).
mh::Result<bool> sign(mh::Message& msg, const Kbm& kbm, const in6_addr& care_of_address, const in6_addr& correspondent);

}  // namespace xmip::rr
