// SPDX-License-Identifier: BSD-2-Clause
// Router Solicitation and Router Advertisement (RFC 4861 4.1, 4.2) with the
// Mobile IPv6 additions: the Home Agent (H) flag, Prefix Information with the
// Router Address flag, Advertisement Interval and Home Agent Information
// options (RFC 6275 7.1-7.4).
//
// Messages are ICMPv6 bodies as a raw ICMPv6 socket sends and receives them:
// from the type byte, checksum field left 0 on encoding (the kernel fills it;
// see checksum.hpp for whole packets) and ignored on decoding.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "nd/constants.hpp"
#include "nd/options.hpp"
#include "nd/result.hpp"

namespace xmip::nd {

struct RouterSolicitation {
    // Source Link-Layer Address is interpreted; it must be absent when the
    // source is :: (checked by validate_received()).
    Options options;
    bool operator==(const RouterSolicitation&) const = default;
};

struct RouterAdvertisement {
    uint8_t cur_hop_limit = 0;  // 0: unspecified
    bool managed = false;       // M
    bool other_config = false;  // O
    bool home_agent = false;    // H (RFC 6275 7.1): the router is a home agent on this link
    // The rest of the flags byte (RFC 4191 Prf 0x18, RFC 4389 P 0x04,
    // reserved), kept as received and sent as given: xmip does not act on them.
    uint8_t other_flags = 0;
    uint16_t router_lifetime = 0;  // seconds; 0: not a default router
    uint32_t reachable_time = 0;   // ms; 0: unspecified
    uint32_t retrans_timer = 0;    // ms; 0: unspecified
    // Interpreted: Source Link-Layer Address, MTU, Prefix Information,
    // Advertisement Interval, Home Agent Information.
    Options options;
    bool operator==(const RouterAdvertisement&) const = default;
};

inline constexpr OptionSet kRouterSolicitationOptions = option_bit(kOptSourceLinkLayerAddress);
inline constexpr OptionSet kRouterAdvertisementOptions =
    option_bit(kOptSourceLinkLayerAddress) | option_bit(kOptPrefixInformation) | option_bit(kOptMtu) |
    option_bit(kOptAdvertisementInterval) | option_bit(kOptHomeAgentInformation);

std::vector<uint8_t> encode(const RouterSolicitation& m);
std::vector<uint8_t> encode(const RouterAdvertisement& m);

Result<RouterSolicitation> decode_router_solicitation(std::span<const uint8_t> icmp);
Result<RouterAdvertisement> decode_router_advertisement(std::span<const uint8_t> icmp);

}  // namespace xmip::nd
