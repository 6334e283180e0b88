// SPDX-License-Identifier: BSD-2-Clause
#include "core/checksum.hpp"

namespace xmip::core {

namespace {

// 16-bit big-endian words into a wide accumulator; an odd last byte is
// padded with zero. `skip` is the offset of a word to leave out.
uint64_t sum_words(std::span<const uint8_t> b, uint64_t acc, size_t skip = SIZE_MAX) {
    for (size_t i = 0; i + 1 < b.size(); i += 2)
        if (i != skip) acc += static_cast<uint32_t>(b[i] << 8 | b[i + 1]);
    if (b.size() % 2) acc += static_cast<uint32_t>(b.back() << 8);
    return acc;
}

uint16_t fold(uint64_t acc) {
    while (acc >> 16) acc = (acc & 0xffff) + (acc >> 16);
    return static_cast<uint16_t>(acc);
}

uint64_t pseudo_header(const in6_addr& src, const in6_addr& dst, uint8_t next_header, size_t len) {
    uint64_t acc = sum_words({src.s6_addr, 16}, 0);
    acc = sum_words({dst.s6_addr, 16}, acc);
    acc += (len >> 16) + (len & 0xffff);  // upper-layer length, 32 bits
    return acc + next_header;             // three zero bytes, then next header
}

}  // namespace

uint16_t pseudo_header_checksum(const in6_addr& src, const in6_addr& dst, uint8_t next_header,
                                std::span<const uint8_t> upper, size_t checksum_offset) {
    uint64_t acc = pseudo_header(src, dst, next_header, upper.size());
    return static_cast<uint16_t>(~fold(sum_words(upper, acc, checksum_offset)));
}

bool pseudo_header_checksum_ok(const in6_addr& src, const in6_addr& dst, uint8_t next_header,
                               std::span<const uint8_t> upper) {
    return fold(sum_words(upper, pseudo_header(src, dst, next_header, upper.size()))) == 0xffff;
}

}  // namespace xmip::core
