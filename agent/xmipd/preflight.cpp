// SPDX-License-Identifier: BSD-2-Clause
#include "xmipd/preflight.hpp"

#include <net/if.h>

#include <algorithm>

namespace xmip::agent {

namespace {

// The place a key was set, or the file alone when it has none (a default).
config::Diagnostic place(const config::LoadResult& loaded, const std::string& key, const std::string& fallback_file) {
    if (auto it = loaded.origins.find(key); it != loaded.origins.end()) return it->second;
    return {fallback_file, 0, key, ""};
}

}  // namespace

Preflight preflight(config::Config& cfg, const config::LoadResult& loaded) {
    Preflight p;
    p.errors = config::read_keys(cfg);

    std::string file;
    if (!loaded.origins.empty()) file = loaded.origins.begin()->second.file;
    std::vector<std::string> seen;
    auto check_if = [&](const std::string& name, config::Diagnostic where) {
        if (std::find(seen.begin(), seen.end(), name) != seen.end()) return;
        seen.push_back(name);
        if (if_nametoindex(name.c_str()) != 0) return;
        where.message = "interface \"" + name +
                        "\" does not exist on this host (`ip link` lists them); name an existing one, "
                        "or create it before xmipd starts";
        p.errors.push_back(std::move(where));
    };
    for (size_t i = 0; i < cfg.datapath.interfaces.size(); i++) {
        std::string key = "datapath.interfaces[" + std::to_string(i) + "]";
        // A mobile node's list defaults to mobile_node.interface.
        if (!loaded.origins.count(key) && cfg.mobile_node) key = "mobile_node.interface";
        check_if(cfg.datapath.interfaces[i], place(loaded, key, file));
    }
    if (cfg.home_agent) check_if(cfg.home_agent->home_link, place(loaded, "home_agent.home_link", file));
    if (cfg.mobile_node) check_if(cfg.mobile_node->interface, place(loaded, "mobile_node.interface", file));
    return p;
}

}  // namespace xmip::agent
