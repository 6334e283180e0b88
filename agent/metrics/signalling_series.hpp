// SPDX-License-Identifier: BSD-2-Clause
// How the signalling counters (XMIP_SIGNALLING_COUNTERS, one list for the
// control socket, the CLI and the metrics) become Prometheus series: the one
// place that maps a counter id to a metric name and labels. The mapping is
// derived from the id's shape, and checked at compile time for every id, so
// a counter added to the list without a mapping does not build.
//
//   <msg>_sent, <msg>_received           xmip_mh_messages_total{direction, type}
//   <msg>_nack_sent, <msg>_nack_received  the same series as <msg>_sent/_received
//                                         (the accept/reject split is by status:
//                                         xmip_mh_binding_acks_total)
//   <msg>_drop_<reason>                   xmip_mh_drops_total{message, reason}
//
//   <msg>: bu binding_update, ba binding_ack, brr binding_refresh_request,
//          be binding_error, hoti home_test_init, coti care_of_test_init,
//          hot home_test, cot care_of_test, mh other (any other Mobility
//          Header message), icmp_pp_mh parameter_problem_mobility_header,
//          icmp icmp_error (the mobile node's ICMPv6 errors)
#pragma once

#include <optional>
#include <string_view>

#include "telemetry/signalling_stats.hpp"

namespace xmip::metrics {

inline constexpr std::string_view kMessagesTotal = "xmip_mh_messages_total";
inline constexpr std::string_view kDropsTotal = "xmip_mh_drops_total";
inline constexpr std::string_view kBindingAcksTotal = "xmip_mh_binding_acks_total";

struct Label {
    std::string_view name, value;
};

struct SignallingSeries {
    std::string_view family;
    Label a, b;
};

constexpr std::optional<std::string_view> message_name(std::string_view abbrev) {
    if (abbrev == "bu") return "binding_update";
    if (abbrev == "ba") return "binding_ack";
    if (abbrev == "brr") return "binding_refresh_request";
    if (abbrev == "be") return "binding_error";
    if (abbrev == "hoti") return "home_test_init";
    if (abbrev == "coti") return "care_of_test_init";
    if (abbrev == "hot") return "home_test";
    if (abbrev == "cot") return "care_of_test";
    if (abbrev == "mh") return "other";
    if (abbrev == "be_hao") return "binding_error_unknown_binding";  // by status (RFC 6275 6.1.9)
    if (abbrev == "be_mhtype") return "binding_error_unrecognized_mh_type";
    if (abbrev == "hareq") return "dhaad_request";  // ICMPv6 144-147 (RFC 6275 6.5-6.8)
    if (abbrev == "harep") return "dhaad_reply";
    if (abbrev == "mps") return "mobile_prefix_solicitation";
    if (abbrev == "mpa") return "mobile_prefix_advertisement";
    // ICMPv6 Parameter Problem code 1 at a Mobility Header (RFC 6275 11.3.5)
    if (abbrev == "icmp_pp_mh") return "parameter_problem_mobility_header";
    if (abbrev == "icmp") return "icmp_error";  // ICMPv6 errors the mobile node reads
    return std::nullopt;
}

constexpr std::optional<SignallingSeries> signalling_series(std::string_view id) {
    if (auto d = id.find("_drop_"); d != std::string_view::npos) {
        auto msg = message_name(id.substr(0, d));
        auto reason = id.substr(d + 6);
        if (!msg || reason.empty() || reason.find('_') != std::string_view::npos) return std::nullopt;
        return SignallingSeries{kDropsTotal, {"message", *msg}, {"reason", reason}};
    }
    auto u = id.rfind('_');
    if (u == std::string_view::npos) return std::nullopt;
    auto direction = id.substr(u + 1);
    if (direction != "sent" && direction != "received") return std::nullopt;
    auto msg = id.substr(0, u);
    if (msg.ends_with("_nack")) msg.remove_suffix(5);
    auto type = message_name(msg);
    if (!type) return std::nullopt;
    return SignallingSeries{kMessagesTotal, {"direction", direction}, {"type", *type}};
}

constexpr bool every_signalling_counter_mapped() {
    for (const auto& c : telemetry::kSignallingCounters)
        if (!signalling_series(c.id)) return false;
    return true;
}
static_assert(every_signalling_counter_mapped(),
              "a signalling counter id has no metric mapping: see signalling_series.hpp");

// Binding Acknowledgement status codes always exported (zero until seen):
// RFC 6275 6.1.8 and RFC 4285. Others appear once counted.
inline constexpr uint8_t kKnownBaStatuses[] = {0,   1,   128, 129, 130, 131, 132, 133, 134, 135,
                                               136, 137, 138, 139, 144, 145, 146};

}  // namespace xmip::metrics
