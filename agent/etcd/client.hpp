// SPDX-License-Identifier: BSD-2-Clause
// etcd v3's KV, lease and maintenance calls over the JSON gateway: one
// method per RPC, each a request struct in, a response struct or an Error
// out (messages.hpp). Blocking, bounded by TransportOptions' timeouts; not
// thread-safe (one Client per thread).
#pragma once

#include <string>

#include "etcd/messages.hpp"
#include "etcd/transport.hpp"

namespace xmip::etcd {

class Client {
public:
    explicit Client(TransportOptions opts) : t_(std::move(opts)) {}

    Result<RangeResponse> range(const RangeRequest& r);
    // Every key under prefix, in key order.
    Result<RangeResponse> range_prefix(const std::string& prefix);
    Result<PutResponse> put(const PutRequest& r);
    Result<DeleteResponse> del(const DeleteRequest& r);
    Result<TxnResponse> txn(const TxnRequest& r);

    // id 0: etcd chooses.
    Result<LeaseGrantResponse> lease_grant(int64_t ttl_s, int64_t id = 0);
    // One renewal (ttl <= 0 in the answer: the lease is gone).
    Result<LeaseKeepAliveResponse> lease_keepalive(int64_t id);
    // Deletes the lease and every key attached to it.
    Status lease_revoke(int64_t id);
    Result<LeaseTimeToLiveResponse> lease_timetolive(int64_t id, bool keys = false);

    // The member this client talks to now (health, raft leader).
    Result<StatusResponse> status();
    Result<MemberListResponse> member_list();

    Transport& transport() { return t_; }

private:
    Transport t_;
};

}  // namespace xmip::etcd
