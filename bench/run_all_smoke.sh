#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# bench_all_smoke: bench/run-all.sh --quick must exit 0 and print every row
# of every report. Speed is never checked.
set -uo pipefail
out=$(bash "$(dirname "$0")/run-all.sh" --quick "$1" 2>&1)
rc=$?
printf '%s\n' "$out"
((rc == 0)) || exit "$rc"
for want in \
	'^downlink  a xmip encap' '^downlink  b kernel seg6 encap.red' '^downlink  c bare XDP redirect' \
	'^downlink  d fib lookup' '^uplink    d fib lookup' '^downlink ratios: a/b' '^== the same per CPU-second' \
	'^uplink    a xmip decap' '^uplink    b kernel seg6local End.DT6' '^uplink    c bare XDP redirect' \
	'^uplink ratios: a/b' \
	'^HA downlink encap ' '^HA uplink decap ' '^== bindings: batched upsert' \
	'^first registrations ' '^refreshes ' '^all benchmarks ran'; do
	grep -q "$want" <<<"$out" || { echo "bench_all_smoke: no line matching '$want'" >&2; exit 1; }
done
