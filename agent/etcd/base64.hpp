// SPDX-License-Identifier: BSD-2-Clause
// Base64 (RFC 4648, with padding): etcd's JSON gateway carries keys and
// values, which are bytes, as base64 strings (proto3's JSON mapping).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace xmip::etcd {

std::string base64_encode(std::string_view bytes);
// nullopt for anything that is not canonical padded base64.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace xmip::etcd
