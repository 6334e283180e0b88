// SPDX-License-Identifier: BSD-2-Clause
// rtnetlink through libmnl: the kernel state xmipd changes (proxy neighbour
// entries that defend home addresses, addresses, routes) and the events it
// follows (links going up and down, addresses appearing and going away).
#pragma once

#include <netinet/in.h>

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

struct mnl_socket;

namespace xmip::netlink {

struct NetlinkError : std::runtime_error {
    int err;
    NetlinkError(const std::string& what, int e);
};

struct AddrInfo {
    int ifindex = 0;
    in6_addr addr{};
    unsigned prefixlen = 0;
    unsigned scope = 0;  // RT_SCOPE_*
    uint32_t flags = 0;  // IFA_F_*
    uint32_t preferred_lft = 0, valid_lft = 0;
};

struct LinkInfo {
    int ifindex = 0;
    std::string name;
    bool up = false;       // IFF_UP
    bool running = false;  // IFF_RUNNING: carrier
    bool allmulti = false;  // IFF_ALLMULTI: every multicast frame taken
    unsigned mtu = 0;
    std::array<uint8_t, 6> mac{};
};

struct AddrOptions {
    bool nodad = false;
    bool optimistic = false;
    bool noprefixroute = false;
    std::optional<uint32_t> preferred_lft, valid_lft;  // seconds; default forever
};

struct RouteSpec {
    in6_addr dst{};
    unsigned dst_len = 0;
    std::optional<in6_addr> gateway;
    int ifindex = 0;
    std::optional<in6_addr> prefsrc;
    std::optional<unsigned> mtu;
    unsigned metric = 0;
    std::optional<uint8_t> protocol;  // RTPROT_*; unset: RTPROT_STATIC (ours)
};

// Where the kernel sends a packet to a destination: what bpf_fib_lookup
// would answer for it (agent/netlink/nexthop.cpp).
struct Nexthop {
    int ifindex = 0;
    std::array<uint8_t, 6> dmac{};  // the neighbour's (gateway, or the destination on-link)
    std::array<uint8_t, 6> smac{};  // the egress link's
    unsigned mtu = 0;               // the route's MTU (a PMTU exception's, a route metric, or the link's)
};

// Requests: one socket, synchronous, every request acknowledged.
class Netlink {
public:
    Netlink();
    ~Netlink();
    Netlink(const Netlink&) = delete;
    Netlink& operator=(const Netlink&) = delete;

    void add_proxy_neigh(int ifindex, const in6_addr& addr);
    void del_proxy_neigh(int ifindex, const in6_addr& addr);  // missing: fine
    // The IPv6 proxy entries on ifindex (0: every link), one dump: what a
    // restart finds in place need not be replaced one request at a time.
    std::vector<in6_addr> proxy_neighs(int ifindex);
    void add_addr(int ifindex, const in6_addr& addr, unsigned plen, const AddrOptions& o = {});
    void del_addr(int ifindex, const in6_addr& addr, unsigned plen);  // missing: fine
    void replace_route(const RouteSpec& r);
    void del_route(const RouteSpec& r);  // missing: fine
    // The default routes the kernel learned from Router Advertisements
    // (RTPROT_RA) through ifindex, as specs del_route takes.
    std::vector<RouteSpec> ra_default_routes(int ifindex);
    std::vector<AddrInfo> addresses(int ifindex = 0);
    LinkInfo link(int ifindex);
    // IFF_ALLMULTI on or off (ip link set dev X allmulticast on|off).
    void set_allmulticast(int ifindex, bool on);
    // The kernel's route to dst (RTM_GETROUTE) and the next hop's neighbour
    // entry (RTM_GETNEIGH). Nothing when the route is not one plain unicast
    // path (none, blackhole, unreachable, multipath) or the neighbour has no
    // valid link-layer address yet: those are left to the kernel's lookup.
    // why, when given, says which.
    std::optional<Nexthop> resolve_nexthop(const in6_addr& dst, std::string* why = nullptr);
    // IPv6 policy rules other than the kernel's two defaults (0: local,
    // 32766: main), which make a route depend on more than the destination.
    bool has_policy_rules();

private:
    void request(void* nlh, const char* what, bool missing_ok = false,
                 const std::function<void(const void*)>& on_reply = {});
    mnl_socket* nl_;
    uint32_t seq_ = 1;
    uint32_t portid_ = 0;
};

// Events: a socket subscribed to link and IPv6 address changes.
class Monitor {
public:
    struct Event {
        enum class Kind { LinkChanged, AddrAdded, AddrRemoved } kind;
        LinkInfo link;  // LinkChanged
        AddrInfo addr;  // Addr*
    };
    Monitor();
    ~Monitor();
    Monitor(const Monitor&) = delete;
    Monitor& operator=(const Monitor&) = delete;
    int fd() const;
    // Reads what is queued (non-blocking) and reports each event.
    void drain(const std::function<void(const Event&)>& on_event);

private:
    mnl_socket* nl_;
};

// Events that can change a next hop: IPv6 routes and rules, IPv6
// neighbours (proxy entries excepted: they are xmipd's own, one per home
// address), links, IPv6 addresses. A separate socket from Monitor's, so
// that its consumers see only what they asked for.
class RouteEvents {
public:
    struct Seen {
        bool any = false;       // something changed (or events were lost)
        bool new_link = false;  // an RTM_NEWLINK: a link appeared or changed
    };
    RouteEvents();
    ~RouteEvents();
    RouteEvents(const RouteEvents&) = delete;
    RouteEvents& operator=(const RouteEvents&) = delete;
    int fd() const;
    Seen drain();  // non-blocking: reads what is queued

private:
    mnl_socket* nl_;
};

}  // namespace xmip::netlink
