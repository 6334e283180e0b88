// SPDX-License-Identifier: BSD-2-Clause
// The one walk over a Mobility Header's option area (RFC 6275 6.2.1), shared
// by decode_options() and authentication_input(): Pad1 is skipped, every
// other option (PadN included) is handed to the caller with its bounds
// checked against the data.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "mh/bytes.hpp"
#include "mh/options.hpp"
#include "mh/result.hpp"

namespace xmip::mh {

struct RawOption {
    size_t offset = 0;  // of the type byte, from the start of the MH
    uint8_t type = 0;
    uint8_t length = 0;  // of the body
    const uint8_t* body = nullptr;
};

// Calls f(const RawOption&) -> std::optional<Error> for each option of
// mh[start, mh.size()) but Pad1, in order, and stops at the first error f
// returns. An option that runs past the end is option_overrun (its offset,
// `mh_type`, its type).
template <class F>
std::optional<Error> walk_options(ByteView mh, size_t start, uint8_t mh_type, F&& f) {
    size_t pos = start;
    while (pos < mh.size()) {
        const uint8_t type = mh[pos];
        if (type == opt::pad1) {
            pos++;
            continue;
        }
        if (pos + 2 > mh.size() || pos + 2 + mh[pos + 1] > mh.size())
            return make_error(Errc::option_overrun, pos, mh_type, type);
        const RawOption o{pos, type, mh[pos + 1], mh.data() + pos + 2};
        if (auto e = f(o)) return e;
        pos += 2 + o.length;
    }
    return std::nullopt;
}

}  // namespace xmip::mh
