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
        "dial_timeout = 300\nrequest_timeout = 1500\nbinding_lease_slack = 7\nagent_lease_ttl = 4"));
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

}  // namespace
}  // namespace xmip::config::test
