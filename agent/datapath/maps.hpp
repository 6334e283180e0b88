// SPDX-License-Identifier: BSD-2-Clause
// Typed access to the datapath's maps, either through a loaded skeleton or
// through the maps pinned by a running instance (for tools and restarts).
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "telemetry/datapath_counters.hpp"
#include "xmip_shared.h"

namespace xmip::dp {

struct MapFds {
    int bindings = -1;
    int local_addrs = -1;
    int config = -1;
    int counters = -1;
    int signal_ring = -1;
    int ro_peers = -1;
    int cn_bindings = -1;
    // Not pinned (bpf/ro_hint.bpf.h): the loaded program's only, -1 when
    // opened from the pins.
    int ro_hints = -1;
};

// The pinned map file names, one directory per instance.
inline constexpr const char* kMapBindings = "xmip_bindings";
inline constexpr const char* kMapLocalAddrs = "xmip_local_addrs";
inline constexpr const char* kMapConfig = "xmip_config_map";
inline constexpr const char* kMapCounters = "xmip_counters";
inline constexpr const char* kMapSignalRing = "xmip_signal_ring";
inline constexpr const char* kMapRoPeers = "xmip_ro_peers";
inline constexpr const char* kMapCnBindings = "xmip_cn_bindings";

// How a map is listed. Auto: BPF_MAP_LOOKUP_BATCH in chunks of
// kDumpBatchEntries, or, where the kernel refuses batches (before 5.6), one
// get_next_key + lookup per entry (said once in the log). The other two
// force one way (tests).
enum class DumpMethod { Auto, Batch, PerEntry };
inline constexpr size_t kDumpBatchEntries = 4096;

class DatapathMaps {
public:
    // A view of descriptors someone else owns (a loaded skeleton).
    static DatapathMaps borrow(const MapFds& fds);
    // Open the maps pinned in dir; throws DatapathError if one is missing.
    static DatapathMaps open_pinned(const std::string& dir);

    DatapathMaps(DatapathMaps&& o) noexcept;
    DatapathMaps& operator=(DatapathMaps&& o) noexcept;
    DatapathMaps(const DatapathMaps&) = delete;
    DatapathMaps& operator=(const DatapathMaps&) = delete;
    ~DatapathMaps();

    void upsert_binding(const xmip_in6& hoa, const xmip_binding& b);
    // Writes many bindings with BPF_MAP_UPDATE_BATCH (one syscall per chunk).
    void upsert_bindings(const std::vector<std::pair<xmip_in6, xmip_binding>>& batch);
    bool delete_binding(const xmip_in6& hoa);  // false if there was none
    std::optional<xmip_binding> lookup_binding(const xmip_in6& hoa) const;
    std::vector<std::pair<xmip_in6, xmip_binding>> bindings(DumpMethod method = DumpMethod::Auto) const;

    void add_local_addr(const xmip_in6& addr, uint32_t flags);
    bool delete_local_addr(const xmip_in6& addr);
    std::vector<std::pair<xmip_in6, xmip_local_addr>> local_addrs(DumpMethod method = DumpMethod::Auto) const;

    // Route optimisation (docs/route-optimisation.md, "Datapath"). Mobile
    // node: the peers that accepted a binding for (home, correspondent).
    void upsert_ro_peer(const xmip_ro_key& key, const xmip_ro_binding& b);
    bool delete_ro_peer(const xmip_ro_key& key);  // false if there was none
    std::optional<xmip_ro_binding> lookup_ro_peer(const xmip_ro_key& key) const;
    std::vector<std::pair<xmip_ro_key, xmip_ro_binding>> ro_peers(DumpMethod method = DumpMethod::Auto) const;
    // Correspondent: its binding cache, (home, own address) -> care-of.
    void upsert_cn_binding(const xmip_ro_key& key, const xmip_ro_binding& b);
    void upsert_cn_bindings(const std::vector<std::pair<xmip_ro_key, xmip_ro_binding>>& batch);
    bool delete_cn_binding(const xmip_ro_key& key);
    std::optional<xmip_ro_binding> lookup_cn_binding(const xmip_ro_key& key) const;
    std::vector<std::pair<xmip_ro_key, xmip_ro_binding>> cn_bindings(DumpMethod method = DumpMethod::Auto) const;

    void set_config(const xmip_config& cfg);
    xmip_config config() const;

    CounterSnapshot counters() const;  // summed over all CPUs
    void reset_counters();

    const MapFds& fds() const { return fds_; }

private:
    DatapathMaps(const MapFds& fds, bool owned) : fds_(fds), owned_(owned) {}
    void close_owned();
    MapFds fds_;
    bool owned_ = false;
};

}  // namespace xmip::dp
