// SPDX-License-Identifier: BSD-2-Clause
// The mobile node role (RFC 6275 section 11): home registration through the
// binding update list, the datapath tunnel while away, and the return home.
// Its parts, one job each:
//   mn_movement   movement detection (RAs, router silence, link events)
//   mn_link       the address and route work on the interface
//   mn_restart    the state file: recovery at start, written on changes
//   mn_commands   the control socket's views
//   mn_prefix_discovery  Mobile Prefix Solicitations/Advertisements
// This file: driving the binding update list from moves and BAs.
#pragma once

#include <memory>
#include <optional>

#include "auth/algorithm.hpp"
#include "auth/ntp_time.hpp"
#include "core/in6.hpp"
#include "core/timers.hpp"
#include "mn/binding_update_list.hpp"
#include "xmipd/context.hpp"
#include "xmipd/mn_discovery.hpp"
#include "xmipd/mn_link.hpp"
#include "xmipd/mn_movement.hpp"
#include "xmipd/mn_prefix_discovery.hpp"
#include "xmipd/mn_route_optimisation.hpp"

namespace xmip::agent {

class MnService final : public Service {
public:
    // BUs unanswered before a discovered home agent is given up (the first,
    // then two retransmissions: 1.5 + 3 + 6 s with the default timing).
    static constexpr unsigned kRegistrationAttempts = 3;
    MnService(Context& ctx, const config::Config& cfg);
    ~MnService() override;

    void on_mobility_packet(const mh::ParsedPacket& p, std::span<const uint8_t> packet, int ifindex) override;
    nlohmann::json status() const override;
    void register_commands(control::Server& server) override;
    size_t binding_count() const override;  // 0 or 1: the home address's tunnel
    void reload(const config::Config& c) override;
    void stop(bool keep_forwarding) override;

    nlohmann::json bindings() const;  // the binding update list: the home agent, then the correspondents
    // mipctl refresh: the registration with the home agent again, now (a
    // new sequence number, as on a Binding Refresh Request); throws
    // control::CommandError (not_found) when nothing is bound.
    nlohmann::json refresh_now();
    // The datapath saw the home address's packets to `peer` take the tunnel
    // (rate-limited per peer): route optimisation may start.
    void on_tunnelled_traffic(const in6_addr& home, const in6_addr& peer) override;
    const MnRouteOptimisation& route_optimisation() const { return *ro_; }
    const MnPrefixDiscovery& prefix_discovery() const { return *prefixes_; }
    const in6_addr& home_address() const { return hoa_; }
    const core::Prefix& home_prefix() const { return home_prefix_; }
    // The home address a renumbering replaced, until it is deregistered.
    std::optional<in6_addr> retiring_home_address() const {
        return retiring_ ? std::optional<in6_addr>(retiring_->hoa) : std::nullopt;
    }

    // The last Binding Error acted on (status 1 or 2): for the route
    // optimisation to come, and tests.
    struct BindingErrorSeen {
        in6_addr from{};
        uint8_t status = 0;
        in6_addr home_address{};
    };
    const std::optional<BindingErrorSeen>& last_binding_error() const { return last_binding_error_; }

private:
    void on_router_advertisement(const in6_addr& router, const nd::RouterAdvertisement& ra);
    void on_link_up();
    void moved_to(const core::Prefix& visited, const in6_addr& router);
    void returned_home();
    void flush_dereg();  // sends pending_dereg_, once
    void flush_ro_dereg();  // deregisters with the correspondents, once
    // home_agent = "auto": discovery found (another) home agent.
    void use_home_agent(const in6_addr& ha);
    // The registration with the current home agent keeps failing.
    bool fail_over();
    // home: the home address the BU is for (hoa_ unless a retiring one).
    // home: another home address than ours (the retiring one's
    // deregistration); its timestamp is returned and not tracked as ours.
    uint64_t send_bu(const mn::BuToSend& bu, const in6_addr* home = nullptr);
    // Mobile Prefix Discovery (mn_prefix_discovery; RFC 6275 11.4.3): an
    // accepted advertisement's prefixes. A new prefix replacing ours: a new
    // home address from it, registered; the old one retired.
    void on_home_prefixes(const std::vector<nd::PrefixInformation>& prefixes);
    void renumber(const core::Prefix& prefix, uint32_t old_valid_s);
    // Deregisters the old home address (a lifetime-0 BU from the care-of
    // address, when away) and takes it off the interface and the datapath.
    void retire_old_home_address();
    void send_old_deregistration();
    // A BA for the retired home address's deregistration: true when it was
    // one (taken or dropped here), false when it is for our home address.
    bool old_deregistration_answered(const mh::ParsedPacket& p, std::span<const uint8_t> mh, const mh::BindingAck& ba);
    void arm_timer();
    void on_binding_error(const in6_addr& from, const mh::BindingError& be);
    bool note_binding_error(const in6_addr& from, const mh::BindingError& be);  // false: the same as last
    void on_binding_ack(const mh::ParsedPacket& p, std::span<const uint8_t> mh, const mh::BindingAck& ba);
    // RFC 4285: false when a BA must be ignored (counted in ba_drop_auth).
    // Adjusts the clock on a 144 carrying the home agent's time.
    bool authentic(const mh::ParsedPacket& p, std::span<const uint8_t> mh, const mh::BindingAck& ba);
    // Restarts (mn_restart.cpp, docs/restart.md): continue the predecessor's
    // registration and sequence numbers from the state file, which is
    // written before every BU leaves and after every change.
    void recover();
    void persist();

    Context& ctx_;
    config::MobileNode cfg_;
    in6_addr hoa_{}, ha_{};
    core::Prefix home_prefix_;
    MnLink link_;
    mn::BindingUpdateList bul_;
    // RFC 4285 with the home agent, when configured.
    std::optional<auth::SecurityAssociation> sa_;
    auth::TimestampSource timestamps_;
    uint64_t first_timestamp_seq_ = 0;  // the first BU's with the latest sequence number
    uint16_t timestamp_seq_ = 0;
    bool clock_adjusted_ = false;       // one resend per 144 cycle, not a loop
    std::optional<BindingErrorSeen> last_binding_error_;
    std::unique_ptr<MnDiscovery> discovery_;  // home_agent = "auto" only
    std::unique_ptr<MnPrefixDiscovery> prefixes_;
    struct Retiring {
        in6_addr hoa{};
        uint16_t seq = 0;  // its binding update list's last sequence number
        std::optional<core::Timers::Id> timer;
    };
    std::optional<Retiring> retiring_;
    // The retired home address's deregistration, until its BA: sent again
    // after INITIAL_BINDACK_TIMEOUT, doubling, kOldDeregTries times in all
    // (without an answer its binding ends with its lifetime anyway).
    static constexpr int kOldDeregTries = 4;
    struct OldDeregistration {
        in6_addr hoa{}, coa{};
        uint16_t seq = 0;
        uint64_t timestamp = 0;  // of the last one sent (RFC 4285: the BA echoes it)
        int sent = 0;
        core::Duration timeout = std::chrono::seconds(1);
        std::optional<core::Timers::Id> timer;
    };
    std::optional<OldDeregistration> old_dereg_;
    std::unique_ptr<MovementDetector> movement_;
    std::unique_ptr<MnRouteOptimisation> ro_;
    // ICMPv6 Parameter Problems: a correspondent without Mobile IPv6
    // answering a HoTI (tunnelled back by the home agent) or a CoTI.
    std::unique_ptr<NdSocket> icmp_errors_;
    Where where_ = Where::Unknown;
    std::optional<core::Prefix> visited_;
    std::optional<core::Timers::Id> bul_timer_;
    // Handoff latency: from noticing the new link to the accepting BA.
    std::optional<core::TimePoint> moved_at_;
    std::optional<double> last_handoff_ms_;
    // The deregistration BU, held until the home address is local again.
    std::optional<mn::BuToSend> pending_dereg_;
    // The correspondents' deregistrations: sent once the home agent's BA
    // for the home one arrived, or kRoDeregWait after it left.
    bool ro_home_pending_ = false;
    static constexpr std::chrono::milliseconds kRoDeregWait{1000};
    std::optional<core::Timers::Id> dereg_timer_;
    std::optional<core::Timers::Id> ro_dereg_timer_;
    std::string last_persisted_;  // what the store holds (its JSON, agent/state/codec.hpp)
    bool persist_failing_ = false;
};

}  // namespace xmip::agent
