// SPDX-License-Identifier: BSD-2-Clause
// A private network and mount namespace for tests that need real kernel
// objects (interfaces, routes, neighbours, bpffs). Everything created inside
// dies with the test process, also when it crashes: nothing to clean up.
#pragma once

#include <string>
#include <vector>

namespace xmip::test {

// Call first in main(), before any thread exists (unshare affects the
// calling thread only). Returns false and sets *why when it cannot (not
// root, no namespaces).
bool enter_sandbox(std::string* why);

// Runs a shell command inside the sandbox; throws std::runtime_error with
// the command and its exit status on failure.
void run(const std::string& cmd);
void run_all(const std::vector<std::string>& cmds);
// A veth pair name <-> name+"p", both up, created once; returns name's ifindex.
int veth_pair(const std::string& name);

// Whether the sandbox was entered, and if not why. Tests call
// require_sandbox() first: under CI (CI=true) a missing capability fails
// the test, elsewhere the test is skipped with the reason.
bool sandbox_ready();
const std::string& sandbox_error();
bool running_in_ci();

}  // namespace xmip::test

// GoogleTest glue: fail under CI, skip elsewhere.
#define XMIP_REQUIRE_SANDBOX()                                                     \
    do {                                                                           \
        if (!::xmip::test::sandbox_ready()) {                                      \
            if (::xmip::test::running_in_ci())                                     \
                FAIL() << "needs root/namespaces: " << ::xmip::test::sandbox_error(); \
            GTEST_SKIP() << "needs root/namespaces: " << ::xmip::test::sandbox_error(); \
        }                                                                          \
    } while (0)
