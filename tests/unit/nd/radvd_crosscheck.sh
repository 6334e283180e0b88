#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# The scapy vectors for the guide's home agent RA must be what radvd itself
# sends for that configuration. Runs radvd (Debian's 2.19) on a veth in two
# private network namespaces, once with the guide's radvd.conf (section
# 4.2.4, fec0:106:2700::2/64 read as 2001:db8:2700::2/64) and once with
# AdvIntervalOpt on, captures the first RA on the peer and compares it, byte
# for byte with the checksum, to ra_guide_home_agent / ra_radvd_adv_interval
# in vectors.json. The HA's MAC (02:00:00:00:27:02) gives the same
# link-local source, so even the checksums must agree.
#
# Needs root, radvd and iproute2; exits 77 (skipped) without them, except
# under CI (CI=true), where a missing capability is a failure.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
skip() {
  case "${CI:-}" in ""|0|false) echo "skipped: $1"; exit 77 ;; *) echo "FAIL (CI): $1"; exit 1 ;; esac
}
[ "$(id -u)" = 0 ] || skip "needs root"
command -v radvd >/dev/null || skip "no radvd"

tag=ndx$$
ha=$tag-ha
mn=$tag-mn
work=$(mktemp -d)
radvd_pid=
cleanup() {
    [ -n "$radvd_pid" ] && kill "$radvd_pid" 2>/dev/null && wait "$radvd_pid" 2>/dev/null
    ip netns del "$ha" 2>/dev/null || true
    ip netns del "$mn" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

ip netns add "$ha"
ip netns add "$mn"
ip link add v0 netns "$ha" type veth peer name v1 netns "$mn"
ip -n "$ha" link set v0 address 02:00:00:00:27:02
ip -n "$ha" link set v0 up
# The peer stays quiet (no RS), so radvd's first RA is its multicast one.
ip netns exec "$mn" sysctl -qw net.ipv6.conf.default.router_solicitations=0
ip netns exec "$mn" sysctl -qw net.ipv6.conf.v1.router_solicitations=0
ip -n "$mn" link set v1 up
# radvd advertises router lifetime 0 unless the node forwards.
ip netns exec "$ha" sysctl -qw net.ipv6.conf.all.forwarding=1

cat > "$work/capture.py" <<'EOF'
import socket
s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_RECVPKTINFO, 1)
s.settimeout(20)
while True:
    data, anc, _, addr = s.recvmsg(2000, 256)
    dst = next((d[:16] for level, kind, d in anc if kind == socket.IPV6_PKTINFO), b"")
    # The periodic multicast RA (not a unicast answer to a solicitation),
    # checksum as sent.
    if data[0] == 134 and dst == socket.inet_pton(socket.AF_INET6, "ff02::1"):
        print(data.hex())
        break
EOF

status=0
for adv_interval in off on; do
    cat > "$work/radvd.conf" <<EOF
interface v0
{
AdvSendAdvert on;
MaxRtrAdvInterval 3;
MinRtrAdvInterval 1;
AdvIntervalOpt $adv_interval;
AdvHomeAgentFlag on;
HomeAgentLifetime 10000;
HomeAgentPreference 20;
AdvHomeAgentInfo on;
prefix 2001:db8:2700::2/64
{
AdvRouterAddr on;
AdvOnLink on;
AdvAutonomous on;
AdvPreferredLifetime 10000;
AdvValidLifetime 12000;
};
};
EOF
    ip netns exec "$mn" /usr/bin/python3 "$work/capture.py" > "$work/got" &
    capture_pid=$!
    sleep 0.5
    ip netns exec "$ha" radvd -n -C "$work/radvd.conf" -p "$work/radvd.pid" -m logfile -l "$work/radvd.log" -u root &
    radvd_pid=$!
    wait "$capture_pid"
    kill "$radvd_pid"
    wait "$radvd_pid" 2>/dev/null || true
    radvd_pid=
    name=ra_guide_home_agent
    [ "$adv_interval" = on ] && name=ra_radvd_adv_interval
    want=$(/usr/bin/python3 -c "import json,sys; print(next(v['hex'] for v in json.load(open(sys.argv[1]))['vectors'] if v['name'] == sys.argv[2]))" "$here/vectors.json" "$name")
    got=$(cat "$work/got")
    if [ "$got" = "$want" ]; then
        echo "radvd AdvIntervalOpt $adv_interval: identical to $name"
    else
        echo "radvd AdvIntervalOpt $adv_interval differs from $name:"
        echo "  radvd:   $got"
        echo "  vectors: $want"
        status=1
    fi
done
exit $status
