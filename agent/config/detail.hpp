// SPDX-License-Identifier: BSD-2-Clause
// Internal helpers shared by the configuration library's sources.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config.hpp"

namespace xmip::config::detail {

// Edit distance, letters compared case-insensitively.
size_t edit_distance(std::string_view a, std::string_view b);
// The candidate close enough to word to be a likely typo, if any.
std::optional<std::string> closest(std::string_view word, const std::vector<std::string>& candidates);
std::string join(const std::vector<std::string>& v, std::string_view sep = ", ");
// "text" in double quotes, with '"', '\' and control characters escaped.
std::string quote(std::string_view text);
std::string_view trim(std::string_view s);

// Keys directly under a table of the schema ("" = top level), in schema order.
std::vector<std::string> children(std::string_view table);
std::string_view parent_of(std::string_view path);
std::string_view leaf_of(std::string_view path);
const char* kind_name(KeyKind k);  // "a string", "an integer", ...

// Legacy (network-mip6.conf) keys.
const std::vector<std::string>& legacy_keys();

}  // namespace xmip::config::detail
