// SPDX-License-Identifier: BSD-2-Clause
#include "frames.hpp"

#include <cstdio>
#include <cstring>
#include <stdexcept>

#include "harness.h"

namespace xmip::bench {

std::array<uint8_t, 6> mac(const std::string& text) {
    std::array<uint8_t, 6> m{};
    unsigned v[6];
    char tail;
    if (std::sscanf(text.c_str(), "%x:%x:%x:%x:%x:%x%c", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5],
                    &tail) != 6)
        throw std::invalid_argument("bad MAC address '" + text + "'");
    for (int i = 0; i < 6; i++) {
        if (v[i] > 0xff) throw std::invalid_argument("bad MAC address '" + text + "'");
        m[i] = static_cast<uint8_t>(v[i]);
    }
    return m;
}

void put16(Bytes& f, size_t off, uint16_t v) {
    f[off] = static_cast<uint8_t>(v >> 8);
    f[off + 1] = static_cast<uint8_t>(v);
}

Bytes ipv6_header(const xmip_in6& src, const xmip_in6& dst, uint8_t nexthdr, uint16_t payload_len,
                  uint8_t hop_limit, uint32_t flow) {
    Bytes h(40, 0);
    h[0] = 0x60;
    h[1] = static_cast<uint8_t>((flow >> 16) & 0x0f);
    put16(h, 2, static_cast<uint16_t>(flow));
    put16(h, 4, payload_len);
    h[6] = nexthdr;
    h[7] = hop_limit;
    std::memcpy(&h[8], src.u8, 16);
    std::memcpy(&h[24], dst.u8, 16);
    return h;
}

uint16_t udp6_checksum(const Bytes& f, size_t ip6_off) {
    const size_t udp = ip6_off + 40;
    if (f.size() < udp + 8) throw std::invalid_argument("frame too short for IPv6/UDP");
    const size_t ulen = (f[udp + 4] << 8) | f[udp + 5];
    if (f.size() < udp + ulen) throw std::invalid_argument("UDP length beyond the frame");
    uint32_t sum = 17u + static_cast<uint32_t>(ulen);  // pseudo-header: next header, length
    auto add = [&](size_t from, size_t to) {
        for (size_t i = from; i < to; i += 2) sum += (f[i] << 8) | (i + 1 < to ? f[i + 1] : 0);
    };
    add(ip6_off + 8, ip6_off + 40);  // the addresses
    add(udp, udp + 6);               // the header without its checksum
    add(udp + 8, udp + ulen);        // the payload
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    const uint16_t c = static_cast<uint16_t>(~sum);
    return c ? c : 0xffff;
}

Bytes udp6(const xmip_in6& src, const xmip_in6& dst, size_t payload, uint16_t sport, uint16_t dport) {
    const uint16_t ulen = static_cast<uint16_t>(8 + payload);
    Bytes p = ipv6_header(src, dst, 17, ulen, 64, 0x12345);
    p.resize(40 + ulen, 0);
    put16(p, 40, sport);
    put16(p, 42, dport);
    put16(p, 44, ulen);
    for (size_t i = 0; i < payload; i++) p[48 + i] = static_cast<uint8_t>(i * 7);
    put16(p, 46, udp6_checksum(p, 0));
    return p;
}

Bytes ether(const std::string& dst, const std::string& src, const Bytes& ip6) {
    Bytes f(14);
    auto d = mac(dst), s = mac(src);
    std::copy(d.begin(), d.end(), f.begin());
    std::copy(s.begin(), s.end(), f.begin() + 6);
    put16(f, 12, 0x86dd);
    f.insert(f.end(), ip6.begin(), ip6.end());
    return f;
}

Bytes tunnelled(const xmip_in6& src, const xmip_in6& dst, const Bytes& inner) {
    Bytes p = ipv6_header(src, dst, 41, static_cast<uint16_t>(inner.size()), 64, 7);
    p.insert(p.end(), inner.begin(), inner.end());
    return p;
}

Bytes vxlan6(const xmip_in6& src, const xmip_in6& dst, uint32_t vni, const Bytes& inner_frame, uint16_t sport) {
    const uint16_t ulen = static_cast<uint16_t>(8 + 8 + inner_frame.size());
    Bytes p = ipv6_header(src, dst, 17, ulen, 64, 7);
    p.resize(40 + 16, 0);
    put16(p, 40, sport);
    put16(p, 42, 4789);
    put16(p, 44, ulen);  // checksum (46) stays zero
    p[48] = 0x08;        // VXLAN flags: the VNI is valid
    p[52] = static_cast<uint8_t>(vni >> 16);
    p[53] = static_cast<uint8_t>(vni >> 8);
    p[54] = static_cast<uint8_t>(vni);
    p.insert(p.end(), inner_frame.begin(), inner_frame.end());
    return p;
}

xmip_in6 home_address(const uint8_t prefix[8], uint64_t i) {
    xmip_in6 a{};
    std::memcpy(a.u8, prefix, 8);
    const uint64_t iid = xmip_bench_mix64(i);
    for (int b = 0; b < 8; b++) a.u8[8 + b] = static_cast<uint8_t>(iid >> (56 - 8 * b));
    return a;
}

}  // namespace xmip::bench
