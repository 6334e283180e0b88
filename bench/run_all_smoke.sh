#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# bench_all_smoke: bench/run-all.sh --quick must exit 0 and print every row
# of every report. Speed is never checked.
#
# Rows come in two kinds. Those every kernel xmip runs on can make must be
# there with numbers. Those of a way that needs an optional kernel feature
# (the kernel's seg6 tunnel: CONFIG_IPV6_SEG6_LWTUNNEL; its VXLAN:
# CONFIG_VXLAN) must be there too, either with numbers or as a skipped line
# naming the option the kernel lacks: a way never silently disappears.
set -uo pipefail
out=$(bash "$(dirname "$0")/run-all.sh" --quick "$1" 2>&1)
rc=$?
printf '%s\n' "$out"
((rc == 0)) || exit "$rc"
fail() {
	echo "bench_all_smoke: $*" >&2
	exit 1
}
# The forwarding benchmark generates with live frames (BPF_PROG_TEST_RUN,
# BPF_F_TEST_XDP_LIVE_FRAMES), an optional kernel feature: on a kernel that
# refuses them its report is one skipped line with the kernel's answer, and
# its rows are not asked for. The other tools' rows always are.
FORWARD=1
if grep -q '^skipped: this kernel refuses BPF_PROG_TEST_RUN with live frames' <<<"$out"; then
	grep -q '^run-all.sh: forward skipped' <<<"$out" || fail "the forward skip is not reported by run-all.sh"
	FORWARD=0
fi
for want in \
	'^HA downlink encap ' '^HA uplink decap ' '^== bindings: batched upsert' \
	'^first registrations ' '^refreshes ' '^all benchmarks ran'; do
	grep -Eq "$want" <<<"$out" || fail "no line matching '$want'"
done
if ((!FORWARD)); then
	echo "bench_all_smoke: every row there but the forwarding benchmark's: $(grep -m1 '^skipped: this kernel refuses' <<<"$out")"
	exit 0
fi
for want in \
	'^downlink  a xmip encap .* [0-9]+\.[0-9]{3} ' '^downlink  c bare XDP redirect .* [0-9]+\.[0-9]{3} ' \
	'^downlink  d fib lookup .* [0-9]+\.[0-9]{3} ' '^uplink    d fib lookup .* [0-9]+\.[0-9]{3} ' \
	'^downlink  f xmip encap, bpf_redirect .* [0-9]+\.[0-9]{3} ' '^uplink    f xmip decap, bpf_redirect .* [0-9]+\.[0-9]{3} ' \
	'^downlink sends: a/f .* = [0-9]+\.[0-9]+$' '^uplink sends: a/f .* = [0-9]+\.[0-9]+$' \
	'^== the same per CPU-second' \
	'^uplink    a xmip decap .* [0-9]+\.[0-9]{3} ' '^uplink    c bare XDP redirect .* [0-9]+\.[0-9]{3} '; do
	grep -Eq "$want" <<<"$out" || fail "no line matching '$want'"
done
for dir in downlink uplink; do
	grep -Eq "^$dir ratios: a/b \(xmip / kernel seg6\) = ([0-9]+\.[0-9]+|skipped), a/c \(xmip / bare forwarder\) = [0-9]+\.[0-9]+, a/d \(xmip / routing forwarder\) = [0-9]+\.[0-9]+, a/e \(xmip / kernel VXLAN over IPv6\) = ([0-9]+\.[0-9]+|skipped)$" <<<"$out" ||
		fail "no complete '$dir ratios' line"
done
# The every-CPU table (ways a and c on 1 CPU and on all): on any machine
# with more than one CPU.
if (($(nproc) > 1)); then
	for want in '^== every CPU' '^downlink  a xmip encap .* [0-9.]+x +[0-9.]+x +[0-9]+$' \
		'^downlink  c bare XDP redirect .* [0-9.]+x +[0-9.]+x +[0-9]+$' '^uplink    a xmip decap .* [0-9.]+x +[0-9.]+x +[0-9]+$' \
		'^uplink    c bare XDP redirect .* [0-9.]+x +[0-9.]+x +[0-9]+$'; do
		grep -Eq "$want" <<<"$out" || fail "no line matching '$want'"
	done
fi
# optional ROW OPTION: ROW (the path's label) is printed in both tables,
# each time with numbers or skipped with a reason naming OPTION, and a skip
# is also announced above the tables.
optional() {
	local row=$1 option=$2 lines line n=0
	lines=$(grep -E "^(downlink|uplink) +$row" <<<"$out")
	while IFS= read -r line; do
		[[ -n $line ]] || continue
		n=$((n + 1))
		[[ $line =~ \ [0-9]+\.[0-9]{3}\  ]] && continue
		[[ $line == *"skipped: "*"$option"* ]] || fail "'$line': neither numbers nor skipped naming $option"
		grep -Fq "skipped: ${line%% *} $row: " <<<"$out" || fail "no skip announced for '$row'"
	done <<<"$lines"
	((n == 2)) || fail "'$row' printed $n times, not once per table"
}
optional 'b kernel seg6 encap.red' CONFIG_IPV6_SEG6_LWTUNNEL
optional 'b kernel seg6local End.DT6' CONFIG_IPV6_SEG6_LWTUNNEL
optional 'e kernel VXLAN/IPv6 encap' CONFIG_VXLAN
optional 'e kernel VXLAN/IPv6 decap' CONFIG_VXLAN
echo "bench_all_smoke: every row there, optional ways run or skipped with their reason"
