// SPDX-License-Identifier: BSD-2-Clause
#include "metrics/metrics.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <stdexcept>

#include "metrics/signalling_series.hpp"

namespace xmip::metrics {
namespace {

using namespace std::chrono_literals;

// name{labels} -> value, from the text exposition format.
std::map<std::string, double> samples(const std::string& text) {
    std::map<std::string, double> out;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#') continue;
        auto sp = line.rfind(' ');
        out[line.substr(0, sp)] = std::stod(line.substr(sp + 1));
    }
    return out;
}

std::set<std::string> family_names(const std::string& text) {
    std::set<std::string> out;
    std::regex type_line("^# TYPE (\\S+) ");
    std::istringstream in(text);
    std::string line;
    std::smatch m;
    while (std::getline(in, line))
        if (std::regex_search(line, m, type_line)) out.insert(m[1]);
    return out;
}

dp::CounterSnapshot fake_counters() {
    dp::CounterSnapshot s{};
    s[XMIP_CNT_DROP_SPOOFED] = {3, 300};
    s[XMIP_CNT_ENCAP_TX] = {7, 7000};
    return s;
}

TEST(SignallingSeries, EveryCounterMapsToOneFamilyAndLabels) {
    std::map<std::tuple<std::string_view, std::string_view, std::string_view>, std::vector<std::string_view>> seen;
    for (const auto& c : telemetry::kSignallingCounters) {
        auto s = signalling_series(c.id);
        ASSERT_TRUE(s) << c.id;
        seen[{s->family, s->a.value, s->b.value}].push_back(c.id);
    }
    // Only <msg>_nack_<dir> shares a series, with <msg>_<dir>.
    for (const auto& [key, ids] : seen) {
        if (ids.size() == 1) continue;
        ASSERT_EQ(ids.size(), 2u);
        EXPECT_NE(ids[1].find("_nack_"), std::string_view::npos) << ids[0] << " and " << ids[1];
    }
}

TEST(SignallingSeries, Examples) {
    auto bu = *signalling_series("bu_received");
    EXPECT_EQ(bu.family, kMessagesTotal);
    EXPECT_EQ(bu.a.value, "received");
    EXPECT_EQ(bu.b.value, "binding_update");
    auto nack = *signalling_series("ba_nack_sent");
    EXPECT_EQ(nack.b.value, "binding_ack");
    EXPECT_EQ(nack.a.value, "sent");
    auto drop = *signalling_series("mh_drop_unexpected");
    EXPECT_EQ(drop.family, kDropsTotal);
    EXPECT_EQ(drop.a.value, "other");
    EXPECT_EQ(drop.b.value, "unexpected");
    auto hoti = *signalling_series("hoti_received");  // the correspondent's
    EXPECT_EQ(hoti.family, kMessagesTotal);
    EXPECT_EQ(hoti.b.value, "home_test_init");
    EXPECT_FALSE(signalling_series("bret_received"));
    EXPECT_FALSE(signalling_series("bu_lost"));
    EXPECT_FALSE(signalling_series("bu_drop_"));
}

TEST(AgentMetrics, HomeAgentFamilies) {
    telemetry::SignallingStats stats;
    AgentMetrics m(Role::HomeAgent, "1.2.3", stats, fake_counters);
    auto names = family_names(m.text());
    for (const char* n : {"xmip_build_info", "xmip_mh_messages_total", "xmip_mh_drops_total",
                          "xmip_mh_binding_acks_total", "xmip_datapath_packets_total", "xmip_datapath_bytes_total",
                          "xmip_binding_cache_entries", "xmip_binding_cache_limit", "xmip_home_agents",
                          "xmip_ha_binding_update_processing_seconds"})
        EXPECT_TRUE(names.count(n)) << n;
    EXPECT_FALSE(names.count("xmip_mn_handoff_seconds"));
    EXPECT_FALSE(names.count("xmip_binding_update_list_entries"));
    auto s = samples(m.text());
    EXPECT_EQ(s.at("xmip_build_info{role=\"ha\",version=\"1.2.3\"}"), 1);
}

TEST(AgentMetrics, MobileNodeFamilies) {
    telemetry::SignallingStats stats;
    AgentMetrics m(Role::MobileNode, "1.2.3", stats, fake_counters);
    auto names = family_names(m.text());
    for (const char* n : {"xmip_mn_handoff_seconds", "xmip_mn_registration_round_trip_seconds",
                          "xmip_binding_update_list_entries", "xmip_mh_messages_total", "xmip_datapath_packets_total"})
        EXPECT_TRUE(names.count(n)) << n;
    EXPECT_FALSE(names.count("xmip_binding_cache_entries"));
    EXPECT_FALSE(names.count("xmip_ha_binding_update_processing_seconds"));
}

TEST(AgentMetrics, SignallingCountersReadWhenScraped) {
    telemetry::SignallingStats stats;
    AgentMetrics m(Role::HomeAgent, "t", stats, {});
    stats.bu_received++;
    stats.bu_received++;
    stats.ba_sent++;
    stats.ba_nack_sent++;
    stats.ba_nack_sent++;
    stats.ba_status_sent[0]++;
    stats.ba_status_sent[132]++;
    stats.ba_status_sent[135]++;
    stats.ba_status_sent[200]++;  // not a known code: appears once counted
    stats.bu_drop_invalid++;
    stats.mh_drop_unexpected++;
    auto s = samples(m.text());
    EXPECT_EQ(s.at("xmip_mh_messages_total{direction=\"received\",type=\"binding_update\"}"), 2);
    EXPECT_EQ(s.at("xmip_mh_messages_total{direction=\"sent\",type=\"binding_ack\"}"), 3);  // accepting + rejecting
    EXPECT_EQ(s.at("xmip_mh_messages_total{direction=\"sent\",type=\"binding_error\"}"), 0);
    EXPECT_EQ(s.at("xmip_mh_drops_total{message=\"binding_update\",reason=\"invalid\"}"), 1);
    EXPECT_EQ(s.at("xmip_mh_drops_total{message=\"other\",reason=\"unexpected\"}"), 1);
    EXPECT_EQ(s.at("xmip_mh_binding_acks_total{direction=\"sent\",status=\"0\"}"), 1);
    EXPECT_EQ(s.at("xmip_mh_binding_acks_total{direction=\"sent\",status=\"132\"}"), 1);
    EXPECT_EQ(s.at("xmip_mh_binding_acks_total{direction=\"sent\",status=\"200\"}"), 1);
    EXPECT_EQ(s.at("xmip_mh_binding_acks_total{direction=\"received\",status=\"134\"}"), 0);
    EXPECT_FALSE(s.count("xmip_mh_binding_acks_total{direction=\"sent\",status=\"201\"}"));
    // No datapath source: no datapath series.
    EXPECT_EQ(family_names(m.text()).count("xmip_datapath_packets_total"), 0u);
}

TEST(AgentMetrics, DatapathCountersByVerdictAndReason) {
    telemetry::SignallingStats stats;
    int reads = 0;
    AgentMetrics m(Role::HomeAgent, "t", stats, [&] {
        reads++;
        return fake_counters();
    });
    auto s = samples(m.text());
    EXPECT_EQ(reads, 1);  // once per scrape
    EXPECT_EQ(s.at("xmip_datapath_packets_total{reason=\"spoofed\",verdict=\"drop\"}"), 3);
    EXPECT_EQ(s.at("xmip_datapath_bytes_total{reason=\"spoofed\",verdict=\"drop\"}"), 300);
    EXPECT_EQ(s.at("xmip_datapath_packets_total{reason=\"encap\",verdict=\"tx\"}"), 7);
    EXPECT_EQ(s.at("xmip_datapath_packets_total{reason=\"encap\",verdict=\"redirect\"}"), 0);
    size_t n = 0;
    for (const auto& [k, v] : s) n += k.starts_with("xmip_datapath_packets_total{");
    EXPECT_EQ(n, dp::kCounters.size());  // every (verdict, reason) is its own series
}

TEST(AgentMetrics, DatapathReadFailureLeavesOutItsSeries) {
    telemetry::SignallingStats stats;
    AgentMetrics m(Role::HomeAgent, "t", stats, []() -> dp::CounterSnapshot { throw std::runtime_error("gone"); });
    auto names = family_names(m.text());
    EXPECT_FALSE(names.count("xmip_datapath_packets_total"));
    EXPECT_TRUE(names.count("xmip_mh_messages_total"));
}

// A fleet member's rounds (docs/scale-out.md): one series per home agent
// address, 1 where it is held; the alert "no holder" sums them over members.
TEST(AgentMetrics, FleetRoundsAndWatchLag) {
    telemetry::SignallingStats stats;
    AgentMetrics m(Role::HomeAgent, "t", stats, {});
    telemetry::Observer& o = m;
    auto s = samples(m.text());
    EXPECT_EQ(s.at("xmip_fleet_members"), 0);
    o.fleet_round(3, true);
    o.fleet_address("2001:db8:1::1", true, true);
    o.fleet_address("2001:db8:1::2", false, false);
    o.watch_lag(250ms);
    s = samples(m.text());
    EXPECT_EQ(s.at("xmip_fleet_members"), 3);
    EXPECT_EQ(s.at("xmip_fleet_store_reachable"), 1);
    EXPECT_EQ(s.at("xmip_fleet_address_held{address=\"2001:db8:1::1\"}"), 1);
    EXPECT_EQ(s.at("xmip_fleet_address_held{address=\"2001:db8:1::2\"}"), 0);
    EXPECT_EQ(s.at("xmip_fleet_address_has_holder{address=\"2001:db8:1::2\"}"), 0);
    EXPECT_DOUBLE_EQ(s.at("xmip_cluster_watch_lag_seconds"), 0.25);
    o.fleet_round(2, false);
    o.fleet_address("2001:db8:1::1", false, false);
    s = samples(m.text());
    EXPECT_EQ(s.at("xmip_fleet_store_reachable"), 0);
    EXPECT_EQ(s.at("xmip_fleet_address_held{address=\"2001:db8:1::1\"}"), 0);
}

TEST(AgentMetrics, ObserverHooksHomeAgent) {
    telemetry::SignallingStats stats;
    AgentMetrics m(Role::HomeAgent, "t", stats, {});
    telemetry::Observer& o = m;
    o.binding_cache(5, 100);
    o.home_agents(2);
    o.bu_processed(300us);
    o.bu_processed(1050ms);       // a registration that waited for DAD
    o.handoff(1s);                // not a home agent's: ignored
    auto s = samples(m.text());
    EXPECT_EQ(s.at("xmip_binding_cache_entries"), 5);
    EXPECT_EQ(s.at("xmip_binding_cache_limit"), 100);
    EXPECT_EQ(s.at("xmip_home_agents"), 2);
    EXPECT_EQ(s.at("xmip_ha_binding_update_processing_seconds_count"), 2);
    EXPECT_NEAR(s.at("xmip_ha_binding_update_processing_seconds_sum"), 1.0503, 1e-9);
    EXPECT_EQ(s.at("xmip_ha_binding_update_processing_seconds_bucket{le=\"0.0005\"}"), 1);
    EXPECT_EQ(s.at("xmip_ha_binding_update_processing_seconds_bucket{le=\"1.25\"}"), 2);
}

TEST(AgentMetrics, ObserverHooksMobileNode) {
    telemetry::SignallingStats stats;
    AgentMetrics m(Role::MobileNode, "t", stats, {});
    telemetry::Observer& o = m;
    o.binding_update_list("registering");
    o.registration_round_trip(4ms);
    o.handoff(120ms);
    o.binding_update_list("bound");
    o.bu_processed(1ms);  // not a mobile node's: ignored
    auto s = samples(m.text());
    EXPECT_EQ(s.at("xmip_binding_update_list_entries{state=\"bound\"}"), 1);
    EXPECT_EQ(s.at("xmip_binding_update_list_entries{state=\"registering\"}"), 0);
    EXPECT_EQ(s.at("xmip_mn_registration_round_trip_seconds_bucket{le=\"0.005\"}"), 1);
    EXPECT_EQ(s.at("xmip_mn_registration_round_trip_seconds_bucket{le=\"0.0025\"}"), 0);
    EXPECT_EQ(s.at("xmip_mn_handoff_seconds_bucket{le=\"0.25\"}"), 1);
    EXPECT_EQ(s.at("xmip_mn_handoff_seconds_bucket{le=\"0.1\"}"), 0);
    o.binding_update_list("at-home");  // no entry
    s = samples(m.text());
    EXPECT_EQ(s.at("xmip_binding_update_list_entries{state=\"bound\"}"), 0);
}

// A Prometheus-style scrape over HTTP, to 127.0.0.1 or (v6) ::1.
std::string http_get(uint16_t port, const std::string& path, bool v6 = false) {
    int fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    sockaddr_in6 a6{};
    a6.sin6_family = AF_INET6;
    a6.sin6_port = htons(port);
    a6.sin6_addr = in6addr_loopback;
    int rc = v6 ? connect(fd, reinterpret_cast<sockaddr*>(&a6), sizeof a6)
                : connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    if (rc) {
        close(fd);
        return {};
    }
    std::string req = "GET " + path + " HTTP/1.0\r\nHost: localhost\r\nConnection: close\r\n\r\n";
    (void)!write(fd, req.data(), req.size());
    std::string out;
    char buf[4096];
    for (ssize_t n; (n = read(fd, buf, sizeof buf)) > 0;) out.append(buf, static_cast<size_t>(n));
    close(fd);
    return out;
}

TEST(Endpoint, ServesTheMetricsOverHttp) {
    telemetry::SignallingStats stats;
    AgentMetrics m(Role::HomeAgent, "t", stats, fake_counters);
    Endpoint e("127.0.0.1", 0, m);
    ASSERT_NE(e.port(), 0);
    stats.bu_received++;
    auto body = http_get(e.port(), "/metrics");
    EXPECT_NE(body.find("200 OK"), std::string::npos) << body.substr(0, 200);
    EXPECT_NE(body.find("xmip_mh_messages_total{direction=\"received\",type=\"binding_update\"} 1"), std::string::npos);
    EXPECT_NE(body.find("xmip_datapath_packets_total{reason=\"spoofed\",verdict=\"drop\"} 3"), std::string::npos);
}

TEST(Endpoint, ServesOverIpv6) {
    telemetry::SignallingStats stats;
    AgentMetrics m(Role::HomeAgent, "t", stats, fake_counters);
    Endpoint e("::1", 0, m);
    ASSERT_NE(e.port(), 0);
    auto body = http_get(e.port(), "/metrics", true);
    EXPECT_NE(body.find("200 OK"), std::string::npos) << body.substr(0, 200);
    EXPECT_NE(body.find("xmip_mh_messages_total"), std::string::npos);
    EXPECT_EQ(http_get(e.port(), "/metrics", false), "");  // ::1 only, not 127.0.0.1
}

TEST(Endpoint, EveryAddressIsDualStack) {
    telemetry::SignallingStats stats;
    AgentMetrics m(Role::HomeAgent, "t", stats, fake_counters);
    Endpoint e("", 0, m);  // metrics.listen = ":port" or "[::]:port"
    ASSERT_NE(e.port(), 0);
    EXPECT_NE(http_get(e.port(), "/metrics", true).find("200 OK"), std::string::npos);
    EXPECT_NE(http_get(e.port(), "/metrics", false).find("200 OK"), std::string::npos);
}

TEST(Endpoint, ListensOnEachAddressOfAList) {
    telemetry::SignallingStats stats;
    AgentMetrics m(Role::HomeAgent, "t", stats, fake_counters);
    Endpoint e(std::vector<ListenAddress>{{"127.0.0.1", 0}, {"::1", 0}}, m);
    ASSERT_EQ(e.ports().size(), 2u);
    EXPECT_NE(http_get(e.ports()[0], "/metrics", false).find("200 OK"), std::string::npos);
    EXPECT_NE(http_get(e.ports()[1], "/metrics", true).find("200 OK"), std::string::npos);
    EXPECT_NE(http_get(e.ports()[0], "/nothing", false).find("404"), std::string::npos);
}

TEST(Endpoint, BusyPortIsAnError) {
    telemetry::SignallingStats stats;
    AgentMetrics m(Role::HomeAgent, "t", stats, {});
    Endpoint first("127.0.0.1", 0, m);
    EXPECT_THROW(Endpoint("127.0.0.1", first.port(), m), std::runtime_error);
    Endpoint v6("::", 0, m);  // dual-stack: the IPv4 side of the port is taken too
    EXPECT_THROW(Endpoint("127.0.0.1", v6.port(), m), std::runtime_error);
    EXPECT_THROW(Endpoint("::", v6.port(), m), std::runtime_error);
    // The second of a list busy: the first, already listening, is stopped.
    EXPECT_THROW(Endpoint(std::vector<ListenAddress>{{"::1", 0}, {"127.0.0.1", first.port()}}, m), std::runtime_error);
}

// promtool's linter (Prometheus' naming conventions) on a scrape of each role.
TEST(AgentMetrics, PromtoolCheckMetricsIsClean) {
    if (access("/usr/bin/promtool", X_OK)) GTEST_SKIP() << "promtool not installed (Debian: prometheus)";
    for (Role role : {Role::HomeAgent, Role::MobileNode}) {
        telemetry::SignallingStats stats;
        AgentMetrics m(role, "t", stats, fake_counters);
        char path[] = "/tmp/xmip-metrics-XXXXXX";
        int fd = mkstemp(path);
        ASSERT_GE(fd, 0);
        auto text = m.text();
        ASSERT_EQ(write(fd, text.data(), text.size()), static_cast<ssize_t>(text.size()));
        close(fd);
        std::string cmd = std::string("/usr/bin/promtool check metrics < ") + path + " 2>&1";
        FILE* p = popen(cmd.c_str(), "r");
        std::string out;
        char buf[512];
        while (fgets(buf, sizeof buf, p)) out += buf;
        int rc = pclose(p);
        unlink(path);
        EXPECT_EQ(rc, 0) << out;
        EXPECT_EQ(out, "") << out;
    }
}

}  // namespace
}  // namespace xmip::metrics
