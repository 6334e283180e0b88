// SPDX-License-Identifier: BSD-2-Clause
// The mobile node's movement detection (RFC 6275 11.5.1): what a Router
// Advertisement says about where we are, routers falling silent past their
// Advertisement Interval, and the link coming back up. It listens (the ND
// socket, the link events) and asks (Router Solicitations); the service
// decides what a move means for the binding.
#pragma once

#include <array>
#include <functional>
#include <memory>
#include <optional>

#include "core/event_loop.hpp"
#include "core/in6.hpp"
#include "nd/router.hpp"
#include "xmipd/ports.hpp"

namespace xmip::agent {

enum class Where { Unknown, Home, Away };

// What an RA from a router means, given where we think we are.
struct RaMeaning {
    enum class Kind {
        Home,      // it advertises the home prefix: at home
        Moved,     // a new link to autoconfigure on: `visited`
        SameLink,  // the visited link we are on
        Nothing,   // nothing to configure: not a new link for us
    } kind = Kind::Nothing;
    core::Prefix visited;  // Moved, SameLink
};
RaMeaning classify(const nd::RouterAdvertisement& ra, const core::Prefix& home_prefix, Where where,
                   const std::optional<core::Prefix>& visited);

class MovementDetector {
public:
    struct Handlers {
        std::function<void(const in6_addr& router, const nd::RouterAdvertisement&)> router_advertisement;
        std::function<void()> link_up;                // carrier back
        std::function<void()> home_address_on_link;   // the kernel reports the home address (RTM_NEWADDR)
    };
    MovementDetector(core::EventLoop& loop, Wire& wire, Kernel& kernel, int ifindex, std::array<uint8_t, 6> mac,
                     const in6_addr& hoa, unsigned home_prefix_len, bool link_up, Handlers h);
    ~MovementDetector();
    MovementDetector(const MovementDetector&) = delete;
    MovementDetector& operator=(const MovementDetector&) = delete;

    void solicit();  // a Router Solicitation: where are we?
    // Restarts the silence timer from an RA's Advertisement Interval option.
    void watch_router(const nd::RouterAdvertisement& ra);
    NdSocket& socket() { return *icmp_; }
    // A renumbered home prefix (Mobile Prefix Discovery): the home address
    // whose arrival on the link is reported.
    void set_home_address(const in6_addr& hoa, unsigned home_prefix_len) {
        hoa_ = hoa;
        home_prefix_len_ = home_prefix_len;
    }

private:
    void on_link_events();

    core::EventLoop& loop_;
    int ifindex_;
    std::array<uint8_t, 6> mac_;
    in6_addr hoa_;
    unsigned home_prefix_len_;
    bool link_up_;
    Handlers h_;
    std::unique_ptr<NdSocket> icmp_;
    std::unique_ptr<LinkEvents> links_;
    // The Advertisement Interval option tells how often our router speaks:
    // silence past it means the link may have changed (RFC 6275 7.3, 11.5.1).
    std::optional<core::Timers::Id> silence_timer_;
};

}  // namespace xmip::agent
