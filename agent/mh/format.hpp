// SPDX-License-Identifier: BSD-2-Clause
// One-line readable forms of messages and options, for logs and test output.
#pragma once

#include <netinet/in.h>

#include <string>

#include "mh/messages.hpp"
#include "mh/options.hpp"

namespace xmip::mh {

std::string format_address(const in6_addr& a);
std::string to_string(const Option& o);
std::string to_string(const Message& m);

}  // namespace xmip::mh
