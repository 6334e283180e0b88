// SPDX-License-Identifier: BSD-2-Clause
// Receive checks of RFC 4861 (6.1.1, 6.1.2, 7.1.1, 7.1.2) that depend on the
// bytes and the IPv6 header, kept apart from decoding because the hop limit
// and addresses come from the socket (IPV6_RECVHOPLIMIT / IPV6_RECVPKTINFO
// ancillary data and the peer address), not from the ICMPv6 body.
//
// Not checked here: the ICMPv6 checksum (a raw ICMPv6 socket drops bad
// ones; icmpv6_checksum_valid() is there for hand-delivered frames), and the
// rules that need state (RFC 6275 11.4.3: an MPA comes from the home agent
// in reply to our identifier) - those belong to the daemon.
#pragma once

#include <netinet/in.h>

#include <span>

#include "nd/message.hpp"
#include "nd/result.hpp"

namespace xmip::nd {

struct ReceiveInfo {
    in6_addr source{};
    in6_addr destination{};
    int hop_limit = -1;  // as received; -1 when the ancillary data was missing (fails ND checks)
};

// For ND messages (133-136), in this order:
//   hop limit 255 (bad_hop_limit), code 0 (bad_code), the fixed part present
//   and every option well formed (decode errors: truncated,
//   option_length_zero, option_overrun, ...), then per type:
//   RS: from :: carries no Source Link-Layer Address (unspecified_source_with_slla);
//   RA: source is link-local (source_not_link_local);
//   NS: target not multicast (multicast_target); from :: only to a
//       solicited-node group (bad_dad_destination) and without a Source
//       Link-Layer Address (unspecified_source_with_slla);
//   NA: target not multicast (multicast_target); S clear when sent to a
//       multicast address (solicited_to_multicast).
// For DHAAD and Mobile Prefix messages (144-147), which are routed, only that
// they decode. Any other type: unknown_type.
Status validate_received(const ReceiveInfo& rx, std::span<const uint8_t> icmp);

// validate_received() and decode() in one pass: the message if it passes.
Result<Message> decode_received(const ReceiveInfo& rx, std::span<const uint8_t> icmp);

}  // namespace xmip::nd
