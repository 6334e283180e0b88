// SPDX-License-Identifier: BSD-2-Clause
// The configuration's security associations as the auth library takes them.
#pragma once

#include "auth/algorithm.hpp"
#include "auth/bu_guard.hpp"
#include "config/config.hpp"

namespace xmip::agent {

inline auth::SecurityAssociation to_auth(const config::SecurityAssociation& c) {
    return {c.spi,
            c.algorithm == config::AuthAlgorithm::HmacSha1_96 ? auth::Algorithm::HmacSha1_96
                                                              : auth::Algorithm::HmacSha256_128,
            c.key};
}

inline auth::GuardPolicy guard_policy(const config::HomeAgent& h) {
    auth::GuardPolicy p;
    for (const auto& sa : h.security_associations) p.associations.emplace(sa.home_address.to_in6(), to_auth(sa));
    p.optional_prefixes = h.auth_optional_prefixes;
    p.replay_window_s = h.replay_window;
    return p;
}

}  // namespace xmip::agent
