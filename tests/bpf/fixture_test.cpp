// SPDX-License-Identifier: BSD-2-Clause
// Runs every packet fixture of fixtures.json (built by gen_fixtures.py with
// scapy) through the datapath with BPF_PROG_TEST_RUN: exact input frame in,
// exact verdict, exact output frame, exactly one counter moved, and the
// signalling ring holding exactly the packet handed to the agent (and what
// it is), and exactly the route-optimisation binding it used marked used.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <net/if.h>

#include <algorithm>

#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>

#include "telemetry/datapath_counters.hpp"
#include "datapath_env.hpp"
#include "hex.hpp"
#include "datapath/in6.hpp"
#include "prog_run.hpp"
#include "datapath/signal_reader.hpp"

using namespace xmip;
using json = nlohmann::json;

namespace {

struct Case {
    std::string name, why, prog, ingress, state;
    std::vector<uint8_t> in, out;
    uint32_t verdict;
    std::optional<std::string> counter;
    uint64_t count_bytes;
    std::optional<std::vector<uint8_t>> signal;
    uint32_t signal_kind = XMIP_SIG_MOBILITY;
    std::set<std::string> ro_used;       // "map home correspondent" marked XMIP_RF_USED by the packet
    std::optional<std::string> nh_stat;  // the next-hop cache's way: kWays below, or NONE
};

std::vector<Case> load_cases() {
    std::vector<Case> cases;
    for (const auto& c : test::fixtures()["cases"]) {
        Case k;
        k.name = c["name"];
        k.why = c["why"];
        k.prog = c["prog"];
        k.ingress = c["ingress"];
        k.state = c["state"];
        k.in = test::from_hex(c["in"].get<std::string>());
        k.out = test::from_hex(c["out"].get<std::string>());
        k.verdict = c["verdict"];
        if (!c["counter"].is_null()) k.counter = c["counter"].get<std::string>();
        k.count_bytes = c["count_bytes"];
        if (!c["signal"].is_null()) {
            k.signal = test::from_hex(c["signal"].get<std::string>());
            k.signal_kind = c["signal_kind"].get<uint32_t>();
        }
        for (const auto& u : c["ro_used"])
            k.ro_used.insert(u[0].get<std::string>() + " " + dp::format_in6(dp::require_in6(u[1].get<std::string>())) +
                             " " + dp::format_in6(dp::require_in6(u[2].get<std::string>())));
        if (c.contains("nh_stat")) k.nh_stat = c["nh_stat"].get<std::string>();
        cases.push_back(std::move(k));
    }
    return cases;
}

int counter_index(const std::string& id) {
    for (size_t i = 0; i < dp::kCounters.size(); i++)
        if (dp::kCounters[i].id == id) return static_cast<int>(i);
    return -1;
}

// The route-optimisation entries the datapath marked used, as "map home
// correspondent" (apply_state writes them unmarked).
std::set<std::string> marked_used(const dp::DatapathMaps& m) {
    std::set<std::string> out;
    auto add = [&out](const char* map, const auto& entries) {
        for (const auto& [k, v] : entries)
            if (v.flags & XMIP_RF_USED)
                out.insert(std::string(map) + " " + dp::format_in6(k.home) + " " + dp::format_in6(k.correspondent));
    };
    add("ro_peers", m.ro_peers());
    add("cn_bindings", m.cn_bindings());
    return out;
}

// GoogleTest prints a parameter on failure: the name, not 300 raw bytes.
void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

class Fixture : public ::testing::TestWithParam<Case> {};

TEST_P(Fixture, ExactBytesVerdictAndCounter) {
    XMIP_REQUIRE_SANDBOX();
    const Case& c = GetParam();
    auto& env = test::DatapathEnv::get();
    env.apply_state(c.state);

    std::vector<std::vector<uint8_t>> signals;
    std::vector<uint32_t> kinds;
    dp::SignalReader reader(env.dp().maps().fds().signal_ring, [&](const dp::SignalPacket& p) {
        signals.emplace_back(p.packet.begin(), p.packet.end());
        kinds.push_back(p.kind);
    });
    reader.drain();  // nothing from earlier cases
    signals.clear();
    kinds.clear();
    ASSERT_TRUE(marked_used(env.dp().maps()).empty());

    const int ifindex = static_cast<int>(if_nametoindex(c.ingress.c_str()));
    ASSERT_GT(ifindex, 0) << c.ingress;
    test::RunResult r;
    if (c.prog == "mn_egress") {
        r = test::run_tc(env.dp().tc_egress_prog_fd(), c.in, ifindex);
    } else if (c.prog == "ha_egress") {
        r = test::run_tc(env.dp().ha_egress_prog_fd(), c.in, ifindex);
    } else if (c.prog == "cn_egress") {
        r = test::run_tc(env.dp().cn_egress_prog_fd(), c.in, ifindex);
    } else if (c.prog == "cn_xdp") {
        r = test::run_xdp(env.dp().cn_xdp_prog_fd(), c.in, ifindex);
    } else {
        ASSERT_TRUE(c.prog == "ha_xdp" || c.prog == "mn_xdp") << c.prog;
        const auto role = c.prog == "ha_xdp" ? dp::Role::HomeAgent : dp::Role::MobileNode;
        r = test::run_xdp(env.dp().xdp_prog_fd(role), c.in, ifindex);
    }

    SCOPED_TRACE(c.why);
    EXPECT_EQ(r.retval, c.verdict);
    EXPECT_EQ(r.output, c.out) << test::describe_difference(c.out, r.output);

    const auto snap = env.dp().maps().counters();
    const int want = c.counter ? counter_index(*c.counter) : -1;
    if (c.counter) {
        ASSERT_GE(want, 0) << "fixture names unknown counter " << *c.counter;
    }
    for (int i = 0; i < XMIP_CNT_MAX; i++) {
        const auto& name = dp::kCounters[i].id;
        if (i == want) {
            EXPECT_EQ(snap[i].packets, 1u) << name;
            EXPECT_EQ(snap[i].bytes, c.count_bytes) << name;
        } else {
            EXPECT_EQ(snap[i].packets, 0u) << "unexpected counter " << name;
        }
    }

    // Route optimisation: the binding the packet used is marked for the
    // agent's refresh decision (XMIP_RF_USED), and no other.
    EXPECT_EQ(marked_used(env.dp().maps()), c.ro_used);

    if (c.nh_stat) {
        // Exactly one look at the cache, and the way the case names: the
        // same bytes could come from a lookup that skipped the cache.
        // NONE: the cache was not consulted at all.
        static const char* const kWays[XMIP_NH_STAT_MAX] = {"HIT",       "MISS",       "STALE",      "OFF",
                                                            "ROUTE_HIT", "ROUTE_MISS", "ROUTE_STALE"};
        const auto nh = env.dp().nexthops().stats();
        for (int i = 0; i < XMIP_NH_STAT_MAX; i++)
            EXPECT_EQ(nh[i], *c.nh_stat == kWays[i] ? 1u : 0u) << "next-hop cache " << kWays[i];
    }

    reader.drain();
    if (c.signal) {
        ASSERT_EQ(signals.size(), 1u);
        EXPECT_EQ(signals[0], *c.signal) << test::describe_difference(*c.signal, signals[0]);
        EXPECT_EQ(kinds[0], c.signal_kind) << "what the event says the packet is (XMIP_SIG_*)";
    } else {
        EXPECT_TRUE(signals.empty()) << "unexpected packet handed to the agent";
    }
}

// The route optimisation hint is per (home address, correspondent) and
// second, not per packet (bpf/ro_hint.bpf.h): the same flow again at once
// is not reported; another correspondent is.
TEST(RoHint, OncePerPeerPerInterval) {
    XMIP_REQUIRE_SANDBOX();
    auto& env = test::DatapathEnv::get();
    env.apply_state("mn_ro_hints");
    const auto cases = load_cases();
    auto it =
        std::find_if(cases.begin(), cases.end(), [](const Case& c) { return c.name == "ro_hint_tunnelled_peer"; });
    ASSERT_NE(it, cases.end());
    std::vector<std::vector<uint8_t>> signals;
    dp::SignalReader reader(env.dp().maps().fds().signal_ring, [&](const dp::SignalPacket& p) {
        if (p.kind == XMIP_SIG_RO_HINT) signals.emplace_back(p.packet.begin(), p.packet.end());
    });
    reader.drain();
    signals.clear();
    const int ifindex = static_cast<int>(if_nametoindex(it->ingress.c_str()));
    for (int i = 0; i < 5; i++) test::run_tc(env.dp().tc_egress_prog_fd(), it->in, ifindex);
    reader.drain();
    EXPECT_EQ(signals.size(), 1u) << "five packets of one flow within a second: one hint";

    // Another correspondent (the destination address's last byte; the UDP
    // checksum does not matter to the egress program).
    auto other = it->in;
    other[14 + 24 + 15] ^= 0x01;
    test::run_tc(env.dp().tc_egress_prog_fd(), other, ifindex);
    reader.drain();
    ASSERT_EQ(signals.size(), 2u);
    EXPECT_EQ(signals[1][24 + 15], other[14 + 24 + 15]);
}

// The signalling ring while the agent is busy (a storm of registrations, a
// long commit): a Binding Update takes a small record (xmip_shared.h,
// XMIP_SIGNAL_SMALL_LEN), so 900 of them wait in the 256 KB ring without a
// drop (with a whole xmip_signal_event each, about 200 fit); each comes out
// exactly as it was on the wire. A packet above the small size still comes
// out whole.
TEST(SignalRing, NineHundredBindingUpdatesWaitForABusyAgent) {
    XMIP_REQUIRE_SANDBOX();
    const auto cases = load_cases();
    auto it = std::find_if(cases.begin(), cases.end(),
                           [](const Case& c) { return c.name == "ha_binding_update_with_hao_to_agent"; });
    ASSERT_NE(it, cases.end());
    ASSERT_TRUE(it->signal);
    auto& env = test::DatapathEnv::get();
    env.apply_state(it->state);
    std::vector<std::vector<uint8_t>> signals;
    dp::SignalReader reader(env.dp().maps().fds().signal_ring,
                            [&](const dp::SignalPacket& p) { signals.emplace_back(p.packet.begin(), p.packet.end()); });
    reader.drain();
    signals.clear();
    env.dp().maps().reset_counters();
    const int ifindex = static_cast<int>(if_nametoindex(it->ingress.c_str()));
    const int fd = env.dp().xdp_prog_fd(dp::Role::HomeAgent);
    constexpr int kWaiting = 900;
    for (int i = 0; i < kWaiting; i++) test::run_xdp(fd, it->in, ifindex);
    auto snap = env.dp().maps().counters();
    EXPECT_EQ(snap[counter_index("SIGNAL_TO_AGENT")].packets, uint64_t{kWaiting});
    EXPECT_EQ(snap[counter_index("DROP_SIGNAL_QUEUE")].packets, 0u) << "the ring overflowed";
    reader.drain();
    ASSERT_EQ(signals.size(), size_t{kWaiting});
    for (const auto& s : signals) ASSERT_EQ(s, *it->signal);

    // The same Binding Update followed by 300 bytes the IPv6 payload length
    // counts: 380 bytes, a whole record.
    auto big = it->in;
    big.insert(big.end(), 300, 0);
    const uint16_t plen = static_cast<uint16_t>(((big[14 + 4] << 8) | big[14 + 5]) + 300);
    big[14 + 4] = static_cast<uint8_t>(plen >> 8);
    big[14 + 5] = static_cast<uint8_t>(plen & 0xff);
    signals.clear();
    test::run_xdp(fd, big, ifindex);
    reader.drain();
    ASSERT_EQ(signals.size(), 1u);
    EXPECT_EQ(signals[0], std::vector<uint8_t>(big.begin() + 14, big.end()));
}

INSTANTIATE_TEST_SUITE_P(Datapath, Fixture, ::testing::ValuesIn(load_cases()),
                         [](const auto& test) { return test.param.name; });

// The uplink's route memo fills itself: the fixture ha_route_miss_fib's
// packet takes bpf_fib_lookup once, the answer is remembered under exactly
// its lookup inputs with the current generation, and the same packet again
// is served from it with the same bytes.
TEST(RouteMemo, AMissIsRememberedAndTheNextPacketHits) {
    XMIP_REQUIRE_SANDBOX();
    const Case* miss = nullptr;
    const auto cases = load_cases();
    for (const auto& c : cases)
        if (c.name == "ha_route_miss_fib") miss = &c;
    ASSERT_NE(miss, nullptr);
    auto& env = test::DatapathEnv::get();
    env.apply_state(miss->state);
    auto nh = env.dp().nexthops();
    const int dp1 = static_cast<int>(if_nametoindex("dp1"));

    xmip_route_key k{};
    k.ifindex = static_cast<uint32_t>(dp1);
    k.flowinfo = htonl(8);  // the case's inner flow label
    k.proto = 17;
    k.src = dp::require_in6("2001:db8:2700::4");
    k.dst = dp::require_in6("2001:db8:1::10");
    ASSERT_FALSE(nh.route(k)) << "the state holds no entry for this flow";

    auto first = test::run_xdp(env.dp().xdp_prog_fd(dp::Role::HomeAgent), miss->in, dp1);
    EXPECT_EQ(first.output, miss->out);
    const auto e = nh.route(k);
    ASSERT_TRUE(e) << "a successful lookup is remembered";
    EXPECT_EQ(e->ifindex, if_nametoindex("dp0"));
    EXPECT_EQ(e->mtu, 1500u);
    EXPECT_EQ(e->gen, nh.state().route_gen);
    EXPECT_NE(nh.state().route_gen, nh.state().gen) << "the fixture state keeps them apart";
    const uint8_t cn[6] = {0x02, 0, 0, 0, 0x01, 0x10}, dp0[6] = {0x02, 0, 0, 0, 0x01, 0x02};
    EXPECT_TRUE(std::equal(cn, cn + 6, e->dmac));
    EXPECT_TRUE(std::equal(dp0, dp0 + 6, e->smac));

    nh.reset_stats();
    auto second = test::run_xdp(env.dp().xdp_prog_fd(dp::Role::HomeAgent), miss->in, dp1);
    EXPECT_EQ(second.retval, miss->verdict);
    EXPECT_EQ(second.output, miss->out) << test::describe_difference(miss->out, second.output);
    EXPECT_EQ(nh.stats()[XMIP_NH_ROUTE_HIT], 1u);
    EXPECT_EQ(nh.stats()[XMIP_NH_ROUTE_MISS], 0u);
}

// Not remembered when the agent is not keeping the generation (no
// XMIP_NHF_ROUTES): nothing could ever make the entry stale.
TEST(RouteMemo, NothingIsRememberedWithoutTheAgentsFlag) {
    XMIP_REQUIRE_SANDBOX();
    auto& env = test::DatapathEnv::get();
    env.apply_state("ha");
    auto nh = env.dp().nexthops();
    const int dp1 = static_cast<int>(if_nametoindex("dp1"));
    for (const auto& c : load_cases()) {
        if (c.name != "ha_route_miss_fib") continue;
        auto r = test::run_xdp(env.dp().xdp_prog_fd(dp::Role::HomeAgent), c.in, dp1);
        EXPECT_EQ(r.retval, c.verdict);
    }
    xmip_route_key k{};
    k.ifindex = static_cast<uint32_t>(dp1);
    k.flowinfo = htonl(8);
    k.proto = 17;
    k.src = dp::require_in6("2001:db8:2700::4");
    k.dst = dp::require_in6("2001:db8:1::10");
    EXPECT_FALSE(nh.route(k));
    const auto st = nh.stats();
    for (int i = 0; i < XMIP_NH_STAT_MAX; i++) EXPECT_EQ(st[i], 0u) << i;
}

}  // namespace
