#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Install dependencies, build everything and run every test (unit, BPF
# fixtures, end-to-end on namespaces, benchmark smoke), then the same suite
# again built with AddressSanitizer, LeakSanitizer and UBSan (clang, in
# build-asan) and each fuzzer for a bounded time. As root: the datapath
# tests load BPF programs and create network namespaces. Under CI=true a test
# that cannot get what it needs fails instead of skipping.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
# Line tables only (-g1): the suites need file:line in backtraces and
# sanitizer reports, not variables; full DWARF made each compile ~25% slower
# (gcc; ~8% with clang), and CI builds everything twice on two cores. The BPF
# objects keep -g (their BTF comes from it: cmake/BpfObject.cmake).
dbg=(-DCMAKE_C_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG" -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG")
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo "${dbg[@]}" >/dev/null
cmake --build build -j"$(nproc)"
# clang-format and clang-tidy on the lines this branch changed (not the
# whole tree: docs/testing.md, "Style and lint"). clang-tidy parses each
# changed file whole and costs minutes of CPU for a batch: it runs in the
# idle scheduling class beside the suites (whose end-to-end tests mostly
# wait on protocol timers), so it takes only CPU they leave, and its verdict
# is collected at the end.
scripts/check-changed.sh --only=format build
tidy_log=$PWD/build/check-tidy.log
setsid chrt --idle 0 scripts/check-changed.sh --only=tidy build >"$tidy_log" 2>&1 &
tidy_pid=$!
trap 'kill -- -"$tidy_pid" 2>/dev/null || true' EXIT
# In parallel: the end-to-end tests are RUN_SERIAL, they still run alone.
(cd build && ctest --output-on-failure --timeout 600 -j"$(nproc)" "$@")

# The sanitizer build: one clang build serves the suite and the fuzzers
# (cmake/Sanitizers.cmake). Any ASan/LSan/UBSan report fails its test.
CC=clang CXX=clang++ cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo "${dbg[@]}" -DXMIP_FUZZ=ON >/dev/null
cmake --build build-asan -j"$(nproc)"
source tests/sanitizers/env.sh
# Fuzzers first, in parallel (each is single-threaded); then the suite, also
# in parallel (the e2e tests are RUN_SERIAL: they still run alone). The
# benchmark smoke tests measure speed, which sanitizers distort: left out.
ctest --test-dir build-asan --output-on-failure --timeout 600 -L fuzz -j"$(nproc)" "$@"
ctest --test-dir build-asan --output-on-failure --timeout 600 -LE 'fuzz|bench' -j"$(nproc)" "$@"

tidy_rc=0
wait "$tidy_pid" || tidy_rc=$?
cat "$tidy_log"
exit "$tidy_rc"
