// SPDX-License-Identifier: BSD-2-Clause
#include "nd/neighbour.hpp"

#include "nd/wire.hpp"

namespace xmip::nd {

std::vector<uint8_t> encode(const NeighbourSolicitation& m) {
    std::vector<uint8_t> out;
    wire::put_icmp_header(out, kNeighbourSolicitation);
    wire::put32(out, 0);  // reserved
    wire::put_in6(out, m.target);
    append_options(out, m.options);
    return out;
}

std::vector<uint8_t> encode(const NeighbourAdvertisement& m) {
    std::vector<uint8_t> out;
    wire::put_icmp_header(out, kNeighbourAdvertisement);
    wire::put8(out, static_cast<uint8_t>((m.router_flag ? kNaFlagRouter : 0) |
                                         (m.solicited_flag ? kNaFlagSolicited : 0) |
                                         (m.override_flag ? kNaFlagOverride : 0)));
    wire::put_zeros(out, 3);  // rest of the flags word is reserved
    wire::put_in6(out, m.target);
    append_options(out, m.options);
    return out;
}

Result<NeighbourSolicitation> decode_neighbour_solicitation(std::span<const uint8_t> icmp) {
    if (auto s = wire::check_fixed(icmp, kNeighbourSolicitation, kNeighbourSolicitationFixed); !s)
        return s.error();
    NeighbourSolicitation m;
    m.target = wire::get_in6(icmp, 8);
    auto options = parse_options(icmp.subspan(kNeighbourSolicitationFixed), kNeighbourSolicitationFixed,
                                 kNeighbourSolicitationOptions);
    if (!options) return options.error();
    m.options = std::move(options).value();
    return m;
}

Result<NeighbourAdvertisement> decode_neighbour_advertisement(std::span<const uint8_t> icmp) {
    if (auto s = wire::check_fixed(icmp, kNeighbourAdvertisement, kNeighbourAdvertisementFixed); !s)
        return s.error();
    NeighbourAdvertisement m;
    m.router_flag = icmp[4] & kNaFlagRouter;
    m.solicited_flag = icmp[4] & kNaFlagSolicited;
    m.override_flag = icmp[4] & kNaFlagOverride;
    m.target = wire::get_in6(icmp, 8);
    auto options = parse_options(icmp.subspan(kNeighbourAdvertisementFixed), kNeighbourAdvertisementFixed,
                                 kNeighbourAdvertisementOptions);
    if (!options) return options.error();
    m.options = std::move(options).value();
    return m;
}

NeighbourSolicitation dad_solicitation(const in6_addr& tentative) {
    return NeighbourSolicitation{tentative, {}};
}

NeighbourAdvertisement proxy_advertisement(const in6_addr& home_address, const LinkLayerAddress& home_agent_lla,
                                           bool solicited) {
    return NeighbourAdvertisement{false, solicited, true, home_address, {TargetLinkLayerAddress{home_agent_lla}}};
}

NeighbourAdvertisement returning_home_advertisement(const in6_addr& home_address,
                                                    const LinkLayerAddress& mobile_node_lla) {
    return NeighbourAdvertisement{false, false, true, home_address, {TargetLinkLayerAddress{mobile_node_lla}}};
}

}  // namespace xmip::nd
