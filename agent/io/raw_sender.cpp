// SPDX-License-Identifier: BSD-2-Clause
#include "io/raw_sender.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

#include "core/in6.hpp"
#include "core/log.hpp"

namespace xmip::io {

RawSender::RawSender() {
    fd_ = socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
    if (fd_ < 0) throw std::runtime_error(std::string("raw IPv6 socket: ") + std::strerror(errno));
}

RawSender::~RawSender() { close(fd_); }

bool RawSender::send(std::span<const uint8_t> packet, int ifindex) {
    if (packet.size() < 40) return false;
    sockaddr_in6 to{};
    to.sin6_family = AF_INET6;
    // The final destination: the IPv6 header's (the kernel routes on it).
    std::memcpy(&to.sin6_addr, packet.data() + 24, sizeof(in6_addr));
    to.sin6_scope_id = static_cast<uint32_t>(ifindex);
    ssize_t n = sendto(fd_, packet.data(), packet.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof(to));
    if (n != static_cast<ssize_t>(packet.size())) {
        XLOG_WARN("send to %s failed: %s", core::to_string(to.sin6_addr).c_str(), std::strerror(errno));
        return false;
    }
    return true;
}

}  // namespace xmip::io
