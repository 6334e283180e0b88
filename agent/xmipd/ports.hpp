// SPDX-License-Identifier: BSD-2-Clause
// The narrow interfaces between the role services and the world: the
// datapath's tunnels, the kernel's addresses, routes, neighbours and links,
// the wire, and the binding store. The daemon plugs in the real ones
// (adapters.hpp); the unit tests (tests/unit/xmipd/) plug in recording
// fakes. Time and timers are the event loop's, over an injected
// core::TimeSource.
#pragma once

#include <netinet/in.h>

#include <array>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "core/result.hpp"
#include "io/icmp_socket.hpp"
#include "netlink/netlink.hpp"
#include "state/changes.hpp"

namespace xmip::agent {

// A binding in the datapath: the home address's packets go through an
// IPv6-in-IPv6 tunnel between local and remote.
struct Tunnel {
    in6_addr local{}, remote{};
    // Mobile node: registering, the home address's own packets are held
    // back until the home agent accepts a care-of address (XMIP_BF_REGISTERING).
    bool registering = false;
};

// What an address of this host is to the datapath.
enum class LocalAddress {
    Signalling,  // Mobility Header packets to it go to the agent
    TunnelEnd,   // that, and IPv6-in-IPv6 to it is decapsulated
};

// The datapath's maps as the services see them, by in6_addr.
class Tunnels {
public:
    virtual ~Tunnels() = default;
    virtual void set(const in6_addr& hoa, const Tunnel& t) = 0;
    virtual bool remove(const in6_addr& hoa) = 0;  // false: there was none
    virtual std::optional<Tunnel> find(const in6_addr& hoa) const = 0;
    virtual std::vector<std::pair<in6_addr, Tunnel>> all() const = 0;
    virtual void add_local(const in6_addr& a, LocalAddress use) = 0;
    virtual void remove_local(const in6_addr& a) = 0;
    // The home link's MAC changed (a home agent): the datapath's Neighbour
    // Advertisements for bound home addresses name the new one, and its
    // check of a frame's destination MAC on the home link takes it.
    virtual void set_home_link_mac(const std::array<uint8_t, 6>& mac) = 0;
};

// A route-optimised binding in the datapath (RFC 6275 9.3, 11.3;
// docs/route-optimisation.md, "Datapath"): the mobile node's home address,
// the correspondent's address the binding was made with (the Kbm covers it,
// so it is part of the key), and the care-of address the correspondent
// accepted.
struct RoBinding {
    in6_addr home{}, correspondent{}, care_of{};
};

// One route-optimisation map as the services see it, keyed by (home,
// correspondent). Two maps, one port each role uses for its own:
//   Context::ro_peers     the mobile node's xmip_ro_peers: packets from home
//                         to the correspondent leave from care_of with a Home
//                         Address option; its type 2 routing headers are taken;
//   Context::cn_bindings  the correspondent's xmip_cn_bindings (its binding
//                         cache): packets to home leave for care_of with a type
//                         2 routing header; a Home Address option for home is
//                         taken from care_of only, any other dropped and
//                         reported (Binding Error status 1).
class RoBindings {
public:
    virtual ~RoBindings() = default;
    virtual void set(const RoBinding& b) = 0;                                      // added or replaced
    virtual bool remove(const in6_addr& home, const in6_addr& correspondent) = 0;  // false: there was none
    virtual std::vector<RoBinding> all() const = 0;
    // Whether a packet used the binding since the last call (the datapath
    // marks it, XMIP_RF_USED; the call clears the mark): a binding about to
    // expire is refreshed only when in use (RFC 6275 9.5.5, 11.7.2). False
    // for a binding that is not there.
    virtual bool used_since_last_asked(const in6_addr& home, const in6_addr& correspondent) = 0;
};

// A link's Neighbour Discovery socket (ICMPv6).
class NdSocket {
public:
    virtual ~NdSocket() = default;
    virtual int fd() const = 0;  // readable when messages wait: the event loop watches it
    virtual bool send(const in6_addr& dst, std::span<const uint8_t> message, const in6_addr* src = nullptr) = 0;
    virtual void drain(const std::function<void(const io::IcmpReceived&)>& on_message) = 0;
    // Receive at an anycast address of the link too (the home agent's
    // Home-Agents anycast, RFC 6275 10.5); false when the kernel refuses.
    virtual bool join_anycast(const in6_addr& a) = 0;
};

// Link and address changes (netlink events).
class LinkEvents {
public:
    virtual ~LinkEvents() = default;
    virtual int fd() const = 0;
    virtual void drain(const std::function<void(const netlink::Monitor::Event&)>& on_event) = 0;
};

// The kernel's network configuration: interfaces, sysctls, addresses,
// routes, proxy neighbours.
class Kernel {
public:
    virtual ~Kernel() = default;
    virtual int ifindex(const std::string& name) = 0;  // throws naming it
    virtual bool set_ipv6_conf(const std::string& scope, const std::string& key, const std::string& value) = 0;
    virtual netlink::LinkInfo link(int ifindex) = 0;
    virtual std::vector<netlink::AddrInfo> addresses(int ifindex) = 0;
    virtual void add_addr(int ifindex, const in6_addr& a, unsigned plen, const netlink::AddrOptions& o = {}) = 0;
    virtual void del_addr(int ifindex, const in6_addr& a, unsigned plen) = 0;
    virtual void replace_route(const netlink::RouteSpec& r) = 0;
    virtual void del_route(const netlink::RouteSpec& r) = 0;
    virtual std::vector<netlink::RouteSpec> ra_default_routes(int ifindex) = 0;
    virtual void add_proxy_neigh(int ifindex, const in6_addr& a) = 0;
    virtual void del_proxy_neigh(int ifindex, const in6_addr& a) = 0;
    virtual std::vector<in6_addr> proxy_neighs(int ifindex) = 0;  // the proxy entries on it, one dump
    virtual std::unique_ptr<LinkEvents> watch_links() = 0;
    virtual void set_allmulticast(int ifindex, bool on) = 0;  // throws naming the link
};

// Packets out: whole IPv6 packets (headers built by the agent), and ND
// sockets on a link.
class Wire {
public:
    virtual ~Wire() = default;
    virtual bool send(std::span<const uint8_t> packet, int ifindex = 0) = 0;
    virtual std::unique_ptr<NdSocket> open_nd(int ifindex, std::initializer_list<uint8_t> types,
                                              std::initializer_list<const char*> groups = {}) = 0;
};

// The role's binding store (docs/restart.md): what a restart needs and the
// maps cannot hold, by home address. Read whole once at start, then written
// by change: one transaction per group commit (group_commit.hpp), before
// the datapath, the home link or a mobile node is told. Two backends in
// mind: the embedded one (adapters.hpp, SQLite under paths.state_dir, the
// default) and a distributed one (etcd: docs/restart.md says how it maps).
class StateStore {
public:
    virtual ~StateStore() = default;
    // Opens (creates, migrates, checks) it. An error names the store and
    // says what to do: the agent refuses to start rather than start with
    // an empty binding cache.
    virtual std::optional<std::string> open() = 0;
    virtual core::Result<state::Snapshot, std::string> load() = 0;
    // One transaction: all of it durable (nullopt), or none of it (why).
    virtual std::optional<std::string> commit(const state::Changes& c) = 0;
    virtual std::string where() const = 0;  // for messages
};

// The other members' changes to a binding store a fleet shares
// (docs/scale-out.md, "Shared bindings"): what the store's watch saw them
// commit, decoded, for this agent's cache and maps. This agent's own
// commits are not in it.
struct SharedChanges {
    std::vector<state::HaBinding> put;
    // Per put: the writer's wall clock when it committed (Unix ms; 0: not
    // known), for the watch lag.
    std::vector<int64_t> written_unix_ms;
    std::vector<in6_addr> erase;
    // The watch lost its history (compacted) and the store was read again:
    // `put` is every binding it holds, and a binding not in it is gone.
    bool whole = false;
    std::vector<std::string> errors;  // values that were not one binding (skipped)
};

class SharedBindings {
public:
    virtual ~SharedBindings() = default;
    // From now on, on the event loop (one wakeup: one batch of the
    // service), each time the watch saw changes. Until destroyed.
    virtual void follow(std::function<void(const SharedChanges&)> on_changes) = 0;
};

}  // namespace xmip::agent
