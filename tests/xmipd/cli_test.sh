#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# tests/xmipd/cli_test.sh - xmipd's command line without a network: --check
# reports before start what the daemon would find at run time (file:line:
# key), bad input gives one clear line and exit 2 before anything is
# attached, --instance finds its file, --print-config loads back the same.
# Touches no interface (it only looks them up) and needs no root.
#
# Usage: cli_test.sh XMIPD
set -uo pipefail
XMIPD=${1:?usage: cli_test.sh XMIPD}
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/xmipd-cli.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
FAILED=0
PASSED=0
fail() { echo "FAIL  $1"; shift; printf '        %s\n' "$@"; FAILED=$((FAILED + 1)); }
pass() { echo "PASS  $1"; PASSED=$((PASSED + 1)); }
# expect NAME STATUS PATTERN -- CMD...: the command exits STATUS and its
# output (stdout and stderr) matches PATTERN (grep -E).
expect() {
	local name=$1 status=$2 pattern=$3 out rc
	shift 4
	out=$("$@" 2>&1)
	rc=$?
	if [[ $rc != "$status" ]]; then fail "$name" "exit $rc, expected $status" "$out"; return; fi
	if ! grep -qE -- "$pattern" <<<"$out"; then fail "$name" "no match for: $pattern" "$out"; return; fi
	pass "$name"
}
# errors OUTPUT: the error lines (the log's "error" level).
errors() { grep -cE '(^| )error ' <<<"$1"; }

(umask 077 && printf '%064x\n' 7 >"$WORK/mn.key")
cat >"$WORK/ha.toml" <<EOF
role = "ha"
[datapath]
interfaces = ["lo"]
[home_agent]
address = "2001:db8:2700::2"
home_link = "lo"
prefixes = ["2001:db8:2700::/64"]
[[home_agent.security_associations]]
home_address = "2001:db8:2700::4"
spi = 4097
key_file = "$WORK/mn.key"
EOF

expect "a valid configuration on this host" 0 "configuration is valid" -- "$XMIPD" --check -c "$WORK/ha.toml"
expect "a nonexistent interface from an override is named" 2 \
	'override: datapath.interfaces\[0\]: interface "nosuchif0" does not exist on this host' -- \
	"$XMIPD" --check -c "$WORK/ha.toml" --set datapath.interfaces=nosuchif0,lo
sed 's/interfaces = \["lo"\]/interfaces = ["lo", "nosuchif1"]/' "$WORK/ha.toml" >"$WORK/ha-if.toml"
expect "a nonexistent interface in the file: file:line:key" 2 \
	"ha-if.toml:3: datapath.interfaces\[1\]: interface \"nosuchif1\" does not exist" -- \
	"$XMIPD" --check -c "$WORK/ha-if.toml"
sed 's/^prefixes.*/&\n[home_agent.authentication]\noptional_prefixes = []/' "$WORK/ha.toml" |
	sed '/security_associations/,$d' >"$WORK/ha-nosa.toml"
expect "no security association for a served prefix: a warning before start" 0 \
	'ha-nosa.toml:9: home_agent.authentication.optional_prefixes: no security association for a home address on 2001:db8:2700::/64: every Binding Update for it will be refused \(status 146\)' -- \
	"$XMIPD" --check -c "$WORK/ha-nosa.toml"
sed 's|optional_prefixes = \[\]|optional_prefixes = ["2001:db8:2700::/64"]|' "$WORK/ha-nosa.toml" >"$WORK/ha-open.toml"
expect "the unauthenticated mode is loud" 0 'ha-open.toml:9: .*UNAUTHENTICATED: Binding Updates for home addresses on 2001:db8:2700::/64 are accepted without RFC 4285 authentication' -- \
	"$XMIPD" --check -c "$WORK/ha-open.toml"

# Bad input: one clear line naming the file and the fix, exit 2.
chmod 644 "$WORK/mn.key"
out=$("$XMIPD" --check -c "$WORK/ha.toml" 2>&1)
rc=$?
if [[ $rc == 2 && $(errors "$out") == 1 ]] && grep -q "ha.toml:11: home_agent.security_associations\[0\].key_file: the key file \"$WORK/mn.key\" has mode 0644.*chmod 600" <<<"$out"; then
	pass "a key file with the wrong mode: one line, the file, chmod 600, exit 2"
else
	fail "a key file with the wrong mode" "exit $rc" "$out"
fi
chmod 600 "$WORK/mn.key"
# The guide's mobile node file, cut in the middle of its last line.
full=$(cat "$REPO/configs/network-mip6.conf.mn")
printf '%s' "${full%%2700::2/64*}" >"$WORK/network-mip6.conf"
out=$("$XMIPD" --check -c "$WORK/network-mip6.conf" --set mobile_node.interface=lo 2>&1)
rc=$?
if [[ $rc == 2 && $(errors "$out") == 1 ]] && grep -q 'network-mip6.conf:16: HOMEAGENT: "fec0:106:" is not an IPv6 address' <<<"$out"; then
	pass "a half-written legacy file: one line with file:line:key, exit 2"
else
	fail "a half-written legacy file" "exit $rc" "$out"
fi

# --instance: the unit's way to find the file.
mkdir "$WORK/etc"
expect "an instance without a configuration: one line, the files, the fix" 2 \
	"^xmipd: instance ha: no configuration: neither $WORK/etc/ha.toml nor $WORK/etc/ha.conf exists; create one" -- \
	"$XMIPD" --check --instance ha --config-dir "$WORK/etc"
cp "$REPO/configs/network-mip6.conf.mn" "$WORK/etc/mn1.conf"
expect "an instance from the guide's format (NAME.conf)" 0 "configuration is valid" -- \
	"$XMIPD" --check --instance mn1 --config-dir "$WORK/etc" --set mobile_node.interface=lo
expect "--instance names the instance" 0 '^instance = "mn1"$' -- \
	"$XMIPD" --print-config --instance mn1 --config-dir "$WORK/etc" --set mobile_node.interface=lo

# --print-config: the effective configuration, which loads back to itself.
print_round_trip() { # FILE ARGS...
	local f=$1
	shift
	"$XMIPD" --print-config -c "$f" "$@" >"$WORK/printed.toml" 2>"$WORK/printed.err"
	"$XMIPD" --print-config=toml -c "$WORK/printed.toml" >"$WORK/again.toml" 2>/dev/null
	if [[ -s $WORK/printed.toml ]] && cmp -s "$WORK/printed.toml" "$WORK/again.toml"; then
		pass "--print-config of ${f##*/} loads back to the same configuration"
	else
		fail "--print-config of ${f##*/}" "$(diff "$WORK/printed.toml" "$WORK/again.toml" | head)" "$(cat "$WORK/printed.err")"
	fi
}
print_round_trip "$REPO/configs/network-mip6.conf.mn" --set mobile_node.interface=eth0
print_round_trip "$REPO/configs/network-mip6.conf.ha" --set home_agent.address=fec0:106:2700::2 \
	--set home_agent.prefixes=fec0:106:2700::/64 --set home_agent.home_link=eth0 --set datapath.interfaces=eth0 \
	--set "home_agent.security_associations[0].home_address=fec0:106:2700::4" \
	--set "home_agent.security_associations[0].spi=4097" --set "home_agent.security_associations[0].key_file=/k"
print_round_trip "$WORK/ha.toml"
expect "--print-config takes only toml" 2 "print-config" -- "$XMIPD" --print-config=json -c "$WORK/ha.toml"

echo "RESULT: $PASSED passed, $FAILED failed"
((FAILED == 0))
