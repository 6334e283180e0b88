// SPDX-License-Identifier: BSD-2-Clause
// [cluster]: where the binding store lives (docs/scale-out.md).
#include <gtest/gtest.h>

#include "helpers.hpp"

namespace xmip::config::test {
namespace {

using Strings = std::vector<std::string>;

std::string ha_with(std::string_view cluster) {
    return "role = \"ha\"\n[datapath]\ninterfaces = [\"eth0\"]\n[home_agent]\naddress = \"2001:db8:1::1\"\n"
           "home_link = \"eth0\"\nprefixes = [\"2001:db8:1::/64\"]\n[cluster]\n" +
           std::string(cluster) + "\n";
}

TEST(ClusterConfig, WithoutTheTableTheStoreIsTheEmbeddedOne) {
    auto r = load_text(ha_with(""));
    ASSERT_LOADS(r);
    EXPECT_EQ(r.config->cluster.backend, Cluster::Backend::Embedded);
    EXPECT_EQ(r.config->cluster.prefix, "/xmip/");
}

TEST(ClusterConfig, AnEtcdBackendWithEveryKeyAndItsRoundTrip) {
    auto r = load_text(ha_with(
        "backend = \"etcd\"\nendpoints = [\"http://127.0.0.1:2379\", \"https://etcd2:2379\"]\nprefix = \"/fleet/a/\"\n"
        "ca_file = \"/etc/xmip/ca.pem\"\ncert_file = \"/etc/xmip/c.pem\"\nkey_file = \"/etc/xmip/c.key\"\n"
        "dial_timeout = 300\nrequest_timeout = 1500\nbinding_lease_slack = 7\nagent_lease_ttl = 4\n"
        "failure_detection = 800\nheartbeat_port = 6000"));
    ASSERT_LOADS(r);
    const Cluster& c = r.config->cluster;
    EXPECT_EQ(c.backend, Cluster::Backend::Etcd);
    EXPECT_EQ(c.endpoints, (Strings{"http://127.0.0.1:2379", "https://etcd2:2379"}));
    EXPECT_EQ(c.prefix, "/fleet/a/");
    EXPECT_EQ(c.ca_file, "/etc/xmip/ca.pem");
    EXPECT_EQ(c.cert_file, "/etc/xmip/c.pem");
    EXPECT_EQ(c.key_file, "/etc/xmip/c.key");
    EXPECT_EQ(c.dial_timeout_ms, 300u);
    EXPECT_EQ(c.request_timeout_ms, 1500u);
    EXPECT_EQ(c.binding_lease_slack, 7u);
    EXPECT_EQ(c.agent_lease_ttl, 4u);
    EXPECT_EQ(c.failure_detection_ms, 800u);
    EXPECT_EQ(c.heartbeat_port, 6000u);
    auto again = load_text(to_toml(*r.config), "effective.toml");
    ASSERT_LOADS(again);
    EXPECT_EQ(*again.config, *r.config);
}

TEST(ClusterConfig, BadValuesAreNamedWithTheirLine) {
    EXPECT_EQ(errors_of(ha_with("backend = \"etcd\"")),
              Strings{"ha.toml:9: cluster.backend: backend \"etcd\" needs cluster.endpoints (the members' client "
                      "URLs)"});
    EXPECT_EQ(errors_of(ha_with("backend = \"consul\"")).size(), 1u);
    EXPECT_EQ(errors_of(ha_with("backend = \"etcd\"\nendpoints = [\"127.0.0.1:2379\"]")).at(1),
              "ha.toml:10: cluster.endpoints[0]: \"127.0.0.1:2379\" is not an etcd client URL (http://host:port or "
              "https://host:port)");
    EXPECT_EQ(errors_of(ha_with("prefix = \"xmip\"")),
              Strings{"ha.toml:9: cluster.prefix: \"xmip\" is not a key prefix: it starts and ends with '/'"});
    EXPECT_EQ(errors_of(ha_with("cert_file = \"/c.pem\"")),
              Strings{"ha.toml:9: cluster.cert_file: cluster.cert_file and cluster.key_file go together (a client "
                      "certificate and its key)"});
    EXPECT_EQ(errors_of(ha_with("ca_file = \"ca.pem\"")),
              Strings{"ha.toml:9: cluster.ca_file: \"ca.pem\" is not an absolute path"});
    EXPECT_EQ(errors_of(ha_with("request_timeout = 10")).size(), 1u);
}

TEST(ClusterConfig, TheFailureDetectorIsOnByDefaultBelowTheLeaseAndCanBeTurnedOff) {
    auto r = load_text(ha_with(""));
    ASSERT_LOADS(r);
    EXPECT_EQ(r.config->cluster.failure_detection_ms, 500u);
    EXPECT_EQ(r.config->cluster.heartbeat_port, 5349u);
    auto off = load_text(ha_with("failure_detection = 0"));
    ASSERT_LOADS(off);
    EXPECT_EQ(off.config->cluster.failure_detection_ms, 0u);
    EXPECT_EQ(
        errors_of(ha_with("failure_detection = 50")),
        Strings{"ha.toml:9: cluster.failure_detection: 50 ms is too short to tell a dead member from a late one: 0 "
                "(off) or 100 and up"});
    EXPECT_EQ(
        errors_of(ha_with("agent_lease_ttl = 2\nfailure_detection = 2000")),
        Strings{"ha.toml:10: cluster.failure_detection: 2000 ms is not below cluster.agent_lease_ttl (2 s), which "
                "moves the address by itself"});
    EXPECT_EQ(errors_of(ha_with("heartbeat_port = 0")).size(), 1u);
}

}  // namespace
}  // namespace xmip::config::test
