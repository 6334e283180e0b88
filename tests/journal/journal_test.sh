#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# tests/journal/journal_test.sh - where xmipd's log lines go:
#   J1. under systemd (JOURNAL_STREAM = stderr's device:inode) with journald
#       listening: one native journal entry per line, with PRIORITY,
#       XMIP_INSTANCE, and a binding event's XMIP_HOA / XMIP_COA / XMIP_EVENT
#       (a stand-in journald: a datagram socket at /run/systemd/journal/socket
#       in a private mount namespace, so the host's journal is not touched)
#   J2. under systemd without journald: "<N>message" lines on stderr
#   J3. on a terminal (no JOURNAL_STREAM): timestamp, level, message
# J1 is skipped (with the reason) when xmip was built without libsystemd.
#
# Usage: journal_test.sh PROBE HAVE_SD_JOURNAL(0|1)
set -uo pipefail
PROBE=$1 HAVE=$2
export PROBE
WORK=$(mktemp -d "${TMPDIR:-/tmp}/xmip-journal.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
FAILED=0
ok() { echo "PASS  $1"; }
bad() { echo "FAIL  $1"; shift; printf '        %s\n' "$@"; FAILED=1; }

# run_systemd_like OUT: the probe with stderr to OUT and JOURNAL_STREAM naming it.
run_systemd_like() {
	: >"$1"
	(exec 2>>"$1"; JOURNAL_STREAM=$(stat -c '%d:%i' "$1") exec "$PROBE")
}

if [[ $HAVE == 1 ]] && command -v unshare >/dev/null && [[ -d /run/systemd ]]; then
	export -f run_systemd_like
	unshare --mount bash -c '
		set -e
		mount -t tmpfs tmpfs /run/systemd
		mkdir -p /run/systemd/journal
		/usr/bin/python3 - "$1" <<"EOF" &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind("/run/systemd/journal/socket")
open(sys.argv[1] + ".ready", "w").close()
s.settimeout(5)
with open(sys.argv[1], "wb") as out:
    for _ in range(2):
        out.write(s.recv(65536) + b"\n--\n")
EOF
		for i in $(seq 50); do [[ -e $1.ready ]] && break; sleep 0.1; done
		run_systemd_like "$1.stderr"
		wait
	' _ "$WORK/journal" 2>"$WORK/unshare.err"
	j=$(cat "$WORK/journal" 2>/dev/null)
	P=()
	for f in "MESSAGE=plain warning 7" "PRIORITY=4" "MESSAGE=registered 2001:db8:2700::4 -> 2001:db8:1100::4" \
		"PRIORITY=6" "XMIP_INSTANCE=probe1" "XMIP_HOA=2001:db8:2700::4" "XMIP_COA=2001:db8:1100::4" \
		"XMIP_EVENT=registered" "SYSLOG_IDENTIFIER=xmipd"; do
		grep -qxF "$f" <<<"$j" || P+=("no field $f")
	done
	[[ ! -s $WORK/journal.stderr ]] || P+=("stderr got lines too: $(cat "$WORK/journal.stderr")")
	if ((${#P[@]})); then bad "J1. journald entries with priority, instance, HoA and CoA" "${P[@]}" "entries: $j" "$(cat "$WORK/unshare.err")"
	else ok "J1. journald entries with priority, instance, HoA and CoA as fields"; fi
else
	echo "SKIP  J1. built without libsystemd (or no unshare, /run/systemd): no structured fields to check"
fi

# J2: JOURNAL_STREAM right, but no journald socket reachable (a private /run/systemd).
if command -v unshare >/dev/null && [[ -d /run/systemd ]]; then
	export -f run_systemd_like
	unshare --mount bash -c 'mount -t tmpfs tmpfs /run/systemd && run_systemd_like "$1"' _ "$WORK/j2"
else
	run_systemd_like "$WORK/j2"
fi
if [[ $(cat "$WORK/j2") == $'<4>plain warning 7\n<6>registered 2001:db8:2700::4 -> 2001:db8:1100::4' ]]; then
	ok "J2. without journald: <N> priority prefixes on stderr"
else
	bad "J2. without journald" "$(cat "$WORK/j2")"
fi

# J3: a terminal (or any stderr that is not the journal's).
out=$(env -u JOURNAL_STREAM "$PROBE" 2>&1)
if [[ $out =~ ^[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}\ warn\ \ plain\ warning\ 7$'\n'[0-9:.]+\ info\ \ registered ]]; then
	ok "J3. on a terminal: timestamp, level, message"
else
	bad "J3. on a terminal" "$out"
fi
exit $FAILED
