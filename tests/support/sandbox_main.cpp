// SPDX-License-Identifier: BSD-2-Clause
// main() for test binaries that need the sandbox: enter it before GoogleTest
// (or anything else) starts a thread.
#include <gtest/gtest.h>

#include <cstdio>

#include "sandbox.hpp"

int main(int argc, char** argv) {
    std::string why;
    if (!xmip::test::enter_sandbox(&why))
        std::fprintf(stderr, "xmip tests: no sandbox (%s)%s\n", why.c_str(),
                     xmip::test::running_in_ci() ? ": failing, CI=true" : ": skipping those tests");
    ::testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}
