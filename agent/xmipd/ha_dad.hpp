// SPDX-License-Identifier: BSD-2-Clause
// Duplicate Address Detection for a home address on the home link before
// the home agent defends it (RFC 6275 10.4.1): a Neighbour Solicitation from
// ::, then a wait; a Neighbour Advertisement for the address meanwhile means
// another node has it.
#pragma once

#include <functional>
#include <optional>
#include <unordered_map>

#include "core/event_loop.hpp"
#include "core/in6.hpp"
#include "xmipd/ports.hpp"

namespace xmip::agent {

class DadProbes {
public:
    // RetransTimer, DupAddrDetectTransmits 1.
    static constexpr core::Duration kWait = std::chrono::milliseconds(1000);
    struct Result {
        in6_addr hoa{}, coa{};
        bool unique = true;
        std::optional<core::TimePoint> received;  // of the BU that asked for it
    };
    using Done = std::function<void(const Result&)>;

    DadProbes(core::EventLoop& loop, Wire& wire, int ifindex, Done done)
        : loop_(loop), wire_(wire), ifindex_(ifindex), done_(std::move(done)) {}
    ~DadProbes();
    DadProbes(const DadProbes&) = delete;
    DadProbes& operator=(const DadProbes&) = delete;

    // Nothing when one runs for hoa already.
    void start(const in6_addr& hoa, const in6_addr& coa, std::optional<core::TimePoint> received);
    // A Neighbour Advertisement heard on the home link.
    void advertised(const in6_addr& target);
    bool running(const in6_addr& hoa) const { return probes_.count(hoa) != 0; }

private:
    struct Probe {
        in6_addr coa;
        core::Timers::Id timer;
        bool duplicate = false;
        std::optional<core::TimePoint> received;
    };
    core::EventLoop& loop_;
    Wire& wire_;
    int ifindex_;
    Done done_;
    std::unordered_map<in6_addr, Probe, core::In6Hash, core::In6Equal> probes_;
};

}  // namespace xmip::agent
