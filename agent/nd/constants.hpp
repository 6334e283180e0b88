// SPDX-License-Identifier: BSD-2-Clause
// Wire constants for Neighbour Discovery (RFC 4861) and its Mobile IPv6
// additions (RFC 6275 sections 6.5-6.8, 7.1-7.4), and the RFC 6275 section 12
// protocol constants that drive the ND/ICMPv6 side of the daemon.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

namespace xmip::nd {

// ICMPv6 message types.
inline constexpr uint8_t kRouterSolicitation = 133;
inline constexpr uint8_t kRouterAdvertisement = 134;
inline constexpr uint8_t kNeighbourSolicitation = 135;
inline constexpr uint8_t kNeighbourAdvertisement = 136;
inline constexpr uint8_t kDhaadRequest = 144;               // RFC 6275 6.5
inline constexpr uint8_t kDhaadReply = 145;                 // RFC 6275 6.6
inline constexpr uint8_t kMobilePrefixSolicitation = 146;   // RFC 6275 6.7
inline constexpr uint8_t kMobilePrefixAdvertisement = 147;  // RFC 6275 6.8

// ND option types (RFC 4861 4.6, RFC 6275 7.3-7.4).
inline constexpr uint8_t kOptSourceLinkLayerAddress = 1;
inline constexpr uint8_t kOptTargetLinkLayerAddress = 2;
inline constexpr uint8_t kOptPrefixInformation = 3;
inline constexpr uint8_t kOptMtu = 5;
inline constexpr uint8_t kOptAdvertisementInterval = 7;
inline constexpr uint8_t kOptHomeAgentInformation = 8;

// Fixed option lengths in 8-octet units. Link-layer address options are
// Ethernet only (RFC 2464 section 6: 6-byte address, length 1).
inline constexpr uint8_t kLinkLayerAddressOptionUnits = 1;
inline constexpr uint8_t kPrefixInformationOptionUnits = 4;
inline constexpr uint8_t kMtuOptionUnits = 1;
inline constexpr uint8_t kAdvertisementIntervalOptionUnits = 1;
inline constexpr uint8_t kHomeAgentInformationOptionUnits = 1;

// Fixed message parts (bytes, from the ICMPv6 type field; options follow).
inline constexpr std::size_t kRouterSolicitationFixed = 8;
inline constexpr std::size_t kRouterAdvertisementFixed = 16;
inline constexpr std::size_t kNeighbourSolicitationFixed = 24;
inline constexpr std::size_t kNeighbourAdvertisementFixed = 24;
inline constexpr std::size_t kDhaadRequestFixed = 8;
inline constexpr std::size_t kDhaadReplyFixed = 8;
inline constexpr std::size_t kMobilePrefixSolicitationFixed = 8;
inline constexpr std::size_t kMobilePrefixAdvertisementFixed = 8;

// RA flags byte (byte 5). M and O: RFC 4861 4.2; H: RFC 6275 7.1. The rest
// (RFC 4191 Prf 0x18, RFC 4389 P 0x04, reserved) is carried as other_flags.
inline constexpr uint8_t kRaFlagManaged = 0x80;
inline constexpr uint8_t kRaFlagOther = 0x40;
inline constexpr uint8_t kRaFlagHomeAgent = 0x20;
inline constexpr uint8_t kRaOtherFlagsMask = 0x1f;

// Prefix Information flags byte: L, A (RFC 4861 4.6.2), R (RFC 6275 7.2).
inline constexpr uint8_t kPrefixFlagOnLink = 0x80;
inline constexpr uint8_t kPrefixFlagAutonomous = 0x40;
inline constexpr uint8_t kPrefixFlagRouterAddress = 0x20;
inline constexpr uint32_t kInfiniteLifetime = 0xffffffff;

// NA flags (first byte of the 32-bit flags word, RFC 4861 4.4).
inline constexpr uint8_t kNaFlagRouter = 0x80;
inline constexpr uint8_t kNaFlagSolicited = 0x40;
inline constexpr uint8_t kNaFlagOverride = 0x20;

// Home Agent Information option, first bit of its reserved field: the home
// agent supports mobile routers (RFC 3963 7.1; radvd AdvMobRtrSupportFlag).
inline constexpr uint16_t kHaInfoFlagMobileRouter = 0x8000;
// DHAAD request/reply flags word: mobile router (RFC 3963 7.2, 7.3).
inline constexpr uint16_t kDhaadFlagMobileRouter = 0x8000;
// Mobile Prefix Advertisement flags word (RFC 6275 6.8).
inline constexpr uint16_t kMpaFlagManaged = 0x8000;
inline constexpr uint16_t kMpaFlagOther = 0x4000;

// Neighbour Discovery messages are only accepted with this hop limit
// (RFC 4861 6.1, 7.1): proof they were not forwarded by a router.
inline constexpr int kNdHopLimit = 255;

// A DHAAD reply must fit the minimum IPv6 MTU (RFC 6275 10.5). It goes to
// the care-of address with no extension headers, so 1280 - 40 (IPv6
// header) - 8 (fixed part) leaves room for exactly 77 addresses.
inline constexpr std::size_t kMaxDhaadReplyAddresses = (1280 - 40 - kDhaadReplyFixed) / 16;

// RFC 6275 section 12 (and REFERENCE.md section 6).
inline constexpr int kDhaadRetries = 4;                                           // DHAAD_RETRIES
inline constexpr std::chrono::seconds kInitialDhaadTimeout{3};                    // INITIAL_DHAAD_TIMEOUT
inline constexpr std::chrono::seconds kInitialSolicitTimer{3};                    // INITIAL_SOLICIT_TIMER
inline constexpr int kPrefixAdvRetries = 3;                                       // PREFIX_ADV_RETRIES
inline constexpr std::chrono::seconds kPrefixAdvTimeout{3};                       // PREFIX_ADV_TIMEOUT
inline constexpr std::chrono::milliseconds kMinDelayBetweenRasHomeLink{30};       // section 7.5 / 13
inline constexpr std::chrono::seconds kMinDelayBetweenRas{3};                     // RFC 4861 MIN_DELAY_BETWEEN_RAS
inline constexpr std::chrono::seconds kMaxMobPfxAdvInterval{86400};
inline constexpr std::chrono::seconds kMinMobPfxAdvInterval{600};
// RFC 4861 10: unsolicited NAs a node may send (the HA's proxy NA, the MN's
// return-home NA, RFC 6275 10.4.1 and 11.5.4).
inline constexpr int kMaxNeighbourAdvertisement = 3;

}  // namespace xmip::nd
