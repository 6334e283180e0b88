// SPDX-License-Identifier: BSD-2-Clause
#include "xmipd/commands.hpp"

#include <string>

#include "control/protocol.hpp"
#include "core/in6.hpp"

namespace xmip::agent {

in6_addr address_argument(const nlohmann::json& args, const char* key) {
    if (!args.contains(key) || !args[key].is_string())
        throw control::CommandError{control::kErrInvalidArgument, std::string("missing \"") + key + "\""};
    auto a = core::parse_addr(args[key].get<std::string>());
    if (!a)
        throw control::CommandError{control::kErrInvalidArgument,
                                    std::string(key) + ": not an IPv6 address: " + args[key].get<std::string>()};
    return *a;
}

}  // namespace xmip::agent
