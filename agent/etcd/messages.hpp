// SPDX-License-Identifier: BSD-2-Clause
// etcd v3's requests and responses (etcdserverpb, mvccpb), as far as xmip
// uses them: plain structs, with keys and values as raw bytes. codec.hpp
// turns them into the JSON gateway's JSON and back.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace xmip::etcd {

struct Header {
    uint64_t cluster_id = 0, member_id = 0, raft_term = 0;
    int64_t revision = 0;  // the store's revision when the request was served
};

struct KeyValue {
    std::string key, value;
    int64_t create_revision = 0, mod_revision = 0;
    int64_t version = 0;  // 0: absent (a deletion's kv)
    int64_t lease = 0;    // 0: none
};

// The end of the range of every key that starts with prefix (etcd's
// "prefix" option): prefix with its last byte below 0xff incremented.
std::string prefix_end(const std::string& prefix);

struct RangeRequest {
    enum class SortOrder { none, ascend, descend };
    enum class SortTarget { key, version, create, mod, value };
    std::string key;
    std::string range_end;  // empty: key alone; prefix_end(key): the prefix
    int64_t limit = 0;      // 0: no limit
    int64_t revision = 0;   // 0: the latest
    SortOrder sort_order = SortOrder::none;
    SortTarget sort_target = SortTarget::key;
    bool keys_only = false, count_only = false;

    static RangeRequest one(std::string k) {
        RangeRequest r;
        r.key = std::move(k);
        return r;
    }
};
struct RangeResponse {
    Header header;
    std::vector<KeyValue> kvs;
    bool more = false;
    int64_t count = 0;
};

struct PutRequest {
    std::string key, value;
    int64_t lease = 0;  // 0: none
    bool prev_kv = false;
};
struct PutResponse {
    Header header;
    std::optional<KeyValue> prev_kv;
};

struct DeleteRequest {
    std::string key, range_end;
    bool prev_kv = false;
};
struct DeleteResponse {
    Header header;
    int64_t deleted = 0;
    std::vector<KeyValue> prev_kvs;
};

// One comparison of a Txn. An absent key has version, create_revision and
// mod_revision 0: "create_revision == 0" means "the key does not exist".
struct Compare {
    enum class Op { equal, greater, less, not_equal };
    enum class Target { version, create, mod, value, lease };
    Op op = Op::equal;
    Target target = Target::version;
    std::string key, range_end;
    int64_t number = 0;  // version, create, mod, lease
    std::string value;   // value

    static Compare version(std::string key, Op op, int64_t v) {
        return {op, Target::version, std::move(key), {}, v, {}};
    }
    static Compare create_revision(std::string key, Op op, int64_t r) {
        return {op, Target::create, std::move(key), {}, r, {}};
    }
    static Compare mod_revision(std::string key, Op op, int64_t r) {
        return {op, Target::mod, std::move(key), {}, r, {}};
    }
    static Compare value_is(std::string key, Op op, std::string v) {
        return {op, Target::value, std::move(key), {}, 0, std::move(v)};
    }
    static Compare lease_is(std::string key, Op op, int64_t l) {
        return {op, Target::lease, std::move(key), {}, l, {}};
    }
};

using RequestOp = std::variant<RangeRequest, PutRequest, DeleteRequest>;
using ResponseOp = std::variant<RangeResponse, PutResponse, DeleteResponse>;

struct TxnRequest {
    std::vector<Compare> compare;  // all true: success runs; else failure
    std::vector<RequestOp> success, failure;
};
struct TxnResponse {
    Header header;
    bool succeeded = false;
    std::vector<ResponseOp> responses;  // of the branch that ran, in order
};

struct LeaseGrantResponse {
    Header header;
    int64_t id = 0, ttl = 0;
};
// ttl <= 0: the lease is gone (expired or revoked).
struct LeaseKeepAliveResponse {
    Header header;
    int64_t id = 0, ttl = 0;
};
// ttl -1: no such lease.
struct LeaseTimeToLiveResponse {
    Header header;
    int64_t id = 0, ttl = 0, granted_ttl = 0;
    std::vector<std::string> keys;
};

struct StatusResponse {
    Header header;
    std::string version;
    int64_t db_size = 0;
    uint64_t leader = 0;  // member id of the raft leader, 0: none known
    uint64_t raft_index = 0, raft_term = 0;
};

struct Member {
    uint64_t id = 0;
    std::string name;
    std::vector<std::string> peer_urls, client_urls;
};
struct MemberListResponse {
    Header header;
    std::vector<Member> members;
};

struct WatchCreateRequest {
    std::string key, range_end;
    int64_t start_revision = 0;  // 0: from now
    bool prev_kv = false;
    bool progress_notify = false;
};
struct Event {
    enum class Type { put, del };
    Type type = Type::put;
    KeyValue kv;  // del: key and mod_revision only
    std::optional<KeyValue> prev_kv;
};
struct WatchResponse {
    Header header;
    int64_t watch_id = 0;
    bool created = false, canceled = false;
    // Canceled because start_revision was compacted: history from here on.
    int64_t compact_revision = 0;
    std::string cancel_reason;
    std::vector<Event> events;
};

}  // namespace xmip::etcd
