// SPDX-License-Identifier: BSD-2-Clause
// The binding store on etcd (docs/scale-out.md): what several home agents
// share. One key per binding, <prefix><role>/<home address>, its value the
// state file's format with that one binding (state/codec.hpp): load() is
// one range read, commit() one etcd transaction.
//
// Compare-and-swap: every put compares the key's mod_revision with the one
// this agent last read, wrote or saw in the watch (absent: create_revision
// 0). A binding another agent changed meanwhile fails the transaction; the
// batch is refused (130 at the home agent) and the key's current revision
// is learnt, so the mobile node's retry compares against the winner (whose
// binding still reaches this agent through the watch: conflicted_). The
// home agent checked the BU's sequence number against the binding of that
// revision, so two agents never accept out of order.
//
// Leases: each binding key is attached to an etcd lease that ends
// binding_lease_slack seconds after the binding expires; bindings that end
// within the same second share a lease (one grant per second of expiry,
// not one per binding). A dead agent's bindings leave etcd, and through the
// watch every agent's cache and maps, when their lifetime is over.
//
// An etcd request that timed out has an unknown outcome: it may be applied
// later (docs/scale-out.md). Revisions are learnt only from confirmed
// answers, so such a write reaches this agent through the watch like any
// other agent's (remote()).
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/result.hpp"
#include "etcd/client.hpp"
#include "state/changes.hpp"

namespace xmip::store {

struct EtcdStoreOptions {
    etcd::TransportOptions transport;
    std::string prefix = "/xmip/";  // ends in '/'
    std::string role = "ha";        // "ha" or "mn"
    uint32_t lease_slack_s = 5;
};

// What the watch saw other writers do, decoded.
struct RemoteChanges {
    std::vector<state::HaBinding> put;
    std::vector<in6_addr> erase;
    std::vector<std::string> errors;  // values that are not a binding (skipped)
    // Per put: how long after the writer's commit it was read here (the
    // wall clocks of both agents: as good as their NTP).
    std::vector<double> lag_ms;
    // Per put: the writer's wall clock at its commit (Unix ms; 0: the value
    // does not say), for a lag measured where the change is applied.
    std::vector<int64_t> written_ms;
};

class EtcdStore {
public:
    explicit EtcdStore(EtcdStoreOptions o);

    // Reaches the cluster and checks (or writes, the first time) the
    // prefix's format marker. An error names the endpoints.
    std::optional<std::string> open();
    core::Result<state::Snapshot, std::string> load();
    // One transaction of the changes; a batch larger than etcd's
    // --max-txn-ops (kMaxTxnOps) in as many as it takes, in order: on an
    // error the earlier ones stay written (each binding whole) and come
    // back to this agent through its watch, as another agent's would.
    std::optional<std::string> commit(const state::Changes& c);
    std::string where() const;

    // The store's revision as far as this agent has seen every change: the
    // last load(), then each remote() (not its own commits: another agent's
    // write may have come before one of them). A watch of watch_prefix()
    // from revision() + 1 misses nothing.
    int64_t revision() const { return revision_; }
    std::string watch_prefix() const { return prefix_ + role_ + "/"; }
    std::string key_of(const in6_addr& hoa) const;

    // Events of a watch on watch_prefix(): this agent's own writes (known
    // revision) are skipped, the rest decoded; revisions learnt.
    RemoteChanges remote(const std::vector<etcd::Event>& events, std::chrono::system_clock::time_point read_at);

    // etcd's default --max-txn-ops.
    static constexpr size_t kMaxTxnOps = 128;

private:
    std::optional<std::string> commit_one(const state::Changes& c);  // at most kMaxTxnOps changes
    core::Result<int64_t, std::string> lease_for(int64_t expires_ms);
    std::string fail(const std::string& doing, const etcd::Error& e) const;

    EtcdStoreOptions opts_;
    etcd::Client client_;
    std::string prefix_, role_;
    int64_t revision_ = 0;
    bool created_ = false;
    std::unordered_map<std::string, int64_t> known_;  // key -> mod_revision
    // Keys this agent deleted -> the deletion's revision: the watch's
    // older events for them are not news. (Grows with the home addresses
    // ever erased here; a binding cache's worth.)
    std::unordered_map<std::string, int64_t> erased_;
    // Keys whose revision was learnt from a lost compare-and-swap, with that
    // revision: the winner's watch event is still news (remote()).
    std::unordered_map<std::string, int64_t> conflicted_;
    std::map<int64_t, int64_t> leases_;  // end (Unix s) -> lease id
};

}  // namespace xmip::store
