// SPDX-License-Identifier: BSD-2-Clause
#include "prog_run.hpp"

#include <bpf/bpf.h>
#include <linux/bpf.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

namespace xmip::test {

namespace {

// Room for growth: encapsulation adds 40 bytes, nothing adds more than 64.
constexpr size_t kSlack = 256;

template <typename Ctx>
RunResult run(int prog_fd, const std::vector<uint8_t>& frame, Ctx* ctx, uint32_t repeat) {
    RunResult r{};
    r.output.resize(frame.size() + kSlack);
    LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame.data(),
                .data_out = r.output.data(), .data_size_in = static_cast<__u32>(frame.size()),
                .data_size_out = static_cast<__u32>(r.output.size()), .ctx_in = ctx,
                .ctx_size_in = ctx ? static_cast<__u32>(sizeof(*ctx)) : 0u, .repeat = static_cast<int>(repeat));
    if (bpf_prog_test_run_opts(prog_fd, &opts) != 0)
        throw std::runtime_error(std::string("BPF_PROG_TEST_RUN: ") + std::strerror(errno));
    r.retval = opts.retval;
    r.output.resize(opts.data_size_out);
    r.duration_ns = opts.duration;
    return r;
}

}  // namespace

RunResult run_xdp(int prog_fd, const std::vector<uint8_t>& frame, int ingress_ifindex,
                  uint32_t repeat) {
    xdp_md ctx{};
    ctx.data_end = static_cast<__u32>(frame.size());
    ctx.ingress_ifindex = static_cast<__u32>(ingress_ifindex);
    if (ingress_ifindex == 0) return run<xdp_md>(prog_fd, frame, nullptr, repeat);
    return run(prog_fd, frame, &ctx, repeat);
}

RunResult run_tc(int prog_fd, const std::vector<uint8_t>& frame, int ifindex, uint32_t repeat) {
    __sk_buff ctx{};
    ctx.ifindex = static_cast<__u32>(ifindex);
    return run(prog_fd, frame, &ctx, repeat);
}

}  // namespace xmip::test
