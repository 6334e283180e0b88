// SPDX-License-Identifier: BSD-2-Clause
// The byte helpers (core/bytes.hpp) under the codec's names, and its
// in6_addr helpers. Callers check bounds before reading; these only move
// bytes.
#pragma once

#include "core/bytes.hpp"
#include "core/in6.hpp"

namespace xmip::mh {

using core::Bytes;
using core::ByteView;
using core::get16;
using core::get32;
using core::get64;
using core::get_in6;
using core::put16;
using core::put32;
using core::put64;
using core::put8;
using core::put_bytes;
using core::put_in6;
using core::set16;

}  // namespace xmip::mh
