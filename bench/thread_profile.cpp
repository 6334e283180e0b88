// SPDX-License-Identifier: BSD-2-Clause
#include "thread_profile.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <thread>

extern char** environ;

namespace xmip::bench {

ThreadProfile::~ThreadProfile() { stop(); }

bool ThreadProfile::start(const std::string& path, pid_t tid) {
    stop();
    const std::string t = std::to_string(tid);
    const char* argv[] = {"perf", "record", "-q", "-g", "-t", t.c_str(), "-o", path.c_str(), nullptr};
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    // perf's own chatter would interleave with the benchmark's report.
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    const int err = posix_spawnp(&perf_, "perf", &fa, nullptr, const_cast<char* const*>(argv), environ);
    posix_spawn_file_actions_destroy(&fa);
    if (err) {
        perf_ = -1;
        why_ = "cannot run perf (package linux-perf): " + std::string(strerror(err));
        return false;
    }
    // perf needs a moment to open its events before the measurement starts;
    // samples from before the send are few and belong to the same thread.
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    int status = 0;
    if (waitpid(perf_, &status, WNOHANG) == perf_) {
        perf_ = -1;
        why_ = "perf record exited at once (status " + std::to_string(status) +
               "): perf_event_paranoid or a locked-down kernel may refuse it";
        return false;
    }
    return true;
}

void ThreadProfile::stop() {
    if (perf_ < 0) return;
    kill(perf_, SIGINT);
    int status = 0;
    waitpid(perf_, &status, 0);
    perf_ = -1;
}

std::vector<SymbolShare> top_symbols(const std::string& path, double min_share, std::string* why) {
    std::vector<SymbolShare> out;
    const std::string cmd = "perf report -q --stdio --no-children --sort sym -g none --percent-limit " +
                            std::to_string(min_share * 100) + " -i '" + path + "' 2>/dev/null";
    std::unique_ptr<FILE, int (*)(FILE*)> p(popen(cmd.c_str(), "r"), pclose);
    if (!p) {
        if (why) *why = "cannot run perf report";
        return out;
    }
    // Lines look like "    12.34%  [k] htab_map_hash" (or "[.]" for user
    // space); anything else (call-graph remnants, blank lines) is skipped.
    char line[1024];
    while (std::fgets(line, sizeof line, p.get())) {
        double pct = 0;
        char kind[8] = {0};
        int used = 0;
        if (std::sscanf(line, " %lf%% [%7[^]]] %n", &pct, kind, &used) != 2 || used <= 0) continue;
        std::string sym(line + used);
        while (!sym.empty() && (sym.back() == '\n' || sym.back() == ' ')) sym.pop_back();
        if (!sym.empty()) out.push_back({sym, pct / 100});
    }
    if (out.empty() && why) *why = "perf report found no samples in " + path;
    return out;
}

}  // namespace xmip::bench
