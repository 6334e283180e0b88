// SPDX-License-Identifier: BSD-2-Clause
// Raw sockets against the kernel, in the sandbox: what one side sends the
// other receives, with the hop limit and destination ND checks need.
#include <gtest/gtest.h>
#include <net/if.h>
#include <netinet/icmp6.h>

#include <chrono>
#include <thread>
#include <vector>

#include "io/icmp_socket.hpp"
#include "core/in6.hpp"
#include "io/raw_sender.hpp"
#include "sandbox.hpp"

using namespace xmip;

namespace {

void pair_up() {
    if (!if_nametoindex("io0"))
        test::run("ip link add io0 type veth peer name io1 && "
                  "sysctl -qw net.ipv6.conf.io0.accept_dad=0 net.ipv6.conf.io1.accept_dad=0 && "
                  "ip link set io0 up && ip link set io1 up && sleep 0.2");
}

std::vector<io::IcmpReceived> receive(io::IcmpSocket& s, std::vector<std::vector<uint8_t>>& keep) {
    std::vector<io::IcmpReceived> got;
    for (int i = 0; i < 50 && got.empty(); i++) {
        s.drain([&](const io::IcmpReceived& r) {
            keep.emplace_back(r.message.begin(), r.message.end());
            got.push_back(r);
            got.back().message = keep.back();
        });
        if (got.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return got;
}

TEST(IcmpSocket, MulticastWithHopLimit255AndFilter) {
    XMIP_REQUIRE_SANDBOX();
    pair_up();
    int i0 = static_cast<int>(if_nametoindex("io0")), i1 = static_cast<int>(if_nametoindex("io1"));
    io::IcmpSocket tx(i0, {});
    io::IcmpSocket rx(i1, {ND_ROUTER_ADVERT});
    // A router advertisement body: type 134, code 0, checksum (kernel), fields.
    std::vector<uint8_t> ra = {134, 0, 0, 0, 64, 0x20, 0, 30, 0, 0, 0, 0, 0, 0, 0, 0};
    std::vector<uint8_t> echo = {128, 0, 0, 0, 0, 1, 0, 1};
    ASSERT_TRUE(tx.send(*core::parse_addr("ff02::1"), echo));  // filtered out at rx
    ASSERT_TRUE(tx.send(*core::parse_addr("ff02::1"), ra));
    std::vector<std::vector<uint8_t>> keep;
    auto got = receive(rx, keep);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].hop_limit, 255);
    EXPECT_EQ(core::to_string(got[0].dst), "ff02::1");
    EXPECT_EQ(got[0].ifindex, i1);
    EXPECT_EQ(got[0].message[0], 134);
    EXPECT_EQ(got[0].message[5], 0x20) << "the H flag arrives as sent";
    EXPECT_EQ(got[0].src.s6_addr[0], 0xfe) << "link-local source for a link-scope destination";
}

TEST(RawSender, SendsHandBuiltPacketsWithUnspecifiedSource) {
    XMIP_REQUIRE_SANDBOX();
    pair_up();
    int i0 = static_cast<int>(if_nametoindex("io0")), i1 = static_cast<int>(if_nametoindex("io1"));
    io::IcmpSocket rx(i1, {ND_NEIGHBOR_SOLICIT}, {"ff02::1:ff00:4"});
    io::RawSender tx;
    // A DAD probe for 2001:db8:2700::4: from ::, to its solicited-node group.
    std::vector<uint8_t> pkt(40 + 24, 0);
    pkt[0] = 0x60;
    pkt[5] = 24;
    pkt[6] = IPPROTO_ICMPV6;
    pkt[7] = 255;
    auto dst = *core::parse_addr("ff02::1:ff00:4");
    std::memcpy(&pkt[24], &dst, 16);
    auto target = *core::parse_addr("2001:db8:2700::4");
    pkt[40] = ND_NEIGHBOR_SOLICIT;
    std::memcpy(&pkt[48], &target, 16);
    // Checksum over the pseudo-header (src :: contributes nothing).
    uint32_t sum = 0;
    for (int i = 24; i < 40; i += 2) sum += (pkt[i] << 8) | pkt[i + 1];
    sum += 24 + IPPROTO_ICMPV6;
    for (int i = 40; i < 64; i += 2) sum += (pkt[i] << 8) | pkt[i + 1];
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    pkt[42] = static_cast<uint8_t>(~sum >> 8);
    pkt[43] = static_cast<uint8_t>(~sum);
    ASSERT_TRUE(tx.send(pkt, i0));
    std::vector<std::vector<uint8_t>> keep;
    auto got = receive(rx, keep);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(core::to_string(got[0].src), "::");
    EXPECT_EQ(got[0].hop_limit, 255);
    EXPECT_TRUE(core::same_addr(*reinterpret_cast<const in6_addr*>(&got[0].message[8]), target));
}

}  // namespace
