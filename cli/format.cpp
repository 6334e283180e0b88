// SPDX-License-Identifier: BSD-2-Clause
#include "cli/format.hpp"

#include <algorithm>
#include <iterator>
#include <set>
#include <sstream>
#include <string_view>

#include "control/protocol.hpp"
#include "control/views.hpp"
#include "telemetry/datapath_counters.hpp"
#include "telemetry/signalling_stats.hpp"

namespace xmip::cli {

using nlohmann::json;

namespace {

// A field for a table cell: strings as they are, numbers printed, anything
// missing, null or empty as "-" (an agent of another release may lack it).
std::string cell(const json& obj, const char* key) {
    if (!obj.is_object() || !obj.contains(key)) return "-";
    const json& v = obj[key];
    if (v.is_null()) return "-";
    if (v.is_string()) {
        auto s = v.get<std::string>();
        return s.empty() ? "-" : s;
    }
    return v.dump();
}

std::string ms_cell(const json& obj, const char* key) {
    if (!obj.is_object() || !obj.contains(key) || !obj[key].is_number()) return "-";
    return ms_as_seconds(obj[key].get<long long>());
}

std::string join(const std::vector<std::string>& v, const char* sep) {
    std::string out;
    for (size_t i = 0; i < v.size(); i++) out += (i ? sep : "") + v[i];
    return out;
}

// The guide's mipdiag -s names, and the counters it had that xmipd does not
// count (yet): they show as "-" so the list stays the one users know.
struct MipdiagName {
    std::string_view counter;
    std::string_view mipdiag;
};
constexpr MipdiagName kMipdiag[] = {
    {"bu_received", "NBindUpdatesRcvd"},      {"ba_received", "NBindAcksRcvd"},
    {"ba_nack_received", "NBindNAcksRcvd"},   {"brr_received", "NBindRqsRcvd"},
    {"bu_sent", "NBindUpdatesSent"},          {"ba_sent", "NBindAcksSent"},
    {"ba_nack_sent", "NBindNAcksSent"},       {"brr_sent", "NBindRqsSent"},
    {"bu_drop_auth", "NBindUpdatesDropAuth"}, {"bu_drop_invalid", "NBindUpdatesDropInvalid"},
    {"ba_drop_auth", "NBindAcksDropAuth"},    {"ba_drop_invalid", "NBindAcksDropInvalid"},
    {"ba_drop_misc", "NBindAcksDropMisc"},    {"brr_drop_invalid", "NBindRqsDropInvalid"},
    {"brr_drop_misc", "NBindRqsDropMisc"},
};
// Every name above is a counter of the list (telemetry/signalling_stats.hpp),
// once: a counter renamed or dropped there does not build here.
constexpr bool mipdiag_names_are_counters() {
    for (size_t i = 0; i < std::size(kMipdiag); i++) {
        bool known = false;
        for (const auto& c : telemetry::kSignallingCounters) known = known || c.id == kMipdiag[i].counter;
        if (!known) return false;
        for (size_t j = 0; j < i; j++)
            if (kMipdiag[j].counter == kMipdiag[i].counter || kMipdiag[j].mipdiag == kMipdiag[i].mipdiag)
                return false;
    }
    return true;
}
static_assert(mipdiag_names_are_counters(),
              "kMipdiag names a counter that is not in XMIP_SIGNALLING_COUNTERS (or names one twice)");
std::string_view datapath_help(const std::string& verdict, const std::string& reason) {
    for (const auto& c : dp::kCounters)
        if (c.verdict == verdict && c.reason == reason) return c.help;
    return "";
}

uint64_t u64(const json& obj, const char* key) {
    if (!obj.is_object() || !obj.contains(key) || !obj[key].is_number_unsigned()) return 0;
    return obj[key].get<uint64_t>();
}

}  // namespace

std::string Table::str() const {
    std::vector<size_t> width(columns_.size(), 0);
    for (size_t i = 0; i < columns_.size(); i++) width[i] = columns_[i].header.size();
    for (const auto& r : rows_)
        for (size_t i = 0; i < columns_.size() && i < r.size(); i++) width[i] = std::max(width[i], r[i].size());
    auto line = [&](const std::vector<std::string>& r) {
        std::string out;
        for (size_t i = 0; i < columns_.size(); i++) {
            std::string v = i < r.size() ? r[i] : "";
            std::string pad(width[i] - v.size(), ' ');
            if (i) out += "  ";
            out += columns_[i].right ? pad + v : v + pad;
        }
        while (!out.empty() && out.back() == ' ') out.pop_back();
        return out + "\n";
    };
    std::vector<std::string> head;
    for (const auto& c : columns_) head.push_back(c.header);
    std::string out = line(head);
    for (const auto& r : rows_) out += line(r);
    return out;
}

std::string format_json(const json& result) { return result.dump(2) + "\n"; }

std::string mipdiag_name(const std::string& counter) {
    for (const auto& m : kMipdiag)
        if (m.counter == counter) return std::string(m.mipdiag);
    return "";
}

std::string ms_as_seconds(long long ms) {
    if (ms < 0) return "-";
    std::string s = std::to_string(ms / 1000);
    if (long long frac = ms % 1000) {
        char buf[8];
        std::snprintf(buf, sizeof(buf), ".%03lld", frac);
        std::string f = buf;
        while (f.back() == '0') f.pop_back();
        s += f;
    }
    return s;
}

std::string format_stats(const json& stats) {
    std::string out;
    using S = control::Stats::key;
    using C = control::DatapathCounter::key;
    const json sig = stats.is_object() ? stats.value(S::signalling, json::object()) : json::object();
    const json dpc = stats.is_object() ? stats.value(S::datapath, json::array()) : json::array();

    Table t({{"COUNTER"}, {"MIPDIAG"}, {"VALUE", true}, {"DESCRIPTION"}});
    std::set<std::string> shown;
    auto row = [&](std::string_view id, std::string_view help) {
        std::string k(id);
        shown.insert(k);
        bool have = sig.is_object() && sig.contains(k);
        std::string m = mipdiag_name(k);
        t.add({k, m.empty() ? "-" : m, have ? sig[k].dump() : "-",
               have ? std::string(help) : std::string(help) + " (not counted by this agent)"});
    };
    // An older agent may lack some: their rows say so instead of vanishing.
    for (const auto& c : telemetry::kSignallingCounters) row(c.id, c.help);
    if (sig.is_object())  // counters of a newer agent, without a description here
        for (const auto& [k, v] : sig.items())
            if (!shown.count(k)) t.add({k, "-", v.dump(), ""});
    out += "Signalling\n" + t.str();

    uint64_t enc_p = 0, enc_b = 0, dec_p = 0, dec_b = 0, drop_p = 0, drop_b = 0;
    Table d({{"VERDICT"}, {"REASON"}, {"PACKETS", true}, {"BYTES", true}, {"DESCRIPTION"}});
    for (const auto& c : dpc) {
        std::string verdict = c.value(C::verdict, ""), reason = c.value(C::reason, "");
        uint64_t p = u64(c, C::packets), b = u64(c, C::bytes);
        if (reason.rfind("encap", 0) == 0) enc_p += p, enc_b += b;
        if (reason.rfind("decap", 0) == 0) dec_p += p, dec_b += b;
        if (verdict == "drop") drop_p += p, drop_b += b;
        d.add({cell(c, C::verdict), cell(c, C::reason), cell(c, C::packets), cell(c, C::bytes),
               std::string(datapath_help(verdict, reason))});
    }
    Table sum({{"TOTAL"}, {"MIPDIAG"}, {"PACKETS", true}, {"BYTES", true}});
    sum.add({"encapsulations", "NEncapsulations", std::to_string(enc_p), std::to_string(enc_b)});
    sum.add({"decapsulations", "NDecapsulations", std::to_string(dec_p), std::to_string(dec_b)});
    sum.add({"drops", "-", std::to_string(drop_p), std::to_string(drop_b)});
    out += "\nDatapath\n" + sum.str() + "\n" + d.str();
    return out;
}

std::string format_bcache(const json& bindings) {
    Table t({{"HOME ADDRESS"}, {"CARE-OF ADDRESS"}, {"LIFETIME", true}, {"LEFT", true}, {"SEQUENCE", true},
             {"STATE"}});
    using K = control::BindingCacheEntry::key;
    if (bindings.is_array())
        for (const auto& b : bindings)
            t.add({cell(b, K::home_address), cell(b, K::care_of_address), cell(b, K::lifetime),
                   cell(b, K::lifetime_left), cell(b, K::sequence), cell(b, K::state)});
    return t.str() + (t.size() ? "" : "(no bindings)\n");
}

std::string format_bul(const json& entries) {
    // One row per peer, as mipdiag -l's "Recipient" entries: the home agent
    // (HA), then each correspondent (CN) with the keygen tokens' ages.
    Table t({{"RECIPIENT"},
             {"PEER"},
             {"HOME ADDRESS"},
             {"CARE-OF ADDRESS"},
             {"LIFETIME", true},
             {"LEFT", true},
             {"SEQUENCE", true},
             {"STATE"},
             {"DELAY", true},
             {"MAX DELAY", true},
             {"SENT", true},
             {"NEXT", true},
             {"TOKENS"}});
    using K = control::BulEntry::key;
    auto age = [](const json& e, const char* key) {
        if (!e.contains(key) || !e[key].is_number_integer() || e[key].get<long>() < 0) return std::string("-");
        return std::to_string(e[key].get<long>()) + "s";
    };
    if (entries.is_array())
        for (const auto& e : entries) {
            const bool cn = e.is_object() && e.value(K::recipient, std::string("ha")) == "cn";
            t.add({cn ? "CN" : "HA", cn ? cell(e, K::correspondent) : cell(e, K::home_agent), cell(e, K::home_address),
                   cell(e, K::care_of_address), cell(e, K::lifetime), cell(e, K::expires_in), cell(e, K::sequence),
                   cell(e, K::state), ms_cell(e, K::retransmit_delay_ms), ms_cell(e, K::max_delay_ms),
                   cell(e, K::transmissions), ms_cell(e, K::next_event_in_ms),
                   cn ? "home " + age(e, K::home_token_age_s) + " care-of " + age(e, K::care_of_token_age_s) : "-"});
        }
    return t.str() + (t.size() ? "" : "(no entries)\n");
}

std::string format_home_agents(const json& entries) {
    Table t({{"LINK-LOCAL"}, {"PREFERENCE", true}, {"LEFT", true}, {"ADDRESSES"}});
    using K = control::HomeAgentEntry::key;
    if (entries.is_array())
        for (const auto& e : entries) {
            std::vector<std::string> addrs;
            if (e.contains(K::addresses) && e[K::addresses].is_array())
                for (const auto& a : e[K::addresses])
                    if (a.is_string()) addrs.push_back(a.get<std::string>());
            t.add({cell(e, K::link_local), cell(e, K::preference), cell(e, K::lifetime_left),
                   addrs.empty() ? "-" : join(addrs, ",")});
        }
    return t.str() + (t.size() ? "" : "(no other home agents)\n");
}

namespace {
// The failure detector: off, or its bound, who is heard and how long ago,
// the leases revoked.
std::string heartbeat_line(const json& v) {
    using K = control::ClusterView::key;
    using P = control::ClusterPeer::key;
    if (v.value(K::failure_detection_ms, 0L) <= 0) return "off (the lease alone moves a dead holder's addresses)";
    std::vector<std::string> heard;
    if (v.contains(K::heard) && v[K::heard].is_array())
        for (const auto& p : v[K::heard])
            if (p.is_object()) heard.push_back(cell(p, P::member) + " " + ms_cell(p, P::heard_ms_ago) + " s ago");
    return "evicts a holder silent " + ms_cell(v, K::failure_detection_ms) + " s; heard " +
           (heard.empty() ? std::string("nobody") : join(heard, ", ")) + "; " + cell(v, K::evictions) + " evicted";
}
}  // namespace

// A fleet member's view: a header (member, store, lease), then who holds
// each of the fleet's home agent addresses.
std::string format_cluster(const json& v) {
    if (!v.is_object()) return format_json(v);
    using K = control::ClusterView::key;
    using A = control::ClusterAddress::key;
    std::vector<std::string> members;
    if (v.contains(K::members) && v[K::members].is_array())
        for (const auto& m : v[K::members])
            if (m.is_string()) members.push_back(m.get<std::string>());
    std::string out = "member:    " + cell(v, K::member) + "\n";
    out += "members:   " + (members.empty() ? std::string("-") : join(members, ",")) + "\n";
    out += "etcd:      " +
           std::string(v.value(K::store_reachable, false) ? "reachable" : "UNREACHABLE (registrations refused)") +
           (v.contains(K::store_health) ? ", " + cell(v, K::store_health) : "") + "\n";
    out += "lease:     ttl " + ms_cell(v, K::lease_ttl_ms) + " s, renewed " + ms_cell(v, K::lease_renewed_ms_ago) +
           " s ago\n";
    out += "watch lag: " + ms_cell(v, K::watch_lag_ms) + " s\n";
    out += "heartbeat: " + heartbeat_line(v) + "\n";
    Table t({{"HA-ADDRESS"}, {"HOLDER"}, {"HERE"}});
    if (v.contains(K::addresses) && v[K::addresses].is_array())
        for (const auto& a : v[K::addresses]) {
            // "" is nobody (cell() would show it as "-", like a missing field).
            const bool nobody = a.is_object() && a.contains(A::holder) && a[A::holder] == "";
            t.add({cell(a, A::address), nobody ? "(none)" : cell(a, A::holder),
                   a.value(A::held_here, false) ? "yes" : "no"});
        }
    return out + t.str();
}

std::string format_status(const json& status) {
    if (!status.is_object()) return format_json(status);
    size_t w = 0;
    for (const auto& [k, v] : status.items()) w = std::max(w, k.size());
    std::string out;
    // The datapath's attachments, one "ifname hook mode" each: "ha0 xdp native (link)".
    auto attachments = [](const json& list) {
        std::string s;
        for (const auto& a : list) {
            if (!a.is_object()) return list.dump();
            s += (s.empty() ? "" : ", ") + a.value("interface", "?") + " " + a.value("hook", "?") + " " +
                 a.value("mode", "?") + (a.value("link", false) ? " (link)" : "");
        }
        return s.empty() ? std::string("-") : s;
    };
    for (const auto& [k, v] : status.items()) {
        std::string val = k == "datapath" && v.is_array() ? attachments(v)
                          : v.is_string() ? (v.get<std::string>().empty() ? "-" : v.get<std::string>())
                                          : v.dump();
        out += k + ":" + std::string(w - k.size() + 2, ' ') + val + "\n";
    }
    return out;
}

std::string format_refresh(const json& answer) {
    using K = control::RefreshAnswer::key;
    if (!answer.is_object() || !answer.contains(K::sequence)) return format_json(answer);
    return "Binding Update " + answer[K::sequence].dump() + " sent to the home agent from " +
           answer.value(K::care_of_address, std::string("?")) + "\n";
}

std::string format_reload(const json& answer) {
    using K = control::ReloadAnswer::key;
    if (!answer.is_object()) return format_json(answer);
    auto lines = [&](const char* key, const char* prefix) {
        std::string s;
        if (auto it = answer.find(key); it != answer.end() && it->is_array())
            for (const auto& l : *it) s += prefix + (l.is_string() ? l.get<std::string>() : l.dump()) + "\n";
        return s;
    };
    std::string out;
    if (!answer.value(K::reloaded, false)) {
        out = "not reloaded: the configuration is kept as it was\n";
    } else {
        size_t n = answer.contains(K::applied) && answer[K::applied].is_array() ? answer[K::applied].size() : 0;
        out = "reloaded: " + std::to_string(n) + " changed keys applied\n";
        out += lines(K::applied, "  applied: ");
        out += lines(K::kept, "  kept: ");
    }
    out += lines(K::warnings, "  warning: ");
    out += lines(K::errors, "  error: ");
    return out;
}

Failure describe_error(const control::ClientError& e, const Target& t, const std::string& command) {
    using Kind = control::ClientError::Kind;
    switch (e.kind) {
        case Kind::NoAgent: {
            if (t.socket_exists)
                return {kExitNoAgent, "no agent listens on " + t.socket +
                                          " (a socket left by a stopped xmipd?)"};
            std::string running = t.running.empty()
                                      ? "no agent runs here: no control socket in " + t.run_dir
                                      : "running instances: " + join(t.running, ", ");
            if (!t.instance.empty())
                return {kExitNoAgent, "no agent for instance '" + t.instance + "': " + t.socket +
                                          " does not exist (" + running + ")"};
            return {kExitNoAgent, "no agent at " + t.socket + ": the socket does not exist (is xmipd running?)"};
        }
        case Kind::Permission:
            return {kExitNoAgent, "permission denied on " + t.socket +
                                      ": run as root or as a member of the socket's group"};
        case Kind::Timeout:
            return {kExitNoAgent, "the agent at " + t.socket + " did not answer: " + e.what()};
        case Kind::Protocol:
            return {kExitNoAgent, "cannot talk to the agent at " + t.socket + ": " + e.what()};
        case Kind::Remote: break;
    }
    const std::string& code = e.code;
    if (code == control::kErrApiVersion)
        return {kExitNoAgent, "the agent at " + t.socket + " speaks another control API version (" + e.what() +
                                  "); this mipctl speaks API " + std::to_string(control::kApiVersion) +
                                  ": use the mipctl of that xmipd release"};
    if (code == control::kErrWrongRole) return {kExitAgentError, std::string("wrong role: ") + e.what()};
    if (code == control::kErrNotFound) return {kExitAgentError, std::string("not found: ") + e.what()};
    if (code == control::kErrInvalidArgument)
        return {kExitAgentError, std::string("the agent refused the arguments: ") + e.what()};
    if (code == control::kErrUnknownCommand)
        return {kExitAgentError, "the agent does not know the command '" + command + "' (an older xmipd?): " +
                                     e.what()};
    return {kExitAgentError, "agent error (" + code + "): " + e.what()};
}

}  // namespace xmip::cli
