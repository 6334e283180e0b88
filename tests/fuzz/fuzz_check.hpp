// SPDX-License-Identifier: BSD-2-Clause
// An invariant a fuzz target checks beyond "does not crash". A violation
// aborts, so libFuzzer saves the input as a crash artifact and CI fails;
// the message says which invariant broke.
#pragma once

#include <cstdio>
#include <cstdlib>

#define FUZZ_CHECK(cond)                                                                       \
    do {                                                                                       \
        if (!(cond)) {                                                                         \
            std::fprintf(stderr, "%s:%d: invariant violated: %s\n", __FILE__, __LINE__, #cond); \
            std::abort();                                                                      \
        }                                                                                      \
    } while (0)
