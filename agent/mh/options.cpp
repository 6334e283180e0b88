// SPDX-License-Identifier: BSD-2-Clause
#include "mh/bytes.hpp"
#include "mh/messages.hpp"
#include "mh/options.hpp"

namespace xmip::mh {

bool AlternateCareOfAddress::operator==(const AlternateCareOfAddress& o) const {
    return core::same_addr(address, o.address);
}

bool BindingError::operator==(const BindingError& o) const {
    return status == o.status && core::same_addr(home_address, o.home_address) && options == o.options;
}

uint8_t option_type(const Option& o) {
    struct {
        uint8_t operator()(const BindingRefreshAdvice&) const { return opt::binding_refresh_advice; }
        uint8_t operator()(const AlternateCareOfAddress&) const { return opt::alternate_coa; }
        uint8_t operator()(const NonceIndices&) const { return opt::nonce_indices; }
        uint8_t operator()(const BindingAuthorizationData&) const { return opt::binding_authorization_data; }
        uint8_t operator()(const Authentication&) const { return opt::authentication; }
        uint8_t operator()(const ReplayProtection&) const { return opt::replay_protection; }
        uint8_t operator()(const UnknownOption& u) const { return u.type; }
    } visitor;
    return std::visit(visitor, o);
}

Alignment option_alignment(uint8_t type) {
    switch (type) {
    case opt::binding_refresh_advice: return {2, 0};      // RFC 6275 6.2.4
    case opt::alternate_coa: return {8, 6};               // 6.2.5: address 8-aligned
    case opt::nonce_indices: return {2, 0};               // 6.2.6
    case opt::binding_authorization_data: return {8, 2};  // 6.2.7
    case opt::mobile_network_prefix: return {8, 4};       // RFC 3963 6.2: prefix 8-aligned
    case opt::authentication: return {4, 1};              // RFC 4285 5: SPI 4-aligned
    case opt::replay_protection: return {8, 2};           // RFC 4285 6
    default: return {0, 0};
    }
}

size_t fixed_body_length(uint8_t type) {
    switch (type) {
    case mh_type::brr: return 2;
    case mh_type::hoti:
    case mh_type::coti: return 10;
    case mh_type::hot:
    case mh_type::cot: return 18;
    case mh_type::bu:
    case mh_type::ba: return 6;
    case mh_type::be: return 18;
    default: return 0;
    }
}

const Options& options_of(const Message& m) {
    return std::visit([](const auto& msg) -> const Options& { return msg.options; }, m);
}

Options& options_of(Message& m) {
    return std::visit([](auto& msg) -> Options& { return msg.options; }, m);
}

}  // namespace xmip::mh
