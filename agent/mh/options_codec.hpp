// SPDX-License-Identifier: BSD-2-Clause
// Mobility option encoding and decoding inside a Mobility Header (internal to
// codec.cpp; exposed for tests).
#pragma once

#include "mh/bytes.hpp"
#include "mh/options.hpp"
#include "mh/result.hpp"

namespace xmip::mh {

// Appends `options` to `out`, where out.size() is the option area's offset
// from the start of the Mobility Header (alignment is relative to it): Pad1 or
// PadN before each option that needs it, then padding to a multiple of 8.
// Fails on an option body over 255 bytes, or Binding Authorization Data that
// is not last.
Result<bool> encode_options(const Options& options, Bytes& out);

// Parses the option area mh[start, mh.size()). Pad1/PadN are dropped.
// Errors carry the offset of the offending option within `mh`.
Result<Options> decode_options(ByteView mh, size_t start);

}  // namespace xmip::mh
