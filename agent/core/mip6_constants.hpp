// SPDX-License-Identifier: BSD-2-Clause
// Mobile IPv6 protocol constants (RFC 6275 section 12) that more than one
// library needs: one definition, for the correspondent's cache, the mobile
// node's correspondent entries and the configuration's bounds alike.
#pragma once

#include <chrono>
#include <cstdint>

namespace xmip::core {

inline constexpr uint32_t kMaxRrBindingLifetime = 420;  // MAX_RR_BINDING_LIFETIME, seconds
// MAX_BINDACK_TIMEOUT: the longest interval between a mobile node's
// retransmissions of a Binding Update (11.8), and of its Mobile Prefix
// Solicitations (11.4.2 gives their first interval, INITIAL_SOLICIT_TIMER,
// and an exponential backoff, but names no maximum: this one caps it).
inline constexpr std::chrono::seconds kMaxBindackTimeout{32};

}  // namespace xmip::core
