#include "mh/auth.hpp"

#include "mh/messages.hpp"

namespace xmip::mh {

Result<Bytes> authentication_input(ByteView mh, const in6_addr& care_of_address,
                                   const in6_addr& home_address, uint8_t subtype) {
    if (mh.size() < 8 || mh[2] > mh_type::be) return make_error(Errc::truncated, mh.size());
    size_t pos = 6 + fixed_body_length(mh[2]);
    size_t found = 0;  // offset of the option, 0 = none yet
    while (pos < mh.size()) {
        uint8_t type = mh[pos];
        if (type == opt::pad1) {
            pos++;
            continue;
        }
        if (pos + 2 > mh.size() || pos + 2 + mh[pos + 1] > mh.size())
            return make_error(Errc::option_overrun, pos, mh[2], type);
        uint8_t len = mh[pos + 1];
        if (found && type != opt::padn && type != opt::authentication)
            return make_error(Errc::authentication_not_last, pos, mh[2], type);
        if (!found && type == opt::authentication) {
            if (len < 5) return make_error(Errc::option_bad_length, pos, mh[2], type);
            if (mh[pos + 2] == subtype) found = pos;
        }
        pos += 2 + len;
    }
    if (!found) return make_error(Errc::no_authentication_option, 0, mh[2]);

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
