// SPDX-License-Identifier: BSD-2-Clause
// The home agent's RFC 4285 checks, in order, on exact packets: the
// independent vector's Binding Update and alterations of it. A refusal
// changes nothing (the replay record stays as it was).
#include "auth/bu_guard.hpp"

#include "auth/authenticator.hpp"
#include "auth/ntp_time.hpp"
#include "mh/auth.hpp"
#include "mh/codec.hpp"
#include "mh/packet.hpp"
#include "test_support.hpp"

using namespace xmip;
using namespace xmip::auth;
using namespace xmip::auth::test;

namespace {

class GuardTest : public ::testing::Test {
protected:
    void SetUp() override {
        v = vectors()[0];  // bu-hmac-sha1-96
        sa = sa_of(v);
        coa = addr(v["care_of_address"]);
        hoa = addr(v["home_address"]);
        ha = addr(v["home_agent"]);
        ts = v["timestamp"].get<uint64_t>();
        GuardPolicy p;
        p.associations.emplace(hoa, sa);
        guard = BindingUpdateGuard(p);
        packet = unhex(v["packet"]);
        auto parsed = mh::parse_packet(packet);
        ASSERT_TRUE(parsed.ok() && parsed->message.ok());
        mh_bytes.assign(packet.begin() + static_cast<long>(parsed->info.mh_offset), packet.end());
        bu = std::get<mh::BindingUpdate>(*parsed->message);
    }

    GuardDecision check(uint64_t now) { return guard.check(mh_bytes, bu, coa, hoa, now); }

    // A BU built and signed by xmip with these options.
    void rebuild(const mh::Options& options) {
        bu.options = options;
        auto e = mh::encode(bu, hoa, ha);
        ASSERT_TRUE(e.ok());
        mh_bytes = *e;
    }

    nlohmann::json v;
    SecurityAssociation sa;
    in6_addr coa{}, hoa{}, ha{};
    uint64_t ts = 0;
    BindingUpdateGuard guard;
    mh::Bytes packet, mh_bytes;
    mh::BindingUpdate bu;
};

}  // namespace

TEST_F(GuardTest, ValidUpdateIsAcceptedAndItsTimestampEchoed) {
    auto d = check(ts + 3 * kNtpOneSecond);  // our clock 3 s ahead: inside the 7 s window
    EXPECT_TRUE(d.accept) << d.reason;
    EXPECT_TRUE(d.authenticated);
    EXPECT_EQ(d.bu_timestamp, ts);
    EXPECT_EQ(d.reply_timestamp, ts);
    EXPECT_EQ(d.sa, guard.association(hoa));
    EXPECT_FALSE(guard.last_timestamp(hoa));  // check() records nothing
}

TEST_F(GuardTest, ForgedUpdateWithoutAuthenticationIs146) {
    rebuild({});
    auto d = check(ts);
    EXPECT_FALSE(d.accept);
    EXPECT_EQ(d.status, mh::ba_status::auth_failed);
    EXPECT_FALSE(d.authenticated);
    EXPECT_FALSE(d.reply_timestamp);  // no clock for a forger
}

TEST_F(GuardTest, WrongKeyIs146) {
    auto other = sa;
    other.key.assign(20, 0x5a);
    mh::Message m = mh::BindingUpdate{bu.sequence, bu.flags, bu.lifetime, {}};
    ASSERT_TRUE(sign(m, coa, hoa, other, ts).ok());
    rebuild(mh::options_of(m));
    auto d = check(ts);
    EXPECT_FALSE(d.accept);
    EXPECT_EQ(d.status, mh::ba_status::auth_failed);
    EXPECT_STREQ(d.reason, "bad authenticator");
}

TEST_F(GuardTest, WrongSpiIs146) {
    auto other = sa;
    other.spi = 301;
    mh::Message m = mh::BindingUpdate{bu.sequence, bu.flags, bu.lifetime, {}};
    ASSERT_TRUE(sign(m, coa, hoa, other, ts).ok());
    rebuild(mh::options_of(m));
    auto d = check(ts);
    EXPECT_EQ(d.status, mh::ba_status::auth_failed);
    EXPECT_STREQ(d.reason, "unknown SPI");
}

TEST_F(GuardTest, HomeAddressWithoutAssociationIs146) {
    GuardPolicy p;  // knows nobody
    guard.set_policy(p);
    auto d = check(ts);
    EXPECT_EQ(d.status, mh::ba_status::auth_failed);
    EXPECT_EQ(d.sa, nullptr);
}

TEST_F(GuardTest, AuthenticatedWithoutReplayProtectionIs145) {
    // Authentication alone, the MAC computed by hand over xmip's encoding.
    mh::Options opts{mh::Authentication{mh::Authentication::mn_ha, sa.spi, mh::Bytes(12, 0)}};
    rebuild(opts);
    auto input = mh::authentication_input(mh_bytes, coa, hoa);
    ASSERT_TRUE(input.ok());
    std::get<mh::Authentication>(opts[0]).authenticator = compute_authenticator(sa, *input);
    rebuild(opts);
    auto d = check(ts);
    EXPECT_TRUE(d.authenticated);
    EXPECT_FALSE(d.accept);
    EXPECT_EQ(d.status, mh::ba_status::message_id_required);
}

TEST_F(GuardTest, TimestampOutsideTheWindowIs144WithOurTime) {
    for (int64_t off : {int64_t{8}, int64_t{-8}, int64_t{3600}}) {
        uint64_t now = ts - static_cast<uint64_t>(off * kNtpOneSecond);
        auto d = check(now);
        EXPECT_FALSE(d.accept) << off;
        EXPECT_EQ(d.status, mh::ba_status::id_mismatch);
        EXPECT_EQ(d.reply_timestamp, now);  // the home agent's clock
    }
    // The window is configurable.
    GuardPolicy p;
    p.associations.emplace(hoa, sa);
    p.replay_window_s = 10;
    guard.set_policy(p);
    EXPECT_TRUE(check(ts + 8 * kNtpOneSecond).accept);
}

TEST_F(GuardTest, ReplayedTimestampIs144) {
    ASSERT_TRUE(check(ts).accept);
    guard.accepted(hoa, ts);
    EXPECT_EQ(guard.last_timestamp(hoa), ts);
    auto d = check(ts + kNtpOneSecond);  // the very same packet again, a second later
    EXPECT_FALSE(d.accept);
    EXPECT_EQ(d.status, mh::ba_status::id_mismatch);
    EXPECT_STREQ(d.reason, "replayed timestamp");
    EXPECT_EQ(guard.last_timestamp(hoa), ts);  // unchanged
    // A newer one (signed by the MN a moment later) goes through.
    mh::Message m = mh::BindingUpdate{static_cast<uint16_t>(bu.sequence + 1), bu.flags, bu.lifetime, {}};
    ASSERT_TRUE(sign(m, coa, hoa, sa, ts + 1).ok());
    bu.sequence++;
    rebuild(mh::options_of(m));
    EXPECT_TRUE(check(ts + kNtpOneSecond).accept);
}

TEST_F(GuardTest, OptionalPrefixLetsHomeAddressesWithoutAssociationIn) {
    GuardPolicy p;
    p.optional_prefixes.push_back(core::Prefix{addr("2001:db8:1::"), 64});
    guard.set_policy(p);
    rebuild({});
    EXPECT_TRUE(check(ts).accept);
    // ... on that prefix only.
    auto elsewhere = addr("2001:db8:2::4");
    EXPECT_EQ(guard.check(mh_bytes, bu, coa, elsewhere, ts).status, mh::ba_status::auth_failed);
    // A home address with an association authenticates even there.
    p.associations.emplace(hoa, sa);
    guard.set_policy(p);
    auto d = check(ts);
    EXPECT_FALSE(d.accept);
    EXPECT_EQ(d.status, mh::ba_status::auth_failed);
}

TEST_F(GuardTest, AcceptedRecordsOnlyHomeAddressesWithAnAssociation) {
    guard.accepted(addr("2001:db8:1::99"), ts);
    EXPECT_FALSE(guard.last_timestamp(addr("2001:db8:1::99")));
    guard.accepted(hoa, ts);
    GuardPolicy none;
    guard.set_policy(none);  // the association went away: its record too
    EXPECT_FALSE(guard.last_timestamp(hoa));
}

TEST(NtpTime, UnixEpochAndFractions) {
    using namespace std::chrono;
    EXPECT_EQ(to_ntp(system_clock::time_point{}), kNtpUnixOffsetSeconds << 32);
    EXPECT_EQ(to_ntp(system_clock::time_point{} + milliseconds(500)), (kNtpUnixOffsetSeconds << 32) | 0x80000000u);
    EXPECT_EQ(ntp_diff(5, 7), -2);
    EXPECT_EQ(ntp_diff(uint64_t{1} << 32, 0), kNtpOneSecond);
}

TEST(TimestampSource, IncreasingAndShiftedToTheHomeAgentsClock) {
    const uint64_t now = to_ntp(std::chrono::system_clock::now());  // top bit set: after 1968
    TimestampSource t;
    EXPECT_EQ(t.next(now), now);  // the clock as it is, the first time too
    EXPECT_EQ(t.next(now), now + 1);  // never the same twice
    EXPECT_EQ(t.next(now - kNtpOneSecond), now + 2);  // nor going back
    t.adopt(now + 100 * kNtpOneSecond, now);  // a 144: the HA is 100 s ahead
    EXPECT_EQ(t.offset(), 100 * kNtpOneSecond);
    EXPECT_EQ(t.next(now + 1000), now + 100 * kNtpOneSecond + 1000);
    EXPECT_EQ(t.last(), now + 100 * kNtpOneSecond + 1000);
}
