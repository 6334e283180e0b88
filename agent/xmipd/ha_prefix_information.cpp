// SPDX-License-Identifier: BSD-2-Clause
#include "xmipd/ha_prefix_information.hpp"

#include <algorithm>

namespace xmip::agent {

nd::PrefixInformation advertised_home_prefix(const config::HomeAgentSettings& cfg, const core::Prefix& pfx) {
    return advertised_home_prefix(cfg, pfx, {cfg.address.to_in6()});
}

nd::PrefixInformation advertised_home_prefix(const config::HomeAgentSettings& cfg, const core::Prefix& pfx,
                                             const std::vector<in6_addr>& router_addresses) {
    const auto& ra = cfg.router_advertisements;
    nd::PrefixInformation pi;
    pi.prefix_length = static_cast<uint8_t>(pfx.len);
    pi.on_link = true;
    pi.autonomous = true;
    pi.valid_lifetime = ra.prefix_valid_lifetime;
    const bool deprecated =
        std::find(cfg.deprecated_prefixes.begin(), cfg.deprecated_prefixes.end(), pfx) != cfg.deprecated_prefixes.end();
    pi.preferred_lifetime = deprecated ? 0 : ra.prefix_preferred_lifetime;
    pi.prefix = pfx.network().addr;
    for (const auto& ha : router_addresses)
        if (pfx.contains(ha)) {
            pi.router_address = true;
            pi.prefix = ha;
            break;
        }
    return pi;
}

}  // namespace xmip::agent
