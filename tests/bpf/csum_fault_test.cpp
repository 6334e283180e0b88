// SPDX-License-Identifier: BSD-2-Clause
// The datapath's checksum code fails closed (issue 12): with
// bpf_xdp_load_bytes failing on any one of its calls (probes/csum_fault.bpf.c),
// xdp_sum_bytes reports the failure instead of a partial sum, and no Packet
// Too Big leaves with a wrong checksum.
#include <gtest/gtest.h>
#include <netinet/in.h>

#include <cstring>
#include <memory>
#include <vector>

#include "core/checksum.hpp"
#include "core/in6.hpp"
#include "prog_run.hpp"
#include "xmip_csum_fault.skel.h"

namespace {

using xmip::test::run_xdp;

struct SkelDeleter {
    void operator()(xmip_csum_fault* s) const { xmip_csum_fault__destroy(s); }
};

class CsumFault : public ::testing::Test {
protected:
    void SetUp() override {
        skel.reset(xmip_csum_fault__open_and_load());
        ASSERT_TRUE(skel) << "loading csum_fault.bpf.o failed";
    }
    std::unique_ptr<xmip_csum_fault, SkelDeleter> skel;
};

std::vector<uint8_t> pattern(size_t n) {
    std::vector<uint8_t> v(n);
    for (size_t i = 0; i < n; i++) v[i] = static_cast<uint8_t>(i * 7 + 3);
    return v;
}

// RFC 1071 over native-order 16-bit words: what csum_fold() of the
// datapath's native-order 32-bit sums gives.
uint16_t reference_fold(const std::vector<uint8_t>& v, size_t len) {
    uint64_t sum = 0;
    for (size_t i = 0; i + 1 < len; i += 2) {
        uint16_t w;
        std::memcpy(&w, &v[i], 2);
        sum += w;
    }
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    return static_cast<uint16_t>(~sum);
}

uint16_t fold(uint64_t sum) {
    sum = (sum & 0xffffffff) + (sum >> 32);
    sum = (sum & 0xffffffff) + (sum >> 32);
    sum = (sum & 0xffff) + (sum >> 16);
    sum = (sum & 0xffff) + (sum >> 16);
    return static_cast<uint16_t>(~sum);
}

TEST_F(CsumFault, SumIsWholeWhenEveryLoadSucceeds) {
    auto frame = pattern(1100);
    skel->bss->sum_len = 1000;  // 15 chunks of 64 bytes, then 10 words of 4
    skel->bss->fail_at = 0;
    run_xdp(bpf_program__fd(skel->progs.sum_probe), frame, 0);
    EXPECT_EQ(skel->bss->sum_rc, 0);
    EXPECT_EQ(skel->bss->load_calls, 25u);
    EXPECT_EQ(fold(skel->bss->sum_value), reference_fold(frame, 1000));
}

TEST_F(CsumFault, EveryFailedLoadIsReported) {
    auto frame = pattern(1100);
    skel->bss->sum_len = 1000;
    for (uint32_t k = 1; k <= 25; k++) {
        skel->bss->fail_at = k;
        run_xdp(bpf_program__fd(skel->progs.sum_probe), frame, 0);
        EXPECT_EQ(skel->bss->sum_rc, -1) << "load " << k << " failed, yet a sum was returned";
        EXPECT_EQ(skel->bss->load_calls, k) << "summing went on after load " << k << " failed";
    }
}

TEST_F(CsumFault, LengthNotAMultipleOfFourIsRefused) {
    auto frame = pattern(1100);
    skel->bss->sum_len = 1002;
    skel->bss->fail_at = 0;
    run_xdp(bpf_program__fd(skel->progs.sum_probe), frame, 0);
    EXPECT_EQ(skel->bss->sum_rc, -1);
}

// Ethernet + IPv6 + 1400 bytes of UDP-ish payload: too big for the tunnel.
std::vector<uint8_t> big_packet(in6_addr& sender) {
    std::vector<uint8_t> f(14 + 40 + 1400);
    const uint8_t eth[14] = {2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 0x86, 0xdd};
    std::memcpy(f.data(), eth, 14);
    uint8_t* ip = f.data() + 14;
    ip[0] = 0x60;
    ip[4] = 1400 >> 8;
    ip[5] = 1400 & 0xff;
    ip[6] = IPPROTO_UDP;
    ip[7] = 64;
    sender = xmip::core::parse_addr("2001:db8:1::5").value();
    auto dst = xmip::core::parse_addr("2001:db8:2::7").value();
    std::memcpy(ip + 8, &sender, 16);
    std::memcpy(ip + 24, &dst, 16);
    auto payload = pattern(1400);
    std::memcpy(ip + 40, payload.data(), payload.size());
    return f;
}

TEST_F(CsumFault, PacketTooBigOnlyWithItsWholeChecksum) {
    in6_addr sender{};
    auto frame = big_packet(sender);
    const int prog = bpf_program__fd(skel->progs.ptb_probe);

    skel->bss->fail_at = 0;
    auto ok = run_xdp(prog, frame, 0);
    ASSERT_EQ(ok.retval, static_cast<uint32_t>(XDP_TX));
    const uint32_t calls = skel->bss->load_calls;
    ASSERT_GT(calls, 1u);
    ASSERT_GT(ok.output.size(), 14u + 40u + 8u);
    const uint8_t* ip = ok.output.data() + 14;
    EXPECT_EQ(ip[6], IPPROTO_ICMPV6);
    in6_addr src, dst;
    std::memcpy(&src, ip + 8, 16);
    std::memcpy(&dst, ip + 24, 16);
    EXPECT_TRUE(xmip::core::same_addr(dst, sender));
    std::span<const uint8_t> icmp(ok.output.data() + 14 + 40, ok.output.size() - 14 - 40);
    EXPECT_EQ(icmp[0], 2);  // Packet Too Big
    EXPECT_TRUE(xmip::core::pseudo_header_checksum_ok(src, dst, IPPROTO_ICMPV6, icmp));

    for (uint32_t k = 1; k <= calls; k++) {
        skel->bss->fail_at = k;
        auto r = run_xdp(prog, frame, 0);
        EXPECT_EQ(r.retval, static_cast<uint32_t>(XDP_DROP))
            << "load " << k << " of " << calls << " failed, yet the Packet Too Big was sent";
    }
}

}  // namespace
