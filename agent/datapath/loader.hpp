// SPDX-License-Identifier: BSD-2-Clause
// Loads the xmip BPF object (through its generated skeleton), pins its maps
// under a per-instance directory and attaches its programs to interfaces.
//
// Ownership: Datapath owns the loaded object and every attachment it made.
// Programs are attached through bpf_links (XDP links; tcx links for tc where
// the kernel has tcx, 6.6+, else a clsact filter with xmip's handle), pinned
// next to the maps as link_xdp_<ifname> / link_tcx_egress_<ifname>: a link
// is this instance's and nobody else's, so a detach removes only xmip's own
// programs and an interface with someone else's XDP program is refused.
// Destroying a Datapath detaches its links unless keep_attached() was
// called, which is how an agent hands forwarding over to its successor: the
// links stay pinned (they survive kill -9 too), the maps stay pinned, and
// the next instance takes both over, replacing the program behind each
// pinned link atomically (bpf_link_update: no packet sees no program).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/role.hpp"
#include "core/xdp_mode.hpp"
#include "datapath/maps.hpp"
#include "datapath/nexthop_map.hpp"

struct xmip_bpf;  // the generated skeleton (build/bpf/xmip_bpf.skel.h)

namespace xmip::dp {

using Role = core::Role;
using core::XdpMode;

struct Options {
    std::string instance = "default";
    std::string pin_root = "/sys/fs/bpf/xmip";  // maps go to pin_root/instance
    bool pin_maps = true;  // false: private maps (tests, benchmarks)
    uint32_t max_bindings = XMIP_DEFAULT_MAX_BINDINGS;
    uint32_t max_local_addrs = XMIP_DEFAULT_MAX_LOCAL_ADDRS;
    uint32_t max_ro_peers = XMIP_DEFAULT_MAX_RO_PEERS;        // mobile node: route-optimised peers
    uint32_t max_cn_bindings = XMIP_DEFAULT_MAX_CN_BINDINGS;  // correspondent: binding cache
};

std::string pin_dir(const Options& o);

class Datapath {
public:
    explicit Datapath(const Options& opts);  // opens and loads; throws DatapathError
    ~Datapath();
    Datapath(const Datapath&) = delete;
    Datapath& operator=(const Datapath&) = delete;

    // Attaches the role's XDP program to ifindex; returns the mode used.
    // Auto tries native (driver) XDP and falls back to generic (skb). A link
    // this instance pinned for ifindex is taken over (its mode kept); an XDP
    // program anyone else attached is refused with a DatapathError naming it.
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
    // Attaches the role's egress program (the mobile node's, the home
    // agent's own traffic on its home link, or the correspondent's route
    // optimisation): a tcx link, or a clsact filter
    // where the kernel lacks tcx (said in the log).
    void attach_tc_egress(int ifindex, Role role = Role::MobileNode);
    void detach_all();
    // Detach this instance's program from one interface, attached by this
    // object or pinned by an earlier one (xmip-dp detach). Nothing of ours
    // there is not an error; a program someone else attached stays, and
    // detach_xdp says so with a DatapathError.
    void detach_xdp(int ifindex);
    void detach_tc_egress(int ifindex);

    // What is attached, for logs and the control socket's status.
    struct AttachInfo {
        std::string interface;
        std::string hook;  // "xdp", "tc-egress"
        std::string mode;  // "native", "generic"; "tcx", "clsact"
        bool link = false;         // through a bpf_link (pinned unless pin_maps is false)
        bool taken_over = false;   // a pinned link of a previous run, program replaced
    };
    std::vector<AttachInfo> attachments() const;
    // Leave programs attached and maps pinned when this object goes away.
    void keep_attached() { keep_ = true; }
    // Remove the pinned maps (after detach_all: a clean stop).
    void unpin();

    DatapathMaps& maps() { return maps_; }
    // The next-hop cache (bpf/nexthop.bpf.h): private to this instance,
    // sized to max_bindings, empty at load (every packet falls back to
    // bpf_fib_lookup until the agent fills it).
    NexthopMap nexthops() const;
    // Entries the binding map holds at most (fixed when it was created).
    uint32_t binding_capacity() const;
    int xdp_prog_fd(Role role) const;
    int tc_egress_prog_fd() const;        // the mobile node's
    int egress_prog_fd(Role role) const;  // the role's tc egress program
    // The home agent's, on the home link only: its own traffic to a bound
    // home address into the tunnel (bpf/ha_local.bpf.h).
    int ha_egress_prog_fd() const;
    // The correspondent's programs (route optimisation, issue 13): XDP
    // ingress and tc egress (xdp_prog_fd / egress_prog_fd of its role).
    int cn_xdp_prog_fd() const;
    int cn_egress_prog_fd() const;
    const std::string& pin_path() const { return pin_path_; }

private:
    struct Attachment {
        enum Kind { Xdp, TcxEgress, TcLegacyEgress } kind;
        int ifindex;
        std::string ifname;
        int link_fd = -1;          // Xdp, TcxEgress
        std::string link_pin;      // empty when not pinned
        bool created_hook = false; // TcLegacyEgress: we made the clsact qdisc, so we remove it
        XdpMode mode = XdpMode::Auto;
        bool taken_over = false;
    };
    std::string link_pin(const char* hook, const std::string& ifname) const;
    int take_over_link(const std::string& pin, uint32_t link_type, int ifindex, int prog_fd);
    void detach(Attachment& a);
    ::xmip_bpf* skel_ = nullptr;
    DatapathMaps maps_;
    std::vector<Attachment> attached_;
    std::string pin_path_;
    bool pin_links_ = true;
    bool keep_ = false;
};


}  // namespace xmip::dp
