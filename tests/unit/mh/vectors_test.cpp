// SPDX-License-Identifier: BSD-2-Clause
// Packets built by scapy (gen_vectors.py -> vectors.json): decode each and
// compare every field with what the generator built it from; encode the same
// message and compare bytes where the vector says xmip's encoding is the one
// scapy made ("build": true).
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <nlohmann/json.hpp>

#include "test_util.hpp"

namespace xmip::mh {
namespace {

using nlohmann::json;
using test::addr;
using test::from_hex;
using test::to_hex;

const json& all_vectors() {
    static const json vectors = [] {
        std::ifstream in(XMIP_MH_VECTORS_JSON);
        if (!in) throw std::runtime_error("cannot open " XMIP_MH_VECTORS_JSON);
        return json::parse(in).at("vectors");
    }();
    return vectors;
}

template <size_t N>
std::array<uint8_t, N> array_from_hex(const json& j) {
    Bytes b = from_hex(j.get<std::string>());
    if (b.size() != N) throw std::invalid_argument("wrong length: " + j.dump());
    std::array<uint8_t, N> a;
    std::copy(b.begin(), b.end(), a.begin());
    return a;
}

// The message the generator describes, built here without the codec.
Option option_from_json(const json& j) {
    std::string kind = j.at("kind");
    if (kind == "bra") return BindingRefreshAdvice{j.at("interval")};
    if (kind == "altcoa") return AlternateCareOfAddress{addr(j.at("address").get<std::string>())};
    if (kind == "nonces") return NonceIndices{j.at("home"), j.at("careof")};
    if (kind == "bad") return BindingAuthorizationData{array_from_hex<12>(j.at("authenticator"))};
    if (kind == "auth")
        return Authentication{j.at("subtype"), j.at("spi"),
                              from_hex(j.at("authenticator").get<std::string>())};
    if (kind == "replay") return ReplayProtection{j.at("timestamp").get<uint64_t>()};
    if (kind == "unknown") return UnknownOption{j.at("type"), from_hex(j.at("data").get<std::string>())};
    throw std::invalid_argument("option kind " + kind);
}

Message message_from_json(const json& j) {
    Options options;
    for (const auto& o : j.at("options")) options.push_back(option_from_json(o));
    switch (j.at("type").get<int>()) {
    case mh_type::brr: return BindingRefreshRequest{options};
    case mh_type::hoti: return HomeTestInit{array_from_hex<8>(j.at("cookie")), options};
    case mh_type::coti: return CareOfTestInit{array_from_hex<8>(j.at("cookie")), options};
    case mh_type::hot:
        return HomeTest{j.at("nonce_index"), array_from_hex<8>(j.at("cookie")),
                        array_from_hex<8>(j.at("token")), options};
    case mh_type::cot:
        return CareOfTest{j.at("nonce_index"), array_from_hex<8>(j.at("cookie")),
                          array_from_hex<8>(j.at("token")), options};
    case mh_type::bu: return BindingUpdate{j.at("sequence"), j.at("flags"), j.at("lifetime"), options};
    case mh_type::ba:
        return BindingAck{j.at("status"), j.at("flags"), j.at("sequence"), j.at("lifetime"), options};
    case mh_type::be:
        return BindingError{j.at("status"), addr(j.at("home_address").get<std::string>()), options};
    }
    throw std::invalid_argument("message type " + j.dump());
}

std::optional<in6_addr> optional_addr(const json& j) {
    if (j.is_null()) return std::nullopt;
    return addr(j.get<std::string>());
}

class Vector : public ::testing::TestWithParam<json> {
protected:
    const json& v() const { return GetParam(); }
    Bytes packet() const { return from_hex(v().at("packet").get<std::string>()); }
    const json& ip() const { return v().at("ipv6"); }
    Bytes mh() const {
        Bytes p = packet();
        size_t off = ip().at("mh_offset");
        return Bytes(p.begin() + static_cast<std::ptrdiff_t>(off), p.end());
    }
    Message expected() const { return message_from_json(v().at("message")); }
    PacketSpec spec() const {
        PacketSpec s;
        s.src = addr(ip().at("src").get<std::string>());
        s.dst = addr(ip().at("dst").get<std::string>());
        s.home_address = optional_addr(ip().at("hao"));
        s.routing_header2 = optional_addr(ip().at("rh2"));
        s.hop_limit = ip().at("hop_limit");
        return s;
    }
};

TEST_P(Vector, ParsePacketGivesEveryField) {
    Bytes p = packet();
    auto parsed = parse_packet(p);
    ASSERT_TRUE(parsed) << to_string(parsed.error().code) << " at " << parsed.error().offset;
    const PacketInfo& info = parsed->info;
    EXPECT_TRUE(core::same_addr(info.src, addr(ip().at("src").get<std::string>())));
    EXPECT_TRUE(core::same_addr(info.dst, addr(ip().at("dst").get<std::string>())));
    EXPECT_EQ(info.hop_limit, ip().at("hop_limit").get<int>());
    auto hao = optional_addr(ip().at("hao"));
    ASSERT_EQ(info.home_address.has_value(), hao.has_value());
    if (hao) {
        EXPECT_TRUE(core::same_addr(*info.home_address, *hao)) << format_address(*info.home_address);
    }
    auto rh2 = optional_addr(ip().at("rh2"));
    ASSERT_EQ(info.routing_header2.has_value(), rh2.has_value());
    if (rh2) {
        EXPECT_TRUE(core::same_addr(info.routing_header2->home_address, *rh2));
        EXPECT_EQ(info.routing_header2->segments_left, ip().at("rh2_segments_left").get<int>());
    }
    EXPECT_TRUE(core::same_addr(info.checksum_src(), addr(ip().at("checksum_src").get<std::string>())));
    EXPECT_TRUE(core::same_addr(info.checksum_dst(), addr(ip().at("checksum_dst").get<std::string>())));
    EXPECT_EQ(info.mh_offset, ip().at("mh_offset").get<size_t>());
    EXPECT_EQ(info.mh_length, ip().at("mh_length").get<size_t>());
    ASSERT_TRUE(parsed->message) << to_string(parsed->message.error().code) << " at "
                                 << parsed->message.error().offset;
    EXPECT_EQ(*parsed->message, expected());
}

// The same fields once more, spelled out per type, so a failure names the field.
TEST_P(Vector, DecodeFieldByField) {
    const json& j = v().at("message");
    auto msg = decode(mh(), addr(ip().at("checksum_src").get<std::string>()),
                      addr(ip().at("checksum_dst").get<std::string>()));
    ASSERT_TRUE(msg) << to_string(msg.error().code);
    ASSERT_EQ(type_of(*msg), j.at("type").get<int>());
    if (auto* bu = std::get_if<BindingUpdate>(&*msg)) {
        EXPECT_EQ(bu->sequence, j.at("sequence").get<int>());
        EXPECT_EQ(bu->flags, j.at("flags").get<int>());
        EXPECT_EQ(bu->lifetime, j.at("lifetime").get<int>());
        EXPECT_EQ(bu->ack(), (j.at("flags").get<int>() & 0x8000) != 0);
        EXPECT_EQ(bu->home_registration(), (j.at("flags").get<int>() & 0x4000) != 0);
        EXPECT_EQ(bu->mobile_router(), (j.at("flags").get<int>() & 0x0400) != 0);
        EXPECT_EQ(bu->proxy(), (j.at("flags").get<int>() & 0x0200) != 0);
        EXPECT_EQ(bu->lifetime_seconds(), 4u * j.at("lifetime").get<unsigned>());
    } else if (auto* ba = std::get_if<BindingAck>(&*msg)) {
        EXPECT_EQ(ba->status, j.at("status").get<int>());
        EXPECT_EQ(ba->flags, j.at("flags").get<int>());
        EXPECT_EQ(ba->key_management(), (j.at("flags").get<int>() & 0x80) != 0);
        EXPECT_EQ(ba->mobile_router(), (j.at("flags").get<int>() & 0x40) != 0);
        EXPECT_EQ(ba->sequence, j.at("sequence").get<int>());
        EXPECT_EQ(ba->lifetime, j.at("lifetime").get<int>());
    } else if (auto* be = std::get_if<BindingError>(&*msg)) {
        EXPECT_EQ(be->status, j.at("status").get<int>());
        EXPECT_EQ(format_address(be->home_address),
                  format_address(addr(j.at("home_address").get<std::string>())));
    } else if (auto* hot = std::get_if<HomeTest>(&*msg)) {
        EXPECT_EQ(hot->nonce_index, j.at("nonce_index").get<int>());
        EXPECT_EQ(to_hex(hot->cookie), j.at("cookie").get<std::string>());
        EXPECT_EQ(to_hex(hot->keygen_token), j.at("token").get<std::string>());
    } else if (auto* cot = std::get_if<CareOfTest>(&*msg)) {
        EXPECT_EQ(cot->nonce_index, j.at("nonce_index").get<int>());
        EXPECT_EQ(to_hex(cot->cookie), j.at("cookie").get<std::string>());
        EXPECT_EQ(to_hex(cot->keygen_token), j.at("token").get<std::string>());
    } else if (auto* hoti = std::get_if<HomeTestInit>(&*msg)) {
        EXPECT_EQ(to_hex(hoti->cookie), j.at("cookie").get<std::string>());
    } else if (auto* coti = std::get_if<CareOfTestInit>(&*msg)) {
        EXPECT_EQ(to_hex(coti->cookie), j.at("cookie").get<std::string>());
    }
    const Options& got = options_of(*msg);
    ASSERT_EQ(got.size(), j.at("options").size());
    for (size_t i = 0; i < got.size(); i++)
        EXPECT_EQ(got[i], option_from_json(j.at("options")[i])) << "option " << i;
}

// Vectors whose encoding is xmip's ("build": true).
class BuildableVector : public Vector {};

TEST_P(BuildableVector, EncodeGivesTheSameBytes) {
    auto mh_bytes = encode(expected(), addr(ip().at("checksum_src").get<std::string>()),
                           addr(ip().at("checksum_dst").get<std::string>()));
    ASSERT_TRUE(mh_bytes);
    EXPECT_EQ(to_hex(*mh_bytes), to_hex(mh()));
}

TEST_P(BuildableVector, BuildPacketGivesTheSameBytes) {
    auto built = build_packet(spec(), expected());
    ASSERT_TRUE(built);
    EXPECT_EQ(to_hex(*built), to_hex(packet()));
}

// The IPV6_DSTOPTS + MH pair for a raw IPPROTO_MH socket is the same bytes
// as the packet's destination options header (but its next header, which the
// kernel fills in) and MH.
TEST_P(BuildableVector, SocketPartsMatchThePacket) {
    if (!ip().at("rh2").is_null()) {
        EXPECT_EQ(build_socket_parts(spec(), expected()).error().code, Errc::rh2_needs_raw_packet);
        return;
    }
    auto parts = build_socket_parts(spec(), expected());
    ASSERT_TRUE(parts);
    EXPECT_EQ(to_hex(parts->mh), to_hex(mh()));
    Bytes p = packet();
    if (ip().at("hao").is_null()) {
        EXPECT_TRUE(parts->dstopts.empty());
    } else {
        ASSERT_EQ(parts->dstopts.size(), 24u);
        EXPECT_EQ(to_hex(parts->dstopts), to_hex(ByteView(p).subspan(40, 24)));
    }
}

// Vectors with an RFC 4285 authenticator computed by the generator.
class AuthVector : public Vector {};

TEST_P(AuthVector, AuthenticationInput) {
    const json& a = v().at("auth");
    auto in = authentication_input(mh(), addr(a.at("care_of").get<std::string>()),
                                   addr(a.at("home").get<std::string>()));
    ASSERT_TRUE(in) << to_string(in.error().code);
    EXPECT_EQ(to_hex(*in), a.at("mac_input").get<std::string>());
    auto msg = decode(mh(), addr(ip().at("checksum_src").get<std::string>()),
                      addr(ip().at("checksum_dst").get<std::string>()));
    ASSERT_TRUE(msg);
    const Authentication* auth = find_option<Authentication>(options_of(*msg));
    ASSERT_NE(auth, nullptr);
    EXPECT_EQ(to_hex(auth->authenticator), a.at("authenticator").get<std::string>());
}

// Decoding and re-encoding a decode-only vector gives a packet that decodes
// to the same message (xmip's own, valid, encoding).
TEST_P(Vector, ReencodeRoundTrips) {
    auto parsed = parse_packet(packet());
    ASSERT_TRUE(parsed && parsed->message);
    auto mh_bytes = encode(*parsed->message, parsed->info.checksum_src(), parsed->info.checksum_dst());
    ASSERT_TRUE(mh_bytes);
    auto again = decode(*mh_bytes, parsed->info.checksum_src(), parsed->info.checksum_dst());
    ASSERT_TRUE(again);
    EXPECT_EQ(*again, *parsed->message);
}

std::vector<json> vector_list(bool (*keep)(const json&)) {
    std::vector<json> out;
    for (const auto& v : all_vectors())
        if (keep(v)) out.push_back(v);
    return out;
}

std::string vector_name(const ::testing::TestParamInfo<json>& info) {
    return info.param.at("name").get<std::string>();
}

INSTANTIATE_TEST_SUITE_P(Scapy, Vector,
                         ::testing::ValuesIn(vector_list([](const json&) { return true; })), vector_name);
INSTANTIATE_TEST_SUITE_P(Scapy, BuildableVector,
                         ::testing::ValuesIn(vector_list([](const json& v) { return v.at("build").get<bool>(); })),
                         vector_name);
INSTANTIATE_TEST_SUITE_P(Scapy, AuthVector,
                         ::testing::ValuesIn(vector_list([](const json& v) { return v.contains("auth"); })),
                         vector_name);

// A home agent's message to an away home address other than a BA: tunnelled
// (RFC 6275 6.1, 10.4.2), the inner packet to the home address, no routing
// header; byte for byte as scapy builds it.
TEST(TunnelledVectors, BuildPacketGivesTheSameBytes) {
    static const json tunnelled = [] {
        std::ifstream in(XMIP_MH_VECTORS_JSON);
        return json::parse(in).at("tunnelled");
    }();
    ASSERT_FALSE(tunnelled.empty());
    for (const auto& v : tunnelled) {
        SCOPED_TRACE(v.at("name").get<std::string>());
        PacketSpec s;
        s.src = addr(v.at("ipv6").at("src").get<std::string>());
        s.dst = addr(v.at("ipv6").at("dst").get<std::string>());
        s.hop_limit = v.at("ipv6").at("hop_limit");
        s.tunnel = PacketSpec::Tunnel{addr(v.at("outer").at("src").get<std::string>()),
                                      addr(v.at("outer").at("dst").get<std::string>())};
        auto built = build_packet(s, message_from_json(v.at("message")));
        ASSERT_TRUE(built.ok());
        EXPECT_EQ(to_hex(*built), v.at("packet").get<std::string>());
        EXPECT_EQ(build_socket_parts(s, message_from_json(v.at("message"))).error().code,
                  Errc::rh2_needs_raw_packet);
        // What the mobile node's datapath hands its agent after ending the
        // tunnel: the inner packet, which parses as a plain BRR.
        Bytes inner = from_hex(v.at("packet").get<std::string>());
        inner.erase(inner.begin(), inner.begin() + 40);
        auto parsed = parse_packet(inner);
        ASSERT_TRUE(parsed.ok() && parsed->message.ok());
        EXPECT_FALSE(parsed->info.routing_header2.has_value());
    }
}

TEST(Vectors, CoverEveryMessageTypeAndOption) {
    std::set<int> types;
    std::set<std::string> kinds;
    bool hao = false, rh2 = false, both = false;
    for (const auto& v : all_vectors()) {
        types.insert(v.at("message").at("type").get<int>());
        for (const auto& o : v.at("message").at("options")) kinds.insert(o.at("kind"));
        hao |= !v.at("ipv6").at("hao").is_null();
        rh2 |= !v.at("ipv6").at("rh2").is_null();
        both |= !v.at("ipv6").at("hao").is_null() && !v.at("ipv6").at("rh2").is_null();
    }
    EXPECT_EQ(types.size(), 8u);
    EXPECT_EQ(kinds, (std::set<std::string>{"bra", "altcoa", "nonces", "bad", "auth", "replay", "unknown"}));
    EXPECT_TRUE(hao && rh2 && both);
    // Decode-only vectors say why.
    for (const auto& v : all_vectors())
        if (!v.at("build").get<bool>()) {
            EXPECT_TRUE(v.contains("note")) << v.at("name");
        }
}

}  // namespace
}  // namespace xmip::mh
