// SPDX-License-Identifier: BSD-2-Clause
// The correspondent on the control socket: its status and its binding
// cache (mipctl bcache / -c) as views (control/views.hpp).
#include "control/views.hpp"
#include "xmipd/cn_service.hpp"

namespace xmip::agent {

using core::to_string;
using nlohmann::json;
using std::chrono::seconds;

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
    for (const auto& b : cache_.bindings()) {
        control::BindingCacheEntry e;
        e.home_address = to_string(b.hoa);
        e.care_of_address = to_string(b.coa);
        e.home_agent_address = to_string(b.cn);
        e.sequence = b.seq;
        e.lifetime = b.lifetime_s;
        e.lifetime_left = std::max<long>(0, std::chrono::duration_cast<seconds>(b.expires - now).count());
        e.state = "route-optimised";
        out.push_back(e);
    }
    return out;
}

void CnService::register_commands(control::Server& s) {
    s.handle(control::cmd::kBindingCache, [this](const json&) { return bindings(); });
}

}  // namespace xmip::agent
