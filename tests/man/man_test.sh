#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# tests/man/man_test.sh - the manual pages and mipctl's bash completion in
# man/ are what scripts/gen_man.py makes from the current --help output and
# configuration schema (a drift fails: regenerate with the command printed),
# the pages render without warnings, and the completion completes.
#
# Usage: man_test.sh XMIPD MIPCTL XMIP_CONFIG_KEYS
set -uo pipefail
XMIPD=$1 MIPCTL=$2 KEYS=$3
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/xmip-man.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
rc=0
/usr/bin/python3 "$REPO/scripts/gen_man.py" --xmipd "$XMIPD" --mipctl "$MIPCTL" --config-keys "$KEYS" \
	--docs "$REPO/docs" --out "$WORK" || { echo "FAIL  gen_man.py failed"; exit 1; }
if diff -ru "$REPO/man" "$WORK" >"$WORK.diff"; then
	echo "PASS  man/ is up to date with --help and the schema"
else
	echo "FAIL  man/ differs from what --help and the schema give; regenerate:"
	echo "        scripts/gen_man.py --xmipd $XMIPD --mipctl $MIPCTL --config-keys $KEYS --docs docs --out man"
	head -40 "$WORK.diff"
	rc=1
fi
rm -f "$WORK.diff"
if command -v man >/dev/null; then
	for p in "$REPO"/man/*.[58]; do
		w=$(LC_ALL=C MANWIDTH=80 man --warnings -l "$p" 2>&1 >/dev/null)
		if [[ -n $w ]]; then echo "FAIL  ${p##*/} renders with warnings: $w"; rc=1; fi
	done
	((rc)) || echo "PASS  the pages render without warnings"
else
	echo "SKIP  man is not installed: rendering not checked"
fi
# The completion: commands, a nested command, options.
# shellcheck disable=SC1091
source "$REPO/man/mipctl.bash-completion"
complete_words() { COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMPREPLY=(); _mipctl; echo "${COMPREPLY[*]}"; }
for t in "bi|binding" "binding a|add" "--js|--json" "st|stats status"; do
	IFS='|' read -r words want <<<"$t"
	# shellcheck disable=SC2086
	got=$(complete_words mipctl $words)
	if [[ $got == "$want" ]]; then echo "PASS  completion of 'mipctl $words': $got"; else echo "FAIL  completion of 'mipctl $words': '$got', expected '$want'"; rc=1; fi
done
exit $rc
