// SPDX-License-Identifier: BSD-2-Clause
// The forwarding benchmark's own BPF programs, on exact bytes: the traffic
// generator must put out flow after flow with the right port, home address
// and a valid checksum whatever the page held before (the receivers write
// into its pages); the sink must count as delivered only the frames a path
// must deliver. A benchmark built on either being wrong would measure
// nothing, so these are tested like the datapath.
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <gtest/gtest.h>

#include <cstring>

#include "datapath/in6.hpp"
#include "forward.h"
#include "frames.hpp"
#include "sandbox.hpp"
#include "trafficgen.hpp"
#include "xmip_bench_sink.skel.h"

using namespace xmip;
using namespace xmip::bench;

namespace {

constexpr uint8_t kPrefix[8] = {0x20, 0x01, 0x0d, 0xb8, 0x27, 0x00, 0x00, 0x00};
const char* kDstMac = "02:00:00:00:01:01";
const char* kSrcMac = "02:00:00:00:01:10";
constexpr uint32_t kXdpDrop = 1, kXdpTx = 3;

xmip_in6 in6(const char* t) { return dp::require_in6(t); }

// Home address k as the generator varies it: home_address(k) with bytes
// 8..11 of home address 0 (only the last 32 bits change between flows).
xmip_in6 flow_hoa(uint32_t k) {
    xmip_in6 a = home_address(kPrefix, k), first = home_address(kPrefix, 0);
    std::memcpy(a.u8 + 8, first.u8 + 8, 4);
    return a;
}

TEST(TrafficGen, DownlinkFlowsInTurnWithTheirPortHomeAddressAndChecksum) {
    XMIP_REQUIRE_SANDBOX();
    const size_t payload = 18;
    FrameTemplate t{ether(kDstMac, kSrcMac, udp6(in6("2001:db8:ce::10"), flow_hoa(0), payload)), 14,
                    FrameTemplate::HomeAddress::Destination};
    FlowSpec fs;
    fs.flows = 3;
    fs.home_addresses = 2;
    std::memcpy(fs.home_prefix, kPrefix, 8);
    TrafficGen gen(t, fs);
    const Bytes garbage(t.frame.size(), 0xaa);  // what a receiver left in the page
    for (uint32_t k = 0; k < 7; k++) {
        const uint32_t flow = k % 3;
        const Bytes want = ether(kDstMac, kSrcMac,
                                 udp6(in6("2001:db8:ce::10"), flow_hoa(flow % 2), payload, 40000 + flow, 5001));
        uint32_t verdict = 0;
        EXPECT_EQ(gen.run_once(garbage, &verdict), want) << "frame " << k;
        EXPECT_EQ(verdict, kXdpTx);
    }
}

TEST(TrafficGen, UplinkVariesTheInnerSourceInsideTheTunnel) {
    XMIP_REQUIRE_SANDBOX();
    const auto coa = in6("2001:db8:5::100"), ha = in6("2001:db8:2700::2"), cn = in6("2001:db8:ce::10");
    FrameTemplate t{ether(kDstMac, kSrcMac, tunnelled(coa, ha, udp6(flow_hoa(0), cn, 18))), 54,
                    FrameTemplate::HomeAddress::Source};
    FlowSpec fs;
    fs.flows = 2;
    fs.home_addresses = 2;
    std::memcpy(fs.home_prefix, kPrefix, 8);
    TrafficGen gen(t, fs);
    for (uint32_t k = 0; k < 4; k++) {
        const Bytes want = ether(kDstMac, kSrcMac, tunnelled(coa, ha, udp6(flow_hoa(k % 2), cn, 18, 40000 + k % 2)));
        uint32_t verdict = 0;
        EXPECT_EQ(gen.run_once(Bytes(t.frame.size(), 0), &verdict), want) << "frame " << k;
        EXPECT_EQ(verdict, kXdpTx);
    }
}

TEST(TrafficGen, RefusesWhatItCannotSend) {
    XMIP_REQUIRE_SANDBOX();
    FrameTemplate t{ether(kDstMac, kSrcMac, udp6(in6("2001:db8::1"), in6("2001:db8::2"), 0)), 14,
                    FrameTemplate::HomeAddress::Destination};
    FlowSpec fs;
    fs.flows = 0;
    EXPECT_THROW(TrafficGen(t, fs), std::invalid_argument);
    fs.flows = 2;
    fs.base_port = 65535;  // 65535 + 1 does not fit
    EXPECT_THROW(TrafficGen(t, fs), std::invalid_argument);
    FrameTemplate short_frame{Bytes(40, 0), 14, FrameTemplate::HomeAddress::Destination};
    EXPECT_THROW(TrafficGen(short_frame, FlowSpec{}), std::invalid_argument);
}

class Sink : public ::testing::Test {
protected:
    void SetUp() override {
        XMIP_REQUIRE_SANDBOX();
        skel_ = xmip_bench_sink__open_and_load();
        ASSERT_NE(skel_, nullptr);
    }
    void TearDown() override { xmip_bench_sink__destroy(skel_); }

    void rule(const xmip_sink_rule& r) {
        __u32 zero = 0;
        ASSERT_EQ(bpf_map_update_elem(bpf_map__fd(skel_->maps.xmip_sink_rule_map), &zero, &r, BPF_ANY), 0);
    }
    // The sink's verdict on f and which counter moved: 0 matched, 1 other.
    int count(const Bytes& f) {
        std::array<uint64_t, XMIP_SINK_MAX> before = counters();
        LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = f.data(), .data_size_in = static_cast<__u32>(f.size()),
                    .repeat = 1);
        EXPECT_EQ(bpf_prog_test_run_opts(bpf_program__fd(skel_->progs.xmip_sink), &o), 0);
        EXPECT_EQ(o.retval, kXdpDrop);
        auto after = counters();
        if (after[0] == before[0] + 1 && after[1] == before[1]) return 0;
        if (after[1] == before[1] + 1 && after[0] == before[0]) return 1;
        return -1;
    }
    std::array<uint64_t, XMIP_SINK_MAX> counters() {
        std::array<uint64_t, XMIP_SINK_MAX> out{};
        std::vector<uint64_t> v(libbpf_num_possible_cpus());
        for (__u32 k = 0; k < XMIP_SINK_MAX; k++) {
            EXPECT_EQ(bpf_map_lookup_elem(bpf_map__fd(skel_->maps.xmip_sink_counters), &k, v.data()), 0);
            for (auto x : v) out[k] += x;
        }
        return out;
    }
    xmip_bench_sink* skel_ = nullptr;
};

TEST_F(Sink, CountsOnlyTheTunnelItWasToldToExpect) {
    const auto ha = in6("2001:db8:2700::2"), coa = in6("2001:db8:5::100"), cn = in6("2001:db8:ce::10");
    const auto hoa = flow_hoa(0);
    xmip_sink_rule r{};
    r.nexthdr = 41;
    std::memcpy(r.src, ha.u8, 16);
    std::memcpy(r.dst, coa.u8, 16);
    std::memcpy(r.inner_dst, hoa.u8, 16);
    r.src_len = r.dst_len = 16;
    r.inner_dst_len = 12;  // flows vary the last 4 bytes
    rule(r);
    const Bytes inner = udp6(cn, hoa, 18);
    EXPECT_EQ(count(ether(kSrcMac, kDstMac, tunnelled(ha, coa, inner))), 0);
    EXPECT_EQ(count(ether(kSrcMac, kDstMac, tunnelled(ha, coa, udp6(cn, flow_hoa(5), 18)))), 0);
    EXPECT_EQ(count(ether(kSrcMac, kDstMac, inner)), 1);                                  // not tunnelled
    EXPECT_EQ(count(ether(kSrcMac, kDstMac, tunnelled(coa, ha, inner))), 1);              // backwards
    EXPECT_EQ(count(ether(kSrcMac, kDstMac, tunnelled(ha, in6("2001:db8:5::101"), inner))), 1);  // other CoA
    EXPECT_EQ(count(ether(kSrcMac, kDstMac, tunnelled(ha, coa, udp6(cn, cn, 18)))), 1);  // inner not to a HoA
    Bytes truncated = ether(kSrcMac, kDstMac, tunnelled(ha, coa, inner));
    truncated.resize(14 + 40 + 20);
    EXPECT_EQ(count(truncated), 1);
    EXPECT_EQ(count(Bytes(14, 0)), 1);
}

TEST_F(Sink, CountsThePlainPacketAfterDecapsulation) {
    const auto hoa = flow_hoa(0), cn = in6("2001:db8:ce::10");
    xmip_sink_rule r{};
    r.nexthdr = 17;
    std::memcpy(r.src, hoa.u8, 16);
    std::memcpy(r.dst, cn.u8, 16);
    r.src_len = 16;
    r.dst_len = 16;
    rule(r);
    EXPECT_EQ(count(ether(kSrcMac, kDstMac, udp6(hoa, cn, 18))), 0);
    EXPECT_EQ(count(ether(kSrcMac, kDstMac, tunnelled(in6("2001:db8:5::100"), in6("2001:db8:2700::2"),
                                                       udp6(hoa, cn, 18)))),
              1);  // still tunnelled
    EXPECT_EQ(count(ether(kSrcMac, kDstMac, udp6(flow_hoa(1), cn, 18))), 1);  // another source
}

TEST_F(Sink, CountsTheKernelsVxlanTunnelOnlyWhenToldTo) {
    const auto ha = in6("2001:db8:2700::2"), coa = in6("2001:db8:5::100"), cn = in6("2001:db8:ce::10");
    const auto hoa = flow_hoa(0);
    xmip_sink_rule r{};
    r.nexthdr = 17;
    r.vxlan = 1;
    std::memcpy(r.src, ha.u8, 16);
    std::memcpy(r.dst, coa.u8, 16);
    std::memcpy(r.inner_dst, hoa.u8, 16);
    r.src_len = r.dst_len = 16;
    r.inner_dst_len = 12;
    rule(r);
    const Bytes inner = ether(kSrcMac, kDstMac, udp6(cn, hoa, 18));
    const Bytes good = ether(kSrcMac, kDstMac, vxlan6(ha, coa, 42, inner));
    EXPECT_EQ(count(good), 0);
    EXPECT_EQ(count(ether(kSrcMac, kDstMac, vxlan6(ha, coa, 42, ether(kSrcMac, kDstMac, udp6(cn, cn, 18))))),
              1);  // inner not to a HoA
    EXPECT_EQ(count(ether(kSrcMac, kDstMac, tunnelled(ha, coa, udp6(cn, hoa, 18)))), 1);  // IPv6-in-IPv6
    Bytes other_port = good;
    put16(other_port, 14 + 40 + 2, 4790);
    EXPECT_EQ(count(other_port), 1);
    Bytes truncated = good;
    truncated.resize(14 + 40 + 16 + 14 + 20);
    EXPECT_EQ(count(truncated), 1);
    r.vxlan = 0;  // without the flag a UDP rule only looks at the outer header
    rule(r);
    EXPECT_EQ(count(ether(kSrcMac, kDstMac, udp6(ha, coa, 18))), 0);
}

}  // namespace
