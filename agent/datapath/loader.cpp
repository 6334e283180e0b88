// SPDX-License-Identifier: BSD-2-Clause
#include "datapath/loader.hpp"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>

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
    return f;
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
    struct bpf_map* maps[] = {s->maps.xmip_bindings, s->maps.xmip_local_addrs,
                              s->maps.xmip_config_map, s->maps.xmip_counters,
                              s->maps.xmip_signal_ring};
    if (!o.pin_maps)
        for (auto* m : maps) bpf_map__set_pin_path(m, nullptr);
    int err = bpf_map__set_max_entries(s->maps.xmip_bindings, o.max_bindings);
    if (!err) err = bpf_map__set_max_entries(s->maps.xmip_local_addrs, o.max_local_addrs);
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
    : maps_(DatapathMaps::borrow(MapFds{})), pin_path_(pin_dir(opts)) {
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
    xmip_bpf__destroy(skel_);
}

int Datapath::xdp_prog_fd(Role role) const {
    return bpf_program__fd(role == Role::HomeAgent ? skel_->progs.xmip_ha_xdp
                                                   : skel_->progs.xmip_mn_xdp);
}

int Datapath::tc_egress_prog_fd() const { return bpf_program__fd(skel_->progs.xmip_mn_egress); }

XdpMode Datapath::attach_xdp(Role role, int ifindex, XdpMode mode) {
    const int fd = xdp_prog_fd(role);
    auto try_attach = [&](__u32 flags) { return bpf_xdp_attach(ifindex, fd, flags, nullptr); };
    XdpMode used = mode;
    int err;
    if (mode == XdpMode::Generic) {
        err = try_attach(XDP_FLAGS_SKB_MODE);
    } else {
        err = try_attach(XDP_FLAGS_DRV_MODE);
        used = XdpMode::Native;
        if (err && mode == XdpMode::Auto) {
            err = try_attach(XDP_FLAGS_SKB_MODE);
            used = XdpMode::Generic;
        }
    }
    if (err)
        throw DatapathError(std::string("cannot attach XDP (") + to_string(mode) + ") to " +
                                ifname(ifindex),
                            err);
    attached_.push_back({Attachment::Xdp, ifindex, false});
    add_tx_ports();
    return used;
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

void Datapath::attach_tc_egress(int ifindex) {
    LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex, .attach_point = BPF_TC_EGRESS);
    int err = bpf_tc_hook_create(&hook);
    bool created = err == 0;
    if (err && err != -EEXIST)
        throw DatapathError("cannot create clsact on " + ifname(ifindex), err);
    LIBBPF_OPTS(bpf_tc_opts, opts, .prog_fd = tc_egress_prog_fd(), .flags = BPF_TC_F_REPLACE,
                .handle = kTcHandle, .priority = kTcPriority);
    err = bpf_tc_attach(&hook, &opts);
    if (err) {
        if (created) {
            hook.attach_point = static_cast<bpf_tc_attach_point>(BPF_TC_INGRESS | BPF_TC_EGRESS);
            bpf_tc_hook_destroy(&hook);
        }
        throw DatapathError("cannot attach tc egress to " + ifname(ifindex), err);
    }
    attached_.push_back({Attachment::TcEgress, ifindex, created});
}

void detach_xdp_from(int ifindex) {
    // Both slots: a program attached in generic mode on a device with native
    // support is invisible to a mode-less detach.
    for (__u32 mode : {XDP_FLAGS_DRV_MODE, XDP_FLAGS_SKB_MODE}) {
        int err = bpf_xdp_detach(ifindex, mode, nullptr);
        // An interface that vanished took its programs with it: not a failure.
        if (err && err != -ENODEV && err != -ENOENT && err != -EINVAL)
            throw DatapathError("cannot detach XDP from " + ifname(ifindex), err);
    }
}

void detach_tc_egress_from(int ifindex, bool remove_clsact) {
    LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex, .attach_point = BPF_TC_EGRESS);
    LIBBPF_OPTS(bpf_tc_opts, opts, .handle = kTcHandle, .priority = kTcPriority);
    int err = bpf_tc_detach(&hook, &opts);
    if (remove_clsact) {
        hook.attach_point = static_cast<bpf_tc_attach_point>(BPF_TC_INGRESS | BPF_TC_EGRESS);
        bpf_tc_hook_destroy(&hook);
    }
    if (err && err != -ENODEV && err != -ENOENT && err != -EINVAL)
        throw DatapathError("cannot detach tc egress from " + ifname(ifindex), err);
}

void Datapath::detach_all() {
    std::string failures;
    for (auto it = attached_.rbegin(); it != attached_.rend(); ++it) {
        try {
            if (it->kind == Attachment::Xdp)
                detach_xdp_from(it->ifindex);
            else
                detach_tc_egress_from(it->ifindex, it->created_hook);
        } catch (const DatapathError& e) {
            failures += std::string(failures.empty() ? "" : "; ") + e.what();
        }
    }
    attached_.clear();
    if (!failures.empty()) throw DatapathError(failures);
}

void Datapath::unpin() {
    struct bpf_map* maps[] = {skel_->maps.xmip_bindings, skel_->maps.xmip_local_addrs,
                              skel_->maps.xmip_config_map, skel_->maps.xmip_counters,
                              skel_->maps.xmip_signal_ring};
    for (auto* m : maps)
        if (bpf_map__is_pinned(m)) bpf_map__unpin(m, nullptr);
    // Only if empty: other instances' files are not ours to remove.
    if (rmdir(pin_path_.c_str()) == 0)
        rmdir(std::filesystem::path(pin_path_).parent_path().c_str());
}

}  // namespace xmip::dp
