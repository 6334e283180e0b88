#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# What a kernel proxy neighbour entry costs to add against how many the link
# has already (docs/performance.md, "Proxy Neighbour Discovery at 10^5
# bindings"): the reason the home agent answers solicitations from its
# bindings map by default (bpf/nd_proxy.bpf.h). Adds TOTAL entries to a
# veth in a private namespace, STEP at a time with `ip -batch` (one
# rtnetlink request each, as xmipd's home_agent.nd_proxy = "kernel" does),
# and prints the time per entry of each step and the link's multicast
# groups (each entry joins its solicited-node group). With PERF=1, the last
# step runs under `perf record -g` (report: perf report -i $OUT/pn.data).
#   flock /tmp/xmip-netns.lock bench/proxy_neigh_cost.sh [TOTAL [STEP]]
set -eu
TOTAL=${1:-60000}
STEP=${2:-10000}
NS=xmip-pneigh-$$
OUT=$(mktemp -d /tmp/xmip-pneigh.XXXXXX)
# The perf data stays (PERF=1) for perf report; nothing else is left.
trap 'ip netns del $NS 2>/dev/null || true; rm -f "$OUT"/batch; [ -n "${PERF:-}" ] || rm -rf "$OUT"' EXIT
ip netns add $NS
ip -n $NS link add a0 type veth peer name a1
ip -n $NS link set a0 up
ip -n $NS link set a1 up
ip netns exec $NS sysctl -qw net.ipv6.conf.all.proxy_ndp=1
echo "# kernel $(uname -r); load: $(cut -d' ' -f1-3 /proc/loadavg)"
for ((base = 0; base < TOTAL; base += STEP)); do
    for ((i = base; i < base + STEP; i++)); do
        printf 'neigh add proxy 2001:db8:2700::%x:%x dev a0\n' $((i >> 16)) $((i & 65535))
    done >"$OUT"/batch
    t0=$(date +%s.%N)
    if [ -n "${PERF:-}" ] && [ $((base + STEP)) -ge "$TOTAL" ]; then
        perf record -q -g -o "$OUT"/pn.data ip -n $NS -batch "$OUT"/batch
    else
        ip -n $NS -batch "$OUT"/batch
    fi
    t1=$(date +%s.%N)
    groups=$(ip netns exec $NS grep -c ' a0 ' /proc/net/igmp6)
    awk -v a="$t0" -v b="$t1" -v n="$STEP" -v have="$base" -v g="$groups" \
        'BEGIN { printf "entries %6d..%6d: %7.0f us each; groups on the link after: %d\n", have, have + n, (b - a) * 1e6 / n, g }'
done
[ -z "${PERF:-}" ] || echo "# perf data: $OUT/pn.data"
