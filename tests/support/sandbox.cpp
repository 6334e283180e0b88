// SPDX-License-Identifier: BSD-2-Clause
#include "sandbox.hpp"

#include <net/if.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/wait.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

namespace xmip::test {

namespace {
bool g_ready = false;
std::string g_error = "sandbox not entered";
}  // namespace

bool enter_sandbox(std::string* why) {
    auto fail = [&](const std::string& what) {
        g_error = what + ": " + std::strerror(errno);
        if (why) *why = g_error;
        return false;
    };
    if (unshare(CLONE_NEWNET | CLONE_NEWNS) != 0) return fail("unshare(NEWNET|NEWNS)");
    // Keep our mounts to ourselves, then give ourselves a fresh bpffs.
    if (mount("none", "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0)
        return fail("making / private");
    if (mount("bpf", "/sys/fs/bpf", "bpf", 0, nullptr) != 0) return fail("mounting bpffs");
    g_ready = true;
    g_error.clear();
    return true;
}

void run(const std::string& cmd) {
    int rc = std::system(cmd.c_str());
    if (rc == -1 || !WIFEXITED(rc) || WEXITSTATUS(rc) != 0)
        throw std::runtime_error("command failed (status " + std::to_string(rc) + "): " + cmd);
}

void run_all(const std::vector<std::string>& cmds) {
    for (const auto& c : cmds) run(c);
}

int veth_pair(const std::string& name) {
    if (!if_nametoindex(name.c_str()))
        run("ip link add " + name + " type veth peer name " + name + "p && ip link set " + name +
            " up && ip link set " + name + "p up");
    return static_cast<int>(if_nametoindex(name.c_str()));
}

bool sandbox_ready() { return g_ready; }
const std::string& sandbox_error() { return g_error; }

bool running_in_ci() {
    const char* ci = std::getenv("CI");
    return ci && *ci && std::strcmp(ci, "0") != 0 && std::strcmp(ci, "false") != 0;
}

}  // namespace xmip::test
