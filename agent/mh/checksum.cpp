#include "mh/checksum.hpp"

namespace xmip::mh {
namespace {

// One's-complement sum of 16-bit big-endian words; an odd trailing byte is
// padded with zero (never the case for an MH, which is a multiple of 8).
uint64_t sum_words(const uint8_t* p, size_t n, uint64_t sum) {
    for (; n >= 2; p += 2, n -= 2) sum += get16(p);
    if (n) sum += uint32_t{p[0]} << 8;
    return sum;
}

uint16_t fold(uint64_t sum) {
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    return static_cast<uint16_t>(sum);
}

uint64_t pseudo_header_sum(const in6_addr& src, const in6_addr& dst, size_t length) {
    uint64_t sum = sum_words(src.s6_addr, 16, 0);
    sum = sum_words(dst.s6_addr, 16, sum);
    sum += (length >> 16) & 0xffff;
    sum += length & 0xffff;
    sum += kIpprotoMh;
    return sum;
}

}  // namespace

uint16_t mh_checksum(const in6_addr& src, const in6_addr& dst, ByteView mh) {
    uint64_t sum = pseudo_header_sum(src, dst, mh.size());
    sum = sum_words(mh.data(), 4, sum);  // skip the checksum field (bytes 4-5)
    sum = sum_words(mh.data() + 6, mh.size() - 6, sum);
    return static_cast<uint16_t>(~fold(sum));
}

bool mh_checksum_ok(const in6_addr& src, const in6_addr& dst, ByteView mh) {
    if (mh.size() < 6) return false;
    uint64_t sum = pseudo_header_sum(src, dst, mh.size());
    sum = sum_words(mh.data(), mh.size(), sum);
    return fold(sum) == 0xffff;
}

}  // namespace xmip::mh
