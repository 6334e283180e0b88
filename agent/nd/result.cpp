// SPDX-License-Identifier: BSD-2-Clause
#include "nd/result.hpp"

namespace xmip::nd {

std::string_view to_string(Errc code) {
    switch (code) {
        case Errc::truncated: return "truncated";
        case Errc::wrong_type: return "wrong_type";
        case Errc::unknown_type: return "unknown_type";
        case Errc::option_length_zero: return "option_length_zero";
        case Errc::option_overrun: return "option_overrun";
        case Errc::bad_option_length: return "bad_option_length";
        case Errc::bad_prefix_length: return "bad_prefix_length";
        case Errc::bad_address_list: return "bad_address_list";
        case Errc::bad_hop_limit: return "bad_hop_limit";
        case Errc::bad_code: return "bad_code";
        case Errc::source_not_link_local: return "source_not_link_local";
        case Errc::unspecified_source_with_slla: return "unspecified_source_with_slla";
        case Errc::bad_dad_destination: return "bad_dad_destination";
        case Errc::multicast_target: return "multicast_target";
        case Errc::solicited_to_multicast: return "solicited_to_multicast";
    }
    return "unknown_error";
}

std::string describe(const Error& e) {
    return std::string(to_string(e.code)) + " at offset " + std::to_string(e.offset);
}

}  // namespace xmip::nd
