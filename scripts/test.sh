#!/usr/bin/env bash
# Install dependencies, build everything and run every test (unit, BPF
# fixtures, end-to-end on namespaces, benchmark smoke). As root: the datapath
# tests load BPF programs and create network namespaces. Under CI=true a test
# that cannot get what it needs fails instead of skipping.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)"
cd build
ctest --output-on-failure --timeout 600 "$@"
