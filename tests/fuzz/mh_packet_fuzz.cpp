// SPDX-License-Identifier: BSD-2-Clause
// Fuzz target: whole IPv6 packets as the datapath hands them to the agent
// (mh::parse_packet: extension header walk, Home Address option, type 2
// routing header, then the Mobility Header).
//
// Each input is parsed as given, and again with the MH checksum recomputed
// for the pseudo-header the parser chose, so mutations get past the checksum.
//
// Invariants:
// - the MH found lies inside the packet and its length is what decode saw;
// - the pseudo-header addresses follow RFC 6275 6.1.1 (HAO replaces the
//   source, an RH2 with segments left 1 the destination);
// - a decodable packet rebuilt with build_packet() (the same envelope as the
//   agent sends it) parses back to the same envelope and message.
#include <cstring>

#include "fuzz_check.hpp"
#include "mh/checksum.hpp"
#include "mh/packet.hpp"

using namespace xmip::mh;

namespace {

bool same(const in6_addr& a, const in6_addr& b) { return std::memcmp(&a, &b, sizeof a) == 0; }

void check_envelope(ByteView packet, const PacketInfo& info) {
    FUZZ_CHECK(info.mh_offset >= 40 && info.mh_offset <= packet.size());
    in6_addr csrc = info.checksum_src(), cdst = info.checksum_dst();
    FUZZ_CHECK(same(csrc, info.home_address ? *info.home_address : info.src));
    bool rh2_pending = info.routing_header2 && info.routing_header2->segments_left == 1;
    FUZZ_CHECK(same(cdst, rh2_pending ? info.routing_header2->home_address : info.dst));
    if (info.routing_header2) FUZZ_CHECK(info.routing_header2->segments_left <= 1);
}

void check_rebuild(const ParsedPacket& p) {
    const PacketInfo& info = p.info;
    // build_packet() writes an RH2 with segments left 1 only.
    if (info.routing_header2 && info.routing_header2->segments_left != 1) return;
    PacketSpec spec;
    spec.src = info.src;
    spec.dst = info.dst;
    spec.hop_limit = info.hop_limit;
    spec.home_address = info.home_address;
    if (info.routing_header2) spec.routing_header2 = info.routing_header2->home_address;
    auto built = build_packet(spec, *p.message);
    FUZZ_CHECK(built.ok());
    auto again = parse_packet(*built);
    FUZZ_CHECK(again.ok() && again->message.ok());
    const PacketInfo& a = again->info;
    FUZZ_CHECK(same(a.src, info.src) && same(a.dst, info.dst) && a.hop_limit == info.hop_limit);
    FUZZ_CHECK(a.home_address.has_value() == info.home_address.has_value());
    if (a.home_address) FUZZ_CHECK(same(*a.home_address, *info.home_address));
    FUZZ_CHECK(a.routing_header2.has_value() == info.routing_header2.has_value());
    if (a.routing_header2) FUZZ_CHECK(same(a.routing_header2->home_address, info.routing_header2->home_address));
    FUZZ_CHECK(*again->message == *p.message);
}

// Returns the packet with the MH checksum fixed, or nothing when the parser
// found no MH to fix.
std::optional<Bytes> with_fixed_checksum(ByteView packet, const ParsedPacket& p) {
    const PacketInfo& info = p.info;
    if (p.message.ok() || p.message.error().code != Errc::bad_checksum) return std::nullopt;
    FUZZ_CHECK(info.mh_length >= 8 && info.mh_offset + info.mh_length <= packet.size());
    Bytes fixed(packet.begin(), packet.end());
    ByteView mh(fixed.data() + info.mh_offset, info.mh_length);
    uint16_t sum = mh_checksum(info.checksum_src(), info.checksum_dst(), mh);
    fixed[info.mh_offset + 4] = static_cast<uint8_t>(sum >> 8);
    fixed[info.mh_offset + 5] = static_cast<uint8_t>(sum);
    return fixed;
}

const ParsedPacket* check_one(ByteView packet, std::optional<ParsedPacket>& keep) {
    auto r = parse_packet(packet);
    if (!r) return nullptr;
    check_envelope(packet, r->info);
    if (r->message.ok()) {
        FUZZ_CHECK(r->info.mh_offset + r->info.mh_length <= packet.size());
        check_rebuild(*r);
    }
    keep = std::move(*r);
    return &*keep;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    ByteView packet(data, size);
    std::optional<ParsedPacket> first;
    const ParsedPacket* p = check_one(packet, first);
    if (!p) return 0;
    if (auto fixed = with_fixed_checksum(packet, *p)) {
        std::optional<ParsedPacket> second;
        const ParsedPacket* q = check_one(*fixed, second);
        FUZZ_CHECK(q != nullptr);  // only the checksum changed: the envelope still parses
        FUZZ_CHECK(q->message.ok() || q->message.error().code != Errc::bad_checksum);
    }
    return 0;
}
