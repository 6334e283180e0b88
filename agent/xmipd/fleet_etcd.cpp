// SPDX-License-Identifier: BSD-2-Clause
#include "xmipd/fleet_etcd.hpp"

#include "core/in6.hpp"
#include "core/log.hpp"

namespace xmip::agent {

EtcdFleetElection::EtcdFleetElection(etcd::TransportOptions opts, std::string prefix, std::string member,
                                     int64_t lease_ttl_s)
    : client_(std::move(opts)), prefix_(std::move(prefix)), member_(std::move(member)), ttl_s_(lease_ttl_s) {}

EtcdFleetElection::~EtcdFleetElection() = default;

std::string EtcdFleetElection::address_prefix(const in6_addr& a) const {
    return prefix_ + "fleet/ha/" + core::to_string(a) + "/";
}

etcd::Election& EtcdFleetElection::election(const in6_addr& a) {
    auto& e = elections_[core::to_string(a)];
    if (!e) e = std::make_unique<etcd::Election>(client_, address_prefix(a), lease_);
    return *e;
}

bool EtcdFleetElection::renew() {
    if (lease_ != 0) {
        auto k = client_.lease_keepalive(lease_);
        if (!k) {
            XLOG_DEBUG("fleet: lease keepalive: %s", k.error().message.c_str());
            return false;
        }
        if (k->ttl > 0) return true;
        XLOG_WARN("fleet: lease %s expired in etcd: campaigns start again", etcd::lease_hex(lease_).c_str());
        lease_ = 0;
        elections_.clear();  // their keys went with the lease
    }
    auto g = client_.lease_grant(ttl_s_);
    if (!g) {
        XLOG_DEBUG("fleet: lease grant: %s", g.error().message.c_str());
        return false;
    }
    lease_ = g->id;
    auto p = client_.put(etcd::PutRequest{prefix_ + "fleet/members/" + member_, member_, lease_, false});
    if (!p) {
        XLOG_DEBUG("fleet: member key: %s", p.error().message.c_str());
        return false;
    }
    return true;
}

std::optional<std::vector<std::string>> EtcdFleetElection::members() {
    auto r = client_.range_prefix(prefix_ + "fleet/members/");
    if (!r) return std::nullopt;
    std::vector<std::string> out;
    for (const auto& kv : r->kvs) out.push_back(kv.value);
    return out;
}

std::optional<bool> EtcdFleetElection::campaign(const in6_addr& a) {
    if (lease_ == 0) return std::nullopt;
    auto r = election(a).campaign(member_);
    if (!r) return std::nullopt;
    return *r;
}

bool EtcdFleetElection::resign(const in6_addr& a) {
    auto it = elections_.find(core::to_string(a));
    if (it == elections_.end()) return true;
    auto r = it->second->resign();
    elections_.erase(it);
    return static_cast<bool>(r);
}

std::optional<std::string> EtcdFleetElection::holder(const in6_addr& a) {
    etcd::Election probe(client_, address_prefix(a), lease_);
    auto l = probe.leader();
    if (!l) return std::nullopt;
    return l->has_value() ? (*l)->value : std::string();
}

bool EtcdFleetElection::evict(const std::string& member) {
    if (member == member_) return false;
    // The member key carries the member's lease, the one its candidacies
    // hang on too (renew() puts them on the same lease).
    etcd::RangeRequest q;
    q.key = prefix_ + "fleet/members/" + member;
    auto r = client_.range(q);
    if (!r) return false;
    for (const auto& kv : r->kvs) {
        if (kv.lease == 0 || kv.lease == lease_) continue;
        auto s = client_.lease_revoke(kv.lease);
        if (!s) {
            XLOG_DEBUG("fleet: revoking %s's lease: %s", member.c_str(), s.error().message.c_str());
            return false;
        }
        return true;
    }
    return false;
}

void EtcdFleetElection::revoke() {
    if (lease_ == 0) return;
    (void)client_.lease_revoke(lease_);
    lease_ = 0;
    elections_.clear();
}

std::optional<std::string> EtcdFleetElection::health() {
    auto s = client_.status();
    if (!s) return std::nullopt;
    return std::string("ok");
}

}  // namespace xmip::agent
