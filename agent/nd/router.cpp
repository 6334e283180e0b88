// SPDX-License-Identifier: BSD-2-Clause
#include "nd/router.hpp"

#include "nd/constants.hpp"
#include "nd/wire.hpp"

namespace xmip::nd {

std::vector<uint8_t> encode(const RouterSolicitation& m) {
    std::vector<uint8_t> out;
    wire::put_icmp_header(out, kRouterSolicitation);
    wire::put32(out, 0);  // reserved
    append_options(out, m.options);
    return out;
}

std::vector<uint8_t> encode(const RouterAdvertisement& m) {
    using namespace wire;
    std::vector<uint8_t> out;
    put_icmp_header(out, kRouterAdvertisement);
    put8(out, m.cur_hop_limit);
    put8(out, static_cast<uint8_t>((m.managed ? kRaFlagManaged : 0) | (m.other_config ? kRaFlagOther : 0) |
                                   (m.home_agent ? kRaFlagHomeAgent : 0) | (m.other_flags & kRaOtherFlagsMask)));
    put16(out, m.router_lifetime);
    put32(out, m.reachable_time);
    put32(out, m.retrans_timer);
    append_options(out, m.options);
    return out;
}

Result<RouterSolicitation> decode_router_solicitation(std::span<const uint8_t> icmp) {
    if (auto s = wire::check_fixed(icmp, kRouterSolicitation, kRouterSolicitationFixed); !s) return s.error();
    auto options = parse_options(icmp.subspan(kRouterSolicitationFixed), kRouterSolicitationFixed,
                                 kRouterSolicitationOptions);
    if (!options) return options.error();
    return RouterSolicitation{std::move(options).value()};
}

Result<RouterAdvertisement> decode_router_advertisement(std::span<const uint8_t> icmp) {
    using namespace wire;
    if (auto s = wire::check_fixed(icmp, kRouterAdvertisement, kRouterAdvertisementFixed); !s) return s.error();
    RouterAdvertisement m;
    m.cur_hop_limit = icmp[4];
    m.managed = icmp[5] & kRaFlagManaged;
    m.other_config = icmp[5] & kRaFlagOther;
    m.home_agent = icmp[5] & kRaFlagHomeAgent;
    m.other_flags = icmp[5] & kRaOtherFlagsMask;
    m.router_lifetime = get16(icmp, 6);
    m.reachable_time = get32(icmp, 8);
    m.retrans_timer = get32(icmp, 12);
    auto options = parse_options(icmp.subspan(kRouterAdvertisementFixed), kRouterAdvertisementFixed,
                                 kRouterAdvertisementOptions);
    if (!options) return options.error();
    m.options = std::move(options).value();
    return m;
}

}  // namespace xmip::nd
