// SPDX-License-Identifier: BSD-2-Clause
#include "xmipd/commands.hpp"

#include <algorithm>
#include <string>

#include "control/protocol.hpp"
#include "core/in6.hpp"

namespace xmip::agent {

control::BindingCacheEntry binding_row(const BindingRow& r, core::TimePoint now) {
    control::BindingCacheEntry e;
    e.home_address = core::to_string(r.hoa);
    e.care_of_address = core::to_string(r.coa);
    e.home_agent_address = core::to_string(r.agent);
    e.sequence = r.seq;
    e.lifetime = r.lifetime_s;
    e.lifetime_left =
        r.expires ? std::max<long>(0, std::chrono::duration_cast<std::chrono::seconds>(*r.expires - now).count()) : 0;
    e.state = r.state;
    return e;
}

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
