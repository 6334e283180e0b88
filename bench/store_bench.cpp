// SPDX-License-Identifier: BSD-2-Clause
// xmip-bench-store: what the binding store costs (docs/restart.md,
// docs/performance.md "Binding store and restarts").
//
// 1. Commit: one group commit of --batch changed bindings among N, for
//    each N of --sizes: the embedded store (store::SqliteStore: one
//    transaction of the changes, WAL, synchronous=FULL) against what
//    xmipd did before it, in the same run on the same disk: the whole
//    cache encoded as JSON (state::encode) and written atomically
//    (state::write_atomically: temp file, fsync, rename, fsync of the
//    directory). Medians over --rounds; the ratio is JSON / store.
//    Also the read at start: open (with its integrity check) and load of
//    N bindings, against reading and decoding the JSON file.
// 2. Restart (--restart-sizes, root): a real xmipd home agent in a
//    network namespace, its store holding N live bindings; the time from
//    starting xmipd to its control socket answering `status` with N
//    bindings (the store read, the reconciliation with the pinned map, the
//    map writes included). Cold: the maps are new (every binding written to
//    the map, an unsolicited NA each; a kernel proxy entry each only with
//    home_agent.nd_proxy = "kernel", the datapath answers by default);
//    warm: after a kill -9 (maps pinned, bindings kept as they were).
//    N = 0 is the baseline of the same run.
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "control/client.hpp"
#include "core/in6.hpp"
#include "netns_testbed.hpp"
#include "state/codec.hpp"
#include "state/file.hpp"
#include "store/sqlite_store.hpp"

using namespace xmip;
using Clock = std::chrono::steady_clock;

namespace {

constexpr const char* kHa = "2001:db8:2700::2";

in6_addr numbered(const char* prefix, uint32_t i) {
    in6_addr a = *core::parse_addr(prefix);
    a.s6_addr[12] = static_cast<uint8_t>(i >> 24);
    a.s6_addr[13] = static_cast<uint8_t>(i >> 16);
    a.s6_addr[14] = static_cast<uint8_t>(i >> 8);
    a.s6_addr[15] = static_cast<uint8_t>(i);
    return a;
}

int64_t unix_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

state::HaBinding binding(uint32_t i, int64_t now_ms, uint32_t lifetime_s) {
    state::HaBinding b;
    b.hoa = numbered("2001:db8:2700::", i + 0x100);
    b.coa = numbered("2001:db8:c0a::", i + 0x100);
    b.ha_addr = *core::parse_addr(kHa);
    b.seq = 1;
    b.lifetime_s = lifetime_s;
    b.registered_ms = now_ms;
    b.expires_ms = now_ms + int64_t{lifetime_s} * 1000;
    return b;
}

double ms_since(Clock::time_point t0) { return std::chrono::duration<double, std::milli>(Clock::now() - t0).count(); }

double median(std::vector<double> v) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

void fail(const std::string& what) { throw std::runtime_error(what); }

// A store of n bindings at dir (created afresh), written in chunks.
void fill_store(const std::string& dir, uint32_t n, int64_t now_ms, uint32_t lifetime_s) {
    std::filesystem::remove_all(dir);
    store::SqliteStore s(dir, "ha");
    if (auto e = s.open()) fail(*e);
    for (uint32_t i = 0; i < n;) {
        state::Changes c;
        for (uint32_t k = 0; k < 50000 && i < n; k++, i++) c.put.push_back(binding(i, now_ms, lifetime_s));
        if (auto e = s.commit(c)) fail(*e);
    }
}

void commit_bench(const std::string& root, const std::vector<uint32_t>& sizes, uint32_t batch, int rounds) {
    std::printf("Commit of %u changed bindings among N (median of up to %d rounds; ms per group commit)\n\n", batch,
                rounds);
    std::printf("%9s %12s %12s %9s %14s %14s %9s %11s\n", "N", "json_ms", "store_ms", "ratio", "json_load_ms",
                "store_load_ms", "ratio", "store_MB");
    const int64_t now = unix_ms();
    for (uint32_t n : sizes) {
        const std::string dir = root + "/commit-" + std::to_string(n);
        fill_store(dir, n, now, 3600);
        state::HaState all;
        for (uint32_t i = 0; i < n; i++) all.bindings.push_back(binding(i, now, 3600));
        const std::string json = dir + "/cache.json";
        if (auto e = state::write_atomically(json, state::encode(all, now))) fail(*e);
        // Fewer rounds where one JSON rewrite takes long.
        const int r = n >= 100000 ? std::min(rounds, 5) : rounds;
        std::vector<double> json_ms, store_ms;
        store::SqliteStore s(dir, "ha");
        if (auto e = s.open()) fail(*e);
        for (int round = 0; round < r; round++) {
            state::Changes c;
            for (uint32_t k = 0; k < batch && k < n; k++) {
                uint32_t i = static_cast<uint32_t>((static_cast<uint64_t>(round) * batch + k) * 2654435761u % n);
                auto& b = all.bindings[i];
                b.seq++;
                b.expires_ms += 1000;
                c.put.push_back(b);
            }
            auto t0 = Clock::now();
            if (auto e = state::write_atomically(json, state::encode(all, now))) fail(*e);  // before: all of it
            json_ms.push_back(ms_since(t0));
            t0 = Clock::now();
            if (auto e = s.commit(c)) fail(*e);  // now: the change
            store_ms.push_back(ms_since(t0));
        }
        // The read at start.
        auto t0 = Clock::now();
        auto r_json = state::read_file(json);
        auto d = state::decode_ha(r_json.data);
        const double json_load = ms_since(t0);
        if (!d.value || d.value->bindings.size() != n) fail("the JSON file does not read back");
        t0 = Clock::now();
        store::SqliteStore again(dir, "ha");
        if (auto e = again.open()) fail(*e);
        auto snap = again.load();
        const double store_load = ms_since(t0);
        if (!snap || snap->bindings.size() != n) fail("the store does not read back");
        std::error_code ec;
        double mb = static_cast<double>(std::filesystem::file_size(dir + "/bindings.db", ec)) / 1e6;
        std::printf("%9u %12.2f %12.2f %9.1f %14.1f %14.1f %9.2f %11.1f\n", n, median(json_ms), median(store_ms),
                    median(json_ms) / median(store_ms), json_load, store_load, json_load / store_load, mb);
        std::fflush(stdout);
        std::filesystem::remove_all(dir);
    }
}

// ---- restart of a real xmipd ------------------------------------------------

std::string self_dir() {
    char buf[4096];
    ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
    if (n <= 0) return ".";
    std::string p(buf, static_cast<size_t>(n));
    return p.substr(0, p.rfind('/'));
}

void write_config(const std::string& path, uint32_t max_bindings) {
    std::ofstream f(path);
    f << "role = \"ha\"\nlog_level = \"warn\"\n"
      << "[paths]\ncontrol_socket = \"/tmp/ha.sock\"\npin_root = \"" << bench::bpffs_dir() << "\"\n"
      << "state_dir = \"/tmp/state-ha\"\n"
      << "[datapath]\ninterfaces = [\"ha0\"]\nmax_bindings = " << max_bindings << "\n"
      << "[metrics]\nlisten = \"\"\n"
      << "[home_agent]\naddress = \"" << kHa << "\"\nhome_link = \"ha0\"\nprefixes = [\"2001:db8:2700::/64\"]\n"
      << "max_bindings = " << max_bindings << "\n"
      << "[home_agent.router_advertisements]\nenabled = false\n"
      << "[home_agent.authentication]\noptional_prefixes = [\"2001:db8:2700::/64\"]\n";
}

// Starts xmipd and waits until `status` answers with n bindings; ms.
double start_until_serving(const std::string& xmipd, uint32_t n, pid_t* pid) {
    auto t0 = Clock::now();
    *pid = bench::spawn({"ip", "netns", "exec", "ha", xmipd, "-c", "/tmp/ha.toml"}, "/tmp/xmipd.log");
    const auto give_up = t0 + std::chrono::minutes(10);
    while (Clock::now() < give_up) {
        int status;
        if (waitpid(*pid, &status, WNOHANG) == *pid) {
            *pid = -1;
            fail("xmipd exited while starting (/tmp/xmipd.log below)");
        }
        try {
            auto s = control::call("/tmp/ha.sock", "status", nlohmann::json::object(), 1000);
            if (s.value("bindings", -1) == static_cast<int64_t>(n)) return ms_since(t0);
            if (s.contains("bindings"))
                fail("xmipd serves " + s["bindings"].dump() + " bindings, not " + std::to_string(n));
        } catch (const control::ClientError&) {}
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    fail("xmipd did not serve within 10 minutes");
    return 0;
}

// baseline: another xmipd (an earlier build) whose warm start is measured
// in the same run, on the same maps and proxy entries, before this one's.
void restart_bench(const std::string& xmipd, const std::vector<uint32_t>& sizes, const std::string& baseline) {
    const std::vector<std::string> topology = {
        "ip netns add ha",
        "ip netns add home",
        "for n in ha home; do ip -n $n link set lo up && ip netns exec $n sysctl -qw "
        "net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0; done",
        "ip -n ha link add ha0 type veth peer name hl netns home",
        "ip -n ha link set ha0 up && ip -n home link set hl up",
        std::string("ip -n ha -6 addr add ") + kHa + "/64 dev ha0 nodad",
        "ip netns exec ha sysctl -qw net.ipv6.conf.all.forwarding=1",
    };
    for (const auto& c : topology) bench::sh(c);
    std::printf("\nRestart of one xmipd home agent: start to serving (`status` answers with N bindings)\n\n");
    std::printf("%9s %12s %12s %14s %14s", "N", "cold_ms", "warm_ms", "cold/base", "warm/base");
    if (!baseline.empty()) std::printf(" %16s %16s", "warm_before_ms", "before/after");
    std::printf("\n");
    double base_cold = 0, base_warm = 0;
    for (uint32_t n : sizes) {
        const uint32_t cap = std::max<uint32_t>(1024, n + n / 4);
        write_config("/tmp/ha.toml", cap);
        fill_store("/tmp/state-ha", n, unix_ms(), 3600);
        bench::sh("rm -rf " + bench::bpffs_dir() + "/* 2>/dev/null || true");
        pid_t pid = -1;
        const double cold = start_until_serving(xmipd, n, &pid);
        // kill -9: the maps stay pinned, the programs attached; the store
        // says what was accepted.
        ::kill(pid, SIGKILL);
        waitpid(pid, nullptr, 0);
        double warm_before = 0;
        if (!baseline.empty()) {
            warm_before = start_until_serving(baseline, n, &pid);
            ::kill(pid, SIGKILL);
            waitpid(pid, nullptr, 0);
        }
        const double warm = start_until_serving(xmipd, n, &pid);
        bench::sh("ip netns exec ha true");
        ::kill(pid, SIGTERM);
        int status = 0;
        waitpid(pid, &status, 0);
        if (n == sizes.front()) {
            base_cold = cold;
            base_warm = warm;
        }
        std::printf("%9u %12.0f %12.0f %14.1f %14.1f", n, cold, warm, cold / base_cold, warm / base_warm);
        if (!baseline.empty()) std::printf(" %16.0f %16.2f", warm_before, warm_before / warm);
        std::printf("\n");
        std::fflush(stdout);
        // The next size starts clean: no pins, no proxy entries left.
        bench::sh("ip netns exec ha ip -6 neigh flush proxy dev ha0 2>/dev/null || true");
        bench::sh("rm -rf " + bench::bpffs_dir() + "/* 2>/dev/null || true");
    }
}

std::vector<uint32_t> parse_sizes(const std::string& s) {
    std::vector<uint32_t> out;
    size_t i = 0;
    while (i < s.size()) {
        size_t j = s.find(',', i);
        if (j == std::string::npos) j = s.size();
        out.push_back(static_cast<uint32_t>(std::stoul(s.substr(i, j - i))));
        i = j + 1;
    }
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"xmip-bench-store: the binding store's commit and load against the JSON rewrite; xmipd restart time"};
    std::string sizes = "100,1000,10000,100000", restart_sizes, xmipd, baseline, dir = "/var/tmp";
    uint32_t batch = 32;
    int rounds = 21;
    app.add_option("--sizes", sizes, "N for the commit comparison, comma-separated");
    app.add_option("--batch", batch, "bindings changed per group commit");
    app.add_option("--rounds", rounds, "commits per N (5 at most from 10^5: the JSON rewrite is slow)");
    app.add_option("--dir", dir, "where the commit comparison writes (a real disk: /tmp may be tmpfs)");
    app.add_option("--restart-sizes", restart_sizes,
                   "N for the xmipd restart (root), e.g. 0,100000,1000000; the first is the baseline");
    app.add_option("--xmipd", xmipd, "the xmipd to run (default: ../agent/xmipd/xmipd from this binary)");
    app.add_option("--baseline-xmipd", baseline,
                   "an earlier xmipd whose warm start is measured too, in the same run (before/after)");
    CLI11_PARSE(app, argc, argv);
    try {
        if (!sizes.empty()) {
            const std::string root = dir + "/xmip-bench-store." + std::to_string(getpid());
            std::filesystem::create_directories(root);
            std::printf("xmip binding store benchmark: %s (file system of %s)\n\n",
                        "SQLite WAL, synchronous=FULL vs JSON rewrite", dir.c_str());
            try {
                commit_bench(root, parse_sizes(sizes), batch, rounds);
            } catch (...) {
                std::filesystem::remove_all(root);
                throw;
            }
            std::filesystem::remove_all(root);
        }
        if (!restart_sizes.empty()) {
            if (xmipd.empty()) xmipd = self_dir() + "/../agent/xmipd/xmipd";
            const int fd = ::open(xmipd.c_str(), O_RDONLY);  // the testbed hides the real /tmp
            if (fd < 0) fail("no xmipd at " + xmipd + " (--xmipd)");
            const int base_fd = baseline.empty() ? -1 : ::open(baseline.c_str(), O_RDONLY);
            if (!baseline.empty() && base_fd < 0) fail("no xmipd at " + baseline + " (--baseline-xmipd)");
            std::string why;
            if (!bench::enter_private_testbed(&why)) {
                std::fprintf(stderr, "xmip-bench-store: %s\n", why.c_str());
                return bench::unavailable_status();
            }
            try {
                restart_bench("/proc/self/fd/" + std::to_string(fd), parse_sizes(restart_sizes),
                              base_fd < 0 ? "" : "/proc/self/fd/" + std::to_string(base_fd));
            } catch (...) {
                std::system("tail -20 /tmp/xmipd.log >&2");
                throw;
            }
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "xmip-bench-store: %s\n", e.what());
        return 1;
    }
    return 0;
}
