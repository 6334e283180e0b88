// SPDX-License-Identifier: BSD-2-Clause
// The Home Agents List a home agent keeps for one link (RFC 6275 10.1,
// 10.5.1): the other home agents there, learned from their Router
// Advertisements with the H flag, for answering DHAAD requests.
//
// Pure data: every operation that depends on time takes `now`, so it never
// reads a clock or sleeps and tests drive it with made-up times. The daemon
// calls expire() from a timer set to next_expiry().
#pragma once

#include <netinet/in.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "nd/constants.hpp"
#include "nd/router.hpp"

namespace xmip::nd {

class HomeAgentsList {
public:
    using Clock = std::chrono::steady_clock;
    using TimePoint = Clock::time_point;
    // An infinite valid lifetime (0xffffffff) never expires.
    static constexpr TimePoint kNever = TimePoint::max();

    struct GlobalAddress {
        in6_addr address{};           // the Prefix Information prefix field (R set: a full address)
        uint8_t prefix_length = 0;
        TimePoint valid_until{};      // the prefix's valid lifetime; kNever for infinity
    };

    struct Entry {
        in6_addr link_local{};        // the RA's source address: the key
        int16_t preference = 0;
        TimePoint expires{};
        std::vector<GlobalAddress> global_addresses;  // in order first learned
    };

    enum class Change { none, added, updated, removed };

    // RFC 6275 10.5.1 for a Router Advertisement from `source` that passed
    // validate_received():
    //  - H clear: the sender's entry, if any, is removed;
    //  - preference and lifetime from the Home Agent Information option, or
    //    0 and the Router Lifetime without one;
    //  - lifetime 0 removes the entry (or adds none); otherwise the entry is
    //    created or its preference and lifetime reset;
    //  - each Prefix Information option with R set adds or refreshes a
    //    global address (valid lifetime 0 removes it: the prefix is no
    //    longer valid, 10.1). Link-local, multicast and :: are not global
    //    addresses and are ignored.
    Change on_router_advertisement(const in6_addr& source, const RouterAdvertisement& ra, TimePoint now);

    // Removes entries whose lifetime has run out (expires <= now) and global
    // addresses whose prefix is no longer valid. Returns the entries removed.
    std::size_t expire(TimePoint now);

    // The earliest time expire() would change something, if any.
    std::optional<TimePoint> next_expiry() const;

    // Live entries (expires > now, only still-valid global addresses), highest
    // preference first; equal preferences by link-local address, so the order
    // is deterministic. RFC 6275 10.5 asks the DHAAD reply to spread load
    // among equal preferences: the daemon shuffles within such runs.
    std::vector<Entry> by_preference(TimePoint now) const;

    // Global addresses of the live entries in by_preference() order, at most
    // `max` (the DHAAD reply limit by default).
    std::vector<in6_addr> global_addresses_by_preference(TimePoint now,
                                                         std::size_t max = kMaxDhaadReplyAddresses) const;

    // The entry for `link_local` whether or not it has expired yet.
    const Entry* find(const in6_addr& link_local) const;
    bool remove(const in6_addr& link_local);
    std::size_t size() const { return entries_.size(); }
    bool empty() const { return entries_.empty(); }

private:
    std::vector<Entry> entries_;
};

}  // namespace xmip::nd
