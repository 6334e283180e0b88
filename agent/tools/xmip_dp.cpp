// SPDX-License-Identifier: BSD-2-Clause
// xmip-dp: load, attach and drive the xmip datapath by hand, without the
// agent. For the demo, the end-to-end tests and operators debugging a box:
// every state it creates lives in the instance's pinned maps, so separate
// invocations (attach, binding add, stats, detach) work on the same datapath.
#include <net/if.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "core/host.hpp"
#include "telemetry/datapath_counters.hpp"
#include "datapath/error.hpp"
#include "datapath/in6.hpp"
#include "datapath/loader.hpp"
#include "datapath/maps.hpp"
#include "datapath/signal_reader.hpp"

using namespace xmip::dp;

namespace {

Role parse_role(const std::string& r) { return r == "ha" ? Role::HomeAgent : Role::MobileNode; }

XdpMode parse_mode(const std::string& m) {
    if (m == "native") return XdpMode::Native;
    if (m == "generic") return XdpMode::Generic;
    return XdpMode::Auto;
}

void print_stats(const DatapathMaps& maps) {
    auto snap = maps.counters();
    std::printf("%-10s %-24s %14s %16s\n", "verdict", "reason", "packets", "bytes");
    for (size_t i = 0; i < kCounters.size(); i++) {
        const auto& c = kCounters[i];
        std::printf("%-10.*s %-24.*s %14llu %16llu\n", (int)c.verdict.size(), c.verdict.data(),
                    (int)c.reason.size(), c.reason.data(), (unsigned long long)snap[i].packets,
                    (unsigned long long)snap[i].bytes);
    }
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"xmip-dp: drive the xmip BPF datapath by hand"};
    app.require_subcommand(1);
    Options opts;
    app.add_option("-i,--instance", opts.instance, "instance name (pin directory)")
        ->capture_default_str();
    app.add_option("--pin-root", opts.pin_root, "bpffs directory of all instances")
        ->capture_default_str();

    auto* attach = app.add_subcommand("attach", "load the programs, pin the maps, attach");
    std::string role = "ha", mode = "auto";
    std::vector<std::string> xdp_devs, tc_devs;
    unsigned hop_limit = XMIP_DEFAULT_TUNNEL_HOP_LIMIT;
    attach->add_option("--role", role, "ha or mn")->check(CLI::IsMember({"ha", "mn"}))
        ->capture_default_str();
    attach->add_option("--xdp", xdp_devs, "interfaces for the role's XDP program")->required();
    attach->add_option("--tc-egress", tc_devs, "interfaces for the MN egress program");
    attach->add_option("--mode", mode, "XDP mode")->check(CLI::IsMember({"auto", "native", "generic"}))
        ->capture_default_str();
    attach->add_option("--max-bindings", opts.max_bindings, "binding map size")
        ->check(CLI::Range(1u, 1u << 24))->capture_default_str();
    attach->add_option("--hop-limit", hop_limit, "outer hop limit")->check(CLI::Range(1u, 255u))
        ->capture_default_str();

    auto* detach = app.add_subcommand("detach", "detach from interfaces and unpin the maps");
    std::vector<std::string> detach_devs;
    detach->add_option("--xdp", detach_devs, "interfaces to remove XDP from");
    detach->add_option("--tc-egress", tc_devs, "interfaces to remove the egress program from");

    auto* binding = app.add_subcommand("binding", "home address -> tunnel");
    binding->require_subcommand(1);
    std::string hoa, local, remote;
    auto* badd = binding->add_subcommand("add", "install or replace a binding");
    badd->add_option("hoa", hoa, "home address")->required();
    badd->add_option("--local", local, "our tunnel end (HA address, or the MN's CoA)")->required();
    badd->add_option("--remote", remote, "their tunnel end (the MN's CoA, or the HA address)")
        ->required();
    auto* bdel = binding->add_subcommand("del", "remove a binding");
    bdel->add_option("hoa", hoa, "home address")->required();
    auto* blist = binding->add_subcommand("list", "list bindings");

    auto* localc = app.add_subcommand("local", "addresses where tunnels end / signalling arrives");
    localc->require_subcommand(1);
    std::string addr;
    auto* ladd = localc->add_subcommand("add", "add a local address");
    ladd->add_option("addr", addr)->required();
    auto* ldel = localc->add_subcommand("del", "remove a local address");
    ldel->add_option("addr", addr)->required();

    auto* ro = app.add_subcommand("ro", "list a route-optimisation map: home correspondent care-of used|-");
    std::string ro_map = "cn";
    ro->add_option("--map", ro_map, "cn: the correspondent's bindings, mn: the mobile node's peers")
        ->check(CLI::IsMember({"cn", "mn"}))
        ->capture_default_str();

    auto* stats = app.add_subcommand("stats", "datapath counters, summed over CPUs");
    auto* signals = app.add_subcommand("signals", "print Mobility Header packets queued for the agent");
    int sig_count = 1, sig_timeout_ms = 5000;
    signals->add_option("--count", sig_count, "stop after this many")->check(CLI::Range(1, 100000));
    signals->add_option("--timeout-ms", sig_timeout_ms, "give up after")->check(CLI::Range(1, 600000));

    CLI11_PARSE(app, argc, argv);

    try {
        if (attach->parsed()) {
            Datapath dp(opts);
            xmip_config cfg{};
            cfg.tunnel_hop_limit = static_cast<__u8>(hop_limit);
            cfg.min_ptb_mtu = XMIP_IPV6_MIN_MTU;
            dp.maps().set_config(cfg);
            for (const auto& d : xdp_devs) {
                auto used = dp.attach_xdp(parse_role(role), xmip::core::ifindex_of(d), parse_mode(mode));
                std::printf("%s: XDP %s (%s, %s)\n", d.c_str(), role.c_str(), to_string(used),
                            dp.attachments().back().taken_over ? "pinned link taken over" : "link pinned");
            }
            for (const auto& d : tc_devs) {
                dp.attach_tc_egress(xmip::core::ifindex_of(d));
                std::printf("%s: tc egress (%s)\n", d.c_str(), dp.attachments().back().mode.c_str());
            }
            dp.keep_attached();
            std::printf("maps pinned in %s\n", dp.pin_path().c_str());
            return 0;
        }
        if (detach->parsed()) {
            Datapath dp(opts);  // reuses the pinned maps and links; only to detach and unpin
            // Only this instance's programs (its pinned links): a program
            // someone else attached is named and left alone (exit status 1).
            int rc = 0;
            auto each = [&](const std::vector<std::string>& devs, void (Datapath::*detach_one)(int)) {
                for (const auto& d : devs)
                    if (unsigned idx = if_nametoindex(d.c_str())) try {
                            (dp.*detach_one)(static_cast<int>(idx));
                        } catch (const DatapathError& e) {
                            std::fprintf(stderr, "xmip-dp: %s\n", e.what());
                            rc = 1;
                        }
            };
            each(detach_devs, &Datapath::detach_xdp);
            each(tc_devs, &Datapath::detach_tc_egress);
            dp.unpin();
            return rc;
        }
        auto maps = DatapathMaps::open_pinned(pin_dir(opts));
        if (badd->parsed()) {
            xmip_binding b{};
            b.local = require_in6(local);
            b.remote = require_in6(remote);
            maps.upsert_binding(require_in6(hoa), b);
        } else if (bdel->parsed()) {
            if (!maps.delete_binding(require_in6(hoa))) {
                std::fprintf(stderr, "xmip-dp: no binding for %s\n", hoa.c_str());
                return 1;
            }
        } else if (blist->parsed()) {
            std::printf("%-40s %-40s %s\n", "home address", "remote", "local");
            for (const auto& [k, b] : maps.bindings())
                std::printf("%-40s %-40s %s\n", format_in6(k).c_str(), format_in6(b.remote).c_str(),
                            format_in6(b.local).c_str());
        } else if (ladd->parsed()) {
            maps.add_local_addr(require_in6(addr), XMIP_LF_TUNNEL_END | XMIP_LF_SIGNALLING);
        } else if (ldel->parsed()) {
            if (!maps.delete_local_addr(require_in6(addr))) {
                std::fprintf(stderr, "xmip-dp: %s is not a local address\n", addr.c_str());
                return 1;
            }
        } else if (ro->parsed()) {
            for (const auto& [k, v] : ro_map == "cn" ? maps.cn_bindings() : maps.ro_peers())
                std::printf("%s %s %s %s\n", format_in6(k.home).c_str(), format_in6(k.correspondent).c_str(),
                            format_in6(v.care_of).c_str(), (v.flags & XMIP_RF_USED) ? "used" : "-");
        } else if (stats->parsed()) {
            print_stats(maps);
        } else if (signals->parsed()) {
            int seen = 0;
            SignalReader reader(maps.fds().signal_ring, [&](const SignalPacket& p) {
                std::printf("ifindex %u len %u:", p.ifindex, p.orig_len);
                for (auto b : p.packet) std::printf(" %02x", b);
                std::printf("\n");
                seen++;
            });
            for (int waited = 0; seen < sig_count && waited < sig_timeout_ms; waited += 100)
                reader.poll(100);
            std::fflush(stdout);
            return seen >= sig_count ? 0 : 1;
        }
    } catch (const std::exception& e) {  // DatapathError, a missing interface
        std::fprintf(stderr, "xmip-dp: %s\n", e.what());
        return 1;
    }
    return 0;
}
