// SPDX-License-Identifier: BSD-2-Clause
// Mobile IPv6 protocol constants (RFC 6275 section 12) that more than one
// library needs: one definition, for the correspondent's cache, the mobile
// node's correspondent entries and the configuration's bounds alike.
#pragma once

#include <cstdint>

namespace xmip::core {

inline constexpr uint32_t kMaxRrBindingLifetime = 420;  // MAX_RR_BINDING_LIFETIME, seconds

}  // namespace xmip::core
