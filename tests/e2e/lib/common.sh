# SPDX-License-Identifier: BSD-2-Clause
# shellcheck shell=bash
# shellcheck disable=SC2034 # globals set here are read by the scripts
# tests/e2e/lib/common.sh - the plumbing every end-to-end script shares:
# options, PASS/FAIL output, the time limit, processes started in namespaces,
# the control socket, waiting, and a cleanup that checks nothing is left.
# Sourced first by each script; the checks themselves stay in the scripts.
#
# Every function is safe under `set -eEuo pipefail` (datapath_e2e.sh) as well
# as under `set -uo pipefail` (the others): none returns non-zero unless
# failing is what it reports.

# Where the sourcing script is (BASH_SOURCE[1]): its name for messages and
# its help, the repository for default binaries, lib/ for the helpers.
HERE=$(cd "$(dirname "${BASH_SOURCE[1]}")" && pwd)
SELF=${BASH_SOURCE[1]##*/}
REPO=$(cd "$HERE/../.." && pwd)
LIB=$HERE/lib
# The system python, which has scapy (not a virtualenv's that may not).
PY=/usr/bin/python3
# The helpers import one another (mh_wire.py): no bytecode in the source tree.
export PYTHONDONTWRITEBYTECODE=1

# State every script has; the scripts read and set these directly.
VERBOSE=0
TEARDOWN=0
TEARDOWN_DIRS=()
PASSED=0
FAILED=0
FAILED_NAMES=()
# What fail() keeps of a check's name for the RESULT line: the name up to
# the first E2E_NAME_END ("A1. registration ..." -> "A1").
E2E_NAME_END=.
BG_PIDS=()
WATCHDOG=
RESULT_PRINTED=0
ABORTED=
SETUP_FAILED=0
STOP_STATUS=
AGENT_EXIT=
LEFT=
RC=0

# ---- options ---------------------------------------------------------------------
# e2e_usage [STATUS]: the script's header comment (line 2 up to its `set -`
# line) is its help, so the two cannot disagree.
e2e_usage() {
	sed -n '2,/^set -/p' "$HERE/$SELF" | sed '$d; s/^# \{0,1\}//'
	exit "${1:-0}"
}

# e2e_parse_args SPEC... -- ARGS...: one loop for every script's options, so
# they all take --verbose/-v and -h/--help and word their errors alike. A SPEC
# is OPTION=VAR:WHAT for an option with a value ("OPTION needs a WHAT"),
# OPTION=VAR for a flag (VAR=1), or --teardown for `--teardown [WORKDIR]`
# (sets TEARDOWN, appends to TEARDOWN_DIRS).
e2e_parse_args() {
	local -A takes=() flags=()
	local spec opt teardown_ok=0
	while [[ $1 != -- ]]; do
		spec=$1
		shift
		opt=${spec%%=*}
		case $spec in
		--teardown) teardown_ok=1 ;;
		*=*:*) takes[$opt]=${spec#*=} ;;
		*=*) flags[$opt]=${spec#*=} ;;
		esac
	done
	shift
	while (($#)); do
		opt=$1
		if [[ -n ${takes[$opt]:-} ]]; then
			printf -v "${takes[$opt]%%:*}" '%s' "${2:?$opt needs a ${takes[$opt]#*:}}"
			shift
		elif [[ -n ${flags[$opt]:-} ]]; then
			printf -v "${flags[$opt]}" 1
		elif [[ $opt == --teardown ]] && ((teardown_ok)); then
			TEARDOWN=1
			if [[ ${2:-} && ${2:0:1} != - ]]; then TEARDOWN_DIRS+=("$2"); shift; fi
		else
			case $opt in
			--verbose | -v) VERBOSE=1 ;;
			-h | --help) e2e_usage 0 ;;
			*) echo "$SELF: unknown argument '$1'" >&2; e2e_usage 2 >&2 ;;
			esac
		fi
		shift
	done
	return 0
}

# e2e_teardown_kept TAG REMOVE: what --teardown does, then exit. Without a
# WORKDIR: every testbed --keep left ($TMPDIR/TAG.*, its state file marked
# TB_KEPT=1); a run in progress elsewhere has a state file too, but is not
# marked kept and is not ours to remove. REMOVE DIR tears one down.
e2e_teardown_kept() {
	local tag=$1 remove=$2 f d
	if ((${#TEARDOWN_DIRS[@]} == 0)); then
		shopt -s nullglob
		for f in "${TMPDIR:-/tmp}/$tag".*/testbed.env; do
			if grep -qx 'TB_KEPT=1' "$f"; then TEARDOWN_DIRS+=("${f%/testbed.env}"); fi
		done
	fi
	((${#TEARDOWN_DIRS[@]})) || { echo "no kept testbed found"; exit 0; }
	for d in "${TEARDOWN_DIRS[@]}"; do
		if [[ $d != */"$tag".* || ! -f $d/testbed.env ]]; then
			echo "$SELF: $d is not a testbed directory of this script" >&2
			exit 2
		fi
		"$remove" "$d"
		echo "removed testbed $d"
	done
	exit 0
}

# ---- preconditions ---------------------------------------------------------------
# Namespaces, XDP and a bpffs of our own all need root: say so up front
# rather than fail half-way through the setup.
e2e_require_root() {
	if ((EUID != 0)); then
		echo "$SELF: must run as root (namespaces, XDP, bpffs)" >&2
		exit 2
	fi
}

# e2e_require_tools TOOL...: a missing tool is a broken host, not a failed
# check: exit 2 naming it and where it comes from.
e2e_require_tools() {
	local tool
	for tool; do
		command -v "$tool" >/dev/null || { echo "$SELF: $tool missing (scripts/install-deps.sh)" >&2; exit 2; }
	done
}

# e2e_abspath PATH: binaries are run from inside `ip netns exec` and from
# other directories, so their paths are made absolute once.
e2e_abspath() { echo "$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"; }

# RFC 4285 keys for the tests' security associations: e2e_random_key prints
# a new 256-bit key in hex; e2e_write_key FILE [HEX] writes HEX (a new one
# by default) readable by root only, as xmipd insists (docs/security.md).
e2e_random_key() { od -An -tx1 -N32 /dev/urandom | tr -d ' \n'; }
e2e_write_key() { (umask 077 && printf '%s\n' "${2:-$(e2e_random_key)}" >"$1"); }

# ---- output -------------------------------------------------------------------------
# say/step/show only in --verbose: the default output is one line a check.
say() { if ((VERBOSE)); then printf '  %s\n' "$*"; fi; }
step() { if ((VERBOSE)); then printf '\n== %s\n' "$*"; fi; }
# show CMD...: in verbose mode, run a command and print it with its output.
show() {
	if ((VERBOSE)); then
		printf '  $ %s\n' "$*"
		{ "$@" 2>&1 || true; } | sed 's/^/    /'
	fi
	return 0
}

# pass NAME DETAIL... / fail NAME DETAIL...: the one line a check prints,
# its details indented below, and the counts for the RESULT line.
pass() {
	PASSED=$((PASSED + 1))
	printf 'PASS  %s\n' "$1"
	shift
	local l
	for l in "$@"; do printf '        %s\n' "$l"; done
}
fail() {
	FAILED=$((FAILED + 1))
	FAILED_NAMES+=("${1%%"$E2E_NAME_END"*}")
	printf 'FAIL  %s\n' "$1"
	shift
	local l
	for l in "$@"; do printf '        %s\n' "$l"; done
}
# report NAME OK-LINE... -- PROBLEM...: PASS with the OK lines when no
# problem was collected, else FAIL listing the problems; a check collects
# every problem instead of stopping at the first.
report() {
	local name=$1 ok=()
	shift
	while (($#)) && [[ $1 != -- ]]; do ok+=("$1"); shift; done
	if (($#)); then shift; fi
	if (($# == 0)); then pass "$name" "${ok[@]}"; else fail "$name" "$@"; fi
}

# e2e_result: the last line, and the exit status ctest goes by; it ends
# with E2E_RESULT_SUFFIX when a script sets one (the run's duration).
E2E_RESULT_SUFFIX=
e2e_result() {
	local tail=${E2E_RESULT_SUFFIX:+ $E2E_RESULT_SUFFIX}
	RESULT_PRINTED=1
	if ((FAILED)); then
		echo "RESULT: $FAILED of $((PASSED + FAILED)) checks FAILED (${FAILED_NAMES[*]})$tail"
		exit 1
	fi
	echo "RESULT: all $PASSED checks passed$tail"
	exit 0
}

# ---- lifetime --------------------------------------------------------------------------
# e2e_work TAG: the run's work dir ($TMPDIR/TAG.XXXXXX: the cleanup removes
# only a directory named so), and the script's stdout and stderr kept on fds
# 3 and 4: the EXIT trap may run while a function's output is redirected (a
# signal is handled when the foreground command ends, inside `f >file`), and
# the cleanup must still write where the script does.
e2e_work() {
	WORK=$(mktemp -d "${TMPDIR:-/tmp}/$1.XXXXXX")
	exec 3>&1 4>&2
}

# e2e_arm: the traps, then the watchdog. EXIT runs the script's `cleanup`
# however the run ends; INT and TERM (the watchdog's) exit with 128+signal,
# noted in ABORTED because that is the status the run must end with.
e2e_arm() {
	trap cleanup EXIT
	trap 'ABORTED=130; exit 130' INT
	trap 'ABORTED=143; exit 143' TERM
	e2e_start_watchdog
}

# The time limit: a separate shell that TERMs this script after TIME_LIMIT
# seconds (so a hung peer cannot hang ctest, and the cleanup still runs); on
# TERM itself it kills its own sleep, so stopping it leaves nothing.
e2e_start_watchdog() {
	# shellcheck disable=SC2016 # expanded by the inner shell
	bash -c 'sleep "$1" & s=$!; trap "kill $s 2>/dev/null; exit 0" TERM
		wait $s; echo "$3: time limit of $1 s reached, aborting" >&2
		kill -TERM "$2"' _ "$TIME_LIMIT" "$$" "$SELF" 3>&- 4>&- &
	WATCHDOG=$!
}

# e2e_cleanup_begin: the first call of every `cleanup`. RC is the run's exit
# status (a signal's when one ended it); stdout and stderr back to the
# script's own; no trap may re-enter the cleanup; errexit off, so one failing
# step does not skip the rest; the watchdog stopped before it can fire.
e2e_cleanup_begin() {
	RC=$?
	exec 1>&3 2>&4
	trap - EXIT INT TERM ERR
	set +e
	[[ -z $ABORTED ]] || RC=$ABORTED
	stop_pid "$WATCHDOG"
	return 0
}

# e2e_note_abort: a run that did not reach its RESULT line says so (the
# checks are incomplete, whatever PASS lines came before). True when it did.
e2e_note_abort() {
	((RESULT_PRINTED)) && return 1
	echo "RESULT: aborted before the checks completed (exit status $RC)"
}

# ---- processes ----------------------------------------------------------------------
# on NS CMD...: run a command on one host. fds 3 and 4 (the script's saved
# stdout and stderr) are closed: a daemon a command leaves behind must not
# hold the script's output open.
on() {
	local ns=$1
	shift
	ip netns exec "$ns" "$@" 3>&- 4>&-
}

# egress_progs NS DEV: the names of the BPF programs on DEV's egress, one a
# line: tc filters (clsact, kernels without tcx) and tcx links (6.6+, which
# `tc filter show` does not list; lib/tcx_progs.py asks the kernel).
egress_progs() {
	local ns=$1 dev=$2 id
	grep -o 'xmip_[a-z_]*' <<<"$(tc -n "$ns" filter show dev "$dev" egress 2>/dev/null)"
	for id in $(on "$ns" "$PY" "$LIB/tcx_progs.py" "$dev" egress 2>/dev/null); do
		grep -o 'name [^ ]*' <<<"$(bpftool prog show id "$id" 2>/dev/null)" | cut -d' ' -f2
	done
}

# e2e_track PID: a process of ours, stopped by the cleanup and recorded in
# $WORK/pids, which a later --teardown reads too.
e2e_track() {
	BG_PIDS+=("$1")
	echo "$1" >>"$WORK/pids"
}

# bg NS OUTFILE CMD...: a background process inside a namespace, stdout to
# OUTFILE and stderr to OUTFILE.err (E2E_BG_MERGE=1: both to OUTFILE). `ip
# netns exec` execs the command, so $! is the command's own PID: it can be
# signalled and waited for by PID, and is tracked for the cleanup.
E2E_BG_MERGE=0
bg() {
	local ns=$1 out=$2
	shift 2
	if ((E2E_BG_MERGE)); then
		ip netns exec "$ns" "$@" >"$out" 2>&1 3>&- 4>&- &
	else
		ip netns exec "$ns" "$@" >"$out" 2>"$out.err" 3>&- 4>&- &
	fi
	e2e_track $!
}

# stop_pid PID [SIGNAL]: signal a process we started (TERM; 0 to only wait
# for one already told to stop), give it 5 s, then KILL. STOP_STATUS is its
# exit status, or "killed". Always true: the caller decides what the status
# means, and the cleanup must not stop on it.
stop_pid() {
	local pid=$1 sig=${2:-TERM} i
	STOP_STATUS=
	[[ -n $pid ]] || return 0
	if ! kill -"$sig" "$pid" 2>/dev/null; then
		wait "$pid" 2>/dev/null && STOP_STATUS=0 || STOP_STATUS=$?
		return 0
	fi
	for ((i = 0; i < 50; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		STOP_STATUS=killed
	else
		wait "$pid" 2>/dev/null && STOP_STATUS=0 || STOP_STATUS=$?
	fi
	return 0
}
# stop_pids PID...: stop_pid each, in order (the agents first: a clean stop
# detaches and unpins).
stop_pids() {
	local pid
	for pid; do stop_pid "$pid"; done
}

# e2e_kill_recorded FILE: TERM the processes recorded in FILE (one PID a
# line), then give them 3 s to go: agents detach and unpin on a clean stop.
e2e_kill_recorded() {
	local pid pids=() i
	[[ -f $1 ]] || return 0
	while read -r pid; do
		[[ -n $pid ]] && kill "$pid" 2>/dev/null && pids+=("$pid")
	done <"$1"
	for ((i = 0; i < 30; i++)); do
		for pid in "${pids[@]}"; do
			kill -0 "$pid" 2>/dev/null && break
			pid=
		done
		[[ -z ${pid:-} ]] && break
		sleep 0.1
	done
	return 0
}

# e2e_remove_testbed TAG BPFFS WORK NS...: what a run made, removed in the
# order that works: anything still running in our namespaces (it can only
# be ours), the namespaces, the private bpffs (unmounting drops every pin at
# once), the work dir (only one named TAG.*). Safe on a half-built testbed
# and twice.
e2e_remove_testbed() {
	local tag=$1 bpffs=$2 work=$3 ns pid
	shift 3
	for ns; do
		while read -r pid; do
			kill -KILL "$pid" 2>/dev/null
		done < <(ip netns pids "$ns" 2>/dev/null)
		ip netns del "$ns" 2>/dev/null
	done
	if mountpoint -q "$bpffs" 2>/dev/null; then umount "$bpffs"; fi
	if [[ -d $work && $work == */"$tag".* ]]; then rm -rf "$work"; fi
	return 0
}

# e2e_leftovers BPFFS WORK NS...: nothing may be left behind, so check rather
# than trust the removal; LEFT lists what is. Matches on captured output:
# under pipefail `cmd | grep -q` fails when grep exits early and cmd gets
# SIGPIPE (measured: 3 in 10 for `ip addr show`), hiding what we look for.
e2e_leftovers() {
	local bpffs=$1 work=$2 ns nslist mounts
	shift 2
	LEFT=
	nslist=$(ip netns list 2>/dev/null)
	mounts=$(mount)
	for ns; do
		if grep -qw -- "$ns" <<<"$nslist"; then LEFT+=" namespace $ns"; fi
	done
	if grep -q -- "$bpffs" <<<"$mounts"; then LEFT+=" bpffs $bpffs"; fi
	if [[ -e $work ]]; then LEFT+=" $work"; fi
	return 0
}
# e2e_left_pids PID...: those still running, added to LEFT.
e2e_left_pids() {
	local pid
	for pid; do
		if kill -0 "$pid" 2>/dev/null; then LEFT+=" process $pid"; fi
	done
	return 0
}
# e2e_report_leftovers: a FAIL line (and a failed run) when LEFT names
# anything: a run that leaves state behind breaks the next one.
e2e_report_leftovers() {
	if [[ -n $LEFT ]]; then
		echo "FAIL  cleanup left behind:$LEFT" >&2
		((RC)) || RC=1
	else
		say "removed namespaces, bpffs, processes and $WORK; nothing left behind"
	fi
	return 0
}

# ---- setup ---------------------------------------------------------------------------
# must CMD...: a setup step; its output goes to setup.log, and on failure the
# run stops (with the cleanup): nothing after it could mean anything.
E2E_MUST_HINT="the command failed (setup.log below)"
must() {
	echo "+ $*" >>"$WORK/setup.log"
	if ! "$@" >>"$WORK/setup.log" 2>&1; then
		SETUP_FAILED=1
		fail "setup: $*" "$E2E_MUST_HINT"
		exit 1
	fi
}

# ---- agents ----------------------------------------------------------------------------
# start_xmipd VAR NS CONFIG LOG: an agent in a namespace, its PID in VAR. Not
# through a shell function or subshell: `ip netns exec` execs xmipd, so the
# PID is the agent's own and SIGTERM reaches it (it then stops cleanly).
start_xmipd() {
	ip netns exec "$2" "$XMIPD" -c "$3" >"$4" 2>&1 3>&- 4>&- &
	printf -v "$1" '%s' "$!"
}

# ctl SOCKET CMD [--get PATH ...]: ask an agent over its control socket
# (lib/xmip_control.py: the result as JSON, or one value with --get).
ctl() { "$PY" "$LIB/xmip_control.py" "$@"; }

# jget JSON EXPR: a value out of JSON text, EXPR a Python expression on `r`;
# strings bare, anything else as JSON (keys sorted, so two answers compare);
# nothing, and exit 1, when it fails.
jget() {
	"$PY" -c 'import json, sys
try:
    r = json.loads(sys.argv[1]); v = eval(sys.argv[2])
except Exception:
    sys.exit(1)
print(v if isinstance(v, str) else json.dumps(v, sort_keys=True))' "$1" "$2" 2>/dev/null
}

# wait_agent SOCKET PID: until the agent's control socket answers (5 s), so
# no check talks to an agent still starting. False when it exits first
# (AGENT_EXIT is then its exit status) or does not answer (AGENT_EXIT empty).
wait_agent() {
	local i
	AGENT_EXIT=
	for ((i = 0; i < 50; i++)); do
		if ! kill -0 "$2" 2>/dev/null; then
			wait "$2" 2>/dev/null && AGENT_EXIT=0 || AGENT_EXIT=$?
			return 1
		fi
		ctl "$1" status >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}

# ---- waiting ---------------------------------------------------------------------------
# wait_until SECONDS CMD...: poll CMD every 50 ms until it succeeds; false
# after SECONDS. Polling a condition, not sleeping a fixed time, keeps the
# run fast and the timeouts generous.
wait_until() {
	local deadline
	deadline=$(($(date +%s%N) + $1 * 1000000000))
	shift
	while ! "$@" 2>/dev/null; do
		(($(date +%s%N) > deadline)) && return 1
		sleep 0.05
	done
	return 0
}

# tcpdump_listening ERRFILE: tcpdump says "listening on" once its capture
# runs; anything sent before that would be missing from it.
tcpdump_listening() { wait_until 5 grep -q "listening on" "$1"; }

# ---- addresses -------------------------------------------------------------------------
# eui64 PREFIX/64 MAC: the address SLAAC (and xmipd) forms on a /64 from a MAC
# address: modified EUI-64 interface identifier, RFC 4291 2.5.1.
eui64() {
	"${PY:-/usr/bin/python3}" - "$1" "$2" <<'EOF'
import ipaddress, sys
net = ipaddress.IPv6Network(sys.argv[1])
m = [int(x, 16) for x in sys.argv[2].split(":")]
iid = bytes([m[0] ^ 2, m[1], m[2], 0xFF, 0xFE, m[3], m[4], m[5]])
print(ipaddress.IPv6Address(net.network_address.packed[:8] + iid))
EOF
}

# ---- veth peers of a home agent ---------------------------------------------------
# e2e_peer_xdp NS IFNAME: attach xmip's pass-everything XDP program natively to
# IFNAME, the far end of a veth a home agent transmits into with XDP_TX or
# XDP_REDIRECT. veth_xdp_xmit() queues those frames on this end's NAPI ring,
# which exists only while it has NAPI; an XDP program always gives it NAPI
# (GRO alone was found not enough for XDP_TX on kernel 6.18: docs/datapath.md,
# "veth peers"). The object is built with xmip (bpf/peer_pass.bpf.c).
e2e_peer_pass_object() {
	local b
	for b in "${XMIPD:-}" "${XMIP_DP:-}"; do
		if [[ -n $b && -f $(dirname "$b")/../../bpf/xmip_peer_pass.bpf.o ]]; then
			echo "$(dirname "$b")/../../bpf/xmip_peer_pass.bpf.o"
			return
		fi
	done
	echo "$REPO/build/bpf/xmip_peer_pass.bpf.o"
}
e2e_peer_xdp() {
	on "$1" ip link set dev "$2" xdpdrv obj "$(e2e_peer_pass_object)" sec xdp
}
