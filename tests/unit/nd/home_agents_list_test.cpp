// SPDX-License-Identifier: BSD-2-Clause
// Home Agents List (RFC 6275 10.1, 10.5.1) driven by a made-up clock.
#include <gtest/gtest.h>

#include "nd/nd.hpp"

namespace xmip::nd {
namespace {

using namespace std::chrono_literals;
using Clock = HomeAgentsList::Clock;
using Change = HomeAgentsList::Change;

const Clock::time_point t0{};  // the fake clock's epoch: nothing here reads a real clock

in6_addr a(const char* text) { return *parse_addr(text); }

const in6_addr kHa1 = a("fe80::1"), kHa2 = a("fe80::2"), kHa3 = a("fe80::3");

PrefixInformation router_address(const char* address, uint32_t valid = 12000) {
    PrefixInformation p;
    p.prefix_length = 64;
    p.on_link = p.autonomous = p.router_address = true;
    p.valid_lifetime = valid;
    p.preferred_lifetime = valid;
    p.prefix = a(address);
    return p;
}

RouterAdvertisement ha_ra(std::optional<HomeAgentInformation> info, uint16_t router_lifetime = 1800,
                          Options more = {}) {
    RouterAdvertisement ra;
    ra.home_agent = true;
    ra.router_lifetime = router_lifetime;
    ra.options = std::move(more);
    if (info) ra.options.push_back(*info);
    return ra;
}

std::vector<std::string> order(const HomeAgentsList& list, Clock::time_point now) {
    std::vector<std::string> r;
    for (const auto& e : list.by_preference(now)) r.push_back(to_string(e.link_local));
    return r;
}

TEST(HomeAgentsList, InsertsFromAnRaWithTheHFlag) {
    HomeAgentsList list;
    EXPECT_EQ(list.on_router_advertisement(kHa1, ha_ra(HomeAgentInformation{20, 10000}), t0), Change::added);
    ASSERT_EQ(list.size(), 1u);
    const auto* e = list.find(kHa1);
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(e->preference, 20);
    EXPECT_EQ(e->expires, t0 + 10000s);
}

TEST(HomeAgentsList, IgnoresRoutersWithoutTheHFlag) {
    HomeAgentsList list;
    auto ra = ha_ra(HomeAgentInformation{20, 10000});
    ra.home_agent = false;
    EXPECT_EQ(list.on_router_advertisement(kHa1, ra, t0), Change::none);
    EXPECT_TRUE(list.empty());
}

TEST(HomeAgentsList, WithoutTheOptionPreferenceIsZeroAndLifetimeTheRouterLifetime) {
    HomeAgentsList list;
    EXPECT_EQ(list.on_router_advertisement(kHa1, ha_ra(std::nullopt, 1800), t0), Change::added);
    EXPECT_EQ(list.find(kHa1)->preference, 0);
    EXPECT_EQ(list.find(kHa1)->expires, t0 + 1800s);
}

TEST(HomeAgentsList, TheOptionOverridesTheRouterLifetimeEvenWhenTheRouterLifetimeIsZero) {
    // A home agent need not be a default router (RFC 6275 7.4).
    HomeAgentsList list;
    EXPECT_EQ(list.on_router_advertisement(kHa1, ha_ra(HomeAgentInformation{5, 600}, 0), t0), Change::added);
    EXPECT_EQ(list.find(kHa1)->expires, t0 + 600s);
}

TEST(HomeAgentsList, UpdateResetsPreferenceAndLifetime) {
    HomeAgentsList list;
    (void)list.on_router_advertisement(kHa1, ha_ra(HomeAgentInformation{20, 100}), t0);
    EXPECT_EQ(list.on_router_advertisement(kHa1, ha_ra(HomeAgentInformation{-3, 50}), t0 + 90s), Change::updated);
    ASSERT_EQ(list.size(), 1u);
    EXPECT_EQ(list.find(kHa1)->preference, -3);
    EXPECT_EQ(list.find(kHa1)->expires, t0 + 140s);
}

TEST(HomeAgentsList, OrderedByPreferenceHighestFirst) {
    HomeAgentsList list;
    (void)list.on_router_advertisement(kHa1, ha_ra(HomeAgentInformation{-5, 1000}), t0);
    (void)list.on_router_advertisement(kHa2, ha_ra(HomeAgentInformation{20, 1000}), t0);
    (void)list.on_router_advertisement(kHa3, ha_ra(std::nullopt, 1000), t0);
    EXPECT_EQ(order(list, t0), (std::vector<std::string>{"fe80::2", "fe80::3", "fe80::1"}));
    // A preference change reorders.
    (void)list.on_router_advertisement(kHa1, ha_ra(HomeAgentInformation{32767, 1000}), t0 + 1s);
    EXPECT_EQ(order(list, t0 + 1s), (std::vector<std::string>{"fe80::1", "fe80::2", "fe80::3"}));
}

TEST(HomeAgentsList, EqualPreferencesInAddressOrder) {
    HomeAgentsList list;
    (void)list.on_router_advertisement(kHa3, ha_ra(HomeAgentInformation{7, 1000}), t0);
    (void)list.on_router_advertisement(kHa1, ha_ra(HomeAgentInformation{7, 1000}), t0);
    (void)list.on_router_advertisement(kHa2, ha_ra(HomeAgentInformation{-32768, 1000}), t0);
    EXPECT_EQ(order(list, t0), (std::vector<std::string>{"fe80::1", "fe80::3", "fe80::2"}));
}

TEST(HomeAgentsList, ExpiresWithTheFakeClock) {
    HomeAgentsList list;
    (void)list.on_router_advertisement(kHa1, ha_ra(HomeAgentInformation{1, 10}), t0);
    (void)list.on_router_advertisement(kHa2, ha_ra(HomeAgentInformation{2, 30}), t0);
    EXPECT_EQ(list.next_expiry(), t0 + 10s);
    EXPECT_EQ(list.expire(t0 + 9s), 0u);
    EXPECT_EQ(order(list, t0 + 9s).size(), 2u);
    // By the time the lifetime runs out the entry is not offered, even before expire() runs.
    EXPECT_EQ(order(list, t0 + 10s), (std::vector<std::string>{"fe80::2"}));
    EXPECT_EQ(list.expire(t0 + 10s), 1u);
    EXPECT_EQ(list.find(kHa1), nullptr);
    EXPECT_EQ(list.next_expiry(), t0 + 30s);
    EXPECT_EQ(list.expire(t0 + 1h), 1u);
    EXPECT_TRUE(list.empty());
    EXPECT_EQ(list.next_expiry(), std::nullopt);
}

TEST(HomeAgentsList, RefreshPostponesExpiry) {
    HomeAgentsList list;
    (void)list.on_router_advertisement(kHa1, ha_ra(HomeAgentInformation{1, 10}), t0);
    (void)list.on_router_advertisement(kHa1, ha_ra(HomeAgentInformation{1, 10}), t0 + 8s);
    EXPECT_EQ(list.expire(t0 + 12s), 0u);
    EXPECT_EQ(list.expire(t0 + 18s), 1u);
}

TEST(HomeAgentsList, LifetimeZeroRemoves) {
    HomeAgentsList list;
    (void)list.on_router_advertisement(kHa1, ha_ra(HomeAgentInformation{1, 100}), t0);
    EXPECT_EQ(list.on_router_advertisement(kHa1, ha_ra(HomeAgentInformation{1, 0}), t0 + 1s), Change::removed);
    EXPECT_TRUE(list.empty());
    // Router lifetime 0 without the option is lifetime 0 too.
    (void)list.on_router_advertisement(kHa1, ha_ra(HomeAgentInformation{1, 100}), t0);
    EXPECT_EQ(list.on_router_advertisement(kHa1, ha_ra(std::nullopt, 0), t0 + 1s), Change::removed);
    // And an unknown sender with lifetime 0 is not added.
    EXPECT_EQ(list.on_router_advertisement(kHa2, ha_ra(HomeAgentInformation{1, 0}), t0), Change::none);
    EXPECT_TRUE(list.empty());
}

TEST(HomeAgentsList, ClearedHFlagRemoves) {
    HomeAgentsList list;
    (void)list.on_router_advertisement(kHa1, ha_ra(HomeAgentInformation{1, 100}), t0);
    auto ra = ha_ra(HomeAgentInformation{1, 100});
    ra.home_agent = false;
    EXPECT_EQ(list.on_router_advertisement(kHa1, ra, t0 + 1s), Change::removed);
    EXPECT_TRUE(list.empty());
}

TEST(HomeAgentsList, KeepsGlobalAddressesFromPrefixesWithTheRFlag) {
    HomeAgentsList list;
    PrefixInformation plain = router_address("2001:db8:2800::");
    plain.router_address = false;
    (void)list.on_router_advertisement(
        kHa1, ha_ra(HomeAgentInformation{20, 10000}, 9, {router_address("2001:db8:2700::2"), plain}), t0);
    const auto* e = list.find(kHa1);
    ASSERT_EQ(e->global_addresses.size(), 1u);
    EXPECT_EQ(to_string(e->global_addresses[0].address), "2001:db8:2700::2");
    EXPECT_EQ(e->global_addresses[0].prefix_length, 64);
    EXPECT_EQ(e->global_addresses[0].valid_until, t0 + 12000s);
    // A later RA adds a second address and refreshes the first.
    (void)list.on_router_advertisement(
        kHa1, ha_ra(HomeAgentInformation{20, 10000}, 9, {router_address("2001:db8:2700::2", 50),
                                                          router_address("2001:db8:2900::2", 0xffffffff)}),
        t0 + 1s);
    e = list.find(kHa1);
    ASSERT_EQ(e->global_addresses.size(), 2u);
    EXPECT_EQ(e->global_addresses[0].valid_until, t0 + 51s);
    EXPECT_EQ(e->global_addresses[1].valid_until, HomeAgentsList::kNever);
    // Once the first prefix is no longer valid its address goes; the infinite one stays.
    EXPECT_EQ(list.next_expiry(), t0 + 51s);
    EXPECT_EQ(list.expire(t0 + 51s), 0u);
    e = list.find(kHa1);
    ASSERT_EQ(e->global_addresses.size(), 1u);
    EXPECT_EQ(to_string(e->global_addresses[0].address), "2001:db8:2900::2");
}

TEST(HomeAgentsList, ValidLifetimeZeroWithdrawsAnAddressAndNonGlobalOnesAreIgnored) {
    HomeAgentsList list;
    (void)list.on_router_advertisement(kHa1, ha_ra(std::nullopt, 100, {router_address("2001:db8:2700::2")}), t0);
    (void)list.on_router_advertisement(
        kHa1, ha_ra(std::nullopt, 100, {router_address("2001:db8:2700::2", 0), router_address("fe80::1"),
                                        router_address("ff02::1"), router_address("::")}),
        t0 + 1s);
    EXPECT_TRUE(list.find(kHa1)->global_addresses.empty());
}

TEST(HomeAgentsList, GlobalAddressesByPreferenceForADhaadReply) {
    HomeAgentsList list;
    (void)list.on_router_advertisement(kHa1, ha_ra(HomeAgentInformation{1, 100}, 9, {router_address("2001:db8::1")}),
                                       t0);
    (void)list.on_router_advertisement(
        kHa2, ha_ra(HomeAgentInformation{9, 100}, 9, {router_address("2001:db8::2"), router_address("2001:db8:1::2")}),
        t0);
    (void)list.on_router_advertisement(kHa3, ha_ra(HomeAgentInformation{5, 100}), t0);  // no global address
    auto addresses = list.global_addresses_by_preference(t0);
    ASSERT_EQ(addresses.size(), 3u);
    EXPECT_EQ(to_string(addresses[0]), "2001:db8::2");
    EXPECT_EQ(to_string(addresses[1]), "2001:db8:1::2");
    EXPECT_EQ(to_string(addresses[2]), "2001:db8::1");
    EXPECT_EQ(list.global_addresses_by_preference(t0, 2).size(), 2u);
    EXPECT_TRUE(list.global_addresses_by_preference(t0 + 100s).empty());
}

TEST(HomeAgentsList, LearnsFromTheGuideRouterAdvertisementOnTheWire) {
    // The guide's RA, as scapy built it (vectors.json ra_guide_home_agent).
    const uint8_t wire[] = {0x86, 0x00, 0xce, 0x1c, 0x40, 0x20, 0x00, 0x09, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                            0x00, 0x00, 0x03, 0x04, 0x40, 0xe0, 0x00, 0x00, 0x2e, 0xe0, 0x00, 0x00, 0x27, 0x10,
                            0x00, 0x00, 0x00, 0x00, 0x20, 0x01, 0x0d, 0xb8, 0x27, 0x00, 0x00, 0x00, 0x00, 0x00,
                            0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x01, 0x01, 0x02, 0x00, 0x00, 0x00, 0x27, 0x02,
                            0x08, 0x01, 0x00, 0x00, 0x00, 0x14, 0x27, 0x10};
    const in6_addr source = a("fe80::ff:fe00:2702");
    auto m = decode_received({source, a("ff02::1"), 255}, wire);
    ASSERT_TRUE(m.ok()) << describe(m.error());
    HomeAgentsList list;
    EXPECT_EQ(list.on_router_advertisement(source, std::get<RouterAdvertisement>(*m), t0), Change::added);
    auto entries = list.by_preference(t0);
    ASSERT_EQ(entries.size(), 1u);
    EXPECT_EQ(entries[0].preference, 20);
    EXPECT_EQ(entries[0].expires, t0 + 10000s);  // HomeAgentLifetime, not the 9 s router lifetime
    ASSERT_EQ(entries[0].global_addresses.size(), 1u);
    EXPECT_EQ(to_string(entries[0].global_addresses[0].address), "2001:db8:2700::2");
}

TEST(HomeAgentsList, RemoveByHand) {
    HomeAgentsList list;
    (void)list.on_router_advertisement(kHa1, ha_ra(HomeAgentInformation{1, 100}), t0);
    EXPECT_TRUE(list.remove(kHa1));
    EXPECT_FALSE(list.remove(kHa1));
}

}  // namespace
}  // namespace xmip::nd
