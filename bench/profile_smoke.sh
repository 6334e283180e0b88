#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# bench_profile_smoke: xmip-bench-forward --quick --profile DIR must exit 0,
# leave a perf.data per profiled way in DIR and print the "where the time
# goes" table of both directions, with xmip's XDP program as a row of way a
# and none of way c (the bare redirect does not run it). Speed is never
# checked. perf comes from scripts/install-deps.sh (linux-perf).
set -uo pipefail
bin="$1"
fail() {
	echo "bench_profile_smoke: $*" >&2
	exit 1
}
command -v perf >/dev/null || fail "perf is not installed (scripts/install-deps.sh installs linux-perf)"
# perf_event_open is optional kernel support (CONFIG_PERF_EVENTS, and
# perf_event_paranoid / lockdown may refuse it): probed, skipped with the
# reason, like the benchmarks' optional ways.
if ! why=$(perf record -q -o /dev/null -- true 2>&1); then
	echo "bench_profile_smoke: skipped: this kernel refuses perf record: ${why:0:200}"
	exit 77
fi
dir=$(mktemp -d /tmp/xmip-profile-smoke.XXXXXX)
trap 'rm -rf "$dir"' EXIT
out=$("$bin" --quick --cpus 1 --profile "$dir" 2>&1)
rc=$?
printf '%s\n' "$out"
((rc == 0)) || exit "$rc"
for f in down-a down-c up-a up-c; do
	[[ -s $dir/$f.perf.data ]] || fail "no $f.perf.data in the profile directory"
done
grep -q '^== where the time goes' <<<"$out" || fail "no profile table"
for d in downlink uplink; do
	grep -Eq "^$d: a \(xmip\) [0-9.]+ ns per frame, c \(bare redirect\) [0-9.]+ ns" <<<"$out" ||
		fail "no '$d' profile header"
done
# Way a's own program has samples, way c's column for it is zero.
rows=$(grep -Ec '^  bpf_prog_xmip_ha_xdp +[0-9]+\.[0-9] +0\.0 ' <<<"$out")
((rows == 2)) || fail "bpf_prog_xmip_ha_xdp is not a row of both directions' tables with c = 0.0 ($rows rows)"
exit 0
