// SPDX-License-Identifier: BSD-2-Clause
#include "netns_testbed.hpp"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <thread>

namespace xmip::bench {

namespace {
const std::string kBpffs = "/tmp/bpffs";
}

const std::string& bpffs_dir() { return kBpffs; }

int unavailable_status() {
    const char* ci = std::getenv("CI");
    const bool in_ci = ci && *ci && std::strcmp(ci, "0") != 0 && std::strcmp(ci, "false") != 0;
    return in_ci ? 1 : 77;
}

bool enter_private_testbed(std::string* why) {
    auto fail = [&](const std::string& what) {
        if (why) *why = what + ": " + std::strerror(errno);
        return false;
    };
    if (geteuid() != 0) {
        errno = EPERM;
        return fail("needs root");
    }
    if (unshare(CLONE_NEWNS) != 0) return fail("unshare(CLONE_NEWNS)");
    if (mount("none", "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) return fail("making / private");
    mkdir("/run/netns", 0755);  // iproute2 makes it too; harmless when it exists
    if (mount("xmip-bench", "/run/netns", "tmpfs", 0, "mode=0755") != 0) return fail("tmpfs on /run/netns");
    if (mount("xmip-bench", "/tmp", "tmpfs", 0, "mode=1777") != 0) return fail("tmpfs on /tmp");
    mkdir(kBpffs.c_str(), 0700);
    if (mount("bpf", kBpffs.c_str(), "bpf", 0, nullptr) != 0) return fail("bpffs on " + kBpffs);
    return true;
}

void sh(const std::string& cmd) {
    int rc = std::system(cmd.c_str());
    if (rc == -1 || !WIFEXITED(rc) || WEXITSTATUS(rc) != 0)
        throw std::runtime_error("command failed (status " + std::to_string(rc) + "): " + cmd);
}

std::string sh_output(const std::string& cmd) {
    FILE* p = popen(cmd.c_str(), "r");
    if (!p) throw std::runtime_error("cannot run: " + cmd);
    std::string out;
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    int rc = pclose(p);
    if (rc == -1 || !WIFEXITED(rc) || WEXITSTATUS(rc) != 0)
        throw std::runtime_error("command failed (status " + std::to_string(rc) + "): " + cmd);
    return out;
}

bool try_sh(const std::string& cmd, std::string* why) {
    FILE* p = popen(("{ " + cmd + "; } 2>&1").c_str(), "r");
    if (!p) {
        if (why) *why = "cannot run: " + cmd;
        return false;
    }
    std::string out;
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    const int rc = pclose(p);
    if (rc != -1 && WIFEXITED(rc) && WEXITSTATUS(rc) == 0) return true;
    while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
    // ip's own words ("Error: ...") where it gave them, else the last line.
    auto at = out.rfind("Error");
    if (at != std::string::npos && at > 0 && out[at - 1] != '\n') at = std::string::npos;
    if (at == std::string::npos) at = out.rfind('\n') == std::string::npos ? 0 : out.rfind('\n') + 1;
    if (why) *why = out.substr(at, out.find('\n', at) - at);
    if (why && why->empty()) *why = "status " + std::to_string(rc);
    return false;
}

std::string kernel_config(const std::string& option) {
    std::string line;
    try {
        line = sh_output("zcat /proc/config.gz 2>/dev/null | grep -E '^(# )?" + option + "[= ]' || true");
    } catch (const std::exception&) {
        return "";
    }
    if (line.rfind(option + "=y", 0) == 0) return "y";
    if (line.rfind(option + "=m", 0) == 0) return "m";
    if (line.rfind("# " + option + " is not set", 0) == 0) return "n";
    return "";
}

InNetns::InNetns(const std::string& name) {
    back_ = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
    if (back_ < 0) throw std::runtime_error(std::string("cannot open own netns: ") + std::strerror(errno));
    const std::string path = "/run/netns/" + name;
    int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0 || setns(fd, CLONE_NEWNET) != 0) {
        int e = errno;
        if (fd >= 0) close(fd);
        close(back_);
        throw std::runtime_error("cannot enter netns " + name + ": " + std::strerror(e));
    }
    close(fd);
}

InNetns::~InNetns() {
    if (setns(back_, CLONE_NEWNET) != 0) {
        std::perror("xmip-bench: cannot return to the original netns");
        std::abort();  // every later step would act on the wrong namespace
    }
    close(back_);
}

pid_t spawn(const std::vector<std::string>& argv, const std::string& log_path) {
    const pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (getppid() != parent) _exit(127);  // the parent died before prctl
        int fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
        }
        std::vector<char*> args;
        for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        execvp(args[0], args.data());
        _exit(127);
    }
    return pid;
}

int stop(pid_t pid, int grace_ms) {
    if (pid <= 0) return -1;
    kill(pid, SIGTERM);
    int status = 0;
    for (int waited = 0; waited < grace_ms; waited += 10) {
        pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid) return status;
        if (r < 0) return -1;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    kill(pid, SIGKILL);
    return waitpid(pid, &status, 0) == pid ? status : -1;
}

}  // namespace xmip::bench
