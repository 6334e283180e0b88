// SPDX-License-Identifier: BSD-2-Clause
#include "trafficgen.hpp"

#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/if_link.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <stdexcept>

#include "forward.h"
#include "xmip_bench_trafficgen.skel.h"

namespace xmip::bench {

namespace {

size_t home_address_off(const FrameTemplate& t) {
    return t.udp_ip6_off + (t.home == FrameTemplate::HomeAddress::Destination ? 24 : 8);
}

}  // namespace

TrafficGen::TrafficGen(const FrameTemplate& t, const FlowSpec& flows) : tmpl_(t), spec_(flows) {
    if (spec_.flows == 0 || spec_.flows > XMIP_TGEN_MAX_FLOWS)
        throw std::invalid_argument("flows must be 1.." + std::to_string(XMIP_TGEN_MAX_FLOWS));
    if (spec_.home_addresses == 0) throw std::invalid_argument("home addresses must be at least 1");
    if (spec_.base_port + uint64_t{spec_.flows} - 1 > 0xffff)
        throw std::invalid_argument("base port + flows goes beyond port 65535");
    if (tmpl_.frame.size() > XMIP_TGEN_MAX_FRAME)
        throw std::invalid_argument("frame template longer than " + std::to_string(XMIP_TGEN_MAX_FRAME) + " bytes");
    if (tmpl_.frame.size() < tmpl_.udp_ip6_off + 48)
        throw std::invalid_argument("frame template too short for its IPv6/UDP packet");

    skel_ = xmip_bench_trafficgen__open();
    if (!skel_) throw std::runtime_error("cannot open the traffic generator's BPF object");
    auto& l = skel_->rodata->layout;
    l.port_off = static_cast<uint32_t>(tmpl_.udp_ip6_off + 40);
    l.csum_off = static_cast<uint32_t>(tmpl_.udp_ip6_off + 46);
    l.addr_off = spec_.home_addresses > 1 ? static_cast<uint32_t>(home_address_off(tmpl_) + 12) : 0;
    l.nflows = spec_.flows;
    if (int err = xmip_bench_trafficgen__load(skel_)) {
        xmip_bench_trafficgen__destroy(skel_);
        throw std::runtime_error(std::string("cannot load the traffic generator: ") + std::strerror(-err));
    }
    // Each flow's fields, from the whole frame as that flow sends it.
    const int map_fd = bpf_map__fd(skel_->maps.xmip_tgen_flows);
    Bytes f = tmpl_.frame;
    for (uint32_t k = 0; k < spec_.flows; k++) {
        put16(f, tmpl_.udp_ip6_off + 40, flow_port(k));
        xmip_in6 h = flow_home_address(k);
        if (spec_.home_addresses > 1) std::memcpy(&f[home_address_off(tmpl_)], h.u8, 16);
        xmip_tgen_flow v{};
        v.port = htons(flow_port(k));
        v.csum = htons(udp6_checksum(f, tmpl_.udp_ip6_off));
        std::memcpy(&v.addr_lo, &f[home_address_off(tmpl_) + 12], 4);
        if (bpf_map_update_elem(map_fd, &k, &v, BPF_ANY)) {
            int e = errno;
            xmip_bench_trafficgen__destroy(skel_);
            throw std::runtime_error(std::string("cannot write the flow table: ") + std::strerror(e));
        }
    }
    // The template as sent is flow 0's frame; the program writes it over
    // every frame before the flow's fields.
    put16(tmpl_.frame, tmpl_.udp_ip6_off + 40, flow_port(0));
    if (spec_.home_addresses > 1) {
        xmip_in6 h0 = flow_home_address(0);
        std::memcpy(&tmpl_.frame[home_address_off(tmpl_)], h0.u8, 16);
    }
    put16(tmpl_.frame, tmpl_.udp_ip6_off + 46, udp6_checksum(tmpl_.frame, tmpl_.udp_ip6_off));
    auto tp = std::make_unique<xmip_tgen_template>();
    tp->len = static_cast<uint32_t>(tmpl_.frame.size());
    std::memcpy(tp->bytes, tmpl_.frame.data(), tmpl_.frame.size());
    const __u32 zero = 0;
    if (bpf_map_update_elem(bpf_map__fd(skel_->maps.xmip_tgen_template_map), &zero, tp.get(), BPF_ANY)) {
        int e = errno;
        xmip_bench_trafficgen__destroy(skel_);
        throw std::runtime_error(std::string("cannot write the frame template: ") + std::strerror(e));
    }
}

TrafficGen::~TrafficGen() { xmip_bench_trafficgen__destroy(skel_); }

xmip_in6 TrafficGen::flow_home_address(uint32_t k) const {
    if (spec_.home_addresses <= 1) {
        xmip_in6 a{};
        std::memcpy(a.u8, &tmpl_.frame[home_address_off(tmpl_)], 16);
        return a;
    }
    // Varying only the last 32 bits keeps the fields the program writes
    // small; home_address() with a 64-bit mix changes all 8 bytes of the
    // interface identifier, so flows keep bytes 8..11 of address 0.
    xmip_in6 a = home_address(spec_.home_prefix, k % spec_.home_addresses);
    xmip_in6 first = home_address(spec_.home_prefix, 0);
    std::memcpy(a.u8 + 8, first.u8 + 8, 4);
    return a;
}

Bytes TrafficGen::run_once(const Bytes& in, uint32_t* verdict) {
    Bytes out(in.size() + 256);
    LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = in.data(), .data_out = out.data(),
                .data_size_in = static_cast<__u32>(in.size()), .data_size_out = static_cast<__u32>(out.size()),
                .repeat = 1);
    if (bpf_prog_test_run_opts(bpf_program__fd(skel_->progs.xmip_tgen), &opts))
        throw std::runtime_error(std::string("BPF_PROG_TEST_RUN failed: ") + std::strerror(errno));
    out.resize(opts.data_size_out);
    if (verdict) *verdict = opts.retval;
    return out;
}

std::string TrafficGen::live_frames_refused(int ifindex) {
    xdp_md ctx{};
    ctx.ingress_ifindex = static_cast<uint32_t>(ifindex);
    ctx.data_end = static_cast<uint32_t>(tmpl_.frame.size());
    LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = tmpl_.frame.data(),
                .data_size_in = static_cast<__u32>(tmpl_.frame.size()), .ctx_in = &ctx, .ctx_size_in = sizeof(ctx),
                .repeat = 1, .flags = BPF_F_TEST_XDP_LIVE_FRAMES, .batch_size = 1);
    if (bpf_prog_test_run_opts(bpf_program__fd(skel_->progs.xmip_tgen), &opts) == 0) return {};
    return std::strerror(errno);
}

SendResult TrafficGen::send(int ifindex, uint64_t max_packets, double max_seconds, uint32_t chunk) {
    const int prog_fd = bpf_program__fd(skel_->progs.xmip_tgen);
    xdp_md ctx{};
    ctx.ingress_ifindex = static_cast<uint32_t>(ifindex);
    ctx.data_end = static_cast<uint32_t>(tmpl_.frame.size());  // the kernel insists
    SendResult r;
    const auto start = std::chrono::steady_clock::now();
    auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); };
    while (r.packets < max_packets && elapsed() < max_seconds) {
        const uint64_t n = std::min<uint64_t>(chunk, max_packets - r.packets);
        LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = tmpl_.frame.data(),
                    .data_size_in = static_cast<__u32>(tmpl_.frame.size()), .ctx_in = &ctx,
                    .ctx_size_in = sizeof(ctx), .repeat = static_cast<int>(n),
                    .flags = BPF_F_TEST_XDP_LIVE_FRAMES, .batch_size = 64);
        if (bpf_prog_test_run_opts(prog_fd, &opts)) {
            if (errno == EINTR) break;  // a signal: what was sent before counts
            throw std::runtime_error(std::string("BPF_PROG_TEST_RUN (live frames) failed: ") +
                                     std::strerror(errno));
        }
        r.packets += n;
    }
    r.seconds = elapsed();
    return r;
}

}  // namespace xmip::bench
