// SPDX-License-Identifier: BSD-2-Clause
#include "nd/message.hpp"

#include "nd/constants.hpp"

namespace xmip::nd {

namespace {

template <class T>
Result<Message> widen(Result<T> r) {
    if (!r) return r.error();
    return Message{std::move(r).value()};
}

}  // namespace

uint8_t icmp_type(const Message& m) {
    static constexpr uint8_t types[] = {kRouterSolicitation,  kRouterAdvertisement,      kNeighbourSolicitation,
                                        kNeighbourAdvertisement, kDhaadRequest,          kDhaadReply,
                                        kMobilePrefixSolicitation, kMobilePrefixAdvertisement};
    static_assert(std::size(types) == std::variant_size_v<Message>);
    return types[m.index()];
}

std::vector<uint8_t> encode(const Message& m) {
    return std::visit([](const auto& v) { return encode(v); }, m);
}

Result<Message> decode(std::span<const uint8_t> icmp) {
    if (icmp.empty()) return Error{Errc::truncated, 0};
    switch (icmp[0]) {
        case kRouterSolicitation: return widen(decode_router_solicitation(icmp));
        case kRouterAdvertisement: return widen(decode_router_advertisement(icmp));
        case kNeighbourSolicitation: return widen(decode_neighbour_solicitation(icmp));
        case kNeighbourAdvertisement: return widen(decode_neighbour_advertisement(icmp));
        case kDhaadRequest: return widen(decode_dhaad_request(icmp));
        case kDhaadReply: return widen(decode_dhaad_reply(icmp));
        case kMobilePrefixSolicitation: return widen(decode_mobile_prefix_solicitation(icmp));
        case kMobilePrefixAdvertisement: return widen(decode_mobile_prefix_advertisement(icmp));
    }
    return Error{Errc::unknown_type, 0};
}

}  // namespace xmip::nd
