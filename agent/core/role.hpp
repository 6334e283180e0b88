// SPDX-License-Identifier: BSD-2-Clause
// The role an xmipd instance plays: the one enum of it. The configuration,
// the datapath (which XDP program) and the metrics (which series) name it
// by aliases of this type.
#pragma once

namespace xmip::core {

// Correspondent: a correspondent node taking route-optimised bindings
// (RFC 6275 9, docs/route-optimisation.md).
enum class Role { HomeAgent, MobileNode, Correspondent };

}  // namespace xmip::core
