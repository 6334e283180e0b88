// SPDX-License-Identifier: BSD-2-Clause
// Conversions between text, struct in6_addr and the datapath's xmip_in6.
#pragma once

#include <netinet/in.h>

#include <optional>
#include <string>
#include <string_view>

#include "xmip_shared.h"

namespace xmip::dp {

std::optional<xmip_in6> parse_in6(std::string_view text);
// Like parse_in6, but throws DatapathError naming the bad text.
xmip_in6 require_in6(std::string_view text);
std::string format_in6(const xmip_in6& a);
xmip_in6 to_xmip(const in6_addr& a);
in6_addr to_in6(const xmip_in6& a);

inline bool operator==(const xmip_in6& a, const xmip_in6& b) {
    return a.u64[0] == b.u64[0] && a.u64[1] == b.u64[1];
}

}  // namespace xmip::dp
