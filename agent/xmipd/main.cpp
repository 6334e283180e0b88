// SPDX-License-Identifier: BSD-2-Clause
// xmipd: the xmip Mobile IPv6 agent (home agent or mobile node).
//
// Exit codes: 0 clean stop, 1 runtime failure (datapath, sockets), 2 bad
// configuration or arguments.
#include <CLI/CLI.hpp>
#include <cstdio>

#include "core/log.hpp"
#include "core/version.hpp"
#include "xmipd/agent.hpp"

int main(int argc, char** argv) {
    using namespace xmip::agent;
    CLI::App app{"xmipd: Mobile IPv6 home agent / mobile node with an eBPF datapath"};
    StartOptions opts;
    bool check_only = false;
    app.add_option("-c,--config", opts.config_path, "configuration file (TOML, or the guide's network-mip6.conf)")
        ->required()
        ->check(CLI::ExistingFile);
    app.add_option("--set", opts.overrides, "override a setting: key=value (repeatable)");
    app.add_flag("--check", check_only, "validate the configuration and exit");
    app.set_version_flag("--version", xmip::core::kVersion);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        int rc = app.exit(e);
        return rc == 0 ? 0 : 2;
    }

    auto cfg = load_config(opts);
    if (!cfg) return 2;
    if (check_only) {
        std::printf("%s: configuration is valid\n", opts.config_path.c_str());
        return 0;
    }
    try {
        Agent agent(*cfg, opts);
        agent.run();
    } catch (const std::exception& e) {
        XLOG_ERROR("%s", e.what());
        return 1;
    }
    return 0;
}
