// SPDX-License-Identifier: BSD-2-Clause
#include "xmipd/fleet_heartbeat.hpp"

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "core/log.hpp"

namespace xmip::agent {

namespace {

constexpr uint8_t kMagic[4] = {'X', 'M', 'H', 'B'};
constexpr uint8_t kVersion = 1;
constexpr size_t kMaxName = 63;  // as cluster.member allows

using Clock = std::chrono::steady_clock;

[[noreturn]] void fail(const std::string& what, const std::string& where) {
    throw std::runtime_error("fleet heartbeat on " + where + ": " + what + ": " + std::strerror(errno));
}

bool carrier_up(int fd, const std::string& ifname) {
    ifreq r{};
    std::strncpy(r.ifr_name, ifname.c_str(), sizeof r.ifr_name - 1);
    if (::ioctl(fd, SIOCGIFFLAGS, &r) < 0) return false;
    return (r.ifr_flags & IFF_UP) && (r.ifr_flags & IFF_RUNNING);
}

}  // namespace

std::vector<uint8_t> encode_heartbeat(const std::string& member) {
    std::vector<uint8_t> b(std::begin(kMagic), std::end(kMagic));
    b.push_back(kVersion);
    const size_t n = std::min(member.size(), kMaxName);
    b.push_back(static_cast<uint8_t>(n));
    b.insert(b.end(), member.begin(), member.begin() + static_cast<long>(n));
    return b;
}

std::optional<std::string> decode_heartbeat(std::span<const uint8_t> b) {
    if (b.size() < 6 || std::memcmp(b.data(), kMagic, sizeof kMagic) != 0 || b[4] != kVersion) return std::nullopt;
    const size_t n = b[5];
    if (n == 0 || n > kMaxName || b.size() != 6 + n) return std::nullopt;
    return std::string(b.begin() + 6, b.end());
}

HomeLinkHeartbeat::HomeLinkHeartbeat(int ifindex, std::string member, uint16_t port, std::chrono::milliseconds interval)
    : ifindex_(ifindex), member_(std::move(member)), port_(port), interval_(interval) {
    char name[IF_NAMESIZE] = {};
    if (!::if_indextoname(static_cast<unsigned>(ifindex), name)) fail("no such link", std::to_string(ifindex));
    ifname_ = name;
    const std::string where = ifname_ + " (UDP port " + std::to_string(port) + ")";
    fd_ = ::socket(AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd_ < 0) fail("socket", where);
    // What went wrong (errno kept), with the socket closed.
    auto bail = [&](const std::string& what) {
        const int e = errno;
        ::close(fd_);
        errno = e;
        fail(what, where);
    };
    auto opt = [&](int level, int o, const void* v, socklen_t len, const char* what) {
        if (::setsockopt(fd_, level, o, v, len) < 0) bail(what);
    };
    const int one = 1, zero = 0, hops = 255;
    opt(IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one, "IPV6_V6ONLY");
    opt(SOL_SOCKET, SO_REUSEADDR, &one, sizeof one, "SO_REUSEADDR");
    // The home link's datagrams only, whatever else listens on the port.
    opt(SOL_SOCKET, SO_BINDTODEVICE, ifname_.c_str(), static_cast<socklen_t>(ifname_.size()), "SO_BINDTODEVICE");
    opt(IPPROTO_IPV6, IPV6_MULTICAST_IF, &ifindex, sizeof ifindex, "IPV6_MULTICAST_IF");
    // 255 out, 255 required in (as Neighbour Discovery): no router forwarded it.
    opt(IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops, sizeof hops, "IPV6_MULTICAST_HOPS");
    opt(IPPROTO_IPV6, IPV6_MULTICAST_LOOP, &zero, sizeof zero, "IPV6_MULTICAST_LOOP");
    opt(IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &one, sizeof one, "IPV6_RECVHOPLIMIT");
    ipv6_mreq m{};
    ::inet_pton(AF_INET6, kHeartbeatGroup, &m.ipv6mr_multiaddr);
    m.ipv6mr_interface = static_cast<unsigned>(ifindex);
    opt(IPPROTO_IPV6, IPV6_ADD_MEMBERSHIP, &m, sizeof m, "joining ff02::114");
    sockaddr_in6 sa{};
    sa.sin6_family = AF_INET6;
    sa.sin6_port = htons(port);
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&sa), sizeof sa) < 0)
        bail("bind (set cluster.heartbeat_port to a free port, or cluster.failure_detection = 0)");
    stop_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (stop_fd_ < 0) bail("eventfd");
    thread_ = std::thread([this] { run(); });
}

HomeLinkHeartbeat::~HomeLinkHeartbeat() {
    const uint64_t one = 1;
    (void)!::write(stop_fd_, &one, sizeof one);
    if (thread_.joinable()) thread_.join();
    ::close(stop_fd_);
    ::close(fd_);
}

void HomeLinkHeartbeat::run() {
    auto next = Clock::now();
    for (;;) {
        const auto now = Clock::now();
        if (now >= next) {
            send_one();
            next = now + interval_;
        }
        pollfd p[2] = {{fd_, POLLIN, 0}, {stop_fd_, POLLIN, 0}};
        const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(next - Clock::now()).count();
        if (::poll(p, 2, static_cast<int>(std::max<long>(wait, 0) + 1)) < 0 && errno != EINTR) return;
        if (p[1].revents) return;
        if (p[0].revents & POLLIN) receive();
    }
}

void HomeLinkHeartbeat::send_one() {
    const auto b = encode_heartbeat(member_);
    sockaddr_in6 to{};
    to.sin6_family = AF_INET6;
    to.sin6_port = htons(port_);
    to.sin6_scope_id = static_cast<uint32_t>(ifindex_);
    ::inet_pton(AF_INET6, kHeartbeatGroup, &to.sin6_addr);
    const bool sent = ::sendto(fd_, b.data(), b.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to) ==
                      static_cast<ssize_t>(b.size());
    const bool up = sent && carrier_up(fd_, ifname_);
    std::lock_guard<std::mutex> l(mu_);
    if (sent)
        counters_.sent++;
    else
        counters_.send_errors++;
    if (up != link_ok_)
        XLOG_INFO("fleet: heartbeats on the home link %s", up ? "go out" : "cannot go out: no member is judged silent");
    link_ok_ = up;
}

void HomeLinkHeartbeat::receive() {
    for (;;) {
        uint8_t buf[128];
        alignas(cmsghdr) char ctl[CMSG_SPACE(sizeof(int))];
        sockaddr_in6 from{};
        iovec iov{buf, sizeof buf};
        msghdr h{};
        h.msg_name = &from;
        h.msg_namelen = sizeof from;
        h.msg_iov = &iov;
        h.msg_iovlen = 1;
        h.msg_control = ctl;
        h.msg_controllen = sizeof ctl;
        const ssize_t n = ::recvmsg(fd_, &h, MSG_DONTWAIT);
        if (n < 0) return;  // EAGAIN: drained
        int hops = -1;
        for (cmsghdr* c = CMSG_FIRSTHDR(&h); c; c = CMSG_NXTHDR(&h, c))
            if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_HOPLIMIT)
                std::memcpy(&hops, CMSG_DATA(c), sizeof hops);
        auto name = (h.msg_flags & MSG_TRUNC) || hops != 255
                        ? std::nullopt
                        : decode_heartbeat(std::span<const uint8_t>(buf, static_cast<size_t>(n)));
        std::lock_guard<std::mutex> l(mu_);
        if (!name) {
            counters_.dropped++;
            continue;
        }
        counters_.received++;
        if (*name != member_) heard_[*name] = Clock::now();
    }
}

std::vector<FleetLiveness::Peer> HomeLinkHeartbeat::peers() const {
    std::lock_guard<std::mutex> l(mu_);
    std::vector<Peer> out;
    if (!link_ok_) return out;
    const auto now = Clock::now();
    for (const auto& [m, t] : heard_)
        out.push_back({m, std::chrono::duration_cast<std::chrono::milliseconds>(now - t)});
    return out;
}

HomeLinkHeartbeat::Counters HomeLinkHeartbeat::counters() const {
    std::lock_guard<std::mutex> l(mu_);
    return counters_;
}

}  // namespace xmip::agent
