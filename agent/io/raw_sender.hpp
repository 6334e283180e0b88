// SPDX-License-Identifier: BSD-2-Clause
// Sends whole IPv6 packets, headers included, as built by the agent: the
// only way on this kernel to send a type 2 routing header (IPV6_RTHDR with
// type 2 is refused without CONFIG_IPV6_MIP6) and an unspecified source (DAD).
// The kernel routes by the destination and sends the bytes as they are.
#pragma once

#include <netinet/in.h>

#include <cstdint>
#include <span>

namespace xmip::io {

class RawSender {
public:
    RawSender();  // throws std::runtime_error (needs CAP_NET_RAW)
    ~RawSender();
    RawSender(const RawSender&) = delete;
    RawSender& operator=(const RawSender&) = delete;

    // packet starts at the IPv6 header; ifindex scopes link-local and
    // multicast destinations. Returns false (and logs) on failure: a lost
    // signalling packet is retransmitted by the protocol, not fatal.
    bool send(std::span<const uint8_t> packet, int ifindex = 0);

private:
    int fd_ = -1;
};

}  // namespace xmip::io
