// SPDX-License-Identifier: BSD-2-Clause
// The correspondent: setup, admission and the dispatch of its messages.
#include "xmipd/cn_service.hpp"

#include "core/log.hpp"
#include "rr/random.hpp"

namespace xmip::agent {

using core::to_string;

namespace {

rr::Kcn make_kcn(const CnService::Random& random) {
    rr::Kcn k;
    random(k);
    return k;
}

cn::Policy policy_of(const config::Correspondent& c) {
    cn::Policy p;
    p.max_entries = c.max_bindings;
    p.max_lifetime_s = c.max_binding_lifetime;
    return p;
}

ha::RateLimit rate_of(const config::Correspondent& c) {
    return {static_cast<double>(c.rate_per_source), static_cast<double>(c.rate_per_source)};
}

// Where mobile nodes reach this correspondent: the configured address, or
// every global address of the datapath's interfaces.
std::vector<in6_addr> addresses_of(Context& ctx, const config::Config& cfg) {
    if (cfg.correspondent->address) return {cfg.correspondent->address->to_in6()};
    std::vector<in6_addr> out;
    for (const auto& name : cfg.datapath.interfaces)
        for (const auto& a : ctx.kernel.addresses(ctx.kernel.ifindex(name)))
            if (!IN6_IS_ADDR_LINKLOCAL(&a.addr) && !IN6_IS_ADDR_LOOPBACK(&a.addr) && !IN6_IS_ADDR_MULTICAST(&a.addr))
                out.push_back(a.addr);
    return out;
}

}  // namespace

CnService::CnService(Context& ctx, const config::Config& cfg)
    : CnService(ctx, cfg, [](std::span<uint8_t> out) { rr::random_bytes(out); }) {}

CnService::CnService(Context& ctx, const config::Config& cfg, Random random)
    : ctx_(ctx),
      cfg_(*cfg.correspondent),
      random_(std::move(random)),
      keys_(
          make_kcn(random_), [this](rr::Nonce& n) { random_(n); }, core::seconds(cfg_.nonce_rotation)),
      cache_(policy_of(cfg_), keys_),
      rate_(rate_of(cfg_), std::max<size_t>(1024, cfg_.max_bindings)),
      binding_errors_(kBindingErrorRate, ctx.loop.now()) {
    if (!ctx_.cn_bindings) throw std::logic_error("a correspondent needs the correspondent bindings port");
    addresses_ = addresses_of(ctx_, cfg);
    if (addresses_.empty())
        XLOG_WARN("correspondent: no global address on the datapath's interfaces; set correspondent.address");
    for (const auto& a : addresses_) ctx_.tunnels.add_local(a, LocalAddress::Signalling);
    XLOG_INFO("correspondent on %zu address(es)%s, route optimisation %s", addresses_.size(),
              addresses_.empty()
                  ? ""
                  : (" (" + to_string(addresses_.front()) + (addresses_.size() > 1 ? ", ..." : "") + ")").c_str(),
              cfg_.enabled ? "on" : "off");
    ctx_.observe().binding_cache(0, cfg_.max_bindings);
}

CnService::~CnService() {
    ctx_.loop.timers().cancel(expiry_timer_);
    for (auto& [hoa, id] : refresh_timers_) ctx_.loop.timers().cancel(id);
}

CnService::Admission CnService::admit(const in6_addr& src, const in6_addr* hoa) {
    if (!cfg_.enabled) return Admission::Policy;
    if (hoa && !cfg_.allows(*hoa)) return Admission::Policy;
    if (!rate_.allow(src, ctx_.loop.now())) return Admission::Rate;
    return Admission::Admitted;
}

void CnService::on_mobility_packet(const mh::ParsedPacket& p, std::span<const uint8_t> packet, int) {
    const auto& msg = *p.message;
    if (auto* m = std::get_if<mh::HomeTestInit>(&msg)) return handle_hoti(p, *m);
    if (auto* m = std::get_if<mh::CareOfTestInit>(&msg)) return handle_coti(p, *m);
    if (auto* m = std::get_if<mh::BindingUpdate>(&msg)) return handle_bu(p, mobility_header(p, packet), *m);
    // BA, BRR, HoT, CoT: a mobile node's or a home agent's business.
    ctx_.stats.mh_drop_unexpected++;
}

void CnService::reload(const config::Config& c) {
    if (!c.correspondent) return;
    const auto& n = *c.correspondent;
    if (n.address != cfg_.address || n.nonce_rotation != cfg_.nonce_rotation)
        XLOG_WARN("reload: correspondent.address and correspondent.nonce_rotation change only with a restart");
    auto keep_address = cfg_.address;
    auto keep_rotation = cfg_.nonce_rotation;
    cfg_ = n;
    cfg_.address = keep_address;
    cfg_.nonce_rotation = keep_rotation;
    cache_.set_policy(policy_of(cfg_));
    rate_.set_limit(rate_of(cfg_));
    ctx_.observe().binding_cache(cache_.size(), cfg_.max_bindings);
}

void CnService::stop(bool) {
    // Route-optimised bindings are soft state the mobile nodes renew: a
    // restart loses Kcn, so they are withdrawn and the peers fall back to
    // their home agents until they run return routability again.
    for (const auto& b : cache_.bindings()) ctx_.cn_bindings->remove(b.hoa, b.cn);
    for (const auto& a : addresses_) ctx_.tunnels.remove_local(a);
}

}  // namespace xmip::agent
