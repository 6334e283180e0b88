// SPDX-License-Identifier: BSD-2-Clause
// The home agent's Binding Acknowledgement (RFC 6275 6.1.8, 9.5.4) and
// Binding Refresh Request (6.1.2, 9.5.5) as whole packets to send.
#pragma once

#include <optional>

#include "auth/algorithm.hpp"
#include "ha/binding_cache.hpp"
#include "mh/packet.hpp"

namespace xmip::agent {

struct OutgoingMessage {
    mh::PacketSpec spec;
    mh::Message msg;
};

// The BA for a registration of hoa at coa with outcome o, from ha_addr.
// With a security association: authenticated (RFC 4285 5-6) with
// `timestamp` in its Replay Protection option. nullopt when it cannot be
// authenticated (logged).
std::optional<OutgoingMessage> build_binding_ack(const in6_addr& ha_addr, const in6_addr& hoa, const in6_addr& coa,
                                                 const ha::Outcome& o, const auth::SecurityAssociation* sa,
                                                 uint64_t timestamp);

// A Binding Refresh Request for binding b: to the home address, tunnelled
// to the care-of address (no type 2 routing header: only a BA has one).
OutgoingMessage build_refresh_request(const ha::Binding& b);

}  // namespace xmip::agent
