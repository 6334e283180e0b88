// SPDX-License-Identifier: BSD-2-Clause
// The mobile node's Mobile Prefix Discovery (RFC 6275 11.4.2-11.4.3) on the
// fakes and fake time: when the solicitation leaves, its backoff, which
// advertisements count, a renumbered home prefix followed (new home address
// registered, the old one deregistered), and bad advertisements counted.
#include <gtest/gtest.h>

#include "fakes.hpp"
#include "nd/mobility.hpp"
#include "nd/router.hpp"
#include "xmipd/mn_service.hpp"

namespace xmip::agent::test {
namespace {

using namespace std::chrono_literals;

const in6_addr kHa = addr("2001:db8:1::1");
const in6_addr kHoa = addr("2001:db8:1::10");
const in6_addr kNewHoa = addr("2001:db8:2::10");  // the renumbered prefix, our interface identifier
const in6_addr kCoa = addr("2001:db8:99::ff:fe00:1");
const in6_addr kRouter = addr("fe80::1");

nd::PrefixInformation pio(const char* prefix, uint32_t valid, uint32_t preferred) {
    nd::PrefixInformation p;
    p.prefix = addr(prefix);
    p.prefix_length = 64;
    p.on_link = true;
    p.autonomous = true;
    p.valid_lifetime = valid;
    p.preferred_lifetime = preferred;
    return p;
}

std::vector<uint8_t> mpa(uint16_t id, const std::vector<nd::PrefixInformation>& prefixes) {
    nd::MobilePrefixAdvertisement a;
    a.identifier = id;
    for (const auto& p : prefixes) a.options.emplace_back(std::in_place_type<nd::PrefixInformation>, p);
    return nd::encode(a);
}

class MnPrefixDiscoveryTest : public ::testing::Test {
protected:
    World w;
    std::unique_ptr<MnService> mn;

    void SetUp() override {
        mn = std::make_unique<MnService>(w.ctx, mn_config());
        w.attach(*mn);
    }
    FakeNdSocket& mpd() { return *w.wire.by_type.at(nd::kMobilePrefixAdvertisement); }
    std::vector<FakeNdSocket::Sent> solicitations() {
        std::vector<FakeNdSocket::Sent> r;
        for (const auto& s : mpd().sent)
            if (!s.bytes.empty() && s.bytes[0] == nd::kMobilePrefixSolicitation) r.push_back(s);
        return r;
    }
    uint16_t solicitation_id() {
        auto s = solicitations();
        EXPECT_FALSE(s.empty());
        return s.empty() ? 0 : nd::decode_mobile_prefix_solicitation(s.back().bytes)->identifier;
    }
    void ack(const in6_addr& hoa, uint32_t lifetime = 600) {
        auto bus = w.wire.binding_updates();
        ASSERT_FALSE(bus.empty());
        mh::BindingAck ba;
        ba.status = 0;
        ba.sequence = bus.back().sequence;
        ba.set_lifetime_seconds(lifetime);
        mh::PacketSpec spec;
        spec.src = kHa;
        spec.dst = kCoa;
        spec.routing_header2 = hoa;
        deliver_mh(*mn, spec, ba);
    }
    void registered() {
        w.wire.nd->deliver(kRouter, addr("ff02::1"), ra_for("2001:db8:99::"));
        w.turn();
        ack(kHoa);
    }
    void advertise(std::vector<uint8_t> bytes, const in6_addr& from = kHa, const in6_addr& to = kCoa) {
        mpd().deliver(from, to, std::move(bytes));
        w.turn();
    }
    // The BUs that left, with the home address each was for (the HAO).
    struct Bu {
        in6_addr hoa;
        uint16_t seq;
        uint32_t lifetime;
    };
    std::vector<Bu> bus() {
        std::vector<Bu> out;
        for (const auto& pkt : w.wire.packets)
            if (auto p = mh::parse_packet(pkt); p && p->message && p->info.home_address)
                if (auto* b = std::get_if<mh::BindingUpdate>(&*p->message))
                    out.push_back({*p->info.home_address, b->sequence, b->lifetime_seconds()});
        return out;
    }
};

// 11.4.2: not knowing the home prefix's lifetime, the node asks once its
// registration is accepted: from the care-of address to the home agent.
TEST_F(MnPrefixDiscoveryTest, SolicitsOnceRegisteredWhenTheLifetimeIsUnknown) {
    w.wire.nd->deliver(kRouter, addr("ff02::1"), ra_for("2001:db8:99::"));
    w.turn();
    EXPECT_TRUE(solicitations().empty()) << "not before the home agent accepts the care-of address";
    ack(kHoa);
    auto s = solicitations();
    ASSERT_EQ(s.size(), 1u) << w.journal.dump();
    EXPECT_EQ(str(s[0].dst), str(kHa));
    ASSERT_TRUE(s[0].src);
    EXPECT_EQ(str(*s[0].src), str(kCoa));
    EXPECT_EQ(w.stats.mps_sent, 1u);
    EXPECT_TRUE(mn->prefix_discovery().soliciting());
}

// Unanswered: INITIAL_SOLICIT_TIMER, doubled, at most MAX_BINDACK_TIMEOUT
// apart; the same identifier throughout.
TEST_F(MnPrefixDiscoveryTest, RetransmitsWithExponentialBackoff) {
    registered();
    std::vector<long> at;  // seconds after the first
    size_t seen = solicitations().size();
    ASSERT_EQ(seen, 1u);
    const uint16_t id = solicitation_id();
    for (long t = 1; t <= 140; t++) {
        w.advance(1s);
        if (solicitations().size() != seen) {
            seen = solicitations().size();
            at.push_back(t);
            EXPECT_EQ(solicitation_id(), id);
        }
    }
    EXPECT_EQ(at, (std::vector<long>{3, 9, 21, 45, 77, 109}));
}

// Known: asked again when the registration would outlive the prefix
// (valid 2000 s, registration 600 s: at 1400 s), not before.
TEST_F(MnPrefixDiscoveryTest, SolicitsBeforeTheHomePrefixLifetimeEnds) {
    registered();
    advertise(mpa(solicitation_id(), {pio("2001:db8:1::", 2000, 1000)}));
    EXPECT_FALSE(mn->prefix_discovery().soliciting());
    ASSERT_TRUE(mn->prefix_discovery().next_send());
    EXPECT_EQ(*mn->prefix_discovery().next_send() - w.loop.now(), std::chrono::seconds(1400));
    w.advance(1399s);
    EXPECT_EQ(solicitations().size(), 1u);
    w.advance(1s);
    EXPECT_EQ(solicitations().size(), 2u);
    // A lifetime shorter than the registration: at half of it, no loop.
    advertise(mpa(solicitation_id(), {pio("2001:db8:1::", 100, 100)}));
    ASSERT_TRUE(mn->prefix_discovery().next_send());
    EXPECT_EQ(*mn->prefix_discovery().next_send() - w.loop.now(), std::chrono::seconds(50));
    // Infinite: never again.
    w.advance(50s);
    advertise(mpa(solicitation_id(), {pio("2001:db8:1::", nd::kInfiniteLifetime, nd::kInfiniteLifetime)}));
    EXPECT_FALSE(mn->prefix_discovery().next_send());
}

TEST_F(MnPrefixDiscoveryTest, OnlyTheAnswerToOurSolicitationCounts) {
    registered();
    const uint16_t id = solicitation_id();
    advertise(mpa(static_cast<uint16_t>(id + 1), {pio("2001:db8:2::", 2000, 1000)}));
    advertise(mpa(id, {pio("2001:db8:2::", 2000, 1000)}), addr("2001:db8:1::66"));        // not our home agent
    advertise(mpa(id, {pio("2001:db8:2::", 2000, 1000)}), kHa, addr("2001:db8:99::77"));  // not our care-of
    EXPECT_EQ(w.stats.mpa_received, 3u);
    EXPECT_EQ(w.stats.mpa_drop_misc, 3u);
    EXPECT_EQ(str(mn->home_address()), str(kHoa)) << "no renumbering from any of them";
    EXPECT_FALSE(mn->prefix_discovery().valid_until());
    EXPECT_TRUE(mn->prefix_discovery().soliciting());
    advertise(mpa(id, {pio("2001:db8:1::", 2000, 1000)}));
    EXPECT_EQ(w.stats.mpa_drop_misc, 3u);
    EXPECT_FALSE(mn->prefix_discovery().soliciting());
    EXPECT_TRUE(mn->prefix_discovery().valid_until());
    // The same answer again: no solicitation outstanding, so not ours.
    advertise(mpa(id, {pio("2001:db8:2::", 2000, 1000)}));
    EXPECT_EQ(w.stats.mpa_drop_misc, 4u);
    EXPECT_EQ(str(mn->home_address()), str(kHoa));
}

// Unsolicited (unauthenticated without IPsec): a hint only. A solicitation
// with a new identifier goes out, at most one per INITIAL_SOLICIT_TIMER.
TEST_F(MnPrefixDiscoveryTest, UnsolicitedAdvertisementStartsASolicitation) {
    registered();
    const uint16_t first = solicitation_id();
    advertise(mpa(first, {pio("2001:db8:1::", 86400, 14400)}));
    advertise(mpa(7, {pio("2001:db8:2::", 86400, 14400)}));
    EXPECT_EQ(w.stats.mpa_drop_misc, 1u);
    EXPECT_EQ(solicitations().size(), 1u) << "not within INITIAL_SOLICIT_TIMER of the last";
    w.advance(3s);
    advertise(mpa(7, {pio("2001:db8:2::", 86400, 14400)}));
    EXPECT_EQ(w.stats.mpa_drop_misc, 2u);
    ASSERT_EQ(solicitations().size(), 2u);
    EXPECT_NE(solicitation_id(), first);
    EXPECT_EQ(str(mn->home_address()), str(kHoa));
    advertise(mpa(7, {pio("2001:db8:2::", 86400, 14400)}));  // while soliciting: counted only
    EXPECT_EQ(solicitations().size(), 2u);
}

// A withdrawn home prefix (not advertised) with a new one: the new home
// address is formed, added, registered; the old one deregistered at once.
TEST_F(MnPrefixDiscoveryTest, FollowsAWithdrawnHomePrefix) {
    registered();
    w.journal.lines.clear();
    advertise(mpa(solicitation_id(), {pio("2001:db8:2::", 86400, 14400)}));
    EXPECT_EQ(str(mn->home_address()), str(kNewHoa));
    EXPECT_EQ(mn->home_prefix().str(), "2001:db8:2::/64");
    EXPECT_GE(w.journal.find("addr add " + str(kNewHoa) + "/128"), 0) << w.journal.dump();
    EXPECT_GE(w.journal.find("addr del " + str(kHoa) + "/128"), 0) << w.journal.dump();
    EXPECT_EQ(w.tunnels.locals.count(str(kHoa)), 0u);
    EXPECT_EQ(w.tunnels.locals[str(kNewHoa)], LocalAddress::Signalling);
    EXPECT_GE(w.journal.find("map set " + str(kNewHoa) + " " + str(kCoa) + ">" + str(kHa) + " registering"), 0);
    EXPECT_GE(w.journal.find("map del " + str(kHoa)), 0);
    auto b = bus();
    ASSERT_EQ(b.size(), 3u);
    // After the first registration: the old address's lifetime-0 BU (its
    // sequence space continued), and the new one's registration.
    EXPECT_EQ(str(b[1].hoa), str(kHoa));
    EXPECT_EQ(b[1].lifetime, 0u);
    EXPECT_EQ(b[1].seq, static_cast<uint16_t>(b[0].seq + 1));
    EXPECT_EQ(str(b[2].hoa), str(kNewHoa));
    EXPECT_EQ(b[2].lifetime, 600u);
    EXPECT_FALSE(mn->retiring_home_address());
    // Accepted: the new home address's tunnel is released.
    ack(kNewHoa);
    EXPECT_FALSE(w.tunnels.find(kNewHoa)->registering);
    EXPECT_EQ(mn->status()["home_address"], str(kNewHoa));
    EXPECT_EQ(w.stats.ba_received, 2u);
}

// Deprecated (preferred 0) with a successor: the new address now, the old
// one kept until its valid lifetime (300 s) ends, then deregistered.
TEST_F(MnPrefixDiscoveryTest, DeprecatedHomePrefixIsRetiredWhenItsLifetimeEnds) {
    registered();
    advertise(mpa(solicitation_id(), {pio("2001:db8:1::", 300, 0), pio("2001:db8:2::", 86400, 14400)}));
    EXPECT_EQ(str(mn->home_address()), str(kNewHoa));
    ASSERT_TRUE(mn->retiring_home_address());
    EXPECT_EQ(str(*mn->retiring_home_address()), str(kHoa));
    EXPECT_EQ(w.tunnels.locals[str(kHoa)], LocalAddress::Signalling) << "still in use";
    auto zero = [&] {
        int n = 0;
        for (const auto& b : bus()) n += b.lifetime == 0 && core::same_addr(b.hoa, kHoa);
        return n;
    };
    w.advance(299s);
    EXPECT_EQ(zero(), 0);
    w.advance(1s);
    EXPECT_EQ(zero(), 1) << w.journal.dump();
    EXPECT_FALSE(mn->retiring_home_address());
    EXPECT_EQ(w.tunnels.locals.count(str(kHoa)), 0u);
}

// Malformed, no prefix, a link-local prefix, preferred past valid: counted,
// nothing used, the solicitation still outstanding.
TEST_F(MnPrefixDiscoveryTest, BadAdvertisementsAreCountedAndDropped) {
    registered();
    const uint16_t id = solicitation_id();
    auto good = mpa(id, {pio("2001:db8:2::", 2000, 1000)});
    advertise(std::vector<uint8_t>(good.begin(), good.begin() + 6));             // truncated
    advertise(std::vector<uint8_t>(good.begin(), good.begin() + 20));            // cut in an option
    advertise(mpa(id, {}));                                                      // no prefix
    advertise(mpa(id, {pio("fe80::", 2000, 1000)}));                             // link-local
    advertise(mpa(id, {pio("ff02::", 2000, 1000)}));                             // multicast
    advertise(mpa(id, {pio("2001:db8:2::", 1000, 2000)}));                       // preferred > valid
    advertise(mpa(id, {pio("2001:db8:1::", 2000, 1000), pio("fe80::", 1, 1)}));  // one bad spoils it
    EXPECT_EQ(w.stats.mpa_received, 7u);
    EXPECT_EQ(w.stats.mpa_drop_invalid, 7u);
    EXPECT_EQ(str(mn->home_address()), str(kHoa));
    EXPECT_TRUE(mn->prefix_discovery().soliciting());
    EXPECT_FALSE(mn->prefix_discovery().valid_until());
    advertise(good);
    EXPECT_EQ(str(mn->home_address()), str(kNewHoa)) << "the real answer still works";
}

}  // namespace
}  // namespace xmip::agent::test

namespace xmip::agent::test {
namespace {

// The retired home address's deregistration is tracked like our own: sent
// again after 1 s, 2 s, 4 s (a new sequence number each time) until its BA,
// at most 4 in all; its BA is taken for it, not for our home address.
class OldDeregistrationTest : public MnPrefixDiscoveryTest {
protected:
    std::vector<Bu> deregs() {
        std::vector<Bu> out;
        for (const auto& b : bus())
            if (b.lifetime == 0 && core::same_addr(b.hoa, kHoa)) out.push_back(b);
        return out;
    }
    void answer_old(uint16_t seq) {
        mh::BindingAck ba;
        ba.sequence = seq;
        mh::PacketSpec spec;
        spec.src = kHa;
        spec.dst = kCoa;
        spec.routing_header2 = kHoa;
        deliver_mh(*mn, spec, ba);
    }
    void renumber_withdrawn() {
        registered();
        advertise(mpa(solicitation_id(), {pio("2001:db8:2::", 86400, 14400)}));
        ack(kNewHoa);  // the new address's registration: bound
        ASSERT_EQ(deregs().size(), 1u);
    }
};

TEST_F(OldDeregistrationTest, RetransmittedWithBackoffUntilItsBa) {
    renumber_withdrawn();
    w.advance(999ms);
    EXPECT_EQ(deregs().size(), 1u);
    w.advance(1ms);
    ASSERT_EQ(deregs().size(), 2u) << w.journal.dump();
    EXPECT_EQ(deregs()[1].seq, static_cast<uint16_t>(deregs()[0].seq + 1));
    w.advance(2s);
    ASSERT_EQ(deregs().size(), 3u);
    const auto received = w.stats.ba_received, misc = w.stats.ba_drop_misc;
    answer_old(deregs()[1].seq);  // an earlier one's answer: not the end
    EXPECT_EQ(w.stats.ba_drop_misc, misc + 1);
    answer_old(deregs()[2].seq);
    EXPECT_EQ(w.stats.ba_received, received + 1);
    EXPECT_EQ(str(mn->home_address()), str(kNewHoa)) << "our own registration untouched";
    for (int i = 0; i < 60; i++) w.advance(1s);
    EXPECT_EQ(deregs().size(), 3u) << "answered: no more";
}

TEST_F(OldDeregistrationTest, UnansweredItStopsAfterFour) {
    renumber_withdrawn();
    for (int i = 0; i < 120; i++) w.advance(1s);  // 1 + 2 + 4 s, then the last one's 8 s
    EXPECT_EQ(deregs().size(), 4u) << w.journal.dump();
}

}  // namespace
}  // namespace xmip::agent::test
