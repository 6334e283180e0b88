// SPDX-License-Identifier: BSD-2-Clause
// Listing the datapath's maps: a dump of N entries returns exactly those N
// entries (keys and values), whether it goes by batches (more than one of
// them), entry by entry, or the automatic choice between the two.
#include <gtest/gtest.h>

#include <map>

#include "datapath/in6.hpp"
#include "datapath/loader.hpp"
#include "sandbox.hpp"

using namespace xmip;

namespace {

xmip_in6 hoa_of(size_t i) {
    xmip_in6 a = dp::require_in6("2001:db8:2700::");
    a.u8[12] = static_cast<uint8_t>(i >> 24);
    a.u8[13] = static_cast<uint8_t>(i >> 16);
    a.u8[14] = static_cast<uint8_t>(i >> 8);
    a.u8[15] = static_cast<uint8_t>(i);
    return a;
}

std::string key_of(const xmip_in6& a) { return dp::format_in6(a); }

class MapDump : public ::testing::TestWithParam<size_t> {};

TEST_P(MapDump, ReturnsExactlyTheEntriesWritten) {
    XMIP_REQUIRE_SANDBOX();
    const size_t n = GetParam();
    dp::Options o;
    o.instance = "dump";
    o.pin_maps = false;
    o.max_bindings = static_cast<uint32_t>(n + 16);
    dp::Datapath d(o);
    std::map<std::string, xmip_binding> written;
    std::vector<std::pair<xmip_in6, xmip_binding>> batch;
    for (size_t i = 0; i < n; i++) {
        xmip_binding b{};
        b.remote = hoa_of(i * 7 + 1);  // a value of its own per entry
        b.local = dp::require_in6("2001:db8:2700::2");
        b.flags = static_cast<uint32_t>(i & 1);
        batch.emplace_back(hoa_of(i), b);
        written[key_of(hoa_of(i))] = b;
    }
    d.maps().upsert_bindings(batch);
    for (auto method : {dp::DumpMethod::Auto, dp::DumpMethod::Batch, dp::DumpMethod::PerEntry}) {
        SCOPED_TRACE(static_cast<int>(method));
        auto got = d.maps().bindings(method);
        ASSERT_EQ(got.size(), n) << "entries listed";
        std::map<std::string, xmip_binding> seen;
        for (const auto& [k, v] : got) EXPECT_TRUE(seen.emplace(key_of(k), v).second) << "listed twice: " << key_of(k);
        ASSERT_EQ(seen.size(), n);
        for (const auto& [k, v] : written) {
            auto it = seen.find(k);
            ASSERT_NE(it, seen.end()) << "missing " << k;
            EXPECT_EQ(key_of(it->second.remote), key_of(v.remote)) << k;
            EXPECT_EQ(key_of(it->second.local), key_of(v.local)) << k;
            EXPECT_EQ(it->second.flags, v.flags) << k;
        }
    }
}

// Empty, one, exactly one batch, one more than a batch, several batches and
// a remainder.
INSTANTIATE_TEST_SUITE_P(Sizes, MapDump,
                         ::testing::Values(size_t{0}, size_t{1}, dp::kDumpBatchEntries, dp::kDumpBatchEntries + 1,
                                           3 * dp::kDumpBatchEntries + 17));

TEST(MapDumpLocal, LocalAddressesByBatchAndEntry) {
    XMIP_REQUIRE_SANDBOX();
    dp::Options o;
    o.instance = "dump-local";
    o.pin_maps = false;
    dp::Datapath d(o);
    const size_t n = std::min<size_t>(XMIP_DEFAULT_MAX_LOCAL_ADDRS, 40);
    for (size_t i = 0; i < n; i++) d.maps().add_local_addr(hoa_of(i), static_cast<uint32_t>(i % 3 + 1));
    for (auto method : {dp::DumpMethod::Batch, dp::DumpMethod::PerEntry}) {
        auto got = d.maps().local_addrs(method);
        ASSERT_EQ(got.size(), n);
        std::map<std::string, uint32_t> seen;
        for (const auto& [k, v] : got) seen[key_of(k)] = v.flags;
        for (size_t i = 0; i < n; i++) EXPECT_EQ(seen[key_of(hoa_of(i))], i % 3 + 1);
    }
}

}  // namespace

namespace {

// The route-optimisation maps (bpf/ro_maps.bpf.h): written, read back, listed
// and deleted by their (home, correspondent) key, each map on its own.
TEST(RouteOptimisationMaps, PeersAndBindingsByKey) {
    XMIP_REQUIRE_SANDBOX();
    dp::Options o;
    o.instance = "ro-maps";
    o.pin_maps = false;
    o.max_ro_peers = 8;
    o.max_cn_bindings = 3 * dp::kDumpBatchEntries + 5;
    dp::Datapath d(o);
    auto& m = d.maps();
    const xmip_in6 cn = dp::require_in6("2001:db8:1::20");

    xmip_ro_key k{};
    k.home = hoa_of(4);
    k.correspondent = cn;
    xmip_ro_binding v{};
    v.care_of = dp::require_in6("2001:db8:3::100");
    m.upsert_ro_peer(k, v);
    auto got = m.lookup_ro_peer(k);
    ASSERT_TRUE(got);
    EXPECT_EQ(key_of(got->care_of), "2001:db8:3::100");
    EXPECT_FALSE(m.lookup_cn_binding(k)) << "the two maps are separate";
    xmip_ro_key other = k;
    other.correspondent = dp::require_in6("2001:db8:1::21");
    EXPECT_FALSE(m.lookup_ro_peer(other)) << "the correspondent is part of the key";
    ASSERT_EQ(m.ro_peers().size(), 1u);
    EXPECT_TRUE(m.delete_ro_peer(k));
    EXPECT_FALSE(m.delete_ro_peer(k));
    EXPECT_TRUE(m.ro_peers().empty());

    // The correspondent's cache, in batch and listed both ways, past one
    // dump batch.
    const size_t n = 3 * dp::kDumpBatchEntries + 1;
    std::vector<std::pair<xmip_ro_key, xmip_ro_binding>> batch;
    for (size_t i = 0; i < n; i++) {
        xmip_ro_key bk{};
        bk.home = hoa_of(i);
        bk.correspondent = cn;
        xmip_ro_binding bv{};
        bv.care_of = hoa_of(i * 3 + 1);
        batch.emplace_back(bk, bv);
    }
    m.upsert_cn_bindings(batch);
    for (auto method : {dp::DumpMethod::Batch, dp::DumpMethod::PerEntry}) {
        auto all = m.cn_bindings(method);
        ASSERT_EQ(all.size(), n);
        std::map<std::string, std::string> seen;
        for (const auto& [bk, bv] : all) seen[key_of(bk.home)] = key_of(bv.care_of);
        for (size_t i = 0; i < n; i++) EXPECT_EQ(seen[key_of(hoa_of(i))], key_of(hoa_of(i * 3 + 1)));
    }
    EXPECT_TRUE(m.delete_cn_binding(batch[7].first));
    EXPECT_FALSE(m.lookup_cn_binding(batch[7].first));
    EXPECT_EQ(m.cn_bindings().size(), n - 1);
}

}  // namespace
