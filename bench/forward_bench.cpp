// SPDX-License-Identifier: BSD-2-Clause
// xmip-bench-forward: packets per second through a home agent, xmip's XDP
// datapath against the kernel's own IPv6-in-IPv6 and against a bare XDP
// forwarder, on one topology, in one run (method and results:
// docs/performance.md, "Forwarding"), each kernel way only where the
// running kernel has it (probed, else reported as skipped with the reason).
//
//   gen (g0) ==veth== (h0) ha (h1) ==veth== (s0) sink
//
// The generator (bench/trafficgen.*) sends IPv6/UDP frames out of g0 with
// BPF_PROG_TEST_RUN live frames; the home agent namespace forwards them
// to the sink, whose XDP program (bench/sink.bpf.c) counts the frames that
// are exactly what the path must deliver and drops them. Five ways, one
// XDP program on h0 each, alternated within every round:
//   a. xmip: xmip_ha_xdp loaded by the agent's datapath library, with a
//      binding per home address (downlink: encapsulate to the care-of
//      address; uplink: check the reverse tunnel against the binding,
//      decapsulate) and XDP_REDIRECT to h1;
//   b. the kernel: an XDP program that returns XDP_PASS on h0 (a veth only
//      takes XDP frames when its peer has one), then IPv6 forwarding with a
//      seg6 encap.red route per home address (downlink) or a seg6local
//      End.DT6 route (uplink), REFERENCE §1;
//   c. the ceiling: bench/redirect.bpf.c, XDP_REDIRECT to h1 untouched;
//   d. the ceiling of any routing forwarder: bench/route_redirect.bpf.c,
//      the route lookup xmip makes (to the care-of address downlink, to the
//      correspondent uplink), new Ethernet addresses, XDP_REDIRECT; the
//      IPv6 bytes untouched. a/d is xmip's tunnel work, d/c the lookup's;
//   e. the kernel's other native IPv6 tunnel where seg6 is not built in
//      (ip6tnl and ip6gre are not either on some kernels): VXLAN over IPv6,
//      XDP_PASS on h0 as in b, then a route per home address to a VXLAN
//      device whose remote is the care-of address. Not the same tunnel as
//      xmip's: it adds a UDP header, the 8-byte VXLAN header and an inner
//      Ethernet header (70 bytes against 40), with zero UDP checksums
//      (RFC 6935, udp6zerocsum{tx,rx}) so that no way pays for a checksum.
//      Its home addresses come from another /64 (a route per address
//      cannot go two ways), so the kernel's FIB holds both ways' routes
//      during every way;
//   f. a with its devmap emptied: the same program sends by bpf_redirect
//      (ifindex) instead of bpf_redirect_map (bpf/forward.bpf.h); a/f is
//      what the devmap saves.
// b and e are probed when the topology is built: a way the kernel cannot
// run (no CONFIG_IPV6_SEG6_LWTUNNEL, no CONFIG_VXLAN) prints a skipped line
// with the reason, and the other ways and their ratios still run.
// Routes, neighbours and addresses do not change between the ways; only
// the program on h0, the generator's frame and the sink's rule do.
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <fcntl.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <sched.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "datapath/in6.hpp"
#include "datapath/loader.hpp"
#include "datapath/maps.hpp"
#include "datapath/nexthop_map.hpp"
#include "forward.h"
#include "frames.hpp"
#include "netlink/netlink.hpp"
#include "netns_testbed.hpp"
#include "telemetry/datapath_counters.hpp"
#include "thread_profile.hpp"
#include "trafficgen.hpp"
#include "xmip_bench_pass.skel.h"
#include "xmip_bench_redirect.skel.h"
#include "xmip_bench_route_redirect.skel.h"
#include "xmip_bench_sink.skel.h"

using namespace xmip;
using namespace xmip::bench;

namespace {

// ---- the topology ----------------------------------------------------------
constexpr const char* kNsGen = "gen";  // names live in the private /run/netns
constexpr const char* kNsHa = "ha";
constexpr const char* kNsSink = "sink";
constexpr const char* kMacG0 = "02:00:00:00:01:10";
constexpr const char* kMacH0 = "02:00:00:00:01:01";
constexpr const char* kMacH1 = "02:00:00:00:02:01";
constexpr const char* kMacS0 = "02:00:00:00:02:02";
constexpr const char* kHa = "2001:db8:2700::2";    // the home agent address (on lo)
constexpr const char* kSid = "2001:db8:2700::d6";  // seg6local End.DT6: not a local address
constexpr const char* kCoa = "2001:db8:5::100";    // every binding's care-of address, via the sink
constexpr const char* kCn = "2001:db8:ce::10";     // the correspondent, via the sink
constexpr uint8_t kHomePrefix[8] = {0x20, 0x01, 0x0d, 0xb8, 0x27, 0x00, 0x00, 0x00};
// Way e: the VXLAN device on the home agent, its peer's inner MAC (a
// permanent neighbour behind the care-of address) and its home addresses.
constexpr const char* kMacVx = "02:00:00:00:03:01";
constexpr const char* kMacVxPeer = "02:00:00:00:03:02";
constexpr const char* kVxPeer = "fe80::3:2";
constexpr uint32_t kVni = 42;
constexpr uint8_t kVxHomePrefix[8] = {0x20, 0x01, 0x0d, 0xb8, 0x27, 0x01, 0x00, 0x00};

// queues: rx and tx queues of every veth, one per CPU that sends: a frame
// a CPU transmits lands in the peer's queue of that CPU, whose NAPI runs on
// it (veth_select_rxq), so each CPU forwards its own frames end to end.
std::vector<std::string> topology_commands(int queues) {
    const std::string q = " numtxqueues " + std::to_string(queues) + " numrxqueues " + std::to_string(queues);
    return {
        std::string("ip netns add ") + kNsGen,
        std::string("ip netns add ") + kNsHa,
        std::string("ip netns add ") + kNsSink,
        "for n in gen ha sink; do ip -n $n link set lo up && "
        "ip netns exec $n sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0 "
        "net.ipv6.conf.default.router_solicitations=0; done",
        std::string("ip -n gen link add g0 address ") + kMacG0 + q + " type veth peer name h0 netns ha address " +
            kMacH0 + q,
        std::string("ip -n ha link add h1 address ") + kMacH1 + q + " type veth peer name s0 netns sink address " +
            kMacS0 + q,
        "ip -n gen link set g0 up && ip -n ha link set h0 up && ip -n ha link set h1 up && ip -n sink link set s0 up",
        "ip netns exec ha sysctl -qw net.ipv6.conf.all.forwarding=1",
        "ip -n gen -6 addr add 2001:db8:1::10/64 dev g0 nodad",
        "ip -n ha -6 addr add 2001:db8:1::1/64 dev h0 nodad",
        "ip -n ha -6 addr add 2001:db8:2::1/64 dev h1 nodad",
        std::string("ip -n ha -6 addr add ") + kHa + "/128 dev lo",
        "ip -n sink -6 addr add 2001:db8:2::2/64 dev s0 nodad",
        std::string("ip -n ha -6 neigh replace 2001:db8:2::2 lladdr ") + kMacS0 + " dev h1 nud permanent",
        std::string("ip -n ha -6 neigh replace 2001:db8:1::10 lladdr ") + kMacG0 + " dev h0 nud permanent",
        "ip -n ha -6 route add 2001:db8:5::/64 via 2001:db8:2::2 dev h1",   // care-of addresses
        "ip -n ha -6 route add 2001:db8:ce::/64 via 2001:db8:2::2 dev h1",  // correspondents
    };
}

enum class Way { Xmip, Kernel, Bare, Routed, Vxlan, XmipNoDevmap, XmipNoCache };
enum class Direction { Down, Up };
bool is_xmip(Way w) { return w == Way::Xmip || w == Way::XmipNoDevmap || w == Way::XmipNoCache; }
const Way kWays[] = {Way::Xmip, Way::Kernel, Way::Bare, Way::Routed, Way::Vxlan, Way::XmipNoDevmap, Way::XmipNoCache};
constexpr int kNumWays = 7;

// Why the kernel cannot run a way: the kernel option it needs, whether
// /proc/config.gz says it is missing, and what the kernel answered.
std::string missing_option(const std::string& option, const std::string& answer) {
    const std::string c = kernel_config(option);
    std::string why = c == "n"   ? "the kernel is built without " + option
                      : c.empty() ? "the kernel refused it (needs " + option + ")"
                                  : "the kernel refused it although " + option + "=" + c;
    return why + (answer.empty() ? "" : "; it said: " + answer);
}

const char* way_label(Direction d, Way w) {
    if (d == Direction::Down) {
        switch (w) {
            case Way::Xmip: return "a xmip encap (xmip_ha_xdp)";
            case Way::Kernel: return "b kernel seg6 encap.red";
            case Way::Routed: return "d fib lookup + XDP redirect";
            case Way::Vxlan: return "e kernel VXLAN/IPv6 encap";
            case Way::XmipNoDevmap: return "f xmip encap, bpf_redirect";
            case Way::XmipNoCache: return "g xmip encap, no nexthop cache";
            default: return "c bare XDP redirect";
        }
    }
    switch (w) {
        case Way::Xmip: return "a xmip decap + anti-spoof";
        case Way::Kernel: return "b kernel seg6local End.DT6";
        case Way::Routed: return "d fib lookup + XDP redirect";
        case Way::Vxlan: return "e kernel VXLAN/IPv6 decap";
        case Way::XmipNoDevmap: return "f xmip decap, bpf_redirect";
        case Way::XmipNoCache: return "g xmip decap, no nexthop cache";
        default: return "c bare XDP redirect";
    }
}

struct Config {
    bool quick = false;
    unsigned rounds = 0;
    double seconds = 0;
    unsigned size = 80;  // downlink frame bytes (no FCS); uplink frames are 40 more
    unsigned flows = 64;
    unsigned home_addresses = 1;
    int cpu = -1;
    int cpus = 0;  // the every-CPU table: 1 CPU against this many (0: all online; 1: no table)
    std::string profile_dir;  // --profile: perf record of ways a and c, last round kept
};

struct Sample {
    double sent_pps = 0;
    double delivered_pps = 0;
    // Delivered per second of CPU time of this thread: the generator's
    // syscall and the softirqs it runs on return (the HA's and the sink's
    // NAPI), but not the time other jobs of the machine took the CPU.
    double cpu_pps = 0;
    uint64_t other = 0;
    uint64_t sent = 0;
    uint64_t delivered = 0;
    std::string check;  // the xmip counters' view, for way a
    std::string profile;  // perf.data of this measurement (--profile), else empty
};

double median(std::vector<double> v) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

xmip_in6 in6(const char* text) { return dp::require_in6(text); }

double thread_cpu_seconds() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

int ifindex_in(const char* ns, const char* dev) {
    InNetns in(ns);
    int i = static_cast<int>(if_nametoindex(dev));
    if (!i) throw std::runtime_error(std::string("no interface ") + dev + " in " + ns);
    return i;
}

class Bench {
public:
    explicit Bench(const Config& cfg) : cfg_(cfg) {
        for (const auto& c : topology_commands(std::max(1, cfg_.cpus))) sh(c);
        h0_ = ifindex_in(kNsHa, "h0");
        h1_ = ifindex_in(kNsHa, "h1");
        g0_ = ifindex_in(kNsGen, "g0");
        s0_ = ifindex_in(kNsSink, "s0");

        // The generators: downlink CN -> home address; uplink CoA -> HA
        // (or the End.DT6 SID) around home address -> CN.
        if (cfg_.size < 14 + 40 + 8) throw std::invalid_argument("--size must be at least 62 bytes");
        const size_t payload = cfg_.size - (14 + 40 + 8);
        FlowSpec fs;
        fs.flows = cfg_.flows;
        fs.home_addresses = cfg_.home_addresses;
        std::memcpy(fs.home_prefix, kHomePrefix, 8);
        const xmip_in6 hoa0 = home_address(kHomePrefix, 0);
        FrameTemplate down{ether(kMacH0, kMacG0, udp6(in6(kCn), hoa0, payload)), 14,
                           FrameTemplate::HomeAddress::Destination};
        FrameTemplate up_xmip{ether(kMacH0, kMacG0, tunnelled(in6(kCoa), in6(kHa), udp6(hoa0, in6(kCn), payload))),
                              54, FrameTemplate::HomeAddress::Source};
        FrameTemplate up_seg6 = up_xmip;
        const xmip_in6 sid = in6(kSid);
        std::memcpy(&up_seg6.frame[14 + 24], sid.u8, 16);
        gen_down_ = std::make_unique<TrafficGen>(down, fs);
        gen_up_xmip_ = std::make_unique<TrafficGen>(up_xmip, fs);
        gen_up_seg6_ = std::make_unique<TrafficGen>(up_seg6, fs);
        // Way e: the same packets from the VXLAN home prefix; uplink inside
        // UDP/VXLAN/Ethernet addressed to the VXLAN device.
        FlowSpec fs_vx = fs;
        std::memcpy(fs_vx.home_prefix, kVxHomePrefix, 8);
        const xmip_in6 vx_hoa0 = home_address(kVxHomePrefix, 0);
        FrameTemplate down_vx{ether(kMacH0, kMacG0, udp6(in6(kCn), vx_hoa0, payload)), 14,
                              FrameTemplate::HomeAddress::Destination};
        FrameTemplate up_vx{ether(kMacH0, kMacG0,
                                  vxlan6(in6(kCoa), in6(kHa), kVni,
                                         ether(kMacVx, kMacVxPeer, udp6(vx_hoa0, in6(kCn), payload)))),
                            14 + 40 + 8 + 8 + 14, FrameTemplate::HomeAddress::Source};
        gen_down_vx_ = std::make_unique<TrafficGen>(down_vx, fs_vx);
        gen_up_vx_ = std::make_unique<TrafficGen>(up_vx, fs_vx);

        // What the home agent holds: xmip's bindings, the kernel's routes.
        dp::Options o;
        o.pin_maps = false;
        o.max_bindings = std::max(2u, cfg_.home_addresses + 1);
        xmip_ = std::make_unique<dp::Datapath>(o);
        std::vector<std::pair<xmip_in6, xmip_binding>> batch;
        std::string routes, vx_routes;
        for (uint32_t k = 0; k < cfg_.home_addresses; k++) {
            xmip_in6 h = gen_down_->flow_home_address(k);
            xmip_binding b{};
            b.remote = in6(kCoa);
            b.local = in6(kHa);
            batch.emplace_back(h, b);
            routes += "route add " + dp::format_in6(h) + "/128 encap seg6 mode encap.red segs " + kCoa + " dev h1\n";
            vx_routes += "route add " + dp::format_in6(gen_down_vx_->flow_home_address(k)) + "/128 via " + kVxPeer +
                         " dev vx0\n";
        }
        xmip_->maps().upsert_bindings(batch);
        xmip_->maps().add_local_addr(in6(kHa), XMIP_LF_TUNNEL_END | XMIP_LF_SIGNALLING);
        probe_seg6(routes);
        probe_vxlan(vx_routes);

        pass_ = xmip_bench_pass__open_and_load();
        redirect_ = xmip_bench_redirect__open();
        if (!pass_ || !redirect_) throw std::runtime_error("cannot open the pass/redirect programs");
        redirect_->rodata->out_ifindex = static_cast<__u32>(h1_);
        if (xmip_bench_redirect__load(redirect_)) throw std::runtime_error("cannot load the redirect program");
        // The same lookups as xmip's: downlink HA -> CoA (next header 41),
        // uplink HoA -> CN (UDP).
        for (Direction d : {Direction::Down, Direction::Up}) {
            auto* r = xmip_bench_route_redirect__open();
            if (!r) throw std::runtime_error("cannot open the route-redirect program");
            const xmip_in6 src = d == Direction::Down ? in6(kHa) : hoa0;
            const xmip_in6 dst = d == Direction::Down ? in6(kCoa) : in6(kCn);
            std::memcpy(r->rodata->lookup_src, src.u8, 16);
            std::memcpy(r->rodata->lookup_dst, dst.u8, 16);
            r->rodata->lookup_proto = d == Direction::Down ? 41 : 17;
            if (xmip_bench_route_redirect__load(r)) {
                xmip_bench_route_redirect__destroy(r);
                throw std::runtime_error("cannot load the route-redirect program");
            }
            (d == Direction::Down ? routed_down_ : routed_up_) = r;
        }
        sink_ = xmip_bench_sink__open_and_load();
        if (!sink_) throw std::runtime_error("cannot load the sink program");
        {
            InNetns in(kNsSink);
            if (int err = bpf_xdp_attach(s0_, bpf_program__fd(sink_->progs.xmip_sink), XDP_FLAGS_DRV_MODE, nullptr))
                throw std::runtime_error(std::string("cannot attach the sink: ") + std::strerror(-err));
        }
    }

    // Empty when the kernel can run way w in direction d, else why not.
    const std::string& skipped(Direction d, Way w) const {
        return skip_[static_cast<int>(d)][static_cast<int>(w)];
    }
    bool runs(Direction d, Way w) const { return skipped(d, w).empty(); }

    ~Bench() {
        xmip_bench_route_redirect__destroy(routed_down_);
        xmip_bench_route_redirect__destroy(routed_up_);
        xmip_bench_sink__destroy(sink_);
        xmip_bench_redirect__destroy(redirect_);
        xmip_bench_pass__destroy(pass_);
    }

    // Empty when the generator can send (BPF_PROG_TEST_RUN with live
    // frames), else the kernel's answer.
    std::string live_frames_refused() {
        InNetns in(kNsGen);
        return gen_down_->live_frames_refused(g0_);
    }

    Sample measure(Direction d, Way w, double seconds) {
        attach(d, w);
        set_sink_rule(d, w);
        TrafficGen& gen = d == Direction::Down ? (w == Way::Vxlan ? *gen_down_vx_ : *gen_down_)
                          : w == Way::Kernel   ? *gen_up_seg6_
                          : w == Way::Vxlan    ? *gen_up_vx_
                                               : *gen_up_xmip_;
        InNetns in(kNsGen);
        gen.send(g0_, 20000, 1.0);  // warm-up: caches, neighbour entries, page pools
        settle();
        reset_sink();
        xmip_->maps().reset_counters();
        // Ways a and c only: the profile explains the a/c ratio.
        ThreadProfile prof;
        std::string profile;
        if (!cfg_.profile_dir.empty() && (w == Way::Xmip || w == Way::Bare)) {
            profile = cfg_.profile_dir + "/" + (d == Direction::Down ? "down-" : "up-") + (w == Way::Xmip ? "a" : "c") +
                      ".perf.data";
            if (!prof.start(profile, static_cast<pid_t>(gettid()))) {
                std::fprintf(stderr, "xmip-bench-forward: no profile: %s\n", prof.why().c_str());
                profile.clear();
            }
        }
        const double cpu0 = thread_cpu_seconds();
        SendResult r = gen.send(g0_, UINT64_MAX, seconds);
        const double cpu = thread_cpu_seconds() - cpu0;
        prof.stop();
        settle();
        Sample s;
        s.profile = profile;
        s.sent = r.packets;
        s.sent_pps = r.pps();
        auto c = sink_counts();
        s.delivered = c[XMIP_SINK_MATCHED];
        s.other = c[XMIP_SINK_OTHER];
        s.delivered_pps = r.seconds > 0 ? s.delivered / r.seconds : 0;
        s.cpu_pps = cpu > 0 ? s.delivered / cpu : 0;
        if (is_xmip(w)) s.check = describe(xmip_->maps().counters());
        return s;
    }

    // The every-CPU measurement: one generator thread pinned to each CPU of
    // `cpus`, all sending at once for `seconds`; delivered is the sink's
    // count over all CPUs, per second of the longest sender; cpu_pps per
    // CPU-second summed over the senders' threads.
    Sample measure_on(Direction d, Way w, double seconds, const std::vector<int>& cpus) {
        attach(d, w);
        set_sink_rule(d, w);
        TrafficGen& gen = d == Direction::Down ? *gen_down_ : *gen_up_xmip_;
        {
            InNetns in(kNsGen);
            gen.send(g0_, 20000, 1.0);
        }
        settle();
        reset_sink();
        std::vector<SendResult> res(cpus.size());
        std::vector<double> cpu_time(cpus.size());
        std::vector<std::string> errors(cpus.size());
        std::vector<std::thread> threads;
        for (size_t i = 0; i < cpus.size(); i++)
            threads.emplace_back([&, i] {
                try {
                    cpu_set_t set;
                    CPU_ZERO(&set);
                    CPU_SET(cpus[i], &set);
                    if (sched_setaffinity(0, sizeof set, &set))
                        throw std::runtime_error("cannot pin a sender to CPU " + std::to_string(cpus[i]));
                    InNetns in(kNsGen);
                    const double c0 = thread_cpu_seconds();
                    res[i] = gen.send(g0_, UINT64_MAX, seconds);
                    cpu_time[i] = thread_cpu_seconds() - c0;
                } catch (const std::exception& e) {
                    errors[i] = e.what();
                }
            });
        for (auto& t : threads) t.join();
        for (const auto& e : errors)
            if (!e.empty()) throw std::runtime_error(e);
        settle();
        Sample s;
        double longest = 0, cpu = 0;
        for (size_t i = 0; i < cpus.size(); i++) {
            s.sent += res[i].packets;
            longest = std::max(longest, res[i].seconds);
            cpu += cpu_time[i];
        }
        auto c = sink_counts();
        s.delivered = c[XMIP_SINK_MATCHED];
        s.other = c[XMIP_SINK_OTHER];
        s.sent_pps = longest > 0 ? s.sent / longest : 0;
        s.delivered_pps = longest > 0 ? s.delivered / longest : 0;
        s.cpu_pps = cpu > 0 ? s.delivered / cpu : 0;
        return s;
    }

private:
    // Way b: the kernel's seg6 routes (encap.red downlink, End.DT6 uplink),
    // the tunnel source the home agent address as xmip's (REFERENCE §1).
    void probe_seg6(const std::string& routes) {
        std::string answer;
        if (!try_sh(std::string("ip -n ha sr tunsrc set ") + kHa, &answer)) {
            skip(Way::Kernel, missing_option("CONFIG_IPV6_SEG6_LWTUNNEL", answer));
            return;
        }
        if (!try_sh(std::string("ip -n ha -6 route add ") + kSid + "/128 encap seg6local action End.DT6 table 254 dev h0",
                    &answer))
            skip_[static_cast<int>(Direction::Up)][static_cast<int>(Way::Kernel)] =
                missing_option("CONFIG_IPV6_SEG6_LWTUNNEL", answer);
        {
            std::ofstream f("/tmp/seg6-routes");
            f << routes;
        }
        if (!try_sh("ip -n ha -6 -batch /tmp/seg6-routes", &answer))
            skip_[static_cast<int>(Direction::Down)][static_cast<int>(Way::Kernel)] =
                missing_option("CONFIG_IPV6_SEG6_LWTUNNEL", answer);
    }

    // Way e: one VXLAN device to the care-of address (every binding has
    // the same one here, as every seg6 route has the same segment).
    void probe_vxlan(const std::string& routes) {
        std::string answer;
        const std::string dev = std::string("ip -n ha link add vx0 address ") + kMacVx + " type vxlan id " +
                                std::to_string(kVni) + " local " + kHa + " remote " + kCoa +
                                " dstport 4789 nolearning udp6zerocsumtx udp6zerocsumrx";
        if (!try_sh(dev, &answer) || !try_sh("ip -n ha link set vx0 up", &answer) ||
            !try_sh(std::string("ip -n ha -6 neigh replace ") + kVxPeer + " lladdr " + kMacVxPeer +
                        " dev vx0 nud permanent",
                    &answer)) {
            skip(Way::Vxlan, missing_option("CONFIG_VXLAN", answer));
            return;
        }
        {
            std::ofstream f("/tmp/vxlan-routes");
            f << routes;
        }
        if (!try_sh("ip -n ha -6 -batch /tmp/vxlan-routes", &answer)) skip(Way::Vxlan, "cannot route to vx0: " + answer);
    }

    void skip(Way w, const std::string& why) {
        for (auto& per_direction : skip_) per_direction[static_cast<int>(w)] = why;
    }

    void attach(Direction d, Way w) {
        InNetns in(kNsHa);
        xmip_->detach_all();
        bpf_xdp_detach(h0_, XDP_FLAGS_DRV_MODE, nullptr);  // the bench's own baseline program, if any
        if (is_xmip(w)) {
            xmip_->attach_xdp(dp::Role::HomeAgent, h0_, dp::XdpMode::Native);  // fills the devmap
            if (w == Way::XmipNoDevmap) xmip_->clear_tx_ports();
            // The next-hop cache as xmipd fills it (agent/xmipd/nexthop_keeper):
            // the kernel's answer for the care-of address, current generation.
            // Way g turns it off: every packet takes bpf_fib_lookup.
            auto nh = xmip_->nexthops();
            // With the cache on, the uplink remembers its route lookups as
            // under xmipd (XMIP_NHF_ROUTES: a keeper ages them out).
            xmip_nh_state st{};
            st.gen = 1;
            st.flags = w == Way::XmipNoCache ? XMIP_NHF_OFF : XMIP_NHF_ROUTES;
            st.route_gen = 1;
            nh.clear_routes();
            nh.set_state(st);
            netlink::Netlink nl;
            std::string why;
            auto r = nl.resolve_nexthop(dp::to_in6(in6(kCoa)), &why);
            if (!r) throw std::runtime_error("the care-of address's next hop does not resolve: " + why);
            xmip_nexthop e{};
            e.ifindex = static_cast<uint32_t>(r->ifindex);
            e.mtu = r->mtu;
            std::copy(r->dmac.begin(), r->dmac.end(), e.dmac);
            std::copy(r->smac.begin(), r->smac.end(), e.smac);
            e.gen = 1;
            if (!nh.put(in6(kCoa), e)) throw std::runtime_error("cannot write the next-hop entry");
            return;
        }
        int fd = w == Way::Kernel || w == Way::Vxlan ? bpf_program__fd(pass_->progs.xmip_bench_pass)
                 : w == Way::Bare ? bpf_program__fd(redirect_->progs.xmip_bench_redirect)
                                  : bpf_program__fd((d == Direction::Down ? routed_down_ : routed_up_)
                                                        ->progs.xmip_bench_route_redirect);
        if (int err = bpf_xdp_attach(h0_, fd, XDP_FLAGS_DRV_MODE, nullptr))
            throw std::runtime_error(std::string("cannot attach XDP to h0: ") + std::strerror(-err));
    }

    void set_sink_rule(Direction d, Way w) {
        xmip_sink_rule r{};
        auto put = [](uint8_t* dst, const xmip_in6& a) { std::memcpy(dst, a.u8, 16); };
        const uint8_t hoa_len = cfg_.home_addresses > 1 ? 12 : 16;  // flows vary the last 4 bytes
        const xmip_in6 hoa0 = (w == Way::Vxlan ? gen_down_vx_ : gen_down_)->flow_home_address(0);
        if (d == Direction::Down) {
            if (w == Way::Bare || w == Way::Routed) {  // the generator's packet, untouched
                r.nexthdr = 17;
                put(r.src, in6(kCn));
                put(r.dst, hoa0);
                r.src_len = 16;
                r.dst_len = hoa_len;
            } else {  // HA -> CoA around CN -> HoA
                r.nexthdr = w == Way::Vxlan ? 17 : 41;
                r.vxlan = w == Way::Vxlan;
                put(r.src, in6(kHa));
                put(r.dst, in6(kCoa));
                put(r.inner_dst, hoa0);
                r.src_len = r.dst_len = 16;
                r.inner_dst_len = hoa_len;
            }
        } else {
            if (w == Way::Bare || w == Way::Routed) {  // the reverse tunnel, untouched
                r.nexthdr = 41;
                put(r.src, in6(kCoa));
                put(r.dst, in6(kHa));
                put(r.inner_dst, in6(kCn));
                r.src_len = r.dst_len = r.inner_dst_len = 16;
            } else {  // the inner packet HoA -> CN, outer header gone
                r.nexthdr = 17;
                put(r.src, hoa0);
                put(r.dst, in6(kCn));
                r.src_len = hoa_len;
                r.dst_len = 16;
            }
        }
        __u32 zero = 0;
        if (bpf_map_update_elem(bpf_map__fd(sink_->maps.xmip_sink_rule_map), &zero, &r, BPF_ANY))
            throw std::runtime_error("cannot set the sink's rule");
    }

    // Frames still queued in a veth's ring are counted once its NAPI has
    // run; a few ms is plenty, the generator has stopped.
    static void settle() { std::this_thread::sleep_for(std::chrono::milliseconds(30)); }

    std::array<uint64_t, XMIP_SINK_MAX> sink_counts() {
        std::array<uint64_t, XMIP_SINK_MAX> out{};
        const int ncpu = libbpf_num_possible_cpus();
        std::vector<uint64_t> v(ncpu);
        for (__u32 k = 0; k < XMIP_SINK_MAX; k++) {
            if (bpf_map_lookup_elem(bpf_map__fd(sink_->maps.xmip_sink_counters), &k, v.data()))
                throw std::runtime_error("cannot read the sink's counters");
            for (auto x : v) out[k] += x;
        }
        return out;
    }

    void reset_sink() {
        const int ncpu = libbpf_num_possible_cpus();
        std::vector<uint64_t> zero(ncpu, 0);
        for (__u32 k = 0; k < XMIP_SINK_MAX; k++)
            bpf_map_update_elem(bpf_map__fd(sink_->maps.xmip_sink_counters), &k, zero.data(), BPF_ANY);
    }

    static std::string describe(const dp::CounterSnapshot& c) {
        std::string out;
        for (size_t i = 0; i < c.size(); i++) {
            if (!c[i].packets) continue;
            if (!out.empty()) out += ", ";
            out += std::string(dp::kCounters[i].reason) + "/" + std::string(dp::kCounters[i].verdict) + "=" +
                   std::to_string(c[i].packets);
        }
        return out.empty() ? "nothing" : out;
    }

    Config cfg_;
    int h0_ = 0, h1_ = 0, g0_ = 0, s0_ = 0;
    std::unique_ptr<TrafficGen> gen_down_, gen_up_xmip_, gen_up_seg6_, gen_down_vx_, gen_up_vx_;
    std::string skip_[2][kNumWays];
    std::unique_ptr<dp::Datapath> xmip_;
    xmip_bench_pass* pass_ = nullptr;
    xmip_bench_redirect* redirect_ = nullptr;
    xmip_bench_sink* sink_ = nullptr;
    xmip_bench_route_redirect* routed_down_ = nullptr;
    xmip_bench_route_redirect* routed_up_ = nullptr;
};

std::string first_line(const std::string& path, const std::string& key) {
    std::ifstream f(path);
    std::string line;
    while (std::getline(f, line))
        if (line.rfind(key, 0) == 0) {
            auto c = line.find(':');
            return c == std::string::npos ? line : line.substr(c + 2);
        }
    return "?";
}

// A BPF program's symbol without its tag (bpf_prog_<16 hex>_<name>), so the
// same program is one row whatever build it came from.
std::string stable_symbol(std::string sym) {
    if (sym.rfind("bpf_prog_", 0) == 0 && sym.size() > 26 && sym[25] == '_') sym.erase(9, 17);
    return sym;
}

// --profile: ns per delivered frame in each symbol, way a (xmip) against way
// c (the bare redirect), from the last round's perf record of each: the
// measurement behind "what bounds a/c". A symbol's ns = its share of the
// thread's samples x the thread's CPU time per delivered frame.
void print_profiles(std::map<std::pair<int, int>, std::vector<Sample>>& samples) {
    std::printf(
        "\n== where the time goes, ns per delivered frame (perf record -t of the benchmark's thread, last "
        "round; symbols with >= 0.5 %% of the samples of either way)\n");
    for (Direction d : {Direction::Down, Direction::Up}) {
        std::map<std::string, std::pair<double, double>> ns;  // symbol -> (a, c)
        double frame[2] = {0, 0};
        bool ok = true;
        for (int i = 0; i < 2; i++) {
            const Way w = i == 0 ? Way::Xmip : Way::Bare;
            const auto& ss = samples[{static_cast<int>(d), static_cast<int>(w)}];
            if (ss.empty() || ss.back().profile.empty() || ss.back().cpu_pps <= 0) {
                ok = false;
                break;
            }
            std::string why;
            auto top = top_symbols(ss.back().profile, 0.005, &why);
            if (top.empty()) {
                std::printf("%s: %s\n", d == Direction::Down ? "downlink" : "uplink", why.c_str());
                ok = false;
                break;
            }
            frame[i] = 1e9 / ss.back().cpu_pps;
            for (const auto& t : top) {
                auto& cell = ns[stable_symbol(t.symbol)];
                (i == 0 ? cell.first : cell.second) += t.share * frame[i];
            }
        }
        if (!ok) continue;
        std::vector<std::pair<std::string, std::pair<double, double>>> rows(ns.begin(), ns.end());
        std::sort(rows.begin(), rows.end(), [](const auto& x, const auto& y) {
            return x.second.first - x.second.second > y.second.first - y.second.second;
        });
        std::printf("%s: a (xmip) %.1f ns per frame, c (bare redirect) %.1f ns, a - c = %.1f ns\n",
                    d == Direction::Down ? "downlink" : "uplink", frame[0], frame[1], frame[0] - frame[1]);
        std::printf("  %-48s %8s %8s %8s\n", "symbol", "a ns", "c ns", "a - c");
        double sa = 0, sc = 0;
        for (const auto& [sym, v] : rows) {
            std::printf("  %-48s %8.1f %8.1f %8.1f\n", sym.c_str(), v.first, v.second, v.first - v.second);
            sa += v.first;
            sc += v.second;
        }
        std::printf("  %-48s %8.1f %8.1f %8.1f\n", "(symbols below 0.5 %)", frame[0] - sa, frame[1] - sc,
                    (frame[0] - sa) - (frame[1] - sc));
    }
}

}  // namespace

int main(int argc, char** argv) {
    Config cfg;
    CLI::App app{
        "xmip-bench-forward: pps through a home agent, xmip vs the kernel's seg6 and VXLAN tunnels (where the kernel "
        "has them) vs a bare XDP forwarder"};
    app.add_flag("--quick", cfg.quick, "CI smoke run: 1 round of 0.2 s per path");
    app.add_option("--rounds", cfg.rounds, "alternated rounds (default 5; quick 1)");
    app.add_option("--seconds", cfg.seconds, "generator time per path and round (default 2; quick 0.2)");
    app.add_option("--size", cfg.size, "downlink frame size in bytes, without FCS (uplink frames are 40 more)")
        ->check(CLI::Range(62, 1514));
    app.add_option("--flows", cfg.flows, "flows: distinct UDP source ports")->check(CLI::Range(1, XMIP_TGEN_MAX_FLOWS));
    app.add_option("--home-addresses", cfg.home_addresses,
                   "distinct home addresses (bindings, seg6 routes); flow k uses home address k mod this")
        ->check(CLI::Range(1, 65536));
    app.add_option("--cpu", cfg.cpu, "CPU to run on (default: the last one)");
    app.add_option("--cpus", cfg.cpus,
                   "the every-CPU table: ways a and c with a generator on 1 CPU and on CPUs 0..N-1 "
                   "(default: all online; 1: no table)")
        ->check(CLI::Range(0, 1024));
    app.add_option("--profile", cfg.profile_dir,
                   "record ways a and c with perf (perf record -t, the benchmark's thread) into this directory and "
                   "print where each spends its time per frame (last round)")
        ->check(CLI::ExistingDirectory);
    CLI11_PARSE(app, argc, argv);
    if (!cfg.rounds) cfg.rounds = cfg.quick ? 1 : 5;
    if (cfg.seconds <= 0) cfg.seconds = cfg.quick ? 0.2 : 2.0;

    // The testbed mounts a private /tmp: the profile directory is reached
    // through a descriptor opened before, by its /proc magic link.
    if (!cfg.profile_dir.empty()) {
        const int dir = open(cfg.profile_dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (dir < 0) {
            std::fprintf(stderr, "xmip-bench-forward: cannot open --profile %s: %s\n", cfg.profile_dir.c_str(),
                         strerror(errno));
            return 2;
        }
        cfg.profile_dir = "/proc/" + std::to_string(getpid()) + "/fd/" + std::to_string(dir);
    }
    std::string why;
    if (!enter_private_testbed(&why)) {
        std::fprintf(stderr, "xmip-bench-forward: %s\n", why.c_str());
        return unavailable_status();
    }
    const int ncpu = static_cast<int>(sysconf(_SC_NPROCESSORS_ONLN));
    if (cfg.cpu < 0) cfg.cpu = ncpu - 1;
    if (cfg.cpus <= 0 || cfg.cpus > ncpu) cfg.cpus = ncpu;
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cfg.cpu, &set);
    sched_setaffinity(0, sizeof set, &set);

    try {
        Bench bench(cfg);
        // Every way is generated with live frames: without them there is
        // nothing to measure. A kernel difference, not a missing tool: skipped
        // (77) with the reason, under CI too.
        if (auto refused = bench.live_frames_refused(); !refused.empty()) {
            std::printf(
                "skipped: this kernel refuses BPF_PROG_TEST_RUN with live frames (BPF_F_TEST_XDP_LIVE_FRAMES, Linux "
                "5.18+): %s; the forwarding benchmark generates its traffic with them\n",
                refused.c_str());
            return 77;
        }
        std::map<std::pair<int, int>, std::vector<Sample>> samples;
        const auto t0 = std::chrono::steady_clock::now();
        for (unsigned r = 0; r < cfg.rounds; r++) {
            for (Direction d : {Direction::Down, Direction::Up}) {
                for (int i = 0; i < kNumWays; i++) {
                    Way w = kWays[(i + r) % kNumWays];  // the order rotates every round
                    if (!bench.runs(d, w)) continue;
                    Sample s = bench.measure(d, w, cfg.seconds);
                    std::fprintf(stderr, "round %u %-4s %-28s sent %.3f Mpps delivered %.3f Mpps other %lu%s%s\n", r + 1,
                                 d == Direction::Down ? "down" : "up", way_label(d, w), s.sent_pps / 1e6,
                                 s.delivered_pps / 1e6, static_cast<unsigned long>(s.other),
                                 s.check.empty() ? "" : "; xmip: ", s.check.c_str());
                    samples[{static_cast<int>(d), static_cast<int>(w)}].push_back(s);
                }
            }
        }
        // Every CPU: ways a and c, a generator on cfg.cpu alone, then one on
        // each of CPUs 0..cpus-1, alternated within every round.
        std::vector<int> one{cfg.cpu}, all;
        for (int c = 0; c < cfg.cpus; c++) all.push_back(c);
        const Way kScaled[] = {Way::Xmip, Way::Bare};
        std::map<std::tuple<int, int, int>, std::vector<Sample>> scaled;  // direction, way, CPUs
        if (cfg.cpus > 1)
            for (unsigned r = 0; r < cfg.rounds; r++)
                for (Direction d : {Direction::Down, Direction::Up})
                    for (int i = 0; i < 4; i++) {
                        const Way w = kScaled[((i + r) / 2) % 2];
                        const auto& cpus = (i + r) % 2 ? all : one;
                        Sample s = bench.measure_on(d, w, cfg.seconds, cpus);
                        std::fprintf(stderr, "round %u %-4s %-28s on %zu CPU(s): delivered %.3f Mpps\n", r + 1,
                                     d == Direction::Down ? "down" : "up", way_label(d, w), cpus.size(),
                                     s.delivered_pps / 1e6);
                        scaled[{static_cast<int>(d), static_cast<int>(w), static_cast<int>(cpus.size())}].push_back(s);
                    }
        const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

        std::printf("xmip forwarding benchmark: gen -> HA -> sink on veths%s\n", cfg.quick ? " (--quick)" : "");
        std::printf("machine: %s, %d CPUs online, everything pinned to CPU %d (generator, HA and sink share it)\n",
                    first_line("/proc/cpuinfo", "model name").c_str(), ncpu, cfg.cpu);
        std::printf("frames: downlink %u bytes (CN -> HoA, UDP), uplink %u bytes (CoA -> HA tunnel, HoA -> CN inside); "
                    "%u flows (UDP source ports), %u home address%s\n",
                    cfg.size, cfg.size + 40, cfg.flows, cfg.home_addresses, cfg.home_addresses > 1 ? "es" : "");
        std::printf("%u alternated rounds of %.1f s per path; medians\n", cfg.rounds, cfg.seconds);
        for (Direction d : {Direction::Down, Direction::Up})
            for (Way w : kWays)
                if (!bench.runs(d, w))
                    std::printf("skipped: %s %s: %s\n", d == Direction::Down ? "downlink" : "uplink", way_label(d, w),
                                bench.skipped(d, w).c_str());
        std::printf("\n");
        // A ratio against a way that did not run says so instead of a number.
        auto ratio = [&](Direction d, Way w, double a, double b) {
            char buf[64];
            if (!bench.runs(d, w)) return std::string("skipped");
            std::snprintf(buf, sizeof buf, "%.2f", b > 0 ? a / b : 0.0);
            return std::string(buf);
        };
        auto table = [&](const char* title, double Sample::*field) {
            std::printf("%s\n", title);
            std::printf("%-9s %-30s %10s %14s %10s %8s %8s\n", "direction", "path", "sent Mpps", "delivered Mpps",
                        "other", "x seg6", "x bare");
            for (Direction d : {Direction::Down, Direction::Up}) {
                std::map<Way, double> med;
                for (Way w : kWays) {
                    std::vector<double> v;
                    for (const auto& s : samples[{static_cast<int>(d), static_cast<int>(w)}]) v.push_back(s.*field);
                    med[w] = median(v);
                }
                for (Way w : kWays) {
                    if (!bench.runs(d, w)) {
                        std::printf("%-9s %-30s skipped: %s\n", d == Direction::Down ? "downlink" : "uplink",
                                    way_label(d, w), bench.skipped(d, w).c_str());
                        continue;
                    }
                    const auto& ss = samples[{static_cast<int>(d), static_cast<int>(w)}];
                    std::vector<double> sent;
                    uint64_t other = 0;
                    for (const auto& s : ss) {
                        sent.push_back(s.sent_pps);
                        other += s.other;
                    }
                    std::printf("%-9s %-30s %10.3f %14.3f %10lu %8s %8.2f\n",
                                d == Direction::Down ? "downlink" : "uplink", way_label(d, w), median(sent) / 1e6,
                                med[w] / 1e6, static_cast<unsigned long>(other),
                                bench.runs(d, Way::Kernel) ? ratio(d, Way::Kernel, med[w], med[Way::Kernel]).c_str() : "-",
                                med[Way::Bare] > 0 ? med[w] / med[Way::Bare] : 0);
                }
                std::printf("%s ratios: a/b (xmip / kernel seg6) = %s, a/c (xmip / bare forwarder) = %.2f, "
                            "a/d (xmip / routing forwarder) = %.2f, a/e (xmip / kernel VXLAN over IPv6) = %s\n",
                            d == Direction::Down ? "downlink" : "uplink",
                            ratio(d, Way::Kernel, med[Way::Xmip], med[Way::Kernel]).c_str(),
                            med[Way::Bare] > 0 ? med[Way::Xmip] / med[Way::Bare] : 0,
                            med[Way::Routed] > 0 ? med[Way::Xmip] / med[Way::Routed] : 0,
                            ratio(d, Way::Vxlan, med[Way::Xmip], med[Way::Vxlan]).c_str());
                std::printf("%s sends: a/f (xmip, bpf_redirect_map / the same, bpf_redirect) = %.2f\n",
                            d == Direction::Down ? "downlink" : "uplink",
                            med[Way::XmipNoDevmap] > 0 ? med[Way::Xmip] / med[Way::XmipNoDevmap] : 0);
                std::printf(
                    "%s next hops: a/g (xmip, next-hop cache / the same, bpf_fib_lookup) = %.2f, "
                    "g/c = %.2f\n",
                    d == Direction::Down ? "downlink" : "uplink",
                    med[Way::XmipNoCache] > 0 ? med[Way::Xmip] / med[Way::XmipNoCache] : 0,
                    med[Way::Bare] > 0 ? med[Way::XmipNoCache] / med[Way::Bare] : 0);
            }
        };
        table(("== pps delivered to the sink (frames with the expected headers), wall clock, median of " +
               std::to_string(cfg.rounds) + " rounds")
                  .c_str(),
              &Sample::delivered_pps);
        table("\n== the same per CPU-second of the benchmark's thread (generator + HA + sink; time taken by "
              "other jobs excluded)",
              &Sample::cpu_pps);
        std::printf("\nspread (delivered Mpps, lowest..highest round):\n");
        for (Direction d : {Direction::Down, Direction::Up})
            for (Way w : kWays) {
                if (!bench.runs(d, w)) continue;
                std::vector<double> v;
                for (const auto& s : samples[{static_cast<int>(d), static_cast<int>(w)}]) v.push_back(s.delivered_pps / 1e6);
                std::sort(v.begin(), v.end());
                std::printf("  %-9s %-30s %.3f..%.3f\n", d == Direction::Down ? "downlink" : "uplink", way_label(d, w),
                            v.front(), v.back());
            }
        if (!cfg.profile_dir.empty()) print_profiles(samples);
        if (cfg.cpus > 1) {
            std::printf("\n== every CPU: a generator thread on 1 CPU, then one on each of CPUs 0..%d (veths with %d "
                        "queues: each CPU forwards the frames it sent), aggregate delivered Mpps, wall clock, median of "
                        "%u rounds\n",
                        cfg.cpus - 1, cfg.cpus, cfg.rounds);
            std::printf("%-9s %-30s %10s %10s %8s %12s %14s\n", "direction", "path", "1 CPU", "all CPUs", "scaling",
                        "per CPU-s", "other (all)");
            for (Direction d : {Direction::Down, Direction::Up})
                for (Way w : kScaled) {
                    auto med = [&](int n, double Sample::*field = &Sample::delivered_pps) {
                        std::vector<double> v;
                        for (const auto& x : scaled[{static_cast<int>(d), static_cast<int>(w), n}]) v.push_back(x.*field);
                        return median(v);
                    };
                    uint64_t other = 0;
                    for (const auto& x : scaled[{static_cast<int>(d), static_cast<int>(w), cfg.cpus}]) other += x.other;
                    const double m1 = med(1), mn = med(cfg.cpus);
                    const double c1 = med(1, &Sample::cpu_pps), cn = med(cfg.cpus, &Sample::cpu_pps);
                    std::printf("%-9s %-30s %10.3f %10.3f %7.2fx %11.2fx %14lu\n",
                                d == Direction::Down ? "downlink" : "uplink", way_label(d, w), m1 / 1e6, mn / 1e6,
                                m1 > 0 ? mn / m1 : 0.0, c1 > 0 ? cn / c1 : 0.0, static_cast<unsigned long>(other));
                }
            std::printf("(scaling: the all-CPU aggregate over the 1-CPU rate, bounded by the CPU time other jobs leave "
                        "free; per CPU-s: packets per CPU-second of the senders' threads, all CPUs over 1 CPU: 1.00x "
                        "when the CPUs share nothing on the path)\n");
        }
        std::printf("\nxmip counters, last round: downlink %s; uplink %s\n",
                    samples[{0, 0}].back().check.c_str(), samples[{1, 0}].back().check.c_str());
        std::ifstream la("/proc/loadavg");
        std::string load;
        std::getline(la, load);
        std::printf("load average at the end: %s; measured in %.1f s\n", load.c_str(), took);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "xmip-bench-forward: %s\n", e.what());
        return 1;
    }
    return 0;
}
