// SPDX-License-Identifier: BSD-2-Clause
#include "netlink/netlink.hpp"

#include <libmnl/libmnl.h>
#include <net/if.h>  // before the linux headers: glibc and UAPI define IFF_* both
#include <linux/if_addr.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace xmip::netlink {

namespace {

constexpr size_t kBuf = 32768;  // MNL_SOCKET_BUFFER_SIZE is a macro of sysconf

std::string errstr(int e) { return std::strerror(e < 0 ? -e : e); }

AddrInfo parse_addr(const nlmsghdr* nlh) {
    AddrInfo a;
    auto* ifa = static_cast<const ifaddrmsg*>(mnl_nlmsg_get_payload(nlh));
    a.ifindex = static_cast<int>(ifa->ifa_index);
    a.prefixlen = ifa->ifa_prefixlen;
    a.scope = ifa->ifa_scope;
    a.flags = ifa->ifa_flags;
    mnl_attr_parse(nlh, sizeof(*ifa), [](const nlattr* attr, void* data) -> int {
        auto* out = static_cast<AddrInfo*>(data);
        switch (mnl_attr_get_type(attr)) {
            case IFA_ADDRESS:
                if (mnl_attr_get_payload_len(attr) == sizeof(in6_addr))
                    std::memcpy(&out->addr, mnl_attr_get_payload(attr), sizeof(in6_addr));
                break;
            case IFA_FLAGS:
                if (mnl_attr_get_payload_len(attr) == 4) out->flags = mnl_attr_get_u32(attr);
                break;
            case IFA_CACHEINFO:
                if (mnl_attr_get_payload_len(attr) >= sizeof(ifa_cacheinfo)) {
                    auto* ci = static_cast<const ifa_cacheinfo*>(mnl_attr_get_payload(attr));
                    out->preferred_lft = ci->ifa_prefered;
                    out->valid_lft = ci->ifa_valid;
                }
                break;
        }
        return MNL_CB_OK;
    }, &a);
    return a;
}

LinkInfo parse_link(const nlmsghdr* nlh) {
    LinkInfo l;
    auto* ifi = static_cast<const ifinfomsg*>(mnl_nlmsg_get_payload(nlh));
    l.ifindex = ifi->ifi_index;
    l.up = ifi->ifi_flags & IFF_UP;
    l.running = ifi->ifi_flags & IFF_RUNNING;
    l.allmulti = ifi->ifi_flags & IFF_ALLMULTI;
    mnl_attr_parse(nlh, sizeof(*ifi), [](const nlattr* attr, void* data) -> int {
        auto* out = static_cast<LinkInfo*>(data);
        switch (mnl_attr_get_type(attr)) {
            case IFLA_IFNAME: out->name = mnl_attr_get_str(attr); break;
            case IFLA_MTU: out->mtu = mnl_attr_get_u32(attr); break;
            case IFLA_ADDRESS:
                if (mnl_attr_get_payload_len(attr) == 6)
                    std::memcpy(out->mac.data(), mnl_attr_get_payload(attr), 6);
                break;
        }
        return MNL_CB_OK;
    }, &l);
    return l;
}

}  // namespace

NetlinkError::NetlinkError(const std::string& what, int e)
    : std::runtime_error(what + ": " + errstr(e)), err(e < 0 ? -e : e) {}

Netlink::Netlink() {
    nl_ = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
    if (!nl_) throw NetlinkError("netlink socket", errno);
    if (mnl_socket_bind(nl_, 0, MNL_SOCKET_AUTOPID) < 0) {
        int e = errno;
        mnl_socket_close(nl_);
        throw NetlinkError("netlink bind", e);
    }
    portid_ = mnl_socket_get_portid(nl_);
}

Netlink::~Netlink() { mnl_socket_close(nl_); }

void Netlink::request(void* p, const char* what, bool missing_ok,
                      const std::function<void(const void*)>& on_reply) {
    auto* nlh = static_cast<nlmsghdr*>(p);
    nlh->nlmsg_seq = seq_++;
    nlh->nlmsg_flags |= NLM_F_ACK;
    if (mnl_socket_sendto(nl_, nlh, nlh->nlmsg_len) < 0) throw NetlinkError(what, errno);
    std::vector<char> buf(kBuf);
    struct Ctx {
        const std::function<void(const void*)>* cb;
    } ctx{&on_reply};
    for (;;) {
        ssize_t n = mnl_socket_recvfrom(nl_, buf.data(), buf.size());
        if (n < 0) throw NetlinkError(what, errno);
        int r = mnl_cb_run(buf.data(), static_cast<size_t>(n), nlh->nlmsg_seq, portid_,
                           [](const nlmsghdr* m, void* data) -> int {
                               auto* c = static_cast<Ctx*>(data);
                               if (*c->cb) (*c->cb)(m);
                               return MNL_CB_OK;
                           },
                           &ctx);
        if (r == MNL_CB_STOP) return;  // done: the ACK (or a dump's end) arrived
        if (r < 0) {
            int e = errno;
            if (missing_ok && (e == ENOENT || e == ESRCH || e == EADDRNOTAVAIL)) return;
            throw NetlinkError(what, e);
        }
        // MNL_CB_OK: replies came without the ACK yet (a GET answers with the
        // object, then the ACK). Read on: an ACK left in the socket would be
        // taken for the next request's answer.
    }
}

namespace {

// Every rtnetlink request starts the same way: the netlink header, then the
// message family's own header (zeroed by libmnl) for the caller to fill.
template <typename T>
struct Request {
    nlmsghdr* nlh;
    T* hdr;
};

template <typename T>
Request<T> start_request(char* buf, uint16_t type, uint16_t flags) {
    nlmsghdr* nlh = mnl_nlmsg_put_header(buf);
    nlh->nlmsg_type = type;
    nlh->nlmsg_flags = NLM_F_REQUEST | flags;
    return {nlh, static_cast<T*>(mnl_nlmsg_put_extra_header(nlh, sizeof(T)))};
}

nlmsghdr* neigh_msg(char* buf, uint16_t type, uint16_t flags, int ifindex, const in6_addr& addr) {
    auto [nlh, nd] = start_request<ndmsg>(buf, type, flags);
    nd->ndm_family = AF_INET6;
    nd->ndm_ifindex = ifindex;
    nd->ndm_flags = NTF_PROXY;
    nd->ndm_state = NUD_PERMANENT;
    mnl_attr_put(nlh, NDA_DST, sizeof(addr), &addr);
    return nlh;
}

nlmsghdr* addr_msg(char* buf, uint16_t type, uint16_t flags, int ifindex, const in6_addr& addr,
                   unsigned plen) {
    auto [nlh, ifa] = start_request<ifaddrmsg>(buf, type, flags);
    ifa->ifa_family = AF_INET6;
    ifa->ifa_prefixlen = static_cast<uint8_t>(plen);
    ifa->ifa_index = static_cast<uint32_t>(ifindex);
    mnl_attr_put(nlh, IFA_LOCAL, sizeof(addr), &addr);
    mnl_attr_put(nlh, IFA_ADDRESS, sizeof(addr), &addr);
    return nlh;
}

nlmsghdr* route_msg(char* buf, uint16_t type, uint16_t flags, const RouteSpec& r) {
    auto [nlh, rt] = start_request<rtmsg>(buf, type, flags);
    rt->rtm_family = AF_INET6;
    rt->rtm_dst_len = static_cast<uint8_t>(r.dst_len);
    rt->rtm_table = RT_TABLE_MAIN;
    rt->rtm_protocol = r.protocol.value_or(RTPROT_STATIC);
    rt->rtm_scope = RT_SCOPE_UNIVERSE;
    rt->rtm_type = RTN_UNICAST;
    mnl_attr_put(nlh, RTA_DST, sizeof(r.dst), &r.dst);
    if (r.gateway) mnl_attr_put(nlh, RTA_GATEWAY, sizeof(*r.gateway), &*r.gateway);
    if (r.ifindex) mnl_attr_put_u32(nlh, RTA_OIF, static_cast<uint32_t>(r.ifindex));
    if (r.prefsrc) mnl_attr_put(nlh, RTA_PREFSRC, sizeof(*r.prefsrc), &*r.prefsrc);
    mnl_attr_put_u32(nlh, RTA_PRIORITY, r.metric);
    if (r.mtu) {
        nlattr* nest = mnl_attr_nest_start(nlh, RTA_METRICS);
        mnl_attr_put_u32(nlh, RTAX_MTU, *r.mtu);
        mnl_attr_nest_end(nlh, nest);
    }
    return nlh;
}

}  // namespace

void Netlink::add_proxy_neigh(int ifindex, const in6_addr& addr) {
    char buf[512];
    request(neigh_msg(buf, RTM_NEWNEIGH, NLM_F_CREATE | NLM_F_REPLACE, ifindex, addr),
            "add proxy neighbour");
}

void Netlink::del_proxy_neigh(int ifindex, const in6_addr& addr) {
    char buf[512];
    request(neigh_msg(buf, RTM_DELNEIGH, 0, ifindex, addr), "delete proxy neighbour", true);
}

std::vector<in6_addr> Netlink::proxy_neighs(int ifindex) {
    char buf[512];
    auto [nlh, nd] = start_request<ndmsg>(buf, RTM_GETNEIGH, NLM_F_DUMP);
    nd->ndm_family = AF_INET6;
    nd->ndm_flags = NTF_PROXY;  // the proxy table (pneigh), not the neighbour cache
    std::vector<in6_addr> out;
    request(nlh, "list proxy neighbours", false, [&](const void* m) {
        const auto* h = static_cast<const nlmsghdr*>(m);
        if (h->nlmsg_type != RTM_NEWNEIGH) return;
        const auto* n = static_cast<const ndmsg*>(mnl_nlmsg_get_payload(h));
        if (n->ndm_family != AF_INET6 || !(n->ndm_flags & NTF_PROXY) || (ifindex && n->ndm_ifindex != ifindex)) return;
        const nlattr* dst = nullptr;
        const auto* first = static_cast<const nlattr*>(mnl_nlmsg_get_payload_offset(h, sizeof(ndmsg)));
        const auto* tail = static_cast<const char*>(mnl_nlmsg_get_payload_tail(h));
        for (const nlattr* a = first; mnl_attr_ok(a, static_cast<int>(tail - reinterpret_cast<const char*>(a)));
             a = mnl_attr_next(a))
            if (mnl_attr_get_type(a) == NDA_DST && mnl_attr_get_payload_len(a) == sizeof(in6_addr)) dst = a;
        if (!dst) return;
        in6_addr addr;
        std::memcpy(&addr, mnl_attr_get_payload(dst), sizeof addr);
        out.push_back(addr);
    });
    return out;
}

void Netlink::add_addr(int ifindex, const in6_addr& addr, unsigned plen, const AddrOptions& o) {
    char buf[512];
    nlmsghdr* nlh = addr_msg(buf, RTM_NEWADDR, NLM_F_CREATE | NLM_F_REPLACE, ifindex, addr, plen);
    uint32_t flags = (o.nodad ? IFA_F_NODAD : 0) | (o.optimistic ? IFA_F_OPTIMISTIC : 0) |
                     (o.noprefixroute ? IFA_F_NOPREFIXROUTE : 0);
    mnl_attr_put_u32(nlh, IFA_FLAGS, flags);
    if (o.preferred_lft || o.valid_lft) {
        ifa_cacheinfo ci{};
        ci.ifa_prefered = o.preferred_lft.value_or(0xffffffffu);
        ci.ifa_valid = o.valid_lft.value_or(0xffffffffu);
        mnl_attr_put(nlh, IFA_CACHEINFO, sizeof(ci), &ci);
    }
    request(nlh, "add address");
}

void Netlink::del_addr(int ifindex, const in6_addr& addr, unsigned plen) {
    char buf[512];
    request(addr_msg(buf, RTM_DELADDR, 0, ifindex, addr, plen), "delete address", true);
}

void Netlink::replace_route(const RouteSpec& r) {
    char buf[1024];
    request(route_msg(buf, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_REPLACE, r), "add route");
}

void Netlink::del_route(const RouteSpec& r) {
    char buf[1024];
    request(route_msg(buf, RTM_DELROUTE, 0, r), "delete route", true);
}

std::vector<RouteSpec> Netlink::ra_default_routes(int ifindex) {
    char buf[512];
    auto [nlh, rq] = start_request<rtmsg>(buf, RTM_GETROUTE, NLM_F_DUMP);
    rq->rtm_family = AF_INET6;
    std::vector<RouteSpec> out;
    request(nlh, "list routes", false, [&](const void* m) {
        const auto* h = static_cast<const nlmsghdr*>(m);
        if (h->nlmsg_type != RTM_NEWROUTE) return;
        const auto* rt = static_cast<const rtmsg*>(mnl_nlmsg_get_payload(h));
        if (rt->rtm_family != AF_INET6 || rt->rtm_dst_len != 0 || rt->rtm_protocol != RTPROT_RA ||
            rt->rtm_table != RT_TABLE_MAIN)
            return;
        RouteSpec r;
        r.protocol = RTPROT_RA;
        mnl_attr_parse(
            h, sizeof(rtmsg),
            [](const nlattr* attr, void* data) -> int {
                auto* spec = static_cast<RouteSpec*>(data);
                switch (mnl_attr_get_type(attr)) {
                    case RTA_GATEWAY:
                        if (mnl_attr_get_payload_len(attr) == sizeof(in6_addr)) {
                            in6_addr g;
                            std::memcpy(&g, mnl_attr_get_payload(attr), sizeof g);
                            spec->gateway = g;
                        }
                        break;
                    case RTA_OIF: spec->ifindex = static_cast<int>(mnl_attr_get_u32(attr)); break;
                    case RTA_PRIORITY: spec->metric = mnl_attr_get_u32(attr); break;
                    default: break;
                }
                return MNL_CB_OK;
            },
            &r);
        if (r.gateway && r.ifindex == ifindex) out.push_back(r);
    });
    return out;
}

std::vector<AddrInfo> Netlink::addresses(int ifindex) {
    char buf[512];
    auto [nlh, ifa] = start_request<ifaddrmsg>(buf, RTM_GETADDR, NLM_F_DUMP);
    ifa->ifa_family = AF_INET6;
    std::vector<AddrInfo> out;
    request(nlh, "list addresses", false, [&](const void* m) {
        auto a = parse_addr(static_cast<const nlmsghdr*>(m));
        if (!ifindex || a.ifindex == ifindex) out.push_back(a);
    });
    return out;
}

LinkInfo Netlink::link(int ifindex) {
    char buf[512];
    auto [nlh, ifi] = start_request<ifinfomsg>(buf, RTM_GETLINK, 0);
    ifi->ifi_family = AF_UNSPEC;
    ifi->ifi_index = ifindex;
    LinkInfo l;
    request(nlh, "get link", false,
            [&](const void* m) { l = parse_link(static_cast<const nlmsghdr*>(m)); });
    return l;
}

void Netlink::set_allmulticast(int ifindex, bool on) {
    char buf[512];
    auto [nlh, ifi] = start_request<ifinfomsg>(buf, RTM_NEWLINK, 0);
    ifi->ifi_family = AF_UNSPEC;
    ifi->ifi_index = ifindex;
    ifi->ifi_change = IFF_ALLMULTI;  // only this flag changes
    ifi->ifi_flags = on ? IFF_ALLMULTI : 0;
    request(nlh, on ? "set allmulticast on" : "set allmulticast off");
}

Monitor::Monitor() {
    nl_ = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (!nl_) throw NetlinkError("netlink monitor socket", errno);
    if (mnl_socket_bind(nl_, RTMGRP_LINK | RTMGRP_IPV6_IFADDR, MNL_SOCKET_AUTOPID) < 0) {
        int e = errno;
        mnl_socket_close(nl_);
        throw NetlinkError("netlink monitor bind", e);
    }
}

Monitor::~Monitor() { mnl_socket_close(nl_); }

int Monitor::fd() const { return mnl_socket_get_fd(nl_); }

void Monitor::drain(const std::function<void(const Event&)>& on_event) {
    std::vector<char> buf(kBuf);
    for (;;) {
        ssize_t n = mnl_socket_recvfrom(nl_, buf.data(), buf.size());
        if (n < 0) {
            // ENOBUFS: we lost events; the caller's next full resync covers it.
            return;
        }
        auto* cb = &on_event;
        mnl_cb_run(
            buf.data(), static_cast<size_t>(n), 0, 0,
            [](const nlmsghdr* m, void* data) -> int {
                auto& handler = *static_cast<const std::function<void(const Event&)>*>(data);
                Event ev{};
                switch (m->nlmsg_type) {
                    case RTM_NEWLINK:
                        ev.kind = Event::Kind::LinkChanged;
                        ev.link = parse_link(m);
                        break;
                    case RTM_NEWADDR:
                    case RTM_DELADDR: {
                        auto* ifa = static_cast<const ifaddrmsg*>(mnl_nlmsg_get_payload(m));
                        if (ifa->ifa_family != AF_INET6) return MNL_CB_OK;
                        ev.kind = m->nlmsg_type == RTM_NEWADDR ? Event::Kind::AddrAdded : Event::Kind::AddrRemoved;
                        ev.addr = parse_addr(m);
                        break;
                    }
                    default: return MNL_CB_OK;
                }
                handler(ev);
                return MNL_CB_OK;
            },
            const_cast<std::function<void(const Event&)>*>(cb));
    }
}

}  // namespace xmip::netlink
