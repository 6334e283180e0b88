// SPDX-License-Identifier: BSD-2-Clause
#include "state/codec.hpp"

#include <nlohmann/json.hpp>
#include <set>

namespace xmip::state {

using nlohmann::json;

namespace {

// Thrown inside decoding only; decode_* turn it into an error string.
struct Bad {
    std::string what;
};

json header(const char* role, int64_t written_ms) {
    return {{"format", kFormatName}, {"version", kFormatVersion}, {"role", role}, {"written_unix_ms", written_ms}};
}

const json& field(const json& o, const char* key, const std::string& where) {
    if (!o.is_object()) throw Bad{where + ": not an object"};
    auto it = o.find(key);
    if (it == o.end()) throw Bad{where + ": \"" + key + "\" is missing"};
    return *it;
}

in6_addr addr(const json& o, const char* key, const std::string& where) {
    const json& v = field(o, key, where);
    if (!v.is_string()) throw Bad{where + "." + key + ": not a string"};
    auto a = core::parse_addr(v.get<std::string>());
    if (!a) throw Bad{where + "." + key + ": not an IPv6 address: " + v.get<std::string>()};
    return *a;
}

template <class T>
T integer(const json& o, const char* key, const std::string& where, int64_t lo, int64_t hi) {
    const json& v = field(o, key, where);
    if (!v.is_number_integer()) throw Bad{where + "." + key + ": not an integer"};
    int64_t x = v.is_number_unsigned() && v.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)
                    ? hi + 1
                    : v.get<int64_t>();
    if (x < lo || x > hi)
        throw Bad{where + "." + key + ": " + v.dump() + " outside " + std::to_string(lo) + ".." + std::to_string(hi)};
    return static_cast<T>(x);
}

constexpr int64_t kMaxMs = int64_t{1} << 52;  // year 142000: beyond is corruption

json parse_checked(std::string_view text, const char* role) {
    json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) throw Bad{"not JSON (truncated or corrupt)"};
    if (!j.is_object()) throw Bad{"not a JSON object"};
    const json& f = field(j, "format", "file");
    if (!f.is_string() || f.get<std::string>() != kFormatName) throw Bad{"not an xmip state file (format " + f.dump() + ")"};
    const json& v = field(j, "version", "file");
    if (!v.is_number_integer() || v.get<int64_t>() != kFormatVersion)
        throw Bad{"format version " + v.dump() + ", this xmipd reads version " + std::to_string(kFormatVersion)};
    const json& r = field(j, "role", "file");
    if (!r.is_string() || r.get<std::string>() != role)
        throw Bad{"written by a " + r.dump() + " instance, this is a \"" + role + "\" one"};
    (void)integer<int64_t>(j, "written_unix_ms", "file", 0, kMaxMs);
    return j;
}

}  // namespace

std::string encode(const HaState& s, int64_t written_ms) {
    json j = header("ha", written_ms);
    json arr = json::array();
    for (const auto& b : s.bindings) {
        json e{{"home_address", core::to_string(b.hoa)},
               {"care_of_address", core::to_string(b.coa)},
               {"home_agent_address", core::to_string(b.ha_addr)},
               {"sequence", b.seq},
               {"lifetime", b.lifetime_s},
               {"registered_unix_ms", b.registered_ms},
               {"expires_unix_ms", b.expires_ms}};
        if (!b.seq_known) e["sequence_known"] = false;
        if (b.link_local) e["link_local"] = true;
        arr.push_back(std::move(e));
    }
    j["bindings"] = std::move(arr);
    return j.dump(1) + "\n";
}

std::string encode(const MnState& s, int64_t written_ms) {
    json j = header("mn", written_ms);
    json e{{"home_address", core::to_string(s.hoa)},
           {"home_agent", core::to_string(s.ha)},
           {"state", s.state},
           {"sequence", s.seq},
           {"ever_registered", s.ever_registered},
           {"lifetime", s.lifetime_s}};
    if (s.coa) e["care_of_address"] = core::to_string(*s.coa);
    if (s.visited) e["visited_prefix"] = s.visited->str();
    if (s.router) e["router"] = core::to_string(*s.router);
    if (s.expires_ms) e["expires_unix_ms"] = *s.expires_ms;
    j["binding_update_list"] = std::move(e);
    return j.dump(1) + "\n";
}

Decoded<HaState> decode_ha(std::string_view text) {
    Decoded<HaState> d;
    try {
        json j = parse_checked(text, "ha");
        const json& arr = field(j, "bindings", "file");
        if (!arr.is_array()) throw Bad{"bindings: not an array"};
        HaState s;
        std::set<std::string> seen;
        for (size_t i = 0; i < arr.size(); i++) {
            const std::string where = "bindings[" + std::to_string(i) + "]";
            const json& o = arr[i];
            HaBinding b;
            b.hoa = addr(o, "home_address", where);
            b.coa = addr(o, "care_of_address", where);
            b.ha_addr = addr(o, "home_agent_address", where);
            b.seq = integer<uint16_t>(o, "sequence", where, 0, 65535);
            b.lifetime_s = integer<uint32_t>(o, "lifetime", where, 0, 262140);
            b.registered_ms = integer<int64_t>(o, "registered_unix_ms", where, 0, kMaxMs);
            b.expires_ms = integer<int64_t>(o, "expires_unix_ms", where, 0, kMaxMs);
            if (b.expires_ms < b.registered_ms) throw Bad{where + ": expires before it was registered"};
            if (o.contains("sequence_known")) {
                if (!o["sequence_known"].is_boolean()) throw Bad{where + ".sequence_known: not a boolean"};
                b.seq_known = o["sequence_known"].get<bool>();
            }
            if (o.contains("link_local")) {
                if (!o["link_local"].is_boolean()) throw Bad{where + ".link_local: not a boolean"};
                b.link_local = o["link_local"].get<bool>();
            }
            if (!seen.insert(core::to_string(b.hoa)).second)
                throw Bad{where + ": home address " + core::to_string(b.hoa) + " appears twice"};
            s.bindings.push_back(b);
        }
        d.value = std::move(s);
    } catch (const Bad& e) {
        d.error = e.what;
    } catch (const json::exception& e) {
        d.error = e.what();  // not expected: every access is checked first
    }
    return d;
}

Decoded<MnState> decode_mn(std::string_view text) {
    Decoded<MnState> d;
    try {
        json j = parse_checked(text, "mn");
        const json& o = field(j, "binding_update_list", "file");
        const std::string where = "binding_update_list";
        MnState s;
        s.hoa = addr(o, "home_address", where);
        s.ha = addr(o, "home_agent", where);
        const json& st = field(o, "state", where);
        static const std::set<std::string> states{"at-home", "registering", "bound", "deregistering", "failed"};
        if (!st.is_string() || !states.count(st.get<std::string>())) throw Bad{where + ".state: unknown state " + st.dump()};
        s.state = st.get<std::string>();
        s.seq = integer<uint16_t>(o, "sequence", where, 0, 65535);
        const json& ever = field(o, "ever_registered", where);
        if (!ever.is_boolean()) throw Bad{where + ".ever_registered: not a boolean"};
        s.ever_registered = ever.get<bool>();
        s.lifetime_s = integer<uint32_t>(o, "lifetime", where, 0, 262140);
        if (o.contains("care_of_address")) s.coa = addr(o, "care_of_address", where);
        if (o.contains("router")) s.router = addr(o, "router", where);
        if (o.contains("visited_prefix")) {
            const json& v = o["visited_prefix"];
            auto p = v.is_string() ? core::parse_prefix(v.get<std::string>()) : std::nullopt;
            if (!p) throw Bad{where + ".visited_prefix: not a prefix: " + v.dump()};
            s.visited = p;
        }
        if (o.contains("expires_unix_ms")) s.expires_ms = integer<int64_t>(o, "expires_unix_ms", where, 0, kMaxMs);
        if (s.state == "bound" && (!s.coa || !s.expires_ms))
            throw Bad{where + ": bound without a care-of address or an expiry"};
        d.value = std::move(s);
    } catch (const Bad& e) {
        d.error = e.what;
    } catch (const json::exception& e) {
        d.error = e.what();
    }
    return d;
}

}  // namespace xmip::state
