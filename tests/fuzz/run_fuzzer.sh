#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Runs one libFuzzer target for a bounded time, as ctest does:
#   run_fuzzer.sh FUZZER SEED_DIR WORK_DIR SECONDS [DICT]
# New inputs go to WORK_DIR/corpus (never into the committed seeds), a crash
# to WORK_DIR/crash-* (libFuzzer prints the path). Exit status: libFuzzer's,
# so any crash, sanitizer report, broken invariant, timeout (a hang: one
# input over 10 s) or memory blow-up fails. libFuzzer's own default for those
# is 77, which test drivers often read as "skipped": 1 here.
set -euo pipefail
fuzzer=$1 seeds=$2 work=$3 seconds=$4 dict=${5:-}
rm -rf "$work"
mkdir -p "$work/corpus"
exec "$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
  -error_exitcode=1 -timeout_exitcode=1 \
  ${dict:+-dict="$dict"} -artifact_prefix="$work/" "$work/corpus" "$seeds"
