// SPDX-License-Identifier: BSD-2-Clause
// The mobile node's side of Mobile Prefix Discovery (RFC 6275 11.4.2-11.4.3):
// when to send a Mobile Prefix Solicitation (146) to the home agent, its
// retransmissions, and which Mobile Prefix Advertisements (147) count.
//
// Sent like the DHAAD request (mn_discovery): from the care-of address to
// the home agent's address, no Home Address option (this kernel drops one,
// REFERENCE.md 5) and no tunnel, because the home agent answers only a
// solicitation whose source is the care-of address of a binding it holds and
// sends the advertisement to that address (docs/discovery.md).
//
// Timing: the home prefix's valid lifetime is learned from advertisements.
// Unknown (no advertisement yet), the node asks once its registration is
// accepted; known, it asks when the home registration would outlive the
// prefix (the prefix's remaining lifetime falls below the granted
// registration lifetime), and no sooner than half the remaining lifetime
// (a home agent advertising a short lifetime is asked at that pace, not in
// a loop). Retransmissions: INITIAL_SOLICIT_TIMER, doubled each time, at
// most MAX_BINDACK_TIMEOUT apart, until an answer or the node stops (home,
// moved: the next registration plans again).
//
// Only an advertisement from the home agent, to the care-of address, with
// the identifier of the outstanding solicitation is acted on. Anything else
// is counted (mpa_drop_misc): without IPsec an unsolicited advertisement
// cannot be authenticated as RFC 6275 11.4.3 requires, so it is only taken
// as a hint: it starts a solicitation (at most one per INITIAL_SOLICIT_TIMER)
// whose answer, carrying our random identifier, is then believed.
#pragma once

#include <netinet/in.h>

#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "core/event_loop.hpp"
#include "nd/options.hpp"
#include "telemetry/signalling_stats.hpp"
#include "xmipd/ports.hpp"

namespace xmip::agent {

class MnPrefixDiscovery {
public:
    using OnPrefixes = std::function<void(const std::vector<nd::PrefixInformation>&)>;
    // on_prefixes: the Prefix Information options of an accepted
    // advertisement (already checked: global prefixes, preferred <= valid).
    MnPrefixDiscovery(core::EventLoop& loop, Wire& wire, telemetry::SignallingStats& stats, int ifindex,
                      OnPrefixes on_prefixes);
    ~MnPrefixDiscovery();
    MnPrefixDiscovery(const MnPrefixDiscovery&) = delete;
    MnPrefixDiscovery& operator=(const MnPrefixDiscovery&) = delete;

    // The home agent accepted the registration of coa for lifetime_s:
    // solicitations may go, planned from now.
    void registered(const in6_addr& coa, const in6_addr& ha, uint32_t lifetime_s);
    // Home again, or moved (no registered care-of address): nothing goes out.
    void stop();
    // The home prefix's valid lifetime, from an advertisement, in seconds
    // from now (nd::kInfiniteLifetime: never ends).
    void set_valid_lifetime(uint32_t valid_s);

    bool soliciting() const { return soliciting_; }
    const std::optional<core::TimePoint>& valid_until() const { return valid_until_; }
    // When the next solicitation (or retransmission) leaves, if planned.
    const std::optional<core::TimePoint>& next_send() const { return next_send_; }
    uint16_t identifier() const { return id_; }

private:
    void plan();
    void solicit();  // a new solicitation now, with a new identifier
    void send();
    void schedule(core::TimePoint at);
    void on_icmp();
    static bool valid_prefix(const nd::PrefixInformation& p);

    core::EventLoop& loop_;
    telemetry::SignallingStats& stats_;
    OnPrefixes on_prefixes_;
    std::unique_ptr<NdSocket> socket_;
    std::optional<in6_addr> coa_;
    in6_addr ha_{};
    uint32_t registration_s_ = 0;
    std::optional<core::TimePoint> valid_until_;  // nullopt: unknown
    bool infinite_ = false;
    uint16_t id_ = 0;
    bool soliciting_ = false;
    core::Duration timeout_{};
    std::optional<core::TimePoint> last_sent_;
    std::optional<core::TimePoint> next_send_;
    std::optional<core::Timers::Id> timer_;
};

}  // namespace xmip::agent
