// SPDX-License-Identifier: BSD-2-Clause
// What the role services share: the loop, the datapath maps, the kernel
// interfaces and the counters. Owned by Agent; services hold references.
#pragma once

#include <span>

#include "config/config.hpp"
#include "core/event_loop.hpp"
#include "datapath/maps.hpp"
#include "io/raw_sender.hpp"
#include "mh/packet.hpp"
#include "netlink/netlink.hpp"
#include "xmipd/observer.hpp"
#include "xmipd/signalling_stats.hpp"

namespace xmip::agent {

struct Context {
    core::EventLoop& loop;
    dp::DatapathMaps& maps;
    netlink::Netlink& netlink;
    io::RawSender& raw;
    SignallingStats& stats;
    Observer* observer = nullptr;  // monitoring hooks; none when null

    Observer& observe() const { return observer ? *observer : Observer::none(); }
};

// A role: home agent or mobile node.
class Service {
public:
    virtual ~Service() = default;
    // A Mobility Header packet from the datapath, envelope parsed; `packet`
    // is the whole packet as received (the MH is at p.info.mh_offset), what
    // authenticators are computed over.
    virtual void on_mobility_packet(const mh::ParsedPacket& p, std::span<const uint8_t> packet, int ifindex) = 0;
    // Around everything one wakeup of the event loop dispatches (a drain of
    // the signalling ring, timers due together): a service may gather what
    // the handlers change and commit it once at the end (the home agent's
    // state file, docs/restart.md).
    virtual void begin_batch() {}
    virtual void end_batch() {}
    // Control socket views.
    virtual nlohmann::json status() const = 0;
    virtual nlohmann::json bindings() const = 0;  // HA: binding cache; MN: binding update list
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
