// SPDX-License-Identifier: BSD-2-Clause
// Secret random bytes for Kcn and the nonces (OpenSSL's RAND_bytes: its
// CSPRNG, seeded from the kernel).
#pragma once

#include <cstdint>
#include <span>

namespace xmip::rr {

// Throws std::runtime_error when the generator cannot deliver (never a
// predictable key).
void random_bytes(std::span<uint8_t> out);

}  // namespace xmip::rr
