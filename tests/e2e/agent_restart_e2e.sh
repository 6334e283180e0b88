#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# tests/e2e/agent_restart_e2e.sh - "never lose a binding" (docs/restart.md):
# the home agent and the mobile node restarted under a steady stream, on
# network namespaces, with two real xmipd agents.
#
#   CN  cn0 2001:db8:1::10 ---- ha0 2001:db8:1::2    HA (xmipd, role ha)
#                               ha2 2001:db8:2700::2 ---- h0  HOME (the home link, empty)
#                               ha1 2001:db8:3::1    ---- mn0 MN (xmipd, role mn)
#                                   radvd: 2001:db8:3::/64      CoA = EUI-64 on it,
#                                                               HoA 2001:db8:2700::4
#                                                               (+ 2001:db8:3::101 for
#                                                               the scapy probe)
#
# The MN registers for real (RA from radvd, BU, DAD, BA); a scapy mobile node
# (lib/scapy_mn_probe.py) registers a second home address, 2001:db8:2700::5,
# whose BAs it reads, to check the sequence numbers exactly. Each stream is
# 4000 sequence-numbered UDP datagrams at 1000/s from the CN to the MN's home
# address (lib/udp_stream.py), through the HA's tunnel, restarted in its
# middle:
#
#   H1. kill -9 of the home agent while the stream flows, restart: zero
#       datagrams lost; XDP stayed attached and the maps pinned meanwhile
#   H2. the binding cache after == before (mipctl bcache --json, the
#       remaining lifetime aside), proxy ND entries and datapath bindings kept
#   H3. refreshes after the restart: a BU with the last accepted sequence
#       number gets status 135 and changes nothing; one with the next is
#       accepted (status 0, the new sequence in the binding cache)
#   H4. SIGTERM and start again while the stream flows: exit status 0, the
#       datapath left attached and pinned (bindings present), zero datagrams
#       lost, binding cache after == before
#   M1. kill -9 of the mobile node while the stream flows, restart: zero
#       datagrams lost; the binding update list comes back bound with the same
#       care-of address and sequence number, and no BU was sent for it
#   M2. the MN's next BU (asked for by a Binding Refresh Request) carries the
#       next sequence number and the HA accepts it
#   H5. one BU, one outcome: with the binding map full (datapath.max_bindings
#       4, two entries put there with xmip-dp), a new registration's map write
#       fails: BA 130, no binding cache entry, no proxy entry; with one entry
#       freed, the next BU is accepted
#
# Each check prints one PASS/FAIL line; the exit status is non-zero if any
# fails. Everything (namespaces, a private bpffs, the agents, radvd, the temp
# dir) is removed on exit, also on failure or interruption.
#
# Usage: agent_restart_e2e.sh [--xmipd PATH] [--mipctl PATH] [--xmip-dp PATH] [--verbose]
# Needs root, iproute2, ethtool, radvd, /usr/bin/python3 with scapy.
set -uo pipefail
# With pipefail, `cmd | grep -q` fails at random when grep exits before cmd
# has written everything: match on captured output (grep -q P <<<"$(cmd)").

# shellcheck source-path=SCRIPTDIR source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh" # sets HERE, REPO, LIB, PY, SELF

XMIPD=$REPO/build/agent/xmipd/xmipd
MIPCTL=$REPO/build/cli/mipctl
XMIP_DP=$REPO/build/agent/tools/xmip-dp
TIME_LIMIT=${XMIP_E2E_TIME_LIMIT:-150} # seconds; the run is aborted (and cleaned up) beyond it

e2e_parse_args --xmipd=XMIPD:path --mipctl=MIPCTL:path --xmip-dp=XMIP_DP:path -- "$@"
e2e_require_root
for b in "$XMIPD" "$MIPCTL" "$XMIP_DP"; do
	[[ -x $b ]] || { echo "$SELF: no executable $b (build first, or pass its path)" >&2; exit 2; }
done
XMIPD=$(e2e_abspath "$XMIPD")
MIPCTL=$(e2e_abspath "$MIPCTL")
XMIP_DP=$(e2e_abspath "$XMIP_DP")
e2e_require_tools ip ethtool radvd mountpoint "$PY"
"$PY" -c 'import scapy' 2>/dev/null || { echo "$SELF: python3-scapy missing" >&2; exit 2; }

# ---- addresses -----------------------------------------------------------------
CN=2001:db8:1::10
HA_CN_SIDE=2001:db8:1::2
HA=2001:db8:2700::2
HOME_PREFIX=2001:db8:2700::/64
HOA=2001:db8:2700::4
HOA2=2001:db8:2700::5 # the scapy mobile node's
HOA3=2001:db8:2700::6 # the scapy mobile node's, registered while the binding map is full (H5)
MAP_SIZE=4            # datapath.max_bindings: HOA, HOA2 and two entries put there by hand fill it
HA_VISITED=2001:db8:3::1
VISITED_PREFIX=2001:db8:3::/64
COA2=2001:db8:3::101 # the scapy mobile node's care-of address (on mn0)
MAC_HA0=02:00:00:00:01:02
MAC_CN0=02:00:00:00:01:10
MAC_HA1=02:00:00:00:03:01
MAC_MN0=02:00:00:00:03:64
MAC_HA2=02:00:00:00:27:02
MAC_H0=02:00:00:00:27:01
COA=$(eui64 $VISITED_PREFIX $MAC_MN0)
SEQ2=1000       # the scapy mobile node's registration
RATE=1000       # datagrams per second
COUNT=4000      # per stream: 4 s, the restart in the middle

# ---- lifetime: one work dir, a trap that always cleans up ----------------------
e2e_work xmip-restart
P=xrs$$r$RANDOM
NS_CN=$P-cn
NS_HA=$P-ha
NS_MN=$P-mn
NS_HOME=$P-home
NAMESPACES=("$NS_CN" "$NS_HA" "$NS_MN" "$NS_HOME")
BPFFS=$WORK/bpffs
HA_SOCK=$WORK/ha.sock
MN_SOCK=$WORK/mn.sock
HA_PID=
MN_PID=
RADVD_PID=
HA_RUN=0 # how many times the home agent was started (its log files)
MN_RUN=0

# shellcheck disable=SC2317 # called from the EXIT trap
show_logs() {
	local f
	for f in "$WORK"/ha.*.log "$WORK"/mn.*.log "$WORK"/*.err "$WORK"/radvd.log; do
		[[ -s $f ]] || continue
		echo "---- ${f##*/} (last 30 lines) ----"
		tail -n 30 "$f"
	done
	if ((SETUP_FAILED)) && [[ -s $WORK/setup.log ]]; then
		echo "---- setup.log (last 10 lines) ----"
		tail -n 10 "$WORK/setup.log"
	fi
}

# shellcheck disable=SC2317 # the EXIT trap
cleanup() {
	e2e_cleanup_begin
	e2e_note_abort
	if ((RC != 0 || FAILED != 0)); then show_logs; fi
	# A clean stop of an agent with bindings leaves the datapath attached and
	# pinned (that is the feature): the namespaces and the bpffs go anyway.
	stop_pids "$HA_PID" "$MN_PID" "${BG_PIDS[@]}"
	e2e_remove_testbed xmip-restart "$BPFFS" "$WORK" "${NAMESPACES[@]}"
	e2e_leftovers "$BPFFS" "$WORK" "${NAMESPACES[@]}"
	# shellcheck disable=SC2086 # empty PIDs vanish
	e2e_left_pids $HA_PID $MN_PID "${BG_PIDS[@]}"
	e2e_report_leftovers
	exit "$RC"
}
e2e_arm
E2E_MUST_HINT="the command failed; the environment is not usable (see setup.log below)"

# ---- helpers --------------------------------------------------------------------
# jget (lib/common.sh): a value from JSON text by a Python expression on `r`.
bcache_json() { "$MIPCTL" --socket "$HA_SOCK" bcache --json 2>/dev/null; }
# The binding cache without what moves on its own (the remaining lifetime).
bcache_fixed() { jget "$(bcache_json)" "[{k: v for k, v in b.items() if k != 'lifetime_left'} for b in r]"; }
bul_json() { "$MIPCTL" --socket "$MN_SOCK" bul --json 2>/dev/null; }
bul_get() { jget "$(bul_json)" "r[0]['$1']"; }
hoa_binding() { jget "$(bcache_json)" "[b for b in r if b['home_address'] == '$1'][0]['$2']"; }
xdp_on() { grep -qE 'xdp(generic|drv)? ' <<<"$(ip -n "$1" -d link show "$2" 2>/dev/null)"; }
# shellcheck disable=SC2317 # called through wait_until
bound() { [[ $(bul_get state) == bound ]]; }
# shellcheck disable=SC2317 # called through wait_until
ha_seq_is() { [[ $(hoa_binding "$1" sequence) == "$2" ]]; }
proxied() { grep -q "^$1 dev ha2" <<<"$(ip -n "$NS_HA" -6 neigh show proxy)"; }

start_ha() {
	HA_RUN=$((HA_RUN + 1))
	start_xmipd HA_PID "$NS_HA" "$WORK/ha.toml" "$WORK/ha.$HA_RUN.log"
	e2e_track "$HA_PID"
	wait_agent "$HA_SOCK" "$HA_PID"
}
start_mn() {
	MN_RUN=$((MN_RUN + 1))
	start_xmipd MN_PID "$NS_MN" "$WORK/mn.toml" "$WORK/mn.$MN_RUN.log"
	e2e_track "$MN_PID"
	wait_agent "$MN_SOCK" "$MN_PID"
}

# probe OUT SEQ: the scapy mobile node's BU for HOA2 from COA2 (seq SEQ,
# lifetime 400 s); OUT gets its report, with the BA as scapy dissected it.
probe() {
	on "$NS_MN" "$PY" "$LIB/scapy_mn_probe.py" --iface mn0 --dst-mac $MAC_HA1 --ha $HA \
		--kind bu --coa $COA2 --hoa $HOA2 --seq "$2" --lifetime 400 --timeout 3 >"$1" 2>"$1.err"
}
ba() { jget "$(cat "$1")" "r['dissected']['$2']"; }

# stream_start TAG: the receiver at the MN's home address, then the sender at
# the CN; stream_end TAG: wait for both, RECEIVED is what arrived.
STREAM_TX=
STREAM_RX=
stream_start() {
	local tag=$1 port=$((5000 + RANDOM % 1000))
	rm -f "$WORK/$tag.ready"
	bg "$NS_MN" "$WORK/$tag.rx" "$PY" "$LIB/udp_stream.py" recv --bind $HOA --port $port \
		--count $COUNT --timeout $((COUNT / RATE + 8)) --ready "$WORK/$tag.ready" --tag "$tag"
	STREAM_RX=$!
	wait_until 5 test -f "$WORK/$tag.ready"
	bg "$NS_CN" "$WORK/$tag.tx" "$PY" "$LIB/udp_stream.py" send --src $CN --dst $HOA --port $port \
		--count $COUNT --rate $RATE --tag "$tag"
	STREAM_TX=$!
}
RECEIVED=
SENT=
stream_end() {
	local tag=$1
	stop_pid "$STREAM_TX" 0
	stop_pid "$STREAM_RX" 0
	SENT=$(jget "$(cat "$WORK/$tag.tx")" "r['sent']")
	RECEIVED=$(jget "$(cat "$WORK/$tag.rx")" "r['received']")
}

echo "xmipd restarts under a stream (namespaces $P-*, work dir $WORK)"

# ---- the testbed -------------------------------------------------------------------
setup() {
	local n
	for n in "${NAMESPACES[@]}"; do
		must ip netns add "$n"
		must on "$n" ip link set lo up
		must on "$n" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0 \
			net.ipv6.conf.default.router_solicitations=0
	done
	must on "$NS_HA" sysctl -qw net.ipv6.conf.all.forwarding=1
	must ip -n "$NS_HA" link add ha0 address $MAC_HA0 type veth peer name cn0 netns "$NS_CN" address $MAC_CN0
	must ip -n "$NS_HA" link add ha1 address $MAC_HA1 type veth peer name mn0 netns "$NS_MN" address $MAC_MN0
	must ip -n "$NS_HA" link add ha2 address $MAC_HA2 type veth peer name h0 netns "$NS_HOME" address $MAC_H0
	for n in ha0 ha1 ha2; do must ip -n "$NS_HA" link set $n up; done
	must ip -n "$NS_CN" link set cn0 up
	must ip -n "$NS_MN" link set mn0 up
	must ip -n "$NS_HOME" link set h0 up
	# The HA redirects into ha0/ha1/ha2: their peers need NAPI (GRO) or the
	# frames are lost; senders compute checksums in software (a frame
	# redirected by XDP loses CHECKSUM_PARTIAL). docs/datapath.md.
	must on "$NS_CN" ethtool -K cn0 gro on tx-checksumming off
	must on "$NS_MN" ethtool -K mn0 gro on tx-checksumming off
	must on "$NS_HOME" ethtool -K h0 gro on tx-checksumming off
	# mn0 gets the mobile node's own XDP program (xmipd refuses to attach
	# over a program it did not attach): that gives it NAPI already.
	for x in "$NS_CN cn0" "$NS_HOME h0"; do must e2e_peer_xdp $x; done
	must ip -n "$NS_CN" -6 addr add $CN/64 dev cn0 nodad
	must ip -n "$NS_CN" -6 route add default via $HA_CN_SIDE dev cn0
	must ip -n "$NS_HA" -6 addr add $HA_CN_SIDE/64 dev ha0 nodad
	must ip -n "$NS_HA" -6 addr add $HA_VISITED/64 dev ha1 nodad
	must ip -n "$NS_HA" -6 addr add $HA/64 dev ha2 nodad
	# The scapy mobile node's care-of address: a permanent address the MN
	# agent leaves alone; its BAs reach the probe's sniffer (the MN's XDP
	# hands to its agent only what is for the agent's own addresses).
	must ip -n "$NS_MN" -6 addr add $COA2/64 dev mn0 nodad
	mkdir -p "$BPFFS"
	must mount -t bpf bpf "$BPFFS"
	cat >"$WORK/radvd.conf" <<EOF
interface ha1
{
	AdvSendAdvert on;
	MinRtrAdvInterval 3;
	MaxRtrAdvInterval 10;
	AdvIntervalOpt on;
	prefix $VISITED_PREFIX
	{
		AdvOnLink on;
		AdvAutonomous on;
	};
};
EOF
	cat >"$WORK/ha.toml" <<EOF
role = "ha"
log_level = "debug"
[paths]
control_socket = "$HA_SOCK"
pin_root = "$BPFFS"
state_dir = "$WORK/state-ha"
[datapath]
interfaces = ["ha0", "ha1", "ha2"]
xdp_mode = "native"
max_bindings = $MAP_SIZE
[metrics]
listen = ""
[home_agent]
address = "$HA"
home_link = "ha2"
prefixes = ["$HOME_PREFIX"]
# Kernel proxy entries: the restart's handling of them (read in one dump,
# the missing ones added) is part of what this test checks; the datapath's
# answers (the default) are agent_peers_e2e.sh's A2b.
nd_proxy = "kernel"
EOF
	# Unauthenticated Binding Updates on the home prefix: RFC 4285 is not what
	# this test is about (docs/security.md; tests/e2e/agent_peers_e2e.sh is).
	printf '[home_agent.authentication]\noptional_prefixes = ["%s"]\n' "$HOME_PREFIX" >>"$WORK/ha.toml"
	cat >"$WORK/mn.toml" <<EOF
role = "mn"
log_level = "debug"
[paths]
control_socket = "$MN_SOCK"
pin_root = "$BPFFS"
state_dir = "$WORK/state-mn"
[metrics]
listen = ""
[mobile_node]
home_address = "$HOA/64"
home_agent = "$HA"
interface = "mn0"
EOF
	bg "$NS_HA" "$WORK/radvd.out" radvd -n -C "$WORK/radvd.conf" -p "$WORK/radvd.pid" -m logfile -l "$WORK/radvd.log"
	RADVD_PID=$!
	wait_until 3 test -s "$WORK/radvd.pid" || { SETUP_FAILED=1; fail "setup: radvd did not start"; exit 1; }
	kill -0 "$RADVD_PID" 2>/dev/null || { SETUP_FAILED=1; fail "setup: radvd exited"; exit 1; }
	start_ha || { SETUP_FAILED=1; fail "setup: the home agent did not start"; exit 1; }
	start_mn || { SETUP_FAILED=1; fail "setup: the mobile node did not start"; exit 1; }
	if ! wait_until 20 bound; then
		SETUP_FAILED=1
		fail "setup: the mobile node did not register within 20 s" "bul: $(bul_json)"
		exit 1
	fi
	probe "$WORK/reg2.json" $SEQ2
	if [[ $(ba "$WORK/reg2.json" status) != 0 ]]; then
		SETUP_FAILED=1
		fail "setup: the scapy mobile node's registration of $HOA2 was not accepted" "$(cat "$WORK/reg2.json")"
		exit 1
	fi
	# Neighbours resolved before the streams: what is measured is the restart.
	on "$NS_CN" ping -6 -c 2 -i 0.2 -W 2 $HOA >/dev/null 2>&1
	say "MN bound: $HOA -> $COA (seq $(bul_get sequence)); scapy MN: $HOA2 -> $COA2 (seq $SEQ2)"
}
setup

# H1 -----------------------------------------------------------------------------------
# restart_under_stream NAME SIGNAL WHO: the stream, the agent WHO (ha|mn)
# signalled 1 s into it, checks while it is down, started again.
DOWN_PROBLEMS=()
STOP_STATUS_SEEN=
restart_under_stream() {
	local tag=$1 sig=$2 who=$3 pid ns
	DOWN_PROBLEMS=()
	stream_start "$tag"
	sleep 1
	if [[ $who == ha ]]; then pid=$HA_PID ns=$NS_HA; else pid=$MN_PID ns=$NS_MN; fi
	stop_pid "$pid" "$sig" 2>/dev/null # no "Killed" job notice from bash
	STOP_STATUS_SEEN=$STOP_STATUS
	# While no agent runs: the programs on the interfaces, the maps pinned.
	local ifs=(ha0 ha1 ha2) i
	[[ $who == mn ]] && ifs=(mn0)
	for i in "${ifs[@]}"; do xdp_on "$ns" "$i" || DOWN_PROBLEMS+=("no XDP program on $i while the agent was down"); done
	[[ -e $BPFFS/$who/xmip_bindings ]] || DOWN_PROBLEMS+=("the binding map was not pinned while the agent was down")
	if [[ $who == ha ]]; then
		start_ha || DOWN_PROBLEMS+=("the home agent did not start again (exit status ${AGENT_EXIT:-none})")
	else
		start_mn || DOWN_PROBLEMS+=("the mobile node did not start again (exit status ${AGENT_EXIT:-none})")
	fi
	stream_end "$tag"
}

check_ha_kill() {
	local name="H1. kill -9 of the home agent under a $RATE/s stream, restart: zero datagrams lost"
	local PROBLEMS=()
	BEFORE=$(bcache_fixed)
	restart_under_stream h1 KILL ha
	PROBLEMS+=("${DOWN_PROBLEMS[@]}")
	[[ $STOP_STATUS_SEEN == 137 ]] || PROBLEMS+=("the home agent's exit status was $STOP_STATUS_SEEN, not 137 (SIGKILL)")
	((SENT == COUNT)) || PROBLEMS+=("the CN sent $SENT of $COUNT")
	((RECEIVED == COUNT)) || PROBLEMS+=("the MN received $RECEIVED of $COUNT datagrams ($(cat "$WORK/h1.rx"))")
	grep -q "restart: 2 bindings taken over (2 as they were" "$WORK/ha.$HA_RUN.log" ||
		PROBLEMS+=("the restarted agent did not report taking over 2 bindings as they were")
	report "$name" "$RECEIVED of $COUNT datagrams arrived; XDP stayed on ha0/ha1/ha2 and the maps pinned while no agent ran" \
		"the restarted agent took over both bindings from the state file and the pinned map" -- "${PROBLEMS[@]}"
}

check_ha_state_kept() {
	local name="H2. binding cache after the restart == before (mipctl bcache --json, remaining lifetime aside)"
	local PROBLEMS=() after h
	after=$(bcache_fixed)
	[[ -n $BEFORE && $after == "$BEFORE" ]] || PROBLEMS+=("before: $BEFORE" "after:  $after")
	for h in $HOA $HOA2; do proxied "$h" || PROBLEMS+=("no proxy neighbour entry for $h on ha2"); done
	[[ $(hoa_binding $HOA state) == active ]] || PROBLEMS+=("$HOA is not active")
	local left lifetime
	left=$(hoa_binding $HOA lifetime_left)
	lifetime=$(hoa_binding $HOA lifetime)
	((${left:-0} > 0 && ${left:-0} <= ${lifetime:-0})) ||
		PROBLEMS+=("remaining lifetime $left s: not counted on from before the restart")
	report "$name" "2 bindings, identical: $(jget "$after" "', '.join('%s -> %s seq %s lifetime %s' % (b['home_address'], b['care_of_address'], b['sequence'], b['lifetime']) for b in r)")" \
		"proxy ND for $HOA and $HOA2 on ha2; $HOA has $left s left" -- "${PROBLEMS[@]}"
}

check_refresh_after_restart() {
	local name="H3. after the restart: BU seq $SEQ2 (the last accepted) -> 135, seq $((SEQ2 + 1)) -> accepted"
	local PROBLEMS=() before after
	before=$(bcache_fixed)
	probe "$WORK/h3.old.json" $SEQ2
	after=$(bcache_fixed)
	[[ $(ba "$WORK/h3.old.json" status) == 135 ]] || PROBLEMS+=("BU seq $SEQ2: BA status '$(ba "$WORK/h3.old.json" status)', expected 135")
	[[ $(ba "$WORK/h3.old.json" sequence) == "$SEQ2" ]] || PROBLEMS+=("the 135 carries seq '$(ba "$WORK/h3.old.json" sequence)', expected $SEQ2")
	[[ $after == "$before" ]] || PROBLEMS+=("the refused BU changed the binding cache: $after")
	probe "$WORK/h3.next.json" $((SEQ2 + 1))
	[[ $(ba "$WORK/h3.next.json" status) == 0 ]] || PROBLEMS+=("BU seq $((SEQ2 + 1)): BA status '$(ba "$WORK/h3.next.json" status)', expected 0")
	[[ $(hoa_binding $HOA2 sequence) == $((SEQ2 + 1)) ]] || PROBLEMS+=("bcache sequence of $HOA2 is $(hoa_binding $HOA2 sequence), expected $((SEQ2 + 1))")
	report "$name" "BA 135 with seq $SEQ2, nothing changed; then BA 0 and the binding cache at seq $((SEQ2 + 1))" -- "${PROBLEMS[@]}"
	SEQ2=$((SEQ2 + 1))
}

check_ha_sigterm() {
	local name="H4. SIGTERM and start again under a $RATE/s stream: exit 0, datapath left attached, zero lost, bcache kept"
	local PROBLEMS=() before after
	before=$(bcache_fixed)
	restart_under_stream h4 TERM ha
	PROBLEMS+=("${DOWN_PROBLEMS[@]}")
	[[ $STOP_STATUS_SEEN == 0 ]] || PROBLEMS+=("the home agent's exit status after SIGTERM was $STOP_STATUS_SEEN")
	grep -q "datapath left forwarding 2 bindings" "$WORK/ha.$((HA_RUN - 1)).log" ||
		PROBLEMS+=("the stopping agent did not say it left 2 bindings forwarding")
	((RECEIVED == COUNT)) || PROBLEMS+=("the MN received $RECEIVED of $COUNT datagrams ($(cat "$WORK/h4.rx"))")
	after=$(bcache_fixed)
	[[ $after == "$before" ]] || PROBLEMS+=("before: $before" "after:  $after")
	report "$name" "exit status 0, XDP and pins kept while stopped; $RECEIVED of $COUNT datagrams arrived; binding cache identical" -- "${PROBLEMS[@]}"
}

check_mn_kill() {
	local name="M1. kill -9 of the mobile node under a $RATE/s stream, restart: zero lost, still bound, same sequence"
	local PROBLEMS=() seq coa sent1
	seq=$(bul_get sequence)
	coa=$(bul_get care_of_address)
	restart_under_stream m1 KILL mn
	PROBLEMS+=("${DOWN_PROBLEMS[@]}")
	((RECEIVED == COUNT)) || PROBLEMS+=("the MN received $RECEIVED of $COUNT datagrams ($(cat "$WORK/m1.rx"))")
	[[ $(bul_get state) == bound ]] || PROBLEMS+=("the restarted MN's binding update list is '$(bul_get state)', not bound")
	[[ $(bul_get care_of_address) == "$coa" ]] || PROBLEMS+=("care-of address $(bul_get care_of_address), was $coa")
	[[ $(bul_get sequence) == "$seq" ]] || PROBLEMS+=("sequence $(bul_get sequence), was $seq")
	sent1=$(jget "$(ctl "$MN_SOCK" stats)" "r['signalling']['bu_sent']")
	[[ $sent1 == 0 ]] || PROBLEMS+=("the restarted MN sent $sent1 BUs: a live registration needs none")
	MN_SEQ=$seq
	report "$name" "$RECEIVED of $COUNT datagrams arrived; bound again to $coa with sequence $seq, no BU sent" -- "${PROBLEMS[@]}"
}

# A Binding Refresh Request from the HA's address to the MN (RFC 6275 9.5.5),
# built by scapy on the HA's side of the visited link.
send_brr() {
	on "$NS_HA" "$PY" - "$HA" "$COA" "$HOA" "$MAC_MN0" <<'EOF' >"$WORK/brr.out" 2>&1
import logging, sys
logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
from scapy.all import conf, sendp
from scapy.layers.inet6 import IPv6, IPv6ExtHdrRouting, MIP6MH_BRR
from scapy.layers.l2 import Ether
conf.verb = 0
ha, coa, hoa, mac = sys.argv[1:5]
sendp(Ether(dst=mac) / IPv6(src=ha, dst=coa) / IPv6ExtHdrRouting(type=2, segleft=1, addresses=[hoa]) / MIP6MH_BRR(), iface="ha1")
EOF
}

check_mn_next_bu() {
	local want=$(((MN_SEQ + 1) % 65536))
	local name="M2. the restarted MN's next BU (after a Binding Refresh Request) carries seq $want, accepted by the HA"
	local PROBLEMS=()
	send_brr
	wait_until 5 ha_seq_is $HOA "$want" ||
		PROBLEMS+=("the HA's binding of $HOA is at sequence $(hoa_binding $HOA sequence), expected $want")
	wait_until 3 bound || PROBLEMS+=("the MN is '$(bul_get state)', not bound, after its refresh")
	[[ $(bul_get sequence) == "$want" ]] || PROBLEMS+=("the MN's last sequence is $(bul_get sequence), expected $want")
	local n135
	n135=$(jget "$(ctl "$MN_SOCK" stats)" "r['signalling']['ba_nack_received']")
	[[ $n135 == 0 ]] || PROBLEMS+=("the MN got $n135 refusals (135: it reused a number)")
	report "$name" "MN sent seq $want (was $MN_SEQ before the kill); HA accepted it: bcache $HOA at seq $want" -- "${PROBLEMS[@]}"
}

# H5: one BU, one outcome. The binding map is full (two entries another
# writer put there fill it: the configuration keeps home_agent.max_bindings
# within datapath.max_bindings, so the map, not the cache, is what is full),
# so the map write of a new registration fails: the HA undoes it and
# refuses with 130, and nothing of it is left (cache, store, proxy entry).
# With room again, the mobile node's next BU is accepted.
probe3() {
	on "$NS_MN" "$PY" "$LIB/scapy_mn_probe.py" --iface mn0 --dst-mac $MAC_HA1 --ha $HA \
		--kind bu --coa $COA2 --hoa $HOA3 --seq "$2" --lifetime 400 --timeout 4 >"$1" 2>"$1.err"
}
in_bcache() { [[ $(jget "$(bcache_json)" "len([b for b in r if b['home_address'] == '$1'])") == 1 ]]; }
check_full_map() {
	local name="H5. the binding map full: a new registration is refused with 130, nothing of it left; with room, accepted"
	local PROBLEMS=() inst dp status
	inst=$(jget "$(ctl "$HA_SOCK" status)" "r['instance']")
	dp=("$XMIP_DP" --pin-root "$BPFFS" -i "$inst")
	"${dp[@]}" binding add 2001:db8:2700::f1 --local $HA --remote 2001:db8:3::f1 >/dev/null 2>"$WORK/h5.dp.err" &&
		"${dp[@]}" binding add 2001:db8:2700::f2 --local $HA --remote 2001:db8:3::f2 >/dev/null 2>>"$WORK/h5.dp.err" ||
		PROBLEMS+=("xmip-dp could not fill the map: $(cat "$WORK/h5.dp.err")")
	probe3 "$WORK/h5a.json" 1
	status=$(ba "$WORK/h5a.json" status)
	[[ $status == 130 ]] || PROBLEMS+=("BA status '$status' for $HOA3 with the map full, expected 130 ($(cat "$WORK/h5a.json"))")
	in_bcache $HOA3 && PROBLEMS+=("$HOA3 is in the binding cache though refused")
	proxied $HOA3 && PROBLEMS+=("a proxy entry for $HOA3 was left")
	grep -q "registration of $HOA3 at $COA2 could not be put in force" "$WORK/ha.$HA_RUN.log" ||
		PROBLEMS+=("the HA's log does not say why $HOA3 was refused")
	"${dp[@]}" binding del 2001:db8:2700::f1 >/dev/null 2>&1 || PROBLEMS+=("xmip-dp could not remove an entry")
	probe3 "$WORK/h5b.json" 2
	status=$(ba "$WORK/h5b.json" status)
	[[ $status == 0 ]] || PROBLEMS+=("BA status '$status' for $HOA3 with room in the map, expected 0 ($(cat "$WORK/h5b.json"))")
	in_bcache $HOA3 || PROBLEMS+=("$HOA3 is not in the binding cache after its acceptance")
	proxied $HOA3 || PROBLEMS+=("no proxy entry for $HOA3 after its acceptance")
	"${dp[@]}" binding del 2001:db8:2700::f2 >/dev/null 2>&1
	report "$name" "map full: BA 130, no cache entry, no proxy entry, the reason logged; one entry freed: BA 0, bound and proxied" -- "${PROBLEMS[@]}"
}

check_ha_kill
check_ha_state_kept
check_refresh_after_restart
check_ha_sigterm
check_mn_kill
check_mn_next_bu
check_full_map
E2E_RESULT_SUFFIX="($SECONDS s)"
e2e_result
