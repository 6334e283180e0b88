// SPDX-License-Identifier: BSD-2-Clause
#include "vector_json.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "hex.hpp"

namespace xmip::nd::test {

using nlohmann::json;

const json& vectors_file() {
    static const json j = [] {
        std::ifstream in(XMIP_ND_VECTORS_JSON);
        if (!in) throw std::runtime_error("cannot open " XMIP_ND_VECTORS_JSON);
        return json::parse(in);
    }();
    return j;
}

in6_addr address(const json& text) {
    auto a = parse_addr(text.get<std::string>());
    if (!a) throw std::runtime_error("bad address in vectors: " + text.dump());
    return *a;
}

static LinkLayerAddress lla(const json& text) {
    auto a = parse_link_layer_address(text.get<std::string>());
    if (!a) throw std::runtime_error("bad link-layer address in vectors: " + text.dump());
    return *a;
}

static Options options_from_json(const json& list) {
    Options r;
    for (const auto& o : list) r.push_back(option_from_json(o));
    return r;
}

Option option_from_json(const json& o) {
    const std::string kind = o.at("kind");
    if (kind == "slla") return SourceLinkLayerAddress{lla(o.at("lladdr"))};
    if (kind == "tlla") return TargetLinkLayerAddress{lla(o.at("lladdr"))};
    if (kind == "mtu") return Mtu{o.at("mtu").get<uint32_t>()};
    if (kind == "prefix")
        return PrefixInformation{o.at("prefix_length").get<uint8_t>(), o.at("L").get<bool>(), o.at("A").get<bool>(),
                                 o.at("R").get<bool>(), o.at("valid_lifetime").get<uint32_t>(),
                                 o.at("preferred_lifetime").get<uint32_t>(), address(o.at("prefix"))};
    if (kind == "adv_interval") return AdvertisementInterval{o.at("interval_ms").get<uint32_t>()};
    if (kind == "ha_info")
        return HomeAgentInformation{o.at("preference").get<int16_t>(), o.at("lifetime").get<uint16_t>(),
                                    o.at("mobile_router_support").get<bool>()};
    if (kind == "raw") return RawOption{o.at("type").get<uint8_t>(), xmip::test::from_hex(o.at("body").get<std::string>())};
    throw std::runtime_error("unknown option kind " + kind);
}

Message message_from_json(const json& m) {
    const std::string kind = m.at("kind");
    if (kind == "rs") return RouterSolicitation{options_from_json(m.at("options"))};
    if (kind == "ra") {
        RouterAdvertisement ra;
        ra.cur_hop_limit = m.at("cur_hop_limit");
        ra.managed = m.at("M");
        ra.other_config = m.at("O");
        ra.home_agent = m.at("H");
        ra.other_flags = m.at("other_flags");
        ra.router_lifetime = m.at("router_lifetime");
        ra.reachable_time = m.at("reachable_time");
        ra.retrans_timer = m.at("retrans_timer");
        ra.options = options_from_json(m.at("options"));
        return ra;
    }
    if (kind == "ns") return NeighbourSolicitation{address(m.at("target")), options_from_json(m.at("options"))};
    if (kind == "na")
        return NeighbourAdvertisement{m.at("R"), m.at("S"), m.at("O"), address(m.at("target")),
                                      options_from_json(m.at("options"))};
    if (kind == "dhaad_request") return DhaadRequest{m.at("identifier"), m.at("mobile_router")};
    if (kind == "dhaad_reply") {
        DhaadReply r{m.at("identifier"), m.at("mobile_router"), {}};
        for (const auto& a : m.at("home_agents")) r.home_agents.push_back(address(a));
        return r;
    }
    if (kind == "mps") return MobilePrefixSolicitation{m.at("identifier"), options_from_json(m.at("options"))};
    if (kind == "mpa")
        return MobilePrefixAdvertisement{m.at("identifier"), m.at("M"), m.at("O"), options_from_json(m.at("options"))};
    throw std::runtime_error("unknown message kind " + kind);
}

Errc errc_from_name(const std::string& name) {
    for (int i = 0; i <= static_cast<int>(Errc::solicited_to_multicast); i++)
        if (to_string(static_cast<Errc>(i)) == name) return static_cast<Errc>(i);
    ADD_FAILURE() << "vectors name an error xmip_nd does not have: " << name;
    return Errc::truncated;
}

namespace {

struct OptionDumper {
    std::ostringstream& os;
    void operator()(const SourceLinkLayerAddress& o) { os << "slla " << to_string(o.address); }
    void operator()(const TargetLinkLayerAddress& o) { os << "tlla " << to_string(o.address); }
    void operator()(const PrefixInformation& o) {
        os << "prefix " << to_string(o.prefix) << "/" << int(o.prefix_length) << (o.on_link ? " L" : "")
           << (o.autonomous ? " A" : "") << (o.router_address ? " R" : "") << " valid " << o.valid_lifetime
           << " preferred " << o.preferred_lifetime;
    }
    void operator()(const Mtu& o) { os << "mtu " << o.mtu; }
    void operator()(const AdvertisementInterval& o) { os << "adv_interval " << o.interval_ms << " ms"; }
    void operator()(const HomeAgentInformation& o) {
        os << "ha_info preference " << o.preference << " lifetime " << o.lifetime
           << (o.mobile_router_support ? " MR" : "");
    }
    void operator()(const RawOption& o) {
        os << "raw type " << int(o.type) << " body " << xmip::test::to_hex(o.body.data(), o.body.size());
    }
};

void dump_options(std::ostringstream& os, const Options& options) {
    for (const auto& o : options) {
        os << "\n  ";
        std::visit(OptionDumper{os}, o);
    }
}

struct MessageDumper {
    std::ostringstream& os;
    void operator()(const RouterSolicitation& m) {
        os << "RS";
        dump_options(os, m.options);
    }
    void operator()(const RouterAdvertisement& m) {
        os << "RA hop " << int(m.cur_hop_limit) << (m.managed ? " M" : "") << (m.other_config ? " O" : "")
           << (m.home_agent ? " H" : "") << " other_flags " << int(m.other_flags) << " lifetime " << m.router_lifetime
           << " reachable " << m.reachable_time << " retrans " << m.retrans_timer;
        dump_options(os, m.options);
    }
    void operator()(const NeighbourSolicitation& m) {
        os << "NS target " << to_string(m.target);
        dump_options(os, m.options);
    }
    void operator()(const NeighbourAdvertisement& m) {
        os << "NA" << (m.router_flag ? " R" : "") << (m.solicited_flag ? " S" : "") << (m.override_flag ? " O" : "")
           << " target " << to_string(m.target);
        dump_options(os, m.options);
    }
    void operator()(const DhaadRequest& m) {
        os << "DHAAD request id " << m.identifier << (m.mobile_router ? " MR" : "");
    }
    void operator()(const DhaadReply& m) {
        os << "DHAAD reply id " << m.identifier << (m.mobile_router ? " MR" : "");
        for (const auto& a : m.home_agents) os << "\n  " << to_string(a);
    }
    void operator()(const MobilePrefixSolicitation& m) {
        os << "MPS id " << m.identifier;
        dump_options(os, m.options);
    }
    void operator()(const MobilePrefixAdvertisement& m) {
        os << "MPA id " << m.identifier << (m.managed ? " M" : "") << (m.other_config ? " O" : "");
        dump_options(os, m.options);
    }
};

}  // namespace

std::string dump(const Option& o) {
    std::ostringstream os;
    std::visit(OptionDumper{os}, o);
    return os.str();
}

std::string dump(const Message& m) {
    std::ostringstream os;
    std::visit(MessageDumper{os}, m);
    return os.str();
}

std::vector<std::string> case_names(const char* section) {
    std::vector<std::string> r;
    for (const auto& c : vectors_file().at(section)) r.push_back(c.at("name"));
    return r;
}

const json& case_by_name(const char* section, const std::string& name) {
    for (const auto& c : vectors_file().at(section))
        if (c.at("name") == name) return c;
    throw std::runtime_error(std::string("no case ") + name + " in " + section);
}

}  // namespace xmip::nd::test
