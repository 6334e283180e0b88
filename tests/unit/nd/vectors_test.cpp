// SPDX-License-Identifier: BSD-2-Clause
// Every scapy-built vector (gen_vectors.py -> vectors.json): decoding gives
// the fields, encoding gives the bytes (checksum included), the receive
// checks accept it, and no truncation is mistaken for a whole message.
// Every malformed case is refused by its decoder with the expected error,
// every rejected case by validate_received().
#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <set>

#include "hex.hpp"
#include "nd/nd.hpp"
#include "vector_json.hpp"

namespace xmip::nd::test {
namespace {

using xmip::test::from_hex;

std::string param_name(const ::testing::TestParamInfo<std::string>& info) { return info.param; }

std::vector<uint8_t> bytes_of(const nlohmann::json& c) { return from_hex(c.at("hex").get<std::string>()); }

ReceiveInfo rx_of(const nlohmann::json& c) {
    return ReceiveInfo{address(c.at("src")), address(c.at("dst")), c.at("hop_limit").get<int>()};
}

template <class T>
Result<Message> widen(Result<T> r) {
    if (!r) return r.error();
    return Message{std::move(r).value()};
}

// The decoder a malformed case names ("any" is the dispatching decode()).
Result<Message> decode_with(const std::string& decoder, std::span<const uint8_t> b) {
    static const std::map<std::string, std::function<Result<Message>(std::span<const uint8_t>)>> decoders = {
        {"any", [](auto s) { return decode(s); }},
        {"rs", [](auto s) { return widen(decode_router_solicitation(s)); }},
        {"ra", [](auto s) { return widen(decode_router_advertisement(s)); }},
        {"ns", [](auto s) { return widen(decode_neighbour_solicitation(s)); }},
        {"na", [](auto s) { return widen(decode_neighbour_advertisement(s)); }},
        {"dhaad_request", [](auto s) { return widen(decode_dhaad_request(s)); }},
        {"dhaad_reply", [](auto s) { return widen(decode_dhaad_reply(s)); }},
        {"mps", [](auto s) { return widen(decode_mobile_prefix_solicitation(s)); }},
        {"mpa", [](auto s) { return widen(decode_mobile_prefix_advertisement(s)); }},
    };
    return decoders.at(decoder)(b);
}

bool is_nd_type(uint8_t t) { return t >= kRouterSolicitation && t <= kNeighbourAdvertisement; }

// ---- valid vectors ---------------------------------------------------------
class Vector : public ::testing::TestWithParam<std::string> {
protected:
    const nlohmann::json& c = case_by_name("vectors", GetParam());
    std::vector<uint8_t> bytes = bytes_of(c);
    Message want = message_from_json(c.at("message"));
};

TEST_P(Vector, DecodesToTheFields) {
    auto got = decode(bytes);
    ASSERT_TRUE(got.ok()) << describe(got.error());
    EXPECT_EQ(icmp_type(*got), bytes[0]);
    EXPECT_TRUE(*got == want) << "want:\n" << dump(want) << "\ngot:\n" << dump(*got);
}

TEST_P(Vector, EncodesToTheExactBytesWithChecksum) {
    auto got = encode(want);
    ASSERT_GE(got.size(), 4u);
    EXPECT_EQ(got[2], 0) << "encode leaves the checksum to the kernel";
    EXPECT_EQ(got[3], 0);
    set_icmpv6_checksum(address(c.at("src")), address(c.at("dst")), got);
    EXPECT_EQ(got, bytes) << xmip::test::describe_difference(bytes, got);
}

TEST_P(Vector, ChecksumAgreesWithScapy) {
    const auto src = address(c.at("src")), dst = address(c.at("dst"));
    EXPECT_EQ(icmpv6_checksum(src, dst, bytes), c.at("checksum").get<uint16_t>());
    EXPECT_TRUE(icmpv6_checksum_valid(src, dst, bytes));
    auto corrupted = bytes;
    corrupted.back() ^= 0x01;
    EXPECT_FALSE(icmpv6_checksum_valid(src, dst, corrupted));
    auto other_source = src;
    other_source.s6_addr[15] ^= 0x01;  // the pseudo-header is covered
    EXPECT_FALSE(icmpv6_checksum_valid(other_source, dst, bytes));
}

TEST_P(Vector, PassesTheReceiveChecks) {
    auto got = decode_received(rx_of(c), bytes);
    ASSERT_TRUE(got.ok()) << describe(got.error());
    EXPECT_TRUE(*got == want);
    EXPECT_TRUE(validate_received(rx_of(c), bytes).ok());
}

TEST_P(Vector, ReceiveChecksNeedHopLimit255ForNdOnly) {
    auto rx = rx_of(c);
    rx.hop_limit = 254;
    auto s = validate_received(rx, bytes);
    if (is_nd_type(bytes[0])) {
        ASSERT_FALSE(s.ok());
        EXPECT_EQ(s.error().code, Errc::bad_hop_limit);
    } else {
        EXPECT_TRUE(s.ok()) << "DHAAD and Mobile Prefix messages are routed";
    }
}

// Lengths at which a cut leaves a well-formed shorter message (after a whole
// option, or a whole DHAAD address), with how many options/addresses remain.
std::map<std::size_t, std::size_t> boundaries(const std::vector<uint8_t>& b) {
    std::map<std::size_t, std::size_t> r;
    std::size_t fixed = 0;
    switch (b[0]) {
        case kRouterSolicitation: fixed = kRouterSolicitationFixed; break;
        case kRouterAdvertisement: fixed = kRouterAdvertisementFixed; break;
        case kNeighbourSolicitation: fixed = kNeighbourSolicitationFixed; break;
        case kNeighbourAdvertisement: fixed = kNeighbourAdvertisementFixed; break;
        case kMobilePrefixSolicitation: fixed = kMobilePrefixSolicitationFixed; break;
        case kMobilePrefixAdvertisement: fixed = kMobilePrefixAdvertisementFixed; break;
        case kDhaadReply:
            for (std::size_t n = kDhaadReplyFixed, k = 0; n <= b.size(); n += 16, k++) r[n] = k;
            return r;
        case kDhaadRequest: r[kDhaadRequestFixed] = 0; return r;
    }
    std::size_t k = 0;
    for (std::size_t n = fixed; n <= b.size(); n += std::size_t{b[n + 1]} * 8, k++) {
        r[n] = k;
        if (n == b.size()) break;
    }
    return r;
}

Message keep_first(Message m, std::size_t k) {
    std::visit(
        [k](auto& v) {
            if constexpr (requires { v.options; }) v.options.resize(k);
            if constexpr (requires { v.home_agents; }) v.home_agents.resize(k);
        },
        m);
    return m;
}

TEST_P(Vector, EveryTruncationFailsUnlessItEndsOnABoundary) {
    const auto cuts = boundaries(bytes);
    ASSERT_EQ(cuts.rbegin()->first, bytes.size()) << "option walk must end at the message end";
    for (std::size_t n = 0; n < bytes.size(); n++) {
        // An exact-size heap copy, so a sanitizer sees any read past the cut.
        std::vector<uint8_t> cut(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(n));
        auto got = decode(cut);
        auto b = cuts.find(n);
        if (b == cuts.end()) {
            EXPECT_FALSE(got.ok()) << "cut at " << n << " of " << bytes.size() << " decoded as\n" << dump(*got);
            if (!got.ok()) {
                EXPECT_LE(got.error().offset, n);
            }
        } else {
            // Indistinguishable from a sender that sent fewer options.
            ASSERT_TRUE(got.ok()) << "cut at " << n << ": " << describe(got.error());
            EXPECT_TRUE(*got == keep_first(want, b->second)) << "cut at " << n;
        }
    }
}

INSTANTIATE_TEST_SUITE_P(Scapy, Vector, ::testing::ValuesIn(case_names("vectors")), param_name);

// ---- malformed -------------------------------------------------------------
class Malformed : public ::testing::TestWithParam<std::string> {
protected:
    const nlohmann::json& c = case_by_name("malformed", GetParam());
    std::vector<uint8_t> bytes = bytes_of(c);
    Errc want = errc_from_name(c.at("error"));
};

TEST_P(Malformed, DecoderRefusesWithThePreciseError) {
    auto got = decode_with(c.at("decoder"), bytes);
    ASSERT_FALSE(got.ok()) << "decoded as\n" << dump(*got);
    EXPECT_EQ(to_string(got.error().code), to_string(want)) << describe(got.error());
    EXPECT_LE(got.error().offset, bytes.size());
}

TEST_P(Malformed, DispatchingDecoderAndReceiveChecksRefuseToo) {
    auto got = decode(bytes);
    if (want == Errc::wrong_type) {  // the bytes are a valid message of another type
        EXPECT_TRUE(got.ok());
        return;
    }
    ASSERT_FALSE(got.ok());
    EXPECT_EQ(got.error().code, want);
    // As if received correctly on the link: the bytes alone make it fail.
    ReceiveInfo rx{*parse_addr("fe80::1"), *parse_addr("ff02::1"), 255};
    EXPECT_FALSE(validate_received(rx, bytes).ok());
}

INSTANTIATE_TEST_SUITE_P(Scapy, Malformed, ::testing::ValuesIn(case_names("malformed")), param_name);

// ---- rejected by the receive checks ----------------------------------------
class Rejected : public ::testing::TestWithParam<std::string> {
protected:
    const nlohmann::json& c = case_by_name("rejected", GetParam());
    std::vector<uint8_t> bytes = bytes_of(c);
    Errc want = errc_from_name(c.at("error"));
};

TEST_P(Rejected, ReceiveChecksRefuseWithThePreciseError) {
    auto s = validate_received(rx_of(c), bytes);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(to_string(s.error().code), to_string(want)) << describe(s.error());
    auto m = decode_received(rx_of(c), bytes);
    ASSERT_FALSE(m.ok());
    EXPECT_EQ(m.error(), s.error());
}

INSTANTIATE_TEST_SUITE_P(Scapy, Rejected, ::testing::ValuesIn(case_names("rejected")), param_name);

TEST(VectorsFile, CoversEveryMessageTypeAndErrorClass) {
    std::set<uint8_t> types;
    for (const auto& c : vectors_file().at("vectors")) types.insert(bytes_of(c)[0]);
    for (uint8_t t : {133, 134, 135, 136, 144, 145, 146, 147}) EXPECT_TRUE(types.count(t)) << int(t);
    std::set<std::string> errors;
    for (const char* s : {"malformed", "rejected"})
        for (const auto& c : vectors_file().at(s)) errors.insert(c.at("error"));
    for (int i = 0; i <= static_cast<int>(Errc::solicited_to_multicast); i++)
        EXPECT_TRUE(errors.count(std::string(to_string(static_cast<Errc>(i)))))
            << "no vector for " << to_string(static_cast<Errc>(i));
}

}  // namespace
}  // namespace xmip::nd::test
