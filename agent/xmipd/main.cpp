// SPDX-License-Identifier: BSD-2-Clause
// xmipd: the xmip Mobile IPv6 agent (home agent or mobile node).
//
// Exit codes: 0 clean stop, 1 runtime failure (datapath, sockets), 2 bad
// configuration or arguments.
#include <malloc.h>

#include <CLI/CLI.hpp>
#include <cstdio>

#include "core/log.hpp"
#include "core/version.hpp"
#include "xmipd/agent.hpp"
#include "xmipd/instance.hpp"
#include "xmipd/options.hpp"

int main(int argc, char** argv) {
    using namespace xmip::agent;
    CLI::App app;
    CommandLine cl;
    describe_command_line(app, cl);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        int rc = app.exit(e);
        return rc == 0 ? 0 : 2;
    }
    StartOptions opts{cl.config_path, cl.overrides};
    if (!cl.instance.empty()) {
        auto found = find_instance_config(cl.config_dir, cl.instance);
        if (found.path.empty()) {
            std::fprintf(stderr, "xmipd: %s\n", found.error.c_str());
            return 2;
        }
        opts.config_path = found.path;
        // The unit's instance names the control socket and the state.
        opts.overrides.insert(opts.overrides.begin(), "instance=" + cl.instance);
    }
    if (opts.config_path.empty()) {
        std::fprintf(stderr, "xmipd: no configuration: give -c FILE or --instance NAME (xmipd --help)\n");
        return 2;
    }

    if (cl.print_config) {
        // The effective configuration (a legacy file's migration), without
        // looking at the host: it may be written for another machine.
        auto cfg = load_config(opts, /*host_checks=*/false);
        if (!cfg) return 2;
        std::fputs(xmip::config::to_toml(*cfg).c_str(), stdout);
        return 0;
    }
    auto cfg = load_config(opts);
    if (!cfg) return 2;
    if (cl.check_only) {
        std::printf("%s: configuration is valid\n", opts.config_path.c_str());
        return 0;
    }
    // Reading a large configuration (10^6 security associations: a TOML tree,
    // settings and their origins, 4 GB at the peak) leaves gigabytes freed
    // but held in the heap between the entries that live on; the agent's
    // own tables are a fraction of that. Give the free pages back before
    // serving (docs/performance.md, "The per-wakeup cost and the heap").
    malloc_trim(0);
    try {
        Agent agent(std::move(*cfg), opts);
        cfg.reset();
        agent.run();
    } catch (const std::exception& e) {
        XLOG_ERROR("%s", e.what());
        return 1;
    }
    return 0;
}
