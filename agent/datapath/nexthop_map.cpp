// SPDX-License-Identifier: BSD-2-Clause
#include "datapath/nexthop_map.hpp"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <cerrno>

#include "datapath/error.hpp"

namespace xmip::dp {

bool NexthopMap::put(const xmip_in6& dst, const xmip_nexthop& nh) {
    return bpf_map_update_elem(fds_.entries, &dst, &nh, BPF_ANY) == 0;
}

bool NexthopMap::erase(const xmip_in6& dst) { return bpf_map_delete_elem(fds_.entries, &dst) == 0; }

std::optional<xmip_nexthop> NexthopMap::get(const xmip_in6& dst) const {
    xmip_nexthop nh{};
    if (bpf_map_lookup_elem(fds_.entries, &dst, &nh)) return std::nullopt;
    return nh;
}

std::vector<std::pair<xmip_in6, xmip_nexthop>> NexthopMap::entries() const {
    std::vector<std::pair<xmip_in6, xmip_nexthop>> out;
    xmip_in6 key{}, next{};
    const void* prev = nullptr;
    while (bpf_map_get_next_key(fds_.entries, prev, &next) == 0) {
        xmip_nexthop nh{};
        if (bpf_map_lookup_elem(fds_.entries, &next, &nh) == 0) out.emplace_back(next, nh);
        key = next;
        prev = &key;
    }
    return out;
}

bool NexthopMap::put_route(const xmip_route_key& k, const xmip_nexthop& nh) {
    return bpf_map_update_elem(fds_.routes, &k, &nh, BPF_ANY) == 0;
}

std::optional<xmip_nexthop> NexthopMap::route(const xmip_route_key& k) const {
    xmip_nexthop nh{};
    if (bpf_map_lookup_elem(fds_.routes, &k, &nh)) return std::nullopt;
    return nh;
}

void NexthopMap::clear_routes() {
    xmip_route_key k{};
    while (bpf_map_get_next_key(fds_.routes, nullptr, &k) == 0)
        if (bpf_map_delete_elem(fds_.routes, &k)) throw DatapathError("clear the route memo", errno);
}

xmip_nh_state NexthopMap::state() const {
    __u32 k = 0;
    xmip_nh_state s{};
    if (bpf_map_lookup_elem(fds_.state, &k, &s)) throw DatapathError("read the next-hop state", errno);
    return s;
}

void NexthopMap::set_state(const xmip_nh_state& s) {
    __u32 k = 0;
    if (bpf_map_update_elem(fds_.state, &k, &s, BPF_ANY)) throw DatapathError("write the next-hop state", errno);
}

std::array<uint64_t, XMIP_NH_STAT_MAX> NexthopMap::stats() const {
    std::array<uint64_t, XMIP_NH_STAT_MAX> out{};
    const int cpus = libbpf_num_possible_cpus();
    if (cpus <= 0) return out;
    std::vector<uint64_t> per(static_cast<size_t>(cpus));
    for (__u32 i = 0; i < XMIP_NH_STAT_MAX; i++) {
        if (bpf_map_lookup_elem(fds_.stats, &i, per.data())) continue;
        for (uint64_t v : per) out[i] += v;
    }
    return out;
}

void NexthopMap::reset_stats() {
    const int cpus = libbpf_num_possible_cpus();
    if (cpus <= 0) return;
    std::vector<uint64_t> zero(static_cast<size_t>(cpus));
    for (__u32 i = 0; i < XMIP_NH_STAT_MAX; i++) bpf_map_update_elem(fds_.stats, &i, zero.data(), BPF_ANY);
}

}  // namespace xmip::dp
