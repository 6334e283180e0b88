// SPDX-License-Identifier: BSD-2-Clause
// Any message this codec handles, for a receive loop that reads one ICMPv6
// socket: decode() dispatches on the type byte.
#pragma once

#include <cstdint>
#include <span>
#include <variant>
#include <vector>

#include "nd/mobility.hpp"
#include "nd/neighbour.hpp"
#include "nd/result.hpp"
#include "nd/router.hpp"

namespace xmip::nd {

using Message = std::variant<RouterSolicitation, RouterAdvertisement, NeighbourSolicitation, NeighbourAdvertisement,
                             DhaadRequest, DhaadReply, MobilePrefixSolicitation, MobilePrefixAdvertisement>;

// The ICMPv6 type of each message.
uint8_t icmp_type(const Message& m);

std::vector<uint8_t> encode(const Message& m);

// unknown_type (offset 0) for any other ICMPv6 type, truncated for an empty
// buffer; otherwise what the type's decoder says.
Result<Message> decode(std::span<const uint8_t> icmp);

}  // namespace xmip::nd
