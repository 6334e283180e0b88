// SPDX-License-Identifier: BSD-2-Clause
#include "nd/checksum.hpp"

#include <cstdint>

#include "core/checksum.hpp"

namespace xmip::nd {

uint16_t icmpv6_checksum(const in6_addr& src, const in6_addr& dst, std::span<const uint8_t> message) {
    // The checksum field is bytes 2-3; a message too short to hold it sums whole.
    return core::pseudo_header_checksum(src, dst, IPPROTO_ICMPV6, message, message.size() >= 4 ? 2 : SIZE_MAX);
}

void set_icmpv6_checksum(const in6_addr& src, const in6_addr& dst, std::span<uint8_t> message) {
    if (message.size() < 4) return;
    uint16_t c = icmpv6_checksum(src, dst, message);
    message[2] = static_cast<uint8_t>(c >> 8);
    message[3] = static_cast<uint8_t>(c);
}

bool icmpv6_checksum_valid(const in6_addr& src, const in6_addr& dst, std::span<const uint8_t> message) {
    if (message.size() < 4) return false;
    uint16_t stored = static_cast<uint16_t>(message[2] << 8 | message[3]);
    uint16_t want = icmpv6_checksum(src, dst, message);
    // 0x0000 and 0xffff are the same one's-complement value.
    return stored == want || (want == 0 && stored == 0xffff) || (want == 0xffff && stored == 0);
}

}  // namespace xmip::nd
