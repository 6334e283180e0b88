// SPDX-License-Identifier: BSD-2-Clause
// The mobile node role (RFC 6275 section 11): movement detection from Router
// Advertisements and link events, a care-of address on each visited link,
// home registration through the binding update list, the datapath tunnel
// while away, and the return home.
#pragma once

#include <memory>
#include <optional>

#include "auth/algorithm.hpp"
#include "auth/ntp_time.hpp"
#include "core/in6.hpp"
#include "core/timers.hpp"
#include "io/icmp_socket.hpp"
#include "mn/binding_update_list.hpp"
#include "nd/router.hpp"
#include "netlink/netlink.hpp"
#include "xmipd/context.hpp"

namespace xmip::agent {

class MnService final : public Service {
public:
    MnService(Context& ctx, const config::Config& cfg);
    ~MnService() override;

    void on_mobility_packet(const mh::ParsedPacket& p, std::span<const uint8_t> packet, int ifindex) override;
    nlohmann::json status() const override;
    nlohmann::json bindings() const override;
    void reload(const config::Config& c) override;
    void stop(bool keep_forwarding) override;

private:
    enum class Where { Unknown, Home, Away };

    void on_router_advertisement(const in6_addr& router, const nd::RouterAdvertisement& ra);
    void moved_to(const core::Prefix& visited, const in6_addr& router);
    void returned_home();
    void flush_dereg();  // sends pending_dereg_, once
    void on_link_events();
    void send_router_solicitation();
    void watch_router(const nd::RouterAdvertisement& ra);
    void send_bu(const mn::BuToSend& bu);
    void arm_timer();
    void on_binding_ack(const mh::ParsedPacket& p, std::span<const uint8_t> mh, const mh::BindingAck& ba);
    // RFC 4285: false when a BA must be ignored (counted in ba_drop_auth).
    // Adjusts the clock on a 144 carrying the home agent's time.
    bool authentic(const mh::ParsedPacket& p, std::span<const uint8_t> mh, const mh::BindingAck& ba);
    void set_home_address(bool at_home);
    void install_default_route(const in6_addr& router);
    void remove_default_route();
    void forget_care_of_address();
    in6_addr care_of_for(const core::Prefix& p) const;
    // Restarts (mn_restart.cpp, docs/restart.md): continue the predecessor's
    // registration and sequence numbers from the state file, which is
    // written before every BU leaves and after every change.
    void recover(const config::Config& cfg);
    void persist();

    Context& ctx_;
    config::MobileNode cfg_;
    in6_addr hoa_{}, ha_{};
    core::Prefix home_prefix_;
    int ifindex_ = 0;
    std::array<uint8_t, 6> mac_{};
    unsigned link_mtu_ = 1500;
    mn::BindingUpdateList bul_;
    // RFC 4285 with the home agent, when configured.
    std::optional<auth::SecurityAssociation> sa_;
    auth::TimestampSource timestamps_;
    uint64_t first_timestamp_seq_ = 0;  // the first BU's with the latest sequence number
    uint16_t timestamp_seq_ = 0;
    bool clock_adjusted_ = false;       // one resend per 144 cycle, not a loop
    std::unique_ptr<io::IcmpSocket> icmp_;
    netlink::Monitor monitor_;
    Where where_ = Where::Unknown;
    std::optional<core::Prefix> visited_;
    std::optional<in6_addr> coa_, router_;
    bool link_up_ = true;
    std::optional<core::Timers::Id> bul_timer_;
    // The Advertisement Interval option tells how often our router speaks:
    // silence past it means the link may have changed (RFC 6275 7.3, 11.5.1).
    std::optional<core::Timers::Id> router_silence_timer_;
    // Handoff latency: from noticing the new link to the accepting BA.
    std::optional<core::TimePoint> moved_at_;
    std::optional<double> last_handoff_ms_;
    // The deregistration BU, held until the home address is local again.
    std::optional<mn::BuToSend> pending_dereg_;
    std::optional<core::Timers::Id> dereg_timer_;
    std::string state_path_;       // empty: no state directory, nothing persisted
    std::string last_persisted_;   // what the file holds (without its time stamp)
    bool persist_failing_ = false;
};

}  // namespace xmip::agent
