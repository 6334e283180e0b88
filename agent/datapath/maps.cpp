// SPDX-License-Identifier: BSD-2-Clause
#include "datapath/maps.hpp"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/log.hpp"
#include "datapath/error.hpp"

namespace xmip::dp {

namespace {

// A map added after an instance was pinned (the route-optimisation maps,
// issue 13) is absent from its directory until it restarts: optional ones
// give -1 then, and using them says so.
int open_pin(const std::string& dir, const char* name, bool optional = false) {
    std::string path = dir + "/" + name;
    int fd = bpf_obj_get(path.c_str());
    if (fd < 0 && !(optional && errno == ENOENT)) throw DatapathError("cannot open pinned map " + path, errno);
    return fd;
}

// BPF_MAP_UPDATE_BATCH in chunks (one copy of keys and values per chunk).
template <typename K, typename V>
void update_batch(int fd, const std::vector<std::pair<K, V>>& batch, const char* what) {
    constexpr size_t kChunk = 8192;
    std::vector<K> keys;
    std::vector<V> values;
    for (size_t i = 0; i < batch.size(); i += kChunk) {
        size_t n = std::min(kChunk, batch.size() - i);
        keys.resize(n);
        values.resize(n);
        for (size_t j = 0; j < n; j++) {
            keys[j] = batch[i + j].first;
            values[j] = batch[i + j].second;
        }
        __u32 count = static_cast<__u32>(n);
        LIBBPF_OPTS(bpf_map_batch_opts, opts, .elem_flags = BPF_ANY);
        if (bpf_map_update_batch(fd, keys.data(), values.data(), &count, &opts))
            throw DatapathError(std::string("cannot write ") + what + " in batch", errno);
    }
}

int possible_cpus() {
    int n = libbpf_num_possible_cpus();
    if (n <= 0) throw DatapathError("cannot count possible CPUs", -n);
    return n;
}

}  // namespace

DatapathMaps DatapathMaps::borrow(const MapFds& fds) { return DatapathMaps(fds, false); }

DatapathMaps DatapathMaps::open_pinned(const std::string& dir) {
    MapFds fds;
    DatapathMaps m(fds, true);  // owns whatever it opened, even if a later open throws
    m.fds_.bindings = open_pin(dir, kMapBindings);
    m.fds_.local_addrs = open_pin(dir, kMapLocalAddrs);
    m.fds_.config = open_pin(dir, kMapConfig);
    m.fds_.counters = open_pin(dir, kMapCounters);
    m.fds_.signal_ring = open_pin(dir, kMapSignalRing);
    m.fds_.ro_peers = open_pin(dir, kMapRoPeers, true);
    m.fds_.cn_bindings = open_pin(dir, kMapCnBindings, true);
    return m;
}

DatapathMaps::DatapathMaps(DatapathMaps&& o) noexcept : fds_(o.fds_), owned_(o.owned_) {
    o.owned_ = false;
}

DatapathMaps& DatapathMaps::operator=(DatapathMaps&& o) noexcept {
    if (this != &o) {
        close_owned();
        fds_ = o.fds_;
        owned_ = o.owned_;
        o.owned_ = false;
    }
    return *this;
}

DatapathMaps::~DatapathMaps() { close_owned(); }

void DatapathMaps::close_owned() {
    if (!owned_) return;
    for (int fd : {fds_.bindings, fds_.local_addrs, fds_.config, fds_.counters, fds_.signal_ring, fds_.ro_peers,
                   fds_.cn_bindings})
        if (fd >= 0) close(fd);
    owned_ = false;
}

void DatapathMaps::upsert_binding(const xmip_in6& hoa, const xmip_binding& b) {
    if (bpf_map_update_elem(fds_.bindings, &hoa, &b, BPF_ANY))
        throw DatapathError("cannot write binding", errno);
}

void DatapathMaps::upsert_bindings(const std::vector<std::pair<xmip_in6, xmip_binding>>& batch) {
    update_batch(fds_.bindings, batch, "bindings");
}

bool DatapathMaps::delete_binding(const xmip_in6& hoa) {
    if (bpf_map_delete_elem(fds_.bindings, &hoa) == 0) return true;
    if (errno == ENOENT) return false;
    throw DatapathError("cannot delete binding", errno);
}

std::optional<xmip_binding> DatapathMaps::lookup_binding(const xmip_in6& hoa) const {
    xmip_binding b{};
    if (bpf_map_lookup_elem(fds_.bindings, &hoa, &b) == 0) return b;
    if (errno == ENOENT) return std::nullopt;
    throw DatapathError("cannot read binding", errno);
}

namespace {

bool batch_unsupported(int err) {
    // Kernels before 5.6 (EINVAL: unknown command), map types without batch
    // operations (EOPNOTSUPP, or the kernel's internal ENOTSUPP, 524).
    return err == EINVAL || err == EOPNOTSUPP || err == 524;
}

// BPF_MAP_LOOKUP_BATCH: one syscall per chunk of entries instead of two per
// entry. nullopt when the kernel refuses batches for this map on the first
// call (nothing read yet: the caller falls back). A hash map returns whole
// buckets: a bucket larger than the chunk is ENOSPC, retried with a larger
// chunk; the last chunk comes with ENOENT.
template <typename V, typename K = xmip_in6>
std::optional<std::vector<std::pair<K, V>>> dump_batch(int fd, const char* what) {
    std::vector<std::pair<K, V>> out;
    std::vector<K> keys;
    std::vector<V> values;
    alignas(8) unsigned char cursor[sizeof(K)] = {}, next[sizeof(K)] = {};
    void* in = nullptr;  // from the start
    size_t chunk = kDumpBatchEntries;
    LIBBPF_OPTS(bpf_map_batch_opts, opts);
    for (;;) {
        keys.resize(chunk);
        values.resize(chunk);
        __u32 count = static_cast<__u32>(chunk);
        int err = bpf_map_lookup_batch(fd, in, next, keys.data(), values.data(), &count, &opts) ? errno : 0;
        if (err == ENOSPC && chunk < (1u << 20)) {
            chunk *= 2;
            continue;
        }
        if (err && err != ENOENT) {
            if (!in && batch_unsupported(err)) return std::nullopt;
            throw DatapathError(std::string("cannot list ") + what + " (batch lookup)", err);
        }
        for (__u32 i = 0; i < count; i++) out.emplace_back(keys[i], values[i]);
        if (err == ENOENT || count == 0) return out;  // the end of the map
        std::memcpy(cursor, next, sizeof(cursor));
        in = cursor;
    }
}

template <typename V, typename K = xmip_in6>
std::vector<std::pair<K, V>> dump_per_entry(int fd, const char* what) {
    std::vector<std::pair<K, V>> out;
    K key{}, next{};
    const void* prev = nullptr;
    while (bpf_map_get_next_key(fd, prev, &next) == 0) {
        V v{};
        if (bpf_map_lookup_elem(fd, &next, &v) == 0) out.emplace_back(next, v);
        // An entry deleted between the two calls is simply skipped.
        key = next;
        prev = &key;
    }
    if (errno != ENOENT) throw DatapathError(std::string("cannot list ") + what, errno);
    return out;
}

template <typename V, typename K = xmip_in6>
std::vector<std::pair<K, V>> dump_hash(int fd, const char* what, DumpMethod method) {
    if (method != DumpMethod::PerEntry) {
        if (auto all = dump_batch<V, K>(fd, what)) return std::move(*all);
        if (method == DumpMethod::Batch)
            throw DatapathError(std::string("cannot list ") + what + ": the kernel refuses batch lookups", EOPNOTSUPP);
        static bool said = false;  // once per process: the kernel does not change
        if (!said) {
            said = true;
            XLOG_INFO("datapath: this kernel refuses BPF_MAP_LOOKUP_BATCH on the %s map; listing entry by entry",
                      what);
        }
    }
    return dump_per_entry<V, K>(fd, what);
}

}  // namespace

std::vector<std::pair<xmip_in6, xmip_binding>> DatapathMaps::bindings(DumpMethod method) const {
    return dump_hash<xmip_binding>(fds_.bindings, "bindings", method);
}

void DatapathMaps::add_local_addr(const xmip_in6& addr, uint32_t flags) {
    xmip_local_addr v{flags, 0};
    if (bpf_map_update_elem(fds_.local_addrs, &addr, &v, BPF_ANY))
        throw DatapathError("cannot write local address", errno);
}

bool DatapathMaps::delete_local_addr(const xmip_in6& addr) {
    if (bpf_map_delete_elem(fds_.local_addrs, &addr) == 0) return true;
    if (errno == ENOENT) return false;
    throw DatapathError("cannot delete local address", errno);
}

std::vector<std::pair<xmip_in6, xmip_local_addr>> DatapathMaps::local_addrs(DumpMethod method) const {
    return dump_hash<xmip_local_addr>(fds_.local_addrs, "local addresses", method);
}

namespace {

int ro_map(int fd, const char* what) {
    if (fd < 0)
        throw DatapathError(
            std::string("no ") + what + " map: the instance's pinned maps predate route optimisation (restart it)",
            ENOENT);
    return fd;
}

void ro_upsert(int fd, const char* what, const xmip_ro_key& key, const xmip_ro_binding& b) {
    if (bpf_map_update_elem(ro_map(fd, what), &key, &b, BPF_ANY))
        throw DatapathError(std::string("cannot write ") + what + " entry", errno);
}

bool ro_delete(int fd, const char* what, const xmip_ro_key& key) {
    if (bpf_map_delete_elem(ro_map(fd, what), &key) == 0) return true;
    if (errno == ENOENT) return false;
    throw DatapathError(std::string("cannot delete ") + what + " entry", errno);
}

std::optional<xmip_ro_binding> ro_lookup(int fd, const char* what, const xmip_ro_key& key) {
    xmip_ro_binding b{};
    if (bpf_map_lookup_elem(ro_map(fd, what), &key, &b) == 0) return b;
    if (errno == ENOENT) return std::nullopt;
    throw DatapathError(std::string("cannot read ") + what + " entry", errno);
}

}  // namespace

void DatapathMaps::upsert_ro_peer(const xmip_ro_key& key, const xmip_ro_binding& b) {
    ro_upsert(fds_.ro_peers, "route-optimised peer", key, b);
}

bool DatapathMaps::delete_ro_peer(const xmip_ro_key& key) {
    return ro_delete(fds_.ro_peers, "route-optimised peer", key);
}

std::optional<xmip_ro_binding> DatapathMaps::lookup_ro_peer(const xmip_ro_key& key) const {
    return ro_lookup(fds_.ro_peers, "route-optimised peer", key);
}

std::vector<std::pair<xmip_ro_key, xmip_ro_binding>> DatapathMaps::ro_peers(DumpMethod method) const {
    return dump_hash<xmip_ro_binding, xmip_ro_key>(ro_map(fds_.ro_peers, "route-optimised peer"),
                                                   "route-optimised peers", method);
}

void DatapathMaps::upsert_cn_binding(const xmip_ro_key& key, const xmip_ro_binding& b) {
    ro_upsert(fds_.cn_bindings, "correspondent binding", key, b);
}

void DatapathMaps::upsert_cn_bindings(const std::vector<std::pair<xmip_ro_key, xmip_ro_binding>>& batch) {
    update_batch(ro_map(fds_.cn_bindings, "correspondent binding"), batch, "correspondent bindings");
}

bool DatapathMaps::delete_cn_binding(const xmip_ro_key& key) {
    return ro_delete(fds_.cn_bindings, "correspondent binding", key);
}

std::optional<xmip_ro_binding> DatapathMaps::lookup_cn_binding(const xmip_ro_key& key) const {
    return ro_lookup(fds_.cn_bindings, "correspondent binding", key);
}

std::vector<std::pair<xmip_ro_key, xmip_ro_binding>> DatapathMaps::cn_bindings(DumpMethod method) const {
    return dump_hash<xmip_ro_binding, xmip_ro_key>(ro_map(fds_.cn_bindings, "correspondent binding"),
                                                   "correspondent bindings", method);
}

void DatapathMaps::set_config(const xmip_config& cfg) {
    __u32 key = 0;
    if (bpf_map_update_elem(fds_.config, &key, &cfg, BPF_ANY))
        throw DatapathError("cannot write datapath config", errno);
}

xmip_config DatapathMaps::config() const {
    __u32 key = 0;
    xmip_config cfg{};
    if (bpf_map_lookup_elem(fds_.config, &key, &cfg))
        throw DatapathError("cannot read datapath config", errno);
    return cfg;
}

CounterSnapshot DatapathMaps::counters() const {
    const int ncpu = possible_cpus();
    std::vector<xmip_counter_value> percpu(ncpu);
    CounterSnapshot snap{};
    for (__u32 i = 0; i < XMIP_CNT_MAX; i++) {
        if (bpf_map_lookup_elem(fds_.counters, &i, percpu.data()))
            throw DatapathError("cannot read counters", errno);
        for (const auto& v : percpu) {
            snap[i].packets += v.packets;
            snap[i].bytes += v.bytes;
        }
    }
    return snap;
}

void DatapathMaps::reset_counters() {
    const int ncpu = possible_cpus();
    std::vector<xmip_counter_value> zero(ncpu);
    for (__u32 i = 0; i < XMIP_CNT_MAX; i++)
        if (bpf_map_update_elem(fds_.counters, &i, zero.data(), BPF_ANY))
            throw DatapathError("cannot reset counters", errno);
}

}  // namespace xmip::dp
