// SPDX-License-Identifier: BSD-2-Clause
// The mobile node's route optimisation (RFC 6275 11.6, 11.7.2; docs/
// route-optimisation.md, "The mobile node"): one mn::CorrespondentEntry per
// correspondent, driven by the datapath's word that a peer's traffic goes
// through the tunnel, by moves and by the return home; it sends what the
// entries ask (HoTI through the reverse tunnel, CoTI directly, BUs signed
// with Kbm), takes HoT / CoT / BA / Binding Error from the correspondents,
// and writes accepted bindings to the datapath (RouteOptimisation port).
// Whenever an entry is not bound its datapath entry is gone: the tunnel.
#pragma once

#include <map>
#include <optional>
#include <span>

#include "config/config.hpp"
#include "core/in6.hpp"
#include "mn/correspondent_entry.hpp"
#include "xmipd/context.hpp"

namespace xmip::agent {

class MnRouteOptimisation {
public:
    // Correspondents tracked at most (the datapath's xmip_ro_peers holds
    // dp::Options::max_ro_peers, 1024 by default).
    static constexpr size_t kMaxPeers = 1024;

    MnRouteOptimisation(Context& ctx, const in6_addr& hoa, const config::MobileNode& cfg, mn::RoTiming timing = {});
    ~MnRouteOptimisation();
    MnRouteOptimisation(const MnRouteOptimisation&) = delete;
    MnRouteOptimisation& operator=(const MnRouteOptimisation&) = delete;

    void set_config(const config::MobileNode& cfg);  // reload: switched off or denied peers fall back
    // Where the mobile node is: away with this care-of address and home
    // agent (the HoTI's reverse tunnel), or at home.
    void moved_to(const in6_addr& coa, const in6_addr& ha);
    void set_home_agent(const in6_addr& ha) { ha_ = ha; }
    // On the home link: the datapath stops using the care-of address at
    // once; returned_home (the peers' deregistrations) may follow later.
    void reached_home();
    void returned_home();
    // The datapath saw the home address's packets to `peer` take the tunnel.
    void tunnelled(const in6_addr& peer);
    // HoT, CoT, a BA or Binding Error from a correspondent: true when taken
    // here (the home registration's messages come from the home agent).
    bool on_mobility_packet(const mh::ParsedPacket& p, std::span<const uint8_t> packet);
    // An ICMPv6 error (type onward, as a raw socket reads it) from `from`:
    // a Parameter Problem code 1 pointing at the next header that names the
    // Mobility Header of a HoTI / CoTI / BU of ours to `from` stops route
    // optimisation with it (RFC 6275 11.3.5). True when it was that.
    bool on_icmp_error(const in6_addr& from, std::span<const uint8_t> icmp);
    void stop();  // clean stop: the datapath entries go (the tunnel)

    nlohmann::json entries() const;  // the binding update list's correspondent rows
    const mn::CorrespondentEntry* find(const in6_addr& peer) const;
    size_t size() const { return peers_.size(); }

private:
    struct Peer {
        mn::CorrespondentEntry entry;
        std::optional<core::Timers::Id> timer;
    };
    using Key = std::array<uint8_t, 16>;
    static Key key(const in6_addr& a);
    void apply(Peer& p, const mn::RoActions& a);
    void arm(Peer& p);
    void send_bu(Peer& p, const mn::RoActions::Bu& bu);
    void on_binding_ack(Peer& p, std::span<const uint8_t> mh, const mh::BindingAck& ba);

    Context& ctx_;
    in6_addr hoa_;
    config::MobileNode cfg_;
    mn::RoTiming timing_;
    bool away_ = false;
    in6_addr coa_{}, ha_{};
    std::map<Key, Peer> peers_;
};

}  // namespace xmip::agent
