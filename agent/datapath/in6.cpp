// SPDX-License-Identifier: BSD-2-Clause
#include "datapath/in6.hpp"

#include "core/in6.hpp"

#include <arpa/inet.h>

#include <cstring>

#include "datapath/error.hpp"

namespace xmip::dp {

std::optional<xmip_in6> parse_in6(std::string_view text) {
    auto a = core::parse_addr(text);
    if (!a) return std::nullopt;
    return to_xmip(*a);
}

xmip_in6 require_in6(std::string_view text) {
    auto a = parse_in6(text);
    if (!a) throw DatapathError("not an IPv6 address: '" + std::string(text) + "'");
    return *a;
}

std::string format_in6(const xmip_in6& a) {
    return core::to_string(to_in6(a));
}

xmip_in6 to_xmip(const in6_addr& a) {
    xmip_in6 r{};
    std::memcpy(r.u8, &a, sizeof(r.u8));
    return r;
}

in6_addr to_in6(const xmip_in6& a) {
    in6_addr r{};
    std::memcpy(&r, a.u8, sizeof(r));
    return r;
}

}  // namespace xmip::dp
