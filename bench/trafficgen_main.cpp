// SPDX-License-Identifier: BSD-2-Clause
// xmip-trafficgen: sends IPv6/UDP frames out of an interface of the current
// network namespace with BPF_PROG_TEST_RUN live frames (bench/trafficgen.*),
// optionally inside an IPv6-in-IPv6 tunnel, bounded by a packet count and a
// time, and prints what it sent. Run it inside a namespace you made
// (`ip netns exec NS xmip-trafficgen ...`): the peer of the interface must
// have an XDP program (or GRO) or a veth drops the frames.
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstring>
#include <stdexcept>

#include "datapath/in6.hpp"
#include "frames.hpp"
#include "trafficgen.hpp"

using namespace xmip;
using namespace xmip::bench;

namespace {

std::string mac_of(const std::string& dev) {
    int fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) throw std::runtime_error("socket: " + std::string(std::strerror(errno)));
    ifreq ifr{};
    std::strncpy(ifr.ifr_name, dev.c_str(), IFNAMSIZ - 1);
    int rc = ioctl(fd, SIOCGIFHWADDR, &ifr);
    close(fd);
    if (rc) throw std::runtime_error("cannot read the MAC address of " + dev);
    char buf[18];
    const auto* m = reinterpret_cast<const unsigned char*>(ifr.ifr_hwaddr.sa_data);
    std::snprintf(buf, sizeof buf, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
    return buf;
}

}  // namespace

int main(int argc, char** argv) {
    std::string dev, dst_mac, src_mac, src, dst, tun_src, tun_dst;
    unsigned size = 80, flows = 1, home_addresses = 1, dport = 5001;
    uint64_t count = 1000000;
    double seconds = 10;
    CLI::App app{"xmip-trafficgen: IPv6/UDP frames out of an interface with BPF_PROG_TEST_RUN live frames"};
    app.add_option("--dev", dev, "interface to send out of (in this network namespace)")->required();
    app.add_option("--dst-mac", dst_mac, "destination MAC (the peer's)")->required();
    app.add_option("--src-mac", src_mac, "source MAC (default: the interface's)");
    app.add_option("--src", src, "IPv6 source of the UDP packet")->required();
    app.add_option("--dst", dst, "IPv6 destination of the UDP packet")->required();
    app.add_option("--tunnel-src", tun_src, "wrap in IPv6-in-IPv6 from this address (a care-of address)");
    app.add_option("--tunnel-dst", tun_dst, "... to this one (a home agent); flows then vary the inner source");
    app.add_option("--size", size, "bytes per frame without FCS (default 80; tunnelled: +40)")->check(CLI::Range(62, 1514));
    app.add_option("--flows", flows, "distinct UDP source ports, 40000 up (default 1)")->check(CLI::Range(1, 65536));
    app.add_option("--home-addresses", home_addresses,
                   "send to (tunnelled: from) this many home addresses in the /64 of --dst (tunnelled: --src) instead of "
                   "that address; flow k uses home address k mod this; they differ in their last 32 bits")
        ->check(CLI::Range(1, 65536));
    app.add_option("--dport", dport, "UDP destination port (default 5001)")->check(CLI::Range(1, 65535));
    app.add_option("--count", count, "stop after this many frames (default 1000000)");
    app.add_option("--seconds", seconds, "stop after this long (default 10)")->check(CLI::Range(0.001, 3600.0));
    CLI11_PARSE(app, argc, argv);
    if (tun_src.empty() != tun_dst.empty()) {
        std::fprintf(stderr, "xmip-trafficgen: --tunnel-src and --tunnel-dst go together\n");
        return 2;
    }
    try {
        const int ifindex = static_cast<int>(if_nametoindex(dev.c_str()));
        if (!ifindex) throw std::invalid_argument("no interface " + dev + " in this network namespace");
        if (src_mac.empty()) src_mac = mac_of(dev);
        const size_t payload = size - (14 + 40 + 8);
        const xmip_in6 s = dp::require_in6(src), d = dp::require_in6(dst);
        Bytes inner = udp6(s, d, payload, 40000, static_cast<uint16_t>(dport));
        FrameTemplate t;
        FlowSpec fs;
        fs.flows = flows;
        fs.home_addresses = home_addresses;
        if (tun_src.empty()) {
            t = {ether(dst_mac, src_mac, inner), 14, FrameTemplate::HomeAddress::Destination};
            std::memcpy(fs.home_prefix, d.u8, 8);
        } else {
            t = {ether(dst_mac, src_mac, tunnelled(dp::require_in6(tun_src), dp::require_in6(tun_dst), inner)), 54,
                 FrameTemplate::HomeAddress::Source};
            std::memcpy(fs.home_prefix, s.u8, 8);
        }
        TrafficGen gen(t, fs);
        SendResult r = gen.send(ifindex, count, seconds);
        std::printf("sent %lu frames of %zu bytes out of %s in %.3f s: %.3f Mpps, %.3f Gbit/s (frames, no FCS)\n",
                    static_cast<unsigned long>(r.packets), t.frame.size(), dev.c_str(), r.seconds, r.pps() / 1e6,
                    r.pps() * t.frame.size() * 8 / 1e9);
        std::printf("flows: %u (UDP source port %u..%u -> %u), home addresses: %u (%s .. %s)\n", flows, 40000u,
                    40000u + flows - 1, dport, home_addresses, dp::format_in6(gen.flow_home_address(0)).c_str(),
                    dp::format_in6(gen.flow_home_address(home_addresses - 1)).c_str());
        if (!tun_src.empty()) std::printf("tunnel: %s -> %s (outer next header 41)\n", tun_src.c_str(), tun_dst.c_str());
        std::printf("each flow: about %lu frames\n", static_cast<unsigned long>(r.packets / flows));
    } catch (const std::exception& e) {
        std::fprintf(stderr, "xmip-trafficgen: %s\n", e.what());
        return 1;
    }
    return 0;
}
