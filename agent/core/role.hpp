// SPDX-License-Identifier: BSD-2-Clause
// The role an xmipd instance plays: the one enum of it. The configuration,
// the datapath (which XDP program) and the metrics (which series) name it
// by aliases of this type.
#pragma once

namespace xmip::core {

// "cn" (correspondent node, route optimisation) is recognised by the
// configuration and refused as "not supported yet"; it will become a third
// value (docs/architecture.md: where a new role plugs in).
enum class Role { HomeAgent, MobileNode };

}  // namespace xmip::core
