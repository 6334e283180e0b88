// SPDX-License-Identifier: BSD-2-Clause
// Loads the xmip BPF object (through its generated skeleton), pins its maps
// under a per-instance directory and attaches its programs to interfaces.
//
// Ownership: Datapath owns the loaded object and every attachment it made.
// Destroying it detaches them unless keep_attached() was called, which is
// how an agent hands forwarding over to its successor: the programs stay on
// the interfaces, the maps stay pinned, the next instance reuses both.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/xdp_mode.hpp"
#include "datapath/maps.hpp"

struct xmip_bpf;  // the generated skeleton (build/bpf/xmip_bpf.skel.h)

namespace xmip::dp {

enum class Role { HomeAgent, MobileNode };
using core::XdpMode;

struct Options {
    std::string instance = "default";
    std::string pin_root = "/sys/fs/bpf/xmip";  // maps go to pin_root/instance
    bool pin_maps = true;  // false: private maps (tests, benchmarks)
    uint32_t max_bindings = XMIP_DEFAULT_MAX_BINDINGS;
    uint32_t max_local_addrs = XMIP_DEFAULT_MAX_LOCAL_ADDRS;
};

std::string pin_dir(const Options& o);

class Datapath {
public:
    explicit Datapath(const Options& opts);  // opens and loads; throws DatapathError
    ~Datapath();
    Datapath(const Datapath&) = delete;
    Datapath& operator=(const Datapath&) = delete;

    // Attaches the role's XDP program to ifindex; returns the mode used.
    // Auto tries native (driver) XDP and falls back to generic (skb).
    XdpMode attach_xdp(Role role, int ifindex, XdpMode mode = XdpMode::Auto);
    // The links XDP_REDIRECT sends to through a devmap (bpf/maps.bpf.h
    // xmip_tx_ports): attach_xdp adds every link of the calling thread's
    // network namespace; a link made later is still reached, by
    // bpf_redirect. Returns how many links the map holds after the call.
    // clear_tx_ports empties it (the benchmark's A/B of the two sends).
    int add_tx_ports();
    void clear_tx_ports();
    // The ifindexes the map holds, sorted (for tests and tools).
    std::vector<int> tx_ports() const;
    // Attaches the mobile node's egress program on a clsact hook.
    void attach_tc_egress(int ifindex);
    void detach_all();
    // Leave programs attached and maps pinned when this object goes away.
    void keep_attached() { keep_ = true; }
    // Remove the pinned maps (after detach_all: a clean stop).
    void unpin();

    DatapathMaps& maps() { return maps_; }
    int xdp_prog_fd(Role role) const;
    int tc_egress_prog_fd() const;
    const std::string& pin_path() const { return pin_path_; }

private:
    struct Attachment {
        enum Kind { Xdp, TcEgress } kind;
        int ifindex;
        bool created_hook;  // we made the clsact qdisc, so we remove it
    };
    ::xmip_bpf* skel_ = nullptr;
    DatapathMaps maps_;
    std::vector<Attachment> attached_;
    std::string pin_path_;
    bool keep_ = false;
};

// Remove xmip's programs from an interface whoever attached them (a tool, a
// crashed agent). Missing interfaces and programs are not errors; anything
// else throws DatapathError.
void detach_xdp_from(int ifindex);
void detach_tc_egress_from(int ifindex, bool remove_clsact);

}  // namespace xmip::dp
