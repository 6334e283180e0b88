// SPDX-License-Identifier: BSD-2-Clause
#include "auth/authenticator.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "mh/auth.hpp"
#include "mh/codec.hpp"

namespace xmip::auth {

std::string_view to_string(Algorithm a) {
    return a == Algorithm::HmacSha1_96 ? "hmac-sha1-96" : "hmac-sha256-128";
}

std::optional<Algorithm> algorithm_from_string(std::string_view name) {
    if (name == "hmac-sha1-96") return Algorithm::HmacSha1_96;
    if (name == "hmac-sha256-128") return Algorithm::HmacSha256_128;
    return std::nullopt;
}

mh::Bytes compute_authenticator(const SecurityAssociation& sa, mh::ByteView input) {
    const EVP_MD* md = sa.algorithm == Algorithm::HmacSha1_96 ? EVP_sha1() : EVP_sha256();
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    // One-shot HMAC(): the key and the message are small, nothing to stream.
    if (!HMAC(md, sa.key.data(), static_cast<int>(sa.key.size()), input.data(), input.size(), out, &len))
        return {};  // never for these digests; an empty MAC verifies nothing
    size_t n = std::min<size_t>(len, authenticator_length(sa.algorithm));
    return mh::Bytes(out, out + n);
}

mh::Result<bool> sign(mh::Message& msg, const in6_addr& care_of_address, const in6_addr& home_address,
                      const SecurityAssociation& sa, uint64_t timestamp) {
    auto& options = mh::options_of(msg);
    options.emplace_back(std::in_place_type<mh::ReplayProtection>, mh::ReplayProtection{timestamp});
    options.emplace_back(std::in_place_type<mh::Authentication>,
                         mh::Authentication{mh::Authentication::mn_ha, sa.spi,
                                            mh::Bytes(authenticator_length(sa.algorithm), 0)});
    // The checksum addresses do not matter: the input zeroes the checksum.
    auto encoded = mh::encode(msg, care_of_address, home_address);
    if (!encoded) return encoded.error();
    auto input = mh::authentication_input(*encoded, care_of_address, home_address);
    if (!input) return input.error();
    std::get<mh::Authentication>(options.back()).authenticator = compute_authenticator(sa, *input);
    return true;
}

const char* to_string(Verdict v) {
    switch (v) {
        case Verdict::ok: return "ok";
        case Verdict::no_authentication: return "no MN-HA Authentication option";
        case Verdict::not_last: return "Authentication option not last";
        case Verdict::wrong_spi: return "unknown SPI";
        case Verdict::bad_authenticator: return "bad authenticator";
    }
    return "?";
}

Verdict verify(mh::ByteView mh, const in6_addr& care_of_address, const in6_addr& home_address,
               const SecurityAssociation& sa) {
    auto input = mh::authentication_input(mh, care_of_address, home_address);
    if (!input) {
        return input.error().code == mh::Errc::authentication_not_last ? Verdict::not_last
                                                                      : Verdict::no_authentication;
    }
    // The input ends with the option's type, length, subtype and SPI: the
    // option starts 7 bytes before its end, in the MH as in the input.
    const size_t covered = input->size() - 32;
    const size_t option = covered - 7;
    if (mh::get32(&mh[covered - 4]) != sa.spi) return Verdict::wrong_spi;
    const size_t body_end = option + 2 + mh[option + 1];
    mh::ByteView received = mh.subspan(covered, body_end - covered);
    mh::Bytes expected = compute_authenticator(sa, *input);
    if (expected.empty() || received.size() != expected.size() ||
        CRYPTO_memcmp(received.data(), expected.data(), expected.size()) != 0)
        return Verdict::bad_authenticator;
    return Verdict::ok;
}

std::optional<uint32_t> mn_ha_spi(const mh::Options& options) {
    for (const auto& o : options)
        if (auto* a = std::get_if<mh::Authentication>(&o); a && a->subtype == mh::Authentication::mn_ha) return a->spi;
    return std::nullopt;
}

}  // namespace xmip::auth
