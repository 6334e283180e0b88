// SPDX-License-Identifier: BSD-2-Clause
#include "datapath/loader.hpp"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <filesystem>

#include "core/log.hpp"
#include "datapath/error.hpp"
#include "xmip_bpf.skel.h"

namespace xmip::dp {

namespace {

constexpr __u32 kTcHandle = 0x786d;  // "xm"
constexpr __u32 kTcPriority = 1;

std::string ifname(int ifindex) {
    char buf[IF_NAMESIZE] = {};
    return if_indextoname(ifindex, buf) ? std::string(buf) : "ifindex " + std::to_string(ifindex);
}

MapFds skeleton_fds(::xmip_bpf* s) {
    MapFds f;
    f.bindings = bpf_map__fd(s->maps.xmip_bindings);
    f.local_addrs = bpf_map__fd(s->maps.xmip_local_addrs);
    f.config = bpf_map__fd(s->maps.xmip_config_map);
    f.counters = bpf_map__fd(s->maps.xmip_counters);
    f.signal_ring = bpf_map__fd(s->maps.xmip_signal_ring);
    f.ro_peers = bpf_map__fd(s->maps.xmip_ro_peers);
    f.cn_bindings = bpf_map__fd(s->maps.xmip_cn_bindings);
    return f;
}

// Every map pinned by name (bpf/maps.bpf.h, bpf/ro_maps.bpf.h): one list for
// load and unpin, so a new map cannot be pinned and then left behind.
std::array<struct bpf_map*, 7> pinned_maps(::xmip_bpf* s) {
    return {s->maps.xmip_bindings,    s->maps.xmip_local_addrs, s->maps.xmip_config_map, s->maps.xmip_counters,
            s->maps.xmip_signal_ring, s->maps.xmip_ro_peers,    s->maps.xmip_cn_bindings};
}

::xmip_bpf* open_and_load(const Options& o, const std::string& pin_path) {
    LIBBPF_OPTS(bpf_object_open_opts, open_opts);
    if (o.pin_maps) {
        std::error_code ec;
        std::filesystem::create_directories(pin_path, ec);
        if (ec) throw DatapathError("cannot create pin directory " + pin_path, ec.value());
        open_opts.pin_root_path = pin_path.c_str();
    }
    ::xmip_bpf* s = xmip_bpf__open_opts(&open_opts);
    if (!s) throw DatapathError("cannot open the BPF object", errno);
    if (!o.pin_maps)
        for (auto* m : pinned_maps(s)) bpf_map__set_pin_path(m, nullptr);
    int err = bpf_map__set_max_entries(s->maps.xmip_bindings, o.max_bindings);
    if (!err) err = bpf_map__set_max_entries(s->maps.xmip_local_addrs, o.max_local_addrs);
    if (!err) err = bpf_map__set_max_entries(s->maps.xmip_nexthops, o.max_bindings);
    if (!err) err = bpf_map__set_max_entries(s->maps.xmip_ro_peers, o.max_ro_peers);
    if (!err) err = bpf_map__set_max_entries(s->maps.xmip_cn_bindings, o.max_cn_bindings);
    if (err) {
        xmip_bpf__destroy(s);
        throw DatapathError("cannot size the maps", err);
    }
    err = xmip_bpf__load(s);
    if (err) {
        xmip_bpf__destroy(s);
        // A pinned map from an instance configured differently cannot be
        // reused; libbpf refuses it, and the message says where to look.
        throw DatapathError("cannot load the BPF programs (pinned maps in " + pin_path +
                                " from an incompatible configuration?)",
                            err);
    }
    return s;
}

}  // namespace

std::string pin_dir(const Options& o) { return o.pin_root + "/" + o.instance; }

Datapath::Datapath(const Options& opts)
    : maps_(DatapathMaps::borrow(MapFds{})), pin_path_(pin_dir(opts)), pin_links_(opts.pin_maps) {
    if (opts.instance.empty() || opts.instance.find('/') != std::string::npos ||
        opts.instance == "." || opts.instance == "..")
        throw DatapathError("invalid instance name '" + opts.instance + "'");
    skel_ = open_and_load(opts, pin_path_);
    maps_ = DatapathMaps::borrow(skeleton_fds(skel_));
}

Datapath::~Datapath() {
    if (!keep_) {
        try {
            detach_all();
        } catch (...) {
            // Destructors must not throw; detach_all already tried every one.
        }
    }
    // Kept: the pins hold the links (and their programs) for the next start.
    for (auto& a : attached_)
        if (a.link_fd >= 0) close(a.link_fd);
    xmip_bpf__destroy(skel_);
}

int Datapath::xdp_prog_fd(Role role) const {
    switch (role) {
        case Role::MobileNode: return bpf_program__fd(skel_->progs.xmip_mn_xdp);
        case Role::Correspondent: return cn_xdp_prog_fd();
        default: return bpf_program__fd(skel_->progs.xmip_ha_xdp);
    }
}

int Datapath::egress_prog_fd(Role role) const {
    switch (role) {
        case Role::Correspondent: return cn_egress_prog_fd();
        case Role::HomeAgent: return ha_egress_prog_fd();
        default: return tc_egress_prog_fd();
    }
}

uint32_t Datapath::binding_capacity() const { return bpf_map__max_entries(skel_->maps.xmip_bindings); }

int Datapath::tc_egress_prog_fd() const { return bpf_program__fd(skel_->progs.xmip_mn_egress); }

int Datapath::ha_egress_prog_fd() const { return bpf_program__fd(skel_->progs.xmip_ha_egress); }

int Datapath::cn_xdp_prog_fd() const { return bpf_program__fd(skel_->progs.xmip_cn_xdp); }

int Datapath::cn_egress_prog_fd() const { return bpf_program__fd(skel_->progs.xmip_cn_egress); }

namespace {

// From linux/bpf.h of 6.6+ (the build's headers may be older; the values are
// kernel ABI and never change).
constexpr int kAttachTcxEgress = 47;       // BPF_TCX_EGRESS
constexpr uint32_t kLinkTypeTcx = 11;      // BPF_LINK_TYPE_TCX
constexpr uint32_t kLinkTypeXdp = 6;       // BPF_LINK_TYPE_XDP

std::string prog_name(uint32_t id) {
    int fd = bpf_prog_get_fd_by_id(id);
    if (fd < 0) return "?";
    bpf_prog_info info{};
    uint32_t len = sizeof(info);
    std::string name = bpf_obj_get_info_by_fd(fd, &info, &len) == 0 ? info.name : "?";
    close(fd);
    return name;
}

struct XdpOnDevice {
    uint32_t prog_id = 0;
    XdpMode mode = XdpMode::Auto;
};

XdpOnDevice xdp_on_device(int ifindex) {
    LIBBPF_OPTS(bpf_xdp_query_opts, q);
    XdpOnDevice d;
    if (bpf_xdp_query(ifindex, 0, &q) != 0) return d;
    if (q.drv_prog_id) return {q.drv_prog_id, XdpMode::Native};
    if (q.skb_prog_id) return {q.skb_prog_id, XdpMode::Generic};
    if (q.hw_prog_id) return {q.hw_prog_id, XdpMode::Native};
    return d;
}

bool link_info(int fd, bpf_link_info* info) {
    *info = {};
    uint32_t len = sizeof(*info);
    return bpf_obj_get_info_by_fd(fd, info, &len) == 0;
}

}  // namespace

std::string Datapath::link_pin(const char* hook, const std::string& name) const {
    return pin_links_ ? pin_path_ + "/link_" + hook + "_" + name : std::string();
}

// A link this instance pinned for ifindex: its program replaced by prog_fd,
// its fd returned. -1 when there is none to take over; a pin left by a link
// whose interface went away (or moved) is removed.
int Datapath::take_over_link(const std::string& pin, uint32_t link_type, int ifindex, int prog_fd) {
    if (pin.empty()) return -1;
    int fd = bpf_obj_get(pin.c_str());
    if (fd < 0) return -1;
    bpf_link_info info{};
    // The tcx link's info (ifindex first) sits where the XDP link's does.
    if (link_info(fd, &info) && info.type == link_type && static_cast<int>(info.xdp.ifindex) == ifindex) {
        int err = bpf_link_update(fd, prog_fd, nullptr);
        if (err) {
            close(fd);
            throw DatapathError("cannot replace the program behind the pinned link " + pin, err);
        }
        return fd;
    }
    bpf_link_detach(fd);
    close(fd);
    unlink(pin.c_str());
    return -1;
}

XdpMode Datapath::attach_xdp(Role role, int ifindex, XdpMode mode) {
    const int fd = xdp_prog_fd(role);
    const std::string name = ifname(ifindex);
    const std::string pin = link_pin("xdp", name);
    if (int link = take_over_link(pin, kLinkTypeXdp, ifindex, fd); link >= 0) {
        XdpMode used = xdp_on_device(ifindex).mode;
        attached_.push_back({Attachment::Xdp, ifindex, name, link, pin, false, used, true});
        add_tx_ports();
        return used;
    }
    if (auto there = xdp_on_device(ifindex); there.prog_id)
        throw DatapathError(name + " already has an XDP program (id " + std::to_string(there.prog_id) + ", '" +
                            prog_name(there.prog_id) + "', " + to_string(there.mode) + ") that instance " +
                            std::filesystem::path(pin_path_).filename().string() +
                            " did not attach: xmip leaves it alone; remove it first (ip link set " + name +
                            " xdp off) or use another interface");
    auto try_link = [&](__u32 flags) {
        LIBBPF_OPTS(bpf_link_create_opts, opts, .flags = flags);
        int l = bpf_link_create(fd, ifindex, BPF_XDP, &opts);
        return l >= 0 ? l : -errno;
    };
    XdpMode used = mode;
    int link;
    if (mode == XdpMode::Generic) {
        link = try_link(XDP_FLAGS_SKB_MODE);
    } else {
        link = try_link(XDP_FLAGS_DRV_MODE);
        used = XdpMode::Native;
        if (link < 0 && mode == XdpMode::Auto) {
            link = try_link(XDP_FLAGS_SKB_MODE);
            used = XdpMode::Generic;
        }
    }
    if (link < 0)
        throw DatapathError(std::string("cannot attach XDP (") + to_string(mode) + ") to " + name, link);
    if (!pin.empty() && bpf_obj_pin(link, pin.c_str()) != 0) {
        int err = errno;
        close(link);  // the only reference: the program goes with it
        throw DatapathError("cannot pin the XDP link of " + name + " at " + pin, err);
    }
    attached_.push_back({Attachment::Xdp, ifindex, name, link, pin, false, used, false});
    add_tx_ports();
    return used;
}

NexthopMap Datapath::nexthops() const {
    return NexthopMap({bpf_map__fd(skel_->maps.xmip_nexthops), bpf_map__fd(skel_->maps.xmip_nh_state_map),
                       bpf_map__fd(skel_->maps.xmip_nh_stats), bpf_map__fd(skel_->maps.xmip_routes)});
}

int Datapath::add_tx_ports() {
    const int fd = bpf_map__fd(skel_->maps.xmip_tx_ports);
    if (struct if_nameindex* links = if_nameindex()) {
        // A link that takes no redirected frames (lo) is still accepted by
        // the map; sending to it fails as it would with bpf_redirect.
        for (auto* l = links; l->if_index; l++) {
            __u32 k = l->if_index, v = l->if_index;
            bpf_map_update_elem(fd, &k, &v, BPF_ANY);
        }
        if_freenameindex(links);
    }
    return static_cast<int>(tx_ports().size());
}

void Datapath::clear_tx_ports() {
    const int fd = bpf_map__fd(skel_->maps.xmip_tx_ports);
    for (int i : tx_ports()) {
        __u32 k = static_cast<__u32>(i);
        bpf_map_delete_elem(fd, &k);
    }
}

std::vector<int> Datapath::tx_ports() const {
    const int fd = bpf_map__fd(skel_->maps.xmip_tx_ports);
    std::vector<int> out;
    __u32 k = 0, next;
    const void* prev = nullptr;
    while (bpf_map_get_next_key(fd, prev, &next) == 0) {
        out.push_back(static_cast<int>(next));
        k = next;
        prev = &k;
    }
    std::sort(out.begin(), out.end());
    return out;
}

void Datapath::attach_tc_egress(int ifindex, Role role) {
    const int fd = egress_prog_fd(role);
    const std::string name = ifname(ifindex);
    const std::string pin = link_pin("tcx_egress", name);
    if (int link = take_over_link(pin, kLinkTypeTcx, ifindex, fd); link >= 0) {
        attached_.push_back({Attachment::TcxEgress, ifindex, name, link, pin, false, XdpMode::Auto, true});
        return;
    }
    int link = bpf_link_create(fd, ifindex, static_cast<bpf_attach_type>(kAttachTcxEgress), nullptr);
    if (link >= 0) {
        if (!pin.empty() && bpf_obj_pin(link, pin.c_str()) != 0) {
            int err = errno;
            close(link);
            throw DatapathError("cannot pin the tcx link of " + name + " at " + pin, err);
        }
        attached_.push_back({Attachment::TcxEgress, ifindex, name, link, pin, false, XdpMode::Auto, false});
        return;
    }
    const int tcx_err = errno;
    if (tcx_err != EINVAL && tcx_err != EOPNOTSUPP)
        throw DatapathError("cannot attach tc egress (tcx) to " + name, tcx_err);
    // A kernel before 6.6 does not know tcx (EINVAL): a clsact filter with
    // xmip's handle and priority, replaced in place by the next start.
    static bool said = false;
    if (!said) {
        said = true;
        XLOG_INFO("datapath: this kernel has no tcx links (before 6.6): egress programs on a clsact qdisc");
    }
    LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex, .attach_point = BPF_TC_EGRESS);
    int err = bpf_tc_hook_create(&hook);
    bool created = err == 0;
    if (err && err != -EEXIST)
        throw DatapathError("cannot create clsact on " + name, err);
    LIBBPF_OPTS(bpf_tc_opts, opts, .prog_fd = fd, .flags = BPF_TC_F_REPLACE,
                .handle = kTcHandle, .priority = kTcPriority);
    err = bpf_tc_attach(&hook, &opts);
    if (err) {
        if (created) {
            hook.attach_point = static_cast<bpf_tc_attach_point>(BPF_TC_INGRESS | BPF_TC_EGRESS);
            bpf_tc_hook_destroy(&hook);
        }
        throw DatapathError("cannot attach tc egress to " + name, err);
    }
    attached_.push_back({Attachment::TcLegacyEgress, ifindex, name, -1, {}, created, XdpMode::Auto, false});
}

namespace {

void detach_legacy_tc(int ifindex, bool remove_clsact, const std::string& name) {
    LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex, .attach_point = BPF_TC_EGRESS);
    LIBBPF_OPTS(bpf_tc_opts, opts, .handle = kTcHandle, .priority = kTcPriority);
    int err = bpf_tc_detach(&hook, &opts);
    if (remove_clsact) {
        hook.attach_point = static_cast<bpf_tc_attach_point>(BPF_TC_INGRESS | BPF_TC_EGRESS);
        bpf_tc_hook_destroy(&hook);
    }
    if (err && err != -ENODEV && err != -ENOENT && err != -EINVAL)
        throw DatapathError("cannot detach tc egress from " + name, err);
}

}  // namespace

void Datapath::detach(Attachment& a) {
    if (a.kind == Attachment::TcLegacyEgress) {
        detach_legacy_tc(a.ifindex, a.created_hook, a.ifname);
        return;
    }
    // Detach first: a pinned link's program would otherwise stay attached
    // for as long as anyone holds the link.
    int err = bpf_link_detach(a.link_fd) ? errno : 0;
    close(a.link_fd);
    a.link_fd = -1;
    if (!a.link_pin.empty()) unlink(a.link_pin.c_str());
    // An interface that vanished took its programs with it: not a failure.
    if (err && err != ENODEV && err != ENOENT && err != ENOLINK && err != EINVAL)
        throw DatapathError("cannot detach from " + a.ifname, err);
}

void Datapath::detach_xdp(int ifindex) {
    for (auto it = attached_.begin(); it != attached_.end(); ++it)
        if (it->kind == Attachment::Xdp && it->ifindex == ifindex) {
            Attachment a = *it;
            attached_.erase(it);
            detach(a);
            return;
        }
    const std::string name = ifname(ifindex);
    const std::string pin = link_pin("xdp", name);
    if (int fd = pin.empty() ? -1 : bpf_obj_get(pin.c_str()); fd >= 0) {
        Attachment a{Attachment::Xdp, ifindex, name, fd, pin};
        detach(a);
        return;
    }
    if (auto there = xdp_on_device(ifindex); there.prog_id)
        throw DatapathError(name + " has an XDP program (id " + std::to_string(there.prog_id) + ", '" +
                            prog_name(there.prog_id) + "') that instance " +
                            std::filesystem::path(pin_path_).filename().string() + " did not attach: left alone");
}

void Datapath::detach_tc_egress(int ifindex) {
    for (auto it = attached_.begin(); it != attached_.end(); ++it)
        if (it->kind != Attachment::Xdp && it->ifindex == ifindex) {
            Attachment a = *it;
            attached_.erase(it);
            detach(a);
            return;
        }
    const std::string name = ifname(ifindex);
    const std::string pin = link_pin("tcx_egress", name);
    if (int fd = pin.empty() ? -1 : bpf_obj_get(pin.c_str()); fd >= 0) {
        Attachment a{Attachment::TcxEgress, ifindex, name, fd, pin};
        detach(a);
        return;
    }
    // A clsact filter of a kernel without tcx: xmip's handle and priority.
    detach_legacy_tc(ifindex, true, name);
}

void Datapath::detach_all() {
    std::string failures;
    for (auto it = attached_.rbegin(); it != attached_.rend(); ++it) {
        try {
            detach(*it);
        } catch (const DatapathError& e) {
            failures += std::string(failures.empty() ? "" : "; ") + e.what();
        }
    }
    attached_.clear();
    if (!failures.empty()) throw DatapathError(failures);
}

std::vector<Datapath::AttachInfo> Datapath::attachments() const {
    std::vector<AttachInfo> out;
    for (const auto& a : attached_) {
        AttachInfo i;
        i.interface = a.ifname;
        i.hook = a.kind == Attachment::Xdp ? "xdp" : "tc-egress";
        i.mode = a.kind == Attachment::Xdp ? to_string(a.mode) : a.kind == Attachment::TcxEgress ? "tcx" : "clsact";
        i.link = a.link_fd >= 0;
        i.taken_over = a.taken_over;
        out.push_back(i);
    }
    return out;
}

void Datapath::unpin() {
    for (auto* m : pinned_maps(skel_))
        if (bpf_map__is_pinned(m)) bpf_map__unpin(m, nullptr);
    // Only if empty: other instances' files are not ours to remove.
    if (rmdir(pin_path_.c_str()) == 0)
        rmdir(std::filesystem::path(pin_path_).parent_path().c_str());
}

}  // namespace xmip::dp
