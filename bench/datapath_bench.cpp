// SPDX-License-Identifier: BSD-2-Clause
// xmip-bench-datapath: a micro-benchmark of the XDP datapath with
// BPF_PROG_TEST_RUN (method, results and their limits: docs/performance.md).
//
// In a private network namespace it builds a small home-agent topology
// (veths, permanent neighbours, routes, forwarding on) so that the programs
// take their real fast paths: bpf_fib_lookup succeeds and the verdict is
// XDP_REDIRECT. For each number of bindings N it loads a datapath sized from
// Options::max_bindings, writes N random home addresses with the batched
// upsert, and times every scenario next to a program that only returns
// XDP_PASS, in alternated rounds, reporting medians.
//
// Two timings of the same programs:
//  - kernel loop: BPF_PROG_TEST_RUN with repeat. The kernel never restores
//    the frame between its runs, so a program that rewrites it (encap,
//    decap) would be timed once on the real packet and repeat-1 times on its
//    own output (the "kernel loop check" section shows it with the
//    counters). The programs therefore run under bench/harness.bpf.c, which
//    puts the frame back before each run and tail-calls them; the same
//    harness around the pass program, in the same round, is subtracted.
//  - one run per call (repeat=1): no harness, but every run pays a syscall's
//    worth of cache and predictor disturbance, and the guest clock moves in
//    steps of about 10 ns. A cross-check, closer to a cold packet.
// The tc egress programs of route optimisation (Home Address option and type
// 2 routing header insertion) and the mobile node's tunnel egress have only
// the second timing: the harness is an XDP program, and in a tc kernel loop
// every repeat after the first would run on the program's own output. They
// are timed next to a tc program that returns TC_ACT_OK, in their own table.
// Every timing is checked: the verdict, and the datapath counters, which
// must show exactly one packet per run on the scenario's path and nothing
// anywhere else.
//
// Two probes explain the numbers: bench/fib_probe.bpf.c times
// bpf_fib_lookup alone as the datapath calls it, and --lookup-study
// (bench/lookup_probe.bpf.c) one random lookup in hash tables of several
// kinds, which is what the bindings lookup costs when packets spread over
// many bindings.
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/pkt_cls.h>
#include <net/if.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <array>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "telemetry/datapath_counters.hpp"
#include "datapath/error.hpp"
#include "datapath/in6.hpp"
#include "datapath/loader.hpp"
#include "datapath/maps.hpp"
#include "frames.hpp"
#include "harness.h"
#include "prog_run.hpp"
#include "sandbox.hpp"
#include "xmip_bench_fib_probe.skel.h"
#include "xmip_bench_harness.skel.h"
#include "xmip_bench_lookup_probe.skel.h"
#include "xmip_bench_pass.skel.h"

using namespace xmip;
using bench::ether;
using bench::mac;
using bench::tunnelled;
using bench::udp6;

namespace {

// ---- the topology ----------------------------------------------------------
// dp0 faces the correspondents (default route through R0), dp1 the visited
// networks (the care-of addresses' prefix through R1), dp2 is the home link
// with the HA address. Veth peers stay up and silent; every next hop has a
// permanent neighbour entry, so bpf_fib_lookup answers SUCCESS.
constexpr const char* kMacDp0 = "02:00:00:00:01:02";
constexpr const char* kMacR0 = "02:00:00:00:01:01";
constexpr const char* kMacDp1 = "02:00:00:00:03:01";
constexpr const char* kMacR1 = "02:00:00:00:03:05";
constexpr const char* kMacDp2 = "02:00:00:00:27:02";
constexpr const char* kMacCn = "02:00:00:00:01:10";   // source MAC of frames from R0's side
constexpr const char* kMacCoa = "02:00:00:00:03:64";  // source MAC of reverse-tunnel frames

constexpr const char* kHa = "2001:db8:2700::2";  // home agent address, on dp2
constexpr const char* kCn = "2001:db8:ce::10";   // a correspondent, via R0
constexpr const char* kCoa = "2001:db8:5::100";  // every binding's care-of address, via R1
// A mobile node's own state, for the MN decapsulation scenario.
constexpr const char* kMnHa = "2001:db8:9::2";
constexpr const char* kMnCoa = "2001:db8:3::100";
constexpr const char* kMnHoa = "2001:db8:9::4";
// A second correspondent: no route-optimised binding with the mobile node
// (its packets take the tunnel).
constexpr const char* kCn2 = "2001:db8:ce::11";
// Home addresses: the home link prefix 2001:db8:2700::/64 and random
// interface identifiers (hoa()).
constexpr uint8_t kHomePrefix[8] = {0x20, 0x01, 0x0d, 0xb8, 0x27, 0x00, 0x00, 0x00};

const std::vector<std::string> kTopology = {
    "sysctl -qw net.ipv6.conf.all.forwarding=1",
    "ip link set lo up",
    "ip link add dp0 type veth peer name dp0p",
    "ip link add dp1 type veth peer name dp1p",
    "ip link add dp2 type veth peer name dp2p",
    std::string("ip link set dp0 address ") + kMacDp0,
    std::string("ip link set dp1 address ") + kMacDp1,
    std::string("ip link set dp2 address ") + kMacDp2,
    "sysctl -qw net.ipv6.conf.dp0.accept_dad=0",
    "sysctl -qw net.ipv6.conf.dp1.accept_dad=0",
    "sysctl -qw net.ipv6.conf.dp2.accept_dad=0",
    "ip link set dp0 up",
    "ip link set dp0p up",
    "ip link set dp1 up",
    "ip link set dp1p up",
    "ip link set dp2 up",
    "ip link set dp2p up",
    "ip -6 addr add 2001:db8:1::2/64 dev dp0 nodad",
    "ip -6 addr add 2001:db8:3::1/64 dev dp1 nodad",
    std::string("ip -6 addr add ") + kHa + "/64 dev dp2 nodad",
    std::string("ip -6 neigh replace 2001:db8:1::1 lladdr ") + kMacR0 + " dev dp0 nud permanent",
    std::string("ip -6 neigh replace 2001:db8:3::5 lladdr ") + kMacR1 + " dev dp1 nud permanent",
    "ip -6 route add default via 2001:db8:1::1 dev dp0",
    "ip -6 route add 2001:db8:5::/64 via 2001:db8:3::5 dev dp1",
};

// ---- addresses and frames (bench/frames.hpp) ---------------------------------

// Home address number i: bound when i < N. From XMIP_BENCH_UNBOUND_BASE on,
// the addresses the "miss" scenarios send to: same prefix, never bound.
xmip_in6 hoa(uint64_t i) { return bench::home_address(kHomePrefix, i); }

struct Rng {  // xorshift64*: fast and deterministic, to pick indexes
    uint64_t s;
    uint64_t next() {
        s ^= s >> 12;
        s ^= s << 25;
        s ^= s >> 27;
        return s * 0x2545f4914f6cdd1dull;
    }
    uint64_t below(uint64_t n) { return next() % n; }
};

// ---- statistics -----------------------------------------------------------

double median(std::vector<double> v) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// Mean of the middle half of the runs: as robust to outliers as a median,
// but finer than the ~10 ns steps of this guest's clock (the runs spread over
// several steps, so their mean is not stuck to one).
double interquartile_mean(std::vector<uint32_t> v) {
    std::sort(v.begin(), v.end());
    const size_t lo = v.size() / 4, hi = v.size() - v.size() / 4;
    double sum = 0;
    for (size_t i = lo; i < hi; i++) sum += v[i];
    return hi > lo ? sum / static_cast<double>(hi - lo) : 0;
}

// ---- the scenarios --------------------------------------------------------

struct Scenario {
    std::string name;
    std::string what;  // one line for the legend
    int prog_fd = -1;
    int ifindex = 0;
    std::vector<uint8_t> frame;
    uint32_t verdict = XDP_PASS;
    int counter = -1;  // the one counter every run must move; -1: none (the baseline)
    xmip_bench_pick pick = XMIP_BENCH_FIXED;
    size_t patch_off = 0;  // where a random pick puts its address
    bool baseline = false;
    bool plain_loop = false;  // leaves the frame unchanged: also timed without harness
    bool tc = false;          // a tc (sched_cls) program: verdicts TC_ACT_*, one run per call only
    // Results, one value per round.
    std::vector<double> loop_delta;  // harness(program) - harness(pass), ns/run
    std::vector<double> plain_ns;    // kernel loop without harness (plain_loop only)
    std::vector<double> single_iqm;  // one run per call: interquartile mean of the round
    std::vector<uint32_t> all;       // every one-run-per-call timing (--histogram)
};

const char* verdict_name(uint32_t v) {
    switch (v) {
        case XDP_ABORTED:
            return "ABORTED";
        case XDP_DROP:
            return "DROP";
        case XDP_PASS:
            return "PASS";
        case XDP_TX:
            return "TX";
        case XDP_REDIRECT:
            return "REDIRECT";
        default:
            return "?";
    }
}

const char* tc_verdict_name(uint32_t v) {
    switch (v) {
        case TC_ACT_OK: return "OK";
        case TC_ACT_SHOT: return "SHOT";
        case TC_ACT_REDIRECT: return "REDIRECT";
        default: return "?";
    }
}

const char* verdict_name(const Scenario& s, uint32_t v) { return s.tc ? tc_verdict_name(v) : verdict_name(v); }

std::string counter_label(size_t i) {
    const auto& c = dp::kCounters[i];
    return std::string(c.reason) + "/" + std::string(c.verdict);
}

dp::CounterSnapshot diff(const dp::CounterSnapshot& after, const dp::CounterSnapshot& before) {
    dp::CounterSnapshot d{};
    for (size_t i = 0; i < d.size(); i++) d[i].packets = after[i].packets - before[i].packets;
    return d;
}

std::string describe(const dp::CounterSnapshot& d) {
    std::string s;
    for (size_t i = 0; i < d.size(); i++)
        if (d[i].packets)
            s += (s.empty() ? "" : ", ") + counter_label(i) + "=" + std::to_string(d[i].packets);
    return s.empty() ? "(none)" : s;
}

struct Config {
    bool quick = false;
    bool histogram = false;
    bool lookup_study = false;
    std::vector<uint64_t> sizes;
    uint32_t max_bindings = 0;  // 0: the largest size (+1 for the mobile node's binding)
    unsigned rounds = 0, samples = 0, warmup = 0, repeat = 0;
    int cpu = -1;
    unsigned timeout_s = 0;
};

struct LoadInfo {
    uint64_t n = 0;
    double load_ms = 0;      // DatapathMaps::upsert_bindings (batched)
    double one_by_one_ms = 0;  // DatapathMaps::upsert_binding per binding, into a fresh map
    bpf_map_info info{};
    uint64_t memlock = 0;
};

// The pass baseline and the harness (bench/pass.bpf.c, bench/harness.bpf.c).
struct BenchProgs {
    int pass_fd = -1;
    int harness_fd = -1;
    int frame_map_fd = -1;
    int target_map_fd = -1;
    int zipf_map_fd = -1;
    int tc_pass_fd = -1;  // the tc twin of pass_fd
};

class Bench {
public:
    Bench(const Config& cfg, const BenchProgs& progs) : cfg_(cfg), progs_(progs) {
        dp0_ = ifindex("dp0");
        dp1_ = ifindex("dp1");
    }

    // Loads a fresh datapath holding N bindings and times every scenario:
    // the XDP ones into out, the tc egress ones into tc_out.
    LoadInfo run_size(uint64_t n, std::vector<Scenario>& out, std::vector<Scenario>& tc_out) {
        dp::Options o;
        o.instance = "bench";
        o.pin_maps = false;
        o.max_bindings = cfg_.max_bindings;
        o.max_cn_bindings = cfg_.max_bindings;
        dp::Datapath dp(o);
        auto& maps = dp.maps();

        xmip_config c{};
        c.tunnel_hop_limit = 64;
        c.min_ptb_mtu = XMIP_IPV6_MIN_MTU;
        maps.set_config(c);
        const xmip_in6 ha = dp::require_in6(kHa), coa = dp::require_in6(kCoa);
        maps.add_local_addr(ha, XMIP_LF_TUNNEL_END | XMIP_LF_SIGNALLING);
        maps.add_local_addr(dp::require_in6(kMnCoa), XMIP_LF_TUNNEL_END | XMIP_LF_SIGNALLING);

        // N home agent bindings, all to the one care-of address.
        std::vector<std::pair<xmip_in6, xmip_binding>> batch(n);
        for (uint64_t i = 0; i < n; i++) {
            batch[i].first = hoa(i);
            batch[i].second = xmip_binding{};
            batch[i].second.remote = coa;
            batch[i].second.local = ha;
        }
        // The same N inserted one syscall each, into a fresh map of the same
        // size: what batching saves the agent when it loads many bindings.
        double one_by_one_ms;
        {
            dp::Datapath single(o);
            const auto s0 = std::chrono::steady_clock::now();
            for (const auto& [k, v] : batch) single.maps().upsert_binding(k, v);
            one_by_one_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - s0).count();
        }
        const auto t0 = std::chrono::steady_clock::now();
        maps.upsert_bindings(batch);
        const auto t1 = std::chrono::steady_clock::now();
        batch.clear();
        batch.shrink_to_fit();
        // The mobile node's own binding: one more entry in the same map.
        xmip_binding mn{};
        mn.remote = dp::require_in6(kMnHa);
        mn.local = dp::require_in6(kMnCoa);
        maps.upsert_binding(dp::require_in6(kMnHoa), mn);
        // Route optimisation (docs/route-optimisation.md): the same N home
        // addresses as the correspondent's bindings at the HA's address
        // (this node plays the correspondent for the CN rows), all from the
        // one care-of address.
        {
            std::vector<std::pair<xmip_ro_key, xmip_ro_binding>> ro(n);
            for (uint64_t i = 0; i < n; i++) {
                ro[i].first = xmip_ro_key{};
                ro[i].first.home = hoa(i);
                ro[i].first.correspondent = ha;
                ro[i].second = xmip_ro_binding{};
                ro[i].second.care_of = coa;
            }
            maps.upsert_cn_bindings(ro);
        }
        // The mobile node's route-optimised binding with the correspondent
        // kCn (not kCn2): its packets to kCn leave with a Home Address option.
        {
            xmip_ro_key k{};
            k.home = dp::require_in6(kMnHoa);
            k.correspondent = dp::require_in6(kCn);
            xmip_ro_binding b{};
            b.care_of = dp::require_in6(kMnCoa);
            maps.upsert_ro_peer(k, b);
        }

        LoadInfo li;
        li.n = n;
        li.load_ms = std::chrono::duration<double, std::milli>(t1 - t0).count();
        li.one_by_one_ms = one_by_one_ms;
        uint32_t len = sizeof(li.info);
        if (bpf_obj_get_info_by_fd(maps.fds().bindings, &li.info, &len))
            throw dp::DatapathError("cannot read the bindings map's info", errno);
        li.memlock = fdinfo_value(maps.fds().bindings, "memlock");
        check_loaded(maps, n);

        out = scenarios(dp, n / 2);  // the measured home address: one of the N
        for (auto& s : out) check_once(maps, s, n);
        plain_loop_check(maps, out, n);
        for (auto& s : out) harness_check(maps, s, n);
        measure(maps, out, n);
        clear_target();  // the prog array must not keep this datapath alive
        tc_out = tc_scenarios(dp, n / 2);
        for (auto& s : tc_out) check_once(maps, s, n);
        measure_tc(maps, tc_out, n);
        return li;
    }

    // What the kernel's repeat loop does without the harness (first size).
    std::vector<std::pair<std::string, std::string>> loop_findings;

private:
    static int ifindex(const char* name) {
        const unsigned i = if_nametoindex(name);
        if (!i) throw std::runtime_error(std::string("no interface ") + name + " in the sandbox");
        return static_cast<int>(i);
    }

    static uint64_t fdinfo_value(int fd, const std::string& key) {
        std::ifstream f("/proc/self/fdinfo/" + std::to_string(fd));
        std::string line;
        while (std::getline(f, line))
            if (line.rfind(key + ":", 0) == 0) return std::stoull(line.substr(key.size() + 1));
        return 0;
    }

    static void check_loaded(dp::DatapathMaps& maps, uint64_t n) {
        for (uint64_t i : {uint64_t{0}, n / 2, n - 1})  // spot-check the batch write
            if (!maps.lookup_binding(hoa(i)))
                throw std::runtime_error("binding " + std::to_string(i) + " (" +
                                         dp::format_in6(hoa(i)) +
                                         ") missing after the batch write");
        if (maps.lookup_binding(hoa(XMIP_BENCH_UNBOUND_BASE)))
            throw std::logic_error("the miss address is bound: address generator broken");
    }

    std::vector<Scenario> scenarios(dp::Datapath& dp, uint64_t measured) {
        const int ha_fd = dp.xdp_prog_fd(dp::Role::HomeAgent);
        const int mn_fd = dp.xdp_prog_fd(dp::Role::MobileNode);
        const xmip_in6 cn = dp::require_in6(kCn), ha = dp::require_in6(kHa),
                       coa = dp::require_in6(kCoa);
        constexpr size_t kPayload = 32;  // 94-byte frames from the CN, 134-byte tunnel frames
        auto down = [&](const xmip_in6& dst) {
            return ether(kMacDp0, kMacCn, udp6(cn, dst, kPayload));
        };
        auto up = [&](const xmip_in6& inner_src) {
            return ether(kMacDp1, kMacCoa, tunnelled(coa, ha, udp6(inner_src, cn, kPayload)));
        };
        constexpr size_t kDstOff = 14 + 24, kInnerSrcOff = 14 + 40 + 8;
        std::vector<Scenario> v;
        v.reserve(16);  // add() hands out pointers into it
        auto add = [&](const char* name, const char* what, int fd, int ifx,
                       std::vector<uint8_t> frame, uint32_t verdict, int counter,
                       xmip_bench_pick pick, size_t off) {
            Scenario s;
            s.name = name;
            s.what = what;
            s.prog_fd = fd;
            s.ifindex = ifx;
            s.frame = std::move(frame);
            s.verdict = verdict;
            s.counter = counter;
            s.pick = pick;
            s.patch_off = off;
            v.push_back(std::move(s));
            return &v.back();
        };
        auto* pass =
            add("pass baseline", "bench/pass.bpf.c: returns XDP_PASS (the encap frame, dp0)",
                progs_.pass_fd, dp0_, down(hoa(measured)), XDP_PASS, -1, XMIP_BENCH_FIXED, 0);
        pass->baseline = pass->plain_loop = true;
        add("HA downlink encap",
            "CN -> a bound HoA, on dp0: encap to the CoA, fib, redirect to dp1", ha_fd, dp0_,
            down(hoa(measured)), XDP_REDIRECT, XMIP_CNT_ENCAP_REDIRECT, XMIP_BENCH_FIXED, 0);
        add("HA downlink encap rnd", "as above, the HoA drawn at random among the N on every run",
            ha_fd, dp0_, down(hoa(measured)), XDP_REDIRECT, XMIP_CNT_ENCAP_REDIRECT,
            XMIP_BENCH_RANDOM_BOUND, kDstOff);
        add("HA downlink encap zipf",
            "as above, the HoA drawn Zipf (s = 1) among the N: address k with weight 1/(k+1)", ha_fd, dp0_,
            down(hoa(measured)), XDP_REDIRECT, XMIP_CNT_ENCAP_REDIRECT, XMIP_BENCH_ZIPF_BOUND, kDstOff);
        add("HA uplink decap",
            "CoA -> HA tunnel on dp1, inner HoA -> CN: anti-spoof check, fib, redirect to dp0",
            ha_fd, dp1_, up(hoa(measured)), XDP_REDIRECT, XMIP_CNT_DECAP_REDIRECT, XMIP_BENCH_FIXED,
            0);
        add("HA uplink decap rnd",
            "as above, the inner HoA drawn at random among the N on every run", ha_fd, dp1_,
            up(hoa(measured)), XDP_REDIRECT, XMIP_CNT_DECAP_REDIRECT, XMIP_BENCH_RANDOM_BOUND,
            kInnerSrcOff);
        add("HA uplink decap zipf", "as above, the inner HoA drawn Zipf (s = 1) among the N", ha_fd, dp1_,
            up(hoa(measured)), XDP_REDIRECT, XMIP_CNT_DECAP_REDIRECT, XMIP_BENCH_ZIPF_BOUND, kInnerSrcOff);
        auto* miss =
            add("HA miss", "CN -> an unbound address of the home prefix, on dp0: both lookups miss",
                ha_fd, dp0_, down(hoa(XMIP_BENCH_UNBOUND_BASE)), XDP_PASS, XMIP_CNT_PASS_NOT_MOBILE,
                XMIP_BENCH_FIXED, 0);
        miss->plain_loop = true;
        add("HA miss rnd", "as above, another unbound address on every run", ha_fd, dp0_,
            down(hoa(XMIP_BENCH_UNBOUND_BASE)), XDP_PASS, XMIP_CNT_PASS_NOT_MOBILE,
            XMIP_BENCH_RANDOM_UNBOUND, kDstOff);
        add("MN decap",
            "xmip_mn_xdp, HA -> CoA tunnel on dp1, inner CN -> HoA: anti-spoof, decap, to the "
            "stack",
            mn_fd, dp1_,
            ether(kMacDp1, kMacR1,
                  tunnelled(dp::require_in6(kMnHa), dp::require_in6(kMnCoa),
                            udp6(cn, dp::require_in6(kMnHoa), kPayload))),
            XDP_PASS, XMIP_CNT_DECAP_PASS, XMIP_BENCH_FIXED, 0);
        // Route optimisation, the two XDP paths (issue 13). The tc egress
        // paths (HAO and RH2 insertion) cannot run under the XDP harness:
        // not timed here (docs/performance.md).
        const xmip_in6 mn_coa = dp::require_in6(kMnCoa), mn_hoa = dp::require_in6(kMnHoa);
        auto rh2_to_coa = [&] {  // CN -> CoA, type 2 routing header naming the HoA
            bench::Bytes in = udp6(cn, mn_hoa, kPayload);
            bench::Bytes rh = {in[6], 2, 2, 1, 0, 0, 0, 0};
            rh.insert(rh.end(), mn_hoa.u8, mn_hoa.u8 + 16);
            in.insert(in.begin() + 40, rh.begin(), rh.end());
            in[6] = 43;
            bench::put16(in, 4, static_cast<uint16_t>(in.size() - 40));
            std::memcpy(&in[24], mn_coa.u8, 16);
            return ether(kMacDp1, kMacR1, in);
        };
        add("MN RH2 ingress",
            "xmip_mn_xdp, CN -> CoA with a type 2 routing header for the HoA: checked, swapped, to the stack", mn_fd,
            dp1_, rh2_to_coa(), XDP_PASS, XMIP_CNT_RO_MN_RH2, XMIP_BENCH_FIXED, 0);
        auto hao_to_cn = [&](const xmip_in6& home) {  // CoA -> this node (as CN) with a HAO
            bench::Bytes in = udp6(home, ha, kPayload);
            bench::Bytes d = {in[6], 2, 1, 2, 0, 0, 201, 16};
            d.insert(d.end(), home.u8, home.u8 + 16);
            in.insert(in.begin() + 40, d.begin(), d.end());
            in[6] = 60;
            bench::put16(in, 4, static_cast<uint16_t>(in.size() - 40));
            std::memcpy(&in[8], coa.u8, 16);
            return ether(kMacDp1, kMacCoa, in);
        };
        constexpr size_t kHaoOff = 14 + 40 + 8;
        const int cn_fd = dp.cn_xdp_prog_fd();
        add("CN HAO ingress",
            "xmip_cn_xdp, CoA -> CN with a Home Address option of one of the N bindings: checked, source "
            "swapped, header removed, to the stack",
            cn_fd, dp1_, hao_to_cn(hoa(measured)), XDP_PASS, XMIP_CNT_RO_CN_HAO, XMIP_BENCH_FIXED, 0);
        add("CN HAO ingress rnd", "as above, the home address drawn at random among the N on every run", cn_fd, dp1_,
            hao_to_cn(hoa(measured)), XDP_PASS, XMIP_CNT_RO_CN_HAO, XMIP_BENCH_RANDOM_BOUND, kHaoOff);
        return v;
    }

    // The tc egress paths: the mobile node's (route-optimised with a Home
    // Address option, or through the tunnel) and the correspondent's (a type
    // 2 routing header to the care-of address of one of the N bindings).
    std::vector<Scenario> tc_scenarios(dp::Datapath& dp, uint64_t measured) {
        const int mn_fd = dp.egress_prog_fd(dp::Role::MobileNode);
        const int cn_fd = dp.cn_egress_prog_fd();
        const xmip_in6 cn = dp::require_in6(kCn), cn2 = dp::require_in6(kCn2), ha = dp::require_in6(kHa),
                       mn_hoa = dp::require_in6(kMnHoa);
        constexpr size_t kPayload = 32;
        constexpr size_t kDstOff = 14 + 24;
        std::vector<Scenario> v;
        auto add = [&](const char* name, const char* what, int fd, int ifx, std::vector<uint8_t> frame,
                       uint32_t verdict, int counter, xmip_bench_pick pick) {
            Scenario s;
            s.name = name;
            s.what = what;
            s.prog_fd = fd;
            s.ifindex = ifx;
            s.frame = std::move(frame);
            s.verdict = verdict;
            s.counter = counter;
            s.pick = pick;
            s.patch_off = pick == XMIP_BENCH_FIXED ? 0 : kDstOff;
            s.tc = true;
            v.push_back(std::move(s));
        };
        const auto mn_up = [&](const xmip_in6& peer) { return ether(kMacR1, kMacDp1, udp6(mn_hoa, peer, kPayload)); };
        add("tc pass baseline", "bench/pass.bpf.c xmip_bench_tc_pass: returns TC_ACT_OK (the HAO frame, dp1)",
            progs_.tc_pass_fd, dp1_, mn_up(cn), TC_ACT_OK, -1, XMIP_BENCH_FIXED);
        v.back().baseline = true;
        add("MN HAO egress",
            "xmip_mn_egress, HoA -> a correspondent with a route-optimised binding: Home Address option "
            "inserted, source the CoA",
            mn_fd, dp1_, mn_up(cn), TC_ACT_OK, XMIP_CNT_RO_MN_HAO, XMIP_BENCH_FIXED);
        add("MN tunnel egress",
            "xmip_mn_egress, HoA -> a correspondent without one: IPv6-in-IPv6 CoA -> HA, fib, redirect", mn_fd, dp1_,
            mn_up(cn2), TC_ACT_REDIRECT, XMIP_CNT_MN_ENCAP, XMIP_BENCH_FIXED);
        const auto cn_down = [&](const xmip_in6& home) { return ether(kMacR0, kMacDp0, udp6(ha, home, kPayload)); };
        add("CN RH2 egress",
            "xmip_cn_egress, this node -> a HoA of one of the N bindings: type 2 routing header inserted, "
            "destination the CoA, fib, redirect",
            cn_fd, dp0_, cn_down(hoa(measured)), TC_ACT_REDIRECT, XMIP_CNT_RO_CN_RH2, XMIP_BENCH_FIXED);
        add("CN RH2 egress rnd", "as above, the home address drawn at random among the N on every run", cn_fd, dp0_,
            cn_down(hoa(measured)), TC_ACT_REDIRECT, XMIP_CNT_RO_CN_RH2, XMIP_BENCH_RANDOM_BOUND);
        return v;
    }

    static test::RunResult run_once(const Scenario& s) {
        return s.tc ? test::run_tc(s.prog_fd, s.frame, s.ifindex, 1) : test::run_xdp(s.prog_fd, s.frame, s.ifindex, 1);
    }

    // A random pick for the one-run-per-call timing (the harness draws its own).
    void patch(Scenario& s, uint64_t n) {
        if (s.pick == XMIP_BENCH_FIXED) return;
        const uint64_t i = s.pick == XMIP_BENCH_ZIPF_BOUND     ? zipf_for(n)[rng_.below(XMIP_BENCH_ZIPF_SAMPLES)]
                           : s.pick == XMIP_BENCH_RANDOM_BOUND ? rng_.below(n)
                                                               : XMIP_BENCH_UNBOUND_BASE + rng_.below(1u << 30);
        const xmip_in6 a = hoa(i);
        std::memcpy(&s.frame[s.patch_off], a.u8, 16);
    }

    std::string where(const Scenario& s, uint64_t n) {
        return "N=" + std::to_string(n) + ", " + s.name + ": ";
    }

    void expect_counters(dp::DatapathMaps& maps, const Scenario& s, uint64_t n,
                         const dp::CounterSnapshot& before, uint64_t runs, const char* what) {
        if (s.counter < 0) return;
        const auto d = diff(maps.counters(), before);
        dp::CounterSnapshot want{};
        want[s.counter].packets = runs;
        if (describe(d) != describe(want))
            throw std::runtime_error(where(s, n) + what + ": counters moved " + describe(d) +
                                     ", expected " + describe(want));
    }

    // One run, repeat=1: the verdict, the counter and the output frame.
    void check_once(dp::DatapathMaps& maps, Scenario& s, uint64_t n) {
        patch(s, n);
        const auto before = maps.counters();
        const auto r = run_once(s);
        if (r.retval != s.verdict)
            throw std::runtime_error(where(s, n) + "verdict " + verdict_name(s, r.retval) + ", expected " +
                                     verdict_name(s, s.verdict) +
                                     "; counters moved: " + describe(diff(maps.counters(), before)));
        expect_counters(maps, s, n, before, 1, "a single run");
        size_t want_len = s.frame.size();
        if (s.counter == XMIP_CNT_ENCAP_REDIRECT || s.counter == XMIP_CNT_MN_ENCAP) want_len += 40;
        if (s.counter == XMIP_CNT_RO_MN_HAO || s.counter == XMIP_CNT_RO_CN_RH2) want_len += XMIP_RO_EXT_LEN;
        if (s.counter == XMIP_CNT_DECAP_REDIRECT || s.counter == XMIP_CNT_DECAP_PASS)
            want_len -= 40;
        if (s.counter == XMIP_CNT_RO_CN_HAO) want_len -= XMIP_RO_EXT_LEN;  // the header removed
        if (r.output.size() != want_len)
            throw std::runtime_error(where(s, n) + "output frame of " +
                                     std::to_string(r.output.size()) + " bytes, expected " +
                                     std::to_string(want_len));
        if (s.counter == XMIP_CNT_ENCAP_REDIRECT || s.counter == XMIP_CNT_DECAP_REDIRECT) {
            const auto next_hop = mac(s.counter == XMIP_CNT_ENCAP_REDIRECT ? kMacR1 : kMacR0);
            if (!std::equal(next_hop.begin(), next_hop.end(), r.output.begin()))
                throw std::runtime_error(where(s, n) + "output not addressed to the next hop");
        }
        // The inserted headers' effect on the addresses (the bytes are the
        // fixture tests'): HAO -> source the CoA, RH2 -> destination the CoA.
        const auto at = [&](size_t off, const char* addr) {
            const xmip_in6 a = dp::require_in6(addr);
            return std::equal(a.u8, a.u8 + 16, r.output.begin() + static_cast<std::ptrdiff_t>(off));
        };
        if ((s.counter == XMIP_CNT_RO_MN_HAO && !at(14 + 8, kMnCoa)) ||
            (s.counter == XMIP_CNT_RO_CN_RH2 && !at(14 + 24, kCoa)))
            throw std::runtime_error(where(s, n) + "output not from/to the care-of address");
    }

    // The kernel's repeat loop without the harness: the counters say which
    // paths it would really time. Recorded for the report at the first size.
    void plain_loop_check(dp::DatapathMaps& maps, std::vector<Scenario>& v, uint64_t n) {
        const uint32_t rep = 1000;
        const bool record = loop_findings.empty();
        for (auto& s : v) {
            if (s.baseline || s.pick != XMIP_BENCH_FIXED) continue;
            const auto before = maps.counters();
            test::run_xdp(s.prog_fd, s.frame, s.ifindex, rep);
            const auto d = diff(maps.counters(), before);
            const bool kept = d[s.counter].packets == rep;
            if (s.plain_loop && !kept)
                throw std::runtime_error(where(s, n) +
                                         "the kernel loop left the path: " + describe(d));
            if (record)
                loop_findings.emplace_back(s.name + " (repeat=" + std::to_string(rep) + ")",
                                           describe(d));
        }
    }

    // XMIP_BENCH_ZIPF_SAMPLES indexes in [0, n), index k with probability
    // (1/(k+1)) / H_n, by inverting the cumulative distribution; drawn once
    // per n (deterministic) and shared by the harness and patch().
    const std::vector<uint32_t>& zipf_for(uint64_t n) {
        if (zipf_n_ == n) return zipf_;
        std::vector<double> cdf(n);
        double h = 0;
        for (uint64_t k = 0; k < n; k++) cdf[k] = h += 1.0 / static_cast<double>(k + 1);
        zipf_.assign(XMIP_BENCH_ZIPF_SAMPLES, 0);
        for (auto& z : zipf_) {
            const double u = static_cast<double>(rng_.next() >> 11) / 9007199254740992.0 * h;
            z = static_cast<uint32_t>(std::min<uint64_t>(std::lower_bound(cdf.begin(), cdf.end(), u) - cdf.begin(), n - 1));
        }
        zipf_n_ = n;
        return zipf_;
    }

    void set_harness(const Scenario& s, uint64_t n, int target_fd) {
        if (s.pick == XMIP_BENCH_ZIPF_BOUND && zipf_written_n_ != n) {
            const auto& z = zipf_for(n);
            zipf_written_n_ = n;
            for (uint32_t k = 0; k < XMIP_BENCH_ZIPF_SAMPLES; k++)
                if (bpf_map_update_elem(progs_.zipf_map_fd, &k, &z[k], BPF_ANY))
                    throw dp::DatapathError("cannot write the Zipf samples", errno);
        }
        xmip_bench_frame f{};
        if (s.frame.size() > sizeof(f.frame))
            throw std::logic_error("frame too long for the harness");
        f.len = static_cast<uint32_t>(s.frame.size());
        f.patch_off = static_cast<uint32_t>(s.patch_off);
        f.pick = s.pick;
        f.n = static_cast<uint32_t>(n);
        std::memcpy(f.prefix, kHomePrefix, 8);
        std::memcpy(f.frame, s.frame.data(), s.frame.size());
        const uint32_t zero = 0;
        if (bpf_map_update_elem(progs_.frame_map_fd, &zero, &f, BPF_ANY))
            throw dp::DatapathError("cannot write the harness frame", errno);
        if (bpf_map_update_elem(progs_.target_map_fd, &zero, &target_fd, BPF_ANY))
            throw dp::DatapathError("cannot set the harness target", errno);
    }

    void clear_target() {
        const uint32_t zero = 0;
        bpf_map_delete_elem(progs_.target_map_fd, &zero);
    }

    // Kernel loop under the harness: ns/run, every run checked by the counters.
    double harness_run(dp::DatapathMaps& maps, const Scenario& s, uint64_t n, int target_fd,
                       uint32_t repeat) {
        set_harness(s, n, target_fd);
        const bool is_target = target_fd == s.prog_fd;
        const auto before = maps.counters();
        const auto r = test::run_xdp(progs_.harness_fd, s.frame, s.ifindex, repeat);
        const uint32_t want = is_target ? s.verdict : uint32_t{XDP_PASS};
        if (r.retval != want)
            throw std::runtime_error(where(s, n) + "under the harness: verdict " +
                                     verdict_name(r.retval) + ", expected " + verdict_name(want));
        if (is_target) expect_counters(maps, s, n, before, repeat, "under the harness");
        return r.duration_ns;
    }

    void harness_check(dp::DatapathMaps& maps, Scenario& s, uint64_t n) {
        if (s.baseline) return;
        harness_run(maps, s, n, s.prog_fd, 1000);
    }

    void measure(dp::DatapathMaps& maps, std::vector<Scenario>& v, uint64_t n) {
        std::vector<uint32_t> ns(cfg_.samples);
        for (auto& s : v) {  // warm up code, maps and the FIB
            for (unsigned i = 0; i < cfg_.warmup; i++) {
                patch(s, n);
                test::run_xdp(s.prog_fd, s.frame, s.ifindex, 1);
            }
            if (!s.baseline) harness_run(maps, s, n, s.prog_fd, cfg_.repeat / 10 + 1);
        }
        for (unsigned round = 0; round < cfg_.rounds; round++) {
            for (size_t k = 0; k < v.size(); k++) {
                Scenario& s = v[(k + round) % v.size()];  // each round starts elsewhere
                // Kernel loop: the harness around the program and around the
                // pass program, back to back, in alternating order.
                if (!s.baseline) {
                    double prog_ns, ctrl_ns;
                    if (round % 2) {
                        prog_ns = harness_run(maps, s, n, s.prog_fd, cfg_.repeat);
                        ctrl_ns = harness_run(maps, s, n, progs_.pass_fd, cfg_.repeat);
                    } else {
                        ctrl_ns = harness_run(maps, s, n, progs_.pass_fd, cfg_.repeat);
                        prog_ns = harness_run(maps, s, n, s.prog_fd, cfg_.repeat);
                    }
                    s.loop_delta.push_back(prog_ns - ctrl_ns);
                }
                if (s.plain_loop) {
                    const auto before = maps.counters();
                    const auto r = test::run_xdp(s.prog_fd, s.frame, s.ifindex, cfg_.repeat);
                    expect_counters(maps, s, n, before, cfg_.repeat, "plain kernel loop");
                    s.plain_ns.push_back(r.duration_ns);
                }
                // One run per call.
                const auto before = maps.counters();
                for (unsigned i = 0; i < cfg_.samples; i++) {
                    patch(s, n);
                    const auto r = test::run_xdp(s.prog_fd, s.frame, s.ifindex, 1);
                    if (r.retval != s.verdict)
                        throw std::runtime_error(where(s, n) + "run " + std::to_string(i) +
                                                 ": verdict " + verdict_name(r.retval));
                    ns[i] = r.duration_ns;
                }
                expect_counters(maps, s, n, before, cfg_.samples, "one run per call");
                s.single_iqm.push_back(interquartile_mean(ns));
                if (cfg_.histogram) s.all.insert(s.all.end(), ns.begin(), ns.end());
            }
        }
    }

    // The tc scenarios: one run per call only, each round alternating with
    // the tc pass baseline (the first scenario).
    void measure_tc(dp::DatapathMaps& maps, std::vector<Scenario>& v, uint64_t n) {
        std::vector<uint32_t> ns(cfg_.samples);
        for (auto& s : v)
            for (unsigned i = 0; i < cfg_.warmup; i++) {
                patch(s, n);
                run_once(s);
            }
        for (unsigned round = 0; round < cfg_.rounds; round++)
            for (size_t k = 0; k < v.size(); k++) {
                Scenario& s = v[(k + round) % v.size()];
                const auto before = maps.counters();
                for (unsigned i = 0; i < cfg_.samples; i++) {
                    patch(s, n);
                    const auto r = run_once(s);
                    if (r.retval != s.verdict)
                        throw std::runtime_error(where(s, n) + "run " + std::to_string(i) + ": verdict " +
                                                 verdict_name(s, r.retval));
                    ns[i] = r.duration_ns;
                }
                expect_counters(maps, s, n, before, cfg_.samples, "one run per call");
                s.single_iqm.push_back(interquartile_mean(ns));
            }
    }

    const Config& cfg_;
    BenchProgs progs_;
    int dp0_ = 0, dp1_ = 0;
    Rng rng_{0x9e3779b97f4a7c15ull};
    uint64_t zipf_n_ = 0, zipf_written_n_ = 0;
    std::vector<uint32_t> zipf_;
};

// ---- bpf_fib_lookup alone ---------------------------------------------------

struct FibVariant {
    std::string name;
    int ifindex;
    xmip_bench_fib_params p;
    std::vector<double> ns;
};

// Times bench/fib_probe.bpf.c with the lookups the datapath makes, and
// variants of the one on the encap path, in the plain kernel loop (the probe
// does not touch the frame). Returns them with the probe's own cost first.
std::vector<FibVariant> fib_probe(const Config& cfg, int prog_fd, int map_fd) {
    const int dp0 = static_cast<int>(if_nametoindex("dp0"));
    const int dp1 = static_cast<int>(if_nametoindex("dp1"));
    const xmip_in6 ha = dp::require_in6(kHa), coa = dp::require_in6(kCoa),
                   cn = dp::require_in6(kCn), home = hoa(0);
    auto params = [](const xmip_in6& src, const xmip_in6& dst, uint8_t l4, uint16_t tot_len,
                     uint32_t flags) {
        xmip_bench_fib_params p{};
        std::memcpy(p.src, src.u8, 16);
        std::memcpy(p.dst, dst.u8, 16);
        p.l4_protocol = l4;
        p.tot_len = tot_len;
        p.flags = flags;
        p.flowinfo = htonl(0x12345);
        p.call = 1;
        return p;
    };
    // The frames of the benchmark: 80-byte inner packet, 120 bytes tunnelled.
    std::vector<FibVariant> v = {
        {"probe, lookup skipped", dp0, params(ha, coa, 41, 120, 0), {}},
        {"encap: HA->CoA, as xmip", dp0, params(ha, coa, 41, 120, 0), {}},
        {"  same, tot_len 0", dp0, params(ha, coa, 41, 0, 0), {}},
        {"  same, DIRECT", dp0, params(ha, coa, 41, 120, BPF_FIB_LOOKUP_DIRECT), {}},
        {"  same, SKIP_NEIGH", dp0, params(ha, coa, 41, 120, BPF_FIB_LOOKUP_SKIP_NEIGH), {}},
        {"decap: HoA->CN, as xmip", dp1, params(home, cn, 17, 80, 0), {}},
    };
    v[0].p.call = 0;
    const std::vector<uint8_t> frame(64, 0);  // never read
    const uint32_t zero = 0;
    for (unsigned round = 0; round < cfg.rounds + 1; round++)  // round 0 warms up
        for (size_t k = 0; k < v.size(); k++) {
            auto& f = v[(k + round) % v.size()];
            if (bpf_map_update_elem(map_fd, &zero, &f.p, BPF_ANY))
                throw dp::DatapathError("cannot write the fib probe's parameters", errno);
            const auto r = test::run_xdp(prog_fd, frame, f.ifindex, cfg.repeat);
            if (r.retval != XDP_PASS)
                throw std::runtime_error("fib probe '" + f.name + "': the lookup did not succeed");
            if (round) f.ns.push_back(r.duration_ns);
        }
    return v;
}

// ---- why a lookup costs more in a big table (--lookup-study) ---------------

struct TableVariant {
    std::string name;
    uint32_t map_flags;
    uint32_t value_size;
    uint32_t capacity;
    uint64_t entries;
    uint32_t working_set;  // lookups go to addresses 0..working_set-1, at random
};

struct TableResult {
    TableVariant v;
    std::vector<double> ns;  // lookup's own ns per round (probe - probe without lookup)
    uint64_t memlock = 0;
};

uint64_t fdinfo_memlock(int fd) {
    std::ifstream f("/proc/self/fdinfo/" + std::to_string(fd));
    std::string line;
    while (std::getline(f, line))
        if (line.rfind("memlock:", 0) == 0) return std::stoull(line.substr(8));
    return 0;
}

// One random lookup (bench/lookup_probe.bpf.c) in hash tables of several
// kinds, each filled with `entries` home addresses.
std::vector<TableResult> lookup_study(const Config& cfg, uint64_t n) {
    const uint32_t cap = static_cast<uint32_t>(n + 1), small = 1024;
    std::vector<TableVariant> vs = {
        {"as xmip: prealloc, value 40", 0, 40, cap, n, static_cast<uint32_t>(n)},
        {"  same table, 1024 hot of N", 0, 40, cap, n, std::min<uint32_t>(small, cap - 1)},
        {"  compact: 1024 in cap 1025", 0, 40, small + 1, small, small},
        {"BPF_F_NO_PREALLOC, value 40", BPF_F_NO_PREALLOC, 40, cap, n, static_cast<uint32_t>(n)},
        {"prealloc, value 8", 0, 8, cap, n, static_cast<uint32_t>(n)},
        {"prealloc, value 40, cap 2N", 0, 40, static_cast<uint32_t>(2 * n), n,
         static_cast<uint32_t>(n)},
    };
    std::vector<TableResult> out;
    const std::vector<uint8_t> frame(64, 0);  // never read
    const uint32_t zero = 0;
    for (const auto& v : vs) {
        std::unique_ptr<xmip_bench_lookup_probe, void (*)(xmip_bench_lookup_probe*)> sk(
            xmip_bench_lookup_probe__open(), xmip_bench_lookup_probe__destroy);
        if (!sk) throw dp::DatapathError("cannot open bench/lookup_probe.bpf.c", errno);
        int err = bpf_map__set_max_entries(sk->maps.xmip_bench_table, v.capacity);
        if (!err) err = bpf_map__set_value_size(sk->maps.xmip_bench_table, v.value_size);
        if (!err) err = bpf_map__set_map_flags(sk->maps.xmip_bench_table, v.map_flags);
        if (err) throw dp::DatapathError("cannot size the lookup study's table", err);
        sk->rodata->value_size = v.value_size;
        if ((err = xmip_bench_lookup_probe__load(sk.get())))
            throw dp::DatapathError("cannot load bench/lookup_probe.bpf.c (" + v.name + ")", err);
        const int table = bpf_map__fd(sk->maps.xmip_bench_table);
        const int params = bpf_map__fd(sk->maps.xmip_bench_lookup_map);
        constexpr uint64_t kChunk = 8192;
        std::vector<xmip_in6> keys;
        std::vector<uint8_t> values(kChunk * v.value_size, 0);
        for (uint64_t i = 0; i < v.entries; i += kChunk) {
            const uint64_t m = std::min(kChunk, v.entries - i);
            keys.resize(m);
            for (uint64_t j = 0; j < m; j++) keys[j] = hoa(i + j);
            __u32 count = static_cast<__u32>(m);
            LIBBPF_OPTS(bpf_map_batch_opts, opts, .elem_flags = BPF_ANY);
            if (bpf_map_update_batch(table, keys.data(), values.data(), &count, &opts))
                throw dp::DatapathError("cannot fill the lookup study's table", errno);
        }
        TableResult r;
        r.v = v;
        r.memlock = fdinfo_memlock(table);
        xmip_bench_lookup_params p{};
        p.n = v.working_set;
        std::memcpy(p.prefix, kHomePrefix, 8);
        auto timed = [&](uint32_t call) {
            p.call = call;
            if (bpf_map_update_elem(params, &zero, &p, BPF_ANY))
                throw dp::DatapathError("cannot write the lookup probe's parameters", errno);
            const auto res = test::run_xdp(bpf_program__fd(sk->progs.xmip_bench_lookup), frame,
                                           static_cast<int>(if_nametoindex("dp0")), cfg.repeat);
            xmip_bench_lookup_params after{};
            if (bpf_map_lookup_elem(params, &zero, &after))
                throw dp::DatapathError("cannot read the lookup probe's hits", errno);
            if (res.retval != XDP_PASS || after.hits != (call ? cfg.repeat : 0))
                throw std::runtime_error("lookup study, " + v.name + ": " +
                                         std::to_string(after.hits) + " hits in " +
                                         std::to_string(call ? cfg.repeat : 0) + " lookups");
            return static_cast<double>(res.duration_ns);
        };
        timed(1);  // warm up
        for (unsigned round = 0; round < cfg.rounds; round++) {
            const double a = round % 2 ? timed(1) : timed(0);
            const double b = round % 2 ? timed(0) : timed(1);
            r.ns.push_back(round % 2 ? a - b : b - a);
        }
        out.push_back(std::move(r));
    }
    return out;
}

// ---- reporting ------------------------------------------------------------

std::string cpuinfo(const std::string& key) {
    std::ifstream f("/proc/cpuinfo");
    std::string line;
    while (std::getline(f, line))
        if (line.rfind(key, 0) == 0) {
            const auto p = line.find(':');
            std::string v = p == std::string::npos ? "" : line.substr(p + 1);
            v.erase(0, v.find_first_not_of(" \t"));
            return v;
        }
    return "unknown";
}

std::string human_n(uint64_t n) {
    if (n >= 1000000 && n % 1000000 == 0) return std::to_string(n / 1000000) + "M";
    if (n >= 1000 && n % 1000 == 0) return std::to_string(n / 1000) + "k";
    return std::to_string(n);
}

double lowest(const std::vector<double>& v) { return *std::min_element(v.begin(), v.end()); }
double highest(const std::vector<double>& v) { return *std::max_element(v.begin(), v.end()); }

// What else the machine was doing: load average, time stolen by the
// hypervisor, and how often this process was preempted.
struct Conditions {
    std::string loadavg;
    uint64_t steal = 0, total = 0;  // /proc/stat, all CPUs, in ticks
    long nivcsw = 0;

    static Conditions now() {
        Conditions c;
        std::ifstream l("/proc/loadavg");
        std::getline(l, c.loadavg);
        c.loadavg = c.loadavg.substr(
            0, c.loadavg.find(' ', c.loadavg.find(' ', c.loadavg.find(' ') + 1) + 1));
        std::ifstream st("/proc/stat");
        std::string cpu;
        st >> cpu;
        for (int i = 0; i < 8; i++) {
            uint64_t x = 0;
            st >> x;
            c.total += x;
            if (i == 7) c.steal = x;
        }
        rusage ru{};
        getrusage(RUSAGE_SELF, &ru);
        c.nivcsw = ru.ru_nivcsw;
        return c;
    }
};

void on_timeout(int) {
    const char msg[] = "xmip-bench-datapath: timed out (--timeout); no results\n";
    ssize_t r = write(2, msg, sizeof(msg) - 1);
    (void)r;
    _exit(3);
}

void print_header_row(const Config& cfg, const char* first) {
    std::printf("%-22s %-9s", first, "verdict");
    for (uint64_t n : cfg.sizes) std::printf(" | %-21s", ("N=" + human_n(n)).c_str());
    std::printf("\n");
}

// One table: rows of scenarios, per N the ns/packet, the ratio to the pass
// baseline of the same rounds and the ns above it.
void print_table(const Config& cfg, const std::vector<std::vector<Scenario>>& res,
                 const std::vector<std::vector<double>>& ns) {
    print_header_row(cfg, "scenario");
    for (size_t k = 0; k < res[0].size(); k++) {
        std::printf("%-22s %-9s", res[0][k].name.c_str(), verdict_name(res[0][k], res[0][k].verdict));
        for (size_t j = 0; j < res.size(); j++) {
            char buf[64];
            std::snprintf(buf, sizeof(buf), "%6.1f %5.2fx %+6.1f", ns[j][k], ns[j][k] / ns[j][0],
                          ns[j][k] - ns[j][0]);
            std::printf(" | %-21s", buf);
        }
        std::printf("\n");
    }
}

void print_growth(const Config& cfg, const std::vector<std::vector<Scenario>>& res,
                  const std::vector<std::vector<double>>& ns) {
    const size_t first = std::min_element(cfg.sizes.begin(), cfg.sizes.end()) - cfg.sizes.begin();
    const size_t last = std::max_element(cfg.sizes.begin(), cfg.sizes.end()) - cfg.sizes.begin();
    if (first == last) return;
    std::printf("cost(N=%s) / cost(N=%s): ns/packet [ns above the baseline]\n",
                human_n(cfg.sizes[last]).c_str(), human_n(cfg.sizes[first]).c_str());
    for (size_t k = 1; k < res[0].size(); k++) {
        const double a = ns[first][k], b = ns[last][k];
        std::printf("  %-22s %5.2f  [%5.2f]\n", res[0][k].name.c_str(), b / a,
                    (b - ns[last][0]) / (a - ns[first][0]));
    }
}

}  // namespace

int main(int argc, char** argv) {
    // First thing, before anything could start a thread: the private netns
    // and bpffs. The outcome is reported after the options (--help works
    // anywhere).
    std::string sandbox_why;
    const bool sandboxed = test::enter_sandbox(&sandbox_why);

    Config cfg;
    CLI::App app{"xmip-bench-datapath: ns/packet of the xmip XDP datapath (BPF_PROG_TEST_RUN)"};
    app.add_flag("--quick", cfg.quick, "CI smoke run: N in {1, 1000}, few runs, a few seconds");
    app.add_option("--sizes", cfg.sizes,
                   "numbers of bindings (default 1 1000 100000 1000000; quick 1 1000)");
    app.add_option(
        "--max-bindings", cfg.max_bindings,
        "capacity of the bindings map, Options::max_bindings (default: largest size + 1)");
    app.add_option("--rounds", cfg.rounds, "alternated rounds per size (default 9; quick 3)");
    app.add_option("--repeat", cfg.repeat,
                   "kernel-loop runs per timing (default 200000; quick 5000)");
    app.add_option("--samples", cfg.samples,
                   "one-run-per-call timings per scenario and round (default 10000; quick 300)");
    app.add_flag("--lookup-study", cfg.lookup_study,
                 "also time one random lookup in hash tables of several kinds (N = largest size)");
    app.add_flag("--histogram", cfg.histogram, "also print the one-run-per-call distributions");
    app.add_option("--cpu", cfg.cpu, "CPU to run on (default: the last one)");
    app.add_option("--timeout", cfg.timeout_s,
                   "give up after this many seconds (default 900; quick 60)");
    CLI11_PARSE(app, argc, argv);

    if (cfg.sizes.empty())
        cfg.sizes =
            cfg.quick ? std::vector<uint64_t>{1, 1000} : std::vector<uint64_t>{1, 1000, 100000, 1000000};
    if (!cfg.rounds) cfg.rounds = cfg.quick ? 3 : 9;
    if (!cfg.repeat) cfg.repeat = cfg.quick ? 5000 : 200000;
    if (!cfg.samples) cfg.samples = cfg.quick ? 300 : 10000;
    if (!cfg.timeout_s) cfg.timeout_s = cfg.quick ? 60 : 900;
    cfg.warmup = std::min(cfg.samples, 2000u);
    const uint64_t largest = *std::max_element(cfg.sizes.begin(), cfg.sizes.end());
    if (!cfg.max_bindings) {
        if (largest >= UINT32_MAX) {
            std::fprintf(stderr, "xmip-bench-datapath: --sizes: at most %u bindings\n",
                         UINT32_MAX - 1);
            return 2;
        }
        cfg.max_bindings = static_cast<uint32_t>(largest + 1);  // + the mobile node's binding
    }
    for (uint64_t n : cfg.sizes)
        if (n == 0 || n + 1 > cfg.max_bindings) {
            std::fprintf(stderr,
                         "xmip-bench-datapath: size %llu: must be in 1..%u (--max-bindings %u "
                         "holds the N bindings and the mobile node's)\n",
                         (unsigned long long)n, cfg.max_bindings - 1, cfg.max_bindings);
            return 2;
        }

    if (!sandboxed) {
        std::fprintf(stderr,
                     "xmip-bench-datapath: cannot enter a private network namespace with its own "
                     "bpffs (%s): run it as root (CAP_SYS_ADMIN, CAP_NET_ADMIN, CAP_BPF)%s\n",
                     sandbox_why.c_str(), test::running_in_ci() ? "" : "; skipped");
        return test::running_in_ci() ? 1 : 77;
    }
    std::signal(SIGALRM, on_timeout);
    alarm(cfg.timeout_s);

    const long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    if (cfg.cpu < 0) cfg.cpu = static_cast<int>(ncpu - 1);
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cfg.cpu, &set);
    if (sched_setaffinity(0, sizeof(set), &set)) {
        std::fprintf(stderr, "xmip-bench-datapath: cannot run on CPU %d: %s\n", cfg.cpu,
                     std::strerror(errno));
        return 2;
    }

    try {
        test::run_all(kTopology);
        std::unique_ptr<xmip_bench_pass, void (*)(xmip_bench_pass*)> pass(
            xmip_bench_pass__open_and_load(), xmip_bench_pass__destroy);
        if (!pass) throw dp::DatapathError("cannot load bench/pass.bpf.c", errno);
        std::unique_ptr<xmip_bench_harness, void (*)(xmip_bench_harness*)> harness(
            xmip_bench_harness__open_and_load(), xmip_bench_harness__destroy);
        if (!harness) throw dp::DatapathError("cannot load bench/harness.bpf.c", errno);
        std::unique_ptr<xmip_bench_fib_probe, void (*)(xmip_bench_fib_probe*)> probe(
            xmip_bench_fib_probe__open_and_load(), xmip_bench_fib_probe__destroy);
        if (!probe) throw dp::DatapathError("cannot load bench/fib_probe.bpf.c", errno);
        BenchProgs progs;
        progs.pass_fd = bpf_program__fd(pass->progs.xmip_bench_pass);
        progs.harness_fd = bpf_program__fd(harness->progs.xmip_bench_harness);
        progs.frame_map_fd = bpf_map__fd(harness->maps.xmip_bench_frame_map);
        progs.target_map_fd = bpf_map__fd(harness->maps.xmip_bench_target);
        progs.zipf_map_fd = bpf_map__fd(harness->maps.xmip_bench_zipf);
        progs.tc_pass_fd = bpf_program__fd(pass->progs.xmip_bench_tc_pass);

        utsname u{};
        uname(&u);
        std::printf("xmip datapath micro-benchmark%s\n", cfg.quick ? " (--quick)" : "");
        std::printf("machine: %s, %ld CPUs online, kernel %s; running on CPU %d\n",
                    cpuinfo("model name").c_str(), ncpu, u.release, cfg.cpu);
        std::printf(
            "bindings map: max_bindings=%u; N random home addresses in "
            "2001:db8:2700::/64, all to one care-of address, + the mobile node's binding\n",
            cfg.max_bindings);
        std::printf(
            "%u alternated rounds per N; kernel loop: repeat=%u per timing; "
            "one run per call: %u runs per scenario and round\n\n",
            cfg.rounds, cfg.repeat, cfg.samples);
        std::fflush(stdout);

        const Conditions before = Conditions::now();
        Bench bench(cfg, progs);
        std::vector<std::vector<Scenario>> res, tc_res;
        std::vector<LoadInfo> loads;
        const auto t_start = std::chrono::steady_clock::now();
        for (uint64_t n : cfg.sizes) {
            std::vector<Scenario> v, tc;
            const auto t0 = std::chrono::steady_clock::now();
            loads.push_back(bench.run_size(n, v, tc));
            std::fprintf(
                stderr, "xmip-bench-datapath: N=%s done in %.1f s\n", human_n(n).c_str(),
                std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
            res.push_back(std::move(v));
            tc_res.push_back(std::move(tc));
        }
        const auto fib = fib_probe(cfg, bpf_program__fd(probe->progs.xmip_bench_fib),
                                   bpf_map__fd(probe->maps.xmip_bench_fib_map));
        std::vector<TableResult> study;
        if (cfg.lookup_study) study = lookup_study(cfg, largest);
        const double total_s =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start).count();

        // ns/packet per size and scenario, for both methods. Kernel loop: the
        // plain pass baseline, plus for every other scenario its harness
        // difference (the program's own cost) on top of it.
        std::vector<std::vector<double>> loop(res.size()), single(res.size()), tc_single(res.size());
        for (size_t j = 0; j < res.size(); j++) {
            const double base = median(res[j][0].plain_ns);
            for (const auto& s : res[j]) {
                loop[j].push_back(s.baseline ? base : base + median(s.loop_delta));
                single[j].push_back(median(s.single_iqm));
            }
            for (const auto& s : tc_res[j]) tc_single[j].push_back(median(s.single_iqm));
        }

        std::printf(
            "== ns/packet, kernel loop (BPF_PROG_TEST_RUN repeat=%u, frame restored "
            "before each run), median of %u rounds\n",
            cfg.repeat, cfg.rounds);
        std::printf("   x: ratio to the pass baseline of the same rounds; +: ns above it\n");
        print_table(cfg, res, loop);
        print_growth(cfg, res, loop);

        std::printf(
            "\n== ns/packet, one run per call (repeat=1, no harness), median of %u rounds "
            "of the interquartile mean of %u runs\n",
            cfg.rounds, cfg.samples);
        print_table(cfg, res, single);
        print_growth(cfg, res, single);

        std::printf(
            "\n== tc egress, ns/packet, one run per call (repeat=1: a tc kernel loop would run on its "
            "own output), median of %u rounds of the interquartile mean of %u runs\n",
            cfg.rounds, cfg.samples);
        std::printf("   x: ratio to the tc pass baseline of the same rounds; +: ns above it\n");
        print_table(cfg, tc_res, tc_single);
        print_growth(cfg, tc_res, tc_single);

        std::printf(
            "\n== spread: lowest..highest round, ns (kernel loop: the program's own ns, "
            "harness subtracted)\n");
        print_header_row(cfg, "scenario");
        for (size_t k = 0; k < res[0].size(); k++) {
            std::printf("%-22s %-9s", res[0][k].name.c_str(), "");
            for (size_t j = 0; j < res.size(); j++) {
                const auto& s = res[j][k];
                const auto& lv = s.baseline ? s.plain_ns : s.loop_delta;
                char buf[64];
                std::snprintf(buf, sizeof(buf), "%.1f..%.1f", lowest(lv), highest(lv));
                std::printf(" | %-21s", buf);
            }
            std::printf("\n");
        }

        std::printf(
            "\n== harness check: HA miss leaves the frame alone, so the plain kernel "
            "loop times it too\n");
        for (size_t j = 0; j < res.size(); j++)
            for (size_t k = 0; k < res[j].size(); k++)
                if (res[j][k].plain_loop && !res[j][k].baseline)
                    std::printf(
                        "  N=%-4s %-12s plain loop %6.1f ns, pass baseline + harness "
                        "difference %6.1f ns\n",
                        human_n(cfg.sizes[j]).c_str(), res[j][k].name.c_str(),
                        median(res[j][k].plain_ns), loop[j][k]);

        std::printf(
            "\n== bpf_fib_lookup alone (bench/fib_probe.bpf.c, kernel loop repeat=%u, "
            "median of %u rounds), ns above the probe without the lookup\n",
            cfg.repeat, cfg.rounds);
        const double probe_ns = median(fib[0].ns);
        std::printf("  %-26s %6.1f ns/run\n", fib[0].name.c_str(), probe_ns);
        for (size_t k = 1; k < fib.size(); k++)
            std::printf("  %-26s %+6.1f ns  (%.1f..%.1f)\n", fib[k].name.c_str(),
                        median(fib[k].ns) - probe_ns, lowest(fib[k].ns) - probe_ns,
                        highest(fib[k].ns) - probe_ns);

        if (!study.empty()) {
            std::printf(
                "\n== lookup study: one lookup of a random home address (bench/lookup_probe.bpf.c, "
                "kernel loop repeat=%u, median of %u rounds), ns above the probe without it\n",
                cfg.repeat, cfg.rounds);
            std::printf("  %-30s %9s %9s %9s %11s %12s\n", "table", "entries", "capacity",
                        "hot set", "ns/lookup", "memlock MiB");
            for (const auto& r : study)
                std::printf("  %-30s %9s %9s %9s %6.1f (%.0f..%.0f) %8.1f\n", r.v.name.c_str(),
                            human_n(r.v.entries).c_str(), human_n(r.v.capacity).c_str(),
                            human_n(r.v.working_set).c_str(), median(r.ns), lowest(r.ns),
                            highest(r.ns), r.memlock / 1048576.0);
        }

        std::printf(
            "\n== kernel loop check: counters after one call with repeat, no harness "
            "(N=%s)\n",
            human_n(cfg.sizes[0]).c_str());
        for (const auto& [what, found] : bench.loop_findings)
            std::printf("  %-32s %s\n", what.c_str(), found.c_str());
        std::printf(
            "  (the kernel does not restore the frame: a path that rewrites it runs once, "
            "then on its own output)\n");

        std::printf("\n== bindings: batched upsert (BPF_MAP_UPDATE_BATCH) vs one by one, map memory\n");
        std::printf("%-5s %9s %12s %11s %8s %12s %9s %10s %12s %13s %10s\n", "N", "load ms", "bindings/s",
                    "1-by-1 ms", "x batch", "max_entries", "prealloc", "key+value", "memlock MiB",
                    "B/max_entry", "B/binding");
        for (const auto& l : loads) {
            const bool prealloc = !(l.info.map_flags & BPF_F_NO_PREALLOC);
            std::printf("%-5s %9.1f %12.0f %11.1f %8.2f %12u %9s %10u %12.1f %13.1f %10.1f\n",
                        human_n(l.n).c_str(), l.load_ms, l.n / (l.load_ms / 1000.0), l.one_by_one_ms,
                        l.load_ms > 0 ? l.one_by_one_ms / l.load_ms : 0, l.info.max_entries, prealloc ? "yes" : "no",
                        l.info.key_size + l.info.value_size, l.memlock / 1048576.0,
                        double(l.memlock) / l.info.max_entries, double(l.memlock) / (l.n + 1));
        }
        std::printf(
            "  memlock: the map's line in /proc/self/fdinfo, the kernel's own account; "
            "B/binding = memlock / (N + 1)\n");

        if (cfg.histogram)
            for (size_t j = 0; j < res.size(); j++)
                for (auto& s : res[j]) {
                    std::printf("\nhistogram, one run per call, N=%s, %s (ns: runs)\n",
                                human_n(cfg.sizes[j]).c_str(), s.name.c_str());
                    std::sort(s.all.begin(), s.all.end());
                    std::vector<std::pair<uint32_t, size_t>> h;
                    for (uint32_t x : s.all) {
                        const uint32_t b = x / 10 * 10;
                        if (h.empty() || h.back().first != b) h.emplace_back(b, 0);
                        h.back().second++;
                    }
                    for (auto [b, c] : h)
                        if (c * 200 >= s.all.size()) std::printf("  %5u-%-5u %8zu\n", b, b + 9, c);
                }

        const Conditions after = Conditions::now();
        std::printf(
            "\nconditions: load average %s at the start, %s at the end; hypervisor steal "
            "%.1f%% of CPU time; this process preempted %ld times\n",
            before.loadavg.c_str(), after.loadavg.c_str(),
            100.0 * double(after.steal - before.steal) /
                double(std::max<uint64_t>(1, after.total - before.total)),
            after.nivcsw - before.nivcsw);

        std::printf("\nscenarios:\n");
        for (const auto& s : res[0]) std::printf("  %-22s %s\n", s.name.c_str(), s.what.c_str());
        for (const auto& s : tc_res[0]) std::printf("  %-22s %s\n", s.name.c_str(), s.what.c_str());
        std::printf("\nmeasured in %.1f s\n", total_s);
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "xmip-bench-datapath: %s\n", e.what());
        return 1;
    }
}
