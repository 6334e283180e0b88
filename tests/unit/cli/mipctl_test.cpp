// SPDX-License-Identifier: BSD-2-Clause
// mipctl's command line end to end against a fake agent: a control::Server
// on an event loop in a thread, answering what xmipd answers (or its errors).
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <thread>

#include "cli/format.hpp"
#include "cli/mipctl.hpp"
#include "control/server.hpp"
#include "core/event_loop.hpp"

using namespace xmip;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// Handlers are registered before start(); the loop then runs in its thread.
class FakeAgent {
public:
    explicit FakeAgent(const std::string& path) : server_(loop_, path) {}
    ~FakeAgent() {
        stop_ = true;
        if (thread_.joinable()) thread_.join();
    }
    control::Server& server() { return server_; }
    void start() {
        thread_ = std::thread([this] {
            while (!stop_) loop_.run_once(std::chrono::milliseconds(10));
        });
    }

private:
    core::SystemTime time_;
    core::EventLoop loop_{time_};
    control::Server server_;
    std::atomic<bool> stop_{false};
    std::thread thread_;
};

struct Result {
    int code;
    std::string out, err;
};

Result mipctl(std::vector<std::string> args) {
    std::ostringstream out, err;
    int code = cli::run(args, out, err);
    return {code, out.str(), err.str()};
}

const json kBindings = json::parse(R"([
  {"home_address": "2001:db8:1::4", "care_of_address": "2001:db8:aa::5", "home_agent_address": "2001:db8:1::2",
   "sequence": 7, "lifetime": 600, "lifetime_left": 599, "state": "active"},
  {"home_address": "2001:db8:1::9", "care_of_address": "2001:db8:bb::9", "home_agent_address": "2001:db8:1::2",
   "sequence": 1, "lifetime": 600, "lifetime_left": 12, "state": "active"}
])");

// What a home agent answers (the real handlers' shapes and error codes).
void serve_home_agent(control::Server& s, json* last_args = nullptr) {
    s.handle("status", [](const json&) {
        return json{{"role", "ha"}, {"version", "0.1.0"}, {"instance", "ha"}, {"uptime_s", 5}};
    });
    s.handle("stats", [](const json&) {
        return json{{"signalling", {{"bu_received", 2}, {"ba_sent", 2}}},
                    {"datapath", json::array({{{"verdict", "tx"}, {"reason", "encap"}, {"packets", 3}, {"bytes", 300}}})}};
    });
    s.handle("bcache", [](const json&) { return kBindings; });
    s.handle("bul", [](const json&) -> json {
        throw control::CommandError{control::kErrWrongRole,
                                    "the binding update list is a mobile node's; this is a home agent (try bcache)"};
    });
    s.handle("binding-add", [last_args](const json& a) {
        if (last_args) *last_args = a;
        return kBindings;
    });
    s.handle("binding-del", [](const json& a) -> json {
        throw control::CommandError{control::kErrNotFound, "no binding for " + a.value("home_address", "?")};
    });
}

class MipctlTest : public ::testing::Test {
protected:
    std::string dir;
    void SetUp() override {
        char tmpl[] = "/tmp/xmip-cli-XXXXXX";
        dir = mkdtemp(tmpl);
        setenv("XMIP_RUN_DIR", dir.c_str(), 1);
    }
    void TearDown() override {
        unsetenv("XMIP_RUN_DIR");
        fs::remove_all(dir);
    }
    std::string sock(const std::string& instance) { return dir + "/" + instance + ".sock"; }
};

}  // namespace

// --- the command line alone -------------------------------------------------

TEST_F(MipctlTest, UnknownCommandIsAUsageError) {
    auto r = mipctl({"bogus"});
    EXPECT_EQ(r.code, cli::kExitUsage);
    EXPECT_EQ(
        r.err,
        "mipctl: unknown command or argument: bogus\n"
        "Commands: stats (-s), bul (-l), bcache (-c), status, home-agents, cluster, version, reload, refresh, binding "
        "add|del.\n"
        "Run 'mipctl --help' for usage.\n");
}

TEST_F(MipctlTest, BadAddressToBindingAddIsAUsageError) {
    auto r = mipctl({"binding", "add", "2001:db8::1", "not-an-address"});
    EXPECT_EQ(r.code, cli::kExitUsage);
    EXPECT_EQ(r.err, "mipctl: COA: not an IPv6 address: not-an-address\nRun 'mipctl --help' for usage.\n");
    r = mipctl({"binding", "add", "10.0.0.1", "2001:db8::1"});
    EXPECT_EQ(r.code, cli::kExitUsage);
    EXPECT_EQ(r.err, "mipctl: HOA: not an IPv6 address: 10.0.0.1\nRun 'mipctl --help' for usage.\n");
    r = mipctl({"binding", "del", "2001:db8::zz"});
    EXPECT_EQ(r.code, cli::kExitUsage);
    r = mipctl({"binding", "add", "2001:db8::1", "2001:db8::2", "--lifetime", "0"});
    EXPECT_EQ(r.code, cli::kExitUsage);
    EXPECT_NE(r.err.find("--lifetime"), std::string::npos);
}

TEST_F(MipctlTest, OtherUsageErrors) {
    EXPECT_EQ(mipctl({}).code, cli::kExitUsage);                      // no command
    EXPECT_EQ(mipctl({"-s", "-c"}).code, cli::kExitUsage);            // two commands
    EXPECT_EQ(mipctl({"-s", "bcache"}).code, cli::kExitUsage);        // two commands
    EXPECT_EQ(mipctl({"binding"}).code, cli::kExitUsage);             // add or del?
    EXPECT_EQ(mipctl({"binding", "add", "2001:db8::1"}).code, cli::kExitUsage);  // no COA
    EXPECT_EQ(mipctl({"-i", "ha", "--socket", "/x", "stats"}).code, cli::kExitUsage);
    auto r = mipctl({"-i", "../etc", "stats"});
    EXPECT_EQ(r.code, cli::kExitUsage);
    EXPECT_EQ(r.err, "mipctl: --instance: not an instance name: ../etc\n");
}

TEST_F(MipctlTest, HelpDocumentsTheExitCodes) {
    auto r = mipctl({"--help"});
    EXPECT_EQ(r.code, cli::kExitOk);
    EXPECT_NE(r.out.find("Exit codes:"), std::string::npos);
    EXPECT_NE(r.out.find("-s = stats, -l = bul, -c = bcache"), std::string::npos);
}

// --- no agent, wrong instance, permission -----------------------------------

TEST_F(MipctlTest, NoAgentRunning) {
    auto r = mipctl({"stats"});
    EXPECT_EQ(r.code, cli::kExitNoAgent);
    EXPECT_EQ(r.err, "mipctl: no agent running: no control socket in " + dir + " (start xmipd, or give --socket PATH)\n");
    r = mipctl({"--socket", dir + "/nowhere.sock", "-s"});
    EXPECT_EQ(r.code, cli::kExitNoAgent);
    EXPECT_EQ(r.err, "mipctl: no agent at " + dir + "/nowhere.sock: the socket does not exist (is xmipd running?)\n");
}

TEST_F(MipctlTest, WrongInstanceNamesTheRunningOnes) {
    FakeAgent ha(sock("ha"));
    serve_home_agent(ha.server());
    ha.start();
    auto r = mipctl({"--instance", "mn", "bul"});
    EXPECT_EQ(r.code, cli::kExitNoAgent);
    EXPECT_EQ(r.err, "mipctl: no agent for instance 'mn': " + sock("mn") + " does not exist (running instances: ha)\n");
}

TEST_F(MipctlTest, StaleSocketIsNotAnAgent) {
    { FakeAgent gone(sock("ha")); }  // the server unlinks its socket: leave a stale one by hand
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un sa{};
    sa.sun_family = AF_UNIX;
    std::strcpy(sa.sun_path, sock("ha").c_str());
    ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)), 0);
    close(fd);
    auto r = mipctl({"-i", "ha", "stats"});
    EXPECT_EQ(r.code, cli::kExitNoAgent);
    EXPECT_EQ(r.err, "mipctl: no agent listens on " + sock("ha") + " (a socket left by a stopped xmipd?)\n");
}

TEST_F(MipctlTest, SeveralAgentsAndNoneChosen) {
    FakeAgent ha(sock("ha")), mn(sock("mn"));
    auto r = mipctl({"stats"});
    EXPECT_EQ(r.code, cli::kExitUsage);
    EXPECT_EQ(r.err, "mipctl: several agents run here (ha, mn): choose one with --instance NAME\n");
}

TEST_F(MipctlTest, PermissionDenied) {
    // The agent's socket is 0660 root: an unprivileged user may not connect.
    // Run mipctl in a child as nobody (the test runs as root in CI).
    if (geteuid() != 0) GTEST_SKIP() << "needs root to switch to an unprivileged user";
    FakeAgent ha(sock("ha"));
    chmod(dir.c_str(), 0755);
    int pipefd[2];
    ASSERT_EQ(pipe(pipefd), 0);
    pid_t pid = fork();
    if (pid == 0) {
        close(pipefd[0]);
        if (setgid(65534) != 0 || setuid(65534) != 0) _exit(100);
        auto r = mipctl({"-i", "ha", "stats"});
        (void)!write(pipefd[1], r.err.data(), r.err.size());
        _exit(r.code);
    }
    close(pipefd[1]);
    std::string err;
    char buf[512];
    for (ssize_t n; (n = read(pipefd[0], buf, sizeof(buf))) > 0;) err.append(buf, n);
    close(pipefd[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), cli::kExitNoAgent);
    EXPECT_EQ(err, "mipctl: permission denied on " + sock("ha") + ": run as root or as a member of the socket's group\n");
}

// --- the agent's errors -----------------------------------------------------

TEST_F(MipctlTest, AgentOfAnotherApiVersion) {
    // A future xmipd refuses our api 1 requests with api_version.
    FakeAgent ha(sock("ha"));
    for (const char* cmd : {"stats", "bcache"})
        ha.server().handle(cmd, [](const json&) -> json {
            throw control::CommandError{control::kErrApiVersion, "this agent speaks control API 2; request has 1"};
        });
    ha.start();
    auto r = mipctl({"bcache"});
    EXPECT_EQ(r.code, cli::kExitNoAgent);
    EXPECT_EQ(r.err, "mipctl: the agent at " + sock("ha") +
                         " speaks another control API version (this agent speaks control API 2; request has 1); "
                         "this mipctl speaks API 1: use the mipctl of that xmipd release\n");
    EXPECT_EQ(r.out, "");
}

TEST_F(MipctlTest, WrongRole) {
    FakeAgent ha(sock("ha"));
    serve_home_agent(ha.server());
    ha.start();
    auto r = mipctl({"-l"});
    EXPECT_EQ(r.code, cli::kExitAgentError);
    EXPECT_EQ(r.err,
              "mipctl: wrong role: the binding update list is a mobile node's; this is a home agent (try bcache)\n");
}

TEST_F(MipctlTest, BindingDelNotFound) {
    FakeAgent ha(sock("ha"));
    serve_home_agent(ha.server());
    ha.start();
    auto r = mipctl({"binding", "del", "2001:db8:1::77"});
    EXPECT_EQ(r.code, cli::kExitAgentError);
    EXPECT_EQ(r.err, "mipctl: not found: no binding for 2001:db8:1::77\n");
}

TEST_F(MipctlTest, CommandAnOlderAgentDoesNotKnow) {
    FakeAgent ha(sock("ha"));  // no handlers at all
    ha.start();
    auto r = mipctl({"home-agents"});
    EXPECT_EQ(r.code, cli::kExitAgentError);
    EXPECT_EQ(r.err,
              "mipctl: the agent does not know the command 'home-agents' (an older xmipd?): unknown command "
              "'home-agents'\n");
}

// --- answers ----------------------------------------------------------------

TEST_F(MipctlTest, BcacheTableAndJsonFromTheOneAgent) {
    FakeAgent ha(sock("ha"));
    serve_home_agent(ha.server());
    ha.start();
    auto r = mipctl({"-c"});  // the only agent here is picked without --instance
    EXPECT_EQ(r.code, cli::kExitOk) << r.err;
    EXPECT_EQ(r.out, cli::format_bcache(kBindings));
    EXPECT_EQ(r.err, "");
    auto j1 = mipctl({"bcache", "--json"});
    auto j2 = mipctl({"--json", "-i", "ha", "-c"});
    EXPECT_EQ(j1.code, cli::kExitOk);
    EXPECT_EQ(j1.out, j2.out);
    EXPECT_EQ(json::parse(j1.out), kBindings);
    EXPECT_EQ(j1.out, cli::format_json(kBindings));
}

TEST_F(MipctlTest, StatsAliasAndJson) {
    FakeAgent ha(sock("ha"));
    serve_home_agent(ha.server());
    ha.start();
    auto a = mipctl({"stats"});
    auto b = mipctl({"-s", "--socket", sock("ha")});
    EXPECT_EQ(a.code, cli::kExitOk);
    EXPECT_EQ(a.out, b.out);
    EXPECT_NE(a.out.find("encapsulations  NEncapsulations        3    300\n"), std::string::npos) << a.out;
    auto j = mipctl({"-s", "--json"});
    EXPECT_EQ(json::parse(j.out)["signalling"]["bu_received"], 2);
}

TEST_F(MipctlTest, BindingAddSendsTheArgsAndShowsTheBinding) {
    FakeAgent ha(sock("ha"));
    json args;
    serve_home_agent(ha.server(), &args);
    ha.start();
    // Written differently from the agent's canonical form: still found.
    auto r = mipctl({"binding", "add", "2001:DB8:1:0::4", "2001:db8:aa::5", "--lifetime", "600"});
    EXPECT_EQ(r.code, cli::kExitOk) << r.err;
    EXPECT_EQ(args, (json{{"home_address", "2001:DB8:1:0::4"}, {"care_of_address", "2001:db8:aa::5"}, {"lifetime", 600}}));
    EXPECT_EQ(r.out,
              "HOME ADDRESS   CARE-OF ADDRESS  LIFETIME  LEFT  SEQUENCE  STATE\n"
              "2001:db8:1::4  2001:db8:aa::5        600   599         7  active\n");
    r = mipctl({"binding", "add", "2001:db8:1::4", "2001:db8:aa::5"});
    EXPECT_FALSE(args.contains("lifetime"));  // the agent's default
}

TEST_F(MipctlTest, VersionWithAndWithoutAnAgent) {
    auto r = mipctl({"version"});
    EXPECT_EQ(r.code, cli::kExitOk);
    EXPECT_EQ(r.out, std::string("mipctl ") + cli::version() +
                         " (control API 1)\nxmipd: not reachable: no agent running: no control socket in " + dir +
                         " (start xmipd, or give --socket PATH)\n");
    FakeAgent ha(sock("ha"));
    serve_home_agent(ha.server());
    ha.start();
    r = mipctl({"version"});
    EXPECT_EQ(r.code, cli::kExitOk);
    EXPECT_EQ(r.out, std::string("mipctl ") + cli::version() + " (control API 1)\nxmipd 0.1.0 (instance ha, role ha, " +
                         sock("ha") + ")\n");
    auto j = json::parse(mipctl({"version", "--json"}).out);
    EXPECT_EQ(j["mipctl"]["api"], 1);
    EXPECT_EQ(j["agent"]["version"], "0.1.0");
    EXPECT_EQ(j["agent"]["socket"], sock("ha"));
}

// --- the executable: exit codes as a shell sees them ---------------------------

TEST_F(MipctlTest, ExecutableExitCodes) {
    auto rc = [](const std::string& args) {
        int s = std::system((std::string(MIPCTL_BIN) + " " + args + " >/dev/null 2>&1").c_str());
        return WIFEXITED(s) ? WEXITSTATUS(s) : -1;
    };
    EXPECT_EQ(rc("--help"), cli::kExitOk);
    EXPECT_EQ(rc("version"), cli::kExitOk);
    EXPECT_EQ(rc("bogus"), cli::kExitUsage);
    EXPECT_EQ(rc("binding add x y"), cli::kExitUsage);
    EXPECT_EQ(rc("--socket " + dir + "/none.sock stats"), cli::kExitNoAgent);
    FakeAgent ha(sock("ha"));
    serve_home_agent(ha.server());
    ha.start();
    EXPECT_EQ(rc("-c"), cli::kExitOk);
    EXPECT_EQ(rc("binding del 2001:db8::1"), cli::kExitAgentError);
}
