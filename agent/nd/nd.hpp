// SPDX-License-Identifier: BSD-2-Clause
// xmip::nd - Neighbour Discovery / Router Advertisement codec for Mobile IPv6.
// One include for the daemon; the parts:
//   result.hpp        Result<T>, Error, Errc: decoding never throws
//   address.hpp       in6_addr helpers, LinkLayerAddress
//   constants.hpp     types, flags, option lengths, RFC 6275 section 12 constants
//   checksum.hpp      ICMPv6 checksum over the pseudo-header
//   options.hpp       ND options (typed + RawOption), parse/append
//   router.hpp        RS, RA
//   neighbour.hpp     NS, NA, DAD/proxy/return-home builders
//   mobility.hpp      DHAAD request/reply, Mobile Prefix Solicitation/Advertisement
//   message.hpp       Message variant, decode() by type
//   validate.hpp      RFC 4861 receive checks (hop limit, code, source, ...)
//   home_agents_list.hpp  RFC 6275 10.1/10.5.1 Home Agents List
#pragma once

#include "nd/address.hpp"
#include "nd/checksum.hpp"
#include "nd/constants.hpp"
#include "nd/home_agents_list.hpp"
#include "nd/message.hpp"
#include "nd/mobility.hpp"
#include "nd/neighbour.hpp"
#include "nd/options.hpp"
#include "nd/result.hpp"
#include "nd/router.hpp"
#include "nd/validate.hpp"
