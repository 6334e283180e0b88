// SPDX-License-Identifier: BSD-2-Clause
// etcd v3 messages (messages.hpp) to and from the JSON that etcd's gRPC
// gateway speaks (POST /v3/...): proto3's JSON mapping, so keys and values
// are base64, 64-bit integers are strings, and a field at its default is
// left out (false, 0, empty). Decoding never throws: what is not what etcd
// sends is an Error of kind protocol.
#pragma once

#include <nlohmann/json.hpp>

#include "etcd/error.hpp"
#include "etcd/messages.hpp"

namespace xmip::etcd {

using Json = nlohmann::json;

Json encode(const RangeRequest& r);
Json encode(const PutRequest& r);
Json encode(const DeleteRequest& r);
Json encode(const Compare& c);
Json encode(const TxnRequest& r);
Json encode(const WatchCreateRequest& r);  // {"create_request": {...}}
Json encode_lease_grant(int64_t ttl_s, int64_t id);
Json encode_lease_id(int64_t id);  // keepalive, revoke
Json encode_lease_timetolive(int64_t id, bool keys);

Result<Header> decode_header(const Json& j);
Result<KeyValue> decode_kv(const Json& j);
Result<RangeResponse> decode_range(const Json& j);
Result<PutResponse> decode_put(const Json& j);
Result<DeleteResponse> decode_delete(const Json& j);
Result<TxnResponse> decode_txn(const Json& j);
Result<LeaseGrantResponse> decode_lease_grant(const Json& j);
// Keepalive and watch answers come wrapped in {"result": ...} (a stream).
Result<LeaseKeepAliveResponse> decode_lease_keepalive(const Json& j);
Result<LeaseTimeToLiveResponse> decode_lease_timetolive(const Json& j);
Result<StatusResponse> decode_status(const Json& j);
Result<MemberListResponse> decode_member_list(const Json& j);
Result<WatchResponse> decode_watch(const Json& j);

// etcd's own error answer ({"error": ..., "code": n, "message": ...}, or
// {"error": {...}} in a stream), if j is one.
std::optional<Error> error_in(const Json& j);

}  // namespace xmip::etcd
