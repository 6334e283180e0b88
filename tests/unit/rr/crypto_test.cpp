// SPDX-License-Identifier: BSD-2-Clause
// Return routability crypto against vectors computed without xmip
// (gen_vectors.py: Python hmac/hashlib over scapy-built packets): the two
// keygen tokens, Kbm in both forms, the authenticator of BUs and a BA, and
// xmip's own signed packets equal to scapy's byte for byte.
#include "rr/crypto.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "mh/binding_auth.hpp"
#include "mh/codec.hpp"
#include "mh/packet.hpp"

using namespace xmip;
using nlohmann::json;

namespace {

in6_addr addr(const json& j) {
    in6_addr a{};
    EXPECT_EQ(inet_pton(AF_INET6, j.get<std::string>().c_str(), &a), 1);
    return a;
}

mh::Bytes unhex(const json& j) {
    auto h = j.get<std::string>();
    mh::Bytes b;
    for (size_t i = 0; i + 1 < h.size(); i += 2)
        b.push_back(static_cast<uint8_t>(std::stoi(h.substr(i, 2), nullptr, 16)));
    return b;
}

template <class C>
std::string hex(const C& c) {
    static const char* d = "0123456789abcdef";
    std::string s;
    for (uint8_t x : c) {
        s += d[x >> 4];
        s += d[x & 15];
    }
    return s;
}

template <size_t N>
std::array<uint8_t, N> arr(const json& j) {
    auto b = unhex(j);
    EXPECT_EQ(b.size(), N);
    std::array<uint8_t, N> a{};
    std::copy_n(b.begin(), std::min(N, b.size()), a.begin());
    return a;
}

const json& vectors() {
    static json v = [] {
        std::ifstream in(XMIP_RR_VECTORS_JSON);
        EXPECT_TRUE(in) << XMIP_RR_VECTORS_JSON;
        return json::parse(in);
    }();
    return v;
}

struct Keys {
    rr::Token home, care_of;
    rr::Kbm kbm, kbm_dereg;
};

Keys keys() {
    const auto& v = vectors();
    auto kcn = arr<20>(v["kcn"]);
    Keys k;
    k.home = rr::home_keygen_token(kcn, addr(v["home_address"]), arr<8>(v["home_nonce"]));
    k.care_of = rr::care_of_keygen_token(kcn, addr(v["care_of_address"]), arr<8>(v["care_of_nonce"]));
    k.kbm = rr::binding_key(k.home, k.care_of);
    k.kbm_dereg = rr::binding_key(k.home, std::nullopt);
    return k;
}

const rr::Kbm& kbm_for(const json& p, const Keys& k) { return p["name"] == "bu_dereg_home" ? k.kbm_dereg : k.kbm; }

}  // namespace

TEST(RrCrypto, KeygenTokensAndKbmMatchTheVectors) {
    const auto& v = vectors();
    auto k = keys();
    EXPECT_EQ(hex(k.home), v["home_keygen_token"].get<std::string>());
    EXPECT_EQ(hex(k.care_of), v["care_of_keygen_token"].get<std::string>());
    EXPECT_EQ(hex(k.kbm), v["kbm"].get<std::string>());
    EXPECT_EQ(hex(k.kbm_dereg), v["kbm_deregistration"].get<std::string>());
}

TEST(RrCrypto, TheTwoTokensDifferForTheSameAddressAndNonce) {
    // The trailing 0 / 1 byte: a home token cannot stand in for a care-of token.
    auto kcn = arr<20>(vectors()["kcn"]);
    rr::Nonce n{1, 2, 3, 4, 5, 6, 7, 8};
    auto a = addr(vectors()["home_address"]);
    EXPECT_NE(rr::home_keygen_token(kcn, a, n), rr::care_of_keygen_token(kcn, a, n));
}

TEST(RrCrypto, AuthenticatorInputAndValueMatchTheVectors) {
    auto k = keys();
    for (const auto& p : vectors()["packets"]) {
        SCOPED_TRACE(p["name"].get<std::string>());
        auto pkt = unhex(p["packet"]);
        auto parsed = mh::parse_packet(pkt);
        ASSERT_TRUE(parsed.ok() && parsed->message.ok());
        auto mh = mh::ByteView(pkt).subspan(parsed->info.mh_offset, parsed->info.mh_length);
        auto coa = addr(p["care_of_address"]), cn = addr(p["correspondent"]);
        auto in = mh::binding_authorization_input(mh, coa, cn);
        ASSERT_TRUE(in.ok());
        EXPECT_EQ(hex(*in), p["mac_input"].get<std::string>());
        auto a = rr::authenticator_of(kbm_for(p, k), mh, coa, cn);
        ASSERT_TRUE(a.ok());
        EXPECT_EQ(hex(*a), p["authenticator"].get<std::string>());
        EXPECT_TRUE(rr::verify(kbm_for(p, k), mh, coa, cn));
        // The other key, another care-of address, a flipped bit: refused.
        EXPECT_FALSE(rr::verify(&kbm_for(p, k) == &k.kbm ? k.kbm_dereg : k.kbm, mh, coa, cn));
        EXPECT_FALSE(rr::verify(kbm_for(p, k), mh, cn, cn));
        mh::Bytes flipped(mh.begin(), mh.end());
        flipped[8] ^= 1;
        EXPECT_FALSE(rr::verify(kbm_for(p, k), flipped, coa, cn));
    }
}

TEST(RrCrypto, SignBuildsTheVectorsPacketsByteForByte) {
    auto k = keys();
    for (const auto& p : vectors()["packets"]) {
        SCOPED_TRACE(p["name"].get<std::string>());
        auto pkt = unhex(p["packet"]);
        auto parsed = mh::parse_packet(pkt);
        ASSERT_TRUE(parsed.ok() && parsed->message.ok());
        mh::Message msg = *parsed->message;
        auto& options = mh::options_of(msg);
        ASSERT_TRUE(std::holds_alternative<mh::BindingAuthorizationData>(options.back()));
        options.pop_back();  // sign() adds it
        auto coa = addr(p["care_of_address"]), cn = addr(p["correspondent"]);
        ASSERT_TRUE(rr::sign(msg, kbm_for(p, k), coa, cn).ok());
        mh::PacketSpec spec;
        spec.src = parsed->info.src;
        spec.dst = parsed->info.dst;
        spec.home_address = parsed->info.home_address;
        if (parsed->info.routing_header2) spec.routing_header2 = parsed->info.routing_header2->home_address;
        auto built = mh::build_packet(spec, msg);
        ASSERT_TRUE(built.ok());
        EXPECT_EQ(hex(*built), hex(pkt));
    }
}

TEST(RrCrypto, AuthorizationInputRefusesMisplacedOrMissingData) {
    in6_addr a{}, b{};
    mh::BindingUpdate bu;
    bu.options.emplace_back(mh::NonceIndices{1, 2});
    auto none = mh::encode(bu, a, b);
    ASSERT_TRUE(none.ok());
    EXPECT_EQ(mh::binding_authorization_input(*none, a, b).error().code, mh::Errc::no_authentication_option);
    EXPECT_FALSE(rr::verify(rr::Kbm{}, *none, a, b));

    // Binding Authorization Data followed by another option (hand-made:
    // the encoder refuses to write it).
    mh::Bytes m = {59, 3, 5, 0, 0, 0, 0, 1, 0, 0, 0, 1, 5, 12};
    m.insert(m.end(), 12, 0xaa);
    m.insert(m.end(), {4, 4, 0, 1, 0, 2});
    ASSERT_EQ(m.size(), 32u);
    EXPECT_EQ(mh::binding_authorization_input(m, a, b).error().code, mh::Errc::auth_data_not_last);
    // Wrong length.
    mh::Bytes w = {59, 2, 5, 0, 0, 0, 0, 1, 0, 0, 0, 1, 5, 10};
    w.insert(w.end(), 10, 0xaa);
    ASSERT_EQ(w.size(), 24u);
    EXPECT_EQ(mh::binding_authorization_input(w, a, b).error().code, mh::Errc::option_bad_length);
    // Truncated.
    EXPECT_EQ(mh::binding_authorization_input(mh::ByteView(w).first(4), a, b).error().code, mh::Errc::truncated);
}
