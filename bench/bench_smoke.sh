#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# bench_smoke: xmip-bench-datapath --quick must exit 0 and print its results
# tables (the header lines and the rows of the scenarios, XDP and tc). Speed
# is not checked.
bin="$1"
out=$("$bin" --quick 2>&1)
rc=$?
printf '%s\n' "$out"
[ "$rc" -eq 0 ] || exit "$rc"
for want in '^== ns/packet' '^HA downlink encap ' '^HA uplink decap ' '^HA miss ' '^MN decap ' '^pass baseline ' \
    '^MN RH2 ingress ' '^CN HAO ingress ' '^== tc egress' '^tc pass baseline ' '^MN HAO egress ' '^MN tunnel egress ' '^CN RH2 egress '; do
    printf '%s\n' "$out" | grep -q "$want" || { echo "bench_smoke: no line matching '$want' in the output" >&2; exit 1; }
done
