// SPDX-License-Identifier: BSD-2-Clause
// Mobility signalling counters: the ones the guide's `mipdiag -s` showed
// (binding updates, acknowledgements, refresh requests, sent and received,
// drops by reason), defined once. The control socket, mipctl and the
// metrics all read this list.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string_view>

namespace xmip::telemetry {

// X(id, help). "nack" = a Binding Acknowledgement with a rejecting status.
#define XMIP_SIGNALLING_COUNTERS(X)                                                               \
    X(bu_received, "Binding Updates received")                                                    \
    X(bu_sent, "Binding Updates sent")                                                            \
    X(ba_received, "accepting Binding Acknowledgements received")                                 \
    X(ba_sent, "accepting Binding Acknowledgements sent")                                         \
    X(ba_nack_received, "rejecting Binding Acknowledgements received")                            \
    X(ba_nack_sent, "rejecting Binding Acknowledgements sent")                                    \
    X(brr_received, "Binding Refresh Requests received")                                          \
    X(brr_sent, "Binding Refresh Requests sent")                                                  \
    X(be_received, "Binding Errors received")                                                     \
    X(be_sent, "Binding Errors sent")                                                             \
    X(bu_drop_auth, "Binding Updates dropped: authentication")                                    \
    X(bu_drop_invalid, "Binding Updates dropped: malformed or bad checksum")                      \
    X(bu_drop_ratelimit, "Binding Updates dropped: over the per-source rate")                     \
    X(ba_drop_auth, "Binding Acknowledgements dropped: authentication")                           \
    X(ba_drop_invalid, "Binding Acknowledgements dropped: malformed")                             \
    X(ba_drop_misc, "Binding Acknowledgements dropped: not for a pending update")                 \
    X(brr_drop_invalid, "Binding Refresh Requests dropped: malformed")                            \
    X(brr_drop_misc, "Binding Refresh Requests dropped: not from our home agent")                 \
    X(hoti_received, "Home Test Init received (correspondent)")                                   \
    X(hot_sent, "Home Test sent (correspondent)")                                                 \
    X(coti_received, "Care-of Test Init received (correspondent)")                                \
    X(cot_sent, "Care-of Test sent (correspondent)")                                              \
    X(hoti_sent, "Home Test Init sent (mobile node, through the home agent)")                     \
    X(coti_sent, "Care-of Test Init sent (mobile node)")                                          \
    X(hot_received, "Home Test received (mobile node)")                                           \
    X(cot_received, "Care-of Test received (mobile node)")                                        \
    X(icmp_pp_mh_received, "ICMPv6 Parameter Problem 1 at our Mobility Header (mobile node)")     \
    X(icmp_drop_invalid, "ICMPv6 errors dropped: truncated or malformed quote (mobile node)")     \
    X(hot_drop_misc, "Home / Care-of Tests dropped: not for an outstanding init")                 \
    X(hoti_drop_invalid, "Home Test Init dropped: with a Home Address option")                    \
    X(coti_drop_invalid, "Care-of Test Init dropped: with a Home Address option")                 \
    X(hoti_drop_ratelimit, "Home Test Init dropped: over the per-source rate")                    \
    X(coti_drop_ratelimit, "Care-of Test Init dropped: over the per-source rate")                 \
    X(hoti_drop_policy, "Home Test Init dropped: route optimisation off or denied")               \
    X(coti_drop_policy, "Care-of Test Init dropped: route optimisation off or denied")            \
    X(bu_drop_policy, "Binding Updates dropped: route optimisation off or denied")                \
    X(be_drop_ratelimit, "Binding Errors (status 1) not sent: over the rate")                     \
    X(mh_drop_invalid, "other Mobility Header packets dropped: malformed")                        \
    X(mh_drop_unexpected, "Mobility Header messages this role does not take")                     \
    X(be_hao_received, "Binding Errors received: status 1, no binding for a home address option") \
    X(be_mhtype_received, "Binding Errors received: status 2, unrecognised MH type")              \
    X(hareq_received, "DHAAD requests received")                                                  \
    X(hareq_drop_invalid, "DHAAD requests dropped: malformed or not to our anycast")              \
    X(hareq_drop_ratelimit, "DHAAD requests dropped: over the rate")                              \
    X(harep_sent, "DHAAD replies sent")                                                           \
    X(hareq_sent, "DHAAD requests sent")                                                          \
    X(harep_received, "DHAAD replies received")                                                   \
    X(harep_drop_invalid, "DHAAD replies dropped: malformed or no usable address")                \
    X(harep_drop_misc, "DHAAD replies dropped: not for our outstanding request")                  \
    X(mps_received, "Mobile Prefix Solicitations received")                                       \
    X(mps_drop_invalid, "Mobile Prefix Solicitations dropped: malformed")                         \
    X(mps_drop_misc, "Mobile Prefix Solicitations dropped: not from a registered care-of")        \
    X(mps_drop_ratelimit, "Mobile Prefix Solicitations dropped: over the rate")                   \
    X(mpa_sent, "Mobile Prefix Advertisements sent")                                              \
    X(mps_sent, "Mobile Prefix Solicitations sent")                                               \
    X(mpa_received, "Mobile Prefix Advertisements received")                                      \
    X(mpa_drop_invalid, "Mobile Prefix Advertisements dropped: malformed or a bad prefix")        \
    X(mpa_drop_misc, "Mobile Prefix Advertisements dropped: not the answer to our solicitation")  \
    X(bu_drop_fleet, "Binding Updates dropped: to a fleet address another member holds")

// One counter: incremented by the event loop only, read by the metrics
// endpoint's threads as well (relaxed: each value on its own).
class StatCounter {
public:
    StatCounter() = default;
    StatCounter(const StatCounter& o) : v_(o.load()) {}
    StatCounter& operator=(const StatCounter& o) {
        v_.store(o.load(), std::memory_order_relaxed);
        return *this;
    }
    // A single writer: no read-modify-write instruction needed.
    void operator++(int) { v_.store(load() + 1, std::memory_order_relaxed); }
    StatCounter& operator++() {
        (*this)++;
        return *this;
    }
    uint64_t load() const { return v_.load(std::memory_order_relaxed); }
    operator uint64_t() const { return load(); }

private:
    std::atomic<uint64_t> v_{0};
};

struct SignallingStats {
#define XMIP_SIG_FIELD(id, help) StatCounter id;
    XMIP_SIGNALLING_COUNTERS(XMIP_SIG_FIELD)
#undef XMIP_SIG_FIELD

    // Binding Acknowledgements by status code (RFC 6275 6.1.8), sent and
    // received; the sums equal ba_sent + ba_nack_sent and ba_received +
    // ba_nack_received.
    std::array<StatCounter, 256> ba_status_sent{}, ba_status_received{};

    nlohmann::json to_json() const {
        nlohmann::json j;
#define XMIP_SIG_JSON(id, help) j[#id] = id.load();
        XMIP_SIGNALLING_COUNTERS(XMIP_SIG_JSON)
#undef XMIP_SIG_JSON
        return j;
    }
};

struct SignallingCounterInfo {
    std::string_view id;
    std::string_view help;
};
inline constexpr SignallingCounterInfo kSignallingCounters[] = {
#define XMIP_SIG_INFO(id, help) {#id, help},
    XMIP_SIGNALLING_COUNTERS(XMIP_SIG_INFO)
#undef XMIP_SIG_INFO
};

}  // namespace xmip::telemetry
