// SPDX-License-Identifier: BSD-2-Clause
#include "io/icmp_socket.hpp"

#include <arpa/inet.h>
#include <netinet/icmp6.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <net/if.h>
#include <stdexcept>
#include <string>

#include "core/log.hpp"

namespace xmip::io {

namespace {
void setopt(int fd, int level, int name, int value, const char* what) {
    if (setsockopt(fd, level, name, &value, sizeof(value)) != 0)
        throw std::runtime_error(std::string(what) + ": " + std::strerror(errno));
}
}  // namespace

IcmpSocket::IcmpSocket(int ifindex, std::initializer_list<uint8_t> types,
                       std::initializer_list<const char*> groups)
    : ifindex_(ifindex) {
    fd_ = socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, IPPROTO_ICMPV6);
    if (fd_ < 0) throw std::runtime_error(std::string("ICMPv6 socket: ") + std::strerror(errno));
    try {
        icmp6_filter filter;
        ICMP6_FILTER_SETBLOCKALL(&filter);
        for (uint8_t t : types) ICMP6_FILTER_SETPASS(t, &filter);
        if (setsockopt(fd_, IPPROTO_ICMPV6, ICMP6_FILTER, &filter, sizeof(filter)) != 0)
            throw std::runtime_error(std::string("ICMP6_FILTER: ") + std::strerror(errno));
        char name[IF_NAMESIZE] = {};
        if (!if_indextoname(static_cast<unsigned>(ifindex), name))
            throw std::runtime_error("no interface with index " + std::to_string(ifindex));
        if (setsockopt(fd_, SOL_SOCKET, SO_BINDTODEVICE, name, static_cast<socklen_t>(strlen(name))) != 0)
            throw std::runtime_error(std::string("SO_BINDTODEVICE: ") + std::strerror(errno));
        setopt(fd_, IPPROTO_IPV6, IPV6_RECVPKTINFO, 1, "IPV6_RECVPKTINFO");
        setopt(fd_, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, 1, "IPV6_RECVHOPLIMIT");
        setopt(fd_, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, 255, "IPV6_MULTICAST_HOPS");
        setopt(fd_, IPPROTO_IPV6, IPV6_UNICAST_HOPS, 255, "IPV6_UNICAST_HOPS");
        setopt(fd_, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, 0, "IPV6_MULTICAST_LOOP");
        setopt(fd_, IPPROTO_IPV6, IPV6_MULTICAST_IF, ifindex, "IPV6_MULTICAST_IF");
        for (const char* g : groups) {
            ipv6_mreq m{};
            inet_pton(AF_INET6, g, &m.ipv6mr_multiaddr);
            m.ipv6mr_interface = static_cast<unsigned>(ifindex);
            if (setsockopt(fd_, IPPROTO_IPV6, IPV6_ADD_MEMBERSHIP, &m, sizeof(m)) != 0 && errno != EADDRINUSE)
                throw std::runtime_error(std::string("joining ") + g + ": " + std::strerror(errno));
        }
    } catch (...) {
        close(fd_);
        throw;
    }
}

IcmpSocket::~IcmpSocket() { close(fd_); }

bool IcmpSocket::send(const in6_addr& dst, std::span<const uint8_t> message, const in6_addr* src) {
    sockaddr_in6 to{};
    to.sin6_family = AF_INET6;
    to.sin6_addr = dst;
    to.sin6_scope_id = static_cast<uint32_t>(ifindex_);
    iovec iov{const_cast<uint8_t*>(message.data()), message.size()};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(in6_pktinfo))] = {};
    msghdr msg{};
    msg.msg_name = &to;
    msg.msg_namelen = sizeof(to);
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    if (src) {
        msg.msg_control = control;
        msg.msg_controllen = sizeof(control);
        cmsghdr* c = CMSG_FIRSTHDR(&msg);
        c->cmsg_level = IPPROTO_IPV6;
        c->cmsg_type = IPV6_PKTINFO;
        c->cmsg_len = CMSG_LEN(sizeof(in6_pktinfo));
        in6_pktinfo pi{};
        pi.ipi6_addr = *src;
        pi.ipi6_ifindex = static_cast<unsigned>(ifindex_);
        std::memcpy(CMSG_DATA(c), &pi, sizeof(pi));
    }
    if (sendmsg(fd_, &msg, 0) != static_cast<ssize_t>(message.size())) {
        char b[INET6_ADDRSTRLEN];
        inet_ntop(AF_INET6, &dst, b, sizeof(b));
        XLOG_DEBUG("ICMPv6 send to %s failed: %s", b, std::strerror(errno));
        return false;
    }
    return true;
}

bool IcmpSocket::join_anycast(const in6_addr& a) {
    ipv6_mreq m{};
    m.ipv6mr_multiaddr = a;
    m.ipv6mr_interface = static_cast<unsigned>(ifindex_);
    if (setsockopt(fd_, IPPROTO_IPV6, IPV6_JOIN_ANYCAST, &m, sizeof(m)) == 0 || errno == EADDRINUSE) return true;
    char b[INET6_ADDRSTRLEN];
    inet_ntop(AF_INET6, &a, b, sizeof(b));
    XLOG_WARN("IPV6_JOIN_ANYCAST %s: %s", b, std::strerror(errno));
    return false;
}

void IcmpSocket::drain(const std::function<void(const IcmpReceived&)>& on_message) {
    uint8_t buf[2048];
    alignas(cmsghdr) char control[256];
    for (;;) {
        sockaddr_in6 from{};
        iovec iov{buf, sizeof(buf)};
        msghdr msg{};
        msg.msg_name = &from;
        msg.msg_namelen = sizeof(from);
        msg.msg_iov = &iov;
        msg.msg_iovlen = 1;
        msg.msg_control = control;
        msg.msg_controllen = sizeof(control);
        ssize_t n = recvmsg(fd_, &msg, 0);
        if (n < 0) return;  // EAGAIN: drained
        IcmpReceived r;
        r.src = from.sin6_addr;
        r.ifindex = static_cast<int>(from.sin6_scope_id);
        for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
            if (c->cmsg_level != IPPROTO_IPV6) continue;
            if (c->cmsg_type == IPV6_PKTINFO) {
                in6_pktinfo pi;
                std::memcpy(&pi, CMSG_DATA(c), sizeof(pi));
                r.dst = pi.ipi6_addr;
                r.ifindex = static_cast<int>(pi.ipi6_ifindex);
            } else if (c->cmsg_type == IPV6_HOPLIMIT) {
                std::memcpy(&r.hop_limit, CMSG_DATA(c), sizeof(int));
            }
        }
        r.message = {buf, static_cast<size_t>(n)};
        on_message(r);
    }
}

}  // namespace xmip::io
