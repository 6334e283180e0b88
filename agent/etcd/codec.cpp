// SPDX-License-Identifier: BSD-2-Clause
#include "etcd/codec.hpp"

#include <charconv>
#include <utility>

#include "etcd/base64.hpp"

namespace xmip::etcd {
namespace {

// Inside this file a malformed answer unwinds to the decode_* boundary,
// which turns it into an Error: the field readers stay one line each.
struct Malformed {
    std::string what;
};

std::string num(int64_t v) { return std::to_string(v); }

template <class Int>
Int read_int(const Json& j, const char* field) {
    auto it = j.find(field);
    if (it == j.end() || it->is_null()) return 0;
    if (it->is_number_integer()) return it->get<Int>();
    if (it->is_string()) {
        const auto& s = it->get_ref<const std::string&>();
        Int v{};
        auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
        if (ec == std::errc{} && p == s.data() + s.size()) return v;
    }
    throw Malformed{std::string("field ") + field + " is not an integer"};
}

bool read_bool(const Json& j, const char* field) {
    auto it = j.find(field);
    if (it == j.end() || it->is_null()) return false;
    if (!it->is_boolean()) throw Malformed{std::string("field ") + field + " is not a boolean"};
    return it->get<bool>();
}

std::string read_string(const Json& j, const char* field) {
    auto it = j.find(field);
    if (it == j.end() || it->is_null()) return {};
    if (!it->is_string()) throw Malformed{std::string("field ") + field + " is not a string"};
    return it->get<std::string>();
}

std::string read_bytes(const Json& j, const char* field) {
    auto b = base64_decode(read_string(j, field));
    if (!b) throw Malformed{std::string("field ") + field + " is not base64"};
    return *b;
}

const Json& object_at(const Json& j, const char* field) {
    static const Json kEmpty = Json::object();
    auto it = j.find(field);
    if (it == j.end() || it->is_null()) return kEmpty;
    if (!it->is_object()) throw Malformed{std::string("field ") + field + " is not an object"};
    return *it;
}

const Json& array_at(const Json& j, const char* field) {
    static const Json kEmpty = Json::array();
    auto it = j.find(field);
    if (it == j.end() || it->is_null()) return kEmpty;
    if (!it->is_array()) throw Malformed{std::string("field ") + field + " is not an array"};
    return *it;
}

void need_object(const Json& j) {
    if (!j.is_object()) throw Malformed{"not a JSON object"};
}

Header header_of(const Json& j) {
    const Json& h = object_at(j, "header");
    return Header{read_int<uint64_t>(h, "cluster_id"), read_int<uint64_t>(h, "member_id"),
                  read_int<uint64_t>(h, "raft_term"), read_int<int64_t>(h, "revision")};
}

KeyValue kv_of(const Json& j) {
    need_object(j);
    KeyValue kv;
    kv.key = read_bytes(j, "key");
    kv.value = read_bytes(j, "value");
    kv.create_revision = read_int<int64_t>(j, "create_revision");
    kv.mod_revision = read_int<int64_t>(j, "mod_revision");
    kv.version = read_int<int64_t>(j, "version");
    kv.lease = read_int<int64_t>(j, "lease");
    return kv;
}

std::vector<KeyValue> kvs_of(const Json& j, const char* field) {
    std::vector<KeyValue> out;
    for (const auto& e : array_at(j, field)) out.push_back(kv_of(e));
    return out;
}

RangeResponse range_of(const Json& j) {
    need_object(j);
    return RangeResponse{header_of(j), kvs_of(j, "kvs"), read_bool(j, "more"), read_int<int64_t>(j, "count")};
}

PutResponse put_of(const Json& j) {
    need_object(j);
    PutResponse r{header_of(j), std::nullopt};
    if (j.contains("prev_kv")) r.prev_kv = kv_of(j.at("prev_kv"));
    return r;
}

DeleteResponse delete_of(const Json& j) {
    need_object(j);
    return DeleteResponse{header_of(j), read_int<int64_t>(j, "deleted"), kvs_of(j, "prev_kvs")};
}

// Streamed answers: {"result": {...}}, or {"error": {...}} (error_in).
const Json& result_of(const Json& j) {
    need_object(j);
    auto it = j.find("result");
    if (it == j.end() || !it->is_object()) throw Malformed{"no \"result\" object in a streamed answer"};
    return *it;
}

template <class F>
auto guard(const Json& j, F f) -> Result<decltype(f(j))> {
    try {
        return f(j);
    } catch (const Malformed& m) {
        return Error{Error::Kind::protocol, "etcd answered unexpected JSON: " + m.what, 0};
    } catch (const std::exception& e) {
        return Error{Error::Kind::protocol, std::string("etcd answered unexpected JSON: ") + e.what(), 0};
    }
}

const char* name(Compare::Op op) {
    switch (op) {
        case Compare::Op::equal: return "EQUAL";
        case Compare::Op::greater: return "GREATER";
        case Compare::Op::less: return "LESS";
        case Compare::Op::not_equal: return "NOT_EQUAL";
    }
    return "EQUAL";
}

const char* name(Compare::Target t) {
    switch (t) {
        case Compare::Target::version: return "VERSION";
        case Compare::Target::create: return "CREATE";
        case Compare::Target::mod: return "MOD";
        case Compare::Target::value: return "VALUE";
        case Compare::Target::lease: return "LEASE";
    }
    return "VERSION";
}

const char* name(RangeRequest::SortOrder o) {
    switch (o) {
        case RangeRequest::SortOrder::none: return "NONE";
        case RangeRequest::SortOrder::ascend: return "ASCEND";
        case RangeRequest::SortOrder::descend: return "DESCEND";
    }
    return "NONE";
}

const char* name(RangeRequest::SortTarget t) {
    switch (t) {
        case RangeRequest::SortTarget::key: return "KEY";
        case RangeRequest::SortTarget::version: return "VERSION";
        case RangeRequest::SortTarget::create: return "CREATE";
        case RangeRequest::SortTarget::mod: return "MOD";
        case RangeRequest::SortTarget::value: return "VALUE";
    }
    return "KEY";
}

Json op_of(const RequestOp& op) {
    if (const auto* r = std::get_if<RangeRequest>(&op)) return Json{{"request_range", encode(*r)}};
    if (const auto* p = std::get_if<PutRequest>(&op)) return Json{{"request_put", encode(*p)}};
    return Json{{"request_delete_range", encode(std::get<DeleteRequest>(op))}};
}

ResponseOp response_op_of(const Json& j) {
    need_object(j);
    if (j.contains("response_range")) return range_of(j.at("response_range"));
    if (j.contains("response_put")) return put_of(j.at("response_put"));
    if (j.contains("response_delete_range")) return delete_of(j.at("response_delete_range"));
    throw Malformed{"a txn response op that is none of range, put, delete_range"};
}

}  // namespace

std::string prefix_end(const std::string& prefix) {
    std::string end = prefix;
    while (!end.empty()) {
        auto& last = end.back();
        if (static_cast<uint8_t>(last) < 0xff) {
            last = static_cast<char>(static_cast<uint8_t>(last) + 1);
            return end;
        }
        end.pop_back();
    }
    // Every byte 0xff (or empty): every key from prefix on (etcd's "\0").
    return std::string(1, '\0');
}

Json encode(const RangeRequest& r) {
    Json j{{"key", base64_encode(r.key)}};
    if (!r.range_end.empty()) j["range_end"] = base64_encode(r.range_end);
    if (r.limit != 0) j["limit"] = num(r.limit);
    if (r.revision != 0) j["revision"] = num(r.revision);
    if (r.sort_order != RangeRequest::SortOrder::none) {
        j["sort_order"] = name(r.sort_order);
        j["sort_target"] = name(r.sort_target);
    }
    if (r.keys_only) j["keys_only"] = true;
    if (r.count_only) j["count_only"] = true;
    return j;
}

Json encode(const PutRequest& r) {
    Json j{{"key", base64_encode(r.key)}, {"value", base64_encode(r.value)}};
    if (r.lease != 0) j["lease"] = num(r.lease);
    if (r.prev_kv) j["prev_kv"] = true;
    return j;
}

Json encode(const DeleteRequest& r) {
    Json j{{"key", base64_encode(r.key)}};
    if (!r.range_end.empty()) j["range_end"] = base64_encode(r.range_end);
    if (r.prev_kv) j["prev_kv"] = true;
    return j;
}

Json encode(const Compare& c) {
    Json j{{"key", base64_encode(c.key)}, {"result", name(c.op)}, {"target", name(c.target)}};
    if (!c.range_end.empty()) j["range_end"] = base64_encode(c.range_end);
    // The oneof's member is sent even at 0: "create_revision == 0" is the
    // test that a key is absent, and the target alone does not say which.
    switch (c.target) {
        case Compare::Target::version: j["version"] = num(c.number); break;
        case Compare::Target::create: j["create_revision"] = num(c.number); break;
        case Compare::Target::mod: j["mod_revision"] = num(c.number); break;
        case Compare::Target::value: j["value"] = base64_encode(c.value); break;
        case Compare::Target::lease: j["lease"] = num(c.number); break;
    }
    return j;
}

Json encode(const TxnRequest& r) {
    Json j = Json::object();
    if (!r.compare.empty()) {
        Json a = Json::array();
        for (const auto& c : r.compare) a.push_back(encode(c));
        j["compare"] = std::move(a);
    }
    if (!r.success.empty()) {
        Json a = Json::array();
        for (const auto& op : r.success) a.push_back(op_of(op));
        j["success"] = std::move(a);
    }
    if (!r.failure.empty()) {
        Json a = Json::array();
        for (const auto& op : r.failure) a.push_back(op_of(op));
        j["failure"] = std::move(a);
    }
    return j;
}

Json encode(const WatchCreateRequest& r) {
    Json c{{"key", base64_encode(r.key)}};
    if (!r.range_end.empty()) c["range_end"] = base64_encode(r.range_end);
    if (r.start_revision != 0) c["start_revision"] = num(r.start_revision);
    if (r.prev_kv) c["prev_kv"] = true;
    if (r.progress_notify) c["progress_notify"] = true;
    return Json{{"create_request", std::move(c)}};
}

Json encode_lease_grant(int64_t ttl_s, int64_t id) {
    Json j{{"TTL", num(ttl_s)}};
    if (id != 0) j["ID"] = num(id);
    return j;
}

Json encode_lease_id(int64_t id) { return Json{{"ID", num(id)}}; }

Json encode_lease_timetolive(int64_t id, bool keys) {
    Json j{{"ID", num(id)}};
    if (keys) j["keys"] = true;
    return j;
}

Result<Header> decode_header(const Json& j) {
    return guard(j, [](const Json& x) { return header_of(x); });
}
Result<KeyValue> decode_kv(const Json& j) {
    return guard(j, [](const Json& x) { return kv_of(x); });
}
Result<RangeResponse> decode_range(const Json& j) {
    return guard(j, [](const Json& x) { return range_of(x); });
}
Result<PutResponse> decode_put(const Json& j) {
    return guard(j, [](const Json& x) { return put_of(x); });
}
Result<DeleteResponse> decode_delete(const Json& j) {
    return guard(j, [](const Json& x) { return delete_of(x); });
}

Result<TxnResponse> decode_txn(const Json& j) {
    return guard(j, [](const Json& x) {
        need_object(x);
        TxnResponse r{header_of(x), read_bool(x, "succeeded"), {}};
        for (const auto& op : array_at(x, "responses")) r.responses.push_back(response_op_of(op));
        return r;
    });
}

Result<LeaseGrantResponse> decode_lease_grant(const Json& j) {
    return guard(j, [](const Json& x) {
        need_object(x);
        if (auto e = read_string(x, "error"); !e.empty()) throw Malformed{"lease grant refused: " + e};
        return LeaseGrantResponse{header_of(x), read_int<int64_t>(x, "ID"), read_int<int64_t>(x, "TTL")};
    });
}

Result<LeaseKeepAliveResponse> decode_lease_keepalive(const Json& j) {
    return guard(j, [](const Json& x) {
        const Json& r = result_of(x);
        return LeaseKeepAliveResponse{header_of(r), read_int<int64_t>(r, "ID"), read_int<int64_t>(r, "TTL")};
    });
}

Result<LeaseTimeToLiveResponse> decode_lease_timetolive(const Json& j) {
    return guard(j, [](const Json& x) {
        need_object(x);
        LeaseTimeToLiveResponse r{header_of(x),
                                  read_int<int64_t>(x, "ID"),
                                  read_int<int64_t>(x, "TTL"),
                                  read_int<int64_t>(x, "grantedTTL"),
                                  {}};
        for (const auto& k : array_at(x, "keys")) {
            if (!k.is_string()) throw Malformed{"a lease key is not a string"};
            auto b = base64_decode(k.get<std::string>());
            if (!b) throw Malformed{"a lease key is not base64"};
            r.keys.push_back(*b);
        }
        return r;
    });
}

Result<StatusResponse> decode_status(const Json& j) {
    return guard(j, [](const Json& x) {
        need_object(x);
        return StatusResponse{header_of(x),
                              read_string(x, "version"),
                              read_int<int64_t>(x, "dbSize"),
                              read_int<uint64_t>(x, "leader"),
                              read_int<uint64_t>(x, "raftIndex"),
                              read_int<uint64_t>(x, "raftTerm")};
    });
}

Result<MemberListResponse> decode_member_list(const Json& j) {
    return guard(j, [](const Json& x) {
        need_object(x);
        MemberListResponse r{header_of(x), {}};
        for (const auto& m : array_at(x, "members")) {
            need_object(m);
            Member mem{read_int<uint64_t>(m, "ID"), read_string(m, "name"), {}, {}};
            for (const auto& u : array_at(m, "peerURLs")) mem.peer_urls.push_back(u.get<std::string>());
            for (const auto& u : array_at(m, "clientURLs")) mem.client_urls.push_back(u.get<std::string>());
            r.members.push_back(std::move(mem));
        }
        return r;
    });
}

Result<WatchResponse> decode_watch(const Json& j) {
    return guard(j, [](const Json& x) {
        const Json& r = result_of(x);
        WatchResponse w;
        w.header = header_of(r);
        w.watch_id = read_int<int64_t>(r, "watch_id");
        w.created = read_bool(r, "created");
        w.canceled = read_bool(r, "canceled");
        w.compact_revision = read_int<int64_t>(r, "compact_revision");
        w.cancel_reason = read_string(r, "cancel_reason");
        for (const auto& e : array_at(r, "events")) {
            need_object(e);
            Event ev;
            auto type = read_string(e, "type");
            if (type.empty() || type == "PUT") {
                ev.type = Event::Type::put;
            } else if (type == "DELETE") {
                ev.type = Event::Type::del;
            } else {
                throw Malformed{"an event of type " + type};
            }
            ev.kv = kv_of(object_at(e, "kv"));
            if (e.contains("prev_kv")) ev.prev_kv = kv_of(e.at("prev_kv"));
            w.events.push_back(std::move(ev));
        }
        return w;
    });
}

std::optional<Error> error_in(const Json& j) {
    if (!j.is_object()) return std::nullopt;
    auto it = j.find("error");
    if (it == j.end()) return std::nullopt;
    const Json* e = &j;
    if (it->is_object()) e = &*it;  // a stream's {"error": {...}}
    std::string message;
    if (auto m = e->find("message"); m != e->end() && m->is_string()) message = m->get<std::string>();
    if (message.empty()) {
        if (auto m = e->find("error"); m != e->end() && m->is_string()) message = m->get<std::string>();
    }
    int code = 0;
    if (auto c = e->find("code"); c != e->end() && c->is_number_integer()) code = c->get<int>();
    // gRPC 14 (unavailable) and 4 (deadline exceeded): no quorum, a leader
    // election, a member cut off; the others are answers.
    auto kind = (code == 14 || code == 4) ? Error::Kind::unavailable : Error::Kind::rejected;
    if (message.find("request timed out") != std::string::npos || message.find("leader") != std::string::npos)
        kind = Error::Kind::unavailable;
    return Error{kind, message.empty() ? "an error without a message" : message, code};
}

}  // namespace xmip::etcd
