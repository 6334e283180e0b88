// SPDX-License-Identifier: BSD-2-Clause
// The mobile node's check of Binding Acknowledgements, on the independent
// vectors: authentic answers pass, a bad authenticator, a replayed answer or
// one without Replay Protection is ignored; a 144 hands over the home
// agent's time.
#include "auth/ba_check.hpp"

#include "mh/codec.hpp"
#include "mh/packet.hpp"
#include "test_support.hpp"

using namespace xmip;
using namespace xmip::auth;
using namespace xmip::auth::test;

namespace {

struct Ba {
    mh::Bytes packet;
    mh::PacketInfo info;
    mh::BindingAck ba;
    mh::ByteView mh() const { return mh::ByteView(packet).subspan(info.mh_offset, info.mh_length); }
};

Ba receive(const nlohmann::json& v) {
    Ba b{unhex(v["packet"]), {}, {}};
    auto p = mh::parse_packet(b.packet);
    EXPECT_TRUE(p.ok() && p->message.ok());
    b.info = p->info;
    b.ba = std::get<mh::BindingAck>(*p->message);
    return b;
}

nlohmann::json vector_named(const std::string& name) {
    for (const auto& v : vectors())
        if (v["name"] == name) return v;
    ADD_FAILURE() << name;
    return {};
}

}  // namespace

TEST(BaCheck, AuthenticAnswerToOurUpdatePasses) {
    auto v = vector_named("ba-hmac-sha1-96");
    auto b = receive(v);
    uint64_t ts = v["timestamp"];
    // Our BU with sequence 7 went out twice: ts - 1 s, then ts.
    SentTimestamps sent{7, ts - (uint64_t{1} << 32), ts};
    EXPECT_EQ(check_binding_ack(b.mh(), b.info, b.ba, sa_of(v), sent).kind, BaCheck::Kind::ok);
}

TEST(BaCheck, BadAuthenticatorIsIgnored) {
    auto v = vector_named("ba-hmac-sha1-96");
    auto b = receive(v);
    uint64_t ts = v["timestamp"];
    SentTimestamps sent{7, ts, ts};
    b.packet.back() ^= 0x80;  // the last authenticator byte
    auto r = check_binding_ack(b.mh(), b.info, b.ba, sa_of(v), sent);
    EXPECT_EQ(r.kind, BaCheck::Kind::bad_authentication);
    EXPECT_EQ(r.auth, Verdict::bad_authenticator);
    // Signed with another key: the same.
    auto b2 = receive(v);
    auto other = sa_of(v);
    other.key[3] ^= 0x10;
    EXPECT_EQ(check_binding_ack(b2.mh(), b2.info, b2.ba, other, sent).kind, BaCheck::Kind::bad_authentication);
}

TEST(BaCheck, UnauthenticatedBaIsIgnored) {
    auto v = vector_named("ba-hmac-sha1-96");
    auto hoa = addr(v["home_address"]), coa = addr(v["care_of_address"]), ha = addr(v["home_agent"]);
    mh::BindingAck ba;
    ba.sequence = 7;
    mh::PacketSpec spec;
    spec.src = ha;
    spec.dst = coa;
    spec.routing_header2 = hoa;
    auto pkt = mh::build_packet(spec, ba);
    ASSERT_TRUE(pkt.ok());
    auto p = mh::parse_packet(*pkt);
    ASSERT_TRUE(p.ok());
    auto mh = mh::ByteView(*pkt).subspan(p->info.mh_offset, p->info.mh_length);
    auto r = check_binding_ack(mh, p->info, ba, sa_of(v), SentTimestamps{7, 1, 1});
    EXPECT_EQ(r.kind, BaCheck::Kind::bad_authentication);
    EXPECT_EQ(r.auth, Verdict::no_authentication);
}

TEST(BaCheck, ReplayedAnswerIsStale) {
    auto v = vector_named("ba-hmac-sha1-96");
    auto b = receive(v);
    uint64_t ts = v["timestamp"];
    // We have moved on: a later sequence number, later timestamps.
    EXPECT_EQ(check_binding_ack(b.mh(), b.info, b.ba, sa_of(v), SentTimestamps{8, ts + 10, ts + 20}).kind,
              BaCheck::Kind::stale);
    // The same sequence number but a timestamp we never sent.
    // (A wrong sequence number with our timestamp is authentic: the binding
    // update list ignores it, counted apart.)
    EXPECT_EQ(check_binding_ack(b.mh(), b.info, b.ba, sa_of(v), SentTimestamps{9, ts, ts}).kind, BaCheck::Kind::ok);
    EXPECT_EQ(check_binding_ack(b.mh(), b.info, b.ba, sa_of(v), SentTimestamps{7, ts + 1, ts + 2}).kind,
              BaCheck::Kind::stale);
}

TEST(BaCheck, IdMismatchCarriesTheHomeAgentsTime) {
    auto v = vector_named("ba-144-hmac-sha1-96");
    auto b = receive(v);
    EXPECT_EQ(b.ba.status, 144);
    auto r = check_binding_ack(b.mh(), b.info, b.ba, sa_of(v), SentTimestamps{7, 1, 2});
    EXPECT_EQ(r.kind, BaCheck::Kind::home_agent_time);
    EXPECT_EQ(r.ha_time, v["timestamp"].get<uint64_t>());
}
