// SPDX-License-Identifier: BSD-2-Clause
#include "mh/binding_auth.hpp"

#include "mh/messages.hpp"
#include "mh/option_walk.hpp"

namespace xmip::mh {

Result<size_t> binding_authenticator_offset(ByteView mh) {
    if (mh.size() < 8 || mh[2] > mh_type::be) return make_error(Errc::truncated, mh.size());
    const size_t start = 6 + fixed_body_length(mh[2]);
    if (mh.size() < start) return make_error(Errc::message_too_short, 1, mh[2]);
    size_t found = 0;  // offset of the option, 0 = none yet
    auto error = walk_options(mh, start, mh[2], [&](const RawOption& o) -> std::optional<Error> {
        if (o.type == opt::padn) return std::nullopt;
        if (found) return make_error(Errc::auth_data_not_last, o.offset, mh[2], o.type);
        if (o.type == opt::binding_authorization_data) {
            if (o.length != kBindingAuthenticatorLength)
                return make_error(Errc::option_bad_length, o.offset, mh[2], o.type);
            found = o.offset;
        }
        return std::nullopt;
    });
    if (error) return *error;
    if (!found) return make_error(Errc::no_authentication_option, 0, mh[2]);
    return found + 2;
}

Result<Bytes> binding_authorization_input(ByteView mh, const in6_addr& care_of_address, const in6_addr& correspondent) {
    auto at = binding_authenticator_offset(mh);
    if (!at) return at.error();
    Bytes in;
    in.reserve(32 + mh.size() - kBindingAuthenticatorLength);
    put_in6(in, care_of_address);
    put_in6(in, correspondent);
    const auto cut = static_cast<std::ptrdiff_t>(*at);
    in.insert(in.end(), mh.begin(), mh.begin() + cut);
    in.insert(in.end(), mh.begin() + cut + static_cast<std::ptrdiff_t>(kBindingAuthenticatorLength), mh.end());
    in[32 + 4] = 0;  // checksum
    in[32 + 5] = 0;
    return in;
}

}  // namespace xmip::mh
