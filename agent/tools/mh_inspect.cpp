// SPDX-License-Identifier: BSD-2-Clause
// xmip-mh-inspect: decode Mobility Header packets with xmip's own codec.
// Reads IPv6 packets as hex, one per line, on stdin (or as arguments) and
// prints one JSON object per packet: whether the envelope and the MH
// checksum are valid (with the RFC 6275 pseudo-header rules: the HAO's home
// address as source, the type 2 routing header's as destination) and the
// decoded message. Test scripts use it as the independent check of packets
// captured on the wire (tshark dissects MH but does not verify checksums).
#include <CLI/CLI.hpp>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/in6.hpp"
#include "mh/format.hpp"
#include "mh/packet.hpp"

namespace {

std::optional<std::vector<uint8_t>> from_hex(const std::string& s) {
    std::vector<uint8_t> out;
    if (s.size() % 2) return std::nullopt;
    for (size_t i = 0; i < s.size(); i += 2) {
        unsigned v;
        if (std::sscanf(s.substr(i, 2).c_str(), "%2x", &v) != 1) return std::nullopt;
        out.push_back(static_cast<uint8_t>(v));
    }
    return out;
}

nlohmann::json inspect(const std::string& hex) {
    using xmip::core::to_string;
    auto bytes = from_hex(hex);
    if (!bytes) return {{"valid", false}, {"error", "not hex"}};
    auto p = xmip::mh::parse_packet(*bytes);
    if (!p) return {{"valid", false}, {"error", std::string(xmip::mh::to_string(p.error().code))}};
    nlohmann::json j{{"src", to_string(p->info.src)}, {"dst", to_string(p->info.dst)}};
    if (p->info.home_address) j["home_address_option"] = to_string(*p->info.home_address);
    if (p->info.routing_header2) j["type2_routing_header"] = to_string(p->info.routing_header2->home_address);
    if (!p->message) {
        j["valid"] = false;
        j["error"] = std::string(xmip::mh::to_string(p->message.error().code));
        return j;
    }
    j["valid"] = true;  // checksum verified by the decoder
    const auto& m = *p->message;
    j["mh_type"] = xmip::mh::type_of(m);
    j["message"] = xmip::mh::to_string(m);
    if (auto* bu = std::get_if<xmip::mh::BindingUpdate>(&m)) {
        j["sequence"] = bu->sequence;
        j["lifetime"] = bu->lifetime_seconds();
        j["ack"] = bu->ack();
        j["home"] = bu->home_registration();
    } else if (auto* ba = std::get_if<xmip::mh::BindingAck>(&m)) {
        j["status"] = ba->status;
        j["sequence"] = ba->sequence;
        j["lifetime"] = ba->lifetime_seconds();
    } else if (auto* be = std::get_if<xmip::mh::BindingError>(&m)) {
        j["status"] = be->status;
    }
    return j;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"xmip-mh-inspect: decode and verify Mobility Header packets (hex IPv6 packets)"};
    std::vector<std::string> packets;
    app.add_option("packets", packets, "hex IPv6 packets (default: one per line on stdin)");
    CLI11_PARSE(app, argc, argv);
    bool all_valid = true;
    auto one = [&](const std::string& hex) {
        auto j = inspect(hex);
        all_valid = all_valid && j.value("valid", false);
        std::cout << j.dump() << "\n";
    };
    if (packets.empty())
        for (std::string line; std::getline(std::cin, line);) {
            if (!line.empty()) one(line);
        }
    else
        for (const auto& p : packets) one(p);
    return all_valid ? 0 : 1;
}
