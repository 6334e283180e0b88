// SPDX-License-Identifier: BSD-2-Clause
// What the role services share: the loop (time and timers), the world
// behind narrow interfaces (ports.hpp: tunnels, kernel, wire, state file)
// and the counters. Owned by Agent; services hold references. Tests build
// one from fakes (tests/unit/xmipd/).
#pragma once

#include <span>

#include "config/config.hpp"
#include "control/server.hpp"
#include "core/event_loop.hpp"
#include "mh/packet.hpp"
#include "telemetry/observer.hpp"
#include "telemetry/signalling_stats.hpp"
#include "xmipd/ports.hpp"

namespace xmip::agent {

// The monitoring contract lives below the daemon (agent/telemetry/).
using telemetry::Observer;
using telemetry::SignallingStats;

struct Context {
    core::EventLoop& loop;
    Tunnels& tunnels;
    Kernel& kernel;
    Wire& wire;
    StateStore& store;
    SignallingStats& stats;
    Observer* observer = nullptr;  // monitoring hooks; none when null
    // The route-optimisation maps (ports.hpp RoBindings); none when null.
    RoBindings* ro_peers = nullptr;     // a mobile node's correspondents
    RoBindings* cn_bindings = nullptr;  // a correspondent's binding cache

    Observer& observe() const { return observer ? *observer : Observer::none(); }
};

// A role: home agent, mobile node or correspondent (docs/architecture.md: a new role
// implements this and adds a line to kRoles in agent.cpp).
class Service {
public:
    virtual ~Service() = default;
    // A Mobility Header packet from the datapath, envelope parsed; `packet`
    // is the whole packet as received (the MH is at p.info.mh_offset), what
    // authenticators are computed over.
    virtual void on_mobility_packet(const mh::ParsedPacket& p, std::span<const uint8_t> packet, int ifindex) = 0;
    // The datapath dropped a packet from src to dst with a Home Address
    // option for hoa it has no binding for (a correspondent's: RFC 6275
    // 9.3.1, Binding Error status 1). Other roles' datapaths report none.
    virtual void on_unbound_home_address(const in6_addr& /*hoa*/, const in6_addr& /*src*/, const in6_addr& /*dst*/) {}
    // Around everything one wakeup of the event loop dispatches (a drain of
    // the signalling ring, timers due together): a service may gather what
    // the handlers change and commit it once at the end (the home agent's
    // state file, docs/restart.md).
    virtual void begin_batch() {}
    virtual void end_batch() {}
    // The control socket: the role's part of `status`, and the commands the
    // role serves (control/views.hpp names them). The agent answers the
    // other roles' commands with wrong_role.
    virtual nlohmann::json status() const = 0;
    virtual void register_commands(control::Server& server) = 0;
    // How many bindings this role keeps in the datapath map, from its own
    // records (a stop decides on it whether to keep forwarding; dumping a
    // map of 10^6 entries to count them is not needed).
    virtual size_t binding_count() const = 0;
    // SIGHUP: apply what can change without a restart.
    virtual void reload(const config::Config& c) = 0;
    // Clean stop: withdraw what this role announced (proxy entries, routes).
    virtual void stop(bool keep_forwarding) = 0;
};

// Sends a Mobility Header message in a whole packet; counts failures as
// the protocol's problem (it retransmits), never fatal.
bool send_mobility(Context& ctx, const mh::PacketSpec& spec, const mh::Message& msg);

// The Mobility Header bytes of a parsed packet.
inline std::span<const uint8_t> mobility_header(const mh::ParsedPacket& p, std::span<const uint8_t> packet) {
    return packet.subspan(p.info.mh_offset, p.info.mh_length);
}

}  // namespace xmip::agent
