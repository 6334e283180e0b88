// SPDX-License-Identifier: BSD-2-Clause
// The correspondent's service against the recording fakes (fakes.hpp), the
// test playing the mobile node: return routability, then BUs signed with
// the Kbm it derives from the tokens it got. The HoT and CoT are compared
// byte for byte with scapy's (tests/unit/rr/vectors.json).
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "fakes.hpp"
#include "mh/binding_auth.hpp"
#include "rr/crypto.hpp"
#include "xmipd/cn_service.hpp"

namespace xmip::agent::test {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
namespace st = mh::ba_status;

const json& rr_vectors() {
    static json v = [] {
        std::ifstream in(XMIP_RR_VECTORS_JSON);
        EXPECT_TRUE(in) << XMIP_RR_VECTORS_JSON;
        return json::parse(in);
    }();
    return v;
}

std::vector<uint8_t> unhex(const std::string& h) {
    std::vector<uint8_t> b;
    for (size_t i = 0; i + 1 < h.size(); i += 2)
        b.push_back(static_cast<uint8_t>(std::stoi(h.substr(i, 2), nullptr, 16)));
    return b;
}

// The addresses of rr/vectors.json.
const in6_addr kHoa = addr("2001:db8:2700::4");
const in6_addr kCoa = addr("2001:db8:3::100");
const in6_addr kCn = addr("2001:db8:1::10");
const in6_addr kHoa2 = addr("2001:db8:2700::5");
const in6_addr kCoa2 = addr("2001:db8:4::7");

config::Config cn_config(uint32_t max_bindings = 8) {
    config::Config c;
    c.role = config::Role::Correspondent;
    c.instance = "test";
    c.datapath.interfaces = {"eth0"};
    config::Correspondent cn;
    cn.address = *config::Ip6Address::parse("2001:db8:1::10");
    cn.max_bindings = max_bindings;
    c.correspondent = cn;
    return c;
}

// Kcn from the vectors first, then the vectors' home nonce, then nonces
// 01.., 02.., ...: what the correspondent draws, in order.
CnService::Random vector_random() {
    return [n = 0](std::span<uint8_t> out) mutable {
        std::vector<uint8_t> b;
        if (n == 0)
            b = unhex(rr_vectors()["kcn"]);
        else if (n == 1)
            b = unhex(rr_vectors()["home_nonce"]);
        else
            b.assign(out.size(), static_cast<uint8_t>(n));
        ASSERT_EQ(b.size(), out.size());
        std::copy(b.begin(), b.end(), out.begin());
        n++;
    };
}

struct Tokens {
    uint16_t home_index = 0, care_of_index = 0;
    mh::KeygenToken home{}, care_of{};
    rr::Kbm kbm() const { return rr::binding_key(home, care_of); }
    rr::Kbm kbm_dereg() const { return rr::binding_key(home, std::nullopt); }
};

class CnServiceTest : public ::testing::Test {
protected:
    void start(config::Config c = cn_config()) {
        svc = std::make_unique<CnService>(w.ctx, c, vector_random());
        w.attach(*svc);
    }

    void deliver(const mh::PacketSpec& spec, const mh::Message& m) { deliver_mh(*svc, spec, m); }

    // The last packet sent, parsed.
    mh::ParsedPacket last() {
        EXPECT_FALSE(w.wire.packets.empty());
        auto p = mh::parse_packet(w.wire.packets.back());
        EXPECT_TRUE(p && p->message);
        return *p;
    }

    void hoti(const in6_addr& hoa = kHoa) {
        mh::PacketSpec s;
        s.src = hoa;
        s.dst = kCn;
        deliver(s, mh::HomeTestInit{{1, 2, 3, 4, 5, 6, 7, 8}, {}});
    }
    void coti(const in6_addr& coa = kCoa) {
        mh::PacketSpec s;
        s.src = coa;
        s.dst = kCn;
        deliver(s, mh::CareOfTestInit{{9, 9, 9, 9, 9, 9, 9, 9}, {}});
    }
    // The tokens from the last HoT / CoT sent.
    void take_home(Tokens& t) {
        auto p = last();
        auto* hot = std::get_if<mh::HomeTest>(&*p.message);
        ASSERT_TRUE(hot);
        t.home_index = hot->nonce_index;
        t.home = hot->keygen_token;
    }
    void take_care_of(Tokens& t) {
        auto p = last();
        auto* cot = std::get_if<mh::CareOfTest>(&*p.message);
        ASSERT_TRUE(cot);
        t.care_of_index = cot->nonce_index;
        t.care_of = cot->keygen_token;
    }
    Tokens rr(const in6_addr& hoa = kHoa, const in6_addr& coa = kCoa) {
        Tokens t;
        hoti(hoa);
        take_home(t);
        coti(coa);
        take_care_of(t);
        return t;
    }

    // A route-optimised BU from coa for hoa, signed with kbm.
    void bu(uint16_t seq, uint32_t lifetime, const Tokens& t, const rr::Kbm& kbm, const in6_addr& hoa = kHoa,
            const in6_addr& coa = kCoa, uint16_t flags = mh::BindingUpdate::flag_ack) {
        mh::Message m{std::in_place_type<mh::BindingUpdate>};
        auto& b = std::get<mh::BindingUpdate>(m);
        b.sequence = seq;
        b.flags = flags;
        b.set_lifetime_seconds(lifetime);
        b.options.emplace_back(mh::NonceIndices{t.home_index, t.care_of_index});
        ASSERT_TRUE(rr::sign(m, kbm, coa, kCn).ok());
        mh::PacketSpec s;
        s.src = coa;
        s.dst = kCn;
        if (!core::same_addr(hoa, coa)) s.home_address = hoa;
        deliver(s, m);
    }

    std::vector<mh::BindingAck> acks() const { return w.wire.binding_acks(); }

    World w;
    std::unique_ptr<CnService> svc;
};

TEST_F(CnServiceTest, MarksItsAddressForSignalling) {
    start();
    EXPECT_EQ(w.tunnels.locals.count(str(kCn)), 1u);
    EXPECT_EQ(svc->status()["role"], "cn");
}

TEST_F(CnServiceTest, AnswersHoTiAndCoTiWithTheVectorsBytes) {
    start();
    for (const auto& e : rr_vectors()["exchanges"]) {
        SCOPED_TRACE(e["name"].get<std::string>());
        auto req = unhex(e["request"]);
        auto p = mh::parse_packet(req);
        ASSERT_TRUE(p && p->message);
        svc->on_mobility_packet(*p, req, FakeKernel::kIfindex);
        ASSERT_FALSE(w.wire.packets.empty());
        EXPECT_EQ(w.wire.packets.back(), unhex(e["answer"]));
    }
    EXPECT_EQ(w.stats.hot_sent, 1u);
    EXPECT_EQ(w.stats.cot_sent, 1u);
    EXPECT_TRUE(w.cn_bindings.map.empty());  // no state from tests alone
}

TEST_F(CnServiceTest, FullReturnRoutabilityThenBindingUpdateIsAcceptedWithAnAuthenticatedBa) {
    start();
    auto t = rr();
    bu(10, 1000, t, t.kbm());
    ASSERT_EQ(acks().size(), 1u);
    const auto ba = acks().back();
    EXPECT_EQ(ba.status, st::accepted);
    EXPECT_EQ(ba.sequence, 10);
    EXPECT_EQ(ba.lifetime_seconds(), 420u);  // MAX_RR_BINDING_LIFETIME
    // To the care-of address with the home address in a type 2 routing
    // header, authenticated with Kbm (RFC 6275 9.5.4).
    auto p = last();
    EXPECT_EQ(str(p.info.dst), str(kCoa));
    ASSERT_TRUE(p.info.routing_header2);
    EXPECT_EQ(str(p.info.routing_header2->home_address), str(kHoa));
    auto mh = mobility_header(p, w.wire.packets.back());
    EXPECT_TRUE(rr::verify(t.kbm(), mh, kCoa, kCn));
    EXPECT_EQ(str(w.cn_bindings.map.at(FakeRoBindings::key(kHoa, kCn)).care_of), str(kCoa));
    auto b = svc->bindings();
    ASSERT_EQ(b.size(), 1u);
    EXPECT_EQ(b[0]["care_of_address"], str(kCoa));
    EXPECT_EQ(b[0]["lifetime"], 420);
    EXPECT_EQ(w.stats.ba_sent, 1u);
}

TEST_F(CnServiceTest, WrongAuthenticatorIsDiscardedSilently) {
    start();
    auto t = rr();
    rr::Kbm wrong = t.kbm();
    wrong[0] ^= 1;
    bu(10, 100, t, wrong);
    EXPECT_TRUE(acks().empty());
    EXPECT_TRUE(w.cn_bindings.map.empty());
    EXPECT_EQ(svc->binding_count(), 0u);
    EXPECT_EQ(w.stats.bu_drop_auth, 1u);
    // Tokens for another home address do not do either.
    bu(11, 100, t, t.kbm(), kHoa2);
    EXPECT_TRUE(acks().empty());
    EXPECT_EQ(w.stats.bu_drop_auth, 2u);
}

TEST_F(CnServiceTest, BuWithoutNonceIndicesOrAuthorizationDataIsDiscarded) {
    start();
    mh::BindingUpdate b;
    b.sequence = 1;
    b.flags = mh::BindingUpdate::flag_ack;
    b.set_lifetime_seconds(100);
    mh::PacketSpec s;
    s.src = kCoa;
    s.dst = kCn;
    s.home_address = kHoa;
    deliver(s, b);
    EXPECT_TRUE(acks().empty());
    EXPECT_EQ(w.stats.bu_drop_invalid, 1u);
}

TEST_F(CnServiceTest, BothNoncesExpiredIs138) {
    start();
    auto t = rr();
    w.advance(241s);
    bu(10, 100, t, t.kbm());
    ASSERT_EQ(acks().size(), 1u);
    EXPECT_EQ(acks().back().status, st::expired_nonces);
    EXPECT_TRUE(mh::options_of(mh::Message(acks().back())).empty());  // no Kbm: no authenticator
    EXPECT_TRUE(w.cn_bindings.map.empty());
}

TEST_F(CnServiceTest, ExpiredHomeNonceIs136) {
    start();
    Tokens t;
    hoti();
    take_home(t);
    w.advance(230s);
    coti();
    take_care_of(t);
    EXPECT_NE(t.home_index, t.care_of_index);
    w.advance(15s);  // the home nonce is 245 s old, the care-of nonce 15 s
    bu(10, 100, t, t.kbm());
    ASSERT_EQ(acks().size(), 1u);
    EXPECT_EQ(acks().back().status, st::expired_home_nonce);
}

TEST_F(CnServiceTest, ExpiredCareOfNonceIs137) {
    start();
    Tokens t;
    coti();
    take_care_of(t);
    w.advance(230s);
    hoti();
    take_home(t);
    w.advance(15s);
    bu(10, 100, t, t.kbm());
    ASSERT_EQ(acks().size(), 1u);
    EXPECT_EQ(acks().back().status, st::expired_care_of_nonce);
}

TEST_F(CnServiceTest, ReplayedSequenceIs135WithTheCurrentSequence) {
    start();
    auto t = rr();
    bu(10, 100, t, t.kbm());
    w.advance(1s);            // under the per-source rate (the CoTI took a token too)
    bu(10, 100, t, t.kbm());  // the same BU again
    bu(9, 100, t, t.kbm());   // an older one
    auto a = acks();
    ASSERT_EQ(a.size(), 3u);
    EXPECT_EQ(a[1].status, st::sequence_out_of_window);
    EXPECT_EQ(a[1].sequence, 10);
    EXPECT_EQ(a[2].status, st::sequence_out_of_window);
    // Authenticated: the mobile node can trust the sequence it is told.
    EXPECT_FALSE(mh::options_of(mh::Message(a[2])).empty());
}

TEST_F(CnServiceTest, DeregistrationUsesTheHomeTokenAloneAndRemovesTheBinding) {
    start();
    auto t = rr();
    bu(10, 100, t, t.kbm());
    ASSERT_EQ(w.cn_bindings.map.size(), 1u);
    bu(11, 0, t, t.kbm_dereg());
    ASSERT_EQ(acks().size(), 2u);
    EXPECT_EQ(acks().back().status, st::accepted);
    EXPECT_TRUE(w.cn_bindings.map.empty());
    EXPECT_EQ(svc->binding_count(), 0u);
    EXPECT_GE(w.journal.find("cn binding del " + FakeRoBindings::key(kHoa, kCn)), 0);
}

TEST_F(CnServiceTest, DeregistrationFromHomeHasNoRoutingHeader) {
    start();
    auto t = rr();
    bu(10, 100, t, t.kbm());
    bu(11, 0, t, t.kbm_dereg(), kHoa, kHoa);  // back home: from the home address, no HAO
    ASSERT_EQ(acks().size(), 2u);
    EXPECT_EQ(acks().back().status, st::accepted);
    auto p = last();
    EXPECT_FALSE(p.info.routing_header2);
    EXPECT_EQ(str(p.info.dst), str(kHoa));
    EXPECT_TRUE(w.cn_bindings.map.empty());
}

TEST_F(CnServiceTest, HomeRegistrationIsRefused) {
    start();
    auto t = rr();
    bu(10, 100, t, t.kbm(), kHoa, kCoa, mh::BindingUpdate::flag_ack | mh::BindingUpdate::flag_home);
    ASSERT_EQ(acks().size(), 1u);
    EXPECT_EQ(acks().back().status, st::home_registration_not_supported);
    w.advance(1s);  // under the per-source rate
    bu(11, 100, t, t.kbm());
    bu(12, 100, t, t.kbm(), kHoa, kCoa, mh::BindingUpdate::flag_ack | mh::BindingUpdate::flag_home);
    EXPECT_EQ(acks().back().status, st::registration_type_change);
    EXPECT_EQ(w.cn_bindings.map.size(), 1u);
}

TEST_F(CnServiceTest, PerSourceRateLimitComesBeforeAnyAnswer) {
    start();
    for (int i = 0; i < 5; i++) hoti();
    EXPECT_EQ(w.stats.hot_sent, 3u);  // MAX_UPDATE_RATE's burst
    EXPECT_EQ(w.stats.hoti_drop_ratelimit, 2u);
    w.advance(1s);
    hoti();
    EXPECT_EQ(w.stats.hot_sent, 4u);
}

TEST_F(CnServiceTest, PolicyDenyDropsTheTestsAndTheBu) {
    auto c = cn_config();
    c.correspondent->access.deny = {*core::Prefix::parse("2001:db8:2700::/48")};
    start(c);
    hoti();
    EXPECT_EQ(w.stats.hot_sent, 0u);
    EXPECT_EQ(w.stats.hoti_drop_policy, 1u);
    Tokens t;  // whatever the peer sends, no binding
    bu(1, 100, t, t.kbm());
    EXPECT_EQ(w.stats.bu_drop_policy, 1u);
    EXPECT_TRUE(acks().empty());
    hoti(addr("2001:db8:2701::5"));
    EXPECT_EQ(w.stats.hot_sent, 1u);  // another home prefix is fine
}

TEST_F(CnServiceTest, SwitchedOffAnswersNothing) {
    auto c = cn_config();
    c.correspondent->enabled = false;
    start(c);
    hoti();
    coti();
    EXPECT_TRUE(w.wire.packets.empty());
    EXPECT_EQ(w.stats.hoti_drop_policy, 1u);
    EXPECT_EQ(w.stats.coti_drop_policy, 1u);
}

TEST_F(CnServiceTest, CacheLimitReachedIs130) {
    start(cn_config(1));
    auto t = rr();
    bu(10, 100, t, t.kbm());
    auto t2 = rr(kHoa2, kCoa2);
    bu(1, 100, t2, t2.kbm(), kHoa2, kCoa2);
    ASSERT_EQ(acks().size(), 2u);
    EXPECT_EQ(acks().back().status, st::insufficient_resources);
    EXPECT_EQ(w.cn_bindings.map.size(), 1u);
    // An existing binding is still refreshed.
    bu(11, 100, t, t.kbm());
    EXPECT_EQ(acks().back().status, st::accepted);
}

TEST_F(CnServiceTest, BindingExpiresAndLeavesTheDatapath) {
    start();
    auto t = rr();
    bu(10, 40, t, t.kbm());
    w.advance(39s);
    EXPECT_EQ(w.cn_bindings.map.size(), 1u);
    w.advance(2s);
    EXPECT_TRUE(w.cn_bindings.map.empty());
    EXPECT_EQ(svc->binding_count(), 0u);
}

TEST_F(CnServiceTest, RefreshRequestOnlyForABindingInUse) {
    start();
    auto t = rr();
    bu(10, 100, t, t.kbm());
    w.cn_bindings.mark_used(kHoa, kCn);
    w.advance(79s);
    EXPECT_EQ(w.journal.find("mh BRR"), -1);
    w.advance(2s);  // a fifth of the lifetime left
    EXPECT_GE(w.journal.find("mh BRR to " + str(kHoa)), 0);
    EXPECT_EQ(w.stats.brr_sent, 1u);

    auto t2 = rr(kHoa2, kCoa2);
    bu(1, 100, t2, t2.kbm(), kHoa2, kCoa2);  // never used
    w.advance(100s);
    EXPECT_EQ(w.stats.brr_sent, 1u);
}

TEST_F(CnServiceTest, BindingErrorForAnUnknownHomeAddressIsRateLimited) {
    start();
    for (int i = 0; i < 12; i++) svc->on_unbound_home_address(kHoa, kCoa, kCn);
    EXPECT_EQ(w.stats.be_sent, 10u);
    EXPECT_EQ(w.stats.be_drop_ratelimit, 2u);
    EXPECT_GE(w.journal.find("mh BE 1 to " + str(kCoa)), 0);
}

TEST_F(CnServiceTest, OtherMessagesAreNotItsBusiness) {
    start();
    mh::PacketSpec s;
    s.src = kCoa;
    s.dst = kCn;
    deliver(s, mh::BindingAck{});
    EXPECT_EQ(w.stats.mh_drop_unexpected, 1u);
    EXPECT_TRUE(w.wire.packets.empty());
}

}  // namespace
}  // namespace xmip::agent::test
