// SPDX-License-Identifier: BSD-2-Clause
// The fleet's port on etcd (docs/scale-out.md, "Election and failover"):
// one lease per agent (TTL: the fleet's lease TTL, whole seconds as etcd
// counts them), kept alive on every tick; a member key
// <prefix>fleet/members/<name> on it; and one election per home agent
// address, <prefix>fleet/ha/<address>/, in etcd's own election layout
// (etcd/election.hpp), the candidates' keys on the same lease. A dead or
// cut-off agent's lease expires: its member key and candidacies go at
// once, and the next candidate in line holds the address.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "etcd/client.hpp"
#include "etcd/election.hpp"
#include "xmipd/fleet_ports.hpp"

namespace xmip::agent {

class EtcdFleetElection final : public FleetElection {
public:
    EtcdFleetElection(etcd::TransportOptions opts, std::string prefix, std::string member, int64_t lease_ttl_s);
    ~EtcdFleetElection() override;

    bool renew() override;
    std::optional<std::vector<std::string>> members() override;
    std::optional<bool> campaign(const in6_addr& a) override;
    bool resign(const in6_addr& a) override;
    std::optional<std::string> holder(const in6_addr& a) override;
    bool evict(const std::string& member) override;

    // Revokes the lease: every key of this agent goes now, not at expiry
    // (a clean stop hands the addresses over at once).
    void revoke();
    std::optional<std::string> health() override;

private:
    etcd::Election& election(const in6_addr& a);
    std::string address_prefix(const in6_addr& a) const;

    etcd::Client client_;
    std::string prefix_, member_;
    int64_t ttl_s_;
    int64_t lease_ = 0;
    std::map<std::string, std::unique_ptr<etcd::Election>> elections_;  // by address
};

}  // namespace xmip::agent
