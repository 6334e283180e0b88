// SPDX-License-Identifier: BSD-2-Clause
// The real world behind ports.hpp: the datapath's maps, rtnetlink and the
// host's sysctls, raw and ICMPv6 sockets, the binding store. The only
// place that turns a Tunnel into the datapath's struct xmip_binding.
#pragma once

#include <unordered_map>

#include "config/config.hpp"
#include "core/in6.hpp"
#include "datapath/maps.hpp"
#include "io/raw_sender.hpp"
#include "netlink/netlink.hpp"
#include "store/etcd_store.hpp"
#include "store/sqlite_store.hpp"
#include "xmipd/ports.hpp"

namespace xmip::agent {

// struct xmip_binding <-> Tunnel (flags: XMIP_BF_REGISTERING <-> registering).
xmip_binding to_binding(const Tunnel& t);
Tunnel to_tunnel(const xmip_binding& b);
// RoBinding <-> the route-optimisation maps' key and value (flags 0).
xmip_ro_key to_ro_key(const in6_addr& home, const in6_addr& correspondent);
xmip_ro_binding to_ro_value(const RoBinding& b);
RoBinding to_ro_binding(const xmip_ro_key& k, const xmip_ro_binding& v);

class NexthopKeeper;

class DatapathTunnels final : public Tunnels {
public:
    explicit DatapathTunnels(dp::DatapathMaps& maps) : maps_(maps) {}
    // The home agent's next-hop cache: told which care-of addresses the
    // bindings tunnel to (none: the mobile node, whose egress goes by the FIB).
    void keep_nexthops(NexthopKeeper* k) { nexthops_ = k; }
    void set(const in6_addr& hoa, const Tunnel& t) override;
    bool remove(const in6_addr& hoa) override;
    std::optional<Tunnel> find(const in6_addr& hoa) const override;
    std::vector<std::pair<in6_addr, Tunnel>> all() const override;
    void add_local(const in6_addr& a, LocalAddress use) override;
    void remove_local(const in6_addr& a) override;
    void set_home_link_mac(const std::array<uint8_t, 6>& mac) override;

private:
    dp::DatapathMaps& maps_;
    NexthopKeeper* nexthops_ = nullptr;
};

// One route-optimisation map (ports.hpp RoBindings): the mobile node's
// xmip_ro_peers or the correspondent's xmip_cn_bindings.
class DatapathRoBindings final : public RoBindings {
public:
    enum class Map { MnPeers, CnBindings };
    DatapathRoBindings(dp::DatapathMaps& maps, Map which) : maps_(maps), which_(which) {}
    void set(const RoBinding& b) override;
    bool remove(const in6_addr& home, const in6_addr& correspondent) override;
    std::vector<RoBinding> all() const override;
    bool used_since_last_asked(const in6_addr& home, const in6_addr& correspondent) override;

private:
    void upsert(const xmip_ro_key& k, const xmip_ro_binding& v);
    dp::DatapathMaps& maps_;
    Map which_;
};

class HostKernel final : public Kernel {
public:
    explicit HostKernel(netlink::Netlink& nl) : nl_(nl) {}
    int ifindex(const std::string& name) override;
    bool set_ipv6_conf(const std::string& scope, const std::string& key, const std::string& value) override;
    netlink::LinkInfo link(int ifindex) override { return nl_.link(ifindex); }
    std::vector<netlink::AddrInfo> addresses(int ifindex) override { return nl_.addresses(ifindex); }
    void add_addr(int ifindex, const in6_addr& a, unsigned plen, const netlink::AddrOptions& o) override {
        nl_.add_addr(ifindex, a, plen, o);
    }
    void del_addr(int ifindex, const in6_addr& a, unsigned plen) override { nl_.del_addr(ifindex, a, plen); }
    void replace_route(const netlink::RouteSpec& r) override { nl_.replace_route(r); }
    void del_route(const netlink::RouteSpec& r) override { nl_.del_route(r); }
    std::vector<netlink::RouteSpec> ra_default_routes(int ifindex) override { return nl_.ra_default_routes(ifindex); }
    void add_proxy_neigh(int ifindex, const in6_addr& a) override { nl_.add_proxy_neigh(ifindex, a); }
    void del_proxy_neigh(int ifindex, const in6_addr& a) override { nl_.del_proxy_neigh(ifindex, a); }
    std::vector<in6_addr> proxy_neighs(int ifindex) override { return nl_.proxy_neighs(ifindex); }
    std::unique_ptr<LinkEvents> watch_links() override;
    void set_allmulticast(int ifindex, bool on) override { nl_.set_allmulticast(ifindex, on); }

private:
    netlink::Netlink& nl_;
};

class SocketWire final : public Wire {
public:
    explicit SocketWire(io::RawSender& raw) : raw_(raw) {}
    bool send(std::span<const uint8_t> packet, int ifindex) override { return raw_.send(packet, ifindex); }
    std::unique_ptr<NdSocket> open_nd(int ifindex, std::initializer_list<uint8_t> types,
                                      std::initializer_list<const char*> groups) override;

private:
    io::RawSender& raw_;
};

// The embedded binding store, <dir>/bindings.db (store/sqlite_store.hpp).
class EmbeddedStore final : public StateStore {
public:
    EmbeddedStore(std::string dir, std::string role) : db_(std::move(dir), std::move(role)) {}
    std::optional<std::string> open() override { return db_.open(); }
    core::Result<state::Snapshot, std::string> load() override { return db_.load(); }
    std::optional<std::string> commit(const state::Changes& c) override { return db_.commit(c); }
    std::string where() const override { return db_.path(); }

private:
    store::SqliteStore db_;
};

// The binding store on etcd, shared by a fleet (store/etcd_store.hpp,
// docs/scale-out.md): [cluster] backend = "etcd".
class ClusterStore final : public StateStore {
public:
    explicit ClusterStore(store::EtcdStoreOptions o) : db_(std::move(o)) {}
    std::optional<std::string> open() override { return db_.open(); }
    core::Result<state::Snapshot, std::string> load() override { return db_.load(); }
    std::optional<std::string> commit(const state::Changes& c) override { return db_.commit(c); }
    std::string where() const override { return db_.where(); }
    store::EtcdStore& etcd() { return db_; }

private:
    store::EtcdStore db_;
};

// How [cluster] reaches etcd (the store's, the watch's and the fleet's
// clients alike).
etcd::TransportOptions etcd_transport(const config::Cluster& c);
// The binding store's: a fleet member's requests end within a quarter of
// the agent lease's TTL (cluster.request_timeout or less). A commit holds
// the agent's loop, and with it every other Binding Update and the loop's
// own check of the lease (HaFleet::tick). When the fleet's rounds ran on
// the loop too, a commit stuck for request_timeout (3 s by default) behind
// an etcd leader election let a live holder's 2 s lease lapse; they run on
// a thread of their own now (fleet_rounds.hpp), and this bound keeps the
// loop's stalls short (docs/scale-out.md, "Not done yet").
etcd::TransportOptions store_transport(const config::Config& cfg);

// The store [cluster] chooses: the embedded one by default.
std::unique_ptr<StateStore> make_store(const config::Config& cfg);

}  // namespace xmip::agent
