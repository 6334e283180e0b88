// SPDX-License-Identifier: BSD-2-Clause
#include "xmipd/instance.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>

namespace xmip::agent {

InstanceConfig find_instance_config(const std::string& dir, const std::string& instance) {
    // The same rule as the configuration's instance key: the name becomes
    // file and socket names.
    bool valid = !instance.empty() && instance.size() <= 32 &&
                 std::all_of(instance.begin(), instance.end(), [](char c) {
                     return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
                 });
    if (!valid)
        return {"", "instance \"" + instance + "\" is not a valid name (1 to 32 characters from A-Z a-z 0-9 _ -)"};
    const std::string toml = dir + "/" + instance + ".toml", conf = dir + "/" + instance + ".conf";
    std::error_code ec;
    bool has_toml = std::filesystem::exists(toml, ec), has_conf = std::filesystem::exists(conf, ec);
    if (has_toml && has_conf)
        return {"", "instance " + instance + ": both " + toml + " and " + conf +
                        " exist; remove one (xmipd --print-config -c " + conf + " migrates the second to TOML)"};
    if (has_toml) return {toml, ""};
    if (has_conf) return {conf, ""};
    return {"", "instance " + instance + ": no configuration: neither " + toml + " nor " + conf +
                    " exists; create one (examples in /usr/share/doc/xmip/examples/, e.g. cp "
                    "/usr/share/doc/xmip/examples/ha.toml " + toml + ")"};
}

}  // namespace xmip::agent
