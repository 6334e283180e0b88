// SPDX-License-Identifier: BSD-2-Clause
#include "rr/random.hpp"

#include <openssl/rand.h>

#include <stdexcept>

namespace xmip::rr {

void random_bytes(std::span<uint8_t> out) {
    if (RAND_bytes(out.data(), static_cast<int>(out.size())) != 1)
        throw std::runtime_error("no random bytes for the return routability keys (RAND_bytes failed)");
}

}  // namespace xmip::rr
