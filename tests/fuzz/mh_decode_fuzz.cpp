// SPDX-License-Identifier: BSD-2-Clause
// Fuzz target: one Mobility Header on its own (mh::decode), the RFC 4285
// authentication input over it (mh::authentication_input) and the RFC 6275
// Binding Authorization Data input (mh::binding_authorization_input).
//
// Input: 16 bytes checksum source, 16 bytes checksum destination, then the
// Mobility Header. Each input is decoded twice: as given (the checksum gate),
// and with its checksum recomputed, so mutations reach the body and option
// parsers instead of dying at the checksum.
//
// Invariants:
// - what decodes re-encodes, and decoding that gives the same message;
// - encoding is deterministic (encode(decode(encode(m))) == encode(m));
// - authentication_input() of a decodable MH agrees with the decoded options
//   about whether an MN-HA Authentication option is there, and its output is
//   care-of address | home address | a prefix of the MH with the checksum zeroed;
// - binding_authorization_input() (RFC 6275 6.2.7) of a decodable MH succeeds
//   exactly when the decoded options end with Binding Authorization Data,
//   and its output is the addresses plus the MH with the checksum zeroed and
//   only the 12 authenticator bytes missing.
#include <cstring>

#include "fuzz_check.hpp"
#include "mh/auth.hpp"
#include "mh/binding_auth.hpp"
#include "mh/checksum.hpp"
#include "mh/codec.hpp"

using namespace xmip::mh;

namespace {

bool has_mn_ha_auth(const Message& m) {
    for (const auto& o : options_of(m))
        if (const auto* a = std::get_if<Authentication>(&o); a && a->subtype == Authentication::mn_ha) return true;
    return false;
}

void check_auth_input(ByteView mh, const Message& msg) {
    in6_addr coa{}, hoa{};
    coa.s6_addr[0] = 0x20;
    hoa.s6_addr[0] = 0xfd;
    auto in = authentication_input(mh, coa, hoa);
    if (!in) {
        // The codec found the option but the authentication scanner did not:
        // the agent would refuse a correctly authenticated message.
        FUZZ_CHECK(in.error().code != Errc::no_authentication_option || !has_mn_ha_auth(msg));
        return;
    }
    FUZZ_CHECK(has_mn_ha_auth(msg));
    const Bytes& b = *in;
    FUZZ_CHECK(b.size() > 32 + 6 && b.size() <= 32 + mh.size());
    FUZZ_CHECK(std::memcmp(b.data(), &coa, 16) == 0 && std::memcmp(b.data() + 16, &hoa, 16) == 0);
    FUZZ_CHECK(b[32 + 4] == 0 && b[32 + 5] == 0);
    FUZZ_CHECK(std::memcmp(b.data() + 32, mh.data(), 4) == 0);
    FUZZ_CHECK(std::memcmp(b.data() + 38, mh.data() + 6, b.size() - 38) == 0);
}

// Decoding refuses an option after Binding Authorization Data, so in a
// decodable message it is last whenever it is there.
bool has_binding_auth_data(const Message& m) {
    const auto& o = options_of(m);
    return !o.empty() && std::holds_alternative<BindingAuthorizationData>(o.back());
}

void check_binding_auth_input(ByteView mh, const Message& msg) {
    in6_addr coa{}, cn{};
    coa.s6_addr[0] = 0x20;
    cn.s6_addr[15] = 0x10;
    auto in = binding_authorization_input(mh, coa, cn);
    FUZZ_CHECK(in.ok() == has_binding_auth_data(msg));
    if (!in) return;
    auto at = binding_authenticator_offset(mh);
    FUZZ_CHECK(at.ok() && *at >= 8 && *at + kBindingAuthenticatorLength <= mh.size());
    const Bytes& b = *in;
    FUZZ_CHECK(b.size() == 32 + mh.size() - kBindingAuthenticatorLength);
    FUZZ_CHECK(std::memcmp(b.data(), &coa, 16) == 0 && std::memcmp(b.data() + 16, &cn, 16) == 0);
    FUZZ_CHECK(b[32 + 4] == 0 && b[32 + 5] == 0);
    FUZZ_CHECK(std::memcmp(b.data() + 32, mh.data(), 4) == 0);
    FUZZ_CHECK(std::memcmp(b.data() + 38, mh.data() + 6, *at - 6) == 0);
    FUZZ_CHECK(std::memcmp(b.data() + 32 + *at, mh.data() + *at + kBindingAuthenticatorLength,
                           mh.size() - *at - kBindingAuthenticatorLength) == 0);
}

void check_one(ByteView mh, const in6_addr& src, const in6_addr& dst) {
    auto msg = decode(mh, src, dst);
    if (!msg) return;
    check_auth_input(mh, *msg);
    check_binding_auth_input(mh, *msg);

    auto enc = encode(*msg, src, dst);
    FUZZ_CHECK(enc.ok());  // every decodable message is encodable
    FUZZ_CHECK(enc->size() <= kMaxMhLength && enc->size() % 8 == 0);
    auto again = decode(*enc, src, dst);
    FUZZ_CHECK(again.ok());
    FUZZ_CHECK(*again == *msg);
    auto enc2 = encode(*again, src, dst);
    FUZZ_CHECK(enc2.ok() && *enc2 == *enc);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 32) return 0;
    in6_addr src, dst;
    std::memcpy(&src, data, 16);
    std::memcpy(&dst, data + 16, 16);
    ByteView mh(data + 32, size - 32);
    check_one(mh, src, dst);

    if (mh.size() >= 8) {
        Bytes fixed(mh.begin(), mh.end());
        fixed[4] = fixed[5] = 0;
        uint16_t sum = mh_checksum(src, dst, fixed);
        fixed[4] = static_cast<uint8_t>(sum >> 8);
        fixed[5] = static_cast<uint8_t>(sum);
        FUZZ_CHECK(mh_checksum_ok(src, dst, fixed));
        check_one(fixed, src, dst);
    }
    return 0;
}
