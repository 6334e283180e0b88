// SPDX-License-Identifier: BSD-2-Clause
// xmipd --instance NAME (the systemd unit xmipd@NAME): the configuration is
// DIR/NAME.toml or DIR/NAME.conf (the guide's network-mip6.conf form), DIR
// /etc/xmip unless --config-dir says otherwise. Extra arguments come from
// DIR/NAME.env, which the unit reads (EnvironmentFile=), not xmipd.
#pragma once

#include <string>

namespace xmip::agent {

inline constexpr const char* kDefaultConfigDir = "/etc/xmip";

struct InstanceConfig {
    std::string path;   // the file to load, when found
    std::string error;  // one line naming what is missing and the fix, otherwise
};

InstanceConfig find_instance_config(const std::string& dir, const std::string& instance);

}  // namespace xmip::agent
