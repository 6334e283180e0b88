// SPDX-License-Identifier: BSD-2-Clause
// Named network namespaces that cannot outlive the benchmark.
//
// The benchmark first enters a private mount namespace and mounts fresh
// tmpfs over /run/netns and /tmp there: `ip netns add` then pins its
// namespaces, and the benchmark its bpffs and files, in mounts nobody else
// sees, which the kernel takes down with the process however it ends
// (return, exception, signal, SIGKILL). Children started with spawn() get
// SIGTERM when the benchmark dies. So a failed or killed run leaves no
// namespace, pin or process behind, and runs of different users of the
// machine never see each other's names.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace xmip::bench {

// Call first in main(), before any thread exists. Returns false and sets
// *why when it cannot (not root, no namespaces). Also mounts a bpffs at
// bpffs_dir() (visible inside `ip netns exec`, unlike /sys/fs/bpf).
bool enter_private_testbed(std::string* why);
const std::string& bpffs_dir();
// The exit status when the testbed cannot be had: 77 (ctest: skipped), or 1
// under CI=true, where a benchmark that cannot run must fail.
int unavailable_status();

// Runs a shell command; throws std::runtime_error with the command and its
// status on failure.
void sh(const std::string& cmd);
// Runs a shell command and returns its standard output.
std::string sh_output(const std::string& cmd);
// Runs a shell command for a probe: true when it succeeds; on failure
// *why holds its standard error and output (last line, trimmed).
bool try_sh(const std::string& cmd, std::string* why);
// How the running kernel was built with `option` ("CONFIG_VXLAN"): "y",
// "m", "n" (not set), or "" when /proc/config.gz does not say.
std::string kernel_config(const std::string& option);

// While alive, the calling thread is in network namespace `name` (created
// with `ip netns add`); the destructor returns it to where it was.
class InNetns {
public:
    explicit InNetns(const std::string& name);
    ~InNetns();
    InNetns(const InNetns&) = delete;
    InNetns& operator=(const InNetns&) = delete;

private:
    int back_ = -1;
};

// Starts argv (argv[0] found on PATH) with stdout and stderr to log_path; the child
// gets SIGTERM if this process dies. Returns its pid.
pid_t spawn(const std::vector<std::string>& argv, const std::string& log_path);
// SIGTERM, then SIGKILL after grace_ms; reaps it. Returns the exit status
// as waitpid gives it (or -1 if it was not ours).
int stop(pid_t pid, int grace_ms = 3000);

}  // namespace xmip::bench
