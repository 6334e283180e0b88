// SPDX-License-Identifier: BSD-2-Clause
// RFC 6275 6.2.7 and 5.2.6: what the Binding Authorization Data
// authenticator of a route-optimised BU (and of a correspondent's BA) is
// computed over. The MAC itself (First(96, HMAC_SHA1(Kbm, ...))) is the
// caller's (rr/crypto.hpp):
//
//   Mobility Data = care-of address | correspondent address | MH Data
//
// where MH Data is the whole Mobility Header without the 12 authenticator
// bytes, with the Checksum field taken as zero (padding after the option,
// if a sender put any, stays in). For a BU the care-of address is its IPv6
// source (the home address itself for a deregistration from home) and the
// correspondent its destination; for the BA the care-of address is its
// destination and the correspondent its source.
#pragma once

#include <netinet/in.h>

#include "mh/bytes.hpp"
#include "mh/result.hpp"

namespace xmip::mh {

inline constexpr size_t kBindingAuthenticatorLength = 12;

// `mh` is one whole Mobility Header (as decode() accepts). Fails with
// no_authentication_option when it holds no Binding Authorization Data
// option, auth_data_not_last when another option (not padding) follows it,
// option_bad_length when its length is not 12.
Result<Bytes> binding_authorization_input(ByteView mh, const in6_addr& care_of_address, const in6_addr& correspondent);

// The offset in `mh` of the 12 authenticator bytes, when there is a well
// placed Binding Authorization Data option (the checks above).
Result<size_t> binding_authenticator_offset(ByteView mh);

}  // namespace xmip::mh
