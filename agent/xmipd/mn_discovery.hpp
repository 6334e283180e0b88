// SPDX-License-Identifier: BSD-2-Clause
// The mobile node's Dynamic Home Agent Address Discovery (RFC 6275 11.4.1)
// for mobile_node.home_agent = "auto": a request (144) from the care-of
// address to the Home-Agents anycast address of the home prefix,
// retransmitted after INITIAL_DHAAD_TIMEOUT, doubling, DHAAD_RETRIES times;
// the reply's list (145) in its order; the next agent of the list when the
// current one keeps failing, and a new discovery when the list runs out.
#pragma once

#include <netinet/in.h>

#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "core/event_loop.hpp"
#include "core/in6.hpp"
#include "telemetry/signalling_stats.hpp"
#include "xmipd/ports.hpp"

namespace xmip::agent {

class MnDiscovery {
public:
    // on_found: the home agent to register with now (the first of a new
    // list, or the next after a failure).
    MnDiscovery(core::EventLoop& loop, Wire& wire, telemetry::SignallingStats& stats, int ifindex,
                const core::Prefix& home_prefix, std::function<void(const in6_addr&)> on_found);
    ~MnDiscovery();
    MnDiscovery(const MnDiscovery&) = delete;
    MnDiscovery& operator=(const MnDiscovery&) = delete;

    // Discovers from coa (a new care-of address: a new request).
    void discover(const in6_addr& coa);
    // The current home agent failed (no answer, or refused): the next of
    // the list, or a new discovery when none is left.
    void failed(const in6_addr& coa);
    const std::optional<in6_addr>& current() const { return current_; }
    const std::vector<in6_addr>& candidates() const { return list_; }
    bool discovering() const { return timer_.has_value(); }
    NdSocket& socket() { return *socket_; }

private:
    void send_request();
    void on_icmp();
    void take_next();  // list_[next_] becomes current_

    core::EventLoop& loop_;
    telemetry::SignallingStats& stats_;
    in6_addr anycast_{};
    std::function<void(const in6_addr&)> on_found_;
    std::unique_ptr<NdSocket> socket_;
    in6_addr coa_{};
    uint16_t id_ = 0;
    int transmissions_ = 0;
    core::Duration timeout_{};
    std::optional<core::Timers::Id> timer_;
    std::vector<in6_addr> list_;
    size_t next_ = 0;
    std::optional<in6_addr> current_;
};

}  // namespace xmip::agent
