// SPDX-License-Identifier: BSD-2-Clause
#include "mh/checksum.hpp"

#include "core/checksum.hpp"

namespace xmip::mh {

uint16_t mh_checksum(const in6_addr& src, const in6_addr& dst, ByteView mh) {
    return core::pseudo_header_checksum(src, dst, kIpprotoMh, mh, 4);  // checksum at bytes 4-5
}

bool mh_checksum_ok(const in6_addr& src, const in6_addr& dst, ByteView mh) {
    return mh.size() >= 6 && core::pseudo_header_checksum_ok(src, dst, kIpprotoMh, mh);
}

}  // namespace xmip::mh
