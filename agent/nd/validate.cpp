// SPDX-License-Identifier: BSD-2-Clause
#include "nd/validate.hpp"

#include "nd/address.hpp"
#include "nd/constants.hpp"

namespace xmip::nd {

namespace {

bool is_nd(uint8_t type) { return type >= kRouterSolicitation && type <= kNeighbourAdvertisement; }

// Byte offset of the first option of `type` in a message whose options
// (from `fixed` on) already parsed cleanly.
std::size_t option_offset(std::span<const uint8_t> icmp, std::size_t fixed, uint8_t type) {
    std::size_t pos = fixed;
    while (pos + 1 < icmp.size() && icmp[pos + 1] != 0) {
        if (icmp[pos] == type) return pos;
        pos += std::size_t{icmp[pos + 1]} * 8;
    }
    return fixed;
}

Status check_message(const ReceiveInfo& rx, std::span<const uint8_t> icmp, const Message& m) {
    if (const auto* rs = std::get_if<RouterSolicitation>(&m)) {
        if (is_unspecified(rx.source) && find_option<SourceLinkLayerAddress>(rs->options))
            return Error{Errc::unspecified_source_with_slla,
                         option_offset(icmp, kRouterSolicitationFixed, kOptSourceLinkLayerAddress)};
    } else if (std::holds_alternative<RouterAdvertisement>(m)) {
        if (!is_link_local(rx.source)) return Error{Errc::source_not_link_local, 0};
    } else if (const auto* ns = std::get_if<NeighbourSolicitation>(&m)) {
        if (is_multicast(ns->target)) return Error{Errc::multicast_target, 8};
        if (is_unspecified(rx.source)) {
            if (!is_solicited_node_multicast(rx.destination)) return Error{Errc::bad_dad_destination, 0};
            if (find_option<SourceLinkLayerAddress>(ns->options))
                return Error{Errc::unspecified_source_with_slla,
                             option_offset(icmp, kNeighbourSolicitationFixed, kOptSourceLinkLayerAddress)};
        }
    } else if (const auto* na = std::get_if<NeighbourAdvertisement>(&m)) {
        if (is_multicast(na->target)) return Error{Errc::multicast_target, 8};
        if (na->solicited_flag && is_multicast(rx.destination)) return Error{Errc::solicited_to_multicast, 4};
    }
    return {};
}

}  // namespace

Result<Message> decode_received(const ReceiveInfo& rx, std::span<const uint8_t> icmp) {
    if (icmp.empty()) return Error{Errc::truncated, 0};
    const uint8_t type = icmp[0];
    if (is_nd(type)) {
        if (rx.hop_limit != kNdHopLimit) return Error{Errc::bad_hop_limit, 0};
        if (icmp.size() < 2) return Error{Errc::truncated, icmp.size()};
        if (icmp[1] != 0) return Error{Errc::bad_code, 1};
    }
    auto m = decode(icmp);
    if (!m) return m.error();
    if (auto s = check_message(rx, icmp, *m); !s) return s.error();
    return m;
}

Status validate_received(const ReceiveInfo& rx, std::span<const uint8_t> icmp) {
    auto m = decode_received(rx, icmp);
    if (!m) return m.error();
    return {};
}

}  // namespace xmip::nd
