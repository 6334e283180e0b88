// SPDX-License-Identifier: BSD-2-Clause
#include "datapath_env.hpp"

#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <net/if.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <fstream>
#include <stdexcept>

#include "datapath/in6.hpp"

namespace xmip::test {

const nlohmann::json& fixtures() {
    static const nlohmann::json j = [] {
        std::ifstream f(XMIP_FIXTURES_JSON);
        if (!f) throw std::runtime_error("cannot read " XMIP_FIXTURES_JSON);
        return nlohmann::json::parse(f);
    }();
    return j;
}

DatapathEnv& DatapathEnv::get() {
    static DatapathEnv env;
    return env;
}

DatapathEnv::DatapathEnv() {
    run_all(fixtures()["topology"].get<std::vector<std::string>>());
    dp::Options o;
    o.instance = "fixtures";
    o.pin_maps = false;
    dp_ = std::make_unique<dp::Datapath>(o);
    // Redirects go through the devmap, as they do once xmipd has attached.
    dp_->add_tx_ports();
}

namespace {

std::array<uint8_t, 6> mac(const std::string& text) {
    std::array<unsigned, 6> b{};
    if (std::sscanf(text.c_str(), "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5]) != 6)
        throw std::runtime_error("fixtures.json: bad MAC " + text);
    std::array<uint8_t, 6> out{};
    for (size_t i = 0; i < 6; i++) out[i] = static_cast<uint8_t>(b[i]);
    return out;
}

uint32_t link_index(const std::string& name) {
    const uint32_t i = if_nametoindex(name.c_str());
    if (!i) throw std::runtime_error("fixtures.json: no link " + name);
    return i;
}

}  // namespace

// The next-hop cache: emptied, then the state's entries ([care-of address,
// egress link name, dmac, smac, mtu, generation]) and generation, if any.
void DatapathEnv::apply_nexthops(const nlohmann::json& s) {
    auto nh = dp_->nexthops();
    for (const auto& [k, v] : nh.entries()) nh.erase(k);
    xmip_nh_state st{};
    if (s.contains("nh_state")) {
        st.gen = s["nh_state"][0].get<uint32_t>();
        st.flags = s["nh_state"][1].get<uint32_t>();
        if (s["nh_state"].size() > 2) st.route_gen = s["nh_state"][2].get<uint32_t>();
    }
    nh.set_state(st);
    if (s.contains("nexthops")) {
        for (const auto& e : s["nexthops"]) {
            xmip_nexthop v{};
            v.ifindex = if_nametoindex(e[1].get<std::string>().c_str());
            if (!v.ifindex) throw std::runtime_error("fixtures.json: no link " + e[1].get<std::string>());
            const auto d = mac(e[2].get<std::string>()), src = mac(e[3].get<std::string>());
            std::copy(d.begin(), d.end(), v.dmac);
            std::copy(src.begin(), src.end(), v.smac);
            v.mtu = e[4].get<uint32_t>();
            v.gen = e[5].get<uint32_t>();
            if (!nh.put(dp::require_in6(e[0].get<std::string>()), v))
                throw std::runtime_error("cannot write a next-hop entry");
        }
    }
    nh.clear_routes();
    if (s.contains("routes")) {
        // [ingress link, flow label, next header, source, destination,
        //  egress link, dmac, smac, mtu, generation]
        for (const auto& e : s["routes"]) {
            xmip_route_key k{};
            k.ifindex = link_index(e[0].get<std::string>());
            k.flowinfo = htonl(e[1].get<uint32_t>());
            k.proto = e[2].get<uint8_t>();
            k.src = dp::require_in6(e[3].get<std::string>());
            k.dst = dp::require_in6(e[4].get<std::string>());
            xmip_nexthop v{};
            v.ifindex = link_index(e[5].get<std::string>());
            const auto d = mac(e[6].get<std::string>()), src = mac(e[7].get<std::string>());
            std::copy(d.begin(), d.end(), v.dmac);
            std::copy(src.begin(), src.end(), v.smac);
            v.mtu = e[8].get<uint32_t>();
            v.gen = e[9].get<uint32_t>();
            if (!nh.put_route(k, v)) throw std::runtime_error("cannot write a route memo entry");
        }
    }
    nh.reset_stats();
}

void DatapathEnv::clear_ro_hints() {
    const int fd = dp_->maps().fds().ro_hints;
    xmip_ro_key k{};
    while (bpf_map_get_next_key(fd, nullptr, &k) == 0) bpf_map_delete_elem(fd, &k);
}

void DatapathEnv::apply_state(const std::string& state) {
    auto& m = dp_->maps();
    for (const auto& [k, v] : m.bindings()) m.delete_binding(k);
    for (const auto& [k, v] : m.local_addrs()) m.delete_local_addr(k);
    for (const auto& [k, v] : m.ro_peers()) m.delete_ro_peer(k);
    for (const auto& [k, v] : m.cn_bindings()) m.delete_cn_binding(k);
    const auto& s = fixtures()["states"].at(state);
    for (const auto& la : s["local_addrs"])
        m.add_local_addr(dp::require_in6(la[0].get<std::string>()), la[1].get<uint32_t>());
    for (const auto& b : s["bindings"]) {
        xmip_binding v{};
        v.remote = dp::require_in6(b[1].get<std::string>());
        v.local = dp::require_in6(b[2].get<std::string>());
        if (b.size() > 3) v.flags = b[3].get<uint32_t>();
        m.upsert_binding(dp::require_in6(b[0].get<std::string>()), v);
    }
    apply_nexthops(s);
    // Route optimisation: home address, correspondent, care-of address.
    auto ro = [&](const char* name, auto&& upsert) {
        if (!s.contains(name)) return;
        for (const auto& e : s[name]) {
            xmip_ro_key k{};
            k.home = dp::require_in6(e[0].get<std::string>());
            k.correspondent = dp::require_in6(e[1].get<std::string>());
            xmip_ro_binding v{};
            v.care_of = dp::require_in6(e[2].get<std::string>());
            upsert(k, v);
        }
    };
    ro("ro_peers", [&](const xmip_ro_key& k, const xmip_ro_binding& v) { m.upsert_ro_peer(k, v); });
    ro("cn_bindings", [&](const xmip_ro_key& k, const xmip_ro_binding& v) { m.upsert_cn_binding(k, v); });
    xmip_config cfg{};
    cfg.tunnel_hop_limit = fixtures()["tunnel_hop_limit"].get<uint8_t>();
    cfg.min_ptb_mtu = XMIP_IPV6_MIN_MTU;
    cfg.flags = s.value("config_flags", 0u);
    if (s.contains("nd_proxy")) {  // [home link, its MAC]
        cfg.home_ifindex = if_nametoindex(s["nd_proxy"][0].get<std::string>().c_str());
        unsigned m[6];
        if (std::sscanf(s["nd_proxy"][1].get<std::string>().c_str(), "%x:%x:%x:%x:%x:%x", &m[0], &m[1], &m[2], &m[3],
                        &m[4], &m[5]) != 6)
            throw std::runtime_error("fixtures: nd_proxy MAC");
        for (int i = 0; i < 6; i++) cfg.home_mac[i] = static_cast<uint8_t>(m[i]);
    }
    m.set_config(cfg);
    clear_ro_hints();
    m.reset_counters();
}

}  // namespace xmip::test
