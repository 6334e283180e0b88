#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# tests/e2e/nexthop_e2e.sh - the home agent's next-hop cache kept honest by
# the kernel (docs/performance.md, "The next-hop cache"): xmipd (role ha)
# tunnels a correspondent's packets to a care-of address; after each change
# to the way there, the tunnelled packets must be captured going the new way
# within BOUND_MS of the change.
#
#   cn (cn0) == (ha0) ha (ha1) == (r1) r        gateway 1, 2001:db8:3::5
#                        (ha2) == (r2) r        gateway 2, 2001:db8:4::5
#                        (ha3) home link, the HA address
#
#   N1. the first packets go by the route (gateway 1), and the cache holds it
#   N2. the next hop's MAC changes (ip neigh replace): frames carry the new MAC
#   N3. the route changes to gateway 2: frames leave by ha2
#   N4. the route back to gateway 1, then ha1 goes down: by the metric-200
#       route through ha2
#   N5. ha2's MTU drops to 1400: a 1400-byte packet gets a Packet Too Big
#       with MTU 1360 (the new MTU less the tunnel's 40 bytes)
#   N6. a policy rule sends the care-of prefix to table 100 (gateway 1):
#       the cache goes off and the rule is honoured
#   U1. (run after N3) the uplink: packets the mobile node tunnels to the HA
#       (scapy on r1) are decapsulated and routed by the route memo
#       (xmip_routes) to a correspondent prefix through gateway 1; the route
#       moves to gateway 2: the decapsulated packets leave by ha2 within the
#       bound. The memo's generation is bumped by the keeper on the route
#       event; without that bump its once-a-second refresh would be the only
#       thing moving them, past the bound three times in four.
#
# Usage: nexthop_e2e.sh [--xmipd PATH]. Needs root, iproute2, ethtool,
# tcpdump, ping, scapy (/usr/bin/python3). Run under /tmp/xmip-netns.lock (fixed namespace names).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
XMIPD=$REPO/build/agent/xmipd/xmipd
[[ ${1:-} == --xmipd ]] && XMIPD=$2
[[ -x $XMIPD ]] || { echo "nexthop_e2e: no xmipd at $XMIPD" >&2; exit 2; }
((EUID == 0)) || { echo "nexthop_e2e: needs root" >&2; exit 2; }
for t in ip ethtool tcpdump ping timeout; do
	command -v $t >/dev/null || { echo "nexthop_e2e: missing $t" >&2; exit 2; }
done
/usr/bin/python3 -c 'import scapy' 2>/dev/null || { echo "nexthop_e2e: missing scapy for /usr/bin/python3" >&2; exit 2; }
if ! ip -6 rule show >/dev/null 2>&1; then
	echo "nexthop_e2e: skipped: the kernel has no IPv6 policy routing (CONFIG_IPV6_MULTIPLE_TABLES), N6 needs it"
	exit 77
fi

BOUND_MS=${XMIP_NH_BOUND_MS:-250} # a change must show on the wire within this
PING_INTERVAL=0.005                # 200 packets/s: 5 ms resolution of the measurement
CN=2001:db8:1::10
HA_CN_SIDE=2001:db8:1::1
HA=2001:db8:2700::2
HOA=2001:db8:2700::4
COA=2001:db8:c0::100
FAR_CN=2001:db8:c1::9 # a correspondent beyond the gateways (U1)
GW1=2001:db8:3::5
GW2=2001:db8:4::5
MAC_GW1=02:00:00:00:03:05
MAC_GW1_NEW=02:00:00:00:03:55
MAC_GW2=02:00:00:00:04:05
NS_CN=nhe-cn NS_HA=nhe-ha NS_R=nhe-r

WORK=$(mktemp -d /tmp/xmip-nhe.XXXXXX)
BPFFS=$WORK/bpffs
PIDS=()
RC=0
cleanup() {
	local p
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
	mountpoint -q "$BPFFS" && umount "$BPFFS"
	for n in $NS_CN $NS_HA $NS_R; do ip netns del $n 2>/dev/null || true; done
	if ((RC)); then
		echo "--- xmipd log (last 30 lines)"
		tail -n 30 "$WORK/xmipd.log" 2>/dev/null || true
	fi
	rm -rf "$WORK"
	exit $RC
}
trap cleanup EXIT
trap 'RC=1; exit' INT TERM
# The whole run is bounded: a hang is a failure, and still cleans up.
# (The watchdog kills its own sleep when stopped: nothing of this test may
# outlive it, holding the lock's descriptor.)
( sleep 90 & s=$!; trap 'kill $s; exit 0' TERM; wait $s; echo "nexthop_e2e: time limit (90 s) reached" >&2; kill -TERM $$ ) 2>/dev/null &
PIDS+=($!)

pass() { echo "PASS $1: $2"; }
fail() { echo "FAIL $1: $2"; RC=1; }
on() { local ns=$1; shift; ip netns exec "$ns" "$@"; }
# bg_on NS CMD...: in the background, recorded for the cleanup. Not through
# `on`: a function in the background is a subshell, and killing it would
# leave the command running.
bg_on() { ip netns exec "$@" & PIDS+=($!); }

# ---- the testbed -----------------------------------------------------------------
for n in $NS_CN $NS_HA $NS_R; do ip netns add $n; on $n ip link set lo up; done
link() { # NS_A IF_A NS_B IF_B
	ip link add "$2" netns "$1" type veth peer name "$4" netns "$3"
	on "$1" sysctl -qw net.ipv6.conf."$2".accept_dad=0
	on "$3" sysctl -qw net.ipv6.conf."$4".accept_dad=0
	on "$1" ip link set "$2" up
	on "$3" ip link set "$4" up
}
link $NS_CN cn0 $NS_HA ha0
link $NS_HA ha1 $NS_R r1
link $NS_HA ha2 $NS_R r2
ip link add ha3 netns $NS_HA type veth peer name ha3p netns $NS_HA
on $NS_HA sysctl -qw net.ipv6.conf.ha3.accept_dad=0
on $NS_HA ip link set ha3 up
on $NS_HA ip link set ha3p up
on $NS_R ip link set r1 address $MAC_GW1
on $NS_R ip link set r2 address $MAC_GW2
# XDP frames (redirected or XDP_TX) reach a veth peer only with its NAPI on (GRO).
on $NS_R ethtool -K r1 gro on >/dev/null
on $NS_R ethtool -K r2 gro on >/dev/null
# XDP_TX frames (the HA's Packet Too Big) need an XDP program on the peer
# (GRO is not enough on 6.18: docs/datapath.md, "veth peers").
PEER_PASS=$(dirname "$XMIPD")/../../bpf/xmip_peer_pass.bpf.o
[[ -f $PEER_PASS ]] || PEER_PASS=$REPO/build/bpf/xmip_peer_pass.bpf.o
on $NS_CN ip link set dev cn0 xdpdrv obj "$PEER_PASS" sec xdp
# U1's decapsulated packets go back out the link they came in on (XDP_TX).
on $NS_R ip link set dev r1 xdpdrv obj "$PEER_PASS" sec xdp
on $NS_CN ip -6 addr add $CN/64 dev cn0 nodad
on $NS_CN ip -6 route add default via $HA_CN_SIDE
on $NS_HA ip -6 addr add $HA_CN_SIDE/64 dev ha0 nodad
on $NS_HA ip -6 addr add 2001:db8:3::1/64 dev ha1 nodad
on $NS_HA ip -6 addr add 2001:db8:4::1/64 dev ha2 nodad
on $NS_HA ip -6 addr add $HA/64 dev ha3 nodad
on $NS_HA ip -6 neigh replace $GW1 lladdr $MAC_GW1 dev ha1 nud permanent
on $NS_HA ip -6 neigh replace $GW2 lladdr $MAC_GW2 dev ha2 nud permanent
on $NS_HA ip -6 route add 2001:db8:c0::/64 via $GW1 dev ha1 metric 100
on $NS_HA ip -6 route add 2001:db8:c0::/64 via $GW2 dev ha2 metric 200
on $NS_HA ip -6 route add table 100 2001:db8:c0::/64 via $GW1 dev ha1
on $NS_HA ip -6 route add 2001:db8:c1::/64 via $GW1 dev ha1 metric 100
on $NS_HA sysctl -qw net.ipv6.conf.all.forwarding=1
mkdir -p "$BPFFS"
mount -t bpf bpf "$BPFFS"

cat >"$WORK/ha.toml" <<CONF
role = "ha"
log_level = "debug"
[paths]
control_socket = "$WORK/ha.sock"
pin_root = "$BPFFS"
state_dir = "$WORK/state"
[datapath]
interfaces = ["ha0", "ha1", "ha2", "ha3"]
keep_forwarding_on_exit = false
[metrics]
listen = ""
[home_agent]
address = "$HA"
home_link = "ha3"
prefixes = ["2001:db8:2700::/64"]
[home_agent.router_advertisements]
enabled = false
CONF
bg_on $NS_HA "$XMIPD" -c "$WORK/ha.toml" >"$WORK/xmipd.log" 2>&1
MIPCTL=$(dirname "$XMIPD")/../../cli/mipctl
[[ -x $MIPCTL ]] || MIPCTL=$REPO/build/cli/mipctl
for ((i = 0; i < 50; i++)); do
	on $NS_HA "$MIPCTL" --socket "$WORK/ha.sock" status >/dev/null 2>&1 && break
	sleep 0.1
done
on $NS_HA "$MIPCTL" --socket "$WORK/ha.sock" binding add $HOA $COA --lifetime 600 >/dev/null

# Captures on both gateways' side, and the correspondent's: one line per
# frame, capture time first (the same clock as `date` here).
cap() { # NS IF FILE FILTER
	bg_on "$1" tcpdump -l -n -e -tt -i "$2" "$4" >"$3" 2>"$3.err"
}
cap $NS_R r1 "$WORK/r1.txt" "ip6 and ip6[6] = 41"
cap $NS_R r2 "$WORK/r2.txt" "ip6 and ip6[6] = 41"
cap $NS_CN cn0 "$WORK/cn.txt" "icmp6 and ip6[40] = 2"
cap $NS_R r1 "$WORK/r1u.txt" "ip6 dst $FAR_CN"
cap $NS_R r2 "$WORK/r2u.txt" "ip6 dst $FAR_CN"
for f in r1 r2 cn r1u r2u; do
	for ((i = 0; i < 50; i++)); do grep -q "listening on" "$WORK/$f.txt.err" && break; sleep 0.1; done
done
bg_on $NS_CN ping -6 -q -i $PING_INTERVAL -s 16 $HOA >/dev/null 2>&1

now() { date +%s.%N; }
# first FILE T0 [PATTERN]: capture time of the first line after T0 (matching
# PATTERN), waiting up to 2 s for it; empty when none came.
first() {
	local f=$1 t0=$2 pat=${3:-.} deadline=$(($(date +%s) + 2)) t
	while :; do
		t=$(awk -v t0="$t0" -v pat="$pat" '$1 > t0 && $0 ~ pat { print $1; exit }' "$f")
		[[ -n $t ]] && { echo "$t"; return; }
		(($(date +%s) >= deadline)) && return
		sleep 0.05
	done
}
ms() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%d", (b - a) * 1000 }'; }
# check NAME T0 FILE PATTERN WHAT: the new way seen within BOUND_MS
check() {
	local t
	t=$(first "$3" "$2" "$4")
	if [[ -z $t ]]; then
		fail "$1" "nothing $5 within 2 s"
		return
	fi
	local d
	d=$(ms "$2" "$t")
	if ((d <= BOUND_MS)); then pass "$1" "$5 after $d ms (bound $BOUND_MS ms)"; else fail "$1" "$5 only after $d ms (bound $BOUND_MS ms)"; fi
	echo "$1 $d" >>"$WORK/latencies"
}
cached() { grep -q "next-hop cache: $COA via ifindex .* to $1" "$WORK/xmipd.log"; }

# N1 ------------------------------------------------------------------------------
T0=$(now)
check N1 "$T0" "$WORK/r1.txt" "> $MAC_GW1" "tunnelled frames to gateway 1 on ha1"
for ((i = 0; i < 20; i++)); do cached $MAC_GW1 && break; sleep 0.1; done
if cached $MAC_GW1; then pass N1 "the cache holds $COA via gateway 1"; else fail N1 "no next-hop entry for $COA in the log"; fi

# N2 ------------------------------------------------------------------------------
T0=$(now)
on $NS_HA ip -6 neigh replace $GW1 lladdr $MAC_GW1_NEW dev ha1 nud permanent
check N2 "$T0" "$WORK/r1.txt" "> $MAC_GW1_NEW" "frames to the new MAC $MAC_GW1_NEW"

# N3 ------------------------------------------------------------------------------
T0=$(now)
on $NS_HA ip -6 route replace 2001:db8:c0::/64 via $GW2 dev ha2 metric 100
check N3 "$T0" "$WORK/r2.txt" "> $MAC_GW2" "frames by the new route through ha2"
sleep 0.2
T1=$(now)
sleep 0.3
if [[ -z $(first "$WORK/r1.txt" "$T1" "$HOA") ]]; then pass N3 "nothing left on ha1"; else fail N3 "frames still on ha1 after the route moved"; fi

# U1 ------------------------------------------------------------------------------
# The mobile node's tunnelled packets, 200/s for at most 4 s, from the
# care-of side (r1) to the home agent's address: inner HoA -> FAR_CN.
MAC_HA1=$(on $NS_HA cat /sys/class/net/ha1/address)
bg_on $NS_R /usr/bin/python3 -c "
from scapy.all import Ether, IPv6, ICMPv6EchoRequest, sendp
p = (Ether(src='$MAC_GW1', dst='$MAC_HA1') / IPv6(src='$COA', dst='$HA')
     / IPv6(src='$HOA', dst='$FAR_CN') / ICMPv6EchoRequest(id=7, seq=1, data=b'u' * 16))
sendp(p, iface='r1', count=800, inter=0.005, verbose=False)
"
T0=$(now)
t=""
for ((i = 0; i < 3; i++)); do # scapy's import takes a second or two
	t=$(first "$WORK/r1u.txt" "$T0")
	[[ -n $t ]] && break
done
if [[ -z $t ]]; then
	fail U1 "no decapsulated packet to $FAR_CN through gateway 1"
else
	pass U1 "the uplink's packets to $FAR_CN leave by ha1 (gateway 1)"
	sleep 0.3 # the memo holds the route by now
	T0=$(now)
	on $NS_HA ip -6 route replace 2001:db8:c1::/64 via $GW2 dev ha2 metric 100
	check U1 "$T0" "$WORK/r2u.txt" "> $MAC_GW2" "decapsulated packets by the new route through ha2"
	sleep 0.2
	T1=$(now)
	sleep 0.3
	if [[ -z $(first "$WORK/r1u.txt" "$T1" "> $MAC_GW1") ]]; then pass U1 "nothing left on ha1"; else fail U1 "decapsulated packets still on ha1 after the route moved"; fi
fi

# N4 ------------------------------------------------------------------------------
on $NS_HA ip -6 route replace 2001:db8:c0::/64 via $GW1 dev ha1 metric 100
on $NS_HA ip -6 neigh replace $GW1 lladdr $MAC_GW1 dev ha1 nud permanent
T0=$(now)
check N4 "$T0" "$WORK/r1.txt" "> $MAC_GW1" "back on ha1 (setup of the link-down check)"
T0=$(now)
on $NS_HA ip link set ha1 down
check N4 "$T0" "$WORK/r2.txt" "> $MAC_GW2" "after ha1 went down, frames by the metric-200 route through ha2"

# N5 ------------------------------------------------------------------------------
# Counted (the datapath's tx/too_big; fixture ha_nexthop_mtu_ptb checks the
# bytes) and captured at the correspondent within the bound. With the cache
# still at MTU 1500 the packets would have been tunnelled instead.
too_big() { on $NS_HA "$XMIP_DP" --pin-root "$BPFFS" -i ha stats 2>/dev/null | awk '$1 == "tx" && $2 == "too_big" { n += $3 } END { print n + 0 }'; }
XMIP_DP=$(dirname "$XMIPD")/../tools/xmip-dp
if [[ ! -x $XMIP_DP ]]; then
	fail N5 "no xmip-dp next to xmipd ($XMIP_DP) to read the counters"
else
	before=$(too_big)
	T0=$(now)
	on $NS_HA ip link set ha2 mtu 1400
	T1=$(now)
	on $NS_CN ping -6 -c 40 -i 0.005 -s 1352 -M do $HOA >/dev/null 2>&1 || true
	n=$(($(too_big) - before))
	# The correspondent learns the path MTU from the first answer and sends
	# no more 1400-byte packets (-M do): one answer or more.
	if ((n >= 1)); then
		pass N5 "the home agent answered $n Packet Too Big (datapath counter), the first 1400-byte packet sent $(ms "$T0" "$T1") ms after the MTU change or later"
	else
		fail N5 "no Packet Too Big counted by the home agent"
	fi
	check N5 "$T0" "$WORK/cn.txt" "mtu 1360" "a Packet Too Big with MTU 1360 captured at the correspondent"
fi

# N6 ------------------------------------------------------------------------------
on $NS_HA ip link set ha1 up
on $NS_HA ip -6 addr replace 2001:db8:3::1/64 dev ha1 nodad # removed with the link's going down
on $NS_HA ip -6 route replace 2001:db8:c0::/64 via $GW2 dev ha2 metric 100
on $NS_HA ip -6 neigh replace $GW1 lladdr $MAC_GW1 dev ha1 nud permanent
on $NS_HA ip -6 route replace table 100 2001:db8:c0::/64 via $GW1 dev ha1
sleep 0.3
T0=$(now)
on $NS_HA ip -6 rule add to 2001:db8:c0::/64 table 100 prio 100
check N6 "$T0" "$WORK/r1.txt" "> $MAC_GW1" "by the rule's table through ha1 (main says ha2)"
if grep -q "next-hop cache off" "$WORK/xmipd.log"; then pass N6 "the cache went off"; else fail N6 "the agent did not turn the cache off"; fi

echo "latencies (ms): $(tr '\n' ' ' <"$WORK/latencies")"
((RC == 0)) && echo "nexthop_e2e: all checks passed"
