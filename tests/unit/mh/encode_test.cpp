// SPDX-License-Identifier: BSD-2-Clause
// Encoding: option alignment and padding, message length, encode errors,
// packet building details, RFC 4285 helper errors.
#include <gtest/gtest.h>

#include "test_util.hpp"

namespace xmip::mh {
namespace {

using test::addr;
using test::from_hex;
using test::to_hex;

const in6_addr kA = addr("2001:db8::1");
const in6_addr kB = addr("2001:db8::2");
const in6_addr kHoa = addr("2001:db8:2700::4");

Bytes encoded(const Message& m) {
    auto r = encode(m, kA, kB);
    EXPECT_TRUE(r) << to_string(r.error().code);
    return r ? *r : Bytes{};
}

std::string option_area(const Message& m, size_t from) {
    Bytes b = encoded(m);
    return to_hex(ByteView(b).subspan(from));
}

TEST(Encode, OptionAlignmentAfterTheBuBody) {
    // The BU body ends at offset 12.
    auto bu = [](Option o) {
        BindingUpdate m;
        m.options.push_back(std::move(o));
        return Message(m);
    };
    // 2n at 12: none; 4 bytes; then 16.
    EXPECT_EQ(option_area(bu(BindingRefreshAdvice{0x1234}), 12), "02021234");
    // 8n+6: PadN(0) to 14, then 18 bytes: 32.
    EXPECT_EQ(option_area(bu(AlternateCareOfAddress{kHoa}), 12),
              "0100" "031020010db8270000000000000000000004");
    // 8n+2: PadN(4) to 18, 14 bytes: 32.
    EXPECT_EQ(option_area(bu(BindingAuthorizationData{{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}}), 12),
              "01040000000005" "0c0102030405060708090a0b0c");
    // 4n+1: Pad1 to 13, 2+5+12 = 19 bytes: 32.
    EXPECT_EQ(option_area(bu(Authentication{1, 0x01020304, Bytes(12, 0xaa)}), 12),
              "00" "091101" "01020304" "aaaaaaaaaaaaaaaaaaaaaaaa");
    // 8n+2 replay protection: PadN(4), 10 bytes: 28, PadN(2) to 32.
    EXPECT_EQ(option_area(bu(ReplayProtection{0x0102030405060708}), 12),
              "010400000000" "0a080102030405060708" "01020000");
    // Mobile network prefix (kept as unknown type 6): 8n+4 at 12, 20 bytes.
    EXPECT_EQ(option_area(bu(UnknownOption{6, Bytes(18, 0x11)}), 12), "0612" + std::string(36, '1'));
    // Unknown type: no alignment; 3 bytes then Pad1 to 16.
    EXPECT_EQ(option_area(bu(UnknownOption{99, {0xee}}), 12), "6301ee00");
}

TEST(Encode, EveryMessageIsAMultipleOf8WithItsHeaderLen) {
    std::vector<Message> msgs = {BindingRefreshRequest{}, HomeTestInit{}, CareOfTestInit{}, HomeTest{},
                                 CareOfTest{},            BindingUpdate{}, BindingAck{},    BindingError{}};
    size_t expected_sizes[] = {8, 16, 16, 24, 24, 16, 16, 24};
    for (size_t i = 0; i < msgs.size(); i++) {
        Bytes b = encoded(msgs[i]);
        EXPECT_EQ(b.size(), expected_sizes[i]) << i;
        EXPECT_EQ(b[0], 59);
        EXPECT_EQ(b[1], b.size() / 8 - 1);
        EXPECT_EQ(b[2], i);
        EXPECT_TRUE(decode(b, kA, kB));
        // And with one to eight bytes of unknown option, never misaligned.
        for (size_t n = 0; n < 8; n++) {
            Message m = msgs[i];
            options_of(m).push_back(UnknownOption{77, Bytes(n, 0x42)});
            Bytes c = encoded(m);
            EXPECT_EQ(c.size() % 8, 0u);
            auto back = decode(c, kA, kB);
            ASSERT_TRUE(back);
            EXPECT_EQ(*back, m);
        }
    }
}

TEST(Encode, Errors) {
    BindingUpdate bu;
    bu.options.push_back(UnknownOption{99, Bytes(256, 0)});
    auto r = encode(bu, kA, kB);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::option_too_long);
    EXPECT_EQ(r.error().detail, 99);

    bu.options = {Authentication{1, 1, Bytes(251, 0)}};  // 5 + 251 > 255
    EXPECT_EQ(encode(bu, kA, kB).error().code, Errc::option_too_long);
    bu.options = {Authentication{1, 1, Bytes(250, 0)}};
    EXPECT_TRUE(encode(bu, kA, kB));

    bu.options.assign(9, UnknownOption{99, Bytes(255, 0)});  // 9 * 257 > 2048
    EXPECT_EQ(encode(bu, kA, kB).error().code, Errc::message_too_long);
    bu.options.assign(7, UnknownOption{99, Bytes(255, 0)});
    auto big = encode(bu, kA, kB);
    ASSERT_TRUE(big);
    EXPECT_LE(big->size(), kMaxMhLength);

    bu.options = {BindingAuthorizationData{}, NonceIndices{}};
    EXPECT_EQ(encode(bu, kA, kB).error().code, Errc::auth_data_not_last);
    bu.options = {NonceIndices{}, BindingAuthorizationData{}};
    EXPECT_TRUE(encode(bu, kA, kB));
}

TEST(Encode, LargestMessageRoundTrips) {
    // 12 + 7 * 257 + Pad1... up to Header Len 255 at most.
    BindingUpdate bu;
    for (int i = 0; i < 7; i++) bu.options.push_back(UnknownOption{static_cast<uint8_t>(100 + i), Bytes(255, i)});
    bu.options.push_back(UnknownOption{120, Bytes(230, 7)});
    auto b = encode(bu, kA, kB);
    ASSERT_TRUE(b) << to_string(b.error().code);
    EXPECT_EQ(b->size(), 2048u);
    EXPECT_EQ((*b)[1], 255);
    auto back = decode(*b, kA, kB);
    ASSERT_TRUE(back);
    EXPECT_EQ(*back, Message(bu));
}

TEST(BuildPacket, HeaderFields) {
    PacketSpec spec;
    spec.src = kA;
    spec.dst = kB;
    spec.hop_limit = 3;
    spec.traffic_class = 0xb8;
    spec.flow_label = 0x12345;
    auto p = build_packet(spec, BindingRefreshRequest{});
    ASSERT_TRUE(p);
    EXPECT_EQ(to_hex(ByteView(*p).first(8)), "6b812345" "0008" "87" "03");
    auto parsed = parse_packet(*p);
    ASSERT_TRUE(parsed && parsed->message);
    EXPECT_EQ(parsed->info.hop_limit, 3);

    spec = PacketSpec{};
    spec.src = kA;
    spec.dst = kB;
    p = build_packet(spec, BindingRefreshRequest{});
    EXPECT_EQ((*p)[7], 64);  // default hop limit
}

TEST(BuildPacket, HomeAddressDestinationOptions) {
    EXPECT_EQ(to_hex(home_address_dstopts(kHoa)),
              "8702" "01020000" "c910" "20010db8270000000000000000000004");
    EXPECT_EQ(home_address_dstopts(kHoa, 59)[0], 59);
}

TEST(BuildPacket, SocketPartsRefuseARoutingHeader) {
    PacketSpec spec;
    spec.routing_header2 = kHoa;
    auto r = build_socket_parts(spec, BindingAck{});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::rh2_needs_raw_packet);
}

TEST(BuildPacket, SocketPartsChecksumOverTheHomeAddress) {
    PacketSpec spec;
    spec.src = kA;  // care-of address
    spec.dst = kB;
    spec.home_address = kHoa;
    auto parts = build_socket_parts(spec, BindingUpdate{});
    ASSERT_TRUE(parts);
    EXPECT_TRUE(decode(parts->mh, kHoa, kB));
    EXPECT_FALSE(decode(parts->mh, kA, kB));
}

BindingUpdate authenticated_bu() {
    BindingUpdate bu;
    bu.options = {ReplayProtection{5}, Authentication{Authentication::mn_ha, 7, Bytes(12, 0)}};
    return bu;
}

TEST(Auth, InputCoversTheMessageUpToTheSpiWithChecksumZero) {
    Bytes mh = encoded(authenticated_bu());
    auto in = authentication_input(mh, kA, kHoa);
    ASSERT_TRUE(in);
    // 32 bytes of addresses, then the MH up to the SPI: the option at 29
    // (after Pad1), type/len/subtype/SPI = 7 bytes -> 36.
    ASSERT_EQ(in->size(), 32u + 36u);
    EXPECT_EQ(to_hex(ByteView(*in).first(16)), to_hex(ByteView(kA.s6_addr, 16)));
    EXPECT_EQ(to_hex(ByteView(*in).subspan(16, 16)), to_hex(ByteView(kHoa.s6_addr, 16)));
    Bytes expected_mh(mh.begin(), mh.begin() + 36);
    expected_mh[4] = expected_mh[5] = 0;
    EXPECT_EQ(to_hex(ByteView(*in).subspan(32)), to_hex(expected_mh));
    EXPECT_EQ(to_hex(ByteView(*in).last(7)), "091101" "00000007");
}

TEST(Auth, FillingInTheAuthenticatorKeepsTheInput) {
    BindingUpdate bu = authenticated_bu();
    auto before = authentication_input(encoded(bu), kA, kHoa);
    std::get<Authentication>(bu.options[1]).authenticator = Bytes(12, 0x5c);
    auto after = authentication_input(encoded(bu), kA, kHoa);
    ASSERT_TRUE(before && after);
    EXPECT_EQ(*before, *after);
}

TEST(Auth, Errors) {
    EXPECT_EQ(authentication_input(encoded(BindingUpdate{}), kA, kHoa).error().code,
              Errc::no_authentication_option);
    // Only MN-AAA present, MN-HA asked for.
    BindingUpdate aaa;
    aaa.options = {Authentication{Authentication::mn_aaa, 1, Bytes(12, 0)}};
    EXPECT_EQ(authentication_input(encoded(aaa), kA, kHoa).error().code, Errc::no_authentication_option);
    EXPECT_TRUE(authentication_input(encoded(aaa), kA, kHoa, Authentication::mn_aaa));
    // An option after it would not be covered.
    BindingUpdate after;
    after.options = {Authentication{1, 1, Bytes(12, 0)}, NonceIndices{}};
    auto r = authentication_input(encoded(after), kA, kHoa);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::authentication_not_last);
    // MN-HA followed by MN-AAA is allowed.
    BindingUpdate both;
    both.options = {Authentication{1, 1, Bytes(12, 0)}, Authentication{2, 2, Bytes(12, 0)}};
    EXPECT_TRUE(authentication_input(encoded(both), kA, kHoa));
    // Garbage never reads out of bounds.
    EXPECT_FALSE(authentication_input(Bytes{}, kA, kHoa));
    EXPECT_FALSE(authentication_input(from_hex("3b01050000000000000000000009ff00"), kA, kHoa));
}

TEST(Format, Readable) {
    BindingUpdate bu;
    bu.sequence = 7;
    bu.flags = 0xc000;
    bu.lifetime = 900;
    bu.options = {AlternateCareOfAddress{kHoa}, UnknownOption{35, {1, 2}}};
    EXPECT_EQ(to_string(Message(bu)),
              "BU seq 7 flags c000 lifetime 3600s altcoa(2001:db8:2700::4) opt35(0102)");
    EXPECT_EQ(to_string(Errc::unknown_mh_type), "unknown MH type");
}

}  // namespace
}  // namespace xmip::mh
