// SPDX-License-Identifier: BSD-2-Clause
// Mobility Header messages (RFC 6275 6.1.2-6.1.9) as plain structs.
//
// Fields are kept as on the wire: lifetimes in 4-second units, flag words
// whole (so flags from other RFCs and reserved bits survive a decode/encode
// round trip), cookies and tokens as the opaque 8 bytes they are. Reserved
// fields outside the flag words are ignored on decode and zero on encode.
#pragma once

#include <netinet/in.h>

#include <array>
#include <cstdint>
#include <variant>

#include "mh/options.hpp"

namespace xmip::mh {

namespace mh_type {
inline constexpr uint8_t brr = 0;
inline constexpr uint8_t hoti = 1;
inline constexpr uint8_t coti = 2;
inline constexpr uint8_t hot = 3;
inline constexpr uint8_t cot = 4;
inline constexpr uint8_t bu = 5;
inline constexpr uint8_t ba = 6;
inline constexpr uint8_t be = 7;
}  // namespace mh_type

using Cookie = std::array<uint8_t, 8>;        // home/care-of init cookie
using KeygenToken = std::array<uint8_t, 8>;   // home/care-of keygen token

// ---- lifetimes and sequence numbers --------------------------------------

// Lifetimes (BU, BA) and the Binding Refresh Advice interval are 16-bit
// counts of 4-second units: at most 65535 * 4 = 262140 s.
inline constexpr uint32_t kLifetimeUnitSeconds = 4;
inline constexpr uint32_t kMaxLifetimeSeconds = 0xffff * kLifetimeUnitSeconds;

constexpr uint32_t lifetime_to_seconds(uint16_t units) { return uint32_t{units} * kLifetimeUnitSeconds; }
// Rounds down (a binding is never announced as living longer than asked) and
// clamps to 262140 s.
constexpr uint16_t lifetime_from_seconds(uint64_t seconds) {
    return seconds >= kMaxLifetimeSeconds ? uint16_t{0xffff}
                                          : static_cast<uint16_t>(seconds / kLifetimeUnitSeconds);
}

// Sequence numbers compare modulo 2^16 (RFC 6275 9.5.1): `a` is newer than
// `b` when it lies 1 to 2^15 - 1 ahead of it. With b = 15, the values
// 32783..65535 and 0..15 are "less than or equal" (the RFC's example), so
// 32782 is newer and 32783 is not.
constexpr bool seq_newer(uint16_t a, uint16_t b) {
    uint16_t d = static_cast<uint16_t>(a - b);
    return d != 0 && d < 0x8000;
}

// ---- messages ---------------------------------------------------------------

// Type 0. Body: 16 reserved bits.
struct BindingRefreshRequest {
    Options options;
    bool operator==(const BindingRefreshRequest&) const = default;
};

// Type 1. Body: 16 reserved bits, home init cookie.
struct HomeTestInit {
    Cookie cookie{};
    Options options;
    bool operator==(const HomeTestInit&) const = default;
};

// Type 2. Body: 16 reserved bits, care-of init cookie.
struct CareOfTestInit {
    Cookie cookie{};
    Options options;
    bool operator==(const CareOfTestInit&) const = default;
};

// Type 3. Body: home nonce index, home init cookie, home keygen token.
struct HomeTest {
    uint16_t nonce_index = 0;
    Cookie cookie{};
    KeygenToken keygen_token{};
    Options options;
    bool operator==(const HomeTest&) const = default;
};

// Type 4. Body: care-of nonce index, care-of init cookie, care-of keygen token.
struct CareOfTest {
    uint16_t nonce_index = 0;
    Cookie cookie{};
    KeygenToken keygen_token{};
    Options options;
    bool operator==(const CareOfTest&) const = default;
};

// Type 5. Body: sequence, flags (16 bits incl. reserved), lifetime.
struct BindingUpdate {
    static constexpr uint16_t flag_ack = 0x8000;            // A: acknowledge
    static constexpr uint16_t flag_home = 0x4000;           // H: home registration
    static constexpr uint16_t flag_link_local = 0x2000;     // L: link-local address compatibility
    static constexpr uint16_t flag_key_mgmt = 0x1000;       // K: key management mobility capability
    static constexpr uint16_t flag_map = 0x0800;            // M: RFC 5380 MAP registration
    static constexpr uint16_t flag_mobile_router = 0x0400;  // R: RFC 3963 mobile router
    static constexpr uint16_t flag_proxy = 0x0200;          // P: RFC 5213 proxy registration

    uint16_t sequence = 0;
    uint16_t flags = 0;
    uint16_t lifetime = 0;  // 4-second units; 0 = deregistration
    Options options;

    bool ack() const { return flags & flag_ack; }
    bool home_registration() const { return flags & flag_home; }
    bool link_local_compat() const { return flags & flag_link_local; }
    bool key_management() const { return flags & flag_key_mgmt; }
    bool mobile_router() const { return flags & flag_mobile_router; }
    bool proxy() const { return flags & flag_proxy; }
    void set_flag(uint16_t flag, bool on) { flags = on ? (flags | flag) : (flags & ~flag); }
    uint32_t lifetime_seconds() const { return lifetime_to_seconds(lifetime); }
    void set_lifetime_seconds(uint64_t s) { lifetime = lifetime_from_seconds(s); }

    bool operator==(const BindingUpdate&) const = default;
};

// Binding Acknowledgement status (RFC 6275 6.1.8, RFC 4285 8).
namespace ba_status {
inline constexpr uint8_t accepted = 0;
inline constexpr uint8_t accepted_prefix_discovery = 1;
inline constexpr uint8_t unspecified = 128;
inline constexpr uint8_t prohibited = 129;
inline constexpr uint8_t insufficient_resources = 130;
inline constexpr uint8_t home_registration_not_supported = 131;
inline constexpr uint8_t not_home_subnet = 132;
inline constexpr uint8_t not_home_agent = 133;
inline constexpr uint8_t dad_failed = 134;
inline constexpr uint8_t sequence_out_of_window = 135;
inline constexpr uint8_t expired_home_nonce = 136;
inline constexpr uint8_t expired_care_of_nonce = 137;
inline constexpr uint8_t expired_nonces = 138;
inline constexpr uint8_t registration_type_change = 139;
inline constexpr uint8_t mobile_router_not_permitted = 140;  // RFC 3963 6.2: no NEMO here
inline constexpr uint8_t id_mismatch = 144;          // RFC 4285 MIPV6-ID-MISMATCH
inline constexpr uint8_t message_id_required = 145;  // RFC 4285 MIPV6-MESG-ID-REQD
inline constexpr uint8_t auth_failed = 146;          // RFC 4285 MIPV6-AUTH-FAIL
}  // namespace ba_status

// Type 6. Body: status, flags (8 bits incl. reserved), sequence, lifetime.
struct BindingAck {
    static constexpr uint8_t flag_key_mgmt = 0x80;       // K
    static constexpr uint8_t flag_mobile_router = 0x40;  // R: RFC 3963
    static constexpr uint8_t flag_proxy = 0x20;          // P: RFC 5213

    uint8_t status = ba_status::accepted;
    uint8_t flags = 0;
    uint16_t sequence = 0;
    uint16_t lifetime = 0;  // 4-second units
    Options options;

    bool accepted() const { return status < 128; }
    bool key_management() const { return flags & flag_key_mgmt; }
    bool mobile_router() const { return flags & flag_mobile_router; }
    void set_flag(uint8_t flag, bool on) {
        flags = static_cast<uint8_t>(on ? (flags | flag) : (flags & ~flag));
    }
    uint32_t lifetime_seconds() const { return lifetime_to_seconds(lifetime); }
    void set_lifetime_seconds(uint64_t s) { lifetime = lifetime_from_seconds(s); }

    bool operator==(const BindingAck&) const = default;
};

namespace be_status {
inline constexpr uint8_t unknown_binding_for_hao = 1;
inline constexpr uint8_t unrecognized_mh_type = 2;
}  // namespace be_status

// Type 7. Body: status, 8 reserved bits, home address.
struct BindingError {
    uint8_t status = be_status::unknown_binding_for_hao;
    in6_addr home_address{};
    Options options;
    bool operator==(const BindingError& o) const;
};

using Message = std::variant<BindingRefreshRequest, HomeTestInit, CareOfTestInit, HomeTest,
                             CareOfTest, BindingUpdate, BindingAck, BindingError>;

// The MH Type of a message (the variant's alternatives are in type order).
inline uint8_t type_of(const Message& m) { return static_cast<uint8_t>(m.index()); }

// Bytes of the message body after the 6-byte common header, options excluded
// (RFC 6275 6.1.2-6.1.9); the minimum MH length is 6 + this.
size_t fixed_body_length(uint8_t mh_type);

const Options& options_of(const Message& m);
Options& options_of(Message& m);

}  // namespace xmip::mh
