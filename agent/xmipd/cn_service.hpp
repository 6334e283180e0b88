// SPDX-License-Identifier: BSD-2-Clause
// The correspondent node role (RFC 6275 9, docs/route-optimisation.md):
// return routability for mobile nodes and the route-optimised bindings they
// register. Its parts, one job each:
//   cn_service             admission (policy, per-source rate before any
//                          cryptography) and the dispatch of HoTI, CoTI, BU
//   cn_return_routability  HoTI -> HoT, CoTI -> CoT
//   cn_binding             BU -> decision (cn::BindingCache) -> datapath, BA
//   cn_refresh             expiry and Binding Refresh Requests
//   cn_binding_error       Binding Error status 1, rate-limited
//   cn_commands            the control socket's views
// The decisions are cn/ (pure, fake-clock tested); this is the I/O.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "cn/binding_cache.hpp"
#include "cn/keys.hpp"
#include "ha/source_rate_limiter.hpp"
#include "xmipd/context.hpp"

namespace xmip::agent {

class CnService final : public Service {
public:
    // Fills its argument with secret random bytes: Kcn at start, then each
    // nonce (rr::random_bytes; tests bring a deterministic one).
    using Random = std::function<void(std::span<uint8_t>)>;

    CnService(Context& ctx, const config::Config& cfg);
    CnService(Context& ctx, const config::Config& cfg, Random random);
    ~CnService() override;

    void on_mobility_packet(const mh::ParsedPacket& p, std::span<const uint8_t> packet, int ifindex) override;
    nlohmann::json status() const override;
    void register_commands(control::Server& server) override;
    size_t binding_count() const override { return cache_.size(); }
    void reload(const config::Config& c) override;
    void stop(bool keep_forwarding) override;

    nlohmann::json bindings() const;
    // The datapath met a packet with a Home Address option for which there
    // is no binding (RFC 6275 9.3.1): Binding Error status 1 to its source,
    // at most kBindingErrorRate per second for all sources together.
    void on_unbound_home_address(const in6_addr& hoa, const in6_addr& src, const in6_addr& dst) override;
    const std::vector<in6_addr>& addresses() const { return addresses_; }

    static constexpr ha::RateLimit kBindingErrorRate{10, 10};

private:
    // Admission, before any cryptography: route optimisation on, the peer
    // allowed (by home address, when the message names one), the source
    // under its rate.
    enum class Admission { Admitted, Policy, Rate };
    Admission admit(const in6_addr& src, const in6_addr* hoa);
    void handle_hoti(const mh::ParsedPacket& p, const mh::HomeTestInit& m);
    void handle_coti(const mh::ParsedPacket& p, const mh::CareOfTestInit& m);
    void handle_bu(const mh::ParsedPacket& p, std::span<const uint8_t> mh, const mh::BindingUpdate& bu);
    void send_ba(const in6_addr& cn, const in6_addr& hoa, const in6_addr& coa, const cn::Outcome& o);
    void schedule_expiry();
    void schedule_refresh(const cn::Binding& b);
    void refresh_due(const in6_addr& hoa);
    void apply_config(const config::Correspondent& c);

    Context& ctx_;
    config::Correspondent cfg_;
    std::vector<in6_addr> addresses_;
    Random random_;
    cn::Keys keys_;
    cn::BindingCache cache_;
    ha::SourceRateLimiter rate_;
    ha::TokenBucket binding_errors_;
    std::optional<core::Timers::Id> expiry_timer_;
    std::unordered_map<in6_addr, core::Timers::Id, core::In6Hash, core::In6Equal> refresh_timers_;
};

}  // namespace xmip::agent
