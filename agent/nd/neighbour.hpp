// SPDX-License-Identifier: BSD-2-Clause
// Neighbour Solicitation and Advertisement (RFC 4861 4.3, 4.4), and the forms
// Mobile IPv6 needs: the home agent's DAD for a home address before a first
// registration (RFC 6275 10.3.1), its proxy NAs defending a registered home
// address (10.4.1), and the mobile node's NA on returning home (11.5.4).
#pragma once

#include <netinet/in.h>

#include <cstdint>
#include <span>
#include <vector>

#include "nd/constants.hpp"
#include "nd/options.hpp"
#include "nd/result.hpp"

namespace xmip::nd {

struct NeighbourSolicitation {
    in6_addr target{};
    Options options;  // interpreted: Source Link-Layer Address (absent in the DAD form)
    bool operator==(const NeighbourSolicitation&) const = default;
};

struct NeighbourAdvertisement {
    bool router_flag = false;     // R: the sender is a router
    bool solicited_flag = false;  // S: in reply to a solicitation
    bool override_flag = false;   // O: replace cached link-layer addresses
    in6_addr target{};
    Options options;  // interpreted: Target Link-Layer Address
    bool operator==(const NeighbourAdvertisement&) const = default;
};

inline constexpr OptionSet kNeighbourSolicitationOptions = option_bit(kOptSourceLinkLayerAddress);
inline constexpr OptionSet kNeighbourAdvertisementOptions = option_bit(kOptTargetLinkLayerAddress);

std::vector<uint8_t> encode(const NeighbourSolicitation& m);
std::vector<uint8_t> encode(const NeighbourAdvertisement& m);

Result<NeighbourSolicitation> decode_neighbour_solicitation(std::span<const uint8_t> icmp);
Result<NeighbourAdvertisement> decode_neighbour_advertisement(std::span<const uint8_t> icmp);

// Duplicate Address Detection probe for `tentative` (RFC 4862 5.4.2): no
// options; send it from :: to solicited_node_multicast(tentative).
NeighbourSolicitation dad_solicitation(const in6_addr& tentative);

// The home agent answering for a home address whose mobile node is away
// (RFC 6275 10.4.1): R clear (the home address belongs to a host), O set (the
// HA's link-layer address must replace the mobile node's in every cache), the
// HA's own link-layer address as Target Link-Layer Address. `solicited` false
// is the unsolicited advertisement multicast to ff02::1 on registration;
// true is the reply to a solicitation for the home address.
NeighbourAdvertisement proxy_advertisement(const in6_addr& home_address, const LinkLayerAddress& home_agent_lla,
                                           bool solicited);

// The mobile node back on its home link after deregistering (RFC 6275
// 11.5.4): unsolicited, O set, its own link-layer address, multicast to
// ff02::1 from the home address so neighbours stop using the home agent's.
NeighbourAdvertisement returning_home_advertisement(const in6_addr& home_address,
                                                    const LinkLayerAddress& mobile_node_lla);

}  // namespace xmip::nd
