// SPDX-License-Identifier: BSD-2-Clause
#include "etcd/client.hpp"

namespace xmip::etcd {
namespace {

// Calls path and decodes its answer, or passes the call's error on.
template <class Decode>
auto call(Transport& t, const char* path, const Json& body, Decode decode) -> decltype(decode(Json{})) {
    auto j = t.call(path, body);
    if (!j) return j.error();
    auto r = decode(*j);
    if (!r) return Error{r.error().kind, "etcd at " + t.endpoint() + ": " + r.error().message, r.error().code};
    return r;
}

}  // namespace

Result<RangeResponse> Client::range(const RangeRequest& r) { return call(t_, "/v3/kv/range", encode(r), decode_range); }

Result<RangeResponse> Client::range_prefix(const std::string& prefix) {
    RangeRequest r;
    r.key = prefix;
    r.range_end = prefix_end(prefix);
    return range(r);
}

Result<PutResponse> Client::put(const PutRequest& r) { return call(t_, "/v3/kv/put", encode(r), decode_put); }

Result<DeleteResponse> Client::del(const DeleteRequest& r) {
    return call(t_, "/v3/kv/deleterange", encode(r), decode_delete);
}

Result<TxnResponse> Client::txn(const TxnRequest& r) { return call(t_, "/v3/kv/txn", encode(r), decode_txn); }

Result<LeaseGrantResponse> Client::lease_grant(int64_t ttl_s, int64_t id) {
    return call(t_, "/v3/lease/grant", encode_lease_grant(ttl_s, id), decode_lease_grant);
}

Result<LeaseKeepAliveResponse> Client::lease_keepalive(int64_t id) {
    return call(t_, "/v3/lease/keepalive", encode_lease_id(id), decode_lease_keepalive);
}

Status Client::lease_revoke(int64_t id) {
    auto r = call(t_, "/v3/lease/revoke", encode_lease_id(id), decode_header);
    if (!r) return r.error();
    return {};
}

Result<LeaseTimeToLiveResponse> Client::lease_timetolive(int64_t id, bool keys) {
    return call(t_, "/v3/lease/timetolive", encode_lease_timetolive(id, keys), decode_lease_timetolive);
}

Result<StatusResponse> Client::status() { return call(t_, "/v3/maintenance/status", Json::object(), decode_status); }

Result<MemberListResponse> Client::member_list() {
    return call(t_, "/v3/cluster/member/list", Json::object(), decode_member_list);
}

}  // namespace xmip::etcd
