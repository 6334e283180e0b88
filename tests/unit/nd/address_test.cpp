// SPDX-License-Identifier: BSD-2-Clause
// in6_addr helpers, error names and the checksum's edge cases.
#include <gtest/gtest.h>

#include "nd/nd.hpp"

namespace xmip::nd {
namespace {

in6_addr a(const char* text) { return *parse_addr(text); }

TEST(Address, Classification) {
    EXPECT_TRUE(is_unspecified(a("::")));
    EXPECT_FALSE(is_unspecified(a("::1")));
    EXPECT_TRUE(is_link_local(a("fe80::1")));
    EXPECT_TRUE(is_link_local(a("febf::1")));
    EXPECT_FALSE(is_link_local(a("fec0::1")));  // site-local, the guide's old prefixes
    EXPECT_FALSE(is_link_local(a("ff02::1")));
    EXPECT_TRUE(is_multicast(a("ff02::1")));
    EXPECT_FALSE(is_multicast(a("2001:db8::1")));
}

TEST(Address, SolicitedNodeMulticast) {
    EXPECT_EQ(to_string(solicited_node_multicast(a("2001:db8:2700::4"))), "ff02::1:ff00:4");
    EXPECT_EQ(to_string(solicited_node_multicast(a("fe80::ff:fe12:3456"))), "ff02::1:ff12:3456");
    EXPECT_TRUE(is_solicited_node_multicast(a("ff02::1:ff12:3456")));
    EXPECT_FALSE(is_solicited_node_multicast(a("ff02::1")));
    EXPECT_FALSE(is_solicited_node_multicast(a("ff02::2:ff12:3456")));
}

TEST(Address, MaskPrefix) {
    EXPECT_EQ(to_string(mask_prefix(a("2001:db8:2700::2"), 64)), "2001:db8:2700::");
    EXPECT_EQ(to_string(mask_prefix(a("2001:db8:27ff::2"), 36)), "2001:db8:2000::");
    EXPECT_EQ(to_string(mask_prefix(a("2001:db8::2"), 0)), "::");
    EXPECT_EQ(to_string(mask_prefix(a("2001:db8::2"), 128)), "2001:db8::2");
    EXPECT_EQ(to_string(mask_prefix(a("2001:db8::2"), 200)), "2001:db8::2");
}

TEST(Address, ComparisonAndText) {
    EXPECT_TRUE(a("fe80::1") == a("fe80::1"));
    EXPECT_TRUE(a("fe80::1") < a("fe80::2"));
    EXPECT_FALSE(parse_addr("fe80::g").has_value());
    EXPECT_EQ(to_string(*parse_link_layer_address("02:00:00:00:27:0A")), "02:00:00:00:27:0a");
    EXPECT_FALSE(parse_link_layer_address("02:00:00:00:27").has_value());
    EXPECT_FALSE(parse_link_layer_address("02-00-00-00-27-02").has_value());
    EXPECT_FALSE(parse_link_layer_address("02:00:00:00:27:0g").has_value());
}

TEST(Errors, EveryCodeHasADistinctName) {
    std::set<std::string_view> names;
    for (int i = 0; i <= static_cast<int>(Errc::solicited_to_multicast); i++) {
        auto n = to_string(static_cast<Errc>(i));
        EXPECT_NE(n, "unknown_error");
        EXPECT_TRUE(names.insert(n).second) << n;
    }
    EXPECT_EQ(describe(Error{Errc::option_length_zero, 16}), "option_length_zero at offset 16");
}

TEST(Checksum, OddLengthAndVerification) {
    // Odd-length message: the last byte is padded with a zero.
    std::vector<uint8_t> m = {0x80, 0x00, 0x00, 0x00, 0x12, 0x34, 0x56};
    const auto src = a("2001:db8::1"), dst = a("2001:db8::2");
    uint16_t c = icmpv6_checksum(src, dst, m);
    std::vector<uint8_t> even = m;
    even.push_back(0);
    // Same words summed; only the length in the pseudo-header differs by one.
    uint32_t diff = (icmpv6_checksum(src, dst, even) + 1u) & 0xffff;
    EXPECT_EQ(diff, c);
    set_icmpv6_checksum(src, dst, m);
    EXPECT_TRUE(icmpv6_checksum_valid(src, dst, m));
    // The stored checksum does not change what is computed.
    EXPECT_EQ(icmpv6_checksum(src, dst, m), c);
    std::vector<uint8_t> tiny = {0x80, 0x00};
    set_icmpv6_checksum(src, dst, tiny);  // no room: untouched
    EXPECT_EQ(tiny, (std::vector<uint8_t>{0x80, 0x00}));
    EXPECT_FALSE(icmpv6_checksum_valid(src, dst, tiny));
}

// RFC 2526 2: the Mobile IPv6 Home-Agents anycast ID is 126 (0x7e); with a
// 64-bit prefix the EUI-64 format clears the u bit: ::fdff:ffff:ffff:fffe.
TEST(HomeAgentsAnycast, RfcForms) {
    EXPECT_EQ(to_string(*home_agents_anycast(a("2001:db8:1::"), 64)), "2001:db8:1:0:fdff:ffff:ffff:fffe");
    // Host bits of the prefix given are ignored.
    EXPECT_EQ(to_string(*home_agents_anycast(a("2001:db8:1::1"), 64)), "2001:db8:1:0:fdff:ffff:ffff:fffe");
    // Not EUI-64 format: all ones but the ID's low bit.
    EXPECT_EQ(to_string(*home_agents_anycast(a("2001:db8:1::"), 48)), "2001:db8:1:ffff:ffff:ffff:ffff:fffe");
    EXPECT_EQ(to_string(*home_agents_anycast(a("2001:db8:1::"), 120)), "2001:db8:1::fe");
    EXPECT_FALSE(home_agents_anycast(a("2001:db8:1::"), 121)) << "no room for a 7-bit anycast ID";
}

}  // namespace
}  // namespace xmip::nd
