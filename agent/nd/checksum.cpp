#include "nd/checksum.hpp"

namespace xmip::nd {

namespace {

// 32-bit accumulator of 16-bit big-endian words; the caller folds.
uint64_t sum_words(std::span<const uint8_t> b, uint64_t acc, bool skip_checksum_field) {
    for (std::size_t i = 0; i + 1 < b.size(); i += 2) {
        if (skip_checksum_field && i == 2) continue;
        acc += static_cast<uint32_t>(b[i] << 8 | b[i + 1]);
    }
    if (b.size() % 2) acc += static_cast<uint32_t>(b.back() << 8);  // pad the odd byte with zero
    return acc;
}

}  // namespace

uint16_t icmpv6_checksum(const in6_addr& src, const in6_addr& dst, std::span<const uint8_t> message) {
    uint64_t acc = 0;
    acc = sum_words({src.s6_addr, 16}, acc, false);
    acc = sum_words({dst.s6_addr, 16}, acc, false);
    uint64_t len = message.size();
    acc += (len >> 16) + (len & 0xffff);  // upper-layer packet length, 32 bits
    acc += IPPROTO_ICMPV6;                // zero padding then next header 58
    acc = sum_words(message, acc, message.size() >= 4);
    while (acc >> 16) acc = (acc & 0xffff) + (acc >> 16);
    return static_cast<uint16_t>(~acc & 0xffff);
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
