// SPDX-License-Identifier: BSD-2-Clause
// Mobility Header messages inside whole IPv6 packets: what the agent gets
// from the datapath's signal ring (the packet exactly as received, see
// docs/datapath.md "Signalling on a kernel without MIP6") and what it sends.
//
// Checksum pseudo-header rules (RFC 6275 6.1.1, RFC 8200 8.1): the source is
// the home address from a Home Address option when there is one, otherwise
// the IPv6 source; the destination is the final destination, i.e. the home
// address in a type 2 routing header whose segments left is 1, otherwise the
// IPv6 destination (a routing header with segments left 0 has been processed
// and its address is no longer the final destination).
#pragma once

#include <netinet/in.h>

#include <optional>

#include "mh/bytes.hpp"
#include "mh/messages.hpp"
#include "mh/result.hpp"

namespace xmip::mh {

inline constexpr uint8_t kDefaultHopLimit = 64;
inline constexpr size_t kMaxExtHeaders = 8;  // bound on the header chain walk

struct Type2RoutingHeader {
    in6_addr home_address{};
    uint8_t segments_left = 1;
};

// The IPv6 envelope of a received Mobility Header.
struct PacketInfo {
    in6_addr src{};  // IPv6 source on the wire (the care-of address when there is an HAO)
    in6_addr dst{};  // IPv6 destination on the wire
    uint8_t hop_limit = 0;
    std::optional<in6_addr> home_address;               // Home Address option (6.3)
    std::optional<Type2RoutingHeader> routing_header2;  // type 2 routing header (6.4)
    size_t mh_offset = 0;                               // the MH within the packet
    size_t mh_length = 0;                               // (Header Len + 1) * 8 when decodable
    // The MH Type byte when the packet holds it (even if the message does not
    // decode): what a malformed message is counted as.
    std::optional<uint8_t> mh_type;

    // The pseudo-header addresses the MH checksum was verified with.
    in6_addr checksum_src() const;
    in6_addr checksum_dst() const;
};

struct ParsedPacket {
    PacketInfo info;
    // The Mobility Header's decode result. Kept apart from the envelope so a
    // caller can still answer: unknown_mh_type -> Binding Error status 2 to
    // info.src (home address field: info.home_address); bad_payload_proto ->
    // ICMP Parameter Problem. Error offsets here are from the packet start.
    Result<Message> message;
};

// Walks the IPv6 header and extension headers (hop-by-hop first only,
// destination options, routing; at most kMaxExtHeaders, each bounded by the
// payload length) to the Mobility Header and decodes it. Bytes after the
// IPv6 payload length (link padding) are ignored, as are bytes after the MH
// within the payload (RFC 8200 4.7: after "No Next Header"). Fails (with an
// offset from the packet start) when the envelope is unusable: truncated,
// not IPv6, a malformed or disallowed extension header, a fragment, or no MH.
Result<ParsedPacket> parse_packet(ByteView packet);

// A data packet with a Home Address option in the destination options header
// right after the IPv6 header (RFC 6275 6.3), as the correspondent's datapath
// hands over one it has no binding for (bpf/ro_hao.bpf.h): src, dst and
// home_address of its envelope. nullopt when it is not one: truncated, not
// IPv6, no such header, no option or a malformed one. The packet may be cut
// short after that header (the datapath copies at most 1280 bytes).
std::optional<PacketInfo> parse_home_address_packet(ByteView packet);

// What to send. For a Binding Update from a mobile node away from home:
// src = care-of address, dst = home agent, home_address = home address. For a
// Binding Acknowledgement to it: src = home agent, dst = care-of address,
// routing_header2 = home address.
struct PacketSpec {
    in6_addr src{};
    in6_addr dst{};
    std::optional<in6_addr> home_address;     // adds a Destination Options header with an HAO
    std::optional<in6_addr> routing_header2;  // adds a type 2 routing header, segments left 1
    uint8_t hop_limit = kDefaultHopLimit;
    uint8_t traffic_class = 0;
    uint32_t flow_label = 0;  // low 20 bits
    // Sent inside an IPv6-in-IPv6 tunnel (RFC 2473) from `src` to `dst` of
    // this outer header: a home agent's message to a home address whose
    // mobile node is away, other than a BA (RFC 6275 6.1 forbids the type 2
    // routing header to every other MH message; 10.4.2: the home agent
    // tunnels what is addressed to the home address). Hop limit as above,
    // traffic class and flow label 0.
    struct Tunnel {
        in6_addr src{};
        in6_addr dst{};
    };
    std::optional<Tunnel> tunnel;

    in6_addr checksum_src() const { return home_address ? *home_address : src; }
    in6_addr checksum_dst() const { return routing_header2 ? *routing_header2 : dst; }
};

// A whole IPv6 packet for an IPPROTO_RAW (header-included) socket: IPv6
// header, type 2 routing header, Destination Options header with the HAO
// (after the routing header, RFC 6275 6.3), then the MH with its checksum
// computed by the rules above; behind the outer header of spec.tunnel when
// it has one. Fails only when encode() does.
Result<Bytes> build_packet(const PacketSpec& spec, const Message& msg);

// The Destination Options header holding only a Home Address option: next
// header, Hdr Ext Len 2, PadN(2) so the option sits at 8n+6, the option
// (type 201, length 16, the address): 24 bytes. This is the IPV6_DSTOPTS
// ancillary data for a raw IPPROTO_MH socket (the kernel passes it through
// unchanged and fills in the next header itself).
Bytes home_address_dstopts(const in6_addr& home_address, uint8_t next_header = 135);

// For a raw IPPROTO_MH socket, where the kernel writes the IPv6 header: the
// IPV6_DSTOPTS bytes (empty without an HAO) and the MH, checksummed with the
// home address as source. A type 2 routing header cannot be sent that way on
// a kernel without MIP6 (IPV6_RTHDR refuses type 2): a spec with
// routing_header2 (or a tunnel) fails with rh2_needs_raw_packet; use build_packet.
//
// NOTE: Linux checksums raw IPPROTO_MH sockets itself by default (offset 4),
// over the packet's IPv6 source, i.e. the care-of address: wrong when an HAO
// is present. Set IPV6_CHECKSUM to -1 on that socket so the checksum computed
// here goes out unchanged (measured on this kernel, 6.18: by default the
// field is overwritten; with -1 it is kept, and the IPV6_DSTOPTS bytes go on
// the wire exactly as given).
struct SocketParts {
    Bytes dstopts;
    Bytes mh;
};
Result<SocketParts> build_socket_parts(const PacketSpec& spec, const Message& msg);

}  // namespace xmip::mh
