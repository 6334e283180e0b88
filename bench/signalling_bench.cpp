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
#include "datapath/in6.hpp"
#include "frames.hpp"
#include "mh/messages.hpp"
#include "mh/packet.hpp"
#include "netns_testbed.hpp"

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
                if (ba->status < 128) registered_[ba->node] = true;
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

void write_config(const Config& cfg, const std::string& path) {
    std::ofstream f(path);
    f << "role = \"ha\"\n"
      << "log_level = \"" << cfg.log_level << "\"\n"
      << "[paths]\ncontrol_socket = \"/tmp/ha.sock\"\npin_root = \"" << bpffs_dir() << "\"\n"
      << "state_dir = \"/tmp/state-ha\"\n"
      << "[datapath]\ninterfaces = [\"ha0\", \"ha1\"]\nmax_bindings = " << std::max<uint32_t>(1024, cfg.nodes * 2) << "\n"
      << "[metrics]\nlisten = \"\"\n"
      << "[home_agent]\naddress = \"" << kHa << "\"\nhome_link = \"ha0\"\nprefixes = [\"2001:db8:2700::/64\"]\n"
      << "max_bindings = " << std::max<uint32_t>(1024, cfg.nodes * 2) << "\n"
      << "[home_agent.router_advertisements]\nenabled = false\n";
    // First registrations faster than the flood guard's default 500/s (to
    // fill 10^5 bindings in a bounded time): raise it above the send rate.
    if (cfg.first_rate > 450)
        f << "[home_agent.rate_limit]\nunregistered_total = " << static_cast<uint32_t>(cfg.first_rate * 2) << "\n";
    if (!cfg.auth) {
        f << "[home_agent.authentication]\noptional_prefixes = [\"2001:db8:2700::/64\"]\n";
        return;
    }
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

// `count` refreshes over nodes [0, size): spread over the whole range (a
// different node each, while there are enough), else round after round.
std::vector<uint32_t> refresh_order(uint32_t size, uint32_t count) {
    std::vector<uint32_t> order;
    for (uint32_t k = 0; k < count; k++)
        order.push_back(count <= size ? static_cast<uint32_t>(uint64_t(k) * size / count) : k % size);
    return order;
}

struct Step {
    uint32_t size = 0;
    PhaseResult first, refresh;
    double cpu_s = 0;  // xmipd's, during the refreshes
    double us_per_bu() const {
        const uint64_t answered = refresh.acked + refresh.refused;
        return answered ? cpu_s * 1e6 / static_cast<double>(answered) : 0;
    }
};

// The refresh cost at each size, and the ratio of the largest to the smallest.
void print_ladder(const Config& cfg, const std::vector<Step>& steps) {
    std::printf(
        "refreshes: %u per size (a node at most every %.2f s, %u outstanding); xmipd CPU from /proc/<pid>/stat "
        "(user + system) during the refreshes\n\n",
        cfg.refresh_count, cfg.min_interval, cfg.window);
    std::printf("%9s %10s %9s %8s %6s %8s %10s %10s %9s %10s %14s %12s\n", "bindings", "first reg", "first/s",
                "refresh", "lost", "seconds", "refresh/s", "median ms", "p99 ms", "CPU s", "CPU ms/1000 BU",
                "BU/CPU-s");
    for (const auto& st : steps) {
        const auto& r = st.refresh;
        std::printf("%9u %10lu %9.0f %8lu %6lu %8.2f %10.0f %10.2f %9.2f %10.2f %14.1f %12.0f\n", st.size,
                    static_cast<unsigned long>(st.first.acked),
                    st.first.seconds > 0 ? st.first.acked / st.first.seconds : 0, static_cast<unsigned long>(r.acked),
                    static_cast<unsigned long>(r.lost), r.seconds, r.seconds > 0 ? r.acked / r.seconds : 0,
                    percentile(r.latency_ms, 0.5), percentile(r.latency_ms, 0.99), st.cpu_s, st.us_per_bu(),
                    st.us_per_bu() > 0 ? 1e6 / st.us_per_bu() : 0);
    }
    if (steps.size() >= 2 && steps.front().us_per_bu() > 0)
        std::printf(
            "\nper-BU CPU cost at %u bindings / at %u: %.2fx (goal: at most 1.3x); goal: at least 20000 "
            "authenticated BUs per CPU-second (50 us each)\n",
            steps.back().size, steps.front().size, steps.back().us_per_bu() / steps.front().us_per_bu());
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
    CLI11_PARSE(app, argc, argv);
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
        write_config(cfg, "/tmp/ha.toml");
        ha = spawn({"ip", "netns", "exec", "ha", xmipd_path, "-c", "/tmp/ha.toml"}, "/tmp/xmipd.log");
        LoadGen gen(cfg, cfg.auth ? make_signer() : BuSigner{});
        // Node cfg.nodes is the probe: registered once the agent answers.
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
        std::fprintf(stderr, "xmipd answers after %.1f s\n",
                     std::chrono::duration<double>(Clock::now() - started).count());

        if (!cfg.sizes.empty()) {
            std::ifstream comm("/proc/" + std::to_string(ha) + "/comm");
            std::string name;
            std::getline(comm, name);
            if (name.rfind("xmipd", 0) != 0 && name.rfind("exe", 0) != 0 &&
                name.rfind(std::to_string(xmipd_fd), 0) != 0)
                throw std::runtime_error("process " + std::to_string(ha) + " is " + name + ", not xmipd");
            std::vector<Step> steps;
            uint32_t have = 0;
            for (uint32_t size : cfg.sizes) {
                Step st;
                st.size = size;
                std::fprintf(stderr, "first registrations %u..%u...\n", have, size);
                // At most --first-window outstanding: the generator sends no
                // faster than the agent answers (each answer takes DAD's
                // second), instead of queueing BUs the agent reaches only
                // after their timeout and resending them behind the queue.
                st.first = gen.run(have, size, 1, std::min(size - have, cfg.first_window), cfg.first_rate, 10.0);
                // Those the agent dropped (its flood guard, a full socket)
                // try again: every refresh below must be one.
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
                have = size;
                std::fprintf(stderr, "  %lu acknowledged, %lu lost in %.2f s; %u refreshes...\n",
                             static_cast<unsigned long>(st.first.acked), static_cast<unsigned long>(st.first.lost),
                             st.first.seconds, cfg.refresh_count);
                const double cpu0 = cpu_seconds(ha);
                st.refresh = gen.run(refresh_order(size, cfg.refresh_count), cfg.window, 0, 2.0, cfg.min_interval);
                st.cpu_s = cpu_seconds(ha) - cpu0;
                std::fprintf(stderr, "  %lu acknowledged, %lu lost in %.2f s, xmipd CPU %.2f s\n",
                             static_cast<unsigned long>(st.refresh.acked), static_cast<unsigned long>(st.refresh.lost),
                             st.refresh.seconds, st.cpu_s);
                steps.push_back(st);
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
        std::system("tail -30 /tmp/xmipd.log >&2");
        return 1;
    }
    return 0;
}
