// SPDX-License-Identifier: BSD-2-Clause
#include "nd/mobility.hpp"

#include <algorithm>

#include "nd/address.hpp"
#include "nd/wire.hpp"

namespace xmip::nd {

namespace {

void put_id_flags(std::vector<uint8_t>& out, uint8_t type, uint16_t identifier, uint16_t flags) {
    wire::put_icmp_header(out, type);
    wire::put16(out, identifier);
    wire::put16(out, flags);
}

}  // namespace

bool DhaadReply::operator==(const DhaadReply& o) const {
    return identifier == o.identifier && mobile_router == o.mobile_router &&
           std::equal(home_agents.begin(), home_agents.end(), o.home_agents.begin(), o.home_agents.end(),
                      [](const in6_addr& a, const in6_addr& b) { return a == b; });
}

std::vector<uint8_t> encode(const DhaadRequest& m) {
    std::vector<uint8_t> out;
    put_id_flags(out, kDhaadRequest, m.identifier, m.mobile_router ? kDhaadFlagMobileRouter : 0);
    return out;
}

std::vector<uint8_t> encode(const DhaadReply& m) {
    std::vector<uint8_t> out;
    put_id_flags(out, kDhaadReply, m.identifier, m.mobile_router ? kDhaadFlagMobileRouter : 0);
    for (const auto& a : m.home_agents) wire::put_in6(out, a);
    return out;
}

std::vector<uint8_t> encode(const MobilePrefixSolicitation& m) {
    std::vector<uint8_t> out;
    put_id_flags(out, kMobilePrefixSolicitation, m.identifier, 0);
    append_options(out, m.options);
    return out;
}

std::vector<uint8_t> encode(const MobilePrefixAdvertisement& m) {
    std::vector<uint8_t> out;
    put_id_flags(out, kMobilePrefixAdvertisement, m.identifier,
                 static_cast<uint16_t>((m.managed ? kMpaFlagManaged : 0) | (m.other_config ? kMpaFlagOther : 0)));
    append_options(out, m.options);
    return out;
}

Result<DhaadRequest> decode_dhaad_request(std::span<const uint8_t> icmp) {
    if (auto s = wire::check_fixed(icmp, kDhaadRequest, kDhaadRequestFixed); !s) return s.error();
    return DhaadRequest{wire::get16(icmp, 4), (wire::get16(icmp, 6) & kDhaadFlagMobileRouter) != 0};
}

Result<DhaadReply> decode_dhaad_reply(std::span<const uint8_t> icmp) {
    if (auto s = wire::check_fixed(icmp, kDhaadReply, kDhaadReplyFixed); !s) return s.error();
    const std::size_t rest = icmp.size() - kDhaadReplyFixed;
    if (rest % 16) return Error{Errc::bad_address_list, kDhaadReplyFixed + rest / 16 * 16};
    DhaadReply m{wire::get16(icmp, 4), (wire::get16(icmp, 6) & kDhaadFlagMobileRouter) != 0, {}};
    m.home_agents.reserve(rest / 16);
    for (std::size_t at = kDhaadReplyFixed; at < icmp.size(); at += 16) m.home_agents.push_back(wire::get_in6(icmp, at));
    return m;
}

Result<MobilePrefixSolicitation> decode_mobile_prefix_solicitation(std::span<const uint8_t> icmp) {
    if (auto s = wire::check_fixed(icmp, kMobilePrefixSolicitation, kMobilePrefixSolicitationFixed); !s)
        return s.error();
    auto options = parse_options(icmp.subspan(kMobilePrefixSolicitationFixed), kMobilePrefixSolicitationFixed,
                                 kMobilePrefixSolicitationOptions);
    if (!options) return options.error();
    return MobilePrefixSolicitation{wire::get16(icmp, 4), std::move(options).value()};
}

Result<MobilePrefixAdvertisement> decode_mobile_prefix_advertisement(std::span<const uint8_t> icmp) {
    if (auto s = wire::check_fixed(icmp, kMobilePrefixAdvertisement, kMobilePrefixAdvertisementFixed); !s)
        return s.error();
    MobilePrefixAdvertisement m;
    m.identifier = wire::get16(icmp, 4);
    const uint16_t flags = wire::get16(icmp, 6);
    m.managed = flags & kMpaFlagManaged;
    m.other_config = flags & kMpaFlagOther;
    auto options = parse_options(icmp.subspan(kMobilePrefixAdvertisementFixed), kMobilePrefixAdvertisementFixed,
                                 kMobilePrefixAdvertisementOptions);
    if (!options) return options.error();
    m.options = std::move(options).value();
    return m;
}

}  // namespace xmip::nd
