// SPDX-License-Identifier: BSD-2-Clause
// The Mobility Header codec (RFC 6275 6.1-6.4, RFC 4285 5-6), all of it.
#pragma once

#include "mh/auth.hpp"          // RFC 4285 authenticator input
#include "mh/binding_auth.hpp"  // RFC 6275 Binding Authorization Data input
#include "mh/checksum.hpp"      // pseudo-header checksum
#include "mh/codec.hpp"         // encode / decode one Mobility Header
#include "mh/format.hpp"        // readable forms
#include "mh/messages.hpp"      // message structs, flags, lifetimes, seq_newer
#include "mh/options.hpp"       // mobility options
#include "mh/packet.hpp"        // whole IPv6 packets: parse_packet, build_packet
#include "mh/result.hpp"        // Errc, Error, Result
