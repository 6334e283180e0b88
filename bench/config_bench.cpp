// SPDX-License-Identifier: BSD-2-Clause
// xmip-bench-config: what reading a home agent's configuration costs per
// security association, at several counts in one run (docs/performance.md,
// "Configuration with many security associations").
//
// A home agent serving 10^5 mobile nodes has 10^5
// [[home_agent.security_associations]] tables. xmipd once took minutes to
// start with them: each new association was compared with every one before
// it (a duplicate check, O(n^2)). This measures the three stages xmipd runs
// before it starts (the TOML parse, the validation into a Config, the key
// files' read) in this thread's CPU time, per association, at each size,
// and prints the ratio of the largest size's cost per association to the
// smallest's: about 1 when the stages are linear, about the size ratio when
// one is quadratic. --max-ratio makes a ratio above it an error (exit 1):
// the smoke test's check that no stage grows faster than n log n, which
// a timed threshold could not say on a shared machine.
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "config/config.hpp"

using namespace xmip;

namespace {

double thread_cpu_s() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// A home agent's configuration with n associations, home addresses
// 2001:db8:2700::1:0 + i, all naming key_file (a benchmark, not a
// deployment: one key for all).
std::string home_agent_toml(uint32_t n, const std::string& key_file) {
    std::string t =
        "role = \"ha\"\n[datapath]\ninterfaces = [\"ha0\"]\n[home_agent]\naddress = \"2001:db8:2700::2\"\n"
        "home_link = \"ha0\"\nprefixes = [\"2001:db8:2700::/64\"]\n";
    t.reserve(t.size() + size_t(n) * 140);
    char buf[256];
    for (uint32_t i = 0; i < n; i++) {
        std::snprintf(buf, sizeof buf,
                      "[[home_agent.security_associations]]\nhome_address = \"2001:db8:2700::%x:%x\"\n"
                      "spi = %u\nalgorithm = \"hmac-sha1-96\"\nkey_file = \"%s\"\n",
                      1 + (i >> 16), i & 0xffff, 0x1000 + i, key_file.c_str());
        t += buf;
    }
    return t;
}

struct Row {
    uint32_t n = 0;
    double parse_s = 0, validate_s = 0, keys_s = 0;
    double per(double s) const { return s * 1e6 / n; }  // us per association
    double total() const { return parse_s + validate_s + keys_s; }
};

Row measure(uint32_t n, const std::string& key_file) {
    const std::string text = home_agent_toml(n, key_file);
    Row r;
    r.n = n;
    double t0 = thread_cpu_s();
    auto settings = config::Settings::parse(text, "bench.toml", config::Format::Toml);
    double t1 = thread_cpu_s();
    auto loaded = settings.validate();
    double t2 = thread_cpu_s();
    if (!loaded.ok()) {
        for (const auto& e : loaded.error_strings()) std::fprintf(stderr, "%s\n", e.c_str());
        throw std::runtime_error("the generated configuration does not validate");
    }
    if (loaded.config->home_agent->security_associations.size() != n)
        throw std::runtime_error("the configuration holds " +
                                 std::to_string(loaded.config->home_agent->security_associations.size()) +
                                 " associations, not " + std::to_string(n));
    auto errors = config::read_keys(*loaded.config);
    double t3 = thread_cpu_s();
    if (!errors.empty()) throw std::runtime_error("cannot read the key: " + errors.front().message);
    r.parse_s = t1 - t0;
    r.validate_s = t2 - t1;
    r.keys_s = t3 - t2;
    return r;
}

}  // namespace

static int run(int argc, char** argv) {
    std::vector<uint32_t> sizes;
    bool quick = false;
    double max_ratio = 0;
    unsigned rounds = 3;
    CLI::App app{"xmip-bench-config: a home agent's configuration load, CPU per security association by count"};
    app.add_flag("--quick", quick, "smoke run: sizes 4000,40000, one round");
    app.add_option("--sizes", sizes, "association counts, ascending (default 1000,10000,100000)")
        ->delimiter(',')
        ->check(CLI::Range(1u, 2000000u));
    app.add_option("--rounds", rounds, "rounds per size, the fastest kept (default 3)")->check(CLI::Range(1u, 100u));
    app.add_option("--max-ratio", max_ratio,
                   "fail (exit 1) when a stage's cost per association at the largest size exceeds this many "
                   "times its cost at the smallest (0: report only)");
    CLI11_PARSE(app, argc, argv);
    if (sizes.empty()) sizes = quick ? std::vector<uint32_t>{4000, 40000} : std::vector<uint32_t>{1000, 10000, 100000};
    if (quick) rounds = 1;
    if (!std::is_sorted(sizes.begin(), sizes.end()) || sizes.size() < 2) {
        std::fprintf(stderr, "xmip-bench-config: --sizes takes two or more counts, ascending\n");
        return 2;
    }

    char dir[] = "/tmp/xmip-bench-config.XXXXXX";
    if (!mkdtemp(dir)) {
        std::perror("xmip-bench-config: mkdtemp");
        return 1;
    }
    const std::string key_file = std::string(dir) + "/mn.key";
    {
        std::ofstream k(key_file);
        k << "00112233445566778899aabbccddeeff0011223344556677\n";
    }
    chmod(key_file.c_str(), 0600);

    std::vector<Row> rows;
    int rc = 0;
    try {
        for (uint32_t n : sizes) {
            Row best;
            for (unsigned k = 0; k < rounds; k++) {
                Row r = measure(n, key_file);
                if (k == 0 || r.total() < best.total()) best = r;
            }
            rows.push_back(best);
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "xmip-bench-config: %s\n", e.what());
        rc = 1;
    }
    std::filesystem::remove_all(dir);
    if (rc) return rc;

    std::printf(
        "xmip configuration benchmark: [[home_agent.security_associations]] tables, this thread's CPU time, "
        "fastest of %u rounds\n\n",
        rounds);
    std::printf("%10s %12s %12s %12s %12s %10s\n", "SAs", "parse us/SA", "valid. us/SA", "keys us/SA", "total us/SA",
                "total s");
    for (const auto& r : rows)
        std::printf("%10u %12.2f %12.2f %12.2f %12.2f %10.3f\n", r.n, r.per(r.parse_s), r.per(r.validate_s),
                    r.per(r.keys_s), r.per(r.total()), r.total());
    const Row &a = rows.front(), &b = rows.back();
    auto ratio = [](double small, double large) { return small > 0 ? large / small : 0.0; };
    // A stage under a microsecond per association at both sizes (the key
    // files, read once each) is not judged: its ratio is the allocator's noise.
    struct Stage {
        const char* name;
        double r;
        bool judged;
    } stages[] = {
        {"parse", ratio(a.per(a.parse_s), b.per(b.parse_s)), std::max(a.per(a.parse_s), b.per(b.parse_s)) >= 1},
        {"validation", ratio(a.per(a.validate_s), b.per(b.validate_s)),
         std::max(a.per(a.validate_s), b.per(b.validate_s)) >= 1},
        {"keys", ratio(a.per(a.keys_s), b.per(b.keys_s)), std::max(a.per(a.keys_s), b.per(b.keys_s)) >= 1},
        {"total", ratio(a.per(a.total()), b.per(b.total())), true}};
    std::printf("\ncost per SA at %u / at %u (%ux the associations; linear: about 1):", b.n, a.n, b.n / a.n);
    for (const auto& s : stages) std::printf(" %s %.2fx", s.name, s.r);
    std::printf("\n");
    if (max_ratio > 0)
        for (const auto& s : stages)
            if (s.judged && s.r > max_ratio) {
                std::fprintf(stderr,
                             "xmip-bench-config: the %s's cost per association grows %.2fx from %u to %u "
                             "associations (at most %.2fx allowed): something in it is superlinear\n",
                             s.name, s.r, a.n, b.n, max_ratio);
                rc = 1;
            }
    return rc;
}

int main(int argc, char** argv) {
    try {
        return run(argc, argv);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "xmip-bench-config: %s\n", e.what());
    } catch (...) {
        std::fprintf(stderr, "xmip-bench-config: unknown exception\n");
    }
    return 1;
}
