// SPDX-License-Identifier: BSD-2-Clause
// decode() on hand-made malformed Mobility Headers: every error it reports,
// with the checksum made right for the bytes so the intended check is the one
// that fails.
#include <gtest/gtest.h>

#include "test_util.hpp"

namespace xmip::mh {
namespace {

using test::addr;
using test::fix_checksum;

const in6_addr kSrc = addr("2001:db8:3::100");
const in6_addr kDst = addr("2001:db8:2700::2");
const in6_addr kHoa = addr("2001:db8:2700::4");

Bytes checksummed(Bytes mh) {
    fix_checksum(mh, kSrc, kDst);
    return mh;
}

// A valid BU: seq 1, A|H, lifetime 16 units, PadN(2) to 16 bytes.
Bytes valid_bu() {
    return checksummed({59, 1, 5, 0, 0, 0, 0x00, 0x01, 0xc0, 0x00, 0x00, 0x10, 1, 2, 0, 0});
}

Error decode_error(const Bytes& mh) {
    auto r = decode(mh, kSrc, kDst);
    EXPECT_FALSE(r) << "decoded: " << (r ? to_string(*r) : "");
    return r ? Error{} : r.error();
}

TEST(MhErrors, ValidBaselineDecodes) {
    auto r = decode(valid_bu(), kSrc, kDst);
    ASSERT_TRUE(r);
    auto& bu = std::get<BindingUpdate>(*r);
    EXPECT_EQ(bu.sequence, 1);
    EXPECT_TRUE(bu.ack() && bu.home_registration());
    EXPECT_EQ(bu.lifetime_seconds(), 64u);
    EXPECT_TRUE(bu.options.empty());
}

TEST(MhErrors, Truncated) {
    Bytes mh = valid_bu();
    for (size_t n = 0; n < 8; n++) {
        Error e = decode_error(Bytes(mh.begin(), mh.begin() + static_cast<std::ptrdiff_t>(n)));
        EXPECT_EQ(e.code, Errc::truncated) << n;
    }
}

TEST(MhErrors, LengthNotMultipleOf8) {
    Bytes mh = valid_bu();
    for (size_t n : {9, 12, 15, 17}) {
        Bytes b = mh;
        b.resize(n);
        EXPECT_EQ(decode_error(b).code, Errc::length_not_multiple_of_8) << n;
    }
}

TEST(MhErrors, HeaderLengthInconsistentWithTheData) {
    Bytes longer = valid_bu();
    longer[1] = 2;  // says 24 bytes, holds 16
    fix_checksum(longer, kSrc, kDst);
    Error e = decode_error(longer);
    EXPECT_EQ(e.code, Errc::header_length_mismatch);
    EXPECT_EQ(e.offset, 1u);

    Bytes shorter = valid_bu();
    shorter[1] = 0;  // says 8 bytes, holds 16
    fix_checksum(shorter, kSrc, kDst);
    EXPECT_EQ(decode_error(shorter).code, Errc::header_length_mismatch);

    Bytes extra = valid_bu();
    extra.insert(extra.end(), 8, 0);  // 24 bytes, Header Len still 1
    EXPECT_EQ(decode_error(extra).code, Errc::header_length_mismatch);
}

TEST(MhErrors, PayloadProtoNot59) {
    Bytes mh = valid_bu();
    mh[0] = 6;
    fix_checksum(mh, kSrc, kDst);
    Error e = decode_error(mh);
    EXPECT_EQ(e.code, Errc::bad_payload_proto);
    EXPECT_EQ(e.offset, 0u);  // the ICMP Parameter Problem pointer (RFC 6275 9.2)
}

TEST(MhErrors, EverySingleByteChangeFailsTheChecksum) {
    Bytes good = valid_bu();
    for (size_t i = 0; i < good.size(); i++) {
        if (i == 1) continue;  // Header Len: caught as a length mismatch first
        Bytes mh = good;
        mh[i] ^= 0x01;
        Error e = decode_error(mh);
        EXPECT_EQ(e.code, Errc::bad_checksum) << "byte " << i;
        EXPECT_EQ(e.offset, 4u);
    }
}

TEST(MhErrors, ChecksumUsesTheGivenPseudoHeader) {
    // A BU from a mobile node away from home is checksummed over its home
    // address (the HAO), not the care-of address in the IPv6 source.
    Bytes mh{59, 1, 5, 0, 0, 0, 0x00, 0x01, 0xc0, 0x00, 0x00, 0x10, 1, 2, 0, 0};
    fix_checksum(mh, kHoa, kDst);
    EXPECT_TRUE(decode(mh, kHoa, kDst));
    auto wrong = decode(mh, kSrc, kDst);
    ASSERT_FALSE(wrong);
    EXPECT_EQ(wrong.error().code, Errc::bad_checksum);
    EXPECT_FALSE(decode(mh, kHoa, kSrc));  // and over the final destination
}

TEST(MhErrors, UnknownMhTypeReturnsTheType) {
    for (uint8_t type : {8, 9, 17, 255}) {
        Bytes mh = checksummed({59, 1, type, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
        Error e = decode_error(mh);
        EXPECT_EQ(e.code, Errc::unknown_mh_type);
        EXPECT_EQ(e.mh_type, type);  // for the Binding Error, status 2
        EXPECT_EQ(e.offset, 2u);
    }
}

TEST(MhErrors, ShorterThanItsFixedBody) {
    // 8 bytes hold the 6-byte common part and 2 bytes of body: enough for a
    // BRR only.
    for (uint8_t type : {1, 2, 3, 4, 5, 6, 7}) {
        Bytes mh = checksummed({59, 0, type, 0, 0, 0, 0, 0});
        Error e = decode_error(mh);
        EXPECT_EQ(e.code, Errc::message_too_short) << int(type);
        EXPECT_EQ(e.mh_type, type);
    }
    EXPECT_TRUE(decode(checksummed({59, 0, 0, 0, 0, 0, 0, 0}), kSrc, kDst));
    // 16 bytes: enough for HoTI/CoTI/BU/BA, not for HoT/CoT/BE (24).
    for (uint8_t type : {3, 4, 7}) {
        Bytes mh = checksummed({59, 1, type, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
        EXPECT_EQ(decode_error(mh).code, Errc::message_too_short) << int(type);
    }
    for (uint8_t type : {1, 2, 5, 6}) {
        Bytes mh = checksummed({59, 1, type, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
        EXPECT_TRUE(decode(mh, kSrc, kDst)) << int(type);
    }
}

TEST(MhErrors, OptionOverrunsTheMessage) {
    // PadN claiming 3 bytes where 2 remain.
    Error e = decode_error(checksummed({59, 1, 5, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 0, 0}));
    EXPECT_EQ(e.code, Errc::option_overrun);
    EXPECT_EQ(e.offset, 12u);
    // An option type in the last byte, with no room for its length.
    e = decode_error(checksummed({59, 1, 5, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 2}));
    EXPECT_EQ(e.code, Errc::option_overrun);
    EXPECT_EQ(e.offset, 15u);
    // An Alternate CoA cut short by the end of the message.
    e = decode_error(checksummed({59, 1, 5, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 3, 16}));
    EXPECT_EQ(e.code, Errc::option_overrun);
    EXPECT_EQ(e.offset, 14u);
    // An unknown option too.
    e = decode_error(checksummed({59, 1, 5, 0, 0, 0, 0, 1, 0, 0, 0, 0, 99, 200, 0, 0}));
    EXPECT_EQ(e.code, Errc::option_overrun);
}

// A BU whose option area (from offset 12) is `options`, padded with Pad1 to a
// multiple of 8.
Bytes bu_with_options(std::initializer_list<uint8_t> options) {
    Bytes mh{59, 0, 5, 0, 0, 0, 0, 1, 0xc0, 0, 0, 1};
    mh.insert(mh.end(), options);
    while (mh.size() % 8) mh.push_back(0);
    mh[1] = static_cast<uint8_t>(mh.size() / 8 - 1);
    return checksummed(mh);
}

TEST(MhErrors, OptionOfWrongLengthForItsType) {
    struct Case {
        const char* what;
        Bytes mh;
    };
    Case cases[] = {
        {"refresh advice of 3", bu_with_options({2, 3, 0, 1, 2})},
        {"refresh advice of 0", bu_with_options({2, 0})},
        {"alternate CoA of 8", bu_with_options({0, 0, 3, 8, 1, 2, 3, 4, 5, 6, 7, 8})},
        {"nonce indices of 16 (scapy's default olen)",
         bu_with_options({4, 16, 0, 1, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0})},
        {"nonce indices of 2", bu_with_options({4, 2, 0, 1})},
        {"authorization data of 16",
         bu_with_options({0, 0, 0, 0, 0, 0, 5, 16, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16})},
        {"replay protection of 4", bu_with_options({10, 4, 1, 2, 3, 4})},
        {"authentication of 4 (no room for subtype and SPI)", bu_with_options({0, 9, 4, 1, 0, 0, 1})},
    };
    for (const auto& c : cases) {
        Error e = decode_error(c.mh);
        EXPECT_EQ(e.code, Errc::option_bad_length) << c.what;
        EXPECT_GE(e.offset, 12u) << c.what;
        EXPECT_EQ(e.mh_type, mh_type::bu) << c.what;
    }
    // An authentication option with an empty authenticator is well formed.
    auto ok = decode(bu_with_options({0, 9, 5, 1, 0, 0, 1, 0}), kSrc, kDst);
    ASSERT_TRUE(ok);
    EXPECT_EQ(std::get<BindingUpdate>(*ok).options.at(0), Option(Authentication{1, 256, {}}));
}

TEST(MhErrors, BindingAuthorizationDataNotLast) {
    // BAD (12 bytes) at 8n+2, then Nonce Indices.
    Bytes mh = bu_with_options({0, 0, 0, 0, 0, 0, 5, 12, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
                                4, 4, 0, 1, 0, 2});
    Error e = decode_error(mh);
    EXPECT_EQ(e.code, Errc::auth_data_not_last);
    EXPECT_EQ(e.offset, 32u);
    // Any option after it, known or not.
    mh = bu_with_options({0, 0, 0, 0, 0, 0, 5, 12, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 99, 0});
    EXPECT_EQ(decode_error(mh).code, Errc::auth_data_not_last);
    // Padding after it is not an option: accepted.
    mh = bu_with_options({0, 0, 0, 0, 0, 0, 5, 12, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 6, 0, 0, 0, 0, 0, 0});
    auto ok = decode(mh, kSrc, kDst);
    ASSERT_TRUE(ok) << to_string(ok.error().code);
    EXPECT_EQ(options_of(*ok).size(), 1u);
}

TEST(MhErrors, ReservedFieldsAreIgnored) {
    // The common header's reserved byte, the BRR/HoTI reserved words, the BE
    // reserved byte: set on the wire, ignored (RFC 6275 6.1.x).
    auto brr = decode(checksummed({59, 0, 0, 0xff, 0, 0, 0xab, 0xcd}), kSrc, kDst);
    ASSERT_TRUE(brr);
    EXPECT_EQ(*brr, Message(BindingRefreshRequest{}));
    auto be = decode(checksummed({59, 2, 7, 0, 0, 0, 1, 0xff, 0x20, 1, 0x0d, 0xb8, 0, 0, 0, 0,
                                  0, 0, 0, 0, 0, 0, 0, 4}),
                     kSrc, kDst);
    ASSERT_TRUE(be);
    EXPECT_EQ(std::get<BindingError>(*be).status, 1);
    EXPECT_EQ(format_address(std::get<BindingError>(*be).home_address), "2001:db8::4");
}

}  // namespace
}  // namespace xmip::mh
