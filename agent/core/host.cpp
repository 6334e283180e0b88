// SPDX-License-Identifier: BSD-2-Clause
#include "core/host.hpp"

#include <net/if.h>

#include <fstream>
#include <stdexcept>

namespace xmip::core {

int ifindex_of(const std::string& name) {
    unsigned i = if_nametoindex(name.c_str());
    if (!i) throw std::runtime_error("interface '" + name + "' does not exist");
    return static_cast<int>(i);
}

bool set_ipv6_conf(const std::string& scope, const std::string& key, const std::string& value) {
    std::ofstream f("/proc/sys/net/ipv6/conf/" + scope + "/" + key);
    f << value;
    f.flush();
    return static_cast<bool>(f);
}

}  // namespace xmip::core
