// SPDX-License-Identifier: BSD-2-Clause
// parse_home_address_packet(): the envelope of a data packet with a Home
// Address option, as the correspondent's datapath reports one it has no
// binding for (the agent answers with Binding Error status 1). Exact bytes
// of the layout bpf/ro_hao.bpf.h inserts; every truncation and a malformed
// option give nullopt, never a crash.
#include <gtest/gtest.h>

#include "core/in6.hpp"
#include "test_util.hpp"

namespace xmip::mh {
namespace {

using test::addr;

const in6_addr kCoa = addr("2001:db8:3::100");
const in6_addr kCn = addr("2001:db8:1::10");
const in6_addr kHoa = addr("2001:db8:2700::6");

void put(Bytes& b, const in6_addr& a) { b.insert(b.end(), a.s6_addr, a.s6_addr + 16); }

// IPv6 (next header 60) + destination options (PadN 2, HAO at 8n+6) + an
// 8-byte UDP header and 4 bytes of payload.
Bytes udp_with_hao(uint8_t opt_type = 201, uint8_t opt_len = 16) {
    Bytes p = {0x60, 0, 0, 0, 0, 36, 60, 64};
    put(p, kCoa);
    put(p, kCn);
    Bytes opts = {17, 2, 1, 2, 0, 0, opt_type, opt_len};
    p.insert(p.end(), opts.begin(), opts.end());
    put(p, kHoa);
    Bytes udp = {0x9c, 0x42, 0x1e, 0x61, 0, 12, 0, 0, 'a', 'b', 'c', 'd'};
    p.insert(p.end(), udp.begin(), udp.end());
    return p;
}

TEST(HomeAddressPacket, ReadsSourceDestinationAndHomeAddress) {
    const Bytes p = udp_with_hao();
    ASSERT_EQ(p.size(), 40u + 24 + 12);
    auto info = parse_home_address_packet(p);
    ASSERT_TRUE(info);
    EXPECT_EQ(core::to_string(info->src), "2001:db8:3::100");
    EXPECT_EQ(core::to_string(info->dst), "2001:db8:1::10");
    ASSERT_TRUE(info->home_address);
    EXPECT_EQ(core::to_string(*info->home_address), "2001:db8:2700::6");
    EXPECT_EQ(info->hop_limit, 64);
}

TEST(HomeAddressPacket, CutAfterTheOptionStillReadable) {
    Bytes p = udp_with_hao();
    p.resize(40 + 24);  // the datapath's copy may end here (payload length says more)
    EXPECT_TRUE(parse_home_address_packet(p));
}

TEST(HomeAddressPacket, EveryShorterTruncationRefused) {
    const Bytes p = udp_with_hao();
    for (size_t n = 0; n < 40 + 24; n++) {
        Bytes cut(p.begin(), p.begin() + static_cast<long>(n));
        EXPECT_FALSE(parse_home_address_packet(cut)) << n;
    }
}

TEST(HomeAddressPacket, NotSuchAPacketRefused) {
    Bytes p = udp_with_hao();
    p[6] = 17;  // no destination options header
    EXPECT_FALSE(parse_home_address_packet(p));
    p = udp_with_hao();
    p[0] = 0x40;  // not IPv6
    EXPECT_FALSE(parse_home_address_packet(p));
    EXPECT_FALSE(parse_home_address_packet(udp_with_hao(0x1e, 16)));  // an unknown skippable option, no HAO
    EXPECT_FALSE(parse_home_address_packet(udp_with_hao(201, 15)));   // HAO of a wrong length
    p = udp_with_hao();
    p[41] = 3;  // the header claims 32 bytes, the payload length has 36 - 12 for it
    p[5] = 30;
    EXPECT_FALSE(parse_home_address_packet(p));
}

}  // namespace
}  // namespace xmip::mh
