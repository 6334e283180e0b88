// SPDX-License-Identifier: BSD-2-Clause
// The MN-HA authenticator against vectors computed without xmip (scapy
// packets, Python's hmac: gen_vectors.py), and what verify() refuses.
#include "auth/authenticator.hpp"

#include "mh/auth.hpp"
#include "mh/codec.hpp"
#include "mh/packet.hpp"
#include "test_support.hpp"

using namespace xmip;
using namespace xmip::auth;
using namespace xmip::auth::test;

namespace {

struct Received {
    mh::Bytes packet;
    mh::PacketInfo info;
    mh::Message message;
    mh::ByteView mh() const { return mh::ByteView(packet).subspan(info.mh_offset, info.mh_length); }
};

Received receive(const std::string& hex_packet) {
    Received r{unhex(hex_packet), {}, {}};
    auto p = mh::parse_packet(r.packet);
    EXPECT_TRUE(p.ok() && p->message.ok());
    r.info = p->info;
    r.message = *p->message;
    return r;
}

}  // namespace

TEST(Authenticator, MatchesTheIndependentlyComputedVectors) {
    for (const auto& v : vectors()) {
        SCOPED_TRACE(v["name"].get<std::string>());
        auto r = receive(v["packet"]);
        auto sa = sa_of(v);
        auto coa = addr(v["care_of_address"]), hoa = addr(v["home_address"]);
        auto input = mh::authentication_input(r.mh(), coa, hoa);
        ASSERT_TRUE(input.ok());
        EXPECT_EQ(hex(compute_authenticator(sa, *input)), v["authenticator"].get<std::string>());
        EXPECT_EQ(verify(r.mh(), coa, hoa, sa), Verdict::ok);
    }
}

TEST(Authenticator, SignProducesTheVectorsBytesExactly) {
    // xmip's encoding of the same message, signed by xmip, is the vector's
    // Mobility Header byte for byte (checksum and authenticator included).
    for (const auto& v : vectors()) {
        SCOPED_TRACE(v["name"].get<std::string>());
        auto r = receive(v["packet"]);
        mh::Message msg = r.message;
        mh::options_of(msg).clear();
        auto coa = addr(v["care_of_address"]), hoa = addr(v["home_address"]), ha = addr(v["home_agent"]);
        ASSERT_TRUE(sign(msg, coa, hoa, sa_of(v), v["timestamp"].get<uint64_t>()).ok());
        const bool bu = v["kind"] == "bu";
        mh::PacketSpec spec;
        spec.src = bu ? coa : ha;
        spec.dst = bu ? ha : coa;
        if (bu) spec.home_address = hoa;
        else spec.routing_header2 = hoa;
        auto built = mh::build_packet(spec, msg);
        ASSERT_TRUE(built.ok());
        EXPECT_EQ(hex(*built), v["packet"].get<std::string>());
    }
}

TEST(Authenticator, VerifyRefusesEveryAlteration) {
    const auto v = vectors()[0];
    auto r = receive(v["packet"]);
    auto sa = sa_of(v);
    auto coa = addr(v["care_of_address"]), hoa = addr(v["home_address"]);
    mh::Bytes mh(r.mh().begin(), r.mh().end());

    auto wrong_key = sa;
    wrong_key.key[0] ^= 1;
    EXPECT_EQ(verify(mh, coa, hoa, wrong_key), Verdict::bad_authenticator);
    auto wrong_spi = sa;
    wrong_spi.spi += 1;
    EXPECT_EQ(verify(mh, coa, hoa, wrong_spi), Verdict::wrong_spi);
    auto sha256 = sa;
    sha256.algorithm = Algorithm::HmacSha256_128;  // 16-byte MAC expected, 12 received
    EXPECT_EQ(verify(mh, coa, hoa, sha256), Verdict::bad_authenticator);
    // Another care-of address or home address: the same bytes do not verify.
    auto other = coa;
    other.s6_addr[15] ^= 1;
    EXPECT_EQ(verify(mh, other, hoa, sa), Verdict::bad_authenticator);
    EXPECT_EQ(verify(mh, coa, other, sa), Verdict::bad_authenticator);
    // Any bit of the covered message (the lifetime, byte 10) or of the MAC.
    for (size_t at : {size_t{10}, mh.size() - 1}) {
        auto changed = mh;
        changed[at] ^= 0x01;
        EXPECT_EQ(verify(changed, coa, hoa, sa), Verdict::bad_authenticator) << at;
    }
    // The checksum is not covered (RFC 4285 5.1: taken as zero).
    auto checksum = mh;
    checksum[4] ^= 0xff;
    EXPECT_EQ(verify(checksum, coa, hoa, sa), Verdict::ok);
}

TEST(Authenticator, NoOptionOrOptionNotLast) {
    mh::BindingUpdate bu;
    bu.sequence = 7;
    auto coa = addr("2001:db8:aa::9"), hoa = addr("2001:db8:1::4");
    SecurityAssociation sa{300, Algorithm::HmacSha1_96, mh::Bytes(20, 0x11)};
    auto plain = mh::encode(bu, hoa, coa);
    ASSERT_TRUE(plain.ok());
    EXPECT_EQ(verify(*plain, coa, hoa, sa), Verdict::no_authentication);
    // An option after the authenticator would not be covered by it.
    mh::Message msg = bu;
    ASSERT_TRUE(sign(msg, coa, hoa, sa, 1).ok());
    mh::options_of(msg).emplace_back(std::in_place_type<mh::BindingRefreshAdvice>, mh::BindingRefreshAdvice{5});
    auto trailing = mh::encode(msg, hoa, coa);
    ASSERT_TRUE(trailing.ok());
    EXPECT_EQ(verify(*trailing, coa, hoa, sa), Verdict::not_last);
}

TEST(Authenticator, PaddingAfterTheOptionIsRefused) {
    // RFC 4285 5: the option MUST be the last one. Eight more octets of
    // padding after a correctly signed message (PadN, or Pad1s, which the
    // option walk skips) make it not last; the authenticator still matches.
    for (const auto& v : vectors()) {
        SCOPED_TRACE(v["name"].get<std::string>());
        auto r = receive(v["packet"]);
        auto coa = addr(v["care_of_address"]), hoa = addr(v["home_address"]);
        mh::Bytes mh(r.mh().begin(), r.mh().end());
        ASSERT_EQ(verify(mh, coa, hoa, sa_of(v)), Verdict::ok);
        for (const mh::Bytes& pad : {mh::Bytes{1, 6, 0, 0, 0, 0, 0, 0}, mh::Bytes(8, 0)}) {
            auto padded = mh;
            padded.insert(padded.end(), pad.begin(), pad.end());
            padded[1] += 1;  // Header Len, in 8-octet units after the first 8
            EXPECT_EQ(verify(padded, coa, hoa, sa_of(v)), Verdict::not_last);
        }
    }
}

TEST(Authenticator, SignedMessagesEndWithTheOption) {
    // What xmip signs passes its own strict check, with either algorithm,
    // for a BU and a BA (and with a Binding Refresh Advice before it).
    auto coa = addr("2001:db8:aa::9"), hoa = addr("2001:db8:1::4");
    for (auto alg : {Algorithm::HmacSha1_96, Algorithm::HmacSha256_128}) {
        SecurityAssociation sa{300, alg, mh::Bytes(32, 0x22)};
        mh::BindingAck ba;
        ba.options.emplace_back(std::in_place_type<mh::BindingRefreshAdvice>, mh::BindingRefreshAdvice{5});
        for (mh::Message msg : {mh::Message{mh::BindingUpdate{}}, mh::Message{mh::BindingAck{}}, mh::Message{ba}}) {
            ASSERT_TRUE(sign(msg, coa, hoa, sa, 1).ok());
            auto encoded = mh::encode(msg, hoa, coa);
            ASSERT_TRUE(encoded.ok());
            EXPECT_EQ(verify(*encoded, coa, hoa, sa), Verdict::ok);
            const auto& auth = std::get<mh::Authentication>(mh::options_of(msg).back());
            ASSERT_GE(encoded->size(), auth.authenticator.size());
            EXPECT_TRUE(std::equal(auth.authenticator.begin(), auth.authenticator.end(),
                                   encoded->end() - static_cast<std::ptrdiff_t>(auth.authenticator.size())));
        }
    }
}

TEST(Authenticator, AlgorithmNamesAndLengths) {
    EXPECT_EQ(algorithm_from_string("hmac-sha1-96"), Algorithm::HmacSha1_96);
    EXPECT_EQ(algorithm_from_string("hmac-sha256-128"), Algorithm::HmacSha256_128);
    EXPECT_FALSE(algorithm_from_string("hmac-md5-96"));
    EXPECT_EQ(to_string(Algorithm::HmacSha256_128), "hmac-sha256-128");
    EXPECT_EQ(authenticator_length(Algorithm::HmacSha1_96), 12u);
    EXPECT_EQ(authenticator_length(Algorithm::HmacSha256_128), 16u);
}
