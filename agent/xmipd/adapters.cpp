// SPDX-License-Identifier: BSD-2-Clause
#include "xmipd/adapters.hpp"

#include <cstring>

#include "core/host.hpp"
#include "core/log.hpp"
#include "datapath/in6.hpp"
#include "xmipd/nexthop_keeper.hpp"

namespace xmip::agent {

xmip_binding to_binding(const Tunnel& t) {
    xmip_binding b{};
    b.local = dp::to_xmip(t.local);
    b.remote = dp::to_xmip(t.remote);
    b.flags = t.registering ? XMIP_BF_REGISTERING : XMIP_BF_NONE;
    return b;
}

Tunnel to_tunnel(const xmip_binding& b) {
    return Tunnel{dp::to_in6(b.local), dp::to_in6(b.remote), (b.flags & XMIP_BF_REGISTERING) != 0};
}

void DatapathTunnels::set(const in6_addr& hoa, const Tunnel& t) {
    std::optional<xmip_binding> old;
    if (nexthops_) old = maps_.lookup_binding(dp::to_xmip(hoa));
    maps_.upsert_binding(dp::to_xmip(hoa), to_binding(t));
    if (nexthops_) {
        nexthops_->track(t.remote);  // before the untrack: a refresh keeps its entry
        if (old) nexthops_->untrack(dp::to_in6(old->remote));
    }
}

bool DatapathTunnels::remove(const in6_addr& hoa) {
    std::optional<xmip_binding> old;
    if (nexthops_) old = maps_.lookup_binding(dp::to_xmip(hoa));
    const bool removed = maps_.delete_binding(dp::to_xmip(hoa));
    if (nexthops_ && old) nexthops_->untrack(dp::to_in6(old->remote));
    return removed;
}

std::optional<Tunnel> DatapathTunnels::find(const in6_addr& hoa) const {
    auto b = maps_.lookup_binding(dp::to_xmip(hoa));
    if (!b) return std::nullopt;
    return to_tunnel(*b);
}

std::vector<std::pair<in6_addr, Tunnel>> DatapathTunnels::all() const {
    std::vector<std::pair<in6_addr, Tunnel>> out;
    for (const auto& [hoa, b] : maps_.bindings()) out.emplace_back(dp::to_in6(hoa), to_tunnel(b));
    return out;
}

void DatapathTunnels::add_local(const in6_addr& a, LocalAddress use) {
    maps_.add_local_addr(dp::to_xmip(a), use == LocalAddress::TunnelEnd ? XMIP_LF_TUNNEL_END | XMIP_LF_SIGNALLING
                                                                        : XMIP_LF_SIGNALLING);
}

void DatapathTunnels::remove_local(const in6_addr& a) { maps_.delete_local_addr(dp::to_xmip(a)); }

void DatapathTunnels::set_home_link_mac(const std::array<uint8_t, 6>& mac) {
    xmip_config c = maps_.config();
    if (!c.home_ifindex) return;  // not a home agent's datapath
    static_assert(sizeof c.home_mac == 6);
    std::memcpy(c.home_mac, mac.data(), sizeof c.home_mac);
    maps_.set_config(c);
}

xmip_ro_key to_ro_key(const in6_addr& home, const in6_addr& correspondent) {
    xmip_ro_key k{};
    k.home = dp::to_xmip(home);
    k.correspondent = dp::to_xmip(correspondent);
    return k;
}

xmip_ro_binding to_ro_value(const RoBinding& b) {
    xmip_ro_binding v{};
    v.care_of = dp::to_xmip(b.care_of);
    v.flags = XMIP_RF_NONE;
    return v;
}

RoBinding to_ro_binding(const xmip_ro_key& k, const xmip_ro_binding& v) {
    return RoBinding{dp::to_in6(k.home), dp::to_in6(k.correspondent), dp::to_in6(v.care_of)};
}

namespace {

std::vector<RoBinding> ro_list(const std::vector<std::pair<xmip_ro_key, xmip_ro_binding>>& entries) {
    std::vector<RoBinding> out;
    for (const auto& [k, v] : entries) out.push_back(to_ro_binding(k, v));
    return out;
}

}  // namespace

void DatapathRoBindings::upsert(const xmip_ro_key& k, const xmip_ro_binding& v) {
    if (which_ == Map::MnPeers)
        maps_.upsert_ro_peer(k, v);
    else
        maps_.upsert_cn_binding(k, v);
}

void DatapathRoBindings::set(const RoBinding& b) { upsert(to_ro_key(b.home, b.correspondent), to_ro_value(b)); }

bool DatapathRoBindings::remove(const in6_addr& home, const in6_addr& correspondent) {
    const auto k = to_ro_key(home, correspondent);
    return which_ == Map::MnPeers ? maps_.delete_ro_peer(k) : maps_.delete_cn_binding(k);
}

std::vector<RoBinding> DatapathRoBindings::all() const {
    return ro_list(which_ == Map::MnPeers ? maps_.ro_peers() : maps_.cn_bindings());
}

bool DatapathRoBindings::used_since_last_asked(const in6_addr& home, const in6_addr& correspondent) {
    const auto k = to_ro_key(home, correspondent);
    auto v = which_ == Map::MnPeers ? maps_.lookup_ro_peer(k) : maps_.lookup_cn_binding(k);
    if (!v || !(v->flags & XMIP_RF_USED)) return false;
    // Cleared by a whole-value write: the agent is the only writer of the
    // care-of address, and a packet racing it marks the new value again.
    v->flags &= ~XMIP_RF_USED;
    upsert(k, *v);
    return true;
}

int HostKernel::ifindex(const std::string& name) { return core::ifindex_of(name); }

bool HostKernel::set_ipv6_conf(const std::string& scope, const std::string& key, const std::string& value) {
    return core::set_ipv6_conf(scope, key, value);
}

namespace {

class MonitorEvents final : public LinkEvents {
public:
    int fd() const override { return monitor_.fd(); }
    void drain(const std::function<void(const netlink::Monitor::Event&)>& on_event) override {
        monitor_.drain(on_event);
    }

private:
    netlink::Monitor monitor_;
};

class IcmpNdSocket final : public NdSocket {
public:
    IcmpNdSocket(int ifindex, std::initializer_list<uint8_t> types, std::initializer_list<const char*> groups)
        : socket_(ifindex, types, groups) {}
    int fd() const override { return socket_.fd(); }
    bool send(const in6_addr& dst, std::span<const uint8_t> message, const in6_addr* src) override {
        return socket_.send(dst, message, src);
    }
    void drain(const std::function<void(const io::IcmpReceived&)>& on_message) override { socket_.drain(on_message); }
    bool join_anycast(const in6_addr& a) override { return socket_.join_anycast(a); }

private:
    io::IcmpSocket socket_;
};

}  // namespace

std::unique_ptr<LinkEvents> HostKernel::watch_links() { return std::make_unique<MonitorEvents>(); }

std::unique_ptr<NdSocket> SocketWire::open_nd(int ifindex, std::initializer_list<uint8_t> types,
                                              std::initializer_list<const char*> groups) {
    return std::make_unique<IcmpNdSocket>(ifindex, types, groups);
}

etcd::TransportOptions etcd_transport(const config::Cluster& c) {
    etcd::TransportOptions o;
    o.endpoints = c.endpoints;
    o.ca_file = c.ca_file;
    o.cert_file = c.cert_file;
    o.key_file = c.key_file;
    o.dial_timeout = std::chrono::milliseconds(c.dial_timeout_ms);
    o.request_timeout = std::chrono::milliseconds(c.request_timeout_ms);
    return o;
}

etcd::TransportOptions store_transport(const config::Config& cfg) {
    etcd::TransportOptions o = etcd_transport(cfg.cluster);
    if (!cfg.cluster.member.empty())
        o.request_timeout =
            std::min(o.request_timeout, std::chrono::milliseconds(cfg.cluster.agent_lease_ttl * 1000 / 4));
    return o;
}

std::unique_ptr<StateStore> make_store(const config::Config& cfg) {
    const std::string role = config::to_string(cfg.role);
    if (cfg.cluster.backend != config::Cluster::Backend::Etcd)
        return std::make_unique<EmbeddedStore>(cfg.paths.state_dir, role);
    store::EtcdStoreOptions o;
    o.transport = store_transport(cfg);
    o.prefix = cfg.cluster.prefix;
    o.role = role;
    o.lease_slack_s = cfg.cluster.binding_lease_slack;
    return std::make_unique<ClusterStore>(std::move(o));
}

}  // namespace xmip::agent
