// SPDX-License-Identifier: BSD-2-Clause
#include "mh/options_codec.hpp"

#include "mh/option_walk.hpp"

#include <optional>
#include <type_traits>

namespace xmip::mh {
namespace {

// Pad1 for one byte, PadN with zero content otherwise (RFC 6275 6.2.2-6.2.3;
// Linux refuses PadN with non-zero content in IPv6 options, keep it zero here
// too).
void pad(Bytes& out, size_t n) {
    if (n == 0) return;
    if (n == 1) {
        out.push_back(opt::pad1);
        return;
    }
    out.push_back(opt::padn);
    out.push_back(static_cast<uint8_t>(n - 2));
    out.insert(out.end(), n - 2, 0);
}

size_t padding_for(Alignment a, size_t pos) {
    if (a.x == 0) return 0;
    return (a.y + a.x - pos % a.x) % a.x;
}

// An option that must be the last one of the message: the MN-HA
// Authentication option (RFC 4285 5: "MUST be the last option") and
// Binding Authorization Data (RFC 6275 6.2.7).
bool must_be_last(uint8_t type) {
    return type == opt::authentication || type == opt::binding_authorization_data;
}

// Padding before the last option such that it meets its alignment and ends
// the message on its 8-octet boundary, so no padding follows it. None if
// the alignment and the length cannot both be met (then the option is
// aligned and the message padded after it, as for any other option).
std::optional<size_t> padding_to_end_with(Alignment a, size_t pos, size_t option_len) {
    for (size_t p = 0; p < 8; p++) {
        if (padding_for(a, pos + p) == 0 && (pos + p + option_len) % 8 == 0) return p;
    }
    return std::nullopt;
}

Bytes option_body(const Option& o) {
    Bytes b;
    std::visit(
        [&b](const auto& v) {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, BindingRefreshAdvice>) {
                put16(b, v.interval);
            } else if constexpr (std::is_same_v<T, AlternateCareOfAddress>) {
                put_in6(b, v.address);
            } else if constexpr (std::is_same_v<T, NonceIndices>) {
                put16(b, v.home_nonce_index);
                put16(b, v.care_of_nonce_index);
            } else if constexpr (std::is_same_v<T, BindingAuthorizationData>) {
                put_bytes(b, v.authenticator);
            } else if constexpr (std::is_same_v<T, Authentication>) {
                put8(b, v.subtype);
                put32(b, v.spi);
                put_bytes(b, v.authenticator);
            } else if constexpr (std::is_same_v<T, ReplayProtection>) {
                put64(b, v.timestamp);
            } else {
                static_assert(std::is_same_v<T, UnknownOption>);
                put_bytes(b, v.data);
            }
        },
        o);
    return b;
}

// Option lengths the RFCs fix (body length, without type and length bytes).
bool length_ok(uint8_t type, size_t len) {
    switch (type) {
    case opt::binding_refresh_advice: return len == 2;
    case opt::alternate_coa: return len == 16;
    case opt::nonce_indices: return len == 4;
    case opt::binding_authorization_data: return len == 12;
    case opt::authentication: return len >= 5;  // subtype + SPI + authenticator
    case opt::replay_protection: return len == 8;
    default: return true;
    }
}

}  // namespace

Result<bool> encode_options(const Options& options, Bytes& out) {
    for (size_t i = 0; i < options.size(); i++) {
        const Option& o = options[i];
        uint8_t type = option_type(o);
        if (type == opt::binding_authorization_data && i + 1 != options.size())
            return make_error(Errc::auth_data_not_last, out.size());
        Bytes body = option_body(o);
        if (body.size() > 255) return make_error(Errc::option_too_long, out.size(), 0, type);
        std::optional<size_t> before;
        if (must_be_last(type) && i + 1 == options.size())
            before = padding_to_end_with(option_alignment(type), out.size(), 2 + body.size());
        pad(out, before.value_or(padding_for(option_alignment(type), out.size())));
        out.push_back(type);
        out.push_back(static_cast<uint8_t>(body.size()));
        put_bytes(out, body);
    }
    pad(out, (8 - out.size() % 8) % 8);
    return true;
}

Result<Options> decode_options(ByteView mh, size_t start) {
    Options options;
    bool after_auth_data = false;
    auto error = walk_options(mh, start, 0, [&](const RawOption& o) -> std::optional<Error> {
        const uint8_t type = o.type;
        const size_t pos = o.offset;
        const size_t len = o.length;
        const uint8_t* body = o.body;
        if (type == opt::padn) return std::nullopt;
        // RFC 6275 6.2.7: Binding Authorization Data is the last option
        // (padding after it is tolerated: it carries nothing).
        if (after_auth_data) return make_error(Errc::auth_data_not_last, pos, 0, type);
        if (!length_ok(type, len)) return make_error(Errc::option_bad_length, pos, 0, type);
        switch (type) {
        case opt::binding_refresh_advice:
            options.emplace_back(BindingRefreshAdvice{get16(body)});
            break;
        case opt::alternate_coa:
            options.emplace_back(AlternateCareOfAddress{get_in6(body)});
            break;
        case opt::nonce_indices:
            options.emplace_back(NonceIndices{get16(body), get16(body + 2)});
            break;
        case opt::binding_authorization_data: {
            BindingAuthorizationData bad;
            std::copy(body, body + 12, bad.authenticator.begin());
            options.emplace_back(bad);
            after_auth_data = true;
            break;
        }
        case opt::authentication:
            options.emplace_back(
                Authentication{body[0], get32(body + 1), std::vector<uint8_t>(body + 5, body + len)});
            break;
        case opt::replay_protection:
            options.emplace_back(ReplayProtection{get64(body)});
            break;
        default:
            // RFC 6275 6.2.1: skip an unrecognized option by its length; kept
            // for the caller.
            options.emplace_back(UnknownOption{type, std::vector<uint8_t>(body, body + len)});
            break;
        }
        return std::nullopt;
    });
    if (error) return *error;
    return options;
}

}  // namespace xmip::mh
