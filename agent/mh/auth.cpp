// SPDX-License-Identifier: BSD-2-Clause
#include "mh/auth.hpp"

#include "mh/messages.hpp"
#include "mh/option_walk.hpp"

namespace xmip::mh {

Result<Bytes> authentication_input(ByteView mh, const in6_addr& care_of_address,
                                   const in6_addr& home_address, uint8_t subtype) {
    if (mh.size() < 8 || mh[2] > mh_type::be) return make_error(Errc::truncated, mh.size());
    size_t found = 0;  // offset of the option, 0 = none yet
    size_t end = 0;    // of the last option that is not padding
    auto error = walk_options(mh, 6 + fixed_body_length(mh[2]), mh[2], [&](const RawOption& o) -> std::optional<Error> {
        if (o.type == opt::padn) return std::nullopt;
        // After it only another authentication option (RFC 4285 5: MN-HA
        // is last "if it is the only mobility message authentication
        // option"; MN-AAA may follow it).
        if (found && o.type != opt::authentication)
            return make_error(Errc::authentication_not_last, o.offset, mh[2], o.type);
        if (o.type == opt::authentication) {
            if (o.length < 5) return make_error(Errc::option_bad_length, o.offset, mh[2], o.type);
            if (!found && o.body[0] == subtype) found = o.offset;
        }
        end = o.offset + 2 + o.length;
        return std::nullopt;
    });
    if (error) return *error;
    if (!found) return make_error(Errc::no_authentication_option, 0, mh[2]);
    // The message ends with an authentication option: no padding after it
    // (Pad1, which the walk skips, included); pad before it.
    if (end != mh.size()) return make_error(Errc::authentication_not_last, end, mh[2], mh[end]);

    size_t covered = found + 2 + 1 + 4;  // type, length, subtype, SPI
    Bytes in;
    in.reserve(32 + covered);
    put_in6(in, care_of_address);
    put_in6(in, home_address);
    in.insert(in.end(), mh.begin(), mh.begin() + static_cast<std::ptrdiff_t>(covered));
    in[32 + 4] = 0;  // checksum
    in[32 + 5] = 0;
    return in;
}

}  // namespace xmip::mh
