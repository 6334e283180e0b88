// SPDX-License-Identifier: BSD-2-Clause
// A raw ICMPv6 socket on one interface for Neighbour Discovery: receives the
// chosen message types with the hop limit and destination (RFC 4861 checks
// need both), sends with hop limit 255.
#pragma once

#include <netinet/in.h>

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <span>

namespace xmip::io {

struct IcmpReceived {
    in6_addr src{}, dst{};
    int ifindex = 0;
    int hop_limit = -1;
    std::span<const uint8_t> message;  // from the ICMPv6 type byte
};

class IcmpSocket {
public:
    // Receives only `types`, only on ifindex; joins the given multicast groups.
    IcmpSocket(int ifindex, std::initializer_list<uint8_t> types,
               std::initializer_list<const char*> groups = {});
    ~IcmpSocket();
    IcmpSocket(const IcmpSocket&) = delete;
    IcmpSocket& operator=(const IcmpSocket&) = delete;

    int fd() const { return fd_; }
    // Sends an ICMPv6 message (checksum filled by the kernel) from src
    // (unset: the kernel chooses, link-local for link-scope destinations).
    bool send(const in6_addr& dst, std::span<const uint8_t> message, const in6_addr* src = nullptr);
    // Reads everything queued, calling on_message for each.
    void drain(const std::function<void(const IcmpReceived&)>& on_message);
    // IPV6_JOIN_ANYCAST on the socket's interface: the kernel delivers
    // packets to `a` locally while the socket lives (the interface must
    // forward). Logs and returns false when refused.
    bool join_anycast(const in6_addr& a);

private:
    int fd_ = -1;
    int ifindex_;
};

}  // namespace xmip::io
