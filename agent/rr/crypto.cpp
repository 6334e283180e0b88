// SPDX-License-Identifier: BSD-2-Clause
#include "rr/crypto.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <algorithm>

#include "mh/binding_auth.hpp"
#include "mh/codec.hpp"

namespace xmip::rr {
namespace {

std::array<uint8_t, 20> hmac_sha1(const uint8_t* key, size_t key_len, mh::ByteView in) {
    std::array<uint8_t, 20> out{};
    unsigned int len = 0;
    // One-shot HMAC(): inputs are tens of bytes.
    HMAC(EVP_sha1(), key, static_cast<int>(key_len), in.data(), in.size(), out.data(), &len);
    return out;
}

Token keygen_token(const Kcn& kcn, const in6_addr& address, const Nonce& nonce, uint8_t which) {
    mh::Bytes in;
    in.reserve(16 + nonce.size() + 1);
    mh::put_in6(in, address);
    in.insert(in.end(), nonce.begin(), nonce.end());
    in.push_back(which);
    auto mac = hmac_sha1(kcn.data(), kcn.size(), in);
    Token t;
    std::copy_n(mac.begin(), t.size(), t.begin());
    return t;
}

}  // namespace

Token home_keygen_token(const Kcn& kcn, const in6_addr& home_address, const Nonce& nonce) {
    return keygen_token(kcn, home_address, nonce, 0);
}

Token care_of_keygen_token(const Kcn& kcn, const in6_addr& care_of_address, const Nonce& nonce) {
    return keygen_token(kcn, care_of_address, nonce, 1);
}

Kbm binding_key(const Token& home, const std::optional<Token>& care_of) {
    uint8_t in[16];
    std::copy(home.begin(), home.end(), in);
    size_t n = home.size();
    if (care_of) {
        std::copy(care_of->begin(), care_of->end(), in + n);
        n += care_of->size();
    }
    Kbm k{};
    SHA1(in, n, k.data());
    return k;
}

Authenticator authenticator(const Kbm& kbm, mh::ByteView input) {
    auto mac = hmac_sha1(kbm.data(), kbm.size(), input);
    Authenticator a;
    std::copy_n(mac.begin(), a.size(), a.begin());
    return a;
}

mh::Result<Authenticator> authenticator_of(const Kbm& kbm, mh::ByteView mh, const in6_addr& care_of_address,
                                           const in6_addr& correspondent) {
    auto in = mh::binding_authorization_input(mh, care_of_address, correspondent);
    if (!in) return in.error();
    return authenticator(kbm, *in);
}

bool verify(const Kbm& kbm, mh::ByteView mh, const in6_addr& care_of_address, const in6_addr& correspondent) {
    auto at = mh::binding_authenticator_offset(mh);
    if (!at) return false;
    auto expected = authenticator_of(kbm, mh, care_of_address, correspondent);
    if (!expected) return false;
    return CRYPTO_memcmp(expected->data(), mh.data() + *at, expected->size()) == 0;
}

mh::Result<bool> sign(mh::Message& msg, const Kbm& kbm, const in6_addr& care_of_address,
                      const in6_addr& correspondent) {
    auto& options = mh::options_of(msg);
    options.emplace_back(std::in_place_type<mh::BindingAuthorizationData>);
    // The checksum addresses do not matter: the input zeroes the checksum.
    auto encoded = mh::encode(msg, care_of_address, correspondent);
    if (!encoded) return encoded.error();
    auto a = authenticator_of(kbm, *encoded, care_of_address, correspondent);
    if (!a) return a.error();
    std::get<mh::BindingAuthorizationData>(options.back()).authenticator = *a;
    return true;
}

}  // namespace xmip::rr
