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
