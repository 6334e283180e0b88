// SPDX-License-Identifier: BSD-2-Clause
// Helpers for the Mobility Header codec tests.
#pragma once

#include <netinet/in.h>

#include <ostream>
#include <string>
#include <string_view>

#include "mh/mh.hpp"

namespace xmip::mh::test {

in6_addr addr(std::string_view text);  // aborts the test on bad text
Bytes from_hex(std::string_view hex);
std::string to_hex(ByteView b);

// A Mobility Header as bytes, with its checksum recomputed for src/dst, so a
// test can break one thing and not the checksum too.
void fix_checksum(Bytes& mh, const in6_addr& src, const in6_addr& dst);

}  // namespace xmip::mh::test

namespace xmip::mh {
// Readable gtest output.
inline void PrintTo(const Message& m, std::ostream* os) { *os << to_string(m); }
inline void PrintTo(const Option& o, std::ostream* os) { *os << to_string(o); }
inline void PrintTo(const Errc& e, std::ostream* os) { *os << to_string(e); }
}  // namespace xmip::mh
