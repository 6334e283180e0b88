// SPDX-License-Identifier: BSD-2-Clause
#include "mh/codec.hpp"

#include <type_traits>

#include "mh/checksum.hpp"
#include "mh/options_codec.hpp"

namespace xmip::mh {
namespace {

// type_of() relies on the variant's alternatives being in MH Type order.
static_assert(std::variant_size_v<Message> == mh_type::be + 1);
static_assert(std::is_same_v<std::variant_alternative_t<mh_type::brr, Message>, BindingRefreshRequest>);
static_assert(std::is_same_v<std::variant_alternative_t<mh_type::hot, Message>, HomeTest>);
static_assert(std::is_same_v<std::variant_alternative_t<mh_type::bu, Message>, BindingUpdate>);
static_assert(std::is_same_v<std::variant_alternative_t<mh_type::ba, Message>, BindingAck>);
static_assert(std::is_same_v<std::variant_alternative_t<mh_type::be, Message>, BindingError>);

void put_array(Bytes& b, const std::array<uint8_t, 8>& a) { b.insert(b.end(), a.begin(), a.end()); }

std::array<uint8_t, 8> get_array8(const uint8_t* p) {
    std::array<uint8_t, 8> a;
    std::copy(p, p + 8, a.begin());
    return a;
}

// The fixed body of each message, after the 6-byte common header.
void encode_body(const Message& msg, Bytes& b) {
    std::visit(
        [&b](const auto& m) {
            using T = std::decay_t<decltype(m)>;
            if constexpr (std::is_same_v<T, BindingRefreshRequest>) {
                put16(b, 0);
            } else if constexpr (std::is_same_v<T, HomeTestInit> || std::is_same_v<T, CareOfTestInit>) {
                put16(b, 0);
                put_array(b, m.cookie);
            } else if constexpr (std::is_same_v<T, HomeTest> || std::is_same_v<T, CareOfTest>) {
                put16(b, m.nonce_index);
                put_array(b, m.cookie);
                put_array(b, m.keygen_token);
            } else if constexpr (std::is_same_v<T, BindingUpdate>) {
                put16(b, m.sequence);
                put16(b, m.flags);
                put16(b, m.lifetime);
            } else if constexpr (std::is_same_v<T, BindingAck>) {
                put8(b, m.status);
                put8(b, m.flags);
                put16(b, m.sequence);
                put16(b, m.lifetime);
            } else {
                static_assert(std::is_same_v<T, BindingError>);
                put8(b, m.status);
                put8(b, 0);
                put_in6(b, m.home_address);
            }
        },
        msg);
}

// Precondition: body holds fixed_body_length(type) bytes.
Message decode_body(uint8_t type, const uint8_t* p) {
    switch (type) {
    case mh_type::brr: return BindingRefreshRequest{};
    case mh_type::hoti: return HomeTestInit{get_array8(p + 2), {}};
    case mh_type::coti: return CareOfTestInit{get_array8(p + 2), {}};
    case mh_type::hot: return HomeTest{get16(p), get_array8(p + 2), get_array8(p + 10), {}};
    case mh_type::cot: return CareOfTest{get16(p), get_array8(p + 2), get_array8(p + 10), {}};
    case mh_type::bu: return BindingUpdate{get16(p), get16(p + 2), get16(p + 4), {}};
    case mh_type::ba: return BindingAck{p[0], p[1], get16(p + 2), get16(p + 4), {}};
    default: return BindingError{p[0], get_in6(p + 2), {}};
    }
}

}  // namespace

Result<Bytes> encode(const Message& msg, const in6_addr& src, const in6_addr& dst) {
    Bytes b;
    b.reserve(64);
    put8(b, kIpprotoNone);
    put8(b, 0);  // Header Len, below
    put8(b, type_of(msg));
    put8(b, 0);   // reserved
    put16(b, 0);  // checksum, below
    encode_body(msg, b);
    auto ok = encode_options(options_of(msg), b);
    if (!ok) return ok.error();
    if (b.size() > kMaxMhLength) return make_error(Errc::message_too_long, b.size(), type_of(msg));
    b[1] = static_cast<uint8_t>(b.size() / 8 - 1);
    set16(&b[4], mh_checksum(src, dst, b));
    return b;
}

Result<Message> decode(ByteView mh, const in6_addr& src, const in6_addr& dst) {
    if (mh.size() < 8) return make_error(Errc::truncated, mh.size());
    uint8_t type = mh[2];
    if (mh.size() % 8) return make_error(Errc::length_not_multiple_of_8, mh.size(), type);
    if ((size_t{mh[1]} + 1) * 8 != mh.size()) return make_error(Errc::header_length_mismatch, 1, type);
    if (!mh_checksum_ok(src, dst, mh)) return make_error(Errc::bad_checksum, 4, type);
    if (mh[0] != kIpprotoNone) return make_error(Errc::bad_payload_proto, 0, type);
    if (type > mh_type::be) return make_error(Errc::unknown_mh_type, 2, type);
    size_t body_end = 6 + fixed_body_length(type);
    if (mh.size() < body_end) return make_error(Errc::message_too_short, 1, type);
    Message msg = decode_body(type, mh.data() + 6);
    auto options = decode_options(mh, body_end);
    if (!options) {
        Error e = options.error();
        e.mh_type = type;
        return e;
    }
    options_of(msg) = std::move(*options);
    return msg;
}

}  // namespace xmip::mh
