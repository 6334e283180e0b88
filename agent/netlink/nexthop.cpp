// SPDX-License-Identifier: BSD-2-Clause
// The next hop as the kernel sees it (Netlink::resolve_nexthop), whether
// policy rules are present, and the events that change either.
#include <libmnl/libmnl.h>
#include <linux/fib_rules.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <net/if.h>  // before the linux headers: glibc and UAPI define IFF_* both
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "netlink/netlink.hpp"

namespace xmip::netlink {

namespace {

constexpr size_t kBuf = 32768;
// The kernel's NUD_VALID (include/net/neighbour.h, not in the UAPI): the
// states in which bpf_fib_lookup uses a neighbour's address.
constexpr uint16_t kNudValid = NUD_PERMANENT | NUD_NOARP | NUD_REACHABLE | NUD_PROBE | NUD_STALE | NUD_DELAY;

// Each attribute after a family header of hdr_len bytes (libmnl's
// mnl_attr_for_each, without its void* conversion C++ refuses).
template <typename F>
void for_each_attr(const nlmsghdr* m, size_t hdr_len, F f) {
    const auto* a = static_cast<const nlattr*>(mnl_nlmsg_get_payload_offset(m, hdr_len));
    const char* end = static_cast<const char*>(mnl_nlmsg_get_payload_tail(m));
    while (mnl_attr_ok(a, static_cast<int>(end - reinterpret_cast<const char*>(a)))) {
        f(a);
        a = mnl_attr_next(a);
    }
}

struct RouteReply {
    bool got = false;
    uint8_t type = 0;
    int oif = 0;
    std::optional<in6_addr> gateway;
    unsigned mtu = 0;
    bool multipath = false;
};

void parse_route(const nlmsghdr* m, RouteReply* r) {
    if (m->nlmsg_type != RTM_NEWROUTE) return;
    const auto* rt = static_cast<const rtmsg*>(mnl_nlmsg_get_payload(m));
    r->got = true;
    r->type = rt->rtm_type;
    mnl_attr_parse(
        m, sizeof(rtmsg),
        [](const nlattr* a, void* data) -> int {
            auto* out = static_cast<RouteReply*>(data);
            switch (mnl_attr_get_type(a)) {
                case RTA_OIF: out->oif = static_cast<int>(mnl_attr_get_u32(a)); break;
                case RTA_GATEWAY:
                    if (mnl_attr_get_payload_len(a) == sizeof(in6_addr)) {
                        in6_addr g;
                        std::memcpy(&g, mnl_attr_get_payload(a), sizeof g);
                        out->gateway = g;
                    }
                    break;
                case RTA_MULTIPATH: out->multipath = true; break;
                case RTA_METRICS:
                    mnl_attr_parse_nested(
                        a,
                        [](const nlattr* m2, void* d2) -> int {
                            if (mnl_attr_get_type(m2) == RTAX_MTU && mnl_attr_get_payload_len(m2) == sizeof(uint32_t))
                                static_cast<RouteReply*>(d2)->mtu = mnl_attr_get_u32(m2);
                            return MNL_CB_OK;
                        },
                        data);
                    break;
                default: break;
            }
            return MNL_CB_OK;
        },
        r);
}

}  // namespace

std::optional<Nexthop> Netlink::resolve_nexthop(const in6_addr& dst, std::string* why) {
    auto say = [why](const char* w) {
        if (why) *why = w;
        return std::nullopt;
    };
    // The route the packet takes (the kernel's own lookup, PMTU exception
    // included), then the route entry it matched (RTM_F_FIB_MATCH), which
    // alone shows whether it has several paths.
    RouteReply route, entry;
    for (const auto& [flags, target] : {std::pair<unsigned, RouteReply*>{0u, &route}, {RTM_F_FIB_MATCH, &entry}}) {
        RouteReply* out = target;  // a plain variable: clang 14 cannot capture a structured binding
        char buf[512];
        nlmsghdr* nlh = mnl_nlmsg_put_header(buf);
        nlh->nlmsg_type = RTM_GETROUTE;
        nlh->nlmsg_flags = NLM_F_REQUEST;
        auto* rt = static_cast<rtmsg*>(mnl_nlmsg_put_extra_header(nlh, sizeof(rtmsg)));
        rt->rtm_family = AF_INET6;
        rt->rtm_dst_len = 128;
        rt->rtm_flags = flags;
        mnl_attr_put(nlh, RTA_DST, sizeof dst, &dst);
        try {
            request(nlh, "get route", false,
                    [out](const void* m) { parse_route(static_cast<const nlmsghdr*>(m), out); });
        } catch (const NetlinkError&) {
            return say("no route");
        }
    }
    if (!route.got || route.type != RTN_UNICAST || !route.oif) return say("not a unicast route");
    if (entry.multipath) return say("multipath route");

    // The neighbour entry of the next hop, as bpf_fib_lookup takes it: any
    // state with a valid link-layer address (NUD_VALID).
    const in6_addr via = route.gateway.value_or(dst);
    bool valid = false;
    std::array<uint8_t, 6> lladdr{};
    {
        char buf[512];
        nlmsghdr* nlh = mnl_nlmsg_put_header(buf);
        nlh->nlmsg_type = RTM_GETNEIGH;
        nlh->nlmsg_flags = NLM_F_REQUEST;
        auto* nd = static_cast<ndmsg*>(mnl_nlmsg_put_extra_header(nlh, sizeof(ndmsg)));
        nd->ndm_family = AF_INET6;
        nd->ndm_ifindex = route.oif;
        mnl_attr_put(nlh, NDA_DST, sizeof via, &via);
        try {
            request(nlh, "get neighbour", false, [&](const void* p) {
                const auto* m = static_cast<const nlmsghdr*>(p);
                if (m->nlmsg_type != RTM_NEWNEIGH) return;
                const auto* n = static_cast<const ndmsg*>(mnl_nlmsg_get_payload(m));
                if (!(n->ndm_state & kNudValid)) return;
                for_each_attr(m, sizeof(ndmsg), [&](const nlattr* a) {
                    if (mnl_attr_get_type(a) == NDA_LLADDR && mnl_attr_get_payload_len(a) == 6) {
                        std::memcpy(lladdr.data(), mnl_attr_get_payload(a), 6);
                        valid = true;
                    }
                });
            });
        } catch (const NetlinkError&) {
            return say("no neighbour entry");
        }
    }
    if (!valid) return say("neighbour not resolved");

    const LinkInfo l = link(route.oif);
    if (!l.up) return say("egress link down");
    Nexthop nh;
    nh.ifindex = route.oif;
    nh.dmac = lladdr;
    nh.smac = l.mac;
    nh.mtu = route.mtu ? route.mtu : l.mtu;
    return nh;
}

bool Netlink::has_policy_rules() {
    char buf[512];
    nlmsghdr* nlh = mnl_nlmsg_put_header(buf);
    nlh->nlmsg_type = RTM_GETRULE;
    nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    auto* fr = static_cast<fib_rule_hdr*>(mnl_nlmsg_put_extra_header(nlh, sizeof(fib_rule_hdr)));
    fr->family = AF_INET6;
    bool other = false;
    request(nlh, "list rules", false, [&](const void* p) {
        const auto* m = static_cast<const nlmsghdr*>(p);
        if (m->nlmsg_type != RTM_NEWRULE) return;
        const auto* h = static_cast<const fib_rule_hdr*>(mnl_nlmsg_get_payload(m));
        if (h->family != AF_INET6) return;
        uint32_t prio = 0, table = h->table;
        size_t attrs = 0;
        for_each_attr(m, sizeof(fib_rule_hdr), [&](const nlattr* a) {
            switch (mnl_attr_get_type(a)) {
                case FRA_PRIORITY: prio = mnl_attr_get_u32(a); break;
                case FRA_TABLE: table = mnl_attr_get_u32(a); break;
                case FRA_PROTOCOL: break;     // who made it does not change what it does
                case FRA_SUPPRESS_PREFIXLEN:  // always sent; -1 is "not set"
                    if (mnl_attr_get_u32(a) != 0xffffffffu) attrs++;
                    break;
                default: attrs++;  // any selector (iif, mark, src, ...)
            }
        });
        const bool dflt = h->action == FR_ACT_TO_TBL && !h->dst_len && !h->src_len && !h->tos &&
                          !(h->flags & FIB_RULE_INVERT) && attrs == 0 &&
                          ((prio == 0 && table == RT_TABLE_LOCAL) || (prio == 32766 && table == RT_TABLE_MAIN));
        if (!dflt) other = true;
    });
    return other;
}

RouteEvents::RouteEvents() {
    nl_ = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (!nl_) throw NetlinkError("netlink route events socket", errno);
    if (mnl_socket_bind(nl_, 0, MNL_SOCKET_AUTOPID) < 0) {
        int e = errno;
        mnl_socket_close(nl_);
        throw NetlinkError("netlink route events bind", e);
    }
    for (int g : {RTNLGRP_LINK, RTNLGRP_NEIGH, RTNLGRP_IPV6_IFADDR, RTNLGRP_IPV6_ROUTE, RTNLGRP_IPV6_RULE}) {
        if (mnl_socket_setsockopt(nl_, NETLINK_ADD_MEMBERSHIP, &g, sizeof g) < 0) {
            int e = errno;
            mnl_socket_close(nl_);
            throw NetlinkError("netlink route events membership", e);
        }
    }
}

RouteEvents::~RouteEvents() { mnl_socket_close(nl_); }

int RouteEvents::fd() const { return mnl_socket_get_fd(nl_); }

RouteEvents::Seen RouteEvents::drain() {
    Seen seen;
    std::vector<char> buf(kBuf);
    for (;;) {
        ssize_t n = mnl_socket_recvfrom(nl_, buf.data(), buf.size());
        if (n < 0) {
            if (errno == ENOBUFS) {  // events lost: assume the worst
                seen.any = seen.new_link = true;
                continue;
            }
            return seen;  // EAGAIN: drained
        }
        mnl_cb_run(
            buf.data(), static_cast<size_t>(n), 0, 0,
            [](const nlmsghdr* m, void* data) -> int {
                auto* s = static_cast<Seen*>(data);
                if (m->nlmsg_type == RTM_NEWNEIGH || m->nlmsg_type == RTM_DELNEIGH) {
                    const auto* nd = static_cast<const ndmsg*>(mnl_nlmsg_get_payload(m));
                    if (nd->ndm_family != AF_INET6 || (nd->ndm_flags & NTF_PROXY)) return MNL_CB_OK;
                }
                if (m->nlmsg_type == RTM_NEWLINK) s->new_link = true;
                s->any = true;
                return MNL_CB_OK;
            },
            &seen);
    }
}

}  // namespace xmip::netlink
