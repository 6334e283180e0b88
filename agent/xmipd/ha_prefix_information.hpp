// SPDX-License-Identifier: BSD-2-Clause
// How the home agent advertises one of its home prefixes, the same in its
// Router Advertisements on the home link and in its Mobile Prefix
// Advertisements to mobile nodes away (RFC 6275 7.2, 10.6.1): one place, so
// the two never disagree about a lifetime or a deprecation.
#pragma once

#include <vector>

#include "config/config.hpp"
#include "nd/options.hpp"

namespace xmip::agent {

// On-link and autonomous, the configured lifetimes, a preferred lifetime of
// 0 for a prefix in home_agent.deprecated_prefixes (RFC 6275 10.6.2: mobile
// nodes renumber away from it), and on the prefix holding the home agent's
// address the R flag with that address in the prefix field.
nd::PrefixInformation advertised_home_prefix(const config::HomeAgentSettings& cfg, const core::Prefix& pfx);
// The same with the R flag on the first of router_addresses the prefix holds
// (none: no R flag): a fleet member advertises the addresses it holds.
nd::PrefixInformation advertised_home_prefix(const config::HomeAgentSettings& cfg, const core::Prefix& pfx,
                                             const std::vector<in6_addr>& router_addresses);

}  // namespace xmip::agent
