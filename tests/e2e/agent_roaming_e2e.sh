#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# shellcheck disable=SC2317 # functions called indirectly (traps, wait_until, check)
# tests/e2e/agent_roaming_e2e.sh - Mobile IPv6 home registration end to end
# (RFC 6275), two xmipd instances on the guide's testbed and experiments
# (sections 4 and 5): a home agent (HA) and a mobile node (MN) that leaves
# home, visits two foreign links, each served by its own access router (AR,
# AR2) running radvd, and returns home, while a correspondent node (CN) on
# the "internet" beyond the home router (R) talks to it at its home address
# (HoA). tests/e2e/lib/roaming_topology.sh draws the testbed. The MN moves as
# in the guide's `iwconfig eth0 essid visitnet`: its switch port goes down,
# is plugged into another bridge, comes back up; nothing else is touched.
#
# Checks (the guide's experiments), each one PASS/FAIL line; the exit status
# is non-zero if any fails:
#   0. the network (guide 4.2.1): every host reaches every other (static
#      routes), before any agent matters
#   1. pre-test (5.1): the MN sends Router Solicitations when it starts
#      (captured on homenet); it knows it is home; CN <-> HoA ping works
#      natively (the HA tunnels nothing)
#   2. movement detection (5.2), move to visitnet: the MN forms its CoA
#      (prefix + EUI-64 of its MAC) and no other global address but the HoA;
#      its binding update list says bound with that CoA; the HA's binding
#      cache holds HoA -> CoA, the HA defends the HoA on the home link (proxy
#      ND) and its datapath has the binding; the MN sent a BU, received one BA
#   3. ping6 (5.3) while at visitnet: CN -> HoA, HoA -> CN, MN -> AR (its
#      visited-link address too, from the HoA through the tunnel), no
#      loss; a sequence-numbered UDP stream both ways arrives complete; the HA
#      encapsulated and decapsulated it
#  3m. mipctl on the running agents: -c (binding cache, table and JSON), -l
#      (binding update list), -s (statistics); -c on a mobile node fails
#      naming the role; binding add/del by hand; version
#  3r. SIGHUP reloads the HA: same process, binding kept (cache, datapath)
#   4. the MN's routing (5.4): its default route sends from the HoA with room
#      for the tunnel, the kernel picks the HoA as source, the tc program
#      tunnels it
#   5. several visited links (5.5), move to visitnet2: new CoA, a BU with a
#      later sequence number, the HA's binding follows, the old CoA is gone
#      from the MN (guide FAQ 6); neither daemon restarted (the guide needed
#      `mobile-ip6 restart`)
#  5b. traffic at visitnet2 as in 3
#   6. return home (5.6): the MN deregisters (binding cache, proxy entry and
#      datapath binding gone, binding update list at-home); CN <-> HoA
#      natively again
#   7. the real-time test (5.7): a two-way UDP stream, STREAM_RATE datagrams/s
#      each way, CN <-> HoA across all three moves: per handoff the gap (last
#      datagram before to first after, ms) and datagrams lost, each
#      direction; every handoff must complete and the stream resume, loss
#      bounded generously (not a timing test). Skipped with --quick.
#   8. on the wire (captures on the switch ports of the three links): RS on
#      each link-up answered by the AR's RA, BU with a Home Address option and
#      BA with a type 2 routing header on each visited link, the
#      deregistration BU/BA on the home link, IPv6-in-IPv6 between the HA and
#      each CoA, nothing malformed (tshark, UDP checksums verified), every
#      Mobility Header packet valid per xmip-mh-inspect
#   9. SIGTERM stops both agents: exit 0, control sockets removed, no XDP or
#      tc program left on their interfaces, nothing left pinned
#
# Usage: agent_roaming_e2e.sh [--xmipd PATH] [--mh-inspect PATH] [--xmip-dp PATH] [--mipctl PATH]
#                             [--verbose] [--quick] [--keep] [--pcap DIR] [--table FILE]
#        agent_roaming_e2e.sh --teardown [WORKDIR]
# --quick skips the real-time stream (7); --keep leaves the testbed and the
# agents running (9 is skipped) and says how to remove it; --pcap DIR keeps
# the three captures; --table FILE writes the handoff table there too.
# Needs root, iproute2, ethtool, radvd, tcpdump, tshark, ping, /usr/bin/python3
# (scripts/install-deps.sh installs them all).
set -uo pipefail
# With pipefail, `cmd | grep -q` fails at random when grep exits before cmd
# has written everything (SIGPIPE): match on captured output instead.

# shellcheck source-path=SCRIPTDIR source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh" # sets HERE, REPO, LIB, PY, SELF
RT_SELF=$HERE/$SELF
# shellcheck source-path=SCRIPTDIR source=lib/roaming_topology.sh
source "$LIB/roaming_topology.sh"

XMIPD=$REPO/build/agent/xmipd/xmipd
MH_INSPECT=$REPO/build/agent/tools/xmip-mh-inspect
XMIP_DP=$REPO/build/agent/tools/xmip-dp
MIPCTL=$REPO/build/cli/mipctl
KEEP=0
QUICK=0
PCAP_DIR=
TABLE_FILE=
TIME_LIMIT=${XMIP_E2E_TIME_LIMIT:-240} # seconds; beyond it the run is aborted (and cleaned up)

PING_COUNT=10
UDP_COUNT=300
UDP_RATE=200
MOVE_TIMEOUT=10 # seconds for a registration or deregistration after a move
# The real-time test: datagrams per second each way, and what a handoff may
# cost before it counts as failed. Generous on purpose: the gaps measured here
# are a few hundred ms (docs/demo.md), but a loaded 2-core CI machine must not
# turn a slow handoff into a failure; a handoff that never completes does.
STREAM_RATE=500
STREAM_MAX_GAP_MS=8000

e2e_parse_args --xmipd=XMIPD:path --mh-inspect=MH_INSPECT:path --xmip-dp=XMIP_DP:path --mipctl=MIPCTL:path \
	--keep=KEEP --quick=QUICK --pcap=PCAP_DIR:directory --table=TABLE_FILE:file --teardown -- "$@"
e2e_require_root

# ---- --teardown: remove testbeds left by --keep ------------------------------
if ((TEARDOWN)); then e2e_teardown_kept xmip-roam rt_teardown_dir; fi

# ---- preconditions -----------------------------------------------------------
for b in XMIPD MH_INSPECT XMIP_DP MIPCTL; do
	[[ -x ${!b} ]] || { echo "$SELF: no executable at ${!b} (build first, or --${b,,} PATH)" >&2; exit 2; }
	printf -v "$b" '%s' "$(e2e_abspath "${!b}")"
done
e2e_require_tools ip tc bpftool ethtool radvd tcpdump tshark ping mountpoint "$PY"
if [[ -n $PCAP_DIR ]]; then
	mkdir -p "$PCAP_DIR" && PCAP_DIR=$(cd "$PCAP_DIR" && pwd)
fi

# ---- output ------------------------------------------------------------------
E2E_NAME_END=' ' # the RESULT line names failed checks as "2." and "4b."
# check NAME PROBLEMS-ARRAY-NAME PASS-DETAIL...: PASS with the details when
# the named array of problems is empty, FAIL with the problems otherwise.
check() {
	local name=$1
	local -n probs=$2
	shift 2
	if ((${#probs[@]} == 0)); then pass "$name" "$@"; else fail "$name" "${probs[@]}"; fi
}

# ---- lifetime: one work dir, a trap that always cleans up ---------------------
e2e_work xmip-roam
chmod 755 "$WORK" # tcpdump writes its capture here after dropping root
rt_init "xro$$" "$WORK"
E2E_BG_MERGE=1 # a background process's output and errors in one file
HA_PID=
MN_PID=
CAPTURES=(homenet visitnet visitnet2)
declare -A TCPDUMP_PID=()
T_START=$EPOCHREALTIME

# shellcheck disable=SC2317 # called from the EXIT trap
keep_guide() {
	cat <<EOF

The testbed is up (--keep); the agents run on. Hosts are network namespaces:
  $NS_HA  home agent     $HA_ADDR on ha0 (home link), xmipd control socket $HA_SOCK
  $NS_MN  mobile node    HoA $HOA on mn0, xmipd control socket $MN_SOCK
  $NS_R   home router    $R_HOME (home link), $R_UP (internet)
  $NS_AR  access router  $AR_UP (internet), $AR_VISIT1 (visitnet); radvd
  $NS_AR2 access router  $AR2_UP (internet), $AR_VISIT2 (visitnet2); radvd
  $NS_CN  correspondent  $CN (internet)
  $NS_SW  the switch     bridges homenet, visitnet, visitnet2, internet; the MN's port is sw-mn0
Explore:
  ip netns exec $NS_CN ping $HOA
  ip netns exec $NS_SW tcpdump -ni sw-mn0
  $MIPCTL --socket $HA_SOCK -c          # the binding cache (mipdiag -c)
  $MIPCTL --socket $MN_SOCK -l          # the binding update list (mipdiag -l)
  $MIPCTL --socket $MN_SOCK -s          # statistics (mipdiag -s)
  $XMIP_DP --pin-root $RT_BPFFS -i ha binding list
  # move the MN (as the test does): sw-mn0 down, to another bridge, up
  ip -n $NS_SW link set sw-mn0 down; ip -n $NS_SW link set sw-mn0 master visitnet; ip -n $NS_SW link set sw-mn0 up
Agent logs: $WORK/ha.log, $WORK/mn.log
Tear down (either):
  bash $RT_SELF --teardown $WORK
  scripts/demo.sh --teardown
EOF
}

# shellcheck disable=SC2317 # the EXIT trap
cleanup() {
	e2e_cleanup_begin
	local pid c
	trap '' PIPE # a closed stdout (| head) must not stop the cleanup
	for c in "${CAPTURES[@]}"; do
		[[ -n ${TCPDUMP_PID[$c]:-} ]] && stop_pid "${TCPDUMP_PID[$c]}" INT
	done
	if [[ -n $PCAP_DIR ]]; then
		for c in "${CAPTURES[@]}"; do
			[[ -f $WORK/$c.pcap ]] && cp "$WORK/$c.pcap" "$PCAP_DIR/xmip-roaming-$c.pcap"
		done
		echo "captures kept in $PCAP_DIR (xmip-roaming-{homenet,visitnet,visitnet2}.pcap)"
	fi
	e2e_note_abort && diagnostics
	if ((KEEP)); then
		echo "TB_KEPT=1" >>"$WORK/testbed.env"
		keep_guide
		exit "$RC"
	fi
	step "Cleanup"
	# Their children too (radvd's privileged helper): once orphaned they are
	# reaped by init, which the check below waits for.
	local kids=()
	for pid in "${BG_PIDS[@]}"; do
		kill -0 "$pid" 2>/dev/null && mapfile -t -O "${#kids[@]}" kids < <(pgrep -P "$pid")
	done
	stop_pids "${BG_PIDS[@]}"
	rt_down
	local i
	for ((i = 0; i < 30; i++)); do
		for pid in "${kids[@]}"; do [[ -e /proc/$pid ]] && break; pid=; done
		[[ -z ${pid:-} ]] && break
		sleep 0.1
	done
	e2e_leftovers "$RT_BPFFS" "$WORK" "${RT_NAMESPACES[@]}"
	for pid in "${BG_PIDS[@]}" "${kids[@]}"; do [[ -e /proc/$pid ]] && LEFT+=" process $pid ($(ps -o comm=,stat= -p "$pid"))"; done
	e2e_report_leftovers
	exit "$RC"
}
e2e_arm
trap 'exit 141' PIPE

# ---- talking to the agents -------------------------------------------------------
# ctl, jget (lib/common.sh), ha, mn, mn_is (lib/roaming_topology.sh): the
# agents' answers as JSON on one line, a value out of one, where the MN is.
# dp NS INSTANCE ARGS...: xmip-dp on one agent's pinned datapath.
dp() {
	local ns=$1 inst=$2
	shift 2
	ip netns exec "$ns" "$XMIP_DP" --pin-root "$RT_BPFFS" -i "$inst" "$@"
}
# dp_counter ha|mn REASON-REGEX: an agent's datapath packets over every
# verdict whose reason matches (from the agent's `stats`).
dp_counter() {
	local s
	s=$("$1" stats 2>/dev/null) || { echo 0; return; }
	jget "$s" "sum(c['packets'] for c in r['datapath'] if __import__('re').fullmatch(r'$2', c['reason']))" || echo 0
}
ha_encap() { dp_counter ha 'encap|encap_neigh_unresolved'; }
ha_decap() { dp_counter ha 'decap'; }
mn_stat() { local s; s=$(mn stats 2>/dev/null) && jget "$s" "r['signalling']['$1']" || echo '?'; }

# mn_globals: the MN's global addresses on mn0, "address/length" sorted.
mn_globals() {
	ip -n "$NS_MN" -j -6 addr show dev mn0 scope global 2>/dev/null |
		"$PY" -c 'import json, sys
print(" ".join(sorted("%s/%s" % (a["local"], a["prefixlen"]) for i in json.load(sys.stdin) for a in i.get("addr_info", []) if "local" in a)))'
}
ha_proxy() { ip -n "$NS_HA" -6 neigh show proxy 2>/dev/null; }
# dp_bindings NS INSTANCE: the datapath's binding list, header left out.
dp_bindings() { dp "$1" "$2" binding list 2>/dev/null | tail -n +2; }

bcache_empty() { [[ $(ha bcache) == "[]" ]]; }

# ping_loss NS ARGS...: "received/sent" of a ping run.
ping_rx() {
	local ns=$1 out
	shift
	out=$(on "$ns" ping -6 -q -i 0.1 -W 2 "$@" 2>&1)
	sed -n 's/^\([0-9]\+\) packets transmitted, \([0-9]\+\) \(packets \)\{0,1\}received.*/\2\/\1/p' <<<"$out" | grep . || echo "0/? ($(tail -1 <<<"$out"))"
}
# pings SPEC...: run pings given as "LABEL|NS|ping args", each must answer
# all of PING_COUNT; appends to the caller's PROBLEMS and DETAILS arrays.
pings() {
	local spec label ns args got
	for spec in "$@"; do
		IFS='|' read -r label ns args <<<"$spec"
		# shellcheck disable=SC2086 # args is a word list
		got=$(ping_rx "$ns" -c "$PING_COUNT" $args)
		DETAILS+=("$label: $got answered")
		[[ $got == "$PING_COUNT/$PING_COUNT" ]] || PROBLEMS+=("$label: only $got answered")
	done
}

# udp_both_ways TAG: UDP_COUNT sequence-numbered datagrams CN -> HoA and
# HoA -> CN at once; appends to PROBLEMS and DETAILS.
udp_both_ways() {
	local tag=$1 timeout=$((UDP_COUNT / UDP_RATE + 5)) rx_mn rx_cn tx_cn tx_mn i
	rm -f "$WORK"/udp.ready.*
	bg "$NS_MN" "$WORK/udp.rx.mn" "$PY" "$LIB/udp_stream.py" recv --bind "$HOA" --port 5001 \
		--count "$UDP_COUNT" --timeout "$timeout" --ready "$WORK/udp.ready.mn" --tag "d$tag$$"
	rx_mn=$!
	bg "$NS_CN" "$WORK/udp.rx.cn" "$PY" "$LIB/udp_stream.py" recv --bind "$CN" --port 5002 \
		--count "$UDP_COUNT" --timeout "$timeout" --ready "$WORK/udp.ready.cn" --tag "u$tag$$"
	rx_cn=$!
	wait_until 5 test -e "$WORK/udp.ready.mn" -a -e "$WORK/udp.ready.cn"
	bg "$NS_CN" "$WORK/udp.tx.cn" "$PY" "$LIB/udp_stream.py" send --src "$CN" --dst "$HOA" --port 5001 \
		--count "$UDP_COUNT" --rate "$UDP_RATE" --tag "d$tag$$"
	tx_cn=$!
	bg "$NS_MN" "$WORK/udp.tx.mn" "$PY" "$LIB/udp_stream.py" send --src "$HOA" --dst "$CN" --port 5002 \
		--count "$UDP_COUNT" --rate "$UDP_RATE" --tag "u$tag$$"
	tx_mn=$!
	wait "$tx_cn" "$tx_mn" "$rx_mn" "$rx_cn"
	local down up down_src up_src
	down=$(jget "$(cat "$WORK/udp.rx.mn")" "r['received']" || echo 0)
	up=$(jget "$(cat "$WORK/udp.rx.cn")" "r['received']" || echo 0)
	down_src=$(jget "$(cat "$WORK/udp.rx.mn")" "','.join(r['sources'])" || echo '?')
	up_src=$(jget "$(cat "$WORK/udp.rx.cn")" "','.join(r['sources'])" || echo '?')
	DETAILS+=("UDP CN -> HoA: $down/$UDP_COUNT datagrams arrived; HoA -> CN: $up/$UDP_COUNT (at $UDP_RATE/s, both at once)")
	((down == UDP_COUNT)) || PROBLEMS+=("UDP CN -> HoA: $down/$UDP_COUNT arrived (sender: $(cat "$WORK/udp.tx.cn"))")
	((up == UDP_COUNT)) || PROBLEMS+=("UDP HoA -> CN: $up/$UDP_COUNT arrived (sender: $(cat "$WORK/udp.tx.mn"))")
	[[ $up_src == "$HOA" ]] || PROBLEMS+=("the CN saw the MN's datagrams come from '$up_src', not from the HoA")
	[[ $down_src == "$CN" ]] || PROBLEMS+=("the MN saw the CN's datagrams come from '$down_src'")
}

# Every piece of state worth seeing when something failed.
# shellcheck disable=SC2317
diagnostics() {
	[[ -n $WORK && -d $WORK ]] || return 0
	echo "Diagnostics:"
	local c
	for c in status bul stats; do
		echo "  MN $c: $(mn "$c" 2>&1 | head -c 3000)"
	done
	for c in status bcache; do
		echo "  HA $c: $(ha "$c" 2>&1)"
	done
	echo "  HA datapath counters (non-zero):"
	{ dp "$NS_HA" ha stats 2>&1 | awk 'NR == 1 || $3 > 0'; } | sed 's/^/    /'
	echo "  MN datapath counters (non-zero):"
	{ dp "$NS_MN" mn stats 2>&1 | awk 'NR == 1 || $3 > 0'; } | sed 's/^/    /'
	echo "  HA datapath bindings:"; dp_bindings "$NS_HA" ha | sed 's/^/    /'
	echo "  MN datapath bindings:"; dp_bindings "$NS_MN" mn | sed 's/^/    /'
	echo "  HA proxy ND: $(ha_proxy | paste -sd ';')"
	echo "  MN mn0 addresses:"; ip -n "$NS_MN" -6 addr show dev mn0 2>&1 | sed 's/^/    /'
	echo "  MN routes:"; ip -n "$NS_MN" -6 route show 2>&1 | sed 's/^/    /'
	echo "  MN neighbours:"; ip -n "$NS_MN" -6 neigh show 2>&1 | sed 's/^/    /'
	echo "  MN's switch port: $(ip -n "$NS_SW" -br link show dev sw-mn0 2>&1) master $(ip -n "$NS_SW" -j link show dev sw-mn0 2>/dev/null | "$PY" -c 'import json,sys; print(json.load(sys.stdin)[0].get("master","-"))' 2>/dev/null)"
	echo "  R neighbours:"; ip -n "$NS_R" -6 neigh show 2>&1 | sed 's/^/    /'
	for c in ha mn; do
		echo "  $c.log (last 40 lines):"
		tail -n 40 "$WORK/$c.log" 2>/dev/null | sed 's/^/    /'
	done
	for c in ar ar2; do
		echo "  radvd-$c.log (last 10 lines):"
		tail -n 10 "$WORK/radvd-$c.log" 2>/dev/null | sed 's/^/    /'
	done
}

# Known causes, recognised from the logs and counters, said in words.
# shellcheck disable=SC2317
hints() {
	local log=$WORK/mn.log addr_errors
	[[ -f $log ]] || return 0
	# shellcheck disable=SC2016 # awk's $1, $2
	addr_errors=$(on "$NS_MN" awk '$1 == "Ip6InAddrErrors" { print $2 }' /proc/net/snmp6 2>/dev/null)
	if [[ $(<"$log") == *"back home, deregistering"*"refused the registration: status 133"* ]]; then
		cat <<EOF
Hint: back home, the MN put its home address back as a /64 (nodad) and sent
      the deregistration BU from it at once. The kernel makes a nodad address
      local (inserts its local route) only in its addrconf work, a moment
      later: the HA's Neighbour Advertisement for the BU's neighbour
      resolution arrived before that and was dropped (MN Ip6InAddrErrors:
      ${addr_errors:-?}). The next solicitation went 1 s later, when the MN had
      already retransmitted the BU with a new sequence number: the HA removed
      the binding on the first BU and answered the second with status 133
      (no binding for this MN), which the MN takes as a refusal ("failed").
EOF
	fi
}

# ---- the testbed ---------------------------------------------------------------
echo "xmip roaming end to end: HA and MN xmipd, two visited links (testbed $RT_PREFIX, xmipd $XMIPD)"
step "The guide's testbed (section 4.1), addresses moved from fec0:106::/32 to 2001:db8::/32"
if ((VERBOSE)); then
	sed -n '/^#   homenet/,/^#   visitnet2/p' "$LIB/roaming_topology.sh" | sed 's/^#/ /'
fi
step "Testbed: HA, R, MN on homenet; R, AR, AR2, CN on the internet; AR serves visitnet, AR2 visitnet2 (radvd)"
set -e
rt_up
rt_mount_bpffs
# What the kernel puts in a fresh bpffs (maps.debug and progs.debug, the
# bpf_preload iterators, on kernels built with them): all that may remain.
BPFFS_FRESH=$(cd "$RT_BPFFS" && find . -mindepth 1 | sort | paste -sd ' ')
rt_radvd_conf ar1 $VISIT1_PREFIX >"$WORK/radvd-ar.conf"
rt_radvd_conf ar21 $VISIT2_PREFIX >"$WORK/radvd-ar2.conf"
rt_ha_conf >"$WORK/ha.toml"
rt_mn_conf >"$WORK/mn.toml"
set +e
show cat "$WORK/radvd-ar.conf"

# Captures on the switch ports that never move: the HA's on the home link
# (homenet: the HA's traffic, the tunnel, the deregistration), the AR's on
# each visited link (everything the MN sends or receives there).
step "Captures: tcpdump on sw-ha0 (homenet), sw-ar1 (visitnet), sw-ar21 (visitnet2)"
declare -A CAPTURE_PORT=([homenet]=sw-ha0 [visitnet]=sw-ar1 [visitnet2]=sw-ar21)
for c in "${CAPTURES[@]}"; do
	# A 32 MiB buffer: the stream makes 1000+ frames/s on these ports, and
	# a busy machine must not make tcpdump drop a BU or a BA (check 8).
	bg "$NS_SW" "$WORK/tcpdump.$c.out" tcpdump -i "${CAPTURE_PORT[$c]}" -n -U --immediate-mode -B 32768 -w "$WORK/$c.pcap"
	TCPDUMP_PID[$c]=$!
done
for c in "${CAPTURES[@]}"; do
	tcpdump_listening "$WORK/tcpdump.$c.out" ||
		{ echo "tcpdump on ${CAPTURE_PORT[$c]} did not start:"; cat "$WORK/tcpdump.$c.out"; exit 1; }
done

step "radvd on AR (visitnet) and AR2 (visitnet2), the guide's section 4.2.3: RAs every 3-10 s, Advertisement Interval option"
bg "$NS_AR" "$WORK/radvd-ar.out" radvd -n -C "$WORK/radvd-ar.conf" -p "$WORK/radvd-ar.pid" -m logfile -l "$WORK/radvd-ar.log"
RADVD_PID=$!
bg "$NS_AR2" "$WORK/radvd-ar2.out" radvd -n -C "$WORK/radvd-ar2.conf" -p "$WORK/radvd-ar2.pid" -m logfile -l "$WORK/radvd-ar2.log"
RADVD2_PID=$!

step "xmipd: the home agent, then the mobile node (at home)"
show cat "$WORK/ha.toml"
start_xmipd HA_PID "$NS_HA" "$WORK/ha.toml" "$WORK/ha.log"
e2e_track "$HA_PID"
wait_agent "$HA_SOCK" "$HA_PID" || { echo "the home agent did not start:"; cat "$WORK/ha.log"; exit 1; }
show cat "$WORK/mn.toml"
# XMIP_E2E_MN_SET="key=value ...": settings for the MN on top of its file
# (xmipd --set), to measure what a setting is worth, e.g.
# mobile_node.rs_on_link_up=false (docs/demo.md).
MN_SET=()
for kv in ${XMIP_E2E_MN_SET:-}; do MN_SET+=(--set "$kv"); done
ip netns exec "$NS_MN" "$XMIPD" -c "$WORK/mn.toml" "${MN_SET[@]}" >"$WORK/mn.log" 2>&1 3>&- 4>&- &
MN_PID=$!
e2e_track "$MN_PID"
wait_agent "$MN_SOCK" "$MN_PID" || { echo "the mobile node did not start:"; cat "$WORK/mn.log"; exit 1; }
for x in "$RADVD_PID ar" "$RADVD2_PID ar2"; do
	read -r pid who <<<"$x"
	kill -0 "$pid" 2>/dev/null || { echo "radvd on $who did not start:"; cat "$WORK/radvd-$who.out" "$WORK/radvd-$who.log"; exit 1; }
done
say "HA pid $HA_PID, MN pid $MN_PID, radvd pids $RADVD_PID (AR) $RADVD2_PID (AR2)"
((VERBOSE)) || echo

COA1=$(eui64 $VISIT1_PREFIX $MAC_MN0)
COA2=$(eui64 $VISIT2_PREFIX $MAC_MN0)
HANDOFFS=()
declare -A BOUND_MS=()
# The router of each link, by the link-local address its RAs come from.
declare -A LINK_ROUTER=([homenet]=$(eui64 fe80::/64 $MAC_HA0) [visitnet]=$(eui64 fe80::/64 $MAC_AR1)
	[visitnet2]=$(eui64 fe80::/64 $MAC_AR21))
# stale_routers LINK: the MN's default routes through a router other than
# LINK's (the kernel keeps RA-learned ones for their lifetime; xmipd removes
# those of the links it left, or the kernel may pick a router that is gone).
stale_routers() {
	local via
	via=$(ip -n "$NS_MN" -6 route show default 2>&1 | sed -n 's/.* via \([^ ]*\) .*/\1/p' | sort -u)
	grep -vx -- "${LINK_ROUTER[$1]}" <<<"$via" | paste -sd ' '
}
# move_mn BRIDGE: the move, its moment recorded for the real-time test
# (lib/udp_stream.py handoffs: "label epoch-seconds" a line).
MOVE_FROM=homenet
move_mn() {
	echo "$MOVE_FROM->$1 $EPOCHREALTIME" >>"$WORK/moves"
	MOVE_FROM=$1
	rt_move "$1"
}

# ---- 0. the network --------------------------------------------------------------
# The guide's 4.2.1: "all hosts should ping each other" before Mobile IPv6 is
# worth trying (if the AR cannot reach the HA, no Binding Update arrives).
network_reachable() {
	local name="0. the network (guide 4.2.1): every host and router reaches every other over the static routes"
	step "$name"
	PROBLEMS=()
	local pairs=(
		"HA|$NS_HA|$R_UP $AR_UP $AR2_UP $CN $AR_VISIT1 $AR_VISIT2"
		"CN|$NS_CN|$HA_ADDR $R_HOME $AR_VISIT1 $AR_VISIT2"
		"AR|$NS_AR|$HA_ADDR $AR_VISIT2 $CN"
		"AR2|$NS_AR2|$HA_ADDR $AR_VISIT1 $CN"
	)
	local spec who ns dsts d n=0 pids=() outs=()
	for spec in "${pairs[@]}"; do
		IFS='|' read -r who ns dsts <<<"$spec"
		for d in $dsts; do
			# Two echoes, one answer is enough: the first waits for
			# neighbour resolution on every hop.
			on "$ns" ping -6 -n -c 2 -i 0.3 -W 3 "$d" >"$WORK/reach.$n" 2>&1 &
			pids+=($!)
			outs+=("$who -> $d")
			n=$((n + 1))
		done
	done
	local i bad=()
	for ((i = 0; i < n; i++)); do
		wait "${pids[$i]}" || bad+=("${outs[$i]}")
	done
	((${#bad[@]} == 0)) || PROBLEMS+=("no answer: ${bad[*]}")
	check "$name" PROBLEMS "$n pairs answered (HA, CN, AR and AR2 to the home link, the internet and both visited links)"
}

# ---- 4. the MN's routing ------------------------------------------------------------
# The guide's 5.4: Mobile IPv6 changes the MN's default route so that what it
# sends goes into the tunnel. xmip has no tunnel device: the default route
# goes to the access router with the home address as preferred source and an
# MTU that leaves room for the outer header, and the tc program on mn0
# encapsulates what leaves from the home address.
mn_routing() {
	local name="4. the MN's routing (guide 5.4): default route from the HoA, the kernel picks the HoA, the tc program tunnels it"
	step "$name"
	PROBLEMS=()
	DETAILS=()
	local def get ar_ll tcf
	say "the MN's routing table (the guide's route -A inet6):"
	show ip -n "$NS_MN" -6 route show
	ar_ll=$(eui64 fe80::/64 $MAC_AR1)
	def=$(grep 'metric 512' <<<"$(ip -n "$NS_MN" -6 route show default 2>&1)")
	[[ $def == *"via $ar_ll dev mn0"* && $def == *"src $HOA"* && $def == *"mtu 1460"* ]] ||
		PROBLEMS+=("the MN's default route (metric 512) is not via AR $ar_ll, from $HOA, mtu 1460: '$def'")
	get=$(ip -n "$NS_MN" -6 route get "$CN" 2>&1)
	[[ $get == *"src $HOA "* ]] || PROBLEMS+=("ip route get $CN on the MN does not pick the HoA as source: '$get'")
	tcf=$(egress_progs "$NS_MN" mn0)
	[[ $tcf == *xmip_mn_egress* ]] || PROBLEMS+=("no xmip_mn_egress program on mn0's egress (tcx or tc): '$tcf'")
	# No -I: the application does not choose, the kernel's source selection
	# does, and what it sends is tunnelled to the HA (decapsulated there).
	local d0 d1
	d0=$(ha_decap)
	pings "MN -> CN (source chosen by the kernel)|$NS_MN|$CN"
	d1=$(ha_decap)
	((d1 - d0 >= PING_COUNT)) || PROBLEMS+=("the HA decapsulated $((d1 - d0)) packets during the MN's pings, expected >= $PING_COUNT")
	check "$name" PROBLEMS "default via $ar_ll (AR, visitnet) dev mn0, src $HOA, metric 512, mtu 1460" \
		"ip route get $CN: src $HOA" "tc egress on mn0: xmip_mn_egress" "${DETAILS[@]}" \
		"the HA decapsulated $((d1 - d0)) packets meanwhile: the echo requests came through the tunnel"
}

# ---- 7. the real-time test ------------------------------------------------------------
# The guide's 5.7 watched a GnomeMeeting call across the moves. Here: a
# steady two-way UDP stream, sequence-numbered, CN -> HoA (through the HA and
# the tunnel) and HoA -> CN (the reverse tunnel), from before the first move
# until after the return home; the receivers note each datagram's kernel
# arrival time, and every move's silence is measured from it.
STREAM_TX=()
STREAM_RX=()
stream_start() {
	((QUICK)) && return 0
	step "The real-time test (guide 5.7) starts: $STREAM_RATE datagrams/s each way, CN <-> HoA, across every move"
	local n=$((STREAM_RATE * TIME_LIMIT)) x ns port bind file tag
	rm -f "$WORK"/stream.ready.*
	for x in "$NS_MN 5101 $HOA down" "$NS_CN 5102 $CN up"; do
		read -r ns port bind file <<<"$x"
		bg "$ns" "$WORK/stream.rx.$file" "$PY" "$LIB/udp_stream.py" recv --bind "$bind" --port "$port" \
			--count "$n" --timeout "$TIME_LIMIT" --ready "$WORK/stream.ready.$file" --tag "s$file$$" \
			--arrivals "$WORK/stream.$file"
		STREAM_RX+=($!)
	done
	wait_until 5 test -e "$WORK/stream.ready.down" -a -e "$WORK/stream.ready.up" ||
		say "the stream's receivers are not ready after 5 s"
	bg "$NS_CN" "$WORK/stream.tx.down" "$PY" "$LIB/udp_stream.py" send --src "$CN" --dst "$HOA" --port 5101 \
		--count "$n" --rate "$STREAM_RATE" --tag "sdown$$"
	STREAM_TX+=($!)
	bg "$NS_MN" "$WORK/stream.tx.up" "$PY" "$LIB/udp_stream.py" send --src "$HOA" --dst "$CN" --port 5102 \
		--count "$n" --rate "$STREAM_RATE" --tag "sup$$"
	STREAM_TX+=($!)
	sleep 1 # a steady stream before the first move
}

# stream_table: the handoff table (markdown), from the two arrival logs.
stream_table() {
	"$PY" - "$WORK" "$STREAM_RATE" "${BOUND_MS[visitnet]:-?}" "${BOUND_MS[visitnet2]:-?}" "${BOUND_MS[homenet]:-?}" <<'PYEOF'
import json, sys
work, rate = sys.argv[1], int(sys.argv[2])
bound = dict(zip(["homenet->visitnet", "visitnet->visitnet2", "visitnet2->homenet"], sys.argv[3:6]))
rows = {}
for d in ("down", "up"):
    for line in open(f"{work}/stream.handoffs.{d}"):
        r = json.loads(line)
        rows.setdefault(r["move"], {})[d] = r
def cell(r, k):
    return str(r.get(k, "-")) if r and r.get("resumed", True) else "never"
print(f"| handoff | registered (ms) | CN -> HoA gap (ms) | CN -> HoA lost | HoA -> CN gap (ms) | HoA -> CN lost |")
print("|---|---:|---:|---:|---:|---:|")
for move, r in rows.items():
    if move == "total":
        continue
    dn, up = r.get("down"), r.get("up")
    print(f"| {move.replace('->', ' -> ')} | {bound.get(move, '?')} | {cell(dn, 'gap_ms')} | {cell(dn, 'lost')} | {cell(up, 'gap_ms')} | {cell(up, 'lost')} |")
t = rows.get("total", {})
print(f"| whole stream ({rate}/s each way) | | received {t.get('down', {}).get('received', '?')} | lost {t.get('down', {}).get('lost', '?')} | received {t.get('up', {}).get('received', '?')} | lost {t.get('up', {}).get('lost', '?')} |")
PYEOF
}

realtime_test() {
	local name="7. the real-time test (guide 5.7): a two-way UDP stream at $STREAM_RATE/s each way survives every move"
	step "$name"
	PROBLEMS=()
	# A second at home after the return, so the last silence has an end.
	sleep 1
	stop_pids "${STREAM_TX[@]}"
	sleep 0.3 # what is in flight lands
	stop_pids "${STREAM_RX[@]}"
	local d
	for d in down up; do
		"$PY" "$LIB/udp_stream.py" handoffs --arrivals "$WORK/stream.$d" --moves "$WORK/moves" \
			>"$WORK/stream.handoffs.$d" 2>&1 || PROBLEMS+=("analysing the $d stream failed: $(cat "$WORK/stream.handoffs.$d")")
	done
	# The verdicts, in Python over the JSON lines; one problem per line.
	local verdict
	verdict=$("$PY" - "$WORK" "$STREAM_RATE" "$STREAM_MAX_GAP_MS" <<'PYEOF'
import json, sys
work, rate, max_gap = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
names = {"down": "CN -> HoA", "up": "HoA -> CN"}
moves = [l.split()[0] for l in open(f"{work}/moves") if l.strip()]
for d, what in names.items():
    rows = [json.loads(l) for l in open(f"{work}/stream.handoffs.{d}")]
    byname = {r["move"]: r for r in rows}
    sent = json.loads(open(f"{work}/stream.tx.{d}").read().strip().splitlines()[-1])
    for m in moves:
        r = byname.get(m)
        if not r or not r["resumed"]:
            print(f"{what}: the stream never resumed after {m}")
            continue
        if r["gap_ms"] > max_gap:
            print(f"{what}: {m} silenced the stream for {r['gap_ms']} ms (more than {max_gap:.0f})")
        if r["lost"] > rate * max_gap / 1000:
            print(f"{what}: {m} lost {r['lost']} datagrams (more than {rate * max_gap / 1000:.0f})")
    t = byname.get("total", {})
    handoff_loss = sum(byname[m]["lost"] for m in moves if m in byname and byname[m]["resumed"])
    # Outside the handoffs a healthy tunnel loses next to nothing; allow 1 %
    # for a stalled receiver on a loaded machine.
    other = t.get("lost", 0) - handoff_loss
    if other > max(20, t.get("highest", 0) // 100):
        print(f"{what}: {other} datagrams lost outside the handoffs (of {t.get('highest', 0) + 1})")
    if t.get("received", 0) < rate:
        print(f"{what}: only {t.get('received', 0)} datagrams arrived (sender: {sent})")
PYEOF
)
	[[ -z $verdict ]] || mapfile -t -O "${#PROBLEMS[@]}" PROBLEMS <<<"$verdict"
	# While the first registration waited (the HA's DAD) the MN's datapath
	# held the home address's datagrams back rather than send them natively
	# from a visited link or into a tunnel the HA would call spoofed.
	local held
	held=$(dp_counter mn registering)
	((held > 0)) || PROBLEMS+=("the MN's datapath held back no home-address packet during its first registration (counter registering: $held)")
	STREAM_TABLE=$(stream_table 2>&1)
	local sent_down sent_up
	sent_down=$(tail -1 "$WORK/stream.tx.down") sent_up=$(tail -1 "$WORK/stream.tx.up")
	check "$name" PROBLEMS "every handoff completed and the stream resumed both ways (table below; bounds: gap <= $STREAM_MAX_GAP_MS ms, loss <= $((STREAM_RATE * STREAM_MAX_GAP_MS / 1000)) datagrams per handoff)" \
		"senders: CN $sent_down; MN $sent_up"
	printf '%s\n' "$STREAM_TABLE" | sed 's/^/        /'
	[[ -z $TABLE_FILE ]] || printf '%s\n' "$STREAM_TABLE" >"$TABLE_FILE"
}

# ---- 1. at home ------------------------------------------------------------------------
at_home() {
	local name="1. pre-test (guide 5.1): the MN solicits routers when it starts, knows it is home; CN <-> HoA natively"
	step "$name"
	PROBLEMS=()
	DETAILS=()
	wait_until 5 mn_is home || PROBLEMS+=("the MN's status does not say location \"home\" within 5 s: $(mn status)")
	show "$MIPCTL" --socket "$MN_SOCK" status
	# The guide's pre-test: tcpdump on the MN's link shows its Router
	# Solicitations when Mobile IPv6 starts.
	local rs
	rs=$(tshark -r "$WORK/homenet.pcap" -Y "icmpv6.type == 133 && eth.src == $MAC_MN0" \
		-T fields -e frame.time_relative -e ipv6.src -e ipv6.dst -e icmpv6.opt.linkaddr 2>/dev/null)
	if [[ -n $rs ]]; then
		DETAILS+=("the MN's Router Solicitations on homenet: $(grep -c . <<<"$rs") (first: $(head -1 <<<"$rs" | awk '{ print $2 " > " $3 ", source link-layer address " $4 }'))")
		say "tcpdump on homenet, as in the guide's 5.1:"
		((VERBOSE)) && tshark -r "$WORK/homenet.pcap" -Y "icmpv6.type == 133 || icmpv6.type == 134" 2>/dev/null | head -4 | sed 's/^/    /'
	else
		PROBLEMS+=("no Router Solicitation from the MN ($MAC_MN0) in the homenet capture")
	fi
	local globals e0 d0 e1 d1
	globals=$(mn_globals)
	[[ $globals == "$HOA/64" ]] || PROBLEMS+=("mn0's global addresses are '$globals', expected the HoA $HOA/64 alone")
	e0=$(ha_encap) d0=$(ha_decap)
	pings "CN -> HoA|$NS_CN|$HOA" "MN (from the HoA) -> CN|$NS_MN|-I $HOA $CN"
	e1=$(ha_encap) d1=$(ha_decap)
	((e1 == 0 && d1 == 0)) || PROBLEMS+=("the HA tunnelled while the MN was home: encapsulated $e1, decapsulated $d1 (before the pings: $e0, $d0)")
	check "$name" PROBLEMS "status: location home; mn0 holds $HOA/64 only" "${DETAILS[@]}" \
		"HA datapath: 0 packets encapsulated, 0 decapsulated"
}

# ---- 2 and 4. a move ----------------------------------------------------------------------
# registered_at NUMBER WHAT BRIDGE COA OLD_COA: move the MN and check the registration.
registered_at() {
	local n=$1 what=$2 br=$3 coa=$4 old=$5
	local name="$n. $what, move to $br: the MN forms the CoA $coa and registers it with the HA"
	step "$name"
	PROBLEMS=()
	local seq0 t0 t1 waited st bul bc globals
	seq0=$(jget "$(mn bul)" "r[0]['sequence']")
	say "moving the MN's port to $br (down, other bridge, up)"
	t0=$(date +%s%N)
	move_mn "$br"
	if ! wait_until "$MOVE_TIMEOUT" mn_is away bound "$coa"; then
		PROBLEMS+=("no binding for $coa within $MOVE_TIMEOUT s: MN status $(mn status), bul $(mn bul)")
	fi
	t1=$(date +%s%N)
	waited=$(((t1 - t0) / 1000000))
	st=$(mn status) bul=$(mn bul) bc=$(ha bcache)
	say "on the MN (the guide's mipdiag -l and -s):"
	show "$MIPCTL" --socket "$MN_SOCK" -l
	show "$MIPCTL" --socket "$MN_SOCK" -s
	say "on the HA (mipdiag -c):"
	show "$MIPCTL" --socket "$HA_SOCK" -c
	show ip -n "$NS_MN" -6 addr show dev mn0 scope global
	local handoff
	handoff=$(jget "$st" "r.get('last_handoff_ms', '?')")
	HANDOFFS+=("$br: bound $waited ms after the port moved; MN status last_handoff_ms $handoff (from the link-up to the BA)")
	BOUND_MS[$br]=$waited
	# The care-of address: prefix + modified EUI-64, and no other global one
	# but the HoA (a /128 away from home); the old CoA gone (guide FAQ 6).
	globals=$(mn_globals)
	[[ $globals == "$(printf '%s\n' "$coa/64" "$HOA/128" | sort | paste -sd ' ')" ]] ||
		PROBLEMS+=("mn0's global addresses are '$globals', expected $coa/64 and $HOA/128 only")
	if [[ -n $old && $globals == *"$old"* ]]; then
		PROBLEMS+=("the old care-of address $old is still on mn0")
	fi
	local stale
	stale=$(stale_routers "$br")
	[[ -z $stale ]] || PROBLEMS+=("the MN still has default routes via routers of other links: $stale")
	# Binding update list and binding cache agree.
	local bseq hseq hcoa hstate n_bc
	bseq=$(jget "$bul" "r[0]['sequence']")
	n_bc=$(jget "$bc" "len(r)")
	hcoa=$(jget "$bc" "r[0]['care_of_address']" || true)
	hseq=$(jget "$bc" "r[0]['sequence']" || true)
	hstate=$(jget "$bc" "r[0]['state']" || true)
	[[ $n_bc == 1 && $(jget "$bc" "r[0]['home_address']") == "$HOA" ]] ||
		PROBLEMS+=("the HA's binding cache should hold one entry for $HOA: $bc")
	[[ $hcoa == "$coa" && $hstate == active ]] || PROBLEMS+=("binding cache: $HOA -> '$hcoa' ($hstate), expected -> $coa (active)")
	[[ $hseq == "$bseq" ]] || PROBLEMS+=("sequence: the MN's last BU carried $bseq, the HA's cache holds $hseq")
	local newer="sequence $bseq"
	if [[ -n $seq0 && -n $old ]]; then
		# RFC 6275 9.5.1: later means ahead by less than 2^15, modulo 2^16.
		local d=$(((bseq - seq0) & 0xffff))
		((d >= 1 && d < 32768)) || PROBLEMS+=("the BU for $coa carries sequence $bseq, not later than $seq0 (modulo 2^16)")
		newer="sequence $seq0 -> $bseq (later by $d modulo 2^16)"
	fi
	# The HA defends the HoA on the home link and tunnels to the CoA.
	local proxy hadp mndp
	proxy=$(ha_proxy)
	# The HA's XDP program answers for the HoA from its binding (home_agent.nd_proxy
	# = "datapath", the default): no kernel proxy entry is added for it.
	[[ $proxy == *"$HOA dev ha0"* ]] && PROBLEMS+=("a kernel proxy ND entry for $HOA on the HA's ha0, the datapath answers for it: '$proxy'")
	hadp=$(dp_bindings "$NS_HA" ha)
	[[ $(awk -v h="$HOA" '$1 == h { print $2 }' <<<"$hadp") == "$coa" ]] ||
		PROBLEMS+=("the HA's datapath binding is not $HOA -> $coa: '$hadp'")
	mndp=$(dp_bindings "$NS_MN" mn)
	[[ $(awk -v h="$HOA" '$1 == h { print $2 " " $3 }' <<<"$mndp") == "$HA_ADDR $coa" ]] ||
		PROBLEMS+=("the MN's datapath binding is not $HOA: remote $HA_ADDR, local $coa: '$mndp'")
	# Signalling counters: one more BA per move.
	local sent rcvd want_ba
	sent=$(mn_stat bu_sent) rcvd=$(mn_stat ba_received)
	want_ba=$([[ -n $old ]] && echo 2 || echo 1)
	[[ $sent =~ ^[0-9]+$ ]] && ((sent >= want_ba)) || PROBLEMS+=("MN stats: bu_sent $sent, expected >= $want_ba")
	[[ $rcvd == "$want_ba" ]] || PROBLEMS+=("MN stats: ba_received $rcvd, expected $want_ba")
	# Neither daemon restarted.
	kill -0 "$HA_PID" 2>/dev/null && kill -0 "$MN_PID" 2>/dev/null || PROBLEMS+=("an agent is not running any more")
	check "$name" PROBLEMS \
		"bound $waited ms after the port moved (MN status last_handoff_ms $handoff: from the link-up to the BA)" \
		"mn0: $globals; MN bul: state bound, CoA $coa, $newer; default routes only via ${LINK_ROUTER[$br]} (this link's router)" \
		"HA bcache: $HOA -> $coa, sequence $hseq, active; ND for $HOA answered by the HA's XDP (no kernel proxy entry); datapath binding $HOA -> $coa" \
		"MN stats: bu_sent $sent, ba_received $rcvd; agents still the same processes (HA $HA_PID, MN $MN_PID)"
}

# ---- 3m. the operator's views: mipctl on the running agents ------------------
operator_views() {
	local name="3m. mipctl shows the guide's views on the running agents (mipdiag -c, -l, -s)"
	step "$name"
	PROBLEMS=()
	local bc bcj bl st wrong rc=0
	bc=$("$MIPCTL" --socket "$HA_SOCK" -c 2>&1) || PROBLEMS+=("mipctl -c on the HA failed: $bc")
	[[ $bc == *"$HOA"*"$COA1"*active* ]] || PROBLEMS+=("mipctl -c on the HA does not show $HOA -> $COA1 active: $bc")
	bcj=$("$MIPCTL" --socket "$HA_SOCK" --json bcache 2>&1)
	[[ $(jget "$bcj" "r[0]['home_address'] + ' ' + r[0]['care_of_address']") == "$HOA $COA1" ]] ||
		PROBLEMS+=("mipctl --json bcache: $bcj")
	bl=$("$MIPCTL" --socket "$MN_SOCK" -l 2>&1) || PROBLEMS+=("mipctl -l on the MN failed: $bl")
	[[ $bl == *"$COA1"*bound* ]] || PROBLEMS+=("mipctl -l on the MN does not show the binding to $COA1 bound: $bl")
	st=$("$MIPCTL" --socket "$MN_SOCK" -s 2>&1) || PROBLEMS+=("mipctl -s on the MN failed: $st")
	grep -Eq 'NBindUpdatesSent +[1-9]' <<<"$st" && grep -Eq 'NBindAcksRcvd +[1-9]' <<<"$st" &&
		grep -q NEncapsulations <<<"$st" || PROBLEMS+=("mipctl -s on the MN lacks a sent BU, a received BA or the datapath totals: $st")
	wrong=$("$MIPCTL" --socket "$MN_SOCK" -c 2>&1) || rc=$?
	[[ $rc == 1 && $wrong == *"mobile node"* ]] ||
		PROBLEMS+=("mipctl -c on a mobile node should fail with exit 1 naming the role: exit $rc, '$wrong'")
	# An operator's binding, by hand (as UMIP's console allowed), and back.
	local extra=2001:db8:2700::44 out ver
	out=$("$MIPCTL" --socket "$HA_SOCK" binding add "$extra" "$COA1" --lifetime 60 2>&1) ||
		PROBLEMS+=("mipctl binding add failed: $out")
	[[ $(dp_bindings "$NS_HA" ha) == *"$extra"* ]] || PROBLEMS+=("binding add did not reach the HA's datapath")
	out=$("$MIPCTL" --socket "$HA_SOCK" binding del "$extra" 2>&1) || PROBLEMS+=("mipctl binding del failed: $out")
	[[ $("$MIPCTL" --socket "$HA_SOCK" -c 2>&1) != *"$extra"* ]] || PROBLEMS+=("binding del left $extra in the cache")
	rc=0
	out=$("$MIPCTL" --socket "$HA_SOCK" binding del "$extra" 2>&1) || rc=$?
	[[ $rc == 1 ]] || PROBLEMS+=("deleting a binding that is not there should exit 1: exit $rc, '$out'")
	ver=$("$MIPCTL" --socket "$HA_SOCK" version 2>&1)
	[[ $ver == *"xmipd 0.1.0 (instance ha"* ]] || PROBLEMS+=("mipctl version does not name the agent's version: $ver")
	((VERBOSE)) && printf '%s\n' "$bc" "$bl" "$ver"
	check "$name" PROBLEMS "HA: $(grep -c "$HOA" <<<"$bc") binding for $HOA -> $COA1 (table and JSON)" \
		"MN: binding update list bound to $COA1; statistics with BUs sent, BAs received, encapsulations" \
		"bcache on a mobile node: exit 1, the role named" \
		"binding add/del by hand reaches the datapath and goes; deleting it twice exits 1; version names the agent"
}

# ---- 3r. SIGHUP: the home agent reloads and keeps its bindings ----------------
reload_keeps_bindings() {
	local name="3r. SIGHUP reloads the home agent's configuration and keeps its binding"
	step "$name"
	PROBLEMS=()
	kill -HUP "$HA_PID"
	wait_until 3 grep -q "reloaded: 1 bindings kept" "$WORK/ha.log" ||
		PROBLEMS+=("the HA did not log a reload keeping 1 binding: $(tail -3 "$WORK/ha.log")")
	kill -0 "$HA_PID" 2>/dev/null || PROBLEMS+=("the HA is not running after SIGHUP")
	local bc hadp
	bc=$(ha bcache)
	[[ $(jget "$bc" "r[0]['care_of_address']" || true) == "$COA1" ]] || PROBLEMS+=("binding cache after SIGHUP: $bc")
	hadp=$(dp_bindings "$NS_HA" ha)
	[[ $(awk -v h="$HOA" '$1 == h { print $2 }' <<<"$hadp") == "$COA1" ]] ||
		PROBLEMS+=("the HA's datapath binding after SIGHUP: '$hadp'")
	check "$name" PROBLEMS "same process (HA $HA_PID), binding $HOA -> $COA1 still in the cache and the datapath"
}

# ---- 3 and 4b. traffic while away ---------------------------------------------------------
traffic_away() {
	local n=$1 where=$2 coa=$3 ar_link=$4
	local name="$n. ping6 (guide 5.3) and UDP while at $where: CN <-> HoA through the tunnel, no loss"
	step "$name"
	PROBLEMS=()
	DETAILS=()
	local e0 d0 e1 d1
	e0=$(ha_encap) d0=$(ha_decap)
	pings "CN -> HoA|$NS_CN|$HOA" "MN (from the HoA) -> CN|$NS_MN|-I $HOA $CN" \
		"MN -> AR $ar_link (on the visited link, from the HoA through the HA: the guide's 5.3)|$NS_MN|$ar_link" \
		"MN -> AR $AR_UP (from the HoA, through the HA)|$NS_MN|$AR_UP"
	udp_both_ways "$n"
	e1=$(ha_encap) d1=$(ha_decap)
	# Through the HA each way: CN's requests and replies, replies to the MN's
	# pings to the AR's two addresses (the visited-link one too: issue 18
	# item 4), the UDP stream.
	local want=$((2 * PING_COUNT + 2 * PING_COUNT + UDP_COUNT))
	((e1 - e0 >= want)) || PROBLEMS+=("the HA encapsulated $((e1 - e0)) packets towards $coa, expected >= $want")
	((d1 - d0 >= want)) || PROBLEMS+=("the HA decapsulated $((d1 - d0)) packets from $coa, expected >= $want")
	check "$name" PROBLEMS "${DETAILS[@]}" \
		"HA datapath: encapsulated $((e1 - e0)), decapsulated $((d1 - d0)) packets (>= $want each way expected)"
}

# ---- 5. back home ------------------------------------------------------------------------
back_home() {
	local name="6. return home (guide 5.6): the MN deregisters, CN <-> HoA natively again"
	step "$name"
	PROBLEMS=()
	DETAILS=()
	local t0 t1 bul st
	t0=$(date +%s%N)
	move_mn homenet
	if wait_until "$MOVE_TIMEOUT" mn_is home at-home; then
		t1=$(date +%s%N)
		HANDOFFS+=("homenet: deregistered (bul at-home) $(((t1 - t0) / 1000000)) ms after the port moved")
		BOUND_MS[homenet]=$(((t1 - t0) / 1000000))
	else
		PROBLEMS+=("the MN's binding update list is not at-home within $MOVE_TIMEOUT s: $(mn bul)")
		HANDOFFS+=("homenet: not deregistered within $MOVE_TIMEOUT s")
	fi
	wait_until 2 bcache_empty || PROBLEMS+=("the HA's binding cache is not empty: $(ha bcache)")
	bul=$(mn bul) st=$(mn status)
	show "$MIPCTL" --socket "$MN_SOCK" -l
	say "the HA's binding cache is empty (the guide's mipdiag -c after the return):"
	show "$MIPCTL" --socket "$HA_SOCK" -c
	local globals proxy hadp mndp
	globals=$(mn_globals)
	[[ $globals == "$HOA/64" ]] || PROBLEMS+=("mn0's global addresses are '$globals', expected the HoA $HOA/64 alone (no CoA)")
	[[ $(jget "$st" "r['care_of_address']") == "" ]] || PROBLEMS+=("the MN's status still names a CoA: $st")
	proxy=$(ha_proxy)
	[[ $proxy != *"$HOA"* ]] || PROBLEMS+=("the HA still proxies $HOA on the home link: '$proxy'")
	local stale
	stale=$(stale_routers homenet)
	[[ -z $stale ]] || PROBLEMS+=("the MN still has default routes via the visited links' routers: $stale")
	hadp=$(dp_bindings "$NS_HA" ha)
	[[ -z $hadp ]] || PROBLEMS+=("the HA's datapath still has a binding: '$hadp'")
	mndp=$(dp_bindings "$NS_MN" mn)
	[[ -z $mndp ]] || PROBLEMS+=("the MN's datapath still has a binding: '$mndp'")
	local rcvd nack
	rcvd=$(mn_stat ba_received) nack=$(mn_stat ba_nack_received)
	[[ $rcvd == 3 && $nack == 0 ]] || PROBLEMS+=("MN stats: ba_received $rcvd (expected 3), ba_nack_received $nack (expected 0)")
	local e0 d0 e1 d1
	e0=$(ha_encap) d0=$(ha_decap)
	pings "CN -> HoA|$NS_CN|$HOA" "MN (from the HoA) -> CN|$NS_MN|-I $HOA $CN"
	e1=$(ha_encap) d1=$(ha_decap)
	((e1 == e0 && d1 == d0)) || PROBLEMS+=("the HA still tunnels: encapsulated +$((e1 - e0)), decapsulated +$((d1 - d0)) during the pings")
	check "$name" PROBLEMS \
		"MN bul: state at-home, sequence $(jget "$bul" "r[0]['sequence']"); status: location home; mn0: $globals" \
		"HA: binding cache empty, no proxy ND entry for $HOA, no datapath binding; MN datapath binding gone" \
		"the MN's default routes: only via the HA (${LINK_ROUTER[homenet]}), the visited links' routers forgotten" \
		"MN stats: ba_received $rcvd, ba_nack_received $nack" \
		"${DETAILS[@]}" "HA datapath: nothing encapsulated or decapsulated during these pings"
}

# ---- 6. on the wire ----------------------------------------------------------------------
# wire_facts: one pass of tshark over each capture, classified in Python;
# prints shell assignments W_<capture>_<fact>=<count>.
wire_facts() {
	local c
	for c in "${CAPTURES[@]}"; do
		tshark -r "$WORK/$c.pcap" -T fields -E occurrence=a -E aggregator=, -E separator='|' \
			-e ipv6.src -e ipv6.dst -e ipv6.nxt -e mip6.mhtype -e ipv6.opt.mipv6.home_address \
			-e ipv6.routing.mipv6.home_address -e mip6.bu.lifetime -e mip6.ba.status \
			-e eth.src -e icmpv6.type -e frame.time_epoch 2>/dev/null | sed "s/^/$c|/"
	done | "$PY" -c '
import sys
from collections import Counter
ha, hoa, cn, coa1, coa2, mn_mac = sys.argv[1:7]
n = Counter()
registered = set()
first_pp = {}  # peer -> when its first Parameter Problem reached a visited link
tests = []     # (capture, peer, when) of each HoTI / CoTI on a visited link
for line in sys.stdin:
    cap, src, dst, nxt, mh, hao, rh2, bu_life, ba_status, mac, icmp, when = line.rstrip("\n").split("|")
    src, dst, nxt = src.split(","), dst.split(","), nxt.split(",")
    n[cap, "frames"] += 1
    # Router Discovery on each link-up: the MN solicits, the router answers
    # it (radvd: unicast to its link-local address; the HA: multicast).
    if icmp == "133" and mac == mn_mac:
        n[cap, "rs"] += 1
    if icmp == "134" and src[0].startswith("fe80:"):
        n[cap, "ra"] += 1
    for i, coa in (("1", coa1), ("2", coa2)):
        if nxt[0] == "41" and len(src) > 1:
            if src[0] == ha and dst[0] == coa and dst[1] == hoa:
                n[cap, "tun_down" + i] += 1
            if src[0] == coa and dst[0] == ha and src[1] == hoa:
                n[cap, "tun_up" + i] += 1
                registered.add(cap)
        if mh == "5" and src[0] == coa and dst[0] == ha and hao == hoa:
            n[cap, "bu_hao" + i] += 1
            registered.add(cap)
        if mh == "6" and src[0] == ha and dst[0] == coa and rh2 == hoa and ba_status and int(ba_status) < 128:
            n[cap, "ba_rh2" + i] += 1
    if mh == "5" and src[0] == hoa and dst[0] == ha and not hao and bu_life == "0":
        n[cap, "dereg_bu"] += 1
    if mh == "6" and src[0] == ha and dst[0] == hoa and not rh2 and ba_status == "0":
        n[cap, "dereg_ba"] += 1
    # Route optimisation is on by default: the MN tries return routability
    # with each peer whose traffic goes through the tunnel (the CN and the
    # access routers pinged from the HoA), plain hosts here (no Mobile IPv6:
    # they answer with ICMPv6 Parameter Problems, and the MN keeps the
    # tunnel). The HoTI must leave through the tunnel (CoA -> HA around
    # HoA -> peer; on the home link the HA forwards it from the HoA), the
    # CoTI directly from a CoA; never a HoTI outside the tunnel elsewhere.
    if not icmp and mh in ("1", "2"):
        if mh == "1" and nxt[0] == "41" and len(src) > 1 and src[0] in (coa1, coa2) and dst[0] == ha \
                and src[1] == hoa:
            n[cap, "hoti_tun"] += 1
        elif mh == "2" and nxt[0] == "135" and src[0] in (coa1, coa2):
            n[cap, "coti_direct"] += 1
        elif not (mh == "1" and cap == "homenet" and nxt[0] == "135" and src[0] == hoa):
            n[cap, "rr_other"] += 1
        if cap != "homenet":
            tests.append((cap, dst[-1], float(when)))
    # The plain peers answer HoTI / CoTI with Parameter Problem code 1; the
    # MN then stops return routability with them (RFC 6275 11.3.5): the
    # error for a HoTI comes through the tunnel (HA -> CoA around peer ->
    # HoA), the one for a CoTI directly (peer -> CoA).
    if cap != "homenet" and icmp.split(",")[0] == "4" and mh in ("1", "2"):
        tun = nxt[0] == "41" and len(src) > 2 and dst[1] == hoa
        if tun or dst[0] in (coa1, coa2):
            peer = src[1] if tun else src[0]
            first_pp[peer] = min(first_pp.get(peer, float(when)), float(when))
            n[cap, "pp"] += 1
    # Mobility Header packets, not those quoted in an ICMPv6 error (tshark
    # dissects the quote): pcap_mh.py extracts the same set.
    if mh and not icmp:
        n[cap, "mh"] += 1
    # CN <-> HoA outside a tunnel. Until the MN knows it moved (the RA that
    # answers its solicitation) what it sends from the HoA leaves as at
    # home. From its BU on that link on: none, also before the BA (the
    # datapath holds the packets of the HoA back while the first registration
    # waits, XMIP_BF_REGISTERING, and tunnels from the new CoA on later moves).
    if (src[0], dst[0]) in ((cn, hoa), (hoa, cn)):
        n[cap, "native" if cap in registered else "native_early"] += 1
# After the first Parameter Problem of a peer (and 2 s for the MN to read it
# and for tests already in flight): no HoTI / CoTI to it again.
for cap, peer, when in tests:
    if peer in first_pp and when > first_pp[peer] + 2:
        n[cap, "rr_after_pp"] += 1
for cap in ("homenet", "visitnet", "visitnet2"):
    for k in ("frames", "tun_down1", "tun_up1", "tun_down2", "tun_up2", "bu_hao1", "ba_rh21",
              "bu_hao2", "ba_rh22", "dereg_bu", "dereg_ba", "mh", "native", "native_early", "rs", "ra",
              "hoti_tun", "coti_direct", "rr_other", "pp", "rr_after_pp"):
        print(f"W_{cap}_{k}={n[cap, k]}")
' "$HA_ADDR" "$HOA" "$CN" "$COA1" "$COA2" "$MAC_MN0"
}

# shellcheck disable=SC2154 # W_* are set by printf -v and eval
on_the_wire() {
	local name="8. on the wire: RS/RA on each link-up, signalling and tunnel as RFC 6275 says, nothing malformed"
	step "$name"
	PROBLEMS=()
	local c
	for c in "${CAPTURES[@]}"; do
		stop_pid "${TCPDUMP_PID[$c]}" INT
		TCPDUMP_PID[$c]=
		say "$c: $(grep -E 'captured|dropped by kernel' "$WORK/tcpdump.$c.out" | paste -sd ';' -)"
	done
	local facts cap key
	# Every fact starts at 0, so a failed tshark pass reads as "not seen".
	for cap in "${CAPTURES[@]}"; do
		for key in frames tun_down1 tun_up1 tun_down2 tun_up2 bu_hao1 ba_rh21 bu_hao2 ba_rh22 dereg_bu dereg_ba mh native native_early rs ra \
			hoti_tun coti_direct rr_other pp rr_after_pp; do
			printf -v "W_${cap}_$key" 0
		done
	done
	facts=$(wire_facts)
	grep -qv '^W_[a-z0-9_]*=[0-9]*$' <<<"$facts" || eval "$facts"
	say "facts from tshark: $(paste -sd ' ' <<<"$facts")"
	# Registration on each visited link, seen at the AR's port.
	((W_visitnet_bu_hao1 >= 1)) || PROBLEMS+=("visitnet: no BU from $COA1 to the HA with a Home Address option $HOA")
	((W_visitnet_ba_rh21 >= 1)) || PROBLEMS+=("visitnet: no accepting BA from the HA to $COA1 with a type 2 routing header $HOA")
	((W_visitnet2_bu_hao2 >= 1)) || PROBLEMS+=("visitnet2: no BU from $COA2 to the HA with a Home Address option $HOA")
	((W_visitnet2_ba_rh22 >= 1)) || PROBLEMS+=("visitnet2: no accepting BA from the HA to $COA2 with a type 2 routing header $HOA")
	# Deregistration from the home link (RFC 6275 11.5.4: from the HoA, no HAO, lifetime 0).
	((W_homenet_dereg_bu >= 1)) || PROBLEMS+=("homenet: no deregistration BU ($HOA -> HA, lifetime 0, no Home Address option)")
	((W_homenet_dereg_ba >= 1)) || PROBLEMS+=("homenet: no accepting BA from the HA to $HOA without a routing header")
	# The tunnel, on the visited link and on the home link.
	local min=$((UDP_COUNT + PING_COUNT))
	((W_visitnet_tun_down1 >= min && W_visitnet_tun_up1 >= min)) ||
		PROBLEMS+=("visitnet: IPv6-in-IPv6 HA -> $COA1: $W_visitnet_tun_down1, $COA1 -> HA: $W_visitnet_tun_up1 packets (expected >= $min each)")
	((W_visitnet2_tun_down2 >= min && W_visitnet2_tun_up2 >= min)) ||
		PROBLEMS+=("visitnet2: IPv6-in-IPv6 HA -> $COA2: $W_visitnet2_tun_down2, $COA2 -> HA: $W_visitnet2_tun_up2 packets (expected >= $min each)")
	((W_homenet_tun_down1 >= min && W_homenet_tun_up1 >= min && W_homenet_tun_down2 >= min && W_homenet_tun_up2 >= min)) ||
		PROBLEMS+=("homenet (the HA's port): tunnel to/from $COA1 $W_homenet_tun_down1/$W_homenet_tun_up1, $COA2 $W_homenet_tun_down2/$W_homenet_tun_up2 (expected >= $min each)")
	((W_visitnet_native == 0 && W_visitnet2_native == 0)) ||
		PROBLEMS+=("CN <-> HoA packets outside the tunnel on the visited links from the MN's BU there on: visitnet $W_visitnet_native, visitnet2 $W_visitnet2_native")
	# Return routability with the peers (route optimisation on, the
	# default): the HoTI tunnelled, the CoTI direct, nothing else of it.
	local rr_other=$((W_homenet_rr_other + W_visitnet_rr_other + W_visitnet2_rr_other))
	((W_visitnet_hoti_tun >= 1 && W_visitnet_coti_direct >= 1)) ||
		PROBLEMS+=("visitnet: return routability with the peers: $W_visitnet_hoti_tun HoTI in the tunnel CoA -> HA, $W_visitnet_coti_direct CoTI directly from the CoA (>= 1 each: route optimisation is on)")
	((rr_other == 0)) || PROBLEMS+=("$rr_other HoTI/CoTI neither tunnelled (HoTI) nor direct from a CoA (CoTI)")
	((W_visitnet_pp >= 1)) ||
		PROBLEMS+=("visitnet: no ICMPv6 Parameter Problem from a plain peer for a HoTI/CoTI reached the MN")
	((W_visitnet_rr_after_pp + W_visitnet2_rr_after_pp == 0)) ||
		PROBLEMS+=("HoTI/CoTI to a peer after its Parameter Problem (RFC 6275 11.3.5: no more route optimisation with it): visitnet $W_visitnet_rr_after_pp, visitnet2 $W_visitnet2_rr_after_pp")
	# Movement detection: a Router Solicitation on every link-up (the MN
	# starts at home, then visits each link once), and an RA on each link.
	((W_homenet_rs >= 2 && W_visitnet_rs >= 1 && W_visitnet2_rs >= 1)) ||
		PROBLEMS+=("Router Solicitations from the MN: homenet $W_homenet_rs (expected >= 2: start and return), visitnet $W_visitnet_rs, visitnet2 $W_visitnet2_rs (>= 1)")
	((W_homenet_ra >= 1 && W_visitnet_ra >= 1 && W_visitnet2_ra >= 1)) ||
		PROBLEMS+=("Router Advertisements: homenet $W_homenet_ra, visitnet $W_visitnet_ra, visitnet2 $W_visitnet2_ra (expected >= 1 each)")
	# Wireshark's expert: malformed packets, warnings and worse; UDP checksums
	# verified (off by default in tshark).
	local expert
	for c in "${CAPTURES[@]}"; do
		expert=$(tshark -r "$WORK/$c.pcap" -o udp.check_checksum:TRUE \
			-Y '_ws.malformed || _ws.expert.severity >= "warning"' 2>/dev/null)
		[[ -z $expert ]] || PROBLEMS+=("$c: tshark flags $(grep -c . <<<"$expert") packets as malformed or worse than a note:" "$(head -5 <<<"$expert")")
	done
	# Every Mobility Header packet, checked by xmip's own decoder (MH checksum
	# with the pseudo-header rules of RFC 6275 6.1.1: HAO/type 2 RH addresses).
	local caps=() mh_total mh_bad
	for c in "${CAPTURES[@]}"; do caps+=("$WORK/$c.pcap"); done
	"$PY" "$LIB/pcap_mh.py" --labels "$WORK/mh.labels" "${caps[@]}" >"$WORK/mh.hex"
	"$MH_INSPECT" <"$WORK/mh.hex" >"$WORK/mh.json"
	local inspect_rc=$?
	mh_total=$(grep -c . "$WORK/mh.hex")
	mh_bad=$(grep -vc '"valid":true' "$WORK/mh.json")
	local summary
	summary=$("$PY" -c 'import json, sys, collections
c = collections.Counter(json.loads(l).get("message", "?").split()[0] for l in open(sys.argv[1]) if l.strip())
print(", ".join(f"{v} {k}" for k, v in sorted(c.items())))' "$WORK/mh.json" 2>/dev/null)
	local mh_tshark=$((W_homenet_mh + W_visitnet_mh + W_visitnet2_mh))
	((mh_total >= 8)) || PROBLEMS+=("only $mh_total Mobility Header packets in the captures (2 registrations and a deregistration, each BU and BA seen on two links: >= 8)")
	((mh_total == mh_tshark)) || PROBLEMS+=("pcap_mh.py found $mh_total Mobility Header packets, tshark $mh_tshark")
	if ((inspect_rc != 0 || mh_bad != 0)); then
		PROBLEMS+=("xmip-mh-inspect rejects $mh_bad of $mh_total Mobility Header packets (exit $inspect_rc):")
		while IFS=$'\t' read -r label verdict; do
			PROBLEMS+=("  $label: $verdict")
		done < <(paste "$WORK/mh.labels" "$WORK/mh.json" | grep -v '"valid":true' | head -5)
	fi
	check "$name" PROBLEMS \
		"Router Solicitations from the MN: homenet $W_homenet_rs, visitnet $W_visitnet_rs, visitnet2 $W_visitnet2_rs; RAs: homenet $W_homenet_ra (HA), visitnet $W_visitnet_ra (AR), visitnet2 $W_visitnet2_ra (AR2)" \
		"visitnet: BU $COA1 -> HA with Home Address option $HOA ($W_visitnet_bu_hao1), BA HA -> $COA1 with type 2 routing header $HOA ($W_visitnet_ba_rh21)" \
		"visitnet2: BU with HAO from $COA2 ($W_visitnet2_bu_hao2), BA with type 2 RH to $COA2 ($W_visitnet2_ba_rh22)" \
		"homenet: deregistration BU $HOA -> HA lifetime 0 ($W_homenet_dereg_bu), BA HA -> $HOA status 0 ($W_homenet_dereg_ba)" \
		"return routability with the plain CN and ARs (route optimisation on by default; they answer with Parameter Problems, the tunnel stays): HoTI in the tunnel visitnet $W_visitnet_hoti_tun, visitnet2 $W_visitnet2_hoti_tun, CoTI direct visitnet $W_visitnet_coti_direct, visitnet2 $W_visitnet2_coti_direct, none otherwise; Parameter Problems visitnet $W_visitnet_pp, visitnet2 $W_visitnet2_pp, none to those peers after them" \
		"IPv6-in-IPv6 HA <-> $COA1 on visitnet $W_visitnet_tun_down1/$W_visitnet_tun_up1, HA <-> $COA2 on visitnet2 $W_visitnet2_tun_down2/$W_visitnet2_tun_up2 (down/up); no CN <-> HoA packet outside the tunnel there from the MN's BU on (before, while it did not know it moved: visitnet $W_visitnet_native_early, visitnet2 $W_visitnet2_native_early)" \
		"tshark (UDP checksums verified): nothing malformed, no warning in $((W_homenet_frames + W_visitnet_frames + W_visitnet2_frames)) frames" \
		"xmip-mh-inspect: all $mh_total Mobility Header packets valid, checksums included ($summary)"
}

# ---- 7. clean stop ------------------------------------------------------------------------
clean_stop() {
	local name="9. SIGTERM stops both agents cleanly: nothing left attached, pinned or listening"
	step "$name"
	PROBLEMS=()
	local who pid sock rc
	for who in HA MN; do
		pid=${who}_PID sock=${who}_SOCK
		stop_pid "${!pid}"
		rc=${STOP_STATUS/killed/137}
		((rc == 0)) || PROBLEMS+=("the $who agent exited with status $rc after SIGTERM (137: had to be killed after 5 s)")
		[[ ! -e ${!sock} ]] || PROBLEMS+=("the $who agent left its control socket ${!sock}")
	done
	local xdp
	xdp=$(ip -n "$NS_HA" -d link show dev ha0 | grep -E 'xdp|prog/xdp')
	[[ -z $xdp ]] || PROBLEMS+=("ha0 still has an XDP program: $xdp")
	xdp=$(ip -n "$NS_MN" -d link show dev mn0 | grep -E 'xdp|prog/xdp')
	[[ -z $xdp ]] || PROBLEMS+=("mn0 still has an XDP program: $xdp")
	local tcf
	tcf=$(egress_progs "$NS_MN" mn0)
	[[ -z $tcf ]] || PROBLEMS+=("mn0 still has an egress program (tcx or tc): $(head -2 <<<"$tcf" | paste -sd ' ')")
	local pinned
	pinned=$(cd "$RT_BPFFS" && find . -mindepth 1 | sort | paste -sd ' ')
	[[ $pinned == "$BPFFS_FRESH" ]] ||
		PROBLEMS+=("the bpffs $RT_BPFFS holds more than when it was mounted (${BPFFS_FRESH:-nothing}): $pinned")
	[[ -z $(ha_proxy) ]] || PROBLEMS+=("the HA's proxy ND entries remain: $(ha_proxy)")
	check "$name" PROBLEMS "both exited with status 0 and removed their control sockets" \
		"no XDP program on ha0 or mn0, no tc filter on mn0 egress; nothing pinned in the bpffs (left as mounted: ${BPFFS_FRESH:-empty})"
}

network_reachable
at_home
stream_start
registered_at 2 "movement detection (guide 5.2)" visitnet "$COA1" ""
traffic_away 3 visitnet "$COA1" "$AR_VISIT1"
operator_views
reload_keeps_bindings
mn_routing
registered_at 5 "several visited links (guide 5.5)" visitnet2 "$COA2" "$COA1"
traffic_away 5b visitnet2 "$COA2" "$AR_VISIT2"
back_home
if ((QUICK)); then
	echo "SKIP  7. the real-time test (--quick)"
else
	realtime_test
fi
on_the_wire
if ((FAILED)); then
	diagnostics
	hints
fi
if ((KEEP)); then
	echo "SKIP  9. clean stop (--keep: the agents keep running)"
else
	clean_stop
fi

echo
echo "Handoffs:"
for h in "${HANDOFFS[@]}"; do echo "  $h"; done
if [[ -n ${STREAM_TABLE:-} ]]; then
	echo
	echo "The real-time test: $STREAM_RATE datagrams/s each way; gap = last datagram before the move to first after"
	printf '%s\n' "$STREAM_TABLE"
fi
elapsed=$(awk -v a="$T_START" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
E2E_RESULT_SUFFIX="in $elapsed s"
e2e_result
