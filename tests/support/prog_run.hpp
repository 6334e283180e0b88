// SPDX-License-Identifier: BSD-2-Clause
// BPF_PROG_TEST_RUN for the datapath's programs: one frame in, verdict and
// frame out. Used by the fixture tests and the micro-benchmarks.
#pragma once

#include <cstdint>
#include <vector>

namespace xmip::test {

struct RunResult {
    uint32_t retval;              // the program's verdict
    std::vector<uint8_t> output;  // the frame as the program left it
    uint32_t duration_ns;         // kernel-measured mean time per run
};

// XDP program, frame arriving on ingress_ifindex (0: loopback).
RunResult run_xdp(int prog_fd, const std::vector<uint8_t>& frame, int ingress_ifindex,
                  uint32_t repeat = 1);
// tc (sched_cls) program, skb on ifindex.
RunResult run_tc(int prog_fd, const std::vector<uint8_t>& frame, int ifindex, uint32_t repeat = 1);

}  // namespace xmip::test
