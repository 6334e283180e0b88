// SPDX-License-Identifier: BSD-2-Clause
// The home agent role (RFC 6275 sections 9.5, 10): registrations from
// mobile nodes into the binding cache, the datapath and proxy Neighbour
// Discovery. Its parts, one job each:
//   ha_admission   rate limits and RFC 4285 authentication of BUs
//   ha_dad         DAD for a home address before it is defended
//   ha_binding_ack the BA (and BRR) packets, signed
//   ha_refresh     the Binding Refresh Request timers
//   ha_home_link   RAs, the Home Agents List, claiming home addresses
//   group_commit   the binding store before the maps and the BAs, one outcome per BU
//   ha_restart     recovery at start, the binding store's transactions
//   ha_commands    the control socket's views and operator commands
// This file: the registration flow from a BU to its effects.
#pragma once

#include <memory>
#include <optional>
#include <unordered_set>

#include "ha/binding_cache.hpp"
#include "xmipd/context.hpp"
#include "xmipd/group_commit.hpp"
#include "xmipd/ha_admission.hpp"
#include "xmipd/ha_dad.hpp"
#include "xmipd/ha_discovery.hpp"
#include "xmipd/ha_fleet.hpp"
#include "xmipd/ha_home_link.hpp"
#include "xmipd/ha_refresh.hpp"

namespace xmip::agent {

// fe80::/64 with the interface identifier of `hoa`: the mobile node's
// link-local address a home agent defends when the BU has L set (RFC 6275
// 10.3.1, 10.4.1).
in6_addr link_local_of(const in6_addr& hoa);

// The XDP program answers Neighbour Solicitations for bound home addresses
// on the home link (bpf/nd_proxy.bpf.h, XMIP_CF_ND_PROXY), so a
// registration adds no kernel proxy entry for its home address: what
// home_agent.nd_proxy asks, except in a fleet, whose members defend only
// the home addresses of the home agent addresses they hold (ha_fleet.cpp).
bool nd_proxy_in_datapath(const config::Config& c);

class HaService final : public Service {
public:
    HaService(Context& ctx, const config::Config& cfg);
    ~HaService() override;

    void on_mobility_packet(const mh::ParsedPacket& p, std::span<const uint8_t> packet, int ifindex) override;
    nlohmann::json status() const override;
    void register_commands(control::Server& server) override;
    size_t binding_count() const override { return cache_.size(); }
    void reload(const config::Config& c) override;
    void stop(bool keep_forwarding) override;
    void begin_batch() override { commit_.begin_batch(); }
    void end_batch() override { commit_.end_batch(); }

    // Operator commands (mipctl binding add|del), also through register_commands.
    void add_binding(const in6_addr& hoa, const in6_addr& coa, uint32_t lifetime_s);
    bool remove_binding(const in6_addr& hoa);
    nlohmann::json bindings() const;
    nlohmann::json home_agents() const;
    // A member of a fleet (docs/scale-out.md): the fleet's home agent
    // addresses are served while this agent holds them (ha_fleet.hpp).
    // rounds: where the election's rounds run (null: inline, for tests).
    void join_fleet(FleetElection& election, FleetSettings s, std::unique_ptr<FleetRoundRunner> rounds = nullptr,
                    const FleetLiveness* liveness = nullptr);
    const HaFleet* fleet() const { return fleet_.get(); }
    // A binding store other agents write too (docs/scale-out.md, "Shared
    // bindings"): their bindings go into this agent's cache and maps, so
    // that it forwards for every mobile node of the fleet; proxy entries
    // and advertisements only where it holds the binding's home agent
    // address (ha_shared.cpp).
    void share_bindings(SharedBindings& shared);

private:
    void take_all_multicast();
    ha::Policy policy_from(const config::HomeAgentSettings& h) const;
    void handle_bu(const mh::ParsedPacket& p, std::span<const uint8_t> mh, const mh::BindingUpdate& bu);
    // An RFC 4285 refusal (144/145/146): a BA, authenticated when there is
    // an association for the home address, and nothing else.
    void refuse(const in6_addr& hoa, const in6_addr& coa, const in6_addr& to, uint16_t seq,
                const auth::GuardDecision& d, core::TimePoint received);
    // received: when the Binding Update that led here arrived (none for an
    // operator's binding), for the processing latency. before: the active
    // binding the cache held for hoa before this outcome (what a failure
    // restores). ok, when given, learns whether the outcome is in force.
    void apply(const ha::Outcome& o, const in6_addr& hoa, const in6_addr& coa,
               std::optional<core::TimePoint> received = std::nullopt, std::optional<ha::Binding> before = std::nullopt,
               bool* ok = nullptr);
    // The timestamp the BA to hoa will echo (RFC 4285 6), fixed when the
    // BU is answered; 0 without a security association.
    uint64_t ba_timestamp(const in6_addr& hoa) const;
    // Builds (and authenticates) the BA and sends it: the last step of a
    // BU's unit (group_commit.hpp), after the store, the map and proxy ND.
    void send_ba(const in6_addr& hoa, const in6_addr& coa, const ha::Outcome& o,
                 std::optional<core::TimePoint> received, uint64_t timestamp);
    bool is_registered_coa(const in6_addr& a) const;
    // The steps that put b in force (the map, proxy ND, the unsolicited NAs)
    // and take it back to `before` when a later step fails.
    GroupCommit::Unit activate(const ha::Binding& b, const std::optional<ha::Binding>& before);
    // The steps that take hoa out of the datapath and off the home link,
    // and back to `before` when a later step fails.
    GroupCommit::Unit deactivate(const in6_addr& hoa, const std::optional<ha::Binding>& before);
    // A failed unit: the cache back to `before` where it still holds `after`
    // (a later change in the same batch is that change's to revert).
    void revert(const in6_addr& hoa, const std::optional<ha::Binding>& after, const std::optional<ha::Binding>& before);
    // hoa differs between the cache and the store.
    void unsaved(const in6_addr& hoa);
    void dad_done(const DadProbes::Result& r);
    void schedule_expiry();
    void send_refresh_request(const in6_addr& hoa);
    // Restarts (ha_restart.cpp, docs/restart.md): take over the bindings a
    // predecessor left in the binding store and the datapath; the store
    // transaction of what changed (the group commit's write).
    void recover();
    std::optional<std::string> persist();
    // The fleet's shared bindings (ha_shared.cpp): another member's change
    // into the cache and the datapath, never back into the store.
    void apply_shared(const SharedChanges& c);
    void install_shared(const state::HaBinding& r, core::TimePoint now, int64_t now_unix_ms);
    void drop_shared(const in6_addr& hoa);
    // Whether this agent answers on the home link for the bindings
    // registered with ha_addr: its own address, or for a fleet member an
    // address it holds now.
    bool defends_here(const in6_addr& ha_addr) const;

    Context& ctx_;
    config::HomeAgentSettings cfg_;  // the security associations are admission_'s
    in6_addr ha_addr_{};
    int home_ifindex_ = 0;
    bool xdp_nd_proxy_ = false;  // nd_proxy_in_datapath(): no kernel proxy entry per global home address
    bool allmulti_set_ = false;  // we turned IFF_ALLMULTI on (take_all_multicast): off again at a clean stop
    // cluster.member is set: join_fleet() follows the constructor, and
    // until then (recovery included) no home agent address is held here.
    bool fleet_member_ = false;
    // Before cache_: policy_from() reads it while cache_ is built.
    std::vector<in6_addr> fleet_addresses_;  // empty: not in a fleet
    ha::BindingCache cache_;
    Admission admission_;
    // The BU being answered: its timestamp is echoed in the BA (RFC 4285 6).
    std::optional<uint64_t> answering_timestamp_;
    GroupCommit commit_;
    DadProbes dad_;
    RefreshRequests refresh_;
    std::unique_ptr<HomeLink> home_link_;
    std::unique_ptr<HaDiscovery> discovery_;  // DHAAD and prefix discovery answers
    std::optional<core::Timers::Id> expiry_timer_;
    // Home addresses whose binding changed since the last store
    // transaction: the next one puts (or erases) them, and only them.
    std::unordered_set<in6_addr, core::In6Hash, core::In6Equal> unsaved_;
    bool persist_failing_ = false;
    std::unique_ptr<HaFleet> fleet_;
    bool sharing_ = false;              // share_bindings() was called
    std::optional<long> watch_lag_ms_;  // the last shared change's, for mipctl cluster
};

}  // namespace xmip::agent
