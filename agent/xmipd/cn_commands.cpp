// SPDX-License-Identifier: BSD-2-Clause
// The correspondent on the control socket: its status and its binding
// cache (mipctl bcache / -c) as views (control/views.hpp).
#include "control/views.hpp"
#include "xmipd/cn_service.hpp"
#include "xmipd/commands.hpp"

namespace xmip::agent {

using core::to_string;
using nlohmann::json;

json CnService::status() const {
    control::CnStatus s;
    s.role = "cn";
    for (const auto& a : addresses_) s.addresses.push_back(to_string(a));
    s.route_optimisation = cfg_.enabled;
    s.bindings = cache_.size();
    s.binding_limit = cfg_.max_bindings;
    s.nonces = keys_.nonces().size();
    return s;
}

json CnService::bindings() const {
    json out = json::array();
    const auto now = ctx_.loop.now();
    for (const auto& b : cache_.bindings())
        out.push_back(binding_row({b.hoa, b.coa, b.cn, b.seq, b.lifetime_s, b.expires, "route-optimised"}, now));
    return out;
}

void CnService::register_commands(control::Server& s) {
    s.handle(control::cmd::kBindingCache, [this](const json&) { return bindings(); });
}

}  // namespace xmip::agent
