#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Style and lint on what a branch changed, not on the whole tree (reformatting
# everything at once would collide with every branch in flight):
#   format  clang-format (.clang-format, bpf/.clang-format) on the changed lines;
#   tidy    clang-tidy (.clang-tidy) on the changed lines of changed C++ files,
#           with the compile commands of BUILD_DIR.
# Usage: scripts/check-changed.sh [--only=format|tidy] [BUILD_DIR] [BASE].
# Both stages by default. BASE defaults to the merge base with main
# (XMIP_CHECK_BASE overrides). On main itself (CI's clean clone, where that
# merge base is HEAD and so nothing would be checked), BASE is the commit in
# .ci/check-base: main as CI last passed it, moved forward when a batch of
# work lands (docs/testing.md). Without any base, nothing to compare
# against: says so and passes.
set -euo pipefail
cd "$(dirname "$0")/.."
stages="format tidy"
case ${1:-} in
--only=format | --only=tidy)
	stages=${1#--only=}
	shift
	;;
--only=*)
	echo "check-changed: unknown stage '${1#--only=}' (format or tidy)" >&2
	exit 2
	;;
esac
build=${1:-build}
base_ref=${2:-${XMIP_CHECK_BASE:-main}}
say() { echo "check-changed($stages): $*"; }

if ! base=$(git merge-base HEAD "$base_ref" 2>/dev/null); then
	say "no base '$base_ref' to compare with: skipped"
	exit 0
fi
if [[ $base == "$(git rev-parse HEAD)" && -z ${2:-} && -z ${XMIP_CHECK_BASE:-} && -f .ci/check-base ]]; then
	landed=$(tr -d '[:space:]' <.ci/check-base)
	if ! base=$(git merge-base HEAD "$landed" 2>/dev/null); then
		say ".ci/check-base names $landed, which this clone does not have: skipped"
		exit 0
	fi
	say "on main: comparing with .ci/check-base ($(git rev-parse --short "$base"))"
fi
mapfile -t files < <(git diff --name-only --diff-filter=AM "$base" -- '*.c' '*.h' '*.cpp' '*.hpp')
if ((${#files[@]} == 0)); then
	say "no C/C++ file changed since $(git rev-parse --short "$base")"
	exit 0
fi
say "${#files[@]} C/C++ files changed since $(git rev-parse --short "$base")"

rc=0
if [[ $stages == *format* ]]; then
	fmt=$(git diff -U0 --no-color "$base" -- "${files[@]}" | clang-format-diff-14 -p1 -style=file) || true
	if [[ -n $fmt ]]; then
		say "clang-format would change these lines (apply: git diff -U0 $base | clang-format-diff-14 -p1 -i):"
		echo "$fmt"
		rc=1
	fi
fi

mapfile -t cxx < <(printf '%s\n' "${files[@]}" | grep -E '\.(cpp)$' | grep -vE '^(tests/fuzz)/' || true)
if [[ $stages == *tidy* ]] && ((${#cxx[@]})); then
	if [[ ! -f $build/compile_commands.json ]]; then
		echo "check-changed: $build/compile_commands.json missing (configure first)" >&2
		exit 2
	fi
	say "clang-tidy on ${#cxx[@]} files"
	# Only diagnostics on changed lines are reported (and, by .clang-tidy's
	# WarningsAsErrors, fail); "N warnings generated" on stderr counts the
	# suppressed ones elsewhere in the files.
	tidy=$(git diff -U0 --no-color "$base" -- "${cxx[@]}" |
		clang-tidy-diff-14.py -p1 -path "$build" -quiet -j "$(nproc)" 2>/dev/null) || true
	if grep -qE '(warning|error):' <<<"$tidy"; then
		echo "$tidy"
		say "clang-tidy found problems in changed lines (above)"
		rc=1
	fi
fi
((rc == 0)) && say "clean"
exit $rc
