// SPDX-License-Identifier: BSD-2-Clause
// xmip-bench-signalling: how many registrations per second one xmipd home
// agent sustains, and the BU -> BA latency (docs/performance.md,
// "Signalling").
//
//   mn (m0) ==veth== (ha1) ha (ha0) ==veth== (hl) home
//
// A real xmipd runs as the home agent in namespace ha (its XDP datapath on
// ha0 and ha1 hands Binding Updates with a Home Address option to the
// agent, as in production). The load generator below, in namespace mn,
// plays many mobile nodes: home address i (in the home prefix) registers
// from care-of address i (2001:db8:c0a::/64, routed through the mn
// namespace), so every BU has its own source, as a per-source rate limit
// expects. It builds the BUs with the agent's own Mobility Header codec
// (mh::build_packet: HAO, checksum) and sends them as Ethernet frames on an
// AF_PACKET socket; it reads the BAs (type 2 routing header: the kernel of
// the mn namespace would drop them) on the same socket and matches them to
// their BU by home address and sequence number.
//
// Two phases:
//  - first registrations: N new home addresses, sent at --first-rate per
//    second. The home agent runs DAD for each home address on the home link
//    (1 s, RFC 6275 10.4.1, not configurable) before it answers, so the
//    latency includes that second; it also admits BUs from sources that are
//    not yet a binding's care-of address at 500/s in all (its flood guard),
//    so the default rate stays below that and the rate measured is the
//    send rate unless the agent falls behind;
//  - refreshes: --refresh-rounds BUs per home address (sequence + 1, same
//    care-of address), closed loop with --window BUs outstanding: the rate
//    the agent sustains when it is the bottleneck. A care-of address sends
//    at most one BU per --min-interval (default 0.34 s): the home agent
//    drops more than MAX_UPDATE_RATE = 3/s per source.
//
// A fleet, --fleet (issue 15 item 5): the same first registrations and
// refreshes through this single home agent on the embedded store, then
// through the holder of a fleet of three xmipd on a three-member etcd
// (signalling_fleet.hpp: the topology); every accepted binding must reach
// the other two members' maps (binding_arrival.hpp: the watch lag).
//
// Authentication (RFC 4285), --auth: every BU carries Replay Protection and
// an MN-HA Authentication option (auth::sign(), HMAC-SHA1-96), and xmipd
// gets one security association per home address. Without it, the home
// prefix is an "optional" authentication prefix.
#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <iterator>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "auth/algorithm.hpp"
#include "auth/authenticator.hpp"
#include "auth/ntp_time.hpp"
#include "binding_arrival.hpp"
#include "datapath/in6.hpp"
#include "etcd_cluster.hpp"
#include "frames.hpp"
#include "mh/messages.hpp"
#include "mh/packet.hpp"
#include "netns_testbed.hpp"
#include "signalling_fleet.hpp"

using namespace xmip;
using namespace xmip::bench;
using Clock = std::chrono::steady_clock;

namespace {

constexpr const char* kMacHa1 = "02:00:00:00:03:01";
constexpr const char* kMacM0 = "02:00:00:00:03:02";
constexpr const char* kMacHa0 = "02:00:00:00:27:02";
constexpr const char* kMacHl = "02:00:00:00:27:01";
constexpr const char* kHa = "2001:db8:2700::2";
constexpr uint8_t kHomePrefix[8] = {0x20, 0x01, 0x0d, 0xb8, 0x27, 0x00, 0x00, 0x00};

const std::vector<std::string> kTopology = {
    "ip netns add ha",
    "ip netns add home",
    "ip netns add mn",
    "for n in ha home mn; do ip -n $n link set lo up && "
    "ip netns exec $n sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0 "
    "net.ipv6.conf.default.router_solicitations=0; done",
    std::string("ip -n ha link add ha0 address ") + kMacHa0 + " type veth peer name hl netns home address " + kMacHl,
    std::string("ip -n ha link add ha1 address ") + kMacHa1 + " type veth peer name m0 netns mn address " + kMacM0,
    "ip -n ha link set ha0 up && ip -n ha link set ha1 up && ip -n home link set hl up && ip -n mn link set m0 up",
    // A veth takes XDP_REDIRECTed frames only when its peer has NAPI.
    "ip netns exec home ethtool -K hl gro on tx-checksumming off >/dev/null",
    "ip netns exec mn ethtool -K m0 gro on tx-checksumming off >/dev/null",
    std::string("ip -n ha -6 addr add ") + kHa + "/64 dev ha0 nodad",
    "ip -n ha -6 addr add 2001:db8:3::1/64 dev ha1 nodad",
    "ip -n mn -6 addr add 2001:db8:3::2/64 dev m0 nodad",
    // The care-of addresses: a visited network behind the mn namespace.
    std::string("ip -n ha -6 neigh replace 2001:db8:3::2 lladdr ") + kMacM0 + " dev ha1 nud permanent",
    "ip -n ha -6 route add 2001:db8:c0a::/64 via 2001:db8:3::2 dev ha1",
};

xmip_in6 care_of(uint32_t i) {
    xmip_in6 a = dp::require_in6("2001:db8:c0a::");
    const uint32_t v = htonl(i + 1);
    std::memcpy(a.u8 + 12, &v, 4);
    return a;
}

// Adds the Replay Protection and Authentication options to the BU of node
// i (care-of address coa, home address hoa). Empty: unauthenticated BUs.
using BuSigner = std::function<void(mh::Message&, uint32_t i, const in6_addr& coa, const in6_addr& hoa)>;

constexpr uint32_t kFirstSpi = 0x1000;  // node i: SPI kFirstSpi + i
// One shared key for every association (a benchmark, not a deployment).
constexpr const char* kKeyHex = "00112233445566778899aabbccddeeff0011223344556677";

struct Config {
    bool quick = false;
    uint32_t nodes = 0;
    unsigned refresh_rounds = 0;
    unsigned window = 32;
    double first_rate = 0;
    double min_interval = 0.34;
    uint32_t lifetime = 3600;
    std::string xmipd;
    std::string log_level = "info";
    bool auth = false;
    std::vector<uint32_t> sizes;    // --sizes: binding counts, one refresh measurement each
    uint32_t refresh_count = 3000;  // --refresh-count: refreshes measured at each size
    unsigned first_window = 2000;   // --first-window: first registrations outstanding (--sizes)
    bool fleet = false;             // --fleet: the embedded store, then a fleet of three on etcd
};

struct PhaseResult {
    uint64_t sent = 0, acked = 0, refused = 0, lost = 0;
    double seconds = 0;
    std::vector<double> latency_ms;
};

double percentile(std::vector<double> v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    size_t k = static_cast<size_t>(p * (v.size() - 1) + 0.5);
    return v[std::min(k, v.size() - 1)];
}

class LoadGen {
public:
    LoadGen(const Config& cfg, BuSigner signer) : cfg_(cfg), signer_(std::move(signer)) {
        InNetns in("mn");
        ifindex_ = static_cast<int>(if_nametoindex("m0"));
        fd_ = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, htons(ETH_P_IPV6));
        if (fd_ < 0 || !ifindex_) throw std::runtime_error("cannot open a packet socket on m0");
        sockaddr_ll sll{};
        sll.sll_family = AF_PACKET;
        sll.sll_protocol = htons(ETH_P_IPV6);
        sll.sll_ifindex = ifindex_;
        if (bind(fd_, reinterpret_cast<sockaddr*>(&sll), sizeof sll))
            throw std::runtime_error("cannot bind the packet socket to m0");
        int rcvbuf = 8 << 20;
        setsockopt(fd_, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof rcvbuf);
        for (uint32_t i = 0; i < cfg_.nodes + 1; i++) {
            hoa_.push_back(dp::to_in6(home_address(kHomePrefix, i)));
            coa_.push_back(dp::to_in6(care_of(i)));
            index_[key(hoa_.back())] = i;
        }
        seq_.assign(hoa_.size(), 100);
        registered_.assign(hoa_.size(), false);
        last_sent_.assign(hoa_.size(), Clock::time_point{});
    }
    ~LoadGen() {
        if (fd_ >= 0) close(fd_);
    }
    // Called with each node whose BU a BA accepted, when the BA arrives.
    std::function<void(const in6_addr& hoa)> on_accept;

    // Sends BUs for nodes [from, to) `rounds` times each (sequence + 1 every
    // time), at most `window` outstanding, at most `rate` per second (0: no
    // limit); a BU unanswered after timeout_s is lost.
    PhaseResult run(uint32_t from, uint32_t to, unsigned rounds, unsigned window, double rate, double timeout_s,
                    double min_interval = 0) {
        std::vector<uint32_t> order;
        for (unsigned r = 0; r < rounds; r++)
            for (uint32_t i = from; i < to; i++) order.push_back(i);
        return run(order, window, rate, timeout_s, min_interval);
    }
    // Nodes of [from, to) no BA has accepted yet.
    std::vector<uint32_t> unregistered(uint32_t from, uint32_t to) const {
        std::vector<uint32_t> r;
        for (uint32_t i = from; i < to; i++)
            if (!registered_[i]) r.push_back(i);
        return r;
    }
    // The same for the nodes of `order`, in that order.
    PhaseResult run(const std::vector<uint32_t>& order, unsigned window, double rate, double timeout_s,
                    double min_interval = 0) {
        struct Pending {
            Clock::time_point sent;
            uint16_t seq;
        };
        std::unordered_map<uint32_t, Pending> pending;
        PhaseResult res;
        size_t next = 0;
        const auto start = Clock::now();
        auto last_event = start;
        std::vector<uint8_t> buf(2048);
        while (next < order.size() || !pending.empty()) {
            const auto now = Clock::now();
            const double t = std::chrono::duration<double>(now - start).count();
            while (next < order.size() && pending.size() < window &&
                   (rate <= 0 || static_cast<double>(res.sent) < rate * t + 1)) {
                uint32_t i = order[next];
                if (pending.count(i)) break;  // its previous BU is still out: keep the order
                if (min_interval > 0 && last_sent_[i] != Clock::time_point{} &&
                    std::chrono::duration<double>(now - last_sent_[i]).count() < min_interval)
                    break;  // MAX_UPDATE_RATE per source
                last_sent_[i] = now;
                uint16_t seq = ++seq_[i];
                send_bu(i, seq);
                pending[i] = {Clock::now(), seq};
                res.sent++;
                next++;
            }
            pollfd p{fd_, POLLIN, 0};
            poll(&p, 1, 2);
            ssize_t n;
            while ((n = recv(fd_, buf.data(), buf.size(), 0)) > 14) {
                auto ba = parse_ba(buf.data(), static_cast<size_t>(n));
                if (!ba) continue;
                auto it = pending.find(ba->node);
                if (it == pending.end() || it->second.seq != ba->seq) continue;
                res.latency_ms.push_back(
                    std::chrono::duration<double, std::milli>(Clock::now() - it->second.sent).count());
                (ba->status < 128 ? res.acked : res.refused)++;
                if (ba->status < 128) {
                    registered_[ba->node] = true;
                    if (on_accept) on_accept(hoa_[ba->node]);
                }
                pending.erase(it);
                last_event = Clock::now();
            }
            const auto deadline = Clock::now() - std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(timeout_s));
            for (auto it = pending.begin(); it != pending.end();) {
                if (it->second.sent < deadline) {
                    res.lost++;
                    it = pending.erase(it);
                } else {
                    ++it;
                }
            }
        }
        res.seconds = std::chrono::duration<double>(last_event - start).count();
        return res;
    }

private:
    static std::string key(const in6_addr& a) { return std::string(reinterpret_cast<const char*>(&a), 16); }

    void send_bu(uint32_t i, uint16_t seq) {
        mh::BindingUpdate bu;
        bu.sequence = seq;
        bu.set_flag(mh::BindingUpdate::flag_ack, true);
        bu.set_flag(mh::BindingUpdate::flag_home, true);
        bu.set_lifetime_seconds(cfg_.lifetime);
        mh::Message msg{bu};
        if (signer_) signer_(msg, i, coa_[i], hoa_[i]);
        mh::PacketSpec spec;
        spec.src = coa_[i];
        spec.dst = ha_;
        spec.home_address = hoa_[i];
        auto pkt = mh::build_packet(spec, msg);
        if (!pkt) throw std::runtime_error("cannot build a BU");
        Bytes frame = ether(kMacHa1, kMacM0, *pkt);
        if (::send(fd_, frame.data(), frame.size(), 0) != static_cast<ssize_t>(frame.size()))
            throw std::runtime_error(std::string("cannot send a BU: ") + std::strerror(errno));
    }

    struct Ba {
        uint32_t node;
        uint16_t seq;
        uint8_t status;
    };
    std::optional<Ba> parse_ba(const uint8_t* f, size_t n) const {
        auto parsed = mh::parse_packet(mh::ByteView(f + 14, n - 14));
        if (!parsed || !parsed->message || !parsed->info.routing_header2) return std::nullopt;
        const auto* ba = std::get_if<mh::BindingAck>(&*parsed->message);
        if (!ba) return std::nullopt;
        auto it = index_.find(key(parsed->info.routing_header2->home_address));
        if (it == index_.end()) return std::nullopt;
        return Ba{it->second, ba->sequence, ba->status};
    }

    Config cfg_;
    BuSigner signer_;
    int fd_ = -1, ifindex_ = 0;
    in6_addr ha_ = dp::to_in6(dp::require_in6(kHa));
    std::vector<in6_addr> hoa_, coa_;
    std::vector<uint16_t> seq_;
    std::vector<bool> registered_;  // a BA accepted one of its BUs
    std::vector<Clock::time_point> last_sent_;
    std::unordered_map<std::string, uint32_t> index_;
};

// The home agent's configuration: the single one (member null) or a fleet
// member on etcd.
void write_config(const Config& cfg, const std::string& path, const FleetMember* member = nullptr,
                  const std::vector<std::string>& endpoints = {}) {
    const std::string instance = member ? member->instance : "ha";
    std::string interfaces = "\"ha0\", \"ha1\"";
    if (member) {
        interfaces.clear();
        for (const auto& i : member->interfaces) interfaces += (interfaces.empty() ? "\"" : ", \"") + i + "\"";
    }
    std::ofstream f(path);
    f << "role = \"ha\"\ninstance = \"" << instance << "\"\n"
      << "log_level = \"" << cfg.log_level << "\"\n"
      << "[paths]\ncontrol_socket = \"/tmp/" << instance << ".sock\"\npin_root = \"" << bpffs_dir() << "\"\n"
      << "state_dir = \"/tmp/state-" << instance << "\"\n"
      << "[datapath]\ninterfaces = [" << interfaces << "]\nmax_bindings = " << std::max<uint32_t>(1024, cfg.nodes * 2)
      << "\n"
      // --fleet runs two home agents in turn on one testbed: the first one
      // leaves nothing attached behind.
      << (cfg.fleet ? "keep_forwarding_on_exit = false\n" : "") << "[metrics]\nlisten = \"\"\n"
      << "[home_agent]\naddress = \"" << kHa << "\"\nhome_link = \"" << (member ? member->home_if : "ha0")
      << "\"\nprefixes = [\"2001:db8:2700::/64\"]\n"
      << "max_bindings = " << std::max<uint32_t>(1024, cfg.nodes * 2) << "\n"
      << "[home_agent.router_advertisements]\nenabled = false\n";
    // First registrations faster than the flood guard's default 500/s (to
    // fill 10^5 bindings in a bounded time): raise it above the send rate.
    if (cfg.first_rate > 450)
        f << "[home_agent.rate_limit]\nunregistered_total = " << static_cast<uint32_t>(cfg.first_rate * 2) << "\n";
    if (!cfg.auth) {
        f << "[home_agent.authentication]\noptional_prefixes = [\"2001:db8:2700::/64\"]\n";
    } else {
        {
            std::ofstream k("/tmp/mn.key");
            k << kKeyHex << "\n";
        }
        chmod("/tmp/mn.key", 0600);
        for (uint32_t i = 0; i <= cfg.nodes; i++)  // node cfg.nodes: the probe
            f << "[[home_agent.security_associations]]\nhome_address = \""
              << dp::format_in6(home_address(kHomePrefix, i)) << "\"\nspi = " << kFirstSpi + i
              << "\nalgorithm = \"hmac-sha1-96\"\nkey_file = \"/tmp/mn.key\"\n";
    }
    if (member) f << cluster_section(*member, endpoints);
}

BuSigner make_signer() {
    auth::SecurityAssociation sa;
    sa.algorithm = auth::Algorithm::HmacSha1_96;
    for (size_t i = 0; kKeyHex[i] && kKeyHex[i + 1]; i += 2)
        sa.key.push_back(static_cast<uint8_t>(std::stoi(std::string(kKeyHex + i, 2), nullptr, 16)));
    return [sa](mh::Message& m, uint32_t i, const in6_addr& coa, const in6_addr& hoa) mutable {
        sa.spi = kFirstSpi + i;
        if (!auth::sign(m, coa, hoa, sa, auth::ntp_now())) throw std::runtime_error("cannot sign a BU");
    };
}

void print_phase(const char* name, const PhaseResult& r) {
    std::printf("%-22s %8lu %8lu %8lu %6lu %9.3f %10.0f %10.2f %10.2f\n", name, static_cast<unsigned long>(r.sent),
                static_cast<unsigned long>(r.acked), static_cast<unsigned long>(r.refused),
                static_cast<unsigned long>(r.lost), r.seconds, r.seconds > 0 ? r.acked / r.seconds : 0,
                percentile(r.latency_ms, 0.5), percentile(r.latency_ms, 0.99));
}

// xmipd's own CPU time so far (user + system, /proc/<pid>/stat), seconds.
double cpu_seconds(pid_t pid) {
    std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
    std::string stat((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    auto close = stat.rfind(')');
    if (close == std::string::npos) throw std::runtime_error("cannot read /proc/" + std::to_string(pid) + "/stat");
    std::istringstream rest(stat.substr(close + 2));
    std::string field;
    unsigned long long utime = 0, stime = 0;
    for (int i = 3; i <= 15 && rest >> field; i++) {  // fields 14 and 15 (proc(5))
        if (i == 14) utime = std::stoull(field);
        if (i == 15) stime = std::stoull(field);
    }
    return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// xmipd's resident memory (VmRSS of /proc/<pid>/status), MB; -1 unknown.
// The per-wakeup cost grows with it on this VM (docs/performance.md, "The
// per-wakeup cost and the heap").
long rss_mb(pid_t pid) {
    std::ifstream f("/proc/" + std::to_string(pid) + "/status");
    for (std::string line; std::getline(f, line);)
        if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6)) / 1024;
    return -1;
}

// `count` refreshes over nodes [0, size): spread over the whole range (a
// different node each, while there are enough), else round after round.
std::vector<uint32_t> refresh_order(uint32_t size, uint32_t count) {
    std::vector<uint32_t> order;
    for (uint32_t k = 0; k < count; k++)
        order.push_back(count <= size ? static_cast<uint32_t>(uint64_t(k) * size / count) : k % size);
    return order;
}

// Seconds with no Binding Update before each size's refreshes, to measure
// xmipd's background CPU.
constexpr double kIdleSeconds = 3;

struct Step {
    uint32_t size = 0;
    PhaseResult first, refresh;
    double cpu_s = 0;  // xmipd's, during the refreshes
    long rss_mb = -1;  // xmipd's resident memory after them
    // xmipd's CPU with no Binding Update arriving, in the seconds before the
    // refreshes (a share of one CPU): its own background work (the next-hop
    // cache's pass over every care-of address, timers), which the
    // refreshes' CPU time includes.
    double idle_share = 0;
    double us_per_bu() const {
        const uint64_t answered = refresh.acked + refresh.refused;
        return answered ? cpu_s * 1e6 / static_cast<double>(answered) : 0;
    }
    // The same without the background (as measured idle) during the refreshes.
    double us_per_bu_less_idle() const {
        const uint64_t answered = refresh.acked + refresh.refused;
        const double busy = std::max(0.0, cpu_s - idle_share * refresh.seconds);
        return answered ? busy * 1e6 / static_cast<double>(answered) : 0;
    }
};

// The refresh cost at each size, and the ratio of the largest to the smallest.
void print_ladder(const Config& cfg, const std::vector<Step>& steps) {
    std::printf(
        "refreshes: %u per size (a node at most every %.2f s, %u outstanding); xmipd CPU from /proc/<pid>/stat "
        "(user + system) during the refreshes; idle: its CPU share over %.0f s with no BU just before them, "
        "less idle: the refreshes' CPU less that share of their time\n\n",
        cfg.refresh_count, cfg.min_interval, cfg.window, kIdleSeconds);
    std::printf("%9s %10s %9s %8s %6s %8s %10s %10s %9s %10s %14s %12s %9s %7s %10s\n", "bindings", "first reg",
                "first/s", "refresh", "lost", "seconds", "refresh/s", "median ms", "p99 ms", "CPU s", "CPU ms/1000 BU",
                "BU/CPU-s", "RSS MB", "idle %", "less idle");
    for (const auto& st : steps) {
        const auto& r = st.refresh;
        std::printf("%9u %10lu %9.0f %8lu %6lu %8.2f %10.0f %10.2f %9.2f %10.2f %14.1f %12.0f %9ld %7.1f %10.1f\n",
                    st.size, static_cast<unsigned long>(st.first.acked),
                    st.first.seconds > 0 ? st.first.acked / st.first.seconds : 0, static_cast<unsigned long>(r.acked),
                    static_cast<unsigned long>(r.lost), r.seconds, r.seconds > 0 ? r.acked / r.seconds : 0,
                    percentile(r.latency_ms, 0.5), percentile(r.latency_ms, 0.99), st.cpu_s, st.us_per_bu(),
                    st.us_per_bu() > 0 ? 1e6 / st.us_per_bu() : 0, st.rss_mb, st.idle_share * 100,
                    st.us_per_bu_less_idle());
    }
    if (steps.size() >= 2 && steps.front().us_per_bu() > 0)
        std::printf(
            "\nper-BU CPU cost at %u bindings / at %u: %.2fx (goal: at most 1.3x); goal: at least 20000 "
            "authenticated BUs per CPU-second (50 us each)\n",
            steps.back().size, steps.front().size, steps.back().us_per_bu() / steps.front().us_per_bu());
}

// Sends the probe (node cfg.nodes) until the home agent answers it; throws
// when xmipd exits first or does not answer in time.
void wait_answering(LoadGen& gen, const Config& cfg, pid_t& ha) {
    PhaseResult probe;
    // Reading 10^5 security associations (and their key files) takes a while.
    const auto started = Clock::now();
    const auto up_by = started + std::chrono::seconds(15 + cfg.nodes / 1000);
    while (!probe.acked && Clock::now() < up_by) {
        int status;
        if (waitpid(ha, &status, WNOHANG) == ha) {
            ha = -1;
            throw std::runtime_error("xmipd exited before answering");
        }
        probe = gen.run(cfg.nodes, cfg.nodes + 1, 1, 1, 0, 3.0);
    }
    if (!probe.acked) throw std::runtime_error("xmipd did not answer a BU in time");
    std::fprintf(stderr, "xmipd answers after %.1f s\n", std::chrono::duration<double>(Clock::now() - started).count());
}

// Throws unless pid runs xmipd (held by descriptor xmipd_fd): the CPU time
// read below must be the agent's.
void require_xmipd(pid_t pid, int xmipd_fd) {
    std::ifstream comm("/proc/" + std::to_string(pid) + "/comm");
    std::string name;
    std::getline(comm, name);
    if (name.rfind("xmipd", 0) != 0 && name.rfind("exe", 0) != 0 && name.rfind(std::to_string(xmipd_fd), 0) != 0)
        throw std::runtime_error("process " + std::to_string(pid) + " is " + name + ", not xmipd");
}

// First registrations of nodes [have, size), again for those the agent
// dropped, then cfg.refresh_count refreshes with xmipd's CPU time.
// `registered` runs between the two (the fleet checks the other members).
Step register_and_refresh(LoadGen& gen, const Config& cfg, pid_t ha, uint32_t have, uint32_t size,
                          const std::function<void()>& registered = {}) {
    Step st;
    st.size = size;
    std::fprintf(stderr, "first registrations %u..%u...\n", have, size);
    // At most --first-window outstanding: the generator sends no faster
    // than the agent answers (each answer takes DAD's second), instead of
    // queueing BUs the agent reaches only after their timeout and resending
    // them behind the queue.
    st.first = gen.run(have, size, 1, std::min(size - have, cfg.first_window), cfg.first_rate, 10.0);
    // Those the agent dropped (its flood guard, a full socket) try again:
    // every refresh below must be one.
    for (int retry = 0; retry < 5; retry++) {
        auto missing = gen.unregistered(have, size);
        if (missing.empty()) break;
        std::fprintf(stderr, "  %zu unregistered: again\n", missing.size());
        auto again = gen.run(missing, std::min(static_cast<unsigned>(missing.size()), cfg.first_window),
                             cfg.first_rate / 2, 10.0);
        st.first.acked += again.acked;
    }
    if (auto missing = gen.unregistered(have, size); !missing.empty())
        throw std::runtime_error(std::to_string(missing.size()) + " nodes never registered");
    std::fprintf(stderr, "  %lu acknowledged, %lu lost in %.2f s; %u refreshes...\n",
                 static_cast<unsigned long>(st.first.acked), static_cast<unsigned long>(st.first.lost),
                 st.first.seconds, cfg.refresh_count);
    if (registered) registered();
    if (!cfg.sizes.empty()) {  // the ladder prints it; --fleet does not
        const double idle0 = cpu_seconds(ha);
        std::this_thread::sleep_for(std::chrono::duration<double>(kIdleSeconds));
        st.idle_share = (cpu_seconds(ha) - idle0) / kIdleSeconds;
    }
    const double cpu0 = cpu_seconds(ha);
    st.refresh = gen.run(refresh_order(size, cfg.refresh_count), cfg.window, 0, 2.0, cfg.min_interval);
    st.cpu_s = cpu_seconds(ha) - cpu0;
    st.rss_mb = rss_mb(ha);
    std::fprintf(stderr, "  %lu acknowledged, %lu lost in %.2f s, xmipd CPU %.2f s\n",
                 static_cast<unsigned long>(st.refresh.acked), static_cast<unsigned long>(st.refresh.lost),
                 st.refresh.seconds, st.cpu_s);
    return st;
}

// The processes a --fleet phase started: stopped however it ends.
struct Agents {
    std::vector<pid_t> pids;
    ~Agents() {
        for (pid_t p : pids)
            if (p > 0) stop(p);
    }
};

// What the other members' maps held after the first registrations.
struct FleetCheck {
    std::vector<size_t> have;  // per other member: nodes (probe included) in its map
    size_t want = 0;
    std::vector<double> lag_ms;
    size_t first_look = 0;
    bool settled = false;
};

bool wait_for(const std::function<bool()>& cond, std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    while (!cond()) {
        if (Clock::now() >= deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return true;
}

// --fleet, second phase: the same registrations through the holder of a
// fleet of three on a three-member etcd; hb's and hc's maps checked.
Step fleet_phase(const Config& cfg, const std::string& xmipd_path, int xmipd_fd, FleetCheck* check) {
    for (const auto& c : fleet_addresses(kHa)) sh(c);
    std::unique_ptr<test::EtcdCluster> etcd;
    {
        InNetns in(kEtcdNs);  // etcd's members are started in this thread's namespace
        etcd = std::make_unique<test::EtcdCluster>(3, kEtcdHost);
        std::string why;
        if (!etcd->start(&why)) throw std::runtime_error("etcd: " + why);
    }
    Agents agents;
    const auto& members = fleet_members();
    auto start = [&](const FleetMember& m) {
        const std::string conf = "/tmp/" + m.instance + ".toml";
        write_config(cfg, conf, &m, etcd->endpoints());
        agents.pids.push_back(
            spawn({"ip", "netns", "exec", m.ns, xmipd_path, "-c", conf}, "/tmp/" + m.instance + ".log"));
    };
    auto alive = [&](size_t k) {
        int status;
        return waitpid(agents.pids[k], &status, WNOHANG) == 0;
    };
    // ha first, so that it holds the address; the others queue behind it.
    start(members[0]);
    if (!wait_for([&] { return !alive(0) || has_address("ha", "ha0", kHa); },
                  std::chrono::seconds(15 + cfg.nodes / 1000)) ||
        !alive(0))
        throw std::runtime_error("fleet member m1 does not hold " + std::string(kHa) + " (/tmp/m1.log)");
    std::vector<std::string> pin_dirs;
    for (size_t k = 1; k < members.size(); k++) {
        start(members[k]);
        const std::string sock = "/tmp/" + members[k].instance + ".sock";
        if (!wait_for([&] { return !alive(k) || access(sock.c_str(), F_OK) == 0; },
                      std::chrono::seconds(15 + cfg.nodes / 1000)) ||
            !alive(k))
            throw std::runtime_error("fleet member " + members[k].instance + " did not start (/tmp/" +
                                     members[k].instance + ".log)");
        pin_dirs.push_back(bpffs_dir() + "/" + members[k].instance);
    }
    pid_t holder = agents.pids[0];
    BindingArrival arrival(pin_dirs);
    LoadGen gen(cfg, cfg.auth ? make_signer() : BuSigner{});
    gen.on_accept = [&](const in6_addr& hoa) { arrival.accepted(dp::to_xmip(hoa), BindingArrival::Clock::now()); };
    wait_answering(gen, cfg, holder);
    require_xmipd(holder, xmipd_fd);
    auto verify = [&] {
        check->settled = arrival.settle(std::chrono::seconds(30));
        check->want = cfg.nodes + 1;
        for (size_t m = 0; m < arrival.members(); m++) {
            std::unordered_map<std::string, bool> in_map;
            for (const auto& k : arrival.map_keys(m)) in_map[std::string(reinterpret_cast<const char*>(&k), 16)] = true;
            size_t have = 0;
            for (uint32_t i = 0; i <= cfg.nodes; i++) {
                const xmip_in6 h = home_address(kHomePrefix, i);
                have += in_map.count(std::string(reinterpret_cast<const char*>(&h), 16));
            }
            check->have.push_back(have);
        }
        check->lag_ms = arrival.lag_ms();
        check->first_look = arrival.found_at_first_look();
    };
    Step st = register_and_refresh(gen, cfg, holder, 0, cfg.nodes, verify);
    for (size_t k = 0; k < agents.pids.size(); k++)
        if (!alive(k)) throw std::runtime_error("fleet member " + members[k].instance + " died");
    return st;
}

// --fleet: the embedded store, then a fleet on etcd, on one testbed.
int run_fleet(const Config& cfg, const std::string& xmipd_path, int xmipd_fd) {
    for (const auto& c : fleet_topology()) sh(c);
    Step embedded;
    {
        write_config(cfg, "/tmp/ha.toml");
        Agents single;
        single.pids.push_back(spawn({"ip", "netns", "exec", "ha", xmipd_path, "-c", "/tmp/ha.toml"}, "/tmp/xmipd.log"));
        pid_t ha = single.pids[0];
        LoadGen gen(cfg, cfg.auth ? make_signer() : BuSigner{});
        wait_answering(gen, cfg, ha);
        require_xmipd(ha, xmipd_fd);
        embedded = register_and_refresh(gen, cfg, ha, 0, cfg.nodes);
    }
    FleetCheck check;
    Step fleet = fleet_phase(cfg, xmipd_path, xmipd_fd, &check);

    std::printf(
        "xmip signalling benchmark, a fleet on etcd against the embedded store: the same registrations, one run\n");
    std::printf("%u mobile nodes, BUs with HAO, A|H, lifetime %u s, %s; xmipd log_level %s\n", cfg.nodes, cfg.lifetime,
                cfg.auth ? "RFC 4285 authenticated" : "no authentication", cfg.log_level.c_str());
    std::printf(
        "embedded: one xmipd (SQLite in WAL mode on tmpfs); fleet: three xmipd members on a three-member etcd "
        "(veths in namespaces), every BU through the holder m1\n");
    std::printf(
        "first registrations: %u outstanding at most, sent at %.0f/s (DAD's 1 s each); refreshes: %u, "
        "%u outstanding; CPU: the registering xmipd's (not etcd's)\n\n",
        cfg.first_window, cfg.first_rate, cfg.refresh_count, cfg.window);
    std::printf("%-10s %10s %9s %8s %6s %10s %10s %9s %14s %12s\n", "store", "first reg", "first/s", "refresh", "lost",
                "refresh/s", "median ms", "p99 ms", "CPU ms/1000 BU", "BU/CPU-s");
    auto row = [](const char* name, const Step& st) {
        const auto& r = st.refresh;
        std::printf("%-10s %10lu %9.0f %8lu %6lu %10.0f %10.2f %9.2f %14.1f %12.0f\n", name,
                    static_cast<unsigned long>(st.first.acked),
                    st.first.seconds > 0 ? st.first.acked / st.first.seconds : 0, static_cast<unsigned long>(r.acked),
                    static_cast<unsigned long>(r.lost), r.seconds > 0 ? r.acked / r.seconds : 0,
                    percentile(r.latency_ms, 0.5), percentile(r.latency_ms, 0.99), st.us_per_bu(),
                    st.us_per_bu() > 0 ? 1e6 / st.us_per_bu() : 0);
    };
    row("embedded", embedded);
    row("etcd", fleet);
    auto rate = [](const PhaseResult& r) { return r.seconds > 0 ? r.acked / r.seconds : 0; };
    if (rate(fleet.refresh) > 0 && embedded.us_per_bu() > 0)
        std::printf(
            "\nembedded / etcd: refreshes per second %.2fx, first registrations per second %.2fx; "
            "CPU per refresh etcd / embedded %.2fx\n",
            rate(embedded.refresh) / rate(fleet.refresh),
            rate(fleet.first) > 0 ? rate(embedded.first) / rate(fleet.first) : 0,
            fleet.us_per_bu() / embedded.us_per_bu());
    bool ok = check.settled;
    for (size_t m = 0; m < check.have.size(); m++) {
        std::printf("%s %s: %zu of %zu bindings in its map\n",
                    m ? "        " : "the other members:", fleet_members()[m + 1].instance.c_str(), check.have[m],
                    check.want);
        ok = ok && check.have[m] == check.want;
    }
    std::printf(
        "watch lag through xmipd (the BA at the mobile node -> the binding in another member's map, %zu "
        "bindings, polled every 0.5 ms): p50 %.1f ms, p99 %.1f ms, max %.1f ms; %zu already there at the first look\n",
        check.lag_ms.size(), percentile(check.lag_ms, 0.5), percentile(check.lag_ms, 0.99),
        percentile(check.lag_ms, 1.0), check.first_look);
    if (!ok) {
        std::fprintf(stderr, "xmip-bench-signalling: not every binding reached the other members' maps%s\n",
                     check.settled ? "" : " within 30 s");
        sh("tail -20 /tmp/m2.log >&2");
        return 1;
    }
    return 0;
}

std::string self_dir() {
    char buf[4096];
    ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
    if (n <= 0) return ".";
    std::string p(buf, static_cast<size_t>(n));
    return p.substr(0, p.rfind('/'));
}

}  // namespace

int main(int argc, char** argv) {
    Config cfg;
    CLI::App app{"xmip-bench-signalling: registrations per second of one xmipd home agent, BU -> BA latency"};
    app.add_flag("--quick", cfg.quick, "CI smoke run: 50 mobile nodes, 2 refresh rounds");
    app.add_option("--nodes", cfg.nodes, "mobile nodes: home addresses, each from its own care-of address (default 2000)")
        ->check(CLI::Range(1u, 1000000u));
    app.add_option("--refresh-rounds", cfg.refresh_rounds, "refreshes per home address (default 5)");
    app.add_option("--window", cfg.window, "BUs outstanding during refreshes (default 32)")->check(CLI::Range(1u, 4096u));
    app.add_option("--first-rate", cfg.first_rate, "first registrations sent per second (default 450: the HA admits new sources at 500/s in all)");
    app.add_option("--xmipd", cfg.xmipd, "the xmipd to run (default: ../agent/xmipd/xmipd from this binary)");
    app.add_option("--log-level", cfg.log_level, "xmipd's log_level (default info: one line per registration)");
    app.add_flag("--auth", cfg.auth, "RFC 4285 MN-HA authentication (HMAC-SHA1-96) of every BU");
    app.add_option("--min-interval", cfg.min_interval,
                   "seconds between two BUs of one care-of address (default 0.34: the HA allows 3/s per source)");
    app.add_option("--sizes", cfg.sizes,
                   "binding counts to measure refreshes at, ascending (e.g. 100,10000,100000): registers up to each, "
                   "then --refresh-count refreshes with xmipd's CPU time; replaces --nodes and --refresh-rounds")
        ->delimiter(',')
        ->check(CLI::Range(1u, 1000000u));
    app.add_option("--first-window", cfg.first_window,
                   "first registrations outstanding at once with --sizes (default 2000: with DAD's 1 s, at most "
                   "2000/s)")
        ->check(CLI::Range(1u, 1000000u));
    app.add_option("--refresh-count", cfg.refresh_count, "refreshes measured at each of --sizes (default 3000)")
        ->check(CLI::Range(1u, 10000000u));
    app.add_flag("--fleet", cfg.fleet,
                 "the same registrations through the embedded store, then through the holder of a fleet of three "
                 "xmipd on a three-member etcd: rates of both, every binding in the other members' maps, the watch "
                 "lag (needs etcd)")
        ->excludes("--sizes");
    CLI11_PARSE(app, argc, argv);
    if (cfg.fleet && test::EtcdCluster::binary().empty()) {
        std::printf("skipped: no etcd binary on PATH (apt-get install etcd-server)\n");
        return test::running_in_ci_env() ? 1 : 77;
    }
    if (!cfg.sizes.empty()) {
        if (!std::is_sorted(cfg.sizes.begin(), cfg.sizes.end()) ||
            std::adjacent_find(cfg.sizes.begin(), cfg.sizes.end()) != cfg.sizes.end()) {
            std::fprintf(stderr, "xmip-bench-signalling: --sizes must be ascending\n");
            return 2;
        }
        cfg.nodes = cfg.sizes.back();
    }
    if (!cfg.nodes) cfg.nodes = cfg.quick ? 50 : 2000;
    if (!cfg.refresh_rounds) cfg.refresh_rounds = cfg.quick ? 2 : 5;
    if (cfg.first_rate <= 0) cfg.first_rate = 450;  // under the HA's 500/s for new sources
    if (cfg.xmipd.empty()) cfg.xmipd = self_dir() + "/../agent/xmipd/xmipd";
    if (access(cfg.xmipd.c_str(), X_OK)) {
        std::fprintf(stderr, "xmip-bench-signalling: no executable xmipd at %s (--xmipd)\n", cfg.xmipd.c_str());
        return 2;
    }

    // The testbed hides the real /tmp: hold xmipd by a descriptor (not
    // close-on-exec, so `ip netns exec` inherits it) and run it through that.
    const int xmipd_fd = open(cfg.xmipd.c_str(), O_RDONLY);
    if (xmipd_fd < 0) {
        std::fprintf(stderr, "xmip-bench-signalling: cannot open %s\n", cfg.xmipd.c_str());
        return 2;
    }
    const std::string xmipd_path = "/proc/self/fd/" + std::to_string(xmipd_fd);
    std::string why;
    if (!enter_private_testbed(&why)) {
        std::fprintf(stderr, "xmip-bench-signalling: %s\n", why.c_str());
        return unavailable_status();
    }
    pid_t ha = -1;
    try {
        for (const auto& c : kTopology) sh(c);
        if (cfg.fleet) return run_fleet(cfg, xmipd_path, xmipd_fd);
        write_config(cfg, "/tmp/ha.toml");
        ha = spawn({"ip", "netns", "exec", "ha", xmipd_path, "-c", "/tmp/ha.toml"}, "/tmp/xmipd.log");
        LoadGen gen(cfg, cfg.auth ? make_signer() : BuSigner{});
        // Node cfg.nodes is the probe: registered once the agent answers.
        wait_answering(gen, cfg, ha);

        if (!cfg.sizes.empty()) {
            require_xmipd(ha, xmipd_fd);
            std::vector<Step> steps;
            uint32_t have = 0;
            for (uint32_t size : cfg.sizes) {
                steps.push_back(register_and_refresh(gen, cfg, ha, have, size));
                have = size;
            }
            int status;
            const bool alive = waitpid(ha, &status, WNOHANG) == 0;
            std::printf(
                "xmip signalling benchmark, refresh cost by binding count: one xmipd home agent in a namespace\n");
            std::printf(
                "BUs with HAO, A|H, lifetime %u s, %s; xmipd log_level %s, state file on tmpfs\n", cfg.lifetime,
                cfg.auth ? "RFC 4285 authenticated (Replay Protection + MN-HA HMAC-SHA1-96)" : "no authentication",
                cfg.log_level.c_str());
            print_ladder(cfg, steps);
            std::printf("xmipd %s at the end\n", alive ? "still running" : "NOT running");
            stop(ha);
            ha = -1;
            for (const auto& st : steps)
                if (!alive || st.refresh.acked == 0) {
                    std::fprintf(stderr,
                                 "xmip-bench-signalling: the home agent did not register the load (log below)\n");
                    sh("tail -30 /tmp/xmipd.log >&2");
                    return 1;
                }
            return 0;
        }
        std::fprintf(stderr, "xmipd answers; first registrations of %u home addresses...\n", cfg.nodes);
        PhaseResult first = gen.run(0, cfg.nodes, 1, cfg.nodes, cfg.first_rate, 5.0);
        std::fprintf(stderr, "  %lu acknowledged, %lu lost in %.2f s; refreshes...\n", static_cast<unsigned long>(first.acked),
                     static_cast<unsigned long>(first.lost), first.seconds);
        PhaseResult refresh = gen.run(0, cfg.nodes, cfg.refresh_rounds, cfg.window, 0, 2.0, cfg.min_interval);
        std::fprintf(stderr, "  %lu acknowledged, %lu lost in %.2f s\n", static_cast<unsigned long>(refresh.acked),
                     static_cast<unsigned long>(refresh.lost), refresh.seconds);
        int status;
        const bool alive = waitpid(ha, &status, WNOHANG) == 0;

        std::printf("xmip signalling benchmark: one xmipd home agent in a namespace%s\n", cfg.quick ? " (--quick)" : "");
        std::printf("load generator: %u mobile nodes, each its own home address and care-of address; BUs with HAO, A|H, "
                    "lifetime %u s, %s\n",
                    cfg.nodes, cfg.lifetime,
                    cfg.auth ? "RFC 4285 authenticated (Replay Protection + MN-HA HMAC-SHA1-96)" : "no authentication");
        std::printf("xmipd: log_level %s; DAD for every new home address (1 s, fixed)\n\n", cfg.log_level.c_str());
        std::printf("%-22s %8s %8s %8s %6s %9s %10s %10s %10s\n", "phase", "BUs", "BA ok", "BA nack", "lost", "seconds",
                    "reg/s", "median ms", "p99 ms");
        print_phase("first registrations", first);
        print_phase("refreshes", refresh);
        std::printf("\nfirst registrations: sent at %.0f/s, all outstanding at once (DAD); refreshes: closed loop, %u outstanding, "
                    "a care-of address at most every %.2f s\n",
                    cfg.first_rate, cfg.window, cfg.min_interval);
        std::ifstream la("/proc/loadavg");
        std::string load;
        std::getline(la, load);
        std::printf("xmipd %s at the end; load average %s\n", alive ? "still running" : "NOT running", load.c_str());
        stop(ha);
        ha = -1;
        if (!alive || first.acked == 0 || refresh.acked == 0) {
            std::fprintf(stderr, "xmip-bench-signalling: the home agent did not register the load (log below)\n");
            sh("tail -30 /tmp/xmipd.log >&2");
            return 1;
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "xmip-bench-signalling: %s\n", e.what());
        if (ha > 0) stop(ha);
        // The agents' last words (--fleet: each member's), without the
        // registrations' lines.
        std::system(
            "for f in /tmp/xmipd.log /tmp/m1.log /tmp/m2.log; do [ -f $f ] && { echo \"-- $f\"; "
            "grep -v -e ' registered ' -e 'could not be put in force' $f | tail -20; }; done >&2");
        return 1;
    }
    return 0;
}
