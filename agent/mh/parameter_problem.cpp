// SPDX-License-Identifier: BSD-2-Clause
#include "mh/parameter_problem.hpp"

#include <algorithm>

#include "core/checksum.hpp"

namespace xmip::mh {
namespace {

constexpr size_t kIpv6MinMtu = 1280;
constexpr size_t kIpv6Header = 40;
constexpr size_t kIcmpv6Header = 8;  // type, code, checksum, pointer
constexpr uint8_t kNextIcmpv6 = 58;
constexpr uint8_t kHopLimit = 64;

}  // namespace

std::optional<uint32_t> parameter_problem_pointer(const Error& e) {
    switch (e.code) {
        case Errc::bad_payload_proto:  // at Payload Proto
        case Errc::message_too_short:  // at Header Len
            return static_cast<uint32_t>(e.offset);
        default:
            return std::nullopt;
    }
}

Bytes parameter_problem(const PacketInfo& info, ByteView invoking, uint32_t pointer) {
    const size_t quoted = std::min(invoking.size(), kIpv6MinMtu - kIpv6Header - kIcmpv6Header);
    Bytes icmp;
    icmp.reserve(kIcmpv6Header + quoted);
    put8(icmp, kIcmpv6ParameterProblem);
    put8(icmp, kErroneousHeaderField);
    put16(icmp, 0);
    put32(icmp, pointer);
    icmp.insert(icmp.end(), invoking.begin(), invoking.begin() + static_cast<std::ptrdiff_t>(quoted));
    const uint16_t sum = core::pseudo_header_checksum(info.dst, info.src, kNextIcmpv6, icmp, 2);
    icmp[2] = static_cast<uint8_t>(sum >> 8);
    icmp[3] = static_cast<uint8_t>(sum);

    Bytes b;
    b.reserve(kIpv6Header + icmp.size());
    put32(b, uint32_t{6} << 28);
    put16(b, static_cast<uint16_t>(icmp.size()));
    put8(b, kNextIcmpv6);
    put8(b, kHopLimit);
    put_in6(b, info.dst);
    put_in6(b, info.src);
    put_bytes(b, icmp);
    return b;
}

}  // namespace xmip::mh
