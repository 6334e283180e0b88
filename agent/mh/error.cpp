// SPDX-License-Identifier: BSD-2-Clause
#include "mh/result.hpp"

namespace xmip::mh {

std::string_view to_string(Errc e) noexcept {
    switch (e) {
    case Errc::truncated: return "truncated";
    case Errc::length_not_multiple_of_8: return "length not a multiple of 8";
    case Errc::header_length_mismatch: return "header length inconsistent with the data";
    case Errc::bad_payload_proto: return "payload proto is not 59";
    case Errc::bad_checksum: return "bad checksum";
    case Errc::unknown_mh_type: return "unknown MH type";
    case Errc::message_too_short: return "message shorter than its fixed body";
    case Errc::option_overrun: return "option overruns the message";
    case Errc::option_bad_length: return "option of wrong length for its type";
    case Errc::auth_data_not_last: return "binding authorization data is not the last option";
    case Errc::option_too_long: return "option too long to encode";
    case Errc::message_too_long: return "message too long to encode";
    case Errc::rh2_needs_raw_packet: return "a type 2 routing header needs a raw IPv6 packet";
    case Errc::no_authentication_option: return "no authentication option";
    case Errc::authentication_not_last: return "authentication option is not the last option";
    case Errc::not_ipv6: return "not IPv6";
    case Errc::ipv6_length_mismatch: return "IPv6 payload length exceeds the packet";
    case Errc::ext_header_overrun: return "extension header overruns the packet";
    case Errc::too_many_ext_headers: return "too many extension headers";
    case Errc::hop_by_hop_not_first: return "hop-by-hop header not first";
    case Errc::ipv6_option_unrecognized: return "unrecognized IPv6 option that must be discarded";
    case Errc::bad_home_address_option: return "bad home address option";
    case Errc::bad_type2_routing_header: return "bad type 2 routing header";
    case Errc::unsupported_routing_header: return "unsupported routing header";
    case Errc::fragmented: return "fragmented packet";
    case Errc::not_mobility_header: return "not a mobility header";
    }
    return "unknown error";
}

}  // namespace xmip::mh
