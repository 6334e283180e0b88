// SPDX-License-Identifier: BSD-2-Clause
#include "mh/packet.hpp"

#include <algorithm>

#include "mh/checksum.hpp"
#include "mh/codec.hpp"

namespace xmip::mh {
namespace {

constexpr size_t kIpv6HeaderLength = 40;
constexpr uint8_t kNextHopByHop = 0;
constexpr uint8_t kNextRouting = 43;
constexpr uint8_t kNextFragment = 44;
constexpr uint8_t kNextDstOpts = 60;
constexpr uint8_t kNextIpv6 = 41;  // IPv6-in-IPv6 (RFC 2473)
constexpr uint8_t kOptPad1 = 0;
constexpr uint8_t kOptPadN = 1;
constexpr uint8_t kOptHomeAddress = 201;  // 0xC9: top bits 11, "discard and send ICMP"

// Options of a hop-by-hop or destination options header, [from, to) of p.
Result<bool> walk_ipv6_options(ByteView p, size_t from, size_t to, bool destination,
                               PacketInfo& info) {
    size_t i = from;
    while (i < to) {
        uint8_t type = p[i];
        if (type == kOptPad1) {
            i++;
            continue;
        }
        if (i + 2 > to || i + 2 + p[i + 1] > to) return make_error(Errc::ext_header_overrun, i, 0, type);
        uint8_t len = p[i + 1];
        if (type == kOptHomeAddress) {
            // Only in a destination options header, length 16, once.
            if (!destination || len != 16 || info.home_address)
                return make_error(Errc::bad_home_address_option, i, 0, type);
            info.home_address = get_in6(&p[i + 2]);
        } else if (type != kOptPadN && (type >> 6) != 0) {
            // RFC 8200 4.2: an unrecognized option whose two top bits are not
            // 00 means the packet must be discarded.
            return make_error(Errc::ipv6_option_unrecognized, i, 0, type);
        }
        i += 2 + len;
    }
    return true;
}

Result<bool> walk_routing_header(ByteView p, size_t pos, PacketInfo& info) {
    uint8_t hdr_ext_len = p[pos + 1];
    uint8_t type = p[pos + 2];
    uint8_t segments_left = p[pos + 3];
    if (type == 2) {
        // RFC 6275 6.4: exactly one address (Hdr Ext Len 2), segments left 1
        // on the wire (0 once processed); at most one such header.
        if (hdr_ext_len != 2) return make_error(Errc::bad_type2_routing_header, pos + 1, 0, type);
        if (segments_left > 1) return make_error(Errc::bad_type2_routing_header, pos + 3, 0, type);
        if (info.routing_header2) return make_error(Errc::bad_type2_routing_header, pos, 0, type);
        info.routing_header2 = Type2RoutingHeader{get_in6(&p[pos + 8]), segments_left};
        return true;
    }
    // RFC 8200 4.4: a routing header with no segments left is ignored.
    if (segments_left != 0) return make_error(Errc::unsupported_routing_header, pos + 2, 0, type);
    return true;
}

void put_ipv6_header(Bytes& b, const PacketSpec& spec, uint16_t payload_length, uint8_t next) {
    put32(b, uint32_t{6} << 28 | uint32_t{spec.traffic_class} << 20 | (spec.flow_label & 0xfffff));
    put16(b, payload_length);
    put8(b, next);
    put8(b, spec.hop_limit);
    put_in6(b, spec.src);
    put_in6(b, spec.dst);
}

void put_type2_routing_header(Bytes& b, const in6_addr& home_address, uint8_t next) {
    put8(b, next);
    put8(b, 2);  // Hdr Ext Len: 24 bytes
    put8(b, 2);  // Routing Type 2
    put8(b, 1);  // Segments Left
    put32(b, 0);
    put_in6(b, home_address);
}

}  // namespace

in6_addr PacketInfo::checksum_src() const { return home_address ? *home_address : src; }

in6_addr PacketInfo::checksum_dst() const {
    return routing_header2 && routing_header2->segments_left > 0 ? routing_header2->home_address : dst;
}

std::optional<PacketInfo> parse_home_address_packet(ByteView p) {
    if (p.size() < kIpv6HeaderLength + 8 || p[0] >> 4 != 6 || p[6] != kNextDstOpts) return std::nullopt;
    const size_t end = std::min(p.size(), kIpv6HeaderLength + get16(&p[4]));
    const size_t length = (size_t{p[kIpv6HeaderLength + 1]} + 1) * 8;
    if (kIpv6HeaderLength + length > end) return std::nullopt;
    PacketInfo info;
    info.src = get_in6(&p[8]);
    info.dst = get_in6(&p[24]);
    info.hop_limit = p[7];
    if (!walk_ipv6_options(p, kIpv6HeaderLength + 2, kIpv6HeaderLength + length, true, info) || !info.home_address)
        return std::nullopt;
    return info;
}

Result<ParsedPacket> parse_packet(ByteView p) {
    if (p.size() < kIpv6HeaderLength) return make_error(Errc::truncated, p.size());
    if (p[0] >> 4 != 6) return make_error(Errc::not_ipv6, 0);
    size_t end = kIpv6HeaderLength + get16(&p[4]);
    if (end > p.size()) return make_error(Errc::ipv6_length_mismatch, 4);
    p = p.first(end);  // ignore link-layer padding after the payload

    PacketInfo info;
    info.src = get_in6(&p[8]);
    info.dst = get_in6(&p[24]);
    info.hop_limit = p[7];

    uint8_t next = p[6];
    size_t next_at = 6;  // where the current next header value was read from
    size_t pos = kIpv6HeaderLength;
    for (size_t count = 0; next != kIpprotoMh; count++) {
        if (count == kMaxExtHeaders) return make_error(Errc::too_many_ext_headers, pos);
        if (next == kNextFragment) return make_error(Errc::fragmented, pos);
        if (next != kNextHopByHop && next != kNextDstOpts && next != kNextRouting)
            return make_error(Errc::not_mobility_header, next_at, 0, next);
        if (next == kNextHopByHop && pos != kIpv6HeaderLength)
            return make_error(Errc::hop_by_hop_not_first, next_at);
        if (pos + 8 > end) return make_error(Errc::ext_header_overrun, pos);
        size_t length = (size_t{p[pos + 1]} + 1) * 8;
        if (pos + length > end) return make_error(Errc::ext_header_overrun, pos + 1);
        Result<bool> r = next == kNextRouting
                             ? walk_routing_header(p, pos, info)
                             : walk_ipv6_options(p, pos + 2, pos + length, next == kNextDstOpts, info);
        if (!r) return r.error();
        next = p[pos];
        next_at = pos;
        pos += length;
    }

    info.mh_offset = pos;
    size_t remaining = end - pos;
    if (remaining > 2) info.mh_type = p[pos + 2];
    auto fail = [&](Errc code, size_t offset) {
        return ParsedPacket{info, make_error(code, pos + offset, remaining > 2 ? p[pos + 2] : 0)};
    };
    if (remaining < 8) return fail(Errc::truncated, remaining);
    size_t mh_length = (size_t{p[pos + 1]} + 1) * 8;
    if (mh_length > remaining) return fail(Errc::header_length_mismatch, 1);
    info.mh_length = mh_length;
    Result<Message> msg = decode(p.subspan(pos, mh_length), info.checksum_src(), info.checksum_dst());
    if (!msg) {
        Error e = msg.error();
        e.offset += pos;
        return ParsedPacket{info, e};
    }
    return ParsedPacket{info, std::move(*msg)};
}

Bytes home_address_dstopts(const in6_addr& home_address, uint8_t next_header) {
    Bytes b;
    put8(b, next_header);
    put8(b, 2);  // Hdr Ext Len: 24 bytes
    put8(b, kOptPadN);
    put8(b, 2);
    put16(b, 0);
    put8(b, kOptHomeAddress);  // at offset 6: 8n+6
    put8(b, 16);
    put_in6(b, home_address);
    return b;
}

Result<Bytes> build_packet(const PacketSpec& spec, const Message& msg) {
    Result<Bytes> mh = encode(msg, spec.checksum_src(), spec.checksum_dst());
    if (!mh) return mh.error();
    Bytes ext;
    uint8_t first = kIpprotoMh;
    // Built back to front so each header names the one after it.
    if (spec.home_address) {
        ext = home_address_dstopts(*spec.home_address, first);
        first = kNextDstOpts;
    }
    if (spec.routing_header2) {
        Bytes rh;
        put_type2_routing_header(rh, *spec.routing_header2, first);
        ext.insert(ext.begin(), rh.begin(), rh.end());
        first = kNextRouting;
    }
    Bytes b;
    b.reserve(kIpv6HeaderLength + ext.size() + mh->size());
    const size_t inner_length = kIpv6HeaderLength + ext.size() + mh->size();
    if (spec.tunnel) {
        PacketSpec outer;
        outer.src = spec.tunnel->src;
        outer.dst = spec.tunnel->dst;
        outer.hop_limit = spec.hop_limit;
        b.reserve(kIpv6HeaderLength + inner_length);
        put_ipv6_header(b, outer, static_cast<uint16_t>(inner_length), kNextIpv6);
    }
    put_ipv6_header(b, spec, static_cast<uint16_t>(ext.size() + mh->size()), first);
    put_bytes(b, ext);
    put_bytes(b, *mh);
    return b;
}

Result<SocketParts> build_socket_parts(const PacketSpec& spec, const Message& msg) {
    if (spec.routing_header2 || spec.tunnel) return make_error(Errc::rh2_needs_raw_packet);
    Result<Bytes> mh = encode(msg, spec.checksum_src(), spec.checksum_dst());
    if (!mh) return mh.error();
    SocketParts parts;
    if (spec.home_address) parts.dstopts = home_address_dstopts(*spec.home_address);
    parts.mh = std::move(*mh);
    return parts;
}

}  // namespace xmip::mh
