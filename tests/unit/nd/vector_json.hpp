// SPDX-License-Identifier: BSD-2-Clause
// Reading tests/unit/nd/vectors.json (written by gen_vectors.py with scapy)
// into xmip::nd structs, and printing messages readably for failures.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "nd/message.hpp"

namespace xmip::nd::test {

const nlohmann::json& vectors_file();  // parsed once from XMIP_ND_VECTORS_JSON

in6_addr address(const nlohmann::json& text);
Option option_from_json(const nlohmann::json& o);
Message message_from_json(const nlohmann::json& m);
Errc errc_from_name(const std::string& name);  // fails the test (and returns truncated) on an unknown name

std::string dump(const Option& o);
std::string dump(const Message& m);

// The names of a section's cases, for gtest parameters.
std::vector<std::string> case_names(const char* section);
const nlohmann::json& case_by_name(const char* section, const std::string& name);

}  // namespace xmip::nd::test
