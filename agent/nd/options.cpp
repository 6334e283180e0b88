// SPDX-License-Identifier: BSD-2-Clause
#include "nd/options.hpp"

#include <stdexcept>

#include "nd/constants.hpp"
#include "nd/wire.hpp"

namespace xmip::nd {

namespace {

// Fixed length, in 8-octet units, of each typed option.
uint8_t fixed_units(uint8_t type) {
    switch (type) {
        case kOptSourceLinkLayerAddress:
        case kOptTargetLinkLayerAddress: return kLinkLayerAddressOptionUnits;
        case kOptPrefixInformation: return kPrefixInformationOptionUnits;
        case kOptMtu: return kMtuOptionUnits;
        case kOptAdvertisementInterval: return kAdvertisementIntervalOptionUnits;
        case kOptHomeAgentInformation: return kHomeAgentInformationOptionUnits;
        default: return 0;
    }
}

LinkLayerAddress get_lla(std::span<const uint8_t> o) {
    LinkLayerAddress a;
    for (std::size_t i = 0; i < a.size(); i++) a[i] = o[2 + i];
    return a;
}

// `o` is one whole option of a typed kind with its fixed length checked.
Result<Option> parse_typed(std::span<const uint8_t> o, std::size_t at) {
    using namespace wire;
    switch (o[0]) {
        case kOptSourceLinkLayerAddress: return Option{SourceLinkLayerAddress{get_lla(o)}};
        case kOptTargetLinkLayerAddress: return Option{TargetLinkLayerAddress{get_lla(o)}};
        case kOptPrefixInformation: {
            PrefixInformation p;
            p.prefix_length = o[2];
            if (p.prefix_length > 128) return Error{Errc::bad_prefix_length, at + 2};
            p.on_link = o[3] & kPrefixFlagOnLink;
            p.autonomous = o[3] & kPrefixFlagAutonomous;
            p.router_address = o[3] & kPrefixFlagRouterAddress;
            p.valid_lifetime = get32(o, 4);
            p.preferred_lifetime = get32(o, 8);
            // bytes 12-15: Reserved2, ignored on receipt.
            p.prefix = get_in6(o, 16);
            return Option{p};
        }
        case kOptMtu: return Option{Mtu{get32(o, 4)}};  // bytes 2-3 reserved
        case kOptAdvertisementInterval: return Option{AdvertisementInterval{get32(o, 4)}};
        case kOptHomeAgentInformation: {
            HomeAgentInformation h;
            h.mobile_router_support = get16(o, 2) & kHaInfoFlagMobileRouter;
            h.preference = static_cast<int16_t>(get16(o, 4));  // two's complement
            h.lifetime = get16(o, 6);
            return Option{h};
        }
    }
    return Error{Errc::unknown_type, at};  // unreachable: only called for typed kinds
}

struct Appender {
    std::vector<uint8_t>& out;

    void lla(uint8_t type, const LinkLayerAddress& a) {
        wire::put8(out, type);
        wire::put8(out, kLinkLayerAddressOptionUnits);
        out.insert(out.end(), a.begin(), a.end());
    }
    void operator()(const SourceLinkLayerAddress& o) { lla(kOptSourceLinkLayerAddress, o.address); }
    void operator()(const TargetLinkLayerAddress& o) { lla(kOptTargetLinkLayerAddress, o.address); }
    void operator()(const PrefixInformation& o) {
        using namespace wire;
        put8(out, kOptPrefixInformation);
        put8(out, kPrefixInformationOptionUnits);
        put8(out, o.prefix_length);
        put8(out, static_cast<uint8_t>((o.on_link ? kPrefixFlagOnLink : 0) |
                                       (o.autonomous ? kPrefixFlagAutonomous : 0) |
                                       (o.router_address ? kPrefixFlagRouterAddress : 0)));
        put32(out, o.valid_lifetime);
        put32(out, o.preferred_lifetime);
        put32(out, 0);
        put_in6(out, o.prefix);
    }
    void operator()(const Mtu& o) {
        wire::put8(out, kOptMtu);
        wire::put8(out, kMtuOptionUnits);
        wire::put16(out, 0);
        wire::put32(out, o.mtu);
    }
    void operator()(const AdvertisementInterval& o) {
        wire::put8(out, kOptAdvertisementInterval);
        wire::put8(out, kAdvertisementIntervalOptionUnits);
        wire::put16(out, 0);
        wire::put32(out, o.interval_ms);
    }
    void operator()(const HomeAgentInformation& o) {
        wire::put8(out, kOptHomeAgentInformation);
        wire::put8(out, kHomeAgentInformationOptionUnits);
        wire::put16(out, o.mobile_router_support ? kHaInfoFlagMobileRouter : 0);
        wire::put16(out, static_cast<uint16_t>(o.preference));
        wire::put16(out, o.lifetime);
    }
    void operator()(const RawOption& o) {
        std::size_t units = (o.body.size() + 2 + 7) / 8;
        if (units > 255) throw std::invalid_argument("ND option body too long for one option");
        wire::put8(out, o.type);
        wire::put8(out, static_cast<uint8_t>(units));
        out.insert(out.end(), o.body.begin(), o.body.end());
        wire::put_zeros(out, units * 8 - 2 - o.body.size());
    }
};

}  // namespace

Result<Options> parse_options(std::span<const uint8_t> bytes, std::size_t offset, OptionSet recognised) {
    Options options;
    std::size_t pos = 0;
    while (pos < bytes.size()) {
        const std::size_t at = offset + pos;
        if (bytes.size() - pos < 2) return Error{Errc::option_overrun, at};
        const uint8_t type = bytes[pos];
        const std::size_t len = std::size_t{bytes[pos + 1]} * 8;
        if (len == 0) return Error{Errc::option_length_zero, at};
        if (len > bytes.size() - pos) return Error{Errc::option_overrun, at};
        auto o = bytes.subspan(pos, len);
        const uint8_t units = fixed_units(type);
        if (units != 0 && (recognised & option_bit(type))) {
            if (o[1] != units) return Error{Errc::bad_option_length, at};
            auto parsed = parse_typed(o, at);
            if (!parsed) return parsed.error();
            options.push_back(std::move(parsed).value());
        } else {
            options.push_back(RawOption{type, std::vector<uint8_t>(o.begin() + 2, o.end())});
        }
        pos += len;
    }
    return options;
}

void append_options(std::vector<uint8_t>& out, const Options& options) {
    Appender a{out};
    for (const auto& o : options) std::visit(a, o);
}

}  // namespace xmip::nd
