// SPDX-License-Identifier: BSD-2-Clause
// Hex helpers for packet fixtures.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace xmip::test {

std::vector<uint8_t> from_hex(std::string_view hex);  // throws on bad input
std::string to_hex(const uint8_t* p, size_t n);
// A readable account of how two packets differ: lengths and the first
// differing offsets, with bytes around them.
std::string describe_difference(const std::vector<uint8_t>& want, const std::vector<uint8_t>& got);

}  // namespace xmip::test
