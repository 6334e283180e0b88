// SPDX-License-Identifier: BSD-2-Clause
// Internal: big-endian field access on byte buffers (core/bytes.hpp). Reads
// are only done after the caller checked the length; they take a span and an
// offset.
#pragma once

#include <netinet/in.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

#include "core/bytes.hpp"
#include "nd/result.hpp"

namespace xmip::nd::wire {

using core::get16;
using core::get32;
using core::get_in6;
using core::put16;
using core::put32;
using core::put8;
using core::put_in6;
using core::put_zeros;

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
