// SPDX-License-Identifier: BSD-2-Clause
// xmipd's command line, described once: main() parses with it, and the man
// page xmipd(8) is generated from the same description (tools/xmip_mangen),
// so --help and the manual cannot say different things.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "xmipd/instance.hpp"
#include "core/version.hpp"

namespace xmip::agent {

struct CommandLine {
    std::string config_path;
    std::string instance;
    std::string config_dir = kDefaultConfigDir;
    std::vector<std::string> overrides;
    bool check_only = false;
    bool print_config = false;
    std::string print_format = "toml";
};

inline constexpr const char* kXmipdSummary =
    "xmipd: Mobile IPv6 home agent / mobile node with an eBPF datapath";
inline constexpr const char* kXmipdFooter =
    "Exit status: 0 clean stop, 1 runtime failure (datapath, sockets), 2 bad configuration or arguments.\n"
    "Configuration: xmip.toml(5); control: mipctl(8).";

inline void describe_command_line(CLI::App& app, CommandLine& cl) {
    app.description(kXmipdSummary);
    app.name("xmipd");
    app.footer(kXmipdFooter);
    auto* config = app.add_option("-c,--config", cl.config_path,
                                  "configuration file (TOML, or the guide's network-mip6.conf)")
                       ->check(CLI::ExistingFile);
    auto* instance = app.add_option("--instance", cl.instance,
                                    "run instance NAME: its configuration is DIR/NAME.toml or DIR/NAME.conf, "
                                    "and instance=NAME (the systemd unit xmipd@NAME)");
    instance->excludes(config);
    app.add_option("--config-dir", cl.config_dir, "DIR for --instance")->capture_default_str();
    app.add_option("--set", cl.overrides,
                   "override a setting: key=value (repeatable); [[table]] keys as "
                   "home_agent.security_associations[N].key=value");
    app.add_flag("--check", cl.check_only,
                 "validate the configuration and the host (interfaces, key files) and exit");
    app.add_option("--print-config", cl.print_format,
                   "write the effective configuration (a legacy file's migration) as TOML and exit")
        ->expected(0, 1)
        ->default_str("toml")
        ->check(CLI::IsMember({"toml"}))
        ->each([&cl](const std::string&) { cl.print_config = true; })
        ->trigger_on_parse();
    app.set_version_flag("--version", xmip::core::kVersion);
}

}  // namespace xmip::agent
