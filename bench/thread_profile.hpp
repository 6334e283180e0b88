// SPDX-License-Identifier: BSD-2-Clause
// Where a benchmark thread's CPU time goes, from `perf record -t` around one
// measurement: the per-symbol shares a benchmark turns into nanoseconds per
// packet (xmip-bench-forward --profile). The generator sends with
// BPF_PROG_TEST_RUN live frames and the home agent's and the sink's XDP run
// in the softirqs of that same thread, so sampling the thread alone sees
// the whole path and none of the other jobs of a shared machine.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace xmip::bench {

// One symbol's share of a profile's samples (0..1), kernel and BPF
// programs included (bpf_prog_<tag>_<name>).
struct SymbolShare {
    std::string symbol;
    double share = 0;
};

// `perf record -g -t <tid> -o <path>` from start() until stop() or the
// destructor. perf missing or refused: start() returns false and why()
// says so; the benchmark goes on without a profile.
class ThreadProfile {
public:
    ThreadProfile() = default;
    ThreadProfile(const ThreadProfile&) = delete;
    ThreadProfile& operator=(const ThreadProfile&) = delete;
    ~ThreadProfile();

    bool start(const std::string& path, pid_t tid);
    void stop();
    const std::string& why() const { return why_; }

private:
    pid_t perf_ = -1;
    std::string why_;
};

// The symbols of a recorded profile by self time, at least min_share each,
// from `perf report --no-children --sort sym`. Empty (and why set) when perf
// cannot read it.
std::vector<SymbolShare> top_symbols(const std::string& path, double min_share, std::string* why);

}  // namespace xmip::bench
