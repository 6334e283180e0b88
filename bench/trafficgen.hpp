// SPDX-License-Identifier: BSD-2-Clause
// The traffic generator: BPF_PROG_TEST_RUN with BPF_F_TEST_XDP_LIVE_FRAMES
// transmits a frame template out of an interface (XDP_TX from the test run's
// ingress interface), the kernel's own fast path for generating packets
// (what xdp-trafficgen does; it does not run on this kernel). The template's
// flows differ in their UDP source port and, optionally, in a home address:
// bench/trafficgen.bpf.c writes each frame's flow fields before it leaves.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "frames.hpp"

struct xmip_bench_trafficgen;

namespace xmip::bench {

// What to send: a whole Ethernet frame (flow 0) and where its IPv6/UDP
// packet starts (14, or 54 inside a tunnel).
struct FrameTemplate {
    Bytes frame;
    size_t udp_ip6_off = 14;
    // Which address of that IPv6/UDP packet carries the home address that
    // flows vary (the destination downlink, the source uplink).
    enum class HomeAddress { Destination, Source } home = HomeAddress::Destination;
};

struct FlowSpec {
    uint32_t flows = 1;       // distinct UDP source ports, from base_port up
    uint16_t base_port = 40000;
    uint32_t home_addresses = 1;  // flow k uses home address k % home_addresses
    uint8_t home_prefix[8] = {};  // home address i = home_address(home_prefix, i)
};

struct SendResult {
    uint64_t packets = 0;  // XDP_TX verdicts: frames handed to the interface
    double seconds = 0;
    double pps() const { return seconds > 0 ? packets / seconds : 0; }
};

class TrafficGen {
public:
    TrafficGen(const FrameTemplate& t, const FlowSpec& flows);  // loads the program; throws
    ~TrafficGen();
    TrafficGen(const TrafficGen&) = delete;
    TrafficGen& operator=(const TrafficGen&) = delete;

    // Sends out of ifindex (in the calling thread's network namespace) until
    // max_packets are sent or max_seconds have passed, whichever is first,
    // in calls of at most `chunk` frames (the time bound's granularity).
    SendResult send(int ifindex, uint64_t max_packets, double max_seconds, uint32_t chunk = 1u << 16);

    // Sends one frame out of ifindex with live frames: empty when the
    // kernel takes it, else why not (strerror). Live frames are an optional
    // kernel feature (5.18+, and a kernel or sandbox may refuse them, EPERM
    // seen): the benchmark asks first and says so instead of failing.
    std::string live_frames_refused(int ifindex);

    // Runs the program once on `in` (no transmission) and returns the frame
    // it leaves and its verdict: what the next frame sent would be. For tests.
    Bytes run_once(const Bytes& in, uint32_t* verdict);

    // The home address and source port of flow k (for reports and tests).
    xmip_in6 flow_home_address(uint32_t k) const;
    uint16_t flow_port(uint32_t k) const { return static_cast<uint16_t>(spec_.base_port + k); }

private:
    FrameTemplate tmpl_;
    FlowSpec spec_;
    ::xmip_bench_trafficgen* skel_ = nullptr;
};

}  // namespace xmip::bench
