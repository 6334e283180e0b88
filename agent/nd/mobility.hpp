// SPDX-License-Identifier: BSD-2-Clause
// ICMPv6 messages Mobile IPv6 adds (RFC 6275 6.5-6.8): Dynamic Home Agent
// Address Discovery request/reply (144/145) and Mobile Prefix
// Solicitation/Advertisement (146/147). These are routed (sent between a
// mobile node away from home and its home agent), not link-local ND.
#pragma once

#include <netinet/in.h>

#include <cstdint>
#include <span>
#include <vector>

#include "nd/constants.hpp"
#include "nd/options.hpp"
#include "nd/result.hpp"

namespace xmip::nd {

struct DhaadRequest {  // 144: to the home agents anycast address of the home prefix
    uint16_t identifier = 0;
    bool mobile_router = false;  // RFC 3963: only home agents supporting mobile routers
    bool operator==(const DhaadRequest&) const = default;
};

struct DhaadReply {  // 145
    uint16_t identifier = 0;  // copied from the request
    bool mobile_router = false;
    std::vector<in6_addr> home_agents;  // global addresses, most preferred first
    // Not defaulted: std::vector's == cannot see xmip::nd's in6_addr ==.
    bool operator==(const DhaadReply& o) const;
};

struct MobilePrefixSolicitation {  // 146
    uint16_t identifier = 0;
    Options options;  // none are defined; any received are kept as RawOption
    bool operator==(const MobilePrefixSolicitation&) const = default;
};

struct MobilePrefixAdvertisement {  // 147
    uint16_t identifier = 0;    // the solicitation's, or any for an unsolicited one
    bool managed = false;       // M
    bool other_config = false;  // O
    Options options;            // interpreted: Prefix Information
    bool operator==(const MobilePrefixAdvertisement&) const = default;
};

inline constexpr OptionSet kMobilePrefixSolicitationOptions = 0;
inline constexpr OptionSet kMobilePrefixAdvertisementOptions = option_bit(kOptPrefixInformation);

std::vector<uint8_t> encode(const DhaadRequest& m);
// Encodes every address given; keeping the reply within the minimum MTU
// (kMaxDhaadReplyAddresses) is the caller's choice of list.
std::vector<uint8_t> encode(const DhaadReply& m);
std::vector<uint8_t> encode(const MobilePrefixSolicitation& m);
std::vector<uint8_t> encode(const MobilePrefixAdvertisement& m);

// The request has no options: bytes after its fixed 8 are ignored. The reply
// must be whole addresses after its fixed 8 (bad_address_list otherwise).
Result<DhaadRequest> decode_dhaad_request(std::span<const uint8_t> icmp);
Result<DhaadReply> decode_dhaad_reply(std::span<const uint8_t> icmp);
Result<MobilePrefixSolicitation> decode_mobile_prefix_solicitation(std::span<const uint8_t> icmp);
Result<MobilePrefixAdvertisement> decode_mobile_prefix_advertisement(std::span<const uint8_t> icmp);

}  // namespace xmip::nd
