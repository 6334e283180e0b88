// SPDX-License-Identifier: BSD-2-Clause
#include "cli/mipctl.hpp"

#include <arpa/inet.h>
#include <sys/stat.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <optional>

#include "cli/format.hpp"
#include "control/client.hpp"
#include "control/protocol.hpp"
#include "control/views.hpp"
#include "core/version.hpp"

namespace xmip::cli {

using nlohmann::json;

const char* version() { return core::kVersion; }

namespace {

constexpr const char* kFooter = R"(Commands as the guide's mipdiag knew them: -s = stats, -l = bul, -c = bcache.
Without --instance or --socket, mipctl talks to the one agent whose socket is
in /run/xmip (XMIP_RUN_DIR moves it); with several, name one.

Exit codes:
  0  done
  1  the agent answered with an error (not_found, wrong_role, invalid_argument, ...)
  2  usage: bad command line (unknown command, bad address, several agents and none chosen)
  3  no agent: socket missing or refusing, permission denied, timeout,
     or an agent speaking another control API version)";

std::string run_dir() {
    const char* d = std::getenv("XMIP_RUN_DIR");
    return d && *d ? d : "/run/xmip";
}

// Instances with a control socket in the run directory, sorted.
std::vector<std::string> running_instances(const std::string& dir) {
    std::vector<std::string> out;
    std::error_code ec;
    for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        const auto& p = it->path();
        if (p.extension() == ".sock" && it->is_socket(ec)) out.push_back(p.stem().string());
    }
    std::sort(out.begin(), out.end());
    return out;
}

bool exists(const std::string& path) {
    struct stat st {};
    return ::lstat(path.c_str(), &st) == 0;
}

bool is_ipv6(const std::string& s, in6_addr* out = nullptr) {
    in6_addr a{};
    bool ok = inet_pton(AF_INET6, s.c_str(), &a) == 1;
    if (ok && out) *out = a;
    return ok;
}

const CLI::Validator kIpv6(
    [](std::string& s) { return is_ipv6(s) ? std::string() : "not an IPv6 address: " + s; }, "IPV6");

struct Options {
    std::string instance, socket;
    bool json = false;
    int timeout_ms = 3000;
};

// The agent to talk to, or why there is none to choose.
std::optional<Failure> resolve(const Options& o, Target& t) {
    t.run_dir = run_dir();
    t.running = running_instances(t.run_dir);
    if (!o.socket.empty()) {
        t.socket = o.socket;
    } else if (!o.instance.empty()) {
        if (o.instance.find('/') != std::string::npos || o.instance == "." || o.instance == "..")
            return Failure{kExitUsage, "--instance: not an instance name: " + o.instance};
        t.instance = o.instance;
        t.socket = t.run_dir + "/" + o.instance + ".sock";
    } else if (t.running.size() == 1) {
        t.instance = t.running.front();
        t.socket = t.run_dir + "/" + t.instance + ".sock";
    } else if (t.running.empty()) {
        return Failure{kExitNoAgent, "no agent running: no control socket in " + t.run_dir +
                                         " (start xmipd, or give --socket PATH)"};
    } else {
        std::string names;
        for (const auto& n : t.running) names += (names.empty() ? "" : ", ") + n;
        return Failure{kExitUsage, "several agents run here (" + names + "): choose one with --instance NAME"};
    }
    t.socket_exists = exists(t.socket);
    return std::nullopt;
}

}  // namespace

int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    CLI::App app{"mipctl: query and drive a running xmipd (Mobile IPv6 home agent / mobile node)", "mipctl"};
    app.footer(kFooter);
    app.failure_message([](const CLI::App*, const CLI::Error& e) {
        return "mipctl: " + std::string(e.what()) + "\nRun 'mipctl --help' for usage.\n";
    });
    app.fallthrough();  // global options also after the command: mipctl stats --json

    Options o;
    auto* inst = app.add_option("-i,--instance", o.instance, "the agent's instance name (socket /run/xmip/NAME.sock)");
    auto* sock = app.add_option("--socket", o.socket, "the agent's control socket path");
    inst->excludes(sock);
    app.add_flag("--json", o.json, "print the agent's answer as JSON (field names in docs/mipctl.md)");
    app.add_option("--timeout", o.timeout_ms, "milliseconds to wait for the agent (default 3000)")
        ->check(CLI::Range(1, 600000));
    bool short_s = false, short_l = false, short_c = false;
    app.add_flag("-s", short_s, "same as 'stats' (mipdiag -s)");
    app.add_flag("-l", short_l, "same as 'bul' (mipdiag -l)");
    app.add_flag("-c", short_c, "same as 'bcache' (mipdiag -c)");

    auto* c_stats = app.add_subcommand("stats", "signalling counters (mipdiag -s) and datapath counters");
    auto* c_bul = app.add_subcommand("bul", "binding update list (mobile node; mipdiag -l)");
    auto* c_bcache = app.add_subcommand("bcache", "binding cache (home agent; mipdiag -c)");
    auto* c_status = app.add_subcommand("status", "the agent's role, addresses, version and uptime");
    auto* c_has = app.add_subcommand("home-agents", "home agents list (home agent)");
    auto* c_cluster =
        app.add_subcommand("cluster", "a fleet member: members, who holds which home agent address, etcd");
    auto* c_version = app.add_subcommand("version", "mipctl's version and, if an agent answers, the agent's");
    auto* c_reload = app.add_subcommand(
        "reload", "re-read the configuration file (as SIGHUP): which keys changed, which wait for a restart");
    auto* c_refresh = app.add_subcommand(
        "refresh", "mobile node: register the current care-of address again now (as on a Binding Refresh Request)");
    auto* c_binding = app.add_subcommand("binding", "add or remove a binding by hand (home agent)");
    c_binding->require_subcommand(1);
    std::string hoa, coa;
    std::optional<uint32_t> lifetime;
    auto* c_add = c_binding->add_subcommand("add", "bind HOA to COA (as if the mobile node had registered)");
    c_add->add_option("HOA", hoa, "home address")->required()->check(kIpv6);
    c_add->add_option("COA", coa, "care-of address")->required()->check(kIpv6);
    c_add->add_option("--lifetime", lifetime, "seconds (default: the agent's, 600; at most 262140)")
        ->check(CLI::Range(1u, 262140u));
    auto* c_del = c_binding->add_subcommand("del", "remove the binding of HOA");
    c_del->add_option("HOA", hoa, "home address")->required()->check(kIpv6);

    std::vector<std::string> argv_s{"mipctl"};
    argv_s.insert(argv_s.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : argv_s) argv.push_back(a.data());
    try {
        app.parse(static_cast<int>(argv.size()), argv.data());
    } catch (const CLI::ExtrasError& e) {
        // "The following argument was not expected: foo" -> name what is known.
        std::string what = e.what();
        auto colon = what.find(": ");
        err << "mipctl: unknown command or argument: " << (colon == std::string::npos ? what : what.substr(colon + 2))
            << "\nCommands: stats (-s), bul (-l), bcache (-c), status, home-agents, cluster, version, reload, refresh, "
               "binding add|del."
            << "\nRun 'mipctl --help' for usage.\n";
        return kExitUsage;
    } catch (const CLI::ParseError& e) {
        int rc = app.exit(e, out, err);
        return rc == 0 ? kExitOk : kExitUsage;
    }

    // One command: a subcommand or one of the mipdiag flags.
    std::vector<CLI::App*> chosen = app.get_subcommands();
    if (short_s) chosen.push_back(c_stats);
    if (short_l) chosen.push_back(c_bul);
    if (short_c) chosen.push_back(c_bcache);
    if (chosen.size() != 1) {
        err << "mipctl: " << (chosen.empty() ? "no command given" : "give one command at a time")
            << "\nRun 'mipctl --help' for usage.\n";
        return kExitUsage;
    }
    CLI::App* cmd = chosen.front();
    if (cmd == c_binding) cmd = c_binding->get_subcommands().front();  // add or del (required)

    Target target;
    auto unresolved = resolve(o, target);
    if (unresolved && cmd != c_version) {
        err << "mipctl: " << unresolved->message << "\n";
        return unresolved->exit_code;
    }

    auto call = [&](const std::string& name, const json& a, json& result) -> std::optional<Failure> {
        try {
            result = control::call(target.socket, name, a, o.timeout_ms);
            return std::nullopt;
        } catch (const control::ClientError& e) {
            return describe_error(e, target, name);
        }
    };
    auto simple = [&](const std::string& name, const json& a, std::string (*fmt)(const json&)) {
        json r;
        if (auto f = call(name, a, r)) {
            err << "mipctl: " << f->message << "\n";
            return f->exit_code;
        }
        out << (o.json ? format_json(r) : fmt(r));
        return kExitOk;
    };

    namespace api = control::cmd;
    using Status = control::AgentStatus::key;
    const char* role_key = control::HaStatus::key::role;  // the same name in MnStatus
    if (cmd == c_stats) return simple(api::kStats, json::object(), format_stats);
    if (cmd == c_bul) return simple(api::kBindingUpdateList, json::object(), format_bul);
    if (cmd == c_bcache) return simple(api::kBindingCache, json::object(), format_bcache);
    if (cmd == c_status) return simple(api::kStatus, json::object(), format_status);
    if (cmd == c_has) return simple(api::kHomeAgents, json::object(), format_home_agents);
    if (cmd == c_cluster) return simple(api::kCluster, json::object(), format_cluster);
    if (cmd == c_refresh) return simple(api::kRefresh, json::object(), format_refresh);
    if (cmd == c_reload) {
        json r;
        if (auto f = call(api::kReload, json::object(), r)) {
            err << "mipctl: " << f->message << "\n";
            return f->exit_code;
        }
        out << (o.json ? format_json(r) : format_reload(r));
        // Not reloaded (the file does not load): the answer says why, the status too.
        return r.is_object() && r.value(control::ReloadAnswer::key::reloaded, false) ? kExitOk : kExitAgentError;
    }

    if (cmd == c_version) {
        json agent;
        std::optional<Failure> f = unresolved;
        if (!f) f = call(api::kStatus, json::object(), agent);
        if (o.json) {
            json j{{"mipctl", {{"version", version()}, {"api", control::kApiVersion}}}, {"agent", nullptr}};
            if (f) {
                j["agent_error"] = f->message;
            } else {
                j["agent"] = {{"version", agent.value(Status::version, "")},
                              {"instance", agent.value(Status::instance, "")},
                              {"role", agent.value(role_key, "")},
                              {"socket", target.socket}};
            }
            out << format_json(j);
        } else {
            out << "mipctl " << version() << " (control API " << control::kApiVersion << ")\n";
            if (f)
                out << "xmipd: not reachable: " << f->message << "\n";
            else
                out << "xmipd " << agent.value(Status::version, "?") << " (instance "
                    << agent.value(Status::instance, "?") << ", role " << agent.value(role_key, "?") << ", "
                    << target.socket << ")\n";
        }
        return kExitOk;  // the client's version is always known
    }

    if (cmd == c_add) {
        json a = control::BindingArgs{hoa, coa, lifetime};
        json r;
        if (auto f = call(api::kBindingAdd, a, r)) {
            err << "mipctl: " << f->message << "\n";
            return f->exit_code;
        }
        if (o.json) {
            out << format_json(r);
            return kExitOk;
        }
        // The agent answers with the whole cache: show the binding just made.
        in6_addr want{}, got{};
        is_ipv6(hoa, &want);
        json mine = json::array();
        if (r.is_array())
            for (const auto& b : r)
                if (b.is_object() && is_ipv6(b.value(control::BindingCacheEntry::key::home_address, ""), &got) &&
                    std::memcmp(&want, &got, sizeof(want)) == 0)
                    mine.push_back(b);
        out << format_bcache(mine.empty() ? r : mine);
        return kExitOk;
    }
    if (cmd == c_del) {
        json r;
        if (auto f = call(api::kBindingDel, {{control::BindingArgs::key::home_address, hoa}}, r)) {
            err << "mipctl: " << f->message << "\n";
            return f->exit_code;
        }
        out << (o.json ? format_json(r) : "binding for " + hoa + " removed\n");
        return kExitOk;
    }
    err << "mipctl: internal error: unhandled command\n";
    return kExitUsage;
}

}  // namespace xmip::cli
