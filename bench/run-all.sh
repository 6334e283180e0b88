#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# bench/run-all.sh: every xmip benchmark in one command (docs/performance.md).
#
#   bench/run-all.sh [--quick] [BUILD_DIR]     (as root; BUILD_DIR default: build)
#   XMIPD=/path/to/xmipd bench/run-all.sh ...  (another xmipd than BUILD_DIR's)
#
# Runs, in this order: xmip-bench-forward (pps: xmip vs the kernel's seg6
# and VXLAN tunnels where the kernel has them, else skipped with the reason,
# vs a bare XDP forwarder), xmip-bench-datapath (ns/packet and load
# time vs number of bindings), xmip-bench-signalling (registrations per
# second of one xmipd home agent, at two binding cache sizes, with and
# without RFC 4285 authentication). Prints each
# tool's report; the results and the progress go to $RESULTS (default
# bench-results-<date>.txt in the current directory; --quick: not kept).
#
# Cleaning up: each tool builds its namespaces, bpffs and files in a private
# mount namespace that the kernel removes with the process, and its xmipd
# gets SIGTERM when it dies (bench/netns_testbed.hpp); this script stops any
# tool still running when it is interrupted, by process id.
# --quick is the CI smoke version (about 15 s): it checks that every tool
# runs and prints every row, never a speed.
set -euo pipefail

QUICK=0
if [[ ${1:-} == --quick ]]; then
	QUICK=1
	shift
fi
BUILD=${1:-build}
[[ $BUILD = /* ]] || BUILD=$PWD/$BUILD
XMIPD=${XMIPD:-$BUILD/agent/xmipd/xmipd}
[[ -x $XMIPD ]] || {
	echo "run-all.sh: no xmipd at $XMIPD (cmake --build $BUILD --target xmipd, or XMIPD=...)" >&2
	exit 2
}
for t in bench/xmip-bench-forward bench/xmip-bench-datapath bench/xmip-bench-signalling; do
	[[ -x $BUILD/$t ]] || {
		echo "run-all.sh: no $BUILD/$t (cmake --build $BUILD --target ${t##*/})" >&2
		exit 2
	}
done
if ((EUID != 0)); then
	echo "run-all.sh: needs root (network namespaces, XDP)" >&2
	# Under CI a benchmark that cannot run fails; elsewhere it is skipped.
	[[ ${CI:-} == true || ${CI:-} == 1 ]] && exit 1
	exit 77
fi

CHILD=
# shellcheck disable=SC2317 # the traps
stop_child() { [[ -n $CHILD ]] && kill -TERM "$CHILD" 2>/dev/null && wait "$CHILD" 2>/dev/null; CHILD=; }
trap 'stop_child; exit 130' INT TERM
trap 'stop_child' EXIT

if ((QUICK)); then
	RESULTS=$(mktemp /tmp/xmip-bench-quick.XXXXXX)
	trap 'stop_child; rm -f "$RESULTS"' EXIT
else
	RESULTS=${RESULTS:-$PWD/bench-results-$(date -u +%Y%m%dT%H%M%SZ).txt}
fi

# run NAME ARGS...: one tool; its report to stdout and $RESULTS.
run() {
	local name=$1
	shift
	echo "### $name: $*" | tee -a "$RESULTS"
	"$@" >>"$RESULTS.part" 2>&1 &
	CHILD=$!
	local rc=0
	wait "$CHILD" || rc=$?
	CHILD=
	cat "$RESULTS.part" >>"$RESULTS"
	grep -v '^round \|^xmip-bench-datapath: N=\|^  [0-9]* acknowledged\|^xmipd answers' "$RESULTS.part" || true
	rm -f "$RESULTS.part"
	# 77: the tool said why this kernel cannot run it (a "skipped:" line
	# above); the others still run.
	if ((rc == 77)); then
		echo "run-all.sh: $name skipped (above)" | tee -a "$RESULTS"
		echo
		return 0
	fi
	if ((rc != 0)); then
		echo "run-all.sh: $name failed with status $rc" >&2
		exit "$rc"
	fi
	echo
}

echo "xmip benchmarks, $(date -u '+%Y-%m-%d %H:%M UTC'), $(uname -r), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)" | tee "$RESULTS"
START=$SECONDS
if ((QUICK)); then
	run forward "$BUILD/bench/xmip-bench-forward" --quick
	run datapath "$BUILD/bench/xmip-bench-datapath" --quick
	run signalling "$BUILD/bench/xmip-bench-signalling" --quick --xmipd "$XMIPD"
	run signalling-auth "$BUILD/bench/xmip-bench-signalling" --quick --auth --xmipd "$XMIPD"
else
	run forward "$BUILD/bench/xmip-bench-forward"
	run datapath "$BUILD/bench/xmip-bench-datapath"
	run signalling-300 "$BUILD/bench/xmip-bench-signalling" --nodes 300 --refresh-rounds 10 --xmipd "$XMIPD"
	run signalling-300-auth "$BUILD/bench/xmip-bench-signalling" --nodes 300 --refresh-rounds 10 --auth --xmipd "$XMIPD"
	run signalling-1000 "$BUILD/bench/xmip-bench-signalling" --nodes 1000 --refresh-rounds 2 --xmipd "$XMIPD"
	echo "results: $RESULTS"
fi
echo "all benchmarks ran in $((SECONDS - START)) s"
