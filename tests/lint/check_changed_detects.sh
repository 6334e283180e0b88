#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# scripts/check-changed.sh must fail on what it exists to catch, on changed
# lines only: a clone of this tree gets one commit adding a file with a
# misformatted line and a use-after-move (bugprone-use-after-move); each
# stage must report its own problem and exit 1, and both must pass on the
# commit before it. The clone's compile_commands.json names only that file,
# so no build is needed.
# Usage: check_changed_detects.sh SOURCE_DIR
set -euo pipefail
src=$1
if ! git -C "$src" rev-parse --git-dir >/dev/null 2>&1; then
	echo "SKIP: $src is not a git work tree (check-changed compares commits)"
	[[ ${CI:-} == true ]] && exit 1
	exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git clone -q --shared "$src" "$work/tree"
cd "$work/tree"
# The script as it is in SOURCE_DIR's work tree, committed or not.
cp "$src/scripts/check-changed.sh" scripts/check-changed.sh
git -c user.name=t -c user.email=t@t commit -q --allow-empty -am base
cat >agent/core/lint_probe.cpp <<'CPP'
// SPDX-License-Identifier: BSD-2-Clause
#include <string>
#include <utility>
std::string lint_probe(std::string s) {
    std::string t = std::move(s);
    return s+t;
}
CPP
mkdir build
printf '[{"directory":"%s","file":"%s","command":"clang++-14 -std=c++20 -c %s"}]\n' \
	"$PWD" "$PWD/agent/core/lint_probe.cpp" "$PWD/agent/core/lint_probe.cpp" >build/compile_commands.json
git add agent/core/lint_probe.cpp
git -c user.name=t -c user.email=t@t commit -q -m probe

fail() {
	echo "FAIL: $*"
	exit 1
}
out=$(scripts/check-changed.sh --only=format build HEAD~1) && fail "format stage passed a misformatted line: $out"
grep -q 'return s + t;' <<<"$out" || fail "format stage did not show the fix: $out"
out=$(scripts/check-changed.sh --only=tidy build HEAD~1) && fail "tidy stage passed a use-after-move: $out"
grep -q 'bugprone-use-after-move' <<<"$out" || fail "tidy stage did not name the check: $out"
git reset -q --hard HEAD~1
scripts/check-changed.sh build HEAD >/dev/null || fail "a commit with no C/C++ change is not clean"
echo "ok: format and tidy stages each fail on their problem, pass without it"
