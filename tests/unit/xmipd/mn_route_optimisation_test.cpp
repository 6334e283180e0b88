// SPDX-License-Identifier: BSD-2-Clause
// The mobile node's route optimisation (issue 13) against recording fakes:
// a correspondent played here with its own Kcn and nonces (rr/crypto, whose
// values tests/unit/rr checks against Python's hmac/hashlib), the BU's
// authenticator verified independently of the code that signed it.
#include <gtest/gtest.h>
#include <netinet/icmp6.h>

#include "fakes.hpp"
#include "nd/router.hpp"
#include "rr/crypto.hpp"
#include "xmipd/mn_service.hpp"

namespace xmip::agent::test {
namespace {

using namespace std::chrono_literals;

const in6_addr kHa = addr("2001:db8:1::1");
const in6_addr kHoa = addr("2001:db8:1::10");
const in6_addr kCoa = addr("2001:db8:99::ff:fe00:1");  // EUI-64 of the fake link's MAC
const in6_addr kCoa2 = addr("2001:db8:98::ff:fe00:1");
const in6_addr kCn = addr("2001:db8:5::2");
const in6_addr kRouter = addr("fe80::1");
const rr::Kcn kKcn{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20};
const rr::Nonce kHomeNonce{0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8};
const rr::Nonce kCareOfNonce{0xb1, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7, 0xb8};

// A sent packet parsed; a tunnelled one by its inner packet, outer kept.
struct Sent {
    std::vector<uint8_t> bytes;         // the (inner) packet
    std::optional<mh::ParsedPacket> p;  // set for every packet sent_since keeps
    std::optional<std::pair<in6_addr, in6_addr>> tunnel;
};

class MnRoTest : public ::testing::Test {
protected:
    World w;
    std::unique_ptr<MnService> mn;

    void start(bool ro = true) {
        mn = std::make_unique<MnService>(w.ctx, mn_config(ro));
        w.attach(*mn);
    }
    void SetUp() override { start(); }

    std::vector<Sent> sent_since(size_t from) {
        std::vector<Sent> out;
        for (size_t i = from; i < w.wire.packets.size(); i++) {
            Sent s;
            std::span<const uint8_t> pkt = w.wire.packets[i];
            if (pkt.size() > 40 && pkt[6] == IPPROTO_IPV6) {
                in6_addr os, od;
                std::memcpy(&os, pkt.data() + 8, 16);
                std::memcpy(&od, pkt.data() + 24, 16);
                s.tunnel = {os, od};
                pkt = pkt.subspan(40);
            }
            s.bytes.assign(pkt.begin(), pkt.end());
            auto p = mh::parse_packet(s.bytes);
            if (!p || !p->message) continue;
            s.p = *p;
            out.push_back(std::move(s));
        }
        return out;
    }
    template <class M>
    std::optional<Sent> last_sent(size_t from = 0) {
        auto all = sent_since(from);
        for (auto it = all.rbegin(); it != all.rend(); ++it)
            if (std::holds_alternative<M>(*it->p->message)) return *it;
        return std::nullopt;
    }
    void deliver(const mh::PacketSpec& spec, const mh::Message& m) { deliver_mh(*mn, spec, m); }

    void move_to(const char* prefix) {
        w.wire.nd->deliver(kRouter, addr("ff02::1"), ra_for(prefix));
        w.turn();
    }
    void registered_away() {
        move_to("2001:db8:99::");
        auto bus = w.wire.binding_updates();
        ASSERT_FALSE(bus.empty());
        mh::BindingAck ba;
        ba.sequence = bus.back().sequence;
        ba.set_lifetime_seconds(600);
        mh::PacketSpec spec;
        spec.src = kHa;
        spec.dst = kCoa;
        spec.routing_header2 = kHoa;
        deliver(spec, ba);
    }
    // The correspondent answers the HoTI / CoTI sent since `from`.
    void answer_tests(size_t from, const in6_addr& coa) {
        if (auto hoti = last_sent<mh::HomeTestInit>(from)) {
            mh::HomeTest hot;
            hot.nonce_index = 7;
            hot.cookie = std::get<mh::HomeTestInit>(*hoti->p->message).cookie;
            hot.keygen_token = rr::home_keygen_token(kKcn, kHoa, kHomeNonce);
            mh::PacketSpec spec;
            spec.src = kCn;
            spec.dst = kHoa;  // the home agent tunnelled it; the datapath decapsulated it
            deliver(spec, hot);
        }
        if (auto coti = last_sent<mh::CareOfTestInit>(from)) {
            mh::CareOfTest cot;
            cot.nonce_index = 9;
            cot.cookie = std::get<mh::CareOfTestInit>(*coti->p->message).cookie;
            cot.keygen_token = rr::care_of_keygen_token(kKcn, coa, kCareOfNonce);
            mh::PacketSpec spec;
            spec.src = kCn;
            spec.dst = coa;
            deliver(spec, cot);
        }
    }
    rr::Kbm kbm(const in6_addr& coa, bool dereg = false) {
        auto home = rr::home_keygen_token(kKcn, kHoa, kHomeNonce);
        if (dereg) return rr::binding_key(home, std::nullopt);
        return rr::binding_key(home, rr::care_of_keygen_token(kKcn, coa, kCareOfNonce));
    }
    void accept(const mh::BindingUpdate& bu, const in6_addr& coa, uint8_t status = 0, bool sign = true) {
        mh::BindingAck ba;
        ba.status = status;
        ba.sequence = bu.sequence;
        ba.set_lifetime_seconds(bu.lifetime_seconds());
        mh::Message m = ba;
        if (sign) {
            ASSERT_TRUE(rr::sign(m, kbm(coa, bu.lifetime == 0), coa, kCn));
        }
        mh::PacketSpec spec;
        spec.src = kCn;
        spec.dst = coa;
        if (!core::same_addr(coa, kHoa)) spec.routing_header2 = kHoa;
        deliver(spec, m);
    }
    // Registered with the home agent, traffic to kCn, RR answered: the BU.
    Sent route_optimise() {
        registered_away();
        const size_t from = w.wire.packets.size();
        mn->on_tunnelled_traffic(kHoa, kCn);
        answer_tests(from, kCoa);
        auto bu = last_sent<mh::BindingUpdate>(from);
        EXPECT_TRUE(bu) << w.journal.dump();
        return bu ? *bu : Sent{};
    }
};

TEST_F(MnRoTest, HotiThroughTheTunnelCotiDirectThenASignedBu) {
    registered_away();
    const size_t from = w.wire.packets.size();
    w.journal.lines.clear();
    mn->on_tunnelled_traffic(kHoa, kCn);
    EXPECT_GE(w.journal.find("mh HoTI " + str(kHoa) + ">" + str(kCn) + " via " + str(kCoa) + ">" + str(kHa)), 0)
        << w.journal.dump();
    EXPECT_GE(w.journal.find("mh CoTI " + str(kCoa) + ">" + str(kCn)), 0) << w.journal.dump();
    EXPECT_EQ(w.journal.find("mh CoTI " + str(kCoa) + ">" + str(kCn) + " via"), -1) << "the CoTI goes direct";
    EXPECT_EQ(w.stats.hoti_sent, 1u);
    EXPECT_EQ(w.stats.coti_sent, 1u);
    auto hoti = last_sent<mh::HomeTestInit>(from);
    ASSERT_TRUE(hoti && hoti->tunnel);
    EXPECT_FALSE(hoti->p->info.home_address) << "no Home Address option on a HoTI (RFC 6275 9.4.1)";

    answer_tests(from, kCoa);
    auto bu = last_sent<mh::BindingUpdate>(from);
    ASSERT_TRUE(bu) << w.journal.dump();
    const auto& m = std::get<mh::BindingUpdate>(*bu->p->message);
    EXPECT_FALSE(m.home_registration());
    EXPECT_TRUE(m.ack());
    EXPECT_EQ(m.lifetime_seconds(), 420u);
    EXPECT_TRUE(core::same_addr(bu->p->info.src, kCoa));
    EXPECT_TRUE(core::same_addr(bu->p->info.dst, kCn));
    ASSERT_TRUE(bu->p->info.home_address);
    EXPECT_TRUE(core::same_addr(*bu->p->info.home_address, kHoa));
    const auto* ni = mh::find_option<mh::NonceIndices>(m.options);
    ASSERT_TRUE(ni);
    EXPECT_EQ(ni->home_nonce_index, 7);
    EXPECT_EQ(ni->care_of_nonce_index, 9);
    ASSERT_TRUE(std::holds_alternative<mh::BindingAuthorizationData>(m.options.back())) << "last option";
    EXPECT_TRUE(rr::verify(kbm(kCoa), mobility_header(*bu->p, bu->bytes), kCoa, kCn))
        << "the correspondent's Kbm verifies the authenticator";
    EXPECT_EQ(mn->bindings()[1]["state"], "registering");
}

TEST_F(MnRoTest, AcceptedBindingGoesToTheDatapathAndTheBul) {
    auto bu = route_optimise();
    w.journal.lines.clear();
    accept(std::get<mh::BindingUpdate>(*bu.p->message), kCoa);
    EXPECT_GE(w.journal.find("ro peer set " + str(kHoa) + " " + str(kCn) + " " + str(kCoa)), 0) << w.journal.dump();
    auto bul = mn->bindings();
    ASSERT_EQ(bul.size(), 2u);
    EXPECT_EQ(bul[0]["recipient"], "ha");
    EXPECT_EQ(bul[1]["recipient"], "cn");
    EXPECT_EQ(bul[1]["correspondent"], str(kCn));
    EXPECT_EQ(bul[1]["state"], "bound");
    EXPECT_EQ(bul[1]["lifetime"], 420);
    EXPECT_EQ(bul[1]["home_token_age_s"], 0);
    EXPECT_EQ(bul[1]["care_of_token_age_s"], 0);
}

TEST_F(MnRoTest, BaWithAWrongAuthenticatorIsDropped) {
    auto bu = route_optimise();
    auto m = std::get<mh::BindingUpdate>(*bu.p->message);
    mh::BindingAck ba;
    ba.sequence = m.sequence;
    ba.set_lifetime_seconds(420);
    mh::Message msg = ba;
    rr::Kbm wrong{};
    ASSERT_TRUE(rr::sign(msg, wrong, kCoa, kCn));
    mh::PacketSpec spec;
    spec.src = kCn;
    spec.dst = kCoa;
    spec.routing_header2 = kHoa;
    deliver(spec, msg);
    EXPECT_EQ(w.stats.ba_drop_auth, 1u);
    EXPECT_TRUE(w.ro_peers.map.empty());
    accept(m, kCoa, 0, false);  // no authenticator at all
    EXPECT_EQ(w.stats.ba_drop_auth, 2u);
    EXPECT_TRUE(w.ro_peers.map.empty());
}

TEST_F(MnRoTest, RefusalLeavesTheTunnel) {
    auto bu = route_optimise();
    accept(std::get<mh::BindingUpdate>(*bu.p->message), kCoa, mh::ba_status::prohibited);
    EXPECT_TRUE(w.ro_peers.map.empty());
    EXPECT_EQ(mn->bindings()[1]["state"], "failed");
    EXPECT_TRUE(w.tunnels.map.count(str(kHoa))) << "the tunnel still carries the peer's traffic";
}

TEST_F(MnRoTest, ExpiredNonceStatusNeedsNoAuthenticatorAndRetests) {
    auto bu = route_optimise();
    const size_t from = w.wire.packets.size();
    accept(std::get<mh::BindingUpdate>(*bu.p->message), kCoa, mh::ba_status::expired_home_nonce, false);
    EXPECT_TRUE(last_sent<mh::HomeTestInit>(from));
    EXPECT_FALSE(last_sent<mh::CareOfTestInit>(from));
}

TEST_F(MnRoTest, MoveRetestsTheCareOfAddressAndRebinds) {
    auto bu = route_optimise();
    accept(std::get<mh::BindingUpdate>(*bu.p->message), kCoa);
    const size_t from = w.wire.packets.size();
    w.journal.lines.clear();
    move_to("2001:db8:98::");
    EXPECT_GE(w.journal.find("ro peer del " + str(kHoa) + " " + str(kCn)), 0)
        << "the old care-of address is gone: the tunnel meanwhile";
    EXPECT_FALSE(last_sent<mh::HomeTestInit>(from)) << "the home token is still valid";
    ASSERT_TRUE(last_sent<mh::CareOfTestInit>(from));
    answer_tests(from, kCoa2);
    auto bu2 = last_sent<mh::BindingUpdate>(from);
    ASSERT_TRUE(bu2);
    // The last BU: the correspondent's (the home agent's BU went first).
    ASSERT_TRUE(core::same_addr(bu2->p->info.dst, kCn));
    EXPECT_TRUE(rr::verify(kbm(kCoa2), mobility_header(*bu2->p, bu2->bytes), kCoa2, kCn));
    accept(std::get<mh::BindingUpdate>(*bu2->p->message), kCoa2);
    EXPECT_GE(w.journal.find("ro peer set " + str(kHoa) + " " + str(kCn) + " " + str(kCoa2)), 0) << w.journal.dump();
}

// Back home: the home agent's deregistration leaves first, the
// correspondent's once its BA is in (before, the correspondent's BA to the
// home address would be intercepted by the home agent and tunnelled to the
// care-of address the node left).
TEST_F(MnRoTest, HomeAgainDeregistersWithTheHomeTokenOnlyAfterTheHomeAgent) {
    auto bu = route_optimise();
    accept(std::get<mh::BindingUpdate>(*bu.p->message), kCoa);
    const size_t from = w.wire.packets.size();
    w.wire.nd->deliver(addr("fe80::2"), addr("ff02::1"), ra_for("2001:db8:1::"));
    w.turn();
    w.advance(200ms);  // the home address is local by now
    EXPECT_TRUE(w.ro_peers.map.empty());
    auto to_cn = [&] {
        std::optional<Sent> d;
        for (auto& s : sent_since(from))
            if (std::holds_alternative<mh::BindingUpdate>(*s.p->message) && core::same_addr(s.p->info.dst, kCn)) d = s;
        return d;
    };
    auto ha_dereg = last_sent<mh::BindingUpdate>(from);
    ASSERT_TRUE(ha_dereg) << w.journal.dump();
    ASSERT_TRUE(core::same_addr(ha_dereg->p->info.dst, kHa));
    EXPECT_FALSE(to_cn()) << "the correspondent is told after the home agent answers";
    mh::BindingAck ba;
    ba.sequence = std::get<mh::BindingUpdate>(*ha_dereg->p->message).sequence;
    mh::PacketSpec spec;
    spec.src = kHa;
    spec.dst = kHoa;
    deliver(spec, ba);
    auto dereg = to_cn();
    ASSERT_TRUE(dereg) << w.journal.dump();
    EXPECT_TRUE(core::same_addr(dereg->p->info.src, kHoa));
    EXPECT_FALSE(dereg->p->info.home_address) << "from home: no Home Address option";
    EXPECT_FALSE(dereg->tunnel);
    EXPECT_EQ(std::get<mh::BindingUpdate>(*dereg->p->message).lifetime, 0);
    EXPECT_TRUE(rr::verify(kbm(kHoa, true), mobility_header(*dereg->p, dereg->bytes), kHoa, kCn))
        << "Kbm = SHA1(home keygen token)";
    EXPECT_FALSE(last_sent<mh::CareOfTestInit>(from));
}

// A home agent that does not answer the deregistration does not keep the
// correspondents' bindings alive: they are told a second later anyway.
TEST_F(MnRoTest, HomeAgainDeregistersWithTheCorrespondentEvenIfTheHomeAgentIsSilent) {
    auto bu = route_optimise();
    accept(std::get<mh::BindingUpdate>(*bu.p->message), kCoa);
    const size_t from = w.wire.packets.size();
    w.wire.nd->deliver(addr("fe80::2"), addr("ff02::1"), ra_for("2001:db8:1::"));
    w.turn();
    w.advance(200ms);
    auto cn_bus = [&] {
        size_t n = 0;
        for (auto& s : sent_since(from))
            if (std::holds_alternative<mh::BindingUpdate>(*s.p->message) && core::same_addr(s.p->info.dst, kCn)) n++;
        return n;
    };
    w.advance(999ms);
    EXPECT_EQ(cn_bus(), 0u);
    w.advance(1ms);
    EXPECT_EQ(cn_bus(), 1u) << w.journal.dump();
}

// Leaving home again before the correspondents were told: no deregistration
// reaches them from the next visited link; the move re-binds them instead.
TEST_F(MnRoTest, LeavingBeforeTheCorrespondentsWereToldSendsNoDeregistration) {
    auto bu = route_optimise();
    accept(std::get<mh::BindingUpdate>(*bu.p->message), kCoa);
    w.wire.nd->deliver(addr("fe80::2"), addr("ff02::1"), ra_for("2001:db8:1::"));
    w.turn();
    w.advance(200ms);
    const size_t from = w.wire.packets.size();
    move_to("2001:db8:98::");
    w.advance(2s);
    for (auto& s : sent_since(from))
        if (auto* b = std::get_if<mh::BindingUpdate>(&*s.p->message); b && core::same_addr(s.p->info.dst, kCn)) {
            EXPECT_NE(b->lifetime, 0) << "a deregistration to the correspondent while away";
        }
}

TEST_F(MnRoTest, BindingErrorStopsRouteOptimisationWithThePeer) {
    auto bu = route_optimise();
    accept(std::get<mh::BindingUpdate>(*bu.p->message), kCoa);
    mh::BindingError be;
    be.status = mh::be_status::unknown_binding_for_hao;
    be.home_address = kHoa;
    mh::PacketSpec spec;
    spec.src = kCn;
    spec.dst = kCoa;
    deliver(spec, be);
    EXPECT_TRUE(w.ro_peers.map.empty());
    EXPECT_EQ(mn->bindings()[1]["state"], "stopped");
    const size_t from = w.wire.packets.size();
    mn->on_tunnelled_traffic(kHoa, kCn);
    EXPECT_TRUE(sent_since(from).empty()) << "no new return routability with that peer";
}

TEST_F(MnRoTest, OffMeansNoTestsAndTheTunnel) {
    start(false);
    registered_away();
    const size_t from = w.wire.packets.size();
    mn->on_tunnelled_traffic(kHoa, kCn);
    EXPECT_TRUE(sent_since(from).empty());
    EXPECT_EQ(mn->bindings().size(), 1u);
}

TEST_F(MnRoTest, DeniedCorrespondentIsNotOptimised) {
    auto c = mn_config();
    c.mobile_node->correspondent_access.deny = {*config::Prefix::parse("2001:db8:5::/48")};
    mn = std::make_unique<MnService>(w.ctx, c);
    w.attach(*mn);
    registered_away();
    const size_t from = w.wire.packets.size();
    mn->on_tunnelled_traffic(kHoa, kCn);
    EXPECT_TRUE(sent_since(from).empty());
}

TEST_F(MnRoTest, UnansweredTestsFallBackToTheTunnel) {
    registered_away();
    mn->on_tunnelled_traffic(kHoa, kCn);
    for (int i = 0; i < 5; i++) w.advance(20s);
    EXPECT_EQ(mn->bindings()[1]["state"], "failed");
    EXPECT_TRUE(w.ro_peers.map.empty());
    EXPECT_EQ(w.stats.hoti_sent, 4u) << "first and three retransmissions";
}

TEST_F(MnRoTest, HotWithAnotherCookieIsDropped) {
    registered_away();
    mn->on_tunnelled_traffic(kHoa, kCn);
    mh::HomeTest hot;
    hot.cookie = {9, 9, 9, 9, 9, 9, 9, 9};
    mh::PacketSpec spec;
    spec.src = kCn;
    spec.dst = kHoa;
    deliver(spec, hot);
    EXPECT_EQ(w.stats.hot_drop_misc, 1u);
}

// ICMPv6 Parameter Problem (RFC 4443 3.4) quoting `quote`, its pointer at
// `pointer`, as a raw ICMPv6 socket reads it (type onward).
std::vector<uint8_t> param_problem(uint8_t code, uint32_t pointer, std::span<const uint8_t> quote) {
    std::vector<uint8_t> m{
        ICMP6_PARAM_PROB, code, 0, 0, uint8_t(pointer >> 24), uint8_t(pointer >> 16), uint8_t(pointer >> 8),
        uint8_t(pointer)};
    m.insert(m.end(), quote.begin(), quote.end());
    return m;
}

class MnRoIcmpTest : public MnRoTest {
protected:
    // Registered away, traffic to kCn: the HoTI and CoTI it sent.
    std::pair<Sent, Sent> tests_out() {
        registered_away();
        const size_t from = w.wire.packets.size();
        mn->on_tunnelled_traffic(kHoa, kCn);
        auto hoti = last_sent<mh::HomeTestInit>(from);
        auto coti = last_sent<mh::CareOfTestInit>(from);
        EXPECT_TRUE(hoti && coti);
        return {hoti ? *hoti : Sent{}, coti ? *coti : Sent{}};
    }
    void icmp(const in6_addr& from, const in6_addr& to, std::vector<uint8_t> m) {
        w.wire.by_type.at(ICMP6_PARAM_PROB)->deliver(from, to, std::move(m));
        w.turn();
    }
    // Nothing more to the peer: no HoTI / CoTI on traffic, nor after hold-downs.
    size_t tests_later() {
        const size_t from = w.wire.packets.size();
        for (int i = 0; i < 6; i++) {
            mn->on_tunnelled_traffic(kHoa, kCn);
            w.advance(40s);
        }
        size_t n = 0;
        for (const auto& s : sent_since(from))
            if (std::holds_alternative<mh::HomeTestInit>(*s.p->message) ||
                std::holds_alternative<mh::CareOfTestInit>(*s.p->message))
                n++;
        return n;
    }
};

TEST_F(MnRoIcmpTest, ParameterProblemAtOurHotiStopsTheTestsForGood) {
    auto [hoti, coti] = tests_out();
    icmp(kCn, kHoa, param_problem(1, 6, hoti.bytes));  // tunnelled back by the home agent
    EXPECT_EQ(w.stats.icmp_pp_mh_received, 1u);
    EXPECT_EQ(mn->bindings()[1]["state"], "stopped");
    EXPECT_TRUE(w.ro_peers.map.empty());
    EXPECT_EQ(tests_later(), 0u);
}

TEST_F(MnRoIcmpTest, ParameterProblemAtOurCotiStopsTheTests) {
    auto [hoti, coti] = tests_out();
    icmp(kCn, kCoa, param_problem(1, 6, coti.bytes));
    EXPECT_EQ(w.stats.icmp_pp_mh_received, 1u);
    EXPECT_EQ(mn->bindings()[1]["state"], "stopped");
    EXPECT_EQ(tests_later(), 0u);
}

TEST_F(MnRoIcmpTest, OtherParameterProblemsChangeNothing) {
    auto [hoti, coti] = tests_out();
    icmp(kCn, kHoa, param_problem(0, 6, hoti.bytes));  // erroneous header field
    icmp(kCn, kHoa, param_problem(2, 6, hoti.bytes));  // unrecognized option
    icmp(kCn, kHoa, param_problem(1, 7, hoti.bytes));  // pointer at the hop limit
    auto other = hoti.bytes;
    other[6] = IPPROTO_UDP;  // a quote that is no Mobility Header
    icmp(kCn, kHoa, param_problem(1, 6, other));
    auto foreign = hoti.bytes;
    foreign[23] ^= 0x55;  // from another node
    icmp(kCn, kHoa, param_problem(1, 6, foreign));
    icmp(addr("2001:db8:7::9"), kHoa, param_problem(1, 6, hoti.bytes));  // not from the peer
    auto brr = hoti.bytes;
    brr[42] = mh::mh_type::brr;  // not one of our return routability messages
    icmp(kCn, kHoa, param_problem(1, 6, brr));
    EXPECT_EQ(w.stats.icmp_pp_mh_received, 0u);
    EXPECT_EQ(w.stats.icmp_drop_invalid, 0u);
    EXPECT_EQ(mn->bindings()[1]["state"], "testing");
    EXPECT_GT(tests_later(), 0u) << "the tests go on";
}

TEST_F(MnRoIcmpTest, TruncatedOrMalformedErrorsAreCountedDrops) {
    auto [hoti, coti] = tests_out();
    icmp(kCn, kHoa, {ICMP6_PARAM_PROB, 1});                                 // no pointer, no quote
    icmp(kCn, kHoa, param_problem(1, 6, std::span(hoti.bytes).first(39)));  // half an IPv6 header
    icmp(kCn, kHoa, param_problem(1, 6, std::span(hoti.bytes).first(41)));  // no MH type
    auto v4 = hoti.bytes;
    v4[0] = 0x45;
    icmp(kCn, kHoa, param_problem(1, 6, v4));  // not IPv6
    auto hbh = hoti.bytes;
    hbh[6] = IPPROTO_HOPOPTS;  // an extension header running past the quote
    hbh[40] = IPPROTO_MH;
    hbh[41] = 200;
    icmp(kCn, kHoa, param_problem(1, 40, hbh));
    EXPECT_EQ(w.stats.icmp_drop_invalid, 5u);
    EXPECT_EQ(w.stats.icmp_pp_mh_received, 0u);
    EXPECT_EQ(mn->bindings()[1]["state"], "testing");
}

}  // namespace
}  // namespace xmip::agent::test
