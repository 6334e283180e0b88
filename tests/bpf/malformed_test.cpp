// SPDX-License-Identifier: BSD-2-Clause
// Runs the generated malformed-packet groups (gen_malformed.py, built into
// the build directory at build time) through the datapath with
// BPF_PROG_TEST_RUN: for every truncation and corrupted length of every
// packet class, the exact verdict, the exact output frame, exactly the one
// counter that accounts for the verdict, and the signalling ring holding
// exactly the packet handed to the agent. One test per packet class: its
// cases share the program and the state.
#include <gtest/gtest.h>
#include <net/if.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

#include "telemetry/datapath_counters.hpp"
#include "datapath/signal_reader.hpp"
#include "datapath_env.hpp"
#include "hex.hpp"
#include "prog_run.hpp"

using namespace xmip;
using json = nlohmann::json;

namespace {

struct Group {
    std::string name, why, prog, ingress, state;
    json cases;
};

std::vector<Group> load_groups() {
    std::ifstream f(XMIP_MALFORMED_JSON);
    if (!f) throw std::runtime_error("cannot read " XMIP_MALFORMED_JSON);
    const json doc = json::parse(f);
    std::vector<Group> groups;
    for (const auto& g : doc["groups"])
        groups.push_back({g["name"], g["why"], g["prog"], g["ingress"], g["state"], g["cases"]});
    return groups;
}

int counter_index(const std::string& id) {
    for (size_t i = 0; i < dp::kCounters.size(); i++)
        if (dp::kCounters[i].id == id) return static_cast<int>(i);
    return -1;
}

void PrintTo(const Group& g, std::ostream* os) { *os << g.name; }

class Malformed : public ::testing::TestWithParam<Group> {};

TEST_P(Malformed, PassOrCountedDropNeverForwardedTruncated) {
    XMIP_REQUIRE_SANDBOX();
    const Group& g = GetParam();
    SCOPED_TRACE(g.why);
    auto& env = test::DatapathEnv::get();
    env.apply_state(g.state);
    const int ifindex = static_cast<int>(if_nametoindex(g.ingress.c_str()));
    ASSERT_GT(ifindex, 0) << g.ingress;
    const bool tc = g.prog == "mn_egress" || g.prog == "ha_egress";
    const int fd = g.prog == "ha_egress" ? env.dp().ha_egress_prog_fd()
                   : tc                  ? env.dp().tc_egress_prog_fd()
                   : g.prog == "cn_xdp"
                       ? env.dp().cn_xdp_prog_fd()
                       : env.dp().xdp_prog_fd(g.prog == "ha_xdp" ? dp::Role::HomeAgent : dp::Role::MobileNode);

    std::vector<std::vector<uint8_t>> signals;
    dp::SignalReader reader(env.dp().maps().fds().signal_ring, [&](const dp::SignalPacket& p) {
        signals.emplace_back(p.packet.begin(), p.packet.end());
    });
    int failures = 0;
    for (size_t i = 0; i < g.cases.size() && failures < 10; i++) {
        const json& c = g.cases[i];
        const auto in = test::from_hex(c["in"].get<std::string>());
        const auto want_out = c["out"].is_null() ? in : test::from_hex(c["out"].get<std::string>());
        const uint32_t want_verdict = c["verdict"];
        std::optional<std::string> want_counter;
        if (!c["counter"].is_null()) want_counter = c["counter"].get<std::string>();
        const uint64_t want_bytes = c["count_bytes"];

        reader.drain();
        signals.clear();
        env.dp().maps().reset_counters();
        test::RunResult r;
        try {
            r = tc ? test::run_tc(fd, in, ifindex) : test::run_xdp(fd, in, ifindex);
        } catch (const std::exception& e) {
            failures++;
            ADD_FAILURE() << g.name << " case " << i << " (" << c["kind"].get<std::string>() << ", "
                          << in.size() << "-byte frame): " << e.what();
            continue;
        }
        reader.drain();

        std::ostringstream why;
        if (r.retval != want_verdict) why << " verdict " << r.retval << " want " << want_verdict << ";";
        if (r.output != want_out) why << " output: " << test::describe_difference(want_out, r.output) << ";";
        const auto snap = env.dp().maps().counters();
        const int want = want_counter ? counter_index(*want_counter) : -1;
        if (want_counter && want < 0) why << " unknown counter " << *want_counter << ";";
        for (int k = 0; k < XMIP_CNT_MAX; k++) {
            const uint64_t want_packets = k == want ? 1 : 0;
            if (snap[k].packets != want_packets)
                why << " counter " << dp::kCounters[k].id << " moved " << snap[k].packets << ";";
            else if (k == want && snap[k].bytes != want_bytes)
                why << " counter " << dp::kCounters[k].id << " bytes " << snap[k].bytes << " want " << want_bytes
                    << ";";
        }
        if (c["signal"].is_null()) {
            if (!signals.empty()) why << " unexpected packet handed to the agent;";
        } else {
            const auto want_signal = test::from_hex(c["signal"].get<std::string>());
            if (signals.size() != 1 || signals[0] != want_signal)
                why << " signal: " << signals.size() << " packets"
                    << (signals.empty() ? "" : ", " + test::describe_difference(want_signal, signals[0])) << ";";
        }
        if (!why.str().empty()) {
            failures++;
            ADD_FAILURE() << g.name << " case " << i << " (" << c["kind"].get<std::string>() << ", "
                          << in.size() << "-byte frame, expected "
                          << (want_counter ? *want_counter : "no counter") << "):" << why.str();
        }
    }
}

INSTANTIATE_TEST_SUITE_P(Datapath, Malformed, ::testing::ValuesIn(load_groups()),
                         [](const auto& test) { return test.param.name; });

}  // namespace
