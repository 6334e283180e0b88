// SPDX-License-Identifier: BSD-2-Clause
// The home agent on the control socket: its status, the binding cache and
// the home agents list as views (control/views.hpp), and the operator's
// binding add/remove.
#include "control/views.hpp"
#include "core/log.hpp"
#include "xmipd/commands.hpp"
#include "xmipd/ha_service.hpp"

namespace xmip::agent {

using core::to_string;
using nlohmann::json;
using std::chrono::seconds;
using Action = ha::Outcome::Action;

json HaService::status() const {
    control::HaStatus s;
    s.role = "ha";
    s.home_agent_address = to_string(ha_addr_);
    s.home_link = cfg_.home_link;
    s.bindings = cache_.size();
    s.binding_limit = cfg_.max_bindings;
    s.home_agents_known = home_link_->home_agents().size();
    return s;
}

json HaService::bindings() const {
    json out = json::array();
    const auto now = ctx_.loop.now();
    for (const auto& b : cache_.bindings())
        out.push_back(
            binding_row({b.hoa, b.coa, b.ha_addr, b.seq, b.lifetime_s,
                         b.pending_dad ? std::nullopt : std::optional(b.expires), b.pending_dad ? "dad" : "active"},
                        now));
    return out;
}

json HaService::home_agents() const {
    json out = json::array();
    const auto now = ctx_.loop.now();
    for (const auto& h : home_link_->home_agents().by_preference(now)) {
        control::HomeAgentEntry e;
        e.link_local = to_string(h.link_local);
        e.preference = h.preference;
        e.lifetime_left = std::chrono::duration_cast<seconds>(h.expires - now).count();
        for (const auto& g : h.global_addresses) e.addresses.push_back(to_string(g.address));
        out.push_back(e);
    }
    return out;
}

void HaService::add_binding(const in6_addr& hoa, const in6_addr& coa, uint32_t lifetime_s) {
    // An operator's binding: as if the mobile node had registered, without
    // DAD (the operator vouches) and with a sequence after any existing one.
    ha::BindingUpdate req;
    req.hoa = hoa;
    req.coa = coa;
    req.ha_addr = ha_addr_;
    const ha::Binding* old = cache_.find(hoa);
    req.seq = old ? static_cast<uint16_t>(old->seq + 1) : 0;
    req.lifetime_s = lifetime_s;
    req.ack = false;
    std::optional<ha::Binding> before;
    if (old && !old->pending_dad) before = *old;
    auto o = cache_.process(req, ctx_.loop.now(), /*skip_dad=*/true);
    if (o.action == Action::Reject) throw std::invalid_argument("refused with status " + std::to_string(o.status));
    bool ok = false;
    apply(o, hoa, coa, std::nullopt, before, &ok);
    commit_.flush();  // in force when the operator gets the answer
    if (!ok)
        throw control::CommandError{control::kErrInternal,
                                    "the binding could not be put in force and was undone (the agent's log says why)"};
}

bool HaService::remove_binding(const in6_addr& hoa) {
    const ha::Binding* b = cache_.find(hoa);
    std::optional<ha::Binding> before;
    if (b && !b->pending_dad) before = *b;
    if (!cache_.remove(hoa)) return false;
    auto u = deactivate(hoa, before);
    bool ok = false;
    u.revert = [this, hoa, before] { revert(hoa, std::nullopt, before); };
    u.answer = [&ok](bool in_force) { ok = in_force; };
    commit_.submit(std::move(u));
    schedule_expiry();
    commit_.flush();  // in force when the operator gets the answer
    if (!ok)
        throw control::CommandError{control::kErrInternal,
                                    "the binding could not be removed and was restored (the agent's log says why)"};
    return true;
}

void HaService::register_commands(control::Server& s) {
    using Args = control::BindingArgs::key;
    s.handle(control::cmd::kBindingCache, [this](const json&) { return bindings(); });
    s.handle(control::cmd::kHomeAgents, [this](const json&) { return home_agents(); });
    if (fleet_)
        s.handle(control::cmd::kCluster, [this](const json&) {
            json v = fleet_->view();
            // As the last round saw it: the store is asked off the loop.
            if (const auto& h = fleet_->health()) v[control::ClusterView::key::store_health] = *h;
            if (watch_lag_ms_) v[control::ClusterView::key::watch_lag_ms] = *watch_lag_ms_;
            return v;
        });
    s.handle(control::cmd::kBindingAdd, [this](const json& args) -> json {
        auto hoa = address_argument(args, Args::home_address);
        auto coa = address_argument(args, Args::care_of_address);
        uint32_t lifetime = args.value(Args::lifetime, 600u);
        try {
            add_binding(hoa, coa, lifetime);
        } catch (const std::invalid_argument& e) {
            throw control::CommandError{control::kErrInvalidArgument, e.what()};
        }
        return bindings();
    });
    s.handle(control::cmd::kBindingDel, [this](const json& args) -> json {
        auto hoa = address_argument(args, Args::home_address);
        if (!remove_binding(hoa))
            throw control::CommandError{control::kErrNotFound, "no binding for " + to_string(hoa)};
        return json::object();
    });
}

}  // namespace xmip::agent
