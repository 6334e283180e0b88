// Internal: big-endian field access on byte buffers. Reads are only done
// after the caller checked the length, so they take a span and an offset
// and never look past what the span holds.
#pragma once

#include <netinet/in.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

#include "nd/result.hpp"

namespace xmip::nd::wire {

inline uint16_t get16(std::span<const uint8_t> b, std::size_t at) {
    return static_cast<uint16_t>(b[at] << 8 | b[at + 1]);
}

inline uint32_t get32(std::span<const uint8_t> b, std::size_t at) {
    return uint32_t{b[at]} << 24 | uint32_t{b[at + 1]} << 16 | uint32_t{b[at + 2]} << 8 | b[at + 3];
}

inline in6_addr get_in6(std::span<const uint8_t> b, std::size_t at) {
    in6_addr a;
    std::memcpy(a.s6_addr, b.subspan(at, 16).data(), 16);
    return a;
}

inline void put8(std::vector<uint8_t>& out, uint8_t v) { out.push_back(v); }

inline void put16(std::vector<uint8_t>& out, uint16_t v) {
    out.push_back(static_cast<uint8_t>(v >> 8));
    out.push_back(static_cast<uint8_t>(v));
}

inline void put32(std::vector<uint8_t>& out, uint32_t v) {
    put16(out, static_cast<uint16_t>(v >> 16));
    put16(out, static_cast<uint16_t>(v));
}

inline void put_in6(std::vector<uint8_t>& out, const in6_addr& a) {
    out.insert(out.end(), a.s6_addr, a.s6_addr + 16);
}

inline void put_zeros(std::vector<uint8_t>& out, std::size_t n) { out.insert(out.end(), n, 0); }

// ICMPv6 header: type, code 0, checksum 0 (the kernel fills it on a raw
// ICMPv6 socket; set_icmpv6_checksum() does it for whole packets).
inline void put_icmp_header(std::vector<uint8_t>& out, uint8_t type) {
    put8(out, type);
    put8(out, 0);
    put16(out, 0);
}

// Entry check of every decoder: long enough for the fixed part, and the
// right type. Truncation is reported first: a short buffer's type byte may
// be all it has.
inline Status check_fixed(std::span<const uint8_t> icmp, uint8_t type, std::size_t fixed) {
    if (icmp.size() < fixed) return Error{Errc::truncated, icmp.size()};
    if (icmp[0] != type) return Error{Errc::wrong_type, 0};
    return {};
}

}  // namespace xmip::nd::wire
