// SPDX-License-Identifier: BSD-2-Clause
// The home agent role (RFC 6275 sections 9.5, 10): registrations from
// mobile nodes into the binding cache, the datapath and proxy Neighbour
// Discovery; Router Advertisements on the home link; other home agents'
// advertisements into the Home Agents List.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <unordered_map>
#include <vector>

#include "auth/bu_guard.hpp"
#include "core/in6.hpp"
#include "core/timers.hpp"
#include "ha/binding_cache.hpp"
#include "ha/source_rate_limiter.hpp"
#include "io/icmp_socket.hpp"
#include "nd/home_agents_list.hpp"
#include "xmipd/context.hpp"

namespace xmip::agent {

class HaService final : public Service {
public:
    HaService(Context& ctx, const config::Config& cfg);
    ~HaService() override;

    void on_mobility_packet(const mh::ParsedPacket& p, std::span<const uint8_t> packet, int ifindex) override;
    nlohmann::json status() const override;
    nlohmann::json bindings() const override;
    void reload(const config::Config& c) override;
    void stop(bool keep_forwarding) override;
    void begin_batch() override { batch_open_ = true; }
    void end_batch() override;

    // Operator commands (mipctl binding add|del).
    void add_binding(const in6_addr& hoa, const in6_addr& coa, uint32_t lifetime_s);
    bool remove_binding(const in6_addr& hoa);
    nlohmann::json home_agents() const;

private:
    ha::Policy policy_from(const config::HomeAgent& h) const;
    void handle_bu(const mh::ParsedPacket& p, std::span<const uint8_t> mh, const mh::BindingUpdate& bu);
    // MAX_UPDATE_RATE per source, before anything costs more than a lookup.
    bool admit(const in6_addr& src, const in6_addr& hoa, core::TimePoint now);
    // An RFC 4285 refusal (144/145/146): a BA, authenticated when there is
    // an association for the home address, and nothing else.
    void refuse(const in6_addr& hoa, const in6_addr& coa, uint16_t seq, const auth::GuardDecision& d,
                core::TimePoint received);
    // received: when the Binding Update that led here arrived (none for an
    // operator's binding), for the processing latency.
    void apply(const ha::Outcome& o, const in6_addr& hoa, const in6_addr& coa,
               std::optional<core::TimePoint> received = std::nullopt);
    // Builds (and authenticates) the BA now; it leaves after the commit.
    void send_ba(const in6_addr& hoa, const in6_addr& coa, const ha::Outcome& o,
                 std::optional<core::TimePoint> received);
    void activate(const ha::Binding& b);
    void deactivate(const in6_addr& hoa);
    void start_dad(const in6_addr& hoa, const in6_addr& coa, std::optional<core::TimePoint> received);
    void on_home_link_icmp();
    void send_router_advertisement();
    void schedule_router_advertisement(bool soon);
    void schedule_expiry();
    void schedule_refresh_request(const ha::Binding& b);
    void send_refresh_request(const in6_addr& hoa);
    // Restarts (ha_restart.cpp, docs/restart.md): take over the bindings a
    // predecessor left in the state file and the pinned map; write the file
    // on every change, before the datapath and the BA see it.
    void recover(const config::Config& cfg);
    void persist();
    // Group commit: a change of the cache marks the state dirty; what must
    // not run ahead of the file (map writes, proxy ND, BAs) goes through
    // after_commit(). Inside a batch of BUs it waits for end_batch(), which
    // writes the file once for all of them; outside one (timers, operator
    // commands) the file is written and the effect runs at once.
    void changed() { dirty_ = true; }
    void after_commit(std::function<void()> effect);
    void commit();
    void flush();  // commit, then run the effects waiting for it

    Context& ctx_;
    config::HomeAgent cfg_;
    in6_addr ha_addr_{};
    int home_ifindex_ = 0;
    std::array<uint8_t, 6> home_mac_{};
    ha::BindingCache cache_;
    auth::BindingUpdateGuard guard_;
    // The BU being answered: its timestamp is echoed in the BA (RFC 4285 6).
    std::optional<uint64_t> answering_timestamp_;
    // Sources that are the care-of address of their binding, and the rest:
    // a flood from new sources cannot take the buckets of registered nodes.
    ha::SourceRateLimiter bound_sources_;
    ha::SourceRateLimiter other_sources_;
    ha::TokenBucket other_total_;  // all unregistered sources together
    std::unique_ptr<io::IcmpSocket> home_icmp_;
    nd::HomeAgentsList others_;
    struct PendingDad {
        in6_addr coa;
        core::Timers::Id timer;
        bool duplicate = false;
        std::optional<core::TimePoint> received;
    };
    std::unordered_map<in6_addr, PendingDad, core::In6Hash, core::In6Equal> dad_;
    std::optional<core::Timers::Id> expiry_timer_, ra_timer_;
    // One Binding Refresh Request per binding, before it expires (10.3.1).
    std::unordered_map<in6_addr, core::Timers::Id, core::In6Hash, core::In6Equal> brr_timers_;
    std::optional<core::TimePoint> last_ra_;
    std::string state_path_;  // empty: no state directory, nothing persisted
    bool persist_failing_ = false;  // log a failing disk once, not on every BU
    bool batch_open_ = false;
    bool dirty_ = false;  // the cache changed since the file was written
    std::vector<std::function<void()>> effects_;  // waiting for the commit, in order
};

}  // namespace xmip::agent
