// SPDX-License-Identifier: BSD-2-Clause
// The MN-HA authenticator (RFC 4285 5.1) for one security association:
// computed over mh::authentication_input() (auth.hpp in the codec says
// which bytes), compared in constant time.
//
// Sending: sign() appends the Replay Protection option (the timestamp) and
// the Authentication option (subtype MN-HA, last) to a message and fills the
// authenticator. Receiving: verify() over the received Mobility Header bytes.
//
// The addresses (RFC 4285 5.1): for a Binding Update the care-of address is
// its IPv6 source and the home address the Home Address option's (the
// source again from the home link); for a Binding Acknowledgement the
// care-of address is its IPv6 destination and the home address the type 2
// routing header's (the destination again at home).
#pragma once

#include <netinet/in.h>

#include "auth/algorithm.hpp"
#include "mh/bytes.hpp"
#include "mh/messages.hpp"
#include "mh/result.hpp"

namespace xmip::auth {

// The truncated HMAC of `input` with the association's key and algorithm.
mh::Bytes compute_authenticator(const SecurityAssociation& sa, mh::ByteView input);

// Appends Replay Protection {timestamp} and Authentication {MN-HA, sa.spi,
// authenticator} to msg's options, the authenticator computed for the MH
// that encode(msg) produces (encoding is deterministic, and the input
// excludes the checksum, so building the packet afterwards keeps it valid).
// Fails only when encode() does.
mh::Result<bool> sign(mh::Message& msg, const in6_addr& care_of_address, const in6_addr& home_address,
                      const SecurityAssociation& sa, uint64_t timestamp);

enum class Verdict {
    ok,
    no_authentication,  // no Authentication option of subtype MN-HA
    not_last,           // something other than padding follows it
    wrong_spi,          // not this association's SPI
    bad_authenticator,  // wrong length or wrong value
};
const char* to_string(Verdict v);

// `mh` is the received Mobility Header (decodable: the caller parsed it).
Verdict verify(mh::ByteView mh, const in6_addr& care_of_address, const in6_addr& home_address,
               const SecurityAssociation& sa);

// The SPI of the message's MN-HA Authentication option, if it has one.
std::optional<uint32_t> mn_ha_spi(const mh::Options& options);

}  // namespace xmip::auth
