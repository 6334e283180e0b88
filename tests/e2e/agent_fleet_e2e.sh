#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# tests/e2e/agent_fleet_e2e.sh - a fleet of home agents on etcd (issue 15,
# docs/scale-out.md) on the guide's testbed (lib/roaming_topology.sh): three
# xmipd home agents on the home link share one home agent address
# (2001:db8:2700::2, the mobile node's), elected through a three-member etcd
# cluster on a control link of their own (fd00:e7cd::/64):
#   F1. the fleet forms: three members, exactly one holds the address;
#   F2. the mobile node registers from visitnet through the holder; every
#       member has the binding in its cache and its datapath map (the
#       shared binding store's watch), only the holder defends the home
#       address on the home link (proxy entry);
#   F3. the holder's host dies (xmipd kill -9, its links down) under a
#       two-way UDP stream: its heartbeats stop, another member revokes its
#       lease and holds the address within the failure detection window
#       (500 ms) plus a check, long before the lease TTL (2 s); the stream
#       resumes through it without a new Binding Update; the gap and the
#       loss are reported and bounded (under 1 s is the goal);
#   F4. the dead member comes back (its links up, xmipd started again): it
#       joins, loads every binding into its cache and map, holds nothing;
#       then the new holder dies too and the mobile node moves meanwhile:
#       its Binding Update, sent while no member holds the address, is
#       retransmitted until the next holder takes it, accepted once (one
#       registration in all the members' logs, with the mobile node's
#       sequence number) and reaches both survivors;
#   F5. one of the three etcd members dies: registrations go on (the
#       mobile node moves, bound, every member has it); a second dies (no
#       quorum): forwarding goes on from the maps, a new registration is
#       refused with 130; quorum back: the next registration is accepted
#       and reaches every member;
#   F6. the holder alone is cut off from etcd (its control link down): it
#       gives the address up within the lease TTL, the other member takes
#       it; a prober on the home link (lib/ns_probe.py, scapy) solicits the
#       address and the home address every 50 ms throughout: every answer
#       comes from the old holder before the cut-off one gave up and from
#       the new one after, never from both at once; reconnected, the member
#       rejoins without taking the address back; F6c the mobile node's
#       refresh (mipctl refresh, same care-of address) sent at the cut is
#       retransmitted until the new holder accepts it, once, in sequence.
# Needs root, iproute2, ethtool, radvd, etcd and etcdctl (Debian's
# etcd-server, etcd-client), /usr/bin/python3. Without etcd: skipped (77),
# failed under CI (CI=true), which installs it.
# Usage: agent_fleet_e2e.sh [--xmipd PATH] [--xmip-dp PATH] [--verbose]
set -uo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh" # sets HERE, REPO, LIB, PY, SELF
RT_SELF=$HERE/$SELF
source "$LIB/roaming_topology.sh"

XMIPD=$REPO/build/agent/xmipd/xmipd
XMIP_DP=$REPO/build/agent/tools/xmip-dp
TIME_LIMIT=${XMIP_E2E_TIME_LIMIT:-180}
e2e_parse_args --xmipd=XMIPD:path --xmip-dp=XMIP_DP:path -- "$@"
e2e_require_root
if ! command -v etcd >/dev/null || ! command -v etcdctl >/dev/null; then
	[[ ${CI:-} == true ]] && { echo "$SELF: no etcd/etcdctl (CI installs etcd-server, etcd-client)" >&2; exit 1; }
	echo "$SELF: skipped: no etcd/etcdctl on PATH (apt-get install etcd-server etcd-client)"
	exit 77
fi
for b in "$XMIPD" "$XMIP_DP"; do
	[[ -x $b ]] || { echo "$SELF: no executable at $b (build first, or pass its path)" >&2; exit 2; }
done
XMIPD=$(e2e_abspath "$XMIPD")
XMIP_DP=$(e2e_abspath "$XMIP_DP")
e2e_require_tools ip ethtool radvd mountpoint etcd etcdctl "$PY"

FLEET_ADDR=$HA_ADDR # the one address the mobile node knows, served by one member at a time
TTL=2               # cluster.agent_lease_ttl (s): the bound of a takeover by the lease (F6)
FD_MS=500           # cluster.failure_detection (ms): the bound of a takeover by the heartbeats (F3)
RATE=200            # datagrams/s each way
# The control link: the members' etcd traffic, apart from the home link.
CTL_PREFIX=fd00:e7cd
ETCD_IP=("$CTL_PREFIX::e1" "$CTL_PREFIX::e2" "$CTL_PREFIX::e3")

e2e_work xmip-roam # rt_down removes a work dir of this name
rt_init "xfl$$" "$WORK"
NS_HB=$RT_PREFIX-hb
NS_HC=$RT_PREFIX-hc
NS_ETCD=$RT_PREFIX-etcd
RT_NAMESPACES+=("$NS_HB" "$NS_HC" "$NS_ETCD")
# Member i: its namespace, home link interface, base address, control
# address and interface, control socket, instance name.
NS_OF=("$NS_HA" "$NS_HB" "$NS_HC")
IF_OF=(ha0 hb0 hc0)
MAC_OF=("$MAC_HA0" 02:00:00:00:27:22 02:00:00:00:27:23)
BASE_OF=(2001:db8:2700::21 2001:db8:2700::22 2001:db8:2700::23)
CTL_IF_OF=(k1 k2 k3)
SOCK_OF=("$WORK/ha1.sock" "$WORK/ha2.sock" "$WORK/ha3.sock")
HA_PIDS=("" "" "")
ETCD_PIDS=("" "" "")
MN_PID=
STREAM_PIDS=()

cleanup() {
	e2e_cleanup_begin
	e2e_note_abort
	if ((RC != 0 || FAILED != 0)); then
		for f in "$WORK"/ha1.log "$WORK"/ha2.log "$WORK"/ha3.log "$WORK"/mn.log "$WORK"/etcd-e1.log; do
			[[ -s $f ]] && { echo "---- ${f##*/} (last 25 lines)"; tail -n 25 "$f"; }
		done
	fi
	stop_pids "$MN_PID" "${HA_PIDS[@]}" "${STREAM_PIDS[@]}" "${ETCD_PIDS[@]}" "${BG_PIDS[@]}"
	rt_down # every namespace (ours too: RT_NAMESPACES), the bpffs, the work dir with etcd's data
	e2e_leftovers "$RT_BPFFS" "$WORK" "${RT_NAMESPACES[@]}"
	e2e_left_pids "${HA_PIDS[@]}" $MN_PID "${ETCD_PIDS[@]}" "${BG_PIDS[@]}"
	e2e_report_leftovers
	exit "$RC"
}
e2e_arm

ENDPOINTS=$(printf '"http://[%s]:2379", ' "${ETCD_IP[@]}")
ENDPOINTS="[${ENDPOINTS%, }]"
ETCDCTL_ENDPOINTS=$(printf 'http://[%s]:2379,' "${ETCD_IP[@]}")
ETCDCTL_ENDPOINTS=${ETCDCTL_ENDPOINTS%,}

# start_etcd I: member I of the cluster (its data kept across a restart).
start_etcd() {
	local i=$1 name=e$(($1 + 1)) ip=${ETCD_IP[$1]} cluster="" j
	for j in 0 1 2; do cluster+="e$((j + 1))=http://[${ETCD_IP[$j]}]:2380,"; done
	bg "$NS_ETCD" "$WORK/etcd-$name.log" etcd --name "$name" --data-dir "$WORK/etcd/$name" \
		--listen-client-urls "http://[$ip]:2379" --advertise-client-urls "http://[$ip]:2379" \
		--listen-peer-urls "http://[$ip]:2380" --initial-advertise-peer-urls "http://[$ip]:2380" \
		--initial-cluster "${cluster%,}" --initial-cluster-state new --initial-cluster-token "$RT_PREFIX" \
		--heartbeat-interval 50 --election-timeout 500 --log-level error
	ETCD_PIDS[$i]=$!
}
etcd_healthy() { on "$NS_ETCD" etcdctl --endpoints="$ETCDCTL_ENDPOINTS" --command-timeout=1s endpoint health >/dev/null 2>&1; }

# The member configurations: the roaming test's home agent, with its own
# instance, interface, socket and the [cluster] section.
member_conf() {
	local i=$1
	rt_ha_conf | sed -e "s|^control_socket = .*|control_socket = \"${SOCK_OF[$i]}\"|" \
		-e "s|\"ha0\"|\"${IF_OF[$i]}\"|g" -e "s|state-ha|state-ha$((i + 1))|" \
		-e "s/^role = \"ha\"/&\ninstance = \"fleet$((i + 1))\"/"
	cat <<EOF

[cluster]
backend = "etcd"
endpoints = $ENDPOINTS
agent_lease_ttl = $TTL
failure_detection = $FD_MS
member = "ha$((i + 1))"
EOF
}

cl() { ctl "${SOCK_OF[$1]}" cluster; }
holds() { [[ $(jget "$(cl "$1")" "r['addresses'][0]['held_here']") == true ]]; }
reachable() { [[ $(jget "$(cl "$1")" "r['store_reachable']") == "$2" ]]; }
# holder_of: the member index holding the address, as the members say
# (exactly one, among the live ones in $LIVE); "" otherwise.
LIVE=(0 1 2)
holder_of() {
	local i found=()
	for i in "${LIVE[@]}"; do holds "$i" && found+=("$i"); done
	((${#found[@]} == 1)) && echo "${found[0]}"
}
one_holder() { [[ -n $(holder_of) ]]; }
members_are() { [[ $(jget "$(cl "$1")" "len(r['members'])") == "$2" ]]; }
bcache_get() { jget "$(ctl "${SOCK_OF[$1]}" bcache)" "[b for b in r if b['home_address'] == '$HOA'][0]['$2']"; }
bcache_coa() { bcache_get "$1" care_of_address; }
# The datapath map itself (xmip-dp binding list on the member's pins).
map_has() { "$XMIP_DP" --pin-root "$RT_BPFFS" -i "fleet$(($1 + 1))" binding list 2>/dev/null | grep -q "$HOA.*$2"; }
proxied() { ip -n "${NS_OF[$1]}" -6 neigh show proxy | grep -q "^$HOA "; }
every_live_has() { # every_live_has COA: cache and map
	local i
	for i in "${LIVE[@]}"; do
		[[ $(bcache_coa "$i") == "$1" ]] && map_has "$i" "$1" || return 1
	done
}
bu_sent() { ctl "$MN_SOCK" stats --get signalling.bu_sent; }
ms_since() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%d", (b - a) * 1000 }'; }

echo "xmip: a fleet of three home agents on a three-member etcd (testbed $RT_PREFIX, xmipd $XMIPD)"
set -e
rt_up
# The fleet's address is the holder's to add: the roaming testbed's HA
# host keeps only a base address of its own.
on "$NS_HA" ip -6 addr del "$HA_ADDR/64" dev ha0
on "$NS_HA" ip -6 addr add "${BASE_OF[0]}/64" dev ha0 nodad
for i in 1 2; do
	rt_host "${NS_OF[$i]}"
	rt_port "${NS_OF[$i]}" "${IF_OF[$i]}" "${MAC_OF[$i]}" homenet
	on "${NS_OF[$i]}" ip -6 addr add "${BASE_OF[$i]}/64" dev "${IF_OF[$i]}" nodad
	on "${NS_OF[$i]}" ip -6 route add default via $R_HOME dev "${IF_OF[$i]}"
	on "$NS_SW" ethtool -K "sw-${IF_OF[$i]}" gro on >/dev/null
	on "${NS_OF[$i]}" ethtool -K "${IF_OF[$i]}" tx-checksumming off >/dev/null
	must e2e_peer_xdp "$NS_SW" "sw-${IF_OF[$i]}"
done
# The control link: a bridge of its own, the three etcd members on one host.
on "$NS_SW" ip link add ctlnet type bridge stp_state 0 forward_delay 0 mcast_snooping 0
on "$NS_SW" ip link set ctlnet up
rt_host "$NS_ETCD"
rt_port "$NS_ETCD" ke 02:00:00:00:e7:0e ctlnet
for ip in "${ETCD_IP[@]}"; do on "$NS_ETCD" ip -6 addr add "$ip/64" dev ke nodad; done
for i in 0 1 2; do
	rt_port "${NS_OF[$i]}" "${CTL_IF_OF[$i]}" "02:00:00:00:e7:0$((i + 1))" ctlnet
	on "${NS_OF[$i]}" ip -6 addr add "$CTL_PREFIX::$((i + 1))/64" dev "${CTL_IF_OF[$i]}" nodad
done
rt_mount_bpffs
rt_radvd_conf ar1 $VISIT1_PREFIX >"$WORK/radvd-ar.conf"
rt_radvd_conf ar21 $VISIT2_PREFIX >"$WORK/radvd-ar2.conf"
for i in 0 1 2; do member_conf "$i" >"$WORK/ha$((i + 1)).toml"; done
rt_mn_conf >"$WORK/mn.toml"
mkdir -p "$WORK/etcd"
set +e

bg "$NS_AR" "$WORK/radvd-ar.out" radvd -n -C "$WORK/radvd-ar.conf" -p "$WORK/radvd-ar.pid" -m logfile -l "$WORK/radvd-ar.log"
bg "$NS_AR2" "$WORK/radvd-ar2.out" radvd -n -C "$WORK/radvd-ar2.conf" -p "$WORK/radvd-ar2.pid" -m logfile -l "$WORK/radvd-ar2.log"

# ---- F1 ------------------------------------------------------------------------------
PROBLEMS=()
t0=$EPOCHREALTIME
for i in 0 1 2; do start_etcd "$i"; done
wait_until 15 etcd_healthy || PROBLEMS+=("etcd has no healthy quorum after 15 s: $(tail -n 3 "$WORK/etcd-e1.log")")
etcd_ms=$(ms_since "$t0")
start_member() {
	local pid
	start_xmipd pid "${NS_OF[$1]}" "$WORK/ha$(($1 + 1)).toml" "$WORK/ha$(($1 + 1)).log"
	HA_PIDS[$1]=$pid
	e2e_track "$pid"
	wait_agent "${SOCK_OF[$1]}" "$pid" || PROBLEMS+=("member ha$(($1 + 1)) did not start (exit ${AGENT_EXIT:-none})")
}
if ((${#PROBLEMS[@]} == 0)); then
	# ha1 first, so that it holds the address (the others queue behind it).
	start_member 0
	((${#PROBLEMS[@]})) || wait_until 5 holds 0 || PROBLEMS+=("ha1 does not hold $FLEET_ADDR: $(cl 0)")
	start_member 1
	start_member 2
fi
for i in 0 1 2; do
	((${#PROBLEMS[@]})) || wait_until 5 members_are "$i" 3 || PROBLEMS+=("ha$((i + 1)) sees $(cl "$i")")
done
((${#PROBLEMS[@]})) || wait_until 3 one_holder || PROBLEMS+=("not exactly one holder: $(cl 0) $(cl 1) $(cl 2)")
HOLDER=$(holder_of)
report "F1. three members on a three-member etcd, one holder of $FLEET_ADDR" \
	"etcd healthy in $etcd_ms ms; holder ha$((${HOLDER:-0} + 1))" -- "${PROBLEMS[@]}"
((${#PROBLEMS[@]} == 0)) || e2e_result

# ---- F2 ------------------------------------------------------------------------------
PROBLEMS=()
start_xmipd MN_PID "$NS_MN" "$WORK/mn.toml" "$WORK/mn.log"
e2e_track "$MN_PID"
wait_agent "$MN_SOCK" "$MN_PID" || PROBLEMS+=("the mobile node did not start (exit ${AGENT_EXIT:-none})")
COA1=$(eui64 $VISIT1_PREFIX $MAC_MN0)
COA2=$(eui64 $VISIT2_PREFIX $MAC_MN0)
t0=$EPOCHREALTIME
rt_move visitnet
((${#PROBLEMS[@]})) || wait_until 20 mn_is away bound "$COA1" || PROBLEMS+=("not bound from $COA1 within 20 s: $(mn bul)")
bound_ms=$(ms_since "$t0")
t0=$EPOCHREALTIME
((${#PROBLEMS[@]})) || wait_until 3 every_live_has "$COA1" ||
	PROBLEMS+=("not every member has the binding in its cache and map: $(for i in 0 1 2; do echo "ha$((i + 1)): $(bcache_coa $i) map $("$XMIP_DP" --pin-root "$RT_BPFFS" -i fleet$((i + 1)) binding list 2>&1 | tr '\n' ' ')"; done)")
shared_ms=$(ms_since "$t0")
for i in 0 1 2; do
	if ((i == HOLDER)); then
		proxied "$i" || PROBLEMS+=("the holder ha$((i + 1)) has no proxy entry for $HOA")
	else
		proxied "$i" && PROBLEMS+=("ha$((i + 1)) defends $HOA without holding $FLEET_ADDR")
	fi
done
lag=$(jget "$(cl $(((HOLDER + 1) % 3)))" "r.get('watch_lag_ms', 'none')")
report "F2. registered through the holder; every member forwards for it, only the holder defends it" \
	"bound $bound_ms ms after the move; in every member's cache and map $shared_ms ms later (watch lag $lag ms)" -- "${PROBLEMS[@]}"
((${#PROBLEMS[@]} == 0)) || e2e_result

# ---- F3 ------------------------------------------------------------------------------
PROBLEMS=()
N=$((RATE * 12))
rm -f "$WORK"/stream.ready.*
for x in "$NS_MN 5101 $HOA down" "$NS_CN 5102 $CN up"; do
	read -r ns port bind file <<<"$x"
	bg "$ns" "$WORK/stream.rx.$file" "$PY" "$LIB/udp_stream.py" recv --bind "$bind" --port "$port" \
		--count "$N" --timeout 16 --ready "$WORK/stream.ready.$file" --tag "f$file$$" --arrivals "$WORK/stream.$file"
	STREAM_PIDS+=($!)
done
wait_until 5 test -e "$WORK/stream.ready.down" -a -e "$WORK/stream.ready.up"
bg "$NS_CN" "$WORK/stream.tx.down" "$PY" "$LIB/udp_stream.py" send --src "$CN" --dst "$HOA" --port 5101 \
	--count "$N" --rate "$RATE" --tag "fdown$$"
STREAM_PIDS+=($!)
bg "$NS_MN" "$WORK/stream.tx.up" "$PY" "$LIB/udp_stream.py" send --src "$HOA" --dst "$CN" --port 5102 \
	--count "$N" --rate "$RATE" --tag "fup$$"
STREAM_PIDS+=($!)
sleep 2 # a steady stream first
bu_before=$(bu_sent)
# The holder's host dies: no clean stop (kill -9: nothing resigned, the
# lease runs out), and it leaves both links (a dead machine answers no
# Neighbour Solicitation; its pinned datapath would otherwise forward on).
echo "failover $EPOCHREALTIME" >"$WORK/moves"
t0=$EPOCHREALTIME
kill -KILL "${HA_PIDS[$HOLDER]}"
wait "${HA_PIDS[$HOLDER]}" 2>/dev/null
HA_PIDS[$HOLDER]=
ip -n "${NS_OF[$HOLDER]}" link set "${IF_OF[$HOLDER]}" down
ip -n "${NS_OF[$HOLDER]}" link set "${CTL_IF_OF[$HOLDER]}" down
DEAD=$HOLDER
LIVE=()
for i in 0 1 2; do ((i == DEAD)) || LIVE+=("$i"); done
# The bound: the heartbeats' silence (FD_MS), a survivor's check (every
# FD_MS/4), and 1 s for the round's requests (revoke, campaign) and this
# script's polling on a loaded machine. The lease alone took 2.4 s here
# (TTL 2 s: the lease, etcd's 500 ms expiry check, a round).
BOUND_MS=$((FD_MS + FD_MS / 4 + 1000))
wait_until 6 one_holder || PROBLEMS+=("no single new holder 6 s after the kill: $(cl "${LIVE[0]}") $(cl "${LIVE[1]}")")
takeover_ms=$(ms_since "$t0")
HOLDER=$(holder_of)
((takeover_ms <= BOUND_MS)) || PROBLEMS+=("took over after $takeover_ms ms, above the bound $BOUND_MS ms")
# By the heartbeats, not the lease: a survivor revoked the dead holder's lease.
cat "$WORK/ha$((LIVE[0] + 1)).log" "$WORK/ha$((LIVE[1] + 1)).log" | grep -q "ha$((DEAD + 1))'s lease revoked" ||
	PROBLEMS+=("no survivor revoked ha$((DEAD + 1))'s lease (taken over by the lease's expiry?)")
sleep 3 # the stream goes on through the new holder
for p in "${STREAM_PIDS[@]}"; do stop_pid "$p"; done
STREAM_PIDS=()
bu_after=$(bu_sent)
[[ $bu_before == "$bu_after" ]] || PROBLEMS+=("the mobile node sent Binding Updates during the failover ($bu_before -> $bu_after)")
for d in down up; do
	"$PY" "$LIB/udp_stream.py" handoffs --arrivals "$WORK/stream.$d" --moves "$WORK/moves" >"$WORK/handoffs.$d" 2>&1
done
gap() { jget "$(head -n 1 "$WORK/handoffs.$1")" "r['$2']"; }
for d in down up; do
	g=$(gap $d gap_ms)
	[[ $(gap $d resumed) == true && $g =~ ^[0-9]+(\.[0-9]*)?$ ]] ||
		{ PROBLEMS+=("the $d stream did not resume: $(cat "$WORK/handoffs.$d")"); continue; }
	((${g%.*} <= BOUND_MS)) || PROBLEMS+=("the $d stream's gap $g ms is above $BOUND_MS ms")
	# Lost: what the gap held, no more (a datagram every 1000/RATE ms).
	l=$(gap $d lost)
	((l <= (${g%.*} * RATE / 1000) + 2)) || PROBLEMS+=("the $d stream lost $l datagrams, more than its $g ms gap holds")
done
for i in "${LIVE[@]}"; do
	[[ $(bcache_coa "$i") == "$COA1" ]] || PROBLEMS+=("survivor ha$((i + 1))'s bcache: $(ctl "${SOCK_OF[$i]}" bcache)")
done
proxied "$HOLDER" || PROBLEMS+=("the new holder ha$((HOLDER + 1)) does not defend $HOA")
report "F3. the holder's host dies under a ${RATE}/s two-way stream: ha$((HOLDER + 1)) takes $FLEET_ADDR over, no new BU" \
	"held again $takeover_ms ms after the kill (bound $BOUND_MS ms: silent $FD_MS ms + a check + 1 s);" \
	"CN -> HoA gap $(gap down gap_ms) ms, $(gap down lost) lost; HoA -> CN gap $(gap up gap_ms) ms, $(gap up lost) lost" -- "${PROBLEMS[@]}"
((${#PROBLEMS[@]} == 0)) || e2e_result

# ---- F4 ------------------------------------------------------------------------------
PROBLEMS=()
# The dead member's host comes back: links up with their addresses (the
# kernel dropped them at link down), xmipd started again.
ip -n "${NS_OF[$DEAD]}" link set "${IF_OF[$DEAD]}" up
ip -n "${NS_OF[$DEAD]}" link set "${CTL_IF_OF[$DEAD]}" up
ip -n "${NS_OF[$DEAD]}" -6 addr replace "${BASE_OF[$DEAD]}/64" dev "${IF_OF[$DEAD]}" nodad
ip -n "${NS_OF[$DEAD]}" -6 addr replace "$CTL_PREFIX::$((DEAD + 1))/64" dev "${CTL_IF_OF[$DEAD]}" nodad
ip -n "${NS_OF[$DEAD]}" -6 route replace default via $R_HOME dev "${IF_OF[$DEAD]}"
t0=$EPOCHREALTIME
start_member "$DEAD"
LIVE=(0 1 2)
for i in 0 1 2; do
	((${#PROBLEMS[@]})) || wait_until 8 members_are "$i" 3 || PROBLEMS+=("ha$((i + 1)) sees $(cl "$i")")
done
((${#PROBLEMS[@]})) || wait_until 5 every_live_has "$COA1" ||
	PROBLEMS+=("the returning ha$((DEAD + 1)) lacks the binding: $(ctl "${SOCK_OF[$DEAD]}" bcache)")
holds "$DEAD" && PROBLEMS+=("the returning ha$((DEAD + 1)) took $FLEET_ADDR from the live holder")
[[ $(holder_of) == "$HOLDER" ]] || PROBLEMS+=("the holder changed when ha$((DEAD + 1)) came back: $(holder_of)")
rejoin_ms=$(ms_since "$t0")
report "F4a. the dead member comes back: it joins, has every binding, holds nothing" \
	"three members, ha$((DEAD + 1))'s cache and map have $HOA -> $COA1 $rejoin_ms ms after its start; ha$((HOLDER + 1)) still holds" -- "${PROBLEMS[@]}"
((${#PROBLEMS[@]} == 0)) || e2e_result

PROBLEMS=()
registrations() { # COA: registration lines for the HoA at COA in every member's log
	cat "$WORK"/ha1.log "$WORK"/ha2.log "$WORK"/ha3.log 2>/dev/null | grep -E "(registered|refreshed) $HOA -> $1 "
}
kill -KILL "${HA_PIDS[$HOLDER]}"
wait "${HA_PIDS[$HOLDER]}" 2>/dev/null
HA_PIDS[$HOLDER]=
ip -n "${NS_OF[$HOLDER]}" link set "${IF_OF[$HOLDER]}" down
ip -n "${NS_OF[$HOLDER]}" link set "${CTL_IF_OF[$HOLDER]}" down
DEAD=$HOLDER
LIVE=()
for i in 0 1 2; do ((i == DEAD)) || LIVE+=("$i"); done
# The mobile node moves while no member holds the address: its BU goes to a
# dead host's MAC (the router's neighbour entry) until the next holder's
# override NA; the mobile node retransmits.
nack_before=$(ctl "$MN_SOCK" stats --get signalling.ba_nack_received)
t0=$EPOCHREALTIME
rt_move visitnet2
wait_until 12 mn_is away bound "$COA2" || PROBLEMS+=("not bound from $COA2 within 12 s: $(mn bul)")
moved_ms=$(ms_since "$t0")
HOLDER=$(holder_of)
[[ -n $HOLDER ]] || PROBLEMS+=("not exactly one holder: $(cl "${LIVE[0]}") $(cl "${LIVE[1]}")")
SEQ=$(jget "$(mn bul)" "r[0]['sequence']")
wait_until 3 every_live_has "$COA2" || PROBLEMS+=("not every survivor has $HOA -> $COA2: $(ctl "${SOCK_OF[${LIVE[0]}]}" bcache) $(ctl "${SOCK_OF[${LIVE[1]}]}" bcache)")
for i in "${LIVE[@]}"; do
	[[ $(bcache_get "$i" sequence) == "$SEQ" ]] || PROBLEMS+=("ha$((i + 1))'s binding has sequence $(bcache_get "$i" sequence), the mobile node's is $SEQ")
done
REGS=$(registrations "$COA2")
[[ $(grep -c . <<<"$REGS") == 1 && $REGS == *"(seq $SEQ)"* ]] ||
	PROBLEMS+=("registrations of $HOA -> $COA2 in the members' logs (expected one, sequence $SEQ): ${REGS:-none}")
[[ $(ctl "$MN_SOCK" stats --get signalling.ba_nack_received) == "$nack_before" ]] ||
	PROBLEMS+=("the mobile node got a refusal meanwhile: $(grep 'refused the registration' "$WORK/mn.log" | tail -n 1)")
report "F4b. the new holder dies and the mobile node moves meanwhile: its BU is taken once, by the next holder" \
	"bound from $COA2 $moved_ms ms after the move (the kill just before), through ha$((${HOLDER:-0} + 1));" \
	"one registration in the members' logs: ${REGS#*] }; sequence $SEQ on both survivors; no refusal" -- "${PROBLEMS[@]}"
((${#PROBLEMS[@]} == 0)) || e2e_result

# ---- F5 ------------------------------------------------------------------------------
PROBLEMS=()
{ stop_pid "${ETCD_PIDS[0]}" KILL; } 2>/dev/null # no job notice
ETCD_PIDS[0]=
t0=$EPOCHREALTIME
rt_move visitnet
wait_until 12 mn_is away bound "$COA1" || PROBLEMS+=("not bound from $COA1 with one etcd member down: $(mn bul)")
one_down_ms=$(ms_since "$t0")
SEQ=$(jget "$(mn bul)" "r[0]['sequence']")
same_seq() { local i; for i in "${LIVE[@]}"; do [[ $(bcache_get "$i" sequence) == "$SEQ" ]] || return 1; done; }
wait_until 3 every_live_has "$COA1" && wait_until 3 same_seq ||
	PROBLEMS+=("the registration (sequence $SEQ) is not in every survivor's cache and map: $(ctl "${SOCK_OF[${LIVE[0]}]}" bcache) $(ctl "${SOCK_OF[${LIVE[1]}]}" bcache)")
for i in "${LIVE[@]}"; do reachable "$i" true || PROBLEMS+=("ha$((i + 1)) says etcd is unreachable: $(cl "$i")"); done
report "F5a. one etcd member killed: registrations go on" \
	"bound from $COA1 $one_down_ms ms after the move, sequence $SEQ on both survivors; etcd reachable for both" -- "${PROBLEMS[@]}"
((${#PROBLEMS[@]} == 0)) || e2e_result

PROBLEMS=()
{ stop_pid "${ETCD_PIDS[1]}" KILL; } 2>/dev/null
ETCD_PIDS[1]=
t0=$EPOCHREALTIME
for i in "${LIVE[@]}"; do
	wait_until 3 reachable "$i" false || PROBLEMS+=("ha$((i + 1)) still says etcd is reachable: $(cl "$i")")
done
cut_ms=$(ms_since "$t0")
# Forwarding from the maps: a short stream CN -> HoA.
rm -f "$WORK/stream.ready.q"
bg "$NS_MN" "$WORK/stream.rx.q" "$PY" "$LIB/udp_stream.py" recv --bind "$HOA" --port 5103 \
	--count $((RATE * 2)) --timeout 5 --ready "$WORK/stream.ready.q" --tag "q$$"
rx=$!
wait_until 5 test -e "$WORK/stream.ready.q"
on "$NS_CN" "$PY" "$LIB/udp_stream.py" send --src "$CN" --dst "$HOA" --port 5103 --count $((RATE * 2)) \
	--rate "$RATE" --tag "q$$" >"$WORK/stream.tx.q" 2>&1
stop_pid "$rx" 0
got=$(jget "$(cat "$WORK/stream.rx.q")" "r['received']")
[[ $got =~ ^[0-9]+$ ]] && ((got * 10 >= RATE * 2 * 9)) ||
	PROBLEMS+=("without quorum only ${got:-no} of $((RATE * 2)) datagrams reached the mobile node")
SEQ_BEFORE=$(bcache_get "${LIVE[0]}" sequence)
# A new registration: the mobile node moves to visitnet2; its BU is refused.
refused_before=$(grep -c "refused the registration: status 130" "$WORK/mn.log")
rt_move visitnet2
refused() { (($(grep -c "refused the registration: status 130" "$WORK/mn.log") > refused_before)); }
wait_until 10 refused || PROBLEMS+=("no 130 for the BU from $COA2 without quorum: $(mn bul)")
grep -q "registrations refused (130)" "$WORK/ha$((LIVE[0] + 1)).log" ||
	PROBLEMS+=("ha$((LIVE[0] + 1))'s log does not say registrations are refused")
report "F5b. no quorum (two etcd members killed): forwarding goes on, a new registration is refused (130)" \
	"members saw etcd gone in $cut_ms ms; $got of $((RATE * 2)) datagrams forwarded from the maps" -- "${PROBLEMS[@]}"
((${#PROBLEMS[@]} == 0)) || e2e_result

PROBLEMS=()
start_etcd 0
start_etcd 1
t0=$EPOCHREALTIME
wait_until 15 etcd_healthy || PROBLEMS+=("etcd not healthy again after 15 s")
for i in "${LIVE[@]}"; do
	wait_until 5 reachable "$i" true || PROBLEMS+=("ha$((i + 1)) does not reach etcd again: $(cl "$i")")
done
wait_until 5 one_holder || PROBLEMS+=("no holder after quorum came back: $(cl "${LIVE[0]}") $(cl "${LIVE[1]}")")
HOLDER=$(holder_of) # the members campaigned again: maybe another one
back_ms=$(ms_since "$t0")
# The next registration: the mobile node moves back to visitnet (a refused
# BU is retried only after MAX_BINDACK_TIMEOUT; a move sends one now).
rt_move visitnet
wait_until 15 mn_is away bound "$COA1" || PROBLEMS+=("not bound again from $COA1: $(mn bul)")
SEQ_NOW=$(jget "$(mn bul)" "r[0]['sequence']")
newer() { local i; for i in "${LIVE[@]}"; do [[ $(bcache_get "$i" sequence) == "$SEQ_NOW" ]] || return 1; done; }
wait_until 3 every_live_has "$COA1" && wait_until 3 newer ||
	PROBLEMS+=("the new registration (sequence $SEQ_NOW, was $SEQ_BEFORE) is not in every survivor's cache and map: $(ctl "${SOCK_OF[${LIVE[0]}]}" bcache) $(ctl "${SOCK_OF[${LIVE[1]}]}" bcache)")
[[ $SEQ_NOW != "$SEQ_BEFORE" ]] || PROBLEMS+=("the sequence number did not move ($SEQ_NOW)")
report "F5c. quorum back: registrations resume and reach every member" \
	"leases and a holder again $back_ms ms after the restart; sequence $SEQ_BEFORE -> $SEQ_NOW on every survivor" -- "${PROBLEMS[@]}"
((${#PROBLEMS[@]} == 0)) || e2e_result

# ---- F6 ------------------------------------------------------------------------------
PROBLEMS=()
MAC_PRB=02:00:00:00:27:99
# The prober: a port of the switch namespace on the home link (IPv6 is off
# there: only scapy reads and sends on it).
on "$NS_SW" ip link add prb address $MAC_PRB type veth peer name sw-prb
on "$NS_SW" ip link set sw-prb master homenet up
on "$NS_SW" ip link set prb up
CUT=$HOLDER
for i in "${LIVE[@]}"; do ((i == CUT)) || OTHER=$i; done
rm -f "$WORK/probe.ready"
bg "$NS_SW" "$WORK/probe.out" "$PY" "$LIB/ns_probe.py" --iface prb --mac $MAC_PRB --targets "$FLEET_ADDR,$HOA" \
	--interval 0.05 --duration 15 --ready "$WORK/probe.ready"
PROBE_PID=$!
wait_until 5 test -e "$WORK/probe.ready" || PROBLEMS+=("the prober did not start: $(cat "$WORK/probe.out")")
sleep 1 # answered by the holder first
t0=$EPOCHREALTIME
echo "$t0" >"$WORK/cut.at"
ip -n "${NS_OF[$CUT]}" link set "${CTL_IF_OF[$CUT]}" down
# The mobile node refreshes its registration (same care-of address) as the
# failover starts: F6c below.
undone() { cat "$WORK"/ha1.log "$WORK"/ha2.log "$WORK"/ha3.log 2>/dev/null | grep -c "registration of $HOA at $COA1 could not be put in force"; }
UNDONE0=$(undone)
NACK0=$(ctl "$MN_SOCK" stats --get signalling.ba_nack_received)
REFRESH=$(ctl "$MN_SOCK" refresh)
SEQ_ASKED=$(jget "$REFRESH" "r['sequence']")
gave_up() { ! holds "$CUT"; }
wait_until $((TTL + 2)) gave_up || PROBLEMS+=("ha$((CUT + 1)) still holds $FLEET_ADDR $((TTL + 2)) s after it was cut off: $(cl "$CUT")")
gave_ms=$(ms_since "$t0")
# The bound is the wire's (below); this one only says it happened (polled).
((gave_ms <= TTL * 1000 + 1000)) || PROBLEMS+=("ha$((CUT + 1)) said it gave the address up $gave_ms ms after the cut")
wait_until $((TTL + 4)) holds "$OTHER" || PROBLEMS+=("ha$((OTHER + 1)) does not hold $FLEET_ADDR: $(cl "$OTHER")")
taken_ms=$(ms_since "$t0")
sleep 1 # answered by the new holder for a while
stop_pid "$PROBE_PID"
PROBE=$(tail -n 1 "$WORK/probe.out")
# Per target: who answered when (seconds after the cut), and any overlap.
WIRE=$("$PY" - "$PROBE" "$t0" "${MAC_OF[$CUT]}" "${MAC_OF[$OTHER]}" "$TTL" "$FLEET_ADDR" "$HOA" <<'PYEOF'
import json, sys
probe = json.loads(sys.argv[1])
cut_at = float(sys.argv[2]) - probe["start"]
old, new, ttl = sys.argv[3].lower(), sys.argv[4].lower(), float(sys.argv[5])
for target in sys.argv[6:8]:
    by = {}
    for t, tgt, mac, tlla, solicited in probe["answers"]:
        if tgt == target:
            by.setdefault((tlla or mac).lower(), []).append(t - cut_at)
    strangers = set(by) - {old, new}
    o, n = by.get(old, []), by.get(new, [])
    if strangers:
        print(f"PROBLEM {target}: answered by {sorted(strangers)} too")
    if not o or not n:
        print(f"PROBLEM {target}: answers from the old holder {len(o)}, from the new one {len(n)} (both expected)")
        continue
    if max(o) >= min(n):
        print(f"PROBLEM {target}: the old holder answered until {max(o):+.3f} s, the new one from {min(n):+.3f} s: both at once")
    if max(o) >= ttl:
        print(f"PROBLEM {target}: the cut-off holder still answered {max(o):.3f} s after the cut, beyond the lease TTL ({ttl:.0f} s)")
    print(f"INFO {target}: old holder {len(o)} answers up to {max(o):+.3f} s, new holder {len(n)} from {min(n):+.3f} s (silence {min(n) - max(o):.3f} s)")
print(f"INFO {probe['rounds']} rounds of solicitations")
PYEOF
)
while IFS= read -r line; do
	case $line in PROBLEM*) PROBLEMS+=("${line#PROBLEM }") ;; esac
done <<<"$WIRE"
report "F6a. the holder alone cut off from etcd gives the address up within the lease TTL; on the wire, never two answerers" \
	"ha$((CUT + 1)) said it gave $FLEET_ADDR up $gave_ms ms after its control link went down (polled; TTL $TTL s); ha$((OTHER + 1)) held it after $taken_ms ms" \
	"$(grep '^INFO' <<<"$WIRE" | sed 's/^INFO //' | paste -sd ';' | sed 's/;/; /g') (times from the cut)" -- "${PROBLEMS[@]}"
((${#PROBLEMS[@]} == 0)) || e2e_result

# F6c: the refresh sent at the cut reaches the holder that cannot commit
# it (refused, 130) or nobody, and is retransmitted (a new sequence number
# each time) until the new holder takes it: exactly one registration of the
# mobile node's last sequence number from those sent, and the survivor has it.
PROBLEMS=()
[[ $SEQ_ASKED =~ ^[0-9]+$ ]] || PROBLEMS+=("mipctl refresh did not answer with a sequence number: $REFRESH")
refreshed_after() { # the mobile node's sequence is bound and newer than the refresh's first
	local b
	b=$(mn bul) && [[ $(jget "$b" "r[0]['state']") == bound ]] && (($(jget "$b" "r[0]['sequence']") >= SEQ_ASKED))
}
((${#PROBLEMS[@]})) || wait_until $((TTL + 6)) refreshed_after || PROBLEMS+=("the refresh was not accepted within $((TTL + 6)) s: $(mn bul)")
SEQ=$(jget "$(mn bul)" "r[0]['sequence']")
# Registrations of COA1 in the members' logs with a sequence number from
# the refresh's on (the earlier ones are F5's), in time order.
REGS=$(registrations "$COA1" | awk -v s="${SEQ_ASKED:-0}" '{ n = $0; sub(/.*\(seq /, "", n); sub(/\).*/, "", n); if (n + 0 >= s + 0) print }' | sort)
# The cut-off holder refuses what reaches it (130: it cannot commit), some
# after a registration line followed by "could not be put in force ...
# refused with status 130"; the mobile node retransmits each time.
UNDONE=$(($(undone) - UNDONE0))
NACKS=$(($(ctl "$MN_SOCK" stats --get signalling.ba_nack_received) - NACK0))
[[ $(($(grep -c . <<<"$REGS") - UNDONE)) == 1 && $REGS == *"(seq $SEQ)"* && $(tail -n 1 <<<"$REGS") == *"(seq $SEQ)"* ]] ||
	PROBLEMS+=("registrations of $HOA -> $COA1 from sequence $SEQ_ASKED on, $UNDONE of them undone (expected one kept, the last, sequence $SEQ): ${REGS:-none}")
[[ $(bcache_get "$OTHER" sequence) == "$SEQ" ]] || PROBLEMS+=("ha$((OTHER + 1))'s binding has sequence $(bcache_get "$OTHER" sequence), the mobile node's is $SEQ")
report "F6c. a refresh sent as the failover starts is accepted once, by the new holder, sequence numbers in order" \
	"mipctl refresh sent sequence $SEQ_ASKED at the cut; $NACKS refused (130) by the cut-off holder ($UNDONE after a registration line, undone), then accepted once as sequence $SEQ by ha$((OTHER + 1))" -- "${PROBLEMS[@]}"
((${#PROBLEMS[@]} == 0)) || e2e_result

PROBLEMS=()
ip -n "${NS_OF[$CUT]}" link set "${CTL_IF_OF[$CUT]}" up
ip -n "${NS_OF[$CUT]}" -6 addr replace "$CTL_PREFIX::$((CUT + 1))/64" dev "${CTL_IF_OF[$CUT]}" nodad
wait_until 8 reachable "$CUT" true || PROBLEMS+=("ha$((CUT + 1)) does not reach etcd again: $(cl "$CUT")")
wait_until 5 members_are "$OTHER" 2 || PROBLEMS+=("ha$((OTHER + 1)) sees $(cl "$OTHER")")
holds "$CUT" && PROBLEMS+=("ha$((CUT + 1)) took $FLEET_ADDR back from ha$((OTHER + 1))")
holds "$OTHER" || PROBLEMS+=("ha$((OTHER + 1)) lost $FLEET_ADDR when ha$((CUT + 1)) came back")
report "F6b. reconnected, the member rejoins and leaves the address with its holder" \
	"ha$((CUT + 1)) reaches etcd again; ha$((OTHER + 1)) still holds $FLEET_ADDR" -- "${PROBLEMS[@]}"
e2e_result
