// SPDX-License-Identifier: BSD-2-Clause
// The host's network configuration as the agent and tools touch it outside
// netlink: interface names and the IPv6 sysctls.
#pragma once

#include <string>

namespace xmip::core {

// The index of interface `name`; throws std::runtime_error naming it.
int ifindex_of(const std::string& name);

// Writes /proc/sys/net/ipv6/conf/<scope>/<key> (scope: an interface, "all"
// or "default"). Returns false when the kernel refused it.
bool set_ipv6_conf(const std::string& scope, const std::string& key, const std::string& value);

}  // namespace xmip::core
