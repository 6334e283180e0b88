// SPDX-License-Identifier: BSD-2-Clause
// The messages xmip itself sends, built through the C++ API from their
// specification (the guide's radvd.conf, RFC 6275 10.3.1/10.4.1/11.5.4),
// must be byte for byte what scapy built for the same specification.
#include <gtest/gtest.h>

#include "hex.hpp"
#include "nd/nd.hpp"
#include "vector_json.hpp"

namespace xmip::nd::test {
namespace {

using xmip::test::from_hex;

const in6_addr kHaLinkLocal = *parse_addr("fe80::ff:fe00:2702");
const in6_addr kHa = *parse_addr("2001:db8:2700::2");
const in6_addr kHoa = *parse_addr("2001:db8:2700::4");
const in6_addr kAllNodes = *parse_addr("ff02::1");
const LinkLayerAddress kHaMac{0x02, 0, 0, 0, 0x27, 0x02};
const LinkLayerAddress kMnMac{0x02, 0, 0, 0, 0x27, 0x04};

// Whole message with the checksum for the given addresses.
std::vector<uint8_t> on_wire(const Message& m, const in6_addr& src, const in6_addr& dst) {
    auto b = encode(m);
    set_icmpv6_checksum(src, dst, b);
    return b;
}

std::vector<uint8_t> vector_bytes(const std::string& name) {
    return from_hex(case_by_name("vectors", name).at("hex").get<std::string>());
}

// The guide's home agent radvd.conf (4.2.4), fec0:106:2700::2/64 read as
// 2001:db8:2700::2/64:
//   AdvHomeAgentFlag on; AdvHomeAgentInfo on; HomeAgentPreference 20;
//   HomeAgentLifetime 10000; MaxRtrAdvInterval 3 (router lifetime 3 * 3 = 9);
//   prefix ... { AdvRouterAddr on; AdvOnLink on; AdvAutonomous on;
//                AdvPreferredLifetime 10000; AdvValidLifetime 12000; }
RouterAdvertisement guide_ra() {
    RouterAdvertisement ra;
    ra.cur_hop_limit = 64;
    ra.home_agent = true;
    ra.router_lifetime = 9;
    PrefixInformation prefix;
    prefix.prefix_length = 64;
    prefix.on_link = prefix.autonomous = prefix.router_address = true;
    prefix.valid_lifetime = 12000;
    prefix.preferred_lifetime = 10000;
    prefix.prefix = kHa;  // R: the home agent's full address
    ra.options = {prefix, SourceLinkLayerAddress{kHaMac}, HomeAgentInformation{20, 10000}};
    return ra;
}

TEST(Builders, GuideHomeAgentRouterAdvertisement) {
    EXPECT_EQ(on_wire(guide_ra(), kHaLinkLocal, kAllNodes), vector_bytes("ra_guide_home_agent"));
}

TEST(Builders, GuideRouterAdvertisementWithRadvdAdvIntervalOpt) {
    auto ra = guide_ra();
    // radvd inserts it after the SLLA option: MaxRtrAdvInterval 3 s in ms.
    ra.options.insert(ra.options.begin() + 2, AdvertisementInterval{3000});
    EXPECT_EQ(on_wire(ra, kHaLinkLocal, kAllNodes), vector_bytes("ra_radvd_adv_interval"));
}

TEST(Builders, GuideRouterAdvertisementDecodesToWhatTheConfigSays) {
    auto ra = decode_router_advertisement(vector_bytes("ra_guide_home_agent"));
    ASSERT_TRUE(ra.ok());
    EXPECT_TRUE(ra->home_agent);
    const auto* info = find_option<HomeAgentInformation>(ra->options);
    ASSERT_NE(info, nullptr);
    EXPECT_EQ(info->preference, 20);
    EXPECT_EQ(info->lifetime, 10000);
    auto prefixes = options_of<PrefixInformation>(ra->options);
    ASSERT_EQ(prefixes.size(), 1u);
    EXPECT_TRUE(prefixes[0].router_address);
    EXPECT_EQ(to_string(prefixes[0].prefix), "2001:db8:2700::2");
    EXPECT_EQ(to_string(mask_prefix(prefixes[0].prefix, prefixes[0].prefix_length)), "2001:db8:2700::");
    EXPECT_EQ(find_option<AdvertisementInterval>(ra->options), nullptr);
}

TEST(Builders, HomeAgentDadProbeForAHomeAddress) {
    auto ns = dad_solicitation(kHoa);
    EXPECT_TRUE(ns.options.empty());
    const auto group = solicited_node_multicast(kHoa);
    EXPECT_EQ(to_string(group), "ff02::1:ff00:4");
    EXPECT_EQ(on_wire(ns, in6_addr{}, group), vector_bytes("ns_dad"));
    EXPECT_TRUE(validate_received({in6_addr{}, group, 255}, encode(ns)).ok());
}

TEST(Builders, ProxyAdvertisementOnRegistration) {
    auto na = proxy_advertisement(kHoa, kHaMac, false);
    EXPECT_EQ(on_wire(na, kHa, kAllNodes), vector_bytes("na_proxy_unsolicited"));
}

TEST(Builders, ProxyAdvertisementAnsweringASolicitation) {
    auto na = proxy_advertisement(kHoa, kHaMac, true);
    EXPECT_EQ(on_wire(na, kHa, *parse_addr("fe80::ff:fe00:2704")), vector_bytes("na_proxy_solicited"));
}

TEST(Builders, MobileNodeReturningHome) {
    auto na = returning_home_advertisement(kHoa, kMnMac);
    EXPECT_EQ(on_wire(na, kHoa, kAllNodes), vector_bytes("na_returning_home"));
    EXPECT_TRUE(validate_received({kHoa, kAllNodes, 255}, encode(na)).ok());
}

TEST(Builders, RawOptionBodyIsPaddedToWholeUnits) {
    RouterSolicitation rs{{RawOption{200, {1, 2, 3}}}};
    auto b = encode(rs);
    ASSERT_EQ(b.size(), 16u);
    EXPECT_EQ(b[8], 200);
    EXPECT_EQ(b[9], 1);
    auto back = decode_router_solicitation(b);
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(std::get<RawOption>(back->options[0]).body, (std::vector<uint8_t>{1, 2, 3, 0, 0, 0}));
    RouterSolicitation too_long{{RawOption{200, std::vector<uint8_t>(2039)}}};
    EXPECT_THROW(encode(too_long), std::invalid_argument);
    RouterSolicitation longest{{RawOption{200, std::vector<uint8_t>(2038)}}};
    EXPECT_EQ(encode(longest).size(), 8u + 255 * 8);
}

TEST(Builders, OptionsOutsideAMessagesSetAreKeptRaw) {
    // An MTU option inside an NS is not the NS's business (RFC 4861 4.3):
    // kept raw, and its length is not held to the MTU option's.
    NeighbourSolicitation ns{kHoa, {RawOption{kOptMtu, std::vector<uint8_t>(14)}}};
    auto back = decode_neighbour_solicitation(encode(ns));
    ASSERT_TRUE(back.ok());
    EXPECT_TRUE(*back == ns);
    // The same option inside an RA must be exactly one unit.
    RouterAdvertisement ra;
    ra.options = {RawOption{kOptMtu, std::vector<uint8_t>(14)}};
    auto r = decode_router_advertisement(encode(ra));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error(), (Error{Errc::bad_option_length, 16}));
}

}  // namespace
}  // namespace xmip::nd::test
