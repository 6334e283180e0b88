// SPDX-License-Identifier: BSD-2-Clause
// Leader election on etcd, the recipe of etcd's own election API (Go's
// clientv3/concurrency, `etcdctl elect`): each candidate puts a key
// <prefix><lease id in hex> attached to its lease, created only if absent
// (a Txn comparing create_revision with 0); the leader is the candidate
// whose key has the lowest create_revision. A dead candidate's lease
// expires, its key goes, and the next one in line leads. Keys are laid out
// as etcd's election API lays them out, so `etcdctl elect -l <prefix>`
// shows the same leader.
//
// Non-blocking, for an event loop: campaign() enters the race and says
// whether this candidate leads now; a Watcher on the prefix (or a timer)
// tells when to ask is_leader() again. The lease (and its keepalive) is
// the caller's: an agent keeps one lease alive for everything it holds.
#pragma once

#include <optional>
#include <string>

#include "etcd/client.hpp"

namespace xmip::etcd {

class Election {
public:
    // prefix: one per elected thing, ending in '/' ("/xmip/ha-address/2001:db8::1/").
    Election(Client& c, std::string prefix, int64_t lease);

    // Puts this candidate's key (value: what followers learn about the
    // leader, e.g. its name) if it is not there yet, and says whether it
    // leads. Calling it again is harmless.
    Result<bool> campaign(const std::string& value);
    // Whether this candidate's key is the oldest one under the prefix.
    Result<bool> is_leader();
    // The leader's key and value (nullopt: nobody campaigns).
    Result<std::optional<KeyValue>> leader();
    // Leaves the race: deletes this candidate's key if it is still the one
    // it created (not one a later campaign with the same lease made).
    Status resign();

    const std::string& key() const { return key_; }
    const std::string& prefix() const { return prefix_; }
    int64_t create_revision() const { return create_revision_; }  // 0: not campaigning

private:
    Client& c_;
    std::string prefix_, key_;
    int64_t lease_ = 0;
    int64_t create_revision_ = 0;
};

// A lease id as etcd's election keys spell it (lowercase hex, no 0x).
std::string lease_hex(int64_t lease);

}  // namespace xmip::etcd
