// SPDX-License-Identifier: BSD-2-Clause
// Big-endian reads and writes on byte buffers: the one set of helpers every
// codec uses (mh/, nd/). Callers check bounds before reading; these only
// move bytes (the span overloads index with operator[], no check either).
#pragma once

#include <netinet/in.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

namespace xmip::core {

using Bytes = std::vector<uint8_t>;
using ByteView = std::span<const uint8_t>;

inline uint16_t get16(const uint8_t* p) { return static_cast<uint16_t>(p[0] << 8 | p[1]); }
inline uint32_t get32(const uint8_t* p) {
    return uint32_t{p[0]} << 24 | uint32_t{p[1]} << 16 | uint32_t{p[2]} << 8 | p[3];
}
inline uint64_t get64(const uint8_t* p) { return uint64_t{get32(p)} << 32 | get32(p + 4); }
inline in6_addr get_in6(const uint8_t* p) {
    in6_addr a;
    std::memcpy(a.s6_addr, p, 16);
    return a;
}
// The same at an offset of a span (the caller checked at + size <= b.size()).
inline uint16_t get16(ByteView b, std::size_t at) { return get16(b.subspan(at, 2).data()); }
inline uint32_t get32(ByteView b, std::size_t at) { return get32(b.subspan(at, 4).data()); }
inline in6_addr get_in6(ByteView b, std::size_t at) { return get_in6(b.subspan(at, 16).data()); }

inline void put8(Bytes& b, uint8_t v) { b.push_back(v); }
inline void put16(Bytes& b, uint16_t v) {
    b.push_back(static_cast<uint8_t>(v >> 8));
    b.push_back(static_cast<uint8_t>(v));
}
inline void put32(Bytes& b, uint32_t v) {
    put16(b, static_cast<uint16_t>(v >> 16));
    put16(b, static_cast<uint16_t>(v));
}
inline void put64(Bytes& b, uint64_t v) {
    put32(b, static_cast<uint32_t>(v >> 32));
    put32(b, static_cast<uint32_t>(v));
}
inline void put_in6(Bytes& b, const in6_addr& a) { b.insert(b.end(), a.s6_addr, a.s6_addr + 16); }
inline void put_bytes(Bytes& b, ByteView v) { b.insert(b.end(), v.begin(), v.end()); }
inline void put_zeros(Bytes& b, std::size_t n) { b.insert(b.end(), n, 0); }
inline void set16(uint8_t* p, uint16_t v) {
    p[0] = static_cast<uint8_t>(v >> 8);
    p[1] = static_cast<uint8_t>(v);
}

}  // namespace xmip::core
