// SPDX-License-Identifier: BSD-2-Clause
// The home agent's discovery answers (RFC 6275 10.5, 10.6) through the
// service on the fakes: the anycast membership, DHAAD replies by
// preference, Mobile Prefix Advertisements, rate limits and bad input.
// Expected bytes: gen_discovery_vectors.py (scapy), pasted below.
#include <gtest/gtest.h>

#include "fakes.hpp"
#include "nd/mobility.hpp"
#include "nd/router.hpp"
#include "xmipd/ha_service.hpp"

namespace xmip::agent::test {
namespace {

using namespace std::chrono_literals;

// /usr/bin/python3 tests/unit/xmipd/gen_discovery_vectors.py
const std::vector<uint8_t> kRequest = {0x90, 0x00, 0x00, 0x00, 0x12, 0x34, 0x00, 0x00};
const std::vector<uint8_t> kReply = {0x91, 0x00, 0x00, 0x00, 0x12, 0x34, 0x00, 0x00, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01,
                                     0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x20, 0x01, 0x0d, 0xb8,
                                     0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01};
const std::vector<uint8_t> kReplyAlone = {0x91, 0x00, 0x00, 0x00, 0x12, 0x34, 0x00, 0x00, 0x20, 0x01, 0x0d, 0xb8,
                                          0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01};
const std::vector<uint8_t> kSolicitation = {0x92, 0x00, 0x00, 0x00, 0x43, 0x21, 0x00, 0x00};
const std::vector<uint8_t> kAdvertisement = {0x93, 0x00, 0x00, 0x00, 0x43, 0x21, 0x00, 0x00, 0x03, 0x04,
                                             0x40, 0xe0, 0x00, 0x00, 0x2e, 0xe0, 0x00, 0x00, 0x27, 0x10,
                                             0x00, 0x00, 0x00, 0x00, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01,
                                             0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01};
const std::vector<uint8_t> kAdvertisementRenumbering = {
    0x93, 0x00, 0x00, 0x00, 0x43, 0x21, 0x00, 0x00, 0x03, 0x04, 0x40, 0xe0, 0x00, 0x00, 0x2e, 0xe0, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x01, 0x03, 0x04, 0x40, 0xc0, 0x00, 0x00, 0x2e, 0xe0, 0x00, 0x00, 0x27, 0x10, 0x00, 0x00,
    0x00, 0x00, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x05, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};

const in6_addr kHa = addr("2001:db8:1::1");
const in6_addr kAnycast = addr("2001:db8:1::fdff:ffff:ffff:fffe");
const in6_addr kHoa = addr("2001:db8:1::10");
const in6_addr kCoa = addr("2001:db8:99::5");

config::Config ha_config() {
    config::Config c;
    c.role = config::Role::HomeAgent;
    c.instance = "test";
    c.datapath.interfaces = {"eth0"};
    config::HomeAgent h;
    h.address = *config::Ip6Address::parse("2001:db8:1::1");
    h.home_link = "eth0";
    h.prefixes = {*core::Prefix::parse("2001:db8:1::/64")};
    h.router_advertisements.enabled = false;  // no RA timer in the way
    h.auth_optional_prefixes = h.prefixes;
    c.home_agent = h;
    return c;
}

// Another home agent's RA: preference 10, its address 2001:db8:1::2.
std::vector<uint8_t> other_home_agent_ra(int16_t preference) {
    nd::RouterAdvertisement ra;
    ra.home_agent = true;
    ra.router_lifetime = 9;
    nd::PrefixInformation pi;
    pi.prefix_length = 64;
    pi.on_link = pi.autonomous = pi.router_address = true;
    pi.valid_lifetime = 12000;
    pi.preferred_lifetime = 10000;
    pi.prefix = addr("2001:db8:1::2");
    ra.options.emplace_back(std::in_place_type<nd::PrefixInformation>, pi);
    ra.options.emplace_back(std::in_place_type<nd::HomeAgentInformation>,
                            nd::HomeAgentInformation{preference, 1800, false});
    return nd::encode(ra);
}

class HaDiscoveryTest : public ::testing::Test {
protected:
    World w;
    std::unique_ptr<HaService> ha;

    void SetUp() override { start(ha_config()); }
    void start(const config::Config& c) {
        ha = std::make_unique<HaService>(w.ctx, c);
        w.attach(*ha);
        w.journal.lines.clear();
    }
    FakeNdSocket& link() { return *w.wire.nd; }
    void arrive(const in6_addr& src, const in6_addr& dst, std::vector<uint8_t> icmp) {
        link().deliver(src, dst, std::move(icmp));
        w.turn();
    }
    size_t sent_of_type(uint8_t type) const {
        size_t n = 0;
        for (const auto& s : w.wire.nd->sent) n += !s.bytes.empty() && s.bytes[0] == type;
        return n;
    }
    void register_binding() {
        mh::BindingUpdate b;
        b.sequence = 1;
        b.flags = mh::BindingUpdate::flag_ack | mh::BindingUpdate::flag_home;
        b.set_lifetime_seconds(600);
        mh::PacketSpec s;
        s.src = kCoa;
        s.dst = kHa;
        s.home_address = kHoa;
        deliver_mh(*ha, s, b);
        w.advance(DadProbes::kWait);
        ASSERT_EQ(w.tunnels.map.size(), 1u) << w.journal.dump();
    }
};

TEST_F(HaDiscoveryTest, JoinsTheHomeAgentsAnycastOfItsHomePrefix) {
    ASSERT_EQ(link().anycast.size(), 1u);
    EXPECT_EQ(str(link().anycast[0]), str(kAnycast));
}

TEST_F(HaDiscoveryTest, RepliesWithItselfWhenAlone) {
    arrive(kCoa, kAnycast, kRequest);
    ASSERT_FALSE(link().sent.empty());
    const auto& s = link().sent.back();
    EXPECT_EQ(str(s.dst), str(kCoa)) << "to the care-of address the request came from";
    ASSERT_TRUE(s.src.has_value());
    EXPECT_EQ(str(*s.src), str(kHa)) << "from our unicast address, not the anycast one";
    EXPECT_EQ(s.bytes, kReplyAlone);
    EXPECT_EQ(w.stats.hareq_received, 1u);
    EXPECT_EQ(w.stats.harep_sent, 1u);
}

TEST_F(HaDiscoveryTest, ListsTheHomeAgentsListByPreference) {
    arrive(addr("fe80::2"), addr("ff02::1"), other_home_agent_ra(10));
    arrive(kCoa, kAnycast, kRequest);
    ASSERT_FALSE(link().sent.empty());
    EXPECT_EQ(link().sent.back().bytes, kReply) << "the preferred (10) first, then us (0)";
}

TEST_F(HaDiscoveryTest, ALessPreferredHomeAgentComesAfterUs) {
    arrive(addr("fe80::2"), addr("ff02::1"), other_home_agent_ra(-5));
    arrive(kCoa, kAnycast, kRequest);
    auto reply = nd::decode_dhaad_reply(link().sent.back().bytes);
    ASSERT_TRUE(reply);
    ASSERT_EQ(reply->home_agents.size(), 2u);
    EXPECT_EQ(str(reply->home_agents[0]), "2001:db8:1::1");
    EXPECT_EQ(str(reply->home_agents[1]), "2001:db8:1::2");
}

TEST_F(HaDiscoveryTest, BadRequestsAreCountedAndUnanswered) {
    arrive(kCoa, kHa, kRequest);                                                           // not to the anycast address
    arrive(kCoa, kAnycast, std::vector<uint8_t>(kRequest.begin(), kRequest.begin() + 5));  // truncated
    arrive(addr("fe80::9"), kAnycast, kRequest);                                           // a link-local source
    EXPECT_EQ(sent_of_type(nd::kDhaadReply), 0u);
    EXPECT_EQ(w.stats.hareq_received, 3u);
    EXPECT_EQ(w.stats.hareq_drop_invalid, 3u);
}

TEST_F(HaDiscoveryTest, AFloodFromManySourcesIsRateLimitedAndChangesNothing) {
    const size_t sources = 300;
    for (size_t i = 0; i < sources; i++) {
        in6_addr src = addr("2001:db8:77::");
        src.s6_addr[14] = static_cast<uint8_t>(i >> 8);
        src.s6_addr[15] = static_cast<uint8_t>(i);
        link().deliver(src, kAnycast, kRequest);
    }
    w.turn();
    const auto limit = static_cast<size_t>(HaDiscovery::kTotal.burst);
    EXPECT_EQ(sent_of_type(nd::kDhaadReply), limit);
    EXPECT_EQ(w.stats.hareq_drop_ratelimit, sources - limit);
    EXPECT_TRUE(w.tunnels.map.empty());
    EXPECT_EQ(w.journal.find("file"), -1) << "no state written";
    // A second later the budget is back (50 a second).
    w.advance(1s);
    arrive(addr("2001:db8:78::1"), kAnycast, kRequest);
    EXPECT_EQ(sent_of_type(nd::kDhaadReply), limit + 1);
}

TEST_F(HaDiscoveryTest, OneSourceGetsABurstThenOneASecond) {
    for (int i = 0; i < 6; i++) link().deliver(kCoa, kAnycast, kRequest);
    w.turn();
    EXPECT_EQ(sent_of_type(nd::kDhaadReply), static_cast<size_t>(HaDiscovery::kPerSource.burst));
    EXPECT_EQ(w.stats.hareq_drop_ratelimit, 6u - static_cast<size_t>(HaDiscovery::kPerSource.burst));
}

TEST_F(HaDiscoveryTest, APrefixSolicitationFromARegisteredCareOfIsAnswered) {
    register_binding();
    arrive(kCoa, kHa, kSolicitation);
    ASSERT_EQ(sent_of_type(nd::kMobilePrefixAdvertisement), 1u);
    const auto& s = link().sent.back();
    EXPECT_EQ(str(s.dst), str(kCoa));
    EXPECT_EQ(s.bytes, kAdvertisement);
    EXPECT_EQ(w.stats.mps_received, 1u);
    EXPECT_EQ(w.stats.mpa_sent, 1u);
}

TEST_F(HaDiscoveryTest, APrefixSolicitationFromAnyoneElseIsDropped) {
    arrive(kCoa, kHa, kSolicitation);  // no binding: without IPsec, no answer
    arrive(kCoa, kHa, std::vector<uint8_t>(kSolicitation.begin(), kSolicitation.begin() + 4));
    EXPECT_EQ(sent_of_type(nd::kMobilePrefixAdvertisement), 0u);
    EXPECT_EQ(w.stats.mps_drop_misc, 1u);
    EXPECT_EQ(w.stats.mps_drop_invalid, 1u);
}

TEST_F(HaDiscoveryTest, ChangedHomePrefixesAreAdvertisedUnsolicited) {
    register_binding();
    auto c = ha_config();
    ha->reload(c);
    EXPECT_EQ(sent_of_type(nd::kMobilePrefixAdvertisement), 0u) << "nothing changed, nothing sent";
    c.home_agent->prefixes.push_back(*core::Prefix::parse("2001:db8:5::/64"));
    ha->reload(c);
    ASSERT_EQ(sent_of_type(nd::kMobilePrefixAdvertisement), 1u);
    EXPECT_EQ(str(link().sent.back().dst), str(kCoa));
    auto mpa = nd::decode_mobile_prefix_advertisement(link().sent.back().bytes);
    ASSERT_TRUE(mpa);
    auto prefixes = nd::options_of<nd::PrefixInformation>(mpa->options);
    ASSERT_EQ(prefixes.size(), 2u);
    EXPECT_EQ(str(prefixes[1].prefix), "2001:db8:5::");
    EXPECT_EQ(str(link().anycast.back()), str(addr("2001:db8:5::fdff:ffff:ffff:fffe")))
        << "the new prefix's anycast joined";
}

TEST_F(HaDiscoveryTest, ADeprecatedHomePrefixIsAdvertisedWithPreferredLifetimeZero) {
    // Renumbering (RFC 6275 10.6.2): a new prefix added and the old one
    // deprecated in one reload; the mobile node away hears it unsolicited,
    // then in the answer to its solicitation, byte for byte the same.
    register_binding();
    auto c = ha_config();
    c.home_agent->prefixes.push_back(*core::Prefix::parse("2001:db8:5::/64"));
    c.home_agent->deprecated_prefixes = {*core::Prefix::parse("2001:db8:1::/64")};
    ha->reload(c);
    ASSERT_EQ(sent_of_type(nd::kMobilePrefixAdvertisement), 1u);
    arrive(kCoa, kHa, kSolicitation);
    ASSERT_EQ(sent_of_type(nd::kMobilePrefixAdvertisement), 2u);
    EXPECT_EQ(link().sent.back().bytes, kAdvertisementRenumbering);
    // Deprecating it again changes nothing: no second unsolicited one.
    ha->reload(c);
    EXPECT_EQ(sent_of_type(nd::kMobilePrefixAdvertisement), 2u);
    // Undeprecated: a change, advertised.
    c.home_agent->deprecated_prefixes.clear();
    ha->reload(c);
    EXPECT_EQ(sent_of_type(nd::kMobilePrefixAdvertisement), 3u);
}

}  // namespace
}  // namespace xmip::agent::test
