#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# tests/package/deb_test.sh - the Debian package: built by CPack from the build
# tree, named xmip_<version>_<arch>.deb, with dependencies from dpkg-shlibdeps
# and /etc/xmip as conffiles; unpacked into a throwaway root (dpkg -x: nothing
# is installed on this host), where
#   P1. the package's name, Depends (shared libraries) and conffiles
#   P2. the files: binaries, unit, examples, man pages, completion, /etc/xmip
#   P3. xmipd --version runs from the root
#   P4. xmipd --check on every installed example (in a private network
#       namespace with the examples' eth0, key files written for the run and
#       given by overrides, as an operator would)
#   P5. the unit: paths of the package's prefix; systemd-analyze verify
#       --root on an instance of it (skipped with the reason when absent)
#   P6. a missing instance configuration: one line naming the files, exit 2
# Everything (the build of the package, the root) is removed on exit.
#
# Usage: deb_test.sh BUILD_DIR
set -uo pipefail
BUILD=$(cd "${1:?usage: deb_test.sh BUILD_DIR}" && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/xmip-deb.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
PASSED=0 FAILED=0
report() { # NAME OK-DETAIL PROBLEM...
	local name=$1 ok=$2
	shift 2
	if (($#)); then echo "FAIL  $name"; printf '        %s\n' "$@"; FAILED=$((FAILED + 1))
	else echo "PASS  $name"; [[ -n $ok ]] && echo "        $ok"; PASSED=$((PASSED + 1)); fi
}
for t in cpack dpkg-deb unshare ip; do
	command -v $t >/dev/null || { echo "SKIP  $t is not installed"; exit 0; }
done

(cd "$WORK" && cpack -G DEB --config "$BUILD/CPackConfig.cmake" -B "$WORK/out" >"$WORK/cpack.log" 2>&1) ||
	{ echo "FAIL  cpack failed"; tail -20 "$WORK/cpack.log"; exit 1; }
VERSION=$(sed -n 's/^set(CPACK_PACKAGE_VERSION "\(.*\)")/\1/p' "$BUILD/CPackConfig.cmake")
ARCH=$(dpkg --print-architecture)
DEB=$WORK/out/xmip_${VERSION}_${ARCH}.deb

# ---- P1 -------------------------------------------------------------------
P=()
[[ -f $DEB ]] || P+=("no $DEB; cpack made: $(ls "$WORK/out")")
depends=$(dpkg-deb -f "$DEB" Depends 2>/dev/null)
for lib in libbpf1 libc6 libstdc++6 libcpp-httplib; do
	grep -q "$lib" <<<"$depends" || P+=("Depends lacks $lib: '$depends'")
done
conffiles=$(dpkg-deb --ctrl-tarfile "$DEB" 2>/dev/null | tar -xO ./conffiles 2>/dev/null)
[[ $conffiles == $'/etc/xmip/ha.toml\n/etc/xmip/mn.toml' ]] || P+=("conffiles: '$conffiles'")
report "P1. ${DEB##*/}: Depends from the linked libraries, conffiles /etc/xmip/*.toml" "Depends: $depends" "${P[@]}"

# ---- P2 -------------------------------------------------------------------
ROOT=$WORK/root
dpkg -x "$DEB" "$ROOT"
P=()
for f in usr/sbin/xmipd usr/sbin/xmip-dp usr/sbin/xmip-mh-inspect usr/bin/mipctl \
	usr/lib/systemd/system/xmipd@.service usr/share/doc/xmip/examples/ha.toml \
	usr/share/doc/xmip/examples/network-mip6.conf.ha usr/share/doc/xmip/examples/network-mip6.conf.mn \
	usr/share/man/man8/xmipd.8 usr/share/man/man8/mipctl.8 usr/share/man/man5/xmip.toml.5 \
	usr/share/bash-completion/completions/mipctl etc/xmip/ha.toml etc/xmip/mn.toml; do
	[[ -e $ROOT/$f ]] || P+=("missing /$f")
done
[[ $(stat -c %a "$ROOT/etc/xmip/keys" 2>/dev/null) == 700 ]] || P+=("/etc/xmip/keys is not mode 700")
report "P2. binaries, unit, examples, man pages, completion and /etc/xmip are in the package" \
	"$(find "$ROOT" -type f | wc -l) files" "${P[@]}"

# ---- P3 -------------------------------------------------------------------
XMIPD=$ROOT/usr/sbin/xmipd
v=$("$XMIPD" --version 2>&1)
P=()
[[ $v == "$VERSION" || $v == *"$VERSION"* ]] || P+=("xmipd --version: '$v', expected $VERSION")
report "P3. the installed xmipd --version runs" "$v" "${P[@]}"

# ---- P4 -------------------------------------------------------------------
# The examples name eth0 and key files under /etc/xmip/keys: a private
# network namespace (gone with its process) gets an eth0 (a veth); the keys are
# written here and named by overrides.
(umask 077 && printf '%064x\n' 42 >"$WORK/test.key")
EX=$ROOT/usr/share/doc/xmip/examples
KEYS_HA=(--set "home_agent.security_associations[0].key_file=$WORK/test.key")
KEYS_MN=(--set "mobile_node.authentication.key_file=$WORK/test.key")
LEGACY_HA=(--set home_agent.address=fec0:106:2700::2 --set home_agent.prefixes=fec0:106:2700::/64
	--set home_agent.home_link=eth0 --set datapath.interfaces=eth0
	--set "home_agent.security_associations[0].home_address=fec0:106:2700::4"
	--set "home_agent.security_associations[0].spi=4097" "${KEYS_HA[@]}")
LEGACY_MN=(--set mobile_node.interface=eth0 --set mobile_node.authentication.spi=4097 "${KEYS_MN[@]}")
checks=(
	"$EX/ha.toml|${KEYS_HA[*]}"
	"$EX/mn.toml|${KEYS_MN[*]}"
	"$ROOT/etc/xmip/ha.toml|${KEYS_HA[*]}"
	"$ROOT/etc/xmip/mn.toml|${KEYS_MN[*]}"
	"$EX/network-mip6.conf.ha|${LEGACY_HA[*]}"
	"$EX/network-mip6.conf.mn|${LEGACY_MN[*]}"
)
P=()
for c in "${checks[@]}"; do
	file=${c%%|*}
	read -r -a args <<<"${c#*|}"
	out=$(unshare --net bash -c 'ip link add eth0 type veth peer name eth1 && exec "$@"' _ "$XMIPD" --check -c "$file" "${args[@]}" 2>&1) ||
		P+=("${file#"$ROOT"}: $(grep -E ' error |Error' <<<"$out" | head -3)")
done
report "P4. xmipd --check accepts every installed example (${#checks[@]})" "" "${P[@]}"

# ---- P5 -------------------------------------------------------------------
UNIT=$ROOT/usr/lib/systemd/system/xmipd@.service
P=()
grep -q '^ExecStart=/usr/sbin/xmipd --instance %i --config-dir /etc/xmip \$XMIPD_ARGS$' "$UNIT" ||
	P+=("ExecStart: $(grep ^ExecStart= "$UNIT")")
grep -q '^EnvironmentFile=-/etc/xmip/%i.env$' "$UNIT" || P+=("no EnvironmentFile=-/etc/xmip/%i.env")
detail="unit paths: /usr/sbin/xmipd, /etc/xmip"
if command -v systemd-analyze >/dev/null && systemd-analyze verify --help 2>&1 | grep -q -- --root; then
	cp "$UNIT" "$ROOT/usr/lib/systemd/system/xmipd@test.service"
	# What the unit uses from the system (kill, for ExecReload) is in the
	# throwaway root as on a real one; its man pages are the package's.
	mkdir -p "$ROOT/bin" && cp /bin/kill "$ROOT/bin/kill"
	out=$(MANPATH=$ROOT/usr/share/man SYSTEMD_LOG_LEVEL=warning systemd-analyze verify --root="$ROOT" \
		"$ROOT/usr/lib/systemd/system/xmipd@test.service" 2>&1)
	# What the throwaway root lacks (other units it names) is not the unit's fault.
	bad=$(grep -v -e 'network-online.target' -e 'multi-user.target' -e 'not found' <<<"$out" | grep -v '^$')
	[[ -z $bad ]] || P+=("systemd-analyze verify: $bad")
	detail+="; systemd-analyze verify --root: clean"
else
	detail+="; systemd-analyze verify SKIPPED: systemd-analyze with --root is not available here"
fi
report "P5. the unit runs the package's xmipd with /etc/xmip and the .env's arguments" "$detail" "${P[@]}"

# ---- P6 -------------------------------------------------------------------
out=$("$XMIPD" --check --instance nosuch --config-dir "$ROOT/etc/xmip" 2>&1)
rc=$?
P=()
[[ $rc == 2 ]] || P+=("exit $rc, expected 2")
[[ $(grep -c . <<<"$out") == 1 ]] || P+=("$(grep -c . <<<"$out") lines, expected 1")
grep -q "neither $ROOT/etc/xmip/nosuch.toml nor $ROOT/etc/xmip/nosuch.conf exists; create one" <<<"$out" || P+=("message: $out")
report "P6. the unit's instance without a configuration: one line naming the files and the fix, exit 2" "$out" "${P[@]}"

echo "RESULT: $PASSED passed, $FAILED failed"
((FAILED == 0))
