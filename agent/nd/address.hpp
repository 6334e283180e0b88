// SPDX-License-Identifier: BSD-2-Clause
// Small helpers on struct in6_addr that the codec, the receive checks and the
// Home Agents List need (classification, solicited-node groups, text).
#pragma once

#include <netinet/in.h>

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/in6.hpp"

namespace xmip::nd {

// Ethernet address (link-layer address options are Ethernet only, RFC 2464).
using LinkLayerAddress = std::array<uint8_t, 6>;

// Address comparison is the core's (byte-wise); code in this namespace,
// including the defaulted comparisons of the codec structs, finds it here.
using core::operator==;
using core::operator<=>;

// The link-scope groups Neighbour Discovery talks to (RFC 4291 2.7.1).
inline const in6_addr kAllNodes = *core::parse_addr("ff02::1");
inline const in6_addr kAllRouters = *core::parse_addr("ff02::2");

// Address classification and text come from the agent core.
using core::is_link_local;
using core::is_multicast;
using core::is_solicited_node_multicast;
using core::is_unspecified;
using core::mask_prefix;
using core::parse_addr;
using core::solicited_node_multicast;
using core::to_string;

// The Mobile IPv6 Home-Agents subnet anycast address of a prefix (RFC 2526,
// anycast ID 126 = 0x7e, RFC 6275 10.5): the interface identifier is all
// ones but the ID's low bit, and for a 64-bit prefix (EUI-64 format) the
// universal/local bit is cleared, giving ::fdff:ffff:ffff:fffe. Lengths
// above 120 leave no room for the ID: nullopt.
std::optional<in6_addr> home_agents_anycast(const in6_addr& prefix, unsigned length);

std::optional<LinkLayerAddress> parse_link_layer_address(std::string_view text);  // "02:00:00:00:27:02"
std::string to_string(const LinkLayerAddress& a);

}  // namespace xmip::nd
