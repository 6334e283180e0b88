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

// Requests: one socket, synchronous, every request acknowledged.
class Netlink {
public:
    Netlink();
    ~Netlink();
    Netlink(const Netlink&) = delete;
    Netlink& operator=(const Netlink&) = delete;

    void add_proxy_neigh(int ifindex, const in6_addr& addr);
    void del_proxy_neigh(int ifindex, const in6_addr& addr);  // missing: fine
    void add_addr(int ifindex, const in6_addr& addr, unsigned plen, const AddrOptions& o = {});
    void del_addr(int ifindex, const in6_addr& addr, unsigned plen);  // missing: fine
    void replace_route(const RouteSpec& r);
    void del_route(const RouteSpec& r);  // missing: fine
    // The default routes the kernel learned from Router Advertisements
    // (RTPROT_RA) through ifindex, as specs del_route takes.
    std::vector<RouteSpec> ra_default_routes(int ifindex);
    std::vector<AddrInfo> addresses(int ifindex = 0);
    LinkInfo link(int ifindex);

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

}  // namespace xmip::netlink
