// SPDX-License-Identifier: BSD-2-Clause
// The ICMPv6 Parameter Problem for a malformed Mobility Header (RFC 6275 9.2:
// Payload Proto not 59, Header Len below the type's minimum), and the MH Type
// a malformed message is counted by.
#include <gtest/gtest.h>

#include "core/checksum.hpp"
#include "core/in6.hpp"
#include "mh/parameter_problem.hpp"
#include "test_util.hpp"

namespace xmip::mh {
namespace {

using test::addr;

const in6_addr kCoa = addr("2001:db8:3::100");
const in6_addr kHa = addr("2001:db8:2700::2");
const in6_addr kHoa = addr("2001:db8:2700::4");
constexpr size_t kMh = 64;  // IPv6 header + the 24-byte Destination Options header with the HAO

Bytes bu_with_hao() {
    BindingUpdate bu;
    bu.sequence = 7;
    bu.flags = BindingUpdate::flag_ack | BindingUpdate::flag_home;
    PacketSpec spec;
    spec.src = kCoa;
    spec.dst = kHa;
    spec.home_address = kHoa;
    return *build_packet(spec, bu);
}

void refresh_checksum(Bytes& p) {
    Bytes mh(p.begin() + kMh, p.end());
    test::fix_checksum(mh, kHoa, kHa);
    std::copy(mh.begin(), mh.end(), p.begin() + kMh);
}

void expect_parameter_problem(const Bytes& invoking, uint32_t pointer) {
    auto r = parse_packet(invoking);
    ASSERT_TRUE(r && !r->message);
    auto at = parameter_problem_pointer(r->message.error());
    ASSERT_TRUE(at.has_value());
    EXPECT_EQ(*at, pointer);
    Bytes pp = parameter_problem(r->info, invoking, *at);
    ASSERT_EQ(pp.size(), 40 + 8 + invoking.size());
    EXPECT_EQ(pp[0] >> 4, 6);
    EXPECT_EQ(get16(&pp[4]), pp.size() - 40);
    EXPECT_EQ(pp[6], 58);  // ICMPv6
    EXPECT_TRUE(core::same_addr(get_in6(&pp[8]), kHa));    // from the invoking destination
    EXPECT_TRUE(core::same_addr(get_in6(&pp[24]), kCoa));  // to its source
    EXPECT_EQ(pp[40], 4);  // Parameter Problem
    EXPECT_EQ(pp[41], 0);  // code 0: erroneous header field
    EXPECT_EQ(get32(&pp[44]), pointer);
    EXPECT_TRUE(std::equal(invoking.begin(), invoking.end(), pp.begin() + 48));
    EXPECT_TRUE(core::pseudo_header_checksum_ok(kHa, kCoa, 58, ByteView(pp).subspan(40)));
}

TEST(ParameterProblem, PayloadProtoNot59PointsAtIt) {
    Bytes p = bu_with_hao();
    p[kMh] = 58;
    refresh_checksum(p);
    expect_parameter_problem(p, kMh);
}

TEST(ParameterProblem, HeaderLenBelowTheMinimumPointsAtIt) {
    // A BU's fixed body needs Header Len >= 1 (16 bytes); 0 declares 8.
    Bytes p = bu_with_hao();
    p.resize(kMh + 8);
    p[kMh + 1] = 0;
    set16(&p[4], static_cast<uint16_t>(p.size() - 40));
    refresh_checksum(p);
    expect_parameter_problem(p, kMh + 1);
}

TEST(ParameterProblem, QuotesAtMostTheMinimumMtu) {
    Bytes p = bu_with_hao();
    p[kMh] = 58;
    refresh_checksum(p);
    auto r = parse_packet(p);
    ASSERT_TRUE(r);
    Bytes big(2000, 0xab);
    std::copy(p.begin(), p.end(), big.begin());
    EXPECT_EQ(parameter_problem(r->info, big, kMh).size(), 1280u);
}

TEST(ParameterProblem, NotForOtherErrors) {
    // A bad checksum is discarded silently (RFC 6275 9.2).
    Bytes p = bu_with_hao();
    p[kMh] = 58;
    auto r = parse_packet(p);
    ASSERT_TRUE(r && !r->message);
    EXPECT_EQ(r->message.error().code, Errc::bad_checksum);
    EXPECT_FALSE(parameter_problem_pointer(r->message.error()).has_value());
}

TEST(MalformedCounting, TheMhTypeOnlyWhenThePacketHoldsIt) {
    // An empty Mobility Header has no type: counted as "other", not as the
    // type 0 (BRR) a default would make it.
    Bytes p = bu_with_hao();
    p.resize(kMh);
    set16(&p[4], static_cast<uint16_t>(p.size() - 40));
    auto r = parse_packet(p);
    ASSERT_TRUE(r && !r->message);
    EXPECT_FALSE(r->info.mh_type.has_value());
    p.resize(kMh + 3);
    p[kMh + 2] = mh_type::bu;
    set16(&p[4], static_cast<uint16_t>(p.size() - 40));
    r = parse_packet(p);
    ASSERT_TRUE(r && !r->message);
    EXPECT_EQ(r->info.mh_type, std::optional<uint8_t>(mh_type::bu));
}

}  // namespace
}  // namespace xmip::mh
