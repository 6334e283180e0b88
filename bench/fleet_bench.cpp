// SPDX-License-Identifier: BSD-2-Clause
// xmip-bench-fleet: the binding store of a fleet of home agents (issue 15,
// docs/scale-out.md, docs/performance.md "A fleet on etcd").
//
// One run, on one machine: a three-member etcd cluster on loopback
// (tests/support/etcd_cluster: its own temporary directory, short raft
// timers) and --count bindings registered through one agent's store in
// group commits of --batch (what one drain of the signalling ring
// commits), then the same bindings through the embedded store (SQLite,
// WAL, synchronous=FULL) in a directory on the same disk: the
// registration rate of each and their ratio. Meanwhile two other agents'
// stores watch the prefix (etcd::Watcher, as EtcdSharedBindings does in
// xmipd): the watch lag of each binding is the reader's clock when the
// event was read minus the writer's clock at its commit (the value's
// written_unix_ms; one machine, one clock), p50/p99/max over both readers.
// What it leaves out: the Binding Update's parsing, authentication and BA
// (the same for both stores: docs/performance.md's signalling benchmark),
// and the reader's map write after the read (a microsecond per binding).
#include <poll.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "core/in6.hpp"
#include "etcd/watcher.hpp"
#include "etcd_cluster.hpp"
#include "store/etcd_store.hpp"
#include "store/sqlite_store.hpp"

using namespace xmip;
using Clock = std::chrono::steady_clock;

namespace {

int64_t unix_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

state::HaBinding binding(uint32_t i, int64_t now_ms) {
    state::HaBinding b;
    b.hoa = *core::parse_addr("2001:db8:2700::");
    b.coa = *core::parse_addr("2001:db8:c0a::");
    for (auto* a : {&b.hoa, &b.coa}) {
        a->s6_addr[13] = static_cast<uint8_t>((i + 0x100) >> 16);
        a->s6_addr[14] = static_cast<uint8_t>((i + 0x100) >> 8);
        a->s6_addr[15] = static_cast<uint8_t>(i + 0x100);
    }
    b.ha_addr = *core::parse_addr("2001:db8:2700::2");
    b.seq = 1;
    b.lifetime_s = 3600;
    b.registered_ms = now_ms;
    b.expires_ms = now_ms + int64_t{3600} * 1000;
    return b;
}

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

double percentile(std::vector<double> v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

[[noreturn]] void fail(const std::string& what) { throw std::runtime_error(what); }

// Registers count bindings in commits of batch; returns the seconds taken.
template <class Store>
double register_all(Store& s, uint32_t count, uint32_t batch) {
    const int64_t now = unix_ms();
    const auto t0 = Clock::now();
    for (uint32_t i = 0; i < count;) {
        state::Changes c;
        for (uint32_t k = 0; k < batch && i < count; k++, i++) c.put.push_back(binding(i, now));
        if (auto e = s.commit(c)) fail(*e);
    }
    return seconds_since(t0);
}

struct Reader {
    explicit Reader(const store::EtcdStoreOptions& o) : store(o) {}
    store::EtcdStore store;
    std::unique_ptr<etcd::Watcher> watcher;
    std::vector<double> lag_ms;
    size_t seen = 0;
};

}  // namespace

int run(int argc, char** argv) {
    CLI::App app{
        "xmip-bench-fleet: registrations through the etcd binding store against the embedded one, "
        "and the watch lag at the other members"};
    uint32_t count = 10000, batch = 64;
    std::string dir = "/var/tmp";
    app.add_option("--count", count, "bindings registered")->check(CLI::Range(1u, 1000000u));
    app.add_option("--batch", batch, "bindings per group commit (etcd takes 128 at most)")->check(CLI::Range(1u, 128u));
    app.add_option("--dir", dir, "where the embedded store writes (a real disk: /tmp may be tmpfs)");
    CLI11_PARSE(app, argc, argv);
    try {
        if (test::EtcdCluster::binary().empty()) {
            std::printf("skipped: no etcd binary on PATH (apt-get install etcd-server)\n");
            return 77;
        }
        test::EtcdCluster cluster(3);
        std::string why;
        if (!cluster.start(&why)) fail("etcd: " + why);
        store::EtcdStoreOptions o;
        o.transport.endpoints = cluster.endpoints();
        o.transport.dial_timeout = std::chrono::milliseconds(300);
        o.transport.request_timeout = std::chrono::milliseconds(5000);
        o.prefix = "/bench/";
        store::EtcdStore writer(o);
        if (auto e = writer.open()) fail(*e);
        if (auto s = writer.load(); !s) fail(s.error());
        std::vector<std::unique_ptr<Reader>> readers;
        for (int r = 0; r < 2; r++) {
            auto rd = std::make_unique<Reader>(o);
            if (auto e = rd->store.open()) fail(*e);
            if (auto s = rd->store.load(); !s) fail(s.error());
            const std::string p = rd->store.watch_prefix();
            rd->watcher = std::make_unique<etcd::Watcher>(
                o.transport, etcd::WatchCreateRequest{p, etcd::prefix_end(p), rd->store.revision() + 1, false, false});
            readers.push_back(std::move(rd));
        }
        const double etcd_s = register_all(writer, count, batch);
        // The readers' queues hold each event with the time its watcher
        // thread read it: drained after the writes, the lag is still the read's.
        const auto deadline = Clock::now() + std::chrono::seconds(30);
        for (auto& rd : readers) {
            while (rd->seen < count && Clock::now() < deadline) {
                pollfd p{rd->watcher->fd(), POLLIN, 0};
                ::poll(&p, 1, 100);
                for (const auto& r : rd->watcher->take().responses) {
                    auto c = rd->store.remote(r.response.events, r.at);
                    rd->seen += c.put.size();
                    rd->lag_ms.insert(rd->lag_ms.end(), c.lag_ms.begin(), c.lag_ms.end());
                }
            }
            if (rd->seen < count) fail("a reader saw " + std::to_string(rd->seen) + " of " + std::to_string(count));
        }
        std::vector<double> lag;
        for (auto& rd : readers) lag.insert(lag.end(), rd->lag_ms.begin(), rd->lag_ms.end());

        const std::string sdir = dir + "/xmip-bench-fleet-" + std::to_string(::getpid());
        std::filesystem::remove_all(sdir);
        double sqlite_s = 0;
        {
            store::SqliteStore s(sdir, "ha");
            if (auto e = s.open()) fail(*e);
            sqlite_s = register_all(s, count, batch);
        }
        std::filesystem::remove_all(sdir);

        std::printf("%u bindings in group commits of %u; etcd: 3 members on loopback (%s), embedded: %s\n\n", count,
                    batch, cluster.dir().c_str(), dir.c_str());
        std::printf("%-34s %12s %14s\n", "store", "seconds", "bindings/s");
        std::printf("%-34s %12.2f %14.0f\n", "embedded (SQLite, WAL, FULL)", sqlite_s, count / sqlite_s);
        std::printf("%-34s %12.2f %14.0f\n", "etcd (one txn per group commit)", etcd_s, count / etcd_s);
        std::printf("%-34s %12s %14.2f\n", "ratio embedded / etcd", "", (count / sqlite_s) / (count / etcd_s));
        std::printf("\nwatch lag at the other two members (%zu events): p50 %.0f ms, p99 %.0f ms, max %.0f ms\n",
                    lag.size(), percentile(lag, 0.5), percentile(lag, 0.99), percentile(lag, 1.0));
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "xmip-bench-fleet: %s\n", e.what());
        return 1;
    }
}

int main(int argc, char** argv) {
    try {
        return run(argc, argv);
    } catch (...) {  // CLI11's own setup: nothing of ours escapes main
        std::fprintf(stderr, "xmip-bench-fleet: unexpected error\n");
        return 1;
    }
}
