#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# shellcheck disable=SC2317 # functions called indirectly (traps, wait_until)
# tests/e2e/mn_route_optimisation_e2e.sh - the mobile node's side of route
# optimisation (issue 13, docs/route-optimisation.md "The mobile node") on a
# link: a real xmipd mobile node (MN) away from home, its xmipd home agent
# (HA), and two correspondents on the "internet": xmipd as a correspondent
# (CN) and one built with scapy (SCN, lib/scapy_ro_cn.py: no xmip code). The
# guide's testbed of agent_roaming_e2e.sh (lib/roaming_topology.sh), visited
# link visitnet only; the scapy correspondent is a port of the switch
# namespace on the internet bridge, and it also reads the MN's own switch
# port (sw-mn0): what the MN really puts on its link.
#
#   R1. route_optimization off (the guide's FAQ 4 switch): CN <-> HoA pings
#       and UDP triangle through the HA (its tunnel counters grow by the
#       traffic), no HoTI or CoTI leaves the MN (capture on its link, its
#       counters), no binding at the CN
#   R2. the switch turned on by SIGHUP; the scapy correspondent: a datagram
#       from the HoA (through the tunnel) starts return routability; the
#       HoTI leaves inside IPv6-in-IPv6 CoA -> HA and reaches SCN from the
#       home network, from the HoA; the CoTI leaves directly from the CoA;
#       HoT and CoT answered with tokens made from SCN's Kcn; the BU: from
#       the CoA with the Home Address option's exact bytes, A set, H clear,
#       lifetime 420 s, the Nonce Indices given, Binding Authorization Data
#       last (8n+2) whose authenticator SCN verifies with Kbm, MH checksum;
#       BA status 0 (authenticated, type 2 routing header) -> the MN's
#       binding update list says bound, xmip_ro_peers has it; then the
#       MN's datagrams reach SCN directly with a Home Address option (UDP
#       checksum valid with the HoA), a datagram and an echo request from
#       SCN with a type 2 routing header reach the HoA (a socket bound to
#       it; the echo reply comes back directly with a Home Address option)
#   R3. xmipd MN <-> xmipd CN: traffic through the tunnel starts return
#       routability, the binding is made at both ends (mipctl bul / bcache);
#       then pings and a UDP stream both ways go direct: on the MN's link
#       CN -> CoA with a type 2 routing header and CoA -> CN with a Home
#       Address option, no IPv6-in-IPv6 between them, the HA's tunnel
#       counters still; tshark finds nothing malformed and verifies UDP and
#       ICMPv6 checksums
#   R4. the real-time stream with route optimisation (the guide's 5.7, as
#       agent_roaming_e2e.sh's test 7): a two-way UDP stream CN <-> HoA,
#       STREAM_RATE datagrams/s each way, from R3's binding on visitnet;
#       the MN moves to visitnet2: home registration from the new CoA, then
#       the route-optimised binding re-established with the CN for it (both
#       ends), and the stream direct again: the HA's tunnel counters still
#       while it flows, CN -> CoA2 with a type 2 routing header and CoA2 ->
#       CN with a Home Address option on the MN's link; the scapy
#       correspondent, gone since R2, out of xmip_ro_peers (the tunnel)
#   R5. back home, the stream still running: the MN deregisters with the HA
#       and the CN (its binding cache empty, xmip_ro_peers empty, the row
#       back to "tunnel"), the stream native
#   R6. the handoff table: per move, home registration and route-optimised
#       binding times, each direction's gap and loss; every handoff
#       completes and the stream resumes both ways, tshark finds nothing
#       malformed in the capture of the whole stream
#   R7. SIGTERM: the three agents stop with status 0, nothing left pinned
#
# Bounded (XMIP_E2E_TIME_LIMIT, 180 s: a hang guard; about 50 s a run);
# namespaces, bpffs, processes and the work dir are removed on exit, also on
# failure.
#
# Usage: mn_route_optimisation_e2e.sh [--xmipd PATH] [--xmip-dp PATH] [--verbose]
# Needs root, iproute2, ethtool, radvd, tcpdump, tshark, ping, /usr/bin/python3 (scapy).
set -uo pipefail

# shellcheck source-path=SCRIPTDIR source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh" # sets HERE, REPO, LIB, PY, SELF
RT_SELF=$HERE/$SELF
# shellcheck source-path=SCRIPTDIR source=lib/roaming_topology.sh
source "$LIB/roaming_topology.sh"

XMIPD=$REPO/build/agent/xmipd/xmipd
XMIP_DP=$REPO/build/agent/tools/xmip-dp
TIME_LIMIT=${XMIP_E2E_TIME_LIMIT:-180}

e2e_parse_args --xmipd=XMIPD:path --xmip-dp=XMIP_DP:path -- "$@"
e2e_require_root
for b in XMIPD XMIP_DP; do
	[[ -x ${!b} ]] || { echo "$SELF: no executable at ${!b} (build first, or --${b,,} PATH)" >&2; exit 2; }
	printf -v "$b" '%s' "$(e2e_abspath "${!b}")"
done
e2e_require_tools ip tc ethtool radvd tcpdump tshark ping mountpoint "$PY"

SCN=2001:db8:2300::20 # the scapy correspondent
MAC_SCN=02:00:00:00:23:20
UDP_PORT=7788
PINGS=10
UDP_COUNT=100
# The real-time stream of R4-R6: datagrams per second each way, and what a
# handoff may cost before it counts as failed (generous, as in
# agent_roaming_e2e.sh: a loaded CI machine must not fail a slow handoff; one
# that never completes fails).
STREAM_RATE=200
STREAM_MAX_GAP_MS=8000
MOVE_TIMEOUT=10

e2e_work xmip-ro-mn
chmod 755 "$WORK" # tcpdump writes its captures here after dropping root
rt_init "xrm$$" "$WORK"
E2E_BG_MERGE=1
CN_SOCK=$WORK/cn.sock
HA_PID=
MN_PID=
CN_PID=
TCPDUMP_PID=
T_START=$EPOCHREALTIME

cleanup() {
	e2e_cleanup_begin
	trap '' PIPE
	[[ -n $TCPDUMP_PID ]] && stop_pid "$TCPDUMP_PID" INT
	if e2e_note_abort || ((FAILED)); then
		local c
		for c in ha mn cn; do
			echo "---- $c.log (last 25 lines) ----"
			tail -n 25 "$WORK/$c.log" 2>/dev/null
		done
		echo "---- the scapy correspondent's errors ----"
		tail -n 10 "$WORK/scn.err" 2>/dev/null
	fi
	[[ -n ${STREAM_TABLE:-} ]] && printf 'the handoff table:\n%s\n' "$STREAM_TABLE"
	stop_pids "${BG_PIDS[@]}"
	rt_down
	[[ -d $WORK && $WORK == */xmip-ro-mn.* ]] && rm -rf "$WORK"
	e2e_leftovers "$RT_BPFFS" "$WORK" "${RT_NAMESPACES[@]}"
	e2e_report_leftovers
	exit "$RC"
}
e2e_arm
trap 'exit 141' PIPE

cn() { ctl "$CN_SOCK" "$1"; }
stat_of() { # SOCK NAME: a signalling counter
	ctl "$1" stats --get "signalling.$2" 2>/dev/null || echo '?'
}
dp_counter() { # SOCK REASON-REGEX: datapath packets over the reasons that match
	local s
	s=$(ctl "$1" stats 2>/dev/null) || { echo 0; return; }
	jget "$s" "sum(c['packets'] for c in r['datapath'] if __import__('re').fullmatch(r'$2', c['reason']))" || echo 0
}
ha_encap() { dp_counter "$HA_SOCK" 'encap|encap_neigh_unresolved'; }
ha_decap() { dp_counter "$HA_SOCK" 'decap'; }
# bul_row PEER: the MN's binding update list row for a correspondent (JSON), or nothing.
bul_row() {
	jget "$(mn bul)" "next(e for e in r if e.get('correspondent') == '$1')"
}
ro_state_is() { [[ $(jget "$(bul_row "$1")" "r['state']") == "$2" ]]; }
ro_bound() { ro_state_is "$1" bound; }
cn_bound() { [[ $(ctl "$CN_SOCK" bcache --get 0.care_of_address 2>/dev/null) == "${1:-$COA1}" ]]; }
# ro_bound_at PEER COA: the MN's row for PEER is bound, for care-of address COA.
ro_bound_at() { ro_bound "$1" && [[ $(jget "$(bul_row "$1")" "r['care_of_address']") == "$2" ]]; }
ms_since() { echo $((($(date +%s%N) - $1) / 1000000)); }
cn_empty() { [[ $(cn bcache) == "[]" ]]; }
mn_ro_map() { ip netns exec "$NS_MN" "$XMIP_DP" --pin-root "$RT_BPFFS" -i mn ro --map mn 2>>"$WORK/setup.log"; }
ping_rx() { # NS ARGS...: "received/sent"
	local ns=$1 out
	shift
	out=$(on "$ns" ping -6 -q -i 0.05 -W 2 -c "$PINGS" "$@" 2>&1)
	sed -n 's/^\([0-9]\+\) packets transmitted, \([0-9]\+\) \(packets \)\{0,1\}received.*/\2\/\1/p' <<<"$out" | grep . || echo "0/?"
}
# udp_both_ways: UDP_COUNT datagrams CN -> HoA and HoA -> CN at once; appends to PROBLEMS and DETAILS.
udp_both_ways() {
	local tag=$1 rx_mn rx_cn tx_cn tx_mn down up
	rm -f "$WORK"/udp.ready.*
	bg "$NS_MN" "$WORK/udp.rx.mn" "$PY" "$LIB/udp_stream.py" recv --bind "$HOA" --port 5001 \
		--count "$UDP_COUNT" --timeout 6 --ready "$WORK/udp.ready.mn" --tag "d$tag$$"
	rx_mn=$!
	bg "$NS_CN" "$WORK/udp.rx.cn" "$PY" "$LIB/udp_stream.py" recv --bind "$CN" --port 5002 \
		--count "$UDP_COUNT" --timeout 6 --ready "$WORK/udp.ready.cn" --tag "u$tag$$"
	rx_cn=$!
	wait_until 5 test -e "$WORK/udp.ready.mn" -a -e "$WORK/udp.ready.cn"
	bg "$NS_CN" "$WORK/udp.tx.cn" "$PY" "$LIB/udp_stream.py" send --src "$CN" --dst "$HOA" --port 5001 \
		--count "$UDP_COUNT" --rate 200 --tag "d$tag$$"
	tx_cn=$!
	bg "$NS_MN" "$WORK/udp.tx.mn" "$PY" "$LIB/udp_stream.py" send --src "$HOA" --dst "$CN" --port 5002 \
		--count "$UDP_COUNT" --rate 200 --tag "u$tag$$"
	tx_mn=$!
	wait "$tx_cn" "$tx_mn" "$rx_mn" "$rx_cn"
	down=$(jget "$(cat "$WORK/udp.rx.mn")" "r['received']" || echo 0)
	up=$(jget "$(cat "$WORK/udp.rx.cn")" "r['received']" || echo 0)
	DETAILS+=("UDP CN -> HoA $down/$UDP_COUNT, HoA -> CN $up/$UDP_COUNT")
	((down == UDP_COUNT && up == UDP_COUNT)) || PROBLEMS+=("UDP: CN -> HoA $down/$UDP_COUNT, HoA -> CN $up/$UDP_COUNT arrived")
	[[ $(jget "$(cat "$WORK/udp.rx.cn")" "','.join(r['sources'])") == "$HOA" ]] ||
		PROBLEMS+=("the CN saw the MN's datagrams from '$(jget "$(cat "$WORK/udp.rx.cn")" "r['sources']")', not the HoA")
}
traffic() { # pings both ways and the UDP stream; PROBLEMS, DETAILS
	local got
	got=$(ping_rx "$NS_CN" "$HOA")
	[[ $got == "$PINGS/$PINGS" ]] || PROBLEMS+=("ping CN -> HoA: $got answered")
	got=$(ping_rx "$NS_MN" -I "$HOA" "$CN")
	[[ $got == "$PINGS/$PINGS" ]] || PROBLEMS+=("ping HoA -> CN: $got answered")
	DETAILS+=("pings CN -> HoA and HoA -> CN: $PINGS/$PINGS each")
	udp_both_ways "$1"
}
capture_start() { # FILE: tcpdump on the MN's switch port
	bg "$NS_SW" "$WORK/tcpdump.out" tcpdump -i sw-mn0 -n -U --immediate-mode -B 8192 -w "$1"
	TCPDUMP_PID=$!
	tcpdump_listening "$WORK/tcpdump.out" || { fail "setup: tcpdump" "$(cat "$WORK/tcpdump.out")"; exit 1; }
}
capture_stop() {
	stop_pid "$TCPDUMP_PID" INT
	TCPDUMP_PID=
}
# wire FILE [COA]: facts about CN <-> HoA traffic in a capture, as shell assignments:
# TUN (IPv6-in-IPv6 with CN <-> HoA inside), RH2 (CN -> CoA, type 2 routing
# header naming the HoA), HAO (CoA -> CN, Home Address option naming the
# HoA), NATIVE (CN <-> HoA outside a tunnel), HOTI, COTI (anywhere, tunnelled
# or not), UDP_OK (UDP checksums tshark verified), ICMP_OK, BAD (malformed or
# an expert error).
wire() {
	tshark -r "$1" -o udp.check_checksum:TRUE -T fields -E occurrence=a -E aggregator=, -E separator='|' \
		-e ipv6.src -e ipv6.dst -e ipv6.nxt -e mip6.mhtype -e ipv6.opt.mipv6.home_address \
		-e ipv6.routing.mipv6.home_address -e udp.checksum.status -e icmpv6.checksum.status \
		-e _ws.malformed -e _ws.expert.severity 2>/dev/null | "$PY" -c '
import sys
from collections import Counter
cn, hoa, coa = sys.argv[1:4]
n = Counter()
for line in sys.stdin:
    src, dst, nxt, mh, hao, rh2, udp_ok, icmp_ok, malformed, sev = line.rstrip("\n").split("|")
    src, dst, nxt = src.split(","), dst.split(","), nxt.split(",")
    if malformed or any(s and int(s) >= 8388608 for s in sev.split(",")):
        n["BAD"] += 1
    if "1" in mh.split(","):
        n["HOTI"] += 1
    if "2" in mh.split(","):
        n["COTI"] += 1
    if nxt[0] == "41" and len(src) > 1 and {src[1], dst[1]} == {cn, hoa}:
        n["TUN"] += 1
    if nxt[0] != "41" and {src[0], dst[0]} == {cn, hoa}:
        n["NATIVE"] += 1
    if src[0] == cn and dst[0] == coa and rh2 == hoa:
        n["RH2"] += 1
    if src[0] == coa and dst[0] == cn and hao == hoa:
        n["HAO"] += 1
    if udp_ok == "1":
        n["UDP_OK"] += 1
    if icmp_ok == "1":
        n["ICMP_OK"] += 1
for k in ("TUN", "RH2", "HAO", "NATIVE", "HOTI", "COTI", "UDP_OK", "ICMP_OK", "BAD"):
    print(f"{k}={n[k]}")
' "$CN" "$HOA" "${2:-$COA1}"
}

# ---- setup -----------------------------------------------------------------------------
echo "xmip mobile node route optimisation: xmipd HA, MN and CN, a scapy CN (testbed $RT_PREFIX, work dir $WORK)"
set -e
rt_up
rt_mount_bpffs
say "testbed up in $(awk -v a="$T_START" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }') s"
BPFFS_FRESH=$(cd "$RT_BPFFS" && find . -mindepth 1 | sort | paste -sd ' ')
# The scapy correspondent: a port of its own on the internet bridge; the
# switch namespace has IPv6 off, so only scapy reads and answers there. The
# routers know its MAC (no Neighbour Discovery to answer).
on "$NS_SW" ip link add scn address $MAC_SCN type veth peer name sw-scn
on "$NS_SW" ip link set sw-scn master internet up
on "$NS_SW" ip link set scn up
on "$NS_R" ip -6 neigh replace $SCN lladdr $MAC_SCN dev r1 nud permanent
on "$NS_AR" ip -6 neigh replace $SCN lladdr $MAC_SCN dev ar0 nud permanent
rt_radvd_conf ar1 $VISIT1_PREFIX >"$WORK/radvd-ar.conf"
rt_radvd_conf ar21 $VISIT2_PREFIX >"$WORK/radvd-ar2.conf"
rt_ha_conf >"$WORK/ha.toml"
# The MN starts with route optimisation off (R1); R2 turns it on by reload.
rt_mn_conf | sed 's/^interface = "mn0"$/&\nroute_optimization = false/' >"$WORK/mn.toml"
grep -q '^route_optimization = false' "$WORK/mn.toml"
cat >"$WORK/cn.toml" <<EOF
role = "correspondent"
instance = "cn"
log_level = "debug"
[paths]
control_socket = "$CN_SOCK"
pin_root = "$RT_BPFFS"
state_dir = "$WORK/state-cn"
[datapath]
interfaces = ["cn0"]
keep_forwarding_on_exit = false
[metrics]
listen = ""
[correspondent]
address = "$CN"
EOF
set +e
bg "$NS_AR" "$WORK/radvd-ar.out" radvd -n -C "$WORK/radvd-ar.conf" -p "$WORK/radvd-ar.pid" -m logfile -l "$WORK/radvd-ar.log"
bg "$NS_AR2" "$WORK/radvd-ar2.out" radvd -n -C "$WORK/radvd-ar2.conf" -p "$WORK/radvd-ar2.pid" -m logfile -l "$WORK/radvd-ar2.log"
start_xmipd HA_PID "$NS_HA" "$WORK/ha.toml" "$WORK/ha.log"
e2e_track "$HA_PID"
start_xmipd CN_PID "$NS_CN" "$WORK/cn.toml" "$WORK/cn.log"
e2e_track "$CN_PID"
start_xmipd MN_PID "$NS_MN" "$WORK/mn.toml" "$WORK/mn.log"
e2e_track "$MN_PID"
for x in "HA $HA_SOCK $HA_PID" "CN $CN_SOCK $CN_PID" "MN $MN_SOCK $MN_PID"; do
	read -r who sock pid <<<"$x"
	wait_agent "$sock" "$pid" || { fail "setup: the $who agent did not start (exit ${AGENT_EXIT:-none})"; exit 1; }
done
COA1=$(eui64 $VISIT1_PREFIX $MAC_MN0)
COA2=$(eui64 $VISIT2_PREFIX $MAC_MN0)
wait_until 5 mn_is home || { fail "setup: the MN does not know it is home" "$(mn status)"; exit 1; }
rt_move visitnet
wait_until 10 mn_is away bound "$COA1" || { fail "setup: no home registration from visitnet" "$(mn bul)"; exit 1; }
say "setup done in $(awk -v a="$T_START" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }') s; MN at $COA1"

# ---- R1 ----------------------------------------------------------------------------------
name="R1. route_optimization off: CN <-> HoA triangles through the HA, no HoTI/CoTI on the wire"
PROBLEMS=()
DETAILS=()
capture_start "$WORK/off.pcap"
e0=$(ha_encap) d0=$(ha_decap)
traffic off
sleep 1.5 # a return routability the traffic started would be on the wire by now
e1=$(ha_encap) d1=$(ha_decap)
capture_stop
eval "$(wire "$WORK/off.pcap")"
want=$((PINGS * 2 + UDP_COUNT))
((e1 - e0 >= want && d1 - d0 >= want)) ||
	PROBLEMS+=("the HA tunnelled $((e1 - e0)) / $((d1 - d0)) packets (to / from the CoA), expected >= $want each")
((HOTI == 0 && COTI == 0)) || PROBLEMS+=("on the MN's link: $HOTI HoTI, $COTI CoTI")
[[ $(stat_of "$MN_SOCK" hoti_sent) == 0 && $(stat_of "$MN_SOCK" coti_sent) == 0 ]] ||
	PROBLEMS+=("MN: hoti_sent $(stat_of "$MN_SOCK" hoti_sent), coti_sent $(stat_of "$MN_SOCK" coti_sent)")
((TUN >= 2 * want && RH2 == 0 && HAO == 0 && NATIVE == 0)) ||
	PROBLEMS+=("on the MN's link: tunnelled $TUN (>= $((2 * want))), RH2 $RH2, HAO $HAO, native $NATIVE (0 each)")
[[ -z $(bul_row "$CN") ]] || PROBLEMS+=("the MN has a correspondent row: $(mn bul)")
cn_empty || PROBLEMS+=("the CN has a binding: $(cn bcache)")
report "$name" "${DETAILS[@]}" "HA: encapsulated $((e1 - e0)), decapsulated $((d1 - d0))" \
	"MN's link: $TUN tunnelled CN <-> HoA packets, no HoTI/CoTI, no RH2/HAO; MN hoti_sent 0, coti_sent 0; CN bcache empty" \
	-- "${PROBLEMS[@]}"

# ---- R2 ----------------------------------------------------------------------------------
name="R2. on (reload), against a scapy CN: HoTI tunnelled, CoTI direct, a BU SCN verifies, direct data both ways"
PROBLEMS=()
sed -i 's/^route_optimization = false$/route_optimization = true/' "$WORK/mn.toml"
kill -HUP "$MN_PID"
wait_until 5 grep -q "reloaded" "$WORK/mn.log" || PROBLEMS+=("the MN did not say it reloaded")
# The MN's socket on its home address, for SCN's route-optimised datagram.
bg "$NS_MN" "$WORK/hoa-listener.out" "$PY" -c 'import socket, sys
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.bind((sys.argv[1], int(sys.argv[2])))
s.settimeout(30)
open(sys.argv[3], "w").close()
while True:
    data, peer = s.recvfrom(2048)
    print(peer[0], data.decode(errors="replace"), flush=True)' "$HOA" $UDP_PORT "$WORK/listener.ready"
wait_until 5 test -e "$WORK/listener.ready" || PROBLEMS+=("no socket on the HoA")
MN_SEND="ip netns exec $NS_MN $PY -c 'import socket, sys
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.bind((sys.argv[1], 0))
s.sendto(sys.argv[4].encode(), (sys.argv[2], int(sys.argv[3])))' $HOA $SCN $UDP_PORT"
SCN_OUT=$(on "$NS_SW" "$PY" "$LIB/scapy_ro_cn.py" --iface scn --wire sw-mn0 --src-mac $MAC_SCN --mac-home $MAC_R1 \
	--mac-visit $MAC_AR0 --mn-mac $MAC_MN0 --cn $SCN --hoa $HOA --coa "$COA1" --ha $HA_ADDR --udp-port $UDP_PORT \
	--mn-send "$MN_SEND" 2>"$WORK/scn.err")
say "scapy CN: $SCN_OUT"
if [[ -z $SCN_OUT ]]; then
	PROBLEMS+=("the scapy correspondent printed nothing: $(tail -n 3 "$WORK/scn.err")")
else
	while IFS= read -r p; do PROBLEMS+=("SCN: $p"); done < <(jget "$SCN_OUT" "'\n'.join(r['problems'])" | grep .)
fi
wait_until 2 grep -q "ro-down" "$WORK/hoa-listener.out"
HEARD=$(grep "ro-down" "$WORK/hoa-listener.out" | head -n 1)
[[ $HEARD == "$SCN ro-down" ]] || PROBLEMS+=("the HoA socket heard '${HEARD:-nothing}', expected '$SCN ro-down'")
ROW=$(bul_row "$SCN")
[[ $(jget "$ROW" "r['state']") == bound && $(jget "$ROW" "r['care_of_address']") == "$COA1" &&
	$(jget "$ROW" "r['sequence']") == $(jget "$SCN_OUT" "r['bu']['sequence']") && $(jget "$ROW" "r['lifetime']") == 420 ]] ||
	PROBLEMS+=("mipctl bul's row for $SCN: ${ROW:-none} (expected bound, $COA1, the BU's sequence, 420 s)")
MAP=$(mn_ro_map)
grep -q "^$HOA $SCN $COA1" <<<"$MAP" || PROBLEMS+=("xmip_ro_peers: '$MAP'")
[[ $(jget "$SCN_OUT" "r['tunnelled_after_ba']") == 0 ]] ||
	PROBLEMS+=("$(jget "$SCN_OUT" "r['tunnelled_after_ba']") packets HoA <-> SCN still tunnelled after the BA")
report "$name" \
	"HoTI: $(jget "$SCN_OUT" "r['hoti_on_wire']") on the link, at SCN $(jget "$SCN_OUT" "r['hoti']")" \
	"CoTI: $(jget "$SCN_OUT" "r['coti_on_wire']") on the link, at SCN $(jget "$SCN_OUT" "r['coti']")" \
	"BU: $(jget "$SCN_OUT" "r['bu']"), on the link $(jget "$SCN_OUT" "r['bu_on_wire']")" \
	"BA sent: $(jget "$SCN_OUT" "r['ba_sent']")" \
	"data up: $(jget "$SCN_OUT" "r['data_up']")" "echo reply: $(jget "$SCN_OUT" "r['echo_reply']")" \
	"the HoA socket heard '$HEARD'; bul: $(jget "$ROW" "[r['state'], r['sequence'], r['lifetime'], r['home_token_age_s'], r['care_of_token_age_s']]"); map: $MAP" \
	-- "${PROBLEMS[@]}"

# ---- R3 ----------------------------------------------------------------------------------
name="R3. xmipd MN <-> xmipd CN: binding at both ends, then traffic direct both ways (RH2 in, HAO out), not via the HA"
PROBLEMS=()
DETAILS=()
# Traffic through the tunnel: the MN's echo replies tell its datapath who the peer is.
ping_rx "$NS_CN" "$HOA" >/dev/null
wait_until 8 ro_bound "$CN" || PROBLEMS+=("the MN's row for $CN: $(bul_row "$CN")")
wait_until 2 cn_bound || PROBLEMS+=("the CN's binding cache: $(cn bcache)")
capture_start "$WORK/ro.pcap"
e0=$(ha_encap) d0=$(ha_decap)
rh2_0=$(dp_counter "$CN_SOCK" 'ro_rh2_added') hao_0=$(dp_counter "$CN_SOCK" 'ro_hao_taken')
traffic ro
e1=$(ha_encap) d1=$(ha_decap)
rh2_1=$(dp_counter "$CN_SOCK" 'ro_rh2_added') hao_1=$(dp_counter "$CN_SOCK" 'ro_hao_taken')
capture_stop
eval "$(wire "$WORK/ro.pcap")"
want=$((PINGS * 2 + UDP_COUNT))
((e1 == e0 && d1 == d0)) || PROBLEMS+=("the HA still tunnels: encapsulated +$((e1 - e0)), decapsulated +$((d1 - d0))")
((RH2 >= want && HAO >= want && TUN == 0 && NATIVE == 0)) ||
	PROBLEMS+=("on the MN's link: RH2 $RH2, HAO $HAO (>= $want each), tunnelled $TUN, native $NATIVE (0 each)")
((BAD == 0 && UDP_OK >= 2 * UDP_COUNT && ICMP_OK >= 4 * PINGS)) ||
	PROBLEMS+=("tshark: $BAD malformed or erroneous; checksums verified: UDP $UDP_OK (>= $((2 * UDP_COUNT))), ICMPv6 $ICMP_OK (>= $((4 * PINGS)))")
((rh2_1 - rh2_0 >= want && hao_1 - hao_0 >= want)) ||
	PROBLEMS+=("CN datapath: ro_rh2_added +$((rh2_1 - rh2_0)), ro_hao_taken +$((hao_1 - hao_0)) (>= $want each)")
ROW=$(bul_row "$CN")
report "$name" "MN bul: $(jget "$ROW" "[r['state'], r['care_of_address'], r['lifetime'], r['home_token_age_s'], r['care_of_token_age_s']]"); CN bcache: $HOA -> $COA1" \
	"${DETAILS[@]}" "HA: nothing encapsulated or decapsulated meanwhile" \
	"MN's link: CN -> CoA with RH2 $RH2, CoA -> CN with HAO $HAO, tunnelled 0; tshark: nothing malformed, $UDP_OK UDP and $ICMP_OK ICMPv6 checksums verified" \
	"CN datapath: ro_rh2_added +$((rh2_1 - rh2_0)), ro_hao_taken +$((hao_1 - hao_0))" -- "${PROBLEMS[@]}"

# ---- R4 ----------------------------------------------------------------------------------
# The real-time stream: sequence-numbered datagrams both ways (lib/udp_stream.py),
# their kernel arrival times logged; each move's moment goes to $WORK/moves.
STREAM_TABLE=
declare -A HOME_MS RO_MS
move_mn() { # FROM TO
	echo "$1->$2 $EPOCHREALTIME" >>"$WORK/moves"
	rt_move "$2"
}
stream_start() {
	local n=$((STREAM_RATE * TIME_LIMIT)) x ns port bind d
	rm -f "$WORK"/stream.ready.*
	for x in "$NS_MN 5101 $HOA down" "$NS_CN 5102 $CN up"; do
		read -r ns port bind d <<<"$x"
		bg "$ns" "$WORK/stream.rx.$d" "$PY" "$LIB/udp_stream.py" recv --bind "$bind" --port "$port" \
			--count "$n" --timeout "$TIME_LIMIT" --ready "$WORK/stream.ready.$d" --tag "s$d$$" \
			--arrivals "$WORK/stream.$d"
		STREAM_RX+=($!)
	done
	wait_until 5 test -e "$WORK/stream.ready.down" -a -e "$WORK/stream.ready.up" ||
		PROBLEMS+=("the stream's receivers are not ready after 5 s")
	bg "$NS_CN" "$WORK/stream.tx.down" "$PY" "$LIB/udp_stream.py" send --src "$CN" --dst "$HOA" --port 5101 \
		--count "$n" --rate "$STREAM_RATE" --tag "sdown$$"
	STREAM_TX+=($!)
	bg "$NS_MN" "$WORK/stream.tx.up" "$PY" "$LIB/udp_stream.py" send --src "$HOA" --dst "$CN" --port 5102 \
		--count "$n" --rate "$STREAM_RATE" --tag "sup$$"
	STREAM_TX+=($!)
}
name="R4. the real-time stream, visitnet -> visitnet2: home registration, then the binding with the CN re-established for CoA2, the stream direct again"
PROBLEMS=()
STREAM_RX=()
STREAM_TX=()
: >"$WORK/moves"
capture_start "$WORK/stream.pcap"
stream_start
sleep 1 # a steady, route-optimised stream before the move
t0=$(date +%s%N)
move_mn visitnet visitnet2
wait_until $MOVE_TIMEOUT mn_is away bound "$COA2" || PROBLEMS+=("no home registration for $COA2: $(mn bul)")
HOME_MS[visitnet2]=$(ms_since "$t0")
wait_until $MOVE_TIMEOUT ro_bound_at "$CN" "$COA2" || PROBLEMS+=("the MN's row for $CN: $(bul_row "$CN")")
wait_until 3 cn_bound "$COA2" || PROBLEMS+=("the CN's binding cache: $(cn bcache)")
RO_MS[visitnet2]=$(ms_since "$t0")
# The scapy correspondent of R2 has gone: it answers no care-of test from
# CoA2, so its entry left the datapath at the move (its packets take the
# tunnel, no black hole); the xmipd CN's is back for CoA2.
MAP=$(mn_ro_map)
[[ $(grep -c . <<<"$MAP") == 1 && $MAP == "$HOA $CN $COA2"* ]] ||
	PROBLEMS+=("xmip_ro_peers after the move: '$MAP' (expected only $HOA $CN $COA2)")
sleep 0.3 # what the tunnel carried before both ends had the binding lands
e0=$(ha_encap) d0=$(ha_decap)
sleep 1.5
e1=$(ha_encap) d1=$(ha_decap)
((e1 == e0 && d1 == d0)) ||
	PROBLEMS+=("the HA still tunnels the stream on visitnet2: encapsulated +$((e1 - e0)), decapsulated +$((d1 - d0)) in 1.5 s")
report "$name" "mipctl shows the home registration from $COA2 ${HOME_MS[visitnet2]} ms after the port moved, the route-optimised binding with $CN for $COA2 at both ends after ${RO_MS[visitnet2]} ms (polled: the wire's times are in R6's table)" \
	"xmip_ro_peers: only $CN for $COA2 (the gone scapy CN's entry removed at the move: its packets take the tunnel)" \
	"then 1.5 s of the stream ($STREAM_RATE/s each way) with the HA's tunnel counters still" -- "${PROBLEMS[@]}"

# ---- R5 ----------------------------------------------------------------------------------
name="R5. back home, the stream still running: the MN deregisters with the HA and the CN"
PROBLEMS=()
t0=$(date +%s%N)
move_mn visitnet2 homenet
wait_until $MOVE_TIMEOUT mn_is home at-home || PROBLEMS+=("the MN is not at home: $(mn bul)")
HOME_MS[homenet]=$(ms_since "$t0")
wait_until 5 cn_empty || PROBLEMS+=("the CN still has a binding: $(cn bcache)")
# Its authenticated BA (Kbm from the home keygen token alone) accepted: the row is back to "tunnel".
wait_until 3 ro_state_is "$CN" tunnel || PROBLEMS+=("the MN's row for $CN: $(bul_row "$CN")")
RO_MS[homenet]=$(ms_since "$t0")
[[ -z $(mn_ro_map) ]] || PROBLEMS+=("xmip_ro_peers still has entries: $(mn_ro_map)")
sleep 1 # the stream native for a second, so the last silence has an end
report "$name" "mipctl shows the deregistration with the HA ${HOME_MS[homenet]} ms after the port moved, with the CN after ${RO_MS[homenet]} ms (polled): the CN's binding cache is empty; the MN's row for $CN: $(jget "$(bul_row "$CN")" "r['state']") (BA accepted), xmip_ro_peers empty" -- "${PROBLEMS[@]}"

# ---- R6 ----------------------------------------------------------------------------------
name="R6. the handoff table: every handoff completed, the stream resumed both ways, the capture clean"
PROBLEMS=()
stop_pids "${STREAM_TX[@]}"
sleep 0.3 # what is in flight lands
stop_pids "${STREAM_RX[@]}"
capture_stop
for d in down up; do
	"$PY" "$LIB/udp_stream.py" handoffs --arrivals "$WORK/stream.$d" --moves "$WORK/moves" \
		>"$WORK/stream.handoffs.$d" 2>&1 || PROBLEMS+=("analysing the $d stream failed: $(cat "$WORK/stream.handoffs.$d")")
done
verdict=$("$PY" - "$WORK" "$STREAM_RATE" "$STREAM_MAX_GAP_MS" <<'PYEOF'
import json, sys
work, rate, max_gap = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
moves = [l.split()[0] for l in open(f"{work}/moves") if l.strip()]
for d, what in (("down", "CN -> HoA"), ("up", "HoA -> CN")):
    byname = {r["move"]: r for r in map(json.loads, open(f"{work}/stream.handoffs.{d}"))}
    for m in moves:
        r = byname.get(m)
        if not r or not r["resumed"]:
            print(f"{what}: the stream never resumed after {m}")
        elif r["gap_ms"] > max_gap or r["lost"] > rate * max_gap / 1000:
            print(f"{what}: {m} silenced the stream for {r['gap_ms']} ms, {r['lost']} lost (bounds {max_gap:.0f} ms, {rate * max_gap / 1000:.0f})")
    t = byname.get("total", {})
    other = t.get("lost", 0) - sum(byname[m]["lost"] for m in moves if m in byname and byname[m]["resumed"])
    if other > max(20, t.get("highest", 0) // 100):
        print(f"{what}: {other} datagrams lost outside the handoffs (of {t.get('highest', 0) + 1})")
PYEOF
)
[[ -z $verdict ]] || mapfile -t -O "${#PROBLEMS[@]}" PROBLEMS <<<"$verdict"
# The handoff times from the capture on the MN's port (mipctl is polled, the
# wire is not): per move, from the move to the first BA from the HA, the
# first BA from the CN, and the first CN -> HoA datagram on the new path
# (direct with a type 2 routing header on visitnet2, native at home).
tshark -r "$WORK/stream.pcap" -T fields -E occurrence=f -E separator='|' -e frame.time_epoch -e ipv6.src \
	-e ipv6.dst -e ipv6.nxt -e mip6.mhtype -e ipv6.routing.mipv6.home_address -e udp.dstport \
	>"$WORK/stream.fields" 2>/dev/null || PROBLEMS+=("tshark could not read the stream's capture")
STREAM_TABLE=$("$PY" - "$WORK" "$STREAM_RATE" "$HA_ADDR" "$CN" "$HOA" "$COA2" <<'PYEOF'
import json, sys
work, rate, ha, cn, hoa, coa2 = sys.argv[1], int(sys.argv[2]), *sys.argv[3:7]
moves = [(l.split()[0], float(l.split()[1])) for l in open(f"{work}/moves") if l.strip()]
frames = []
for line in open(f"{work}/stream.fields"):
    t, src, dst, nxt, mh, rh2, dport = line.rstrip("\n").split("|")
    frames.append((float(t), src, dst, nxt, mh, rh2, dport))
def first(t0, pred):
    t = next((f[0] for f in frames if f[0] >= t0 and pred(f)), None)
    return "never" if t is None else f"{(t - t0) * 1000:.0f}"
rows = {}
for d in ("down", "up"):
    for r in map(json.loads, open(f"{work}/stream.handoffs.{d}")):
        rows.setdefault(r["move"], {})[d] = r
def cell(r, k):
    return str(r.get(k, "-")) if r and r.get("resumed", True) else "never"
print("| handoff | BA from the HA (ms) | BA from the CN (ms) | CN -> HoA on the new path (ms) | CN -> HoA gap (ms) | lost | HoA -> CN gap (ms) | lost |")
print("|---|---:|---:|---:|---:|---:|---:|---:|")
for move, t0 in moves:
    home = move.endswith("homenet")
    new_path = (lambda f: f[1] == cn and f[2] == hoa and f[3] == "17" and f[6] == "5101") if home else \
        (lambda f: f[1] == cn and f[2] == coa2 and f[5] == hoa and not f[4] and f[6] == "5101")
    dn, up = rows.get(move, {}).get("down"), rows.get(move, {}).get("up")
    print(f"| {move.replace('->', ' -> ')} | {first(t0, lambda f: f[1] == ha and f[4] == '6')} | "
          f"{first(t0, lambda f: f[1] == cn and f[4] == '6')} | {first(t0, new_path)} | "
          f"{cell(dn, 'gap_ms')} | {cell(dn, 'lost')} | {cell(up, 'gap_ms')} | {cell(up, 'lost')} |")
t = rows.get("total", {})
print(f"| whole stream ({rate}/s each way) | | | | received {t.get('down', {}).get('received', '?')} | {t.get('down', {}).get('lost', '?')} | received {t.get('up', {}).get('received', '?')} | {t.get('up', {}).get('lost', '?')} |")
PYEOF
)
grep -q never <<<"$STREAM_TABLE" && PROBLEMS+=("a BA or the new path never showed on the MN's link (table below)")
# Back home, the correspondent's deregistration leaves only once the home
# agent's BA is in (before, its BA to the home address would be tunnelled to
# the care-of address the MN left): on the wire, BU to the CN after that BA.
ORDER=$("$PY" - "$WORK" "$HA_ADDR" "$CN" "$HOA" <<'PYEOF'
import sys
work, ha, cn, hoa = sys.argv[1:5]
t_home = [float(l.split()[1]) for l in open(f"{work}/moves") if l.startswith("visitnet2->homenet")][0]
ha_ba = cn_bu = None
for line in open(f"{work}/stream.fields"):
    t, src, dst, nxt, mh, rh2, dport = line.rstrip("\n").split("|")
    t = float(t)
    if t < t_home:
        continue
    if ha_ba is None and src == ha and dst == hoa and mh == "6":
        ha_ba = t
    if cn_bu is None and src == hoa and dst == cn and mh == "5":
        cn_bu = t
if ha_ba is None or cn_bu is None:
    print(f"at home: the HA's BA {'seen' if ha_ba else 'missing'}, the BU to the CN {'seen' if cn_bu else 'missing'}")
elif cn_bu < ha_ba:
    print(f"at home: the BU to the CN left {(ha_ba - cn_bu) * 1000:.1f} ms before the HA's BA arrived")
else:
    print(f"ok {(cn_bu - ha_ba) * 1000:.1f}")
PYEOF
)
[[ $ORDER == ok* ]] || PROBLEMS+=("$ORDER")
eval "$(wire "$WORK/stream.pcap" "$COA2")"
# On visitnet2 after the re-binding: at least a second of the stream direct each way.
((RH2 >= STREAM_RATE && HAO >= STREAM_RATE)) ||
	PROBLEMS+=("on the MN's link: CN -> $COA2 with RH2 $RH2, $COA2 -> CN with HAO $HAO (>= $STREAM_RATE each)")
((NATIVE >= STREAM_RATE / 2)) || PROBLEMS+=("on the MN's link: $NATIVE native CN <-> HoA datagrams at home (>= $((STREAM_RATE / 2)))")
((BAD == 0)) || PROBLEMS+=("tshark: $BAD malformed or erroneous packets in the stream's capture")
report "$name" "ms from the port's move, on the MN's link: the BA from the HA and from the CN (back home: to the deregistrations), the first CN -> HoA datagram direct (RH2 to $COA2) or, at home, native; gap: the last datagram before the move to the first after, at the receiver" \
	"MN's link: CN -> $COA2 with RH2 $RH2, $COA2 -> CN with HAO $HAO, native at home $NATIVE, tunnelled $TUN; tshark: nothing malformed" \
	"back home, the BU to the CN left ${ORDER#ok } ms after the HA's BA arrived" \
	-- "${PROBLEMS[@]}"
printf '%s\n' "$STREAM_TABLE" | sed 's/^/        /'

# ---- R7 ----------------------------------------------------------------------------------
name="R7. SIGTERM: the three agents stop with status 0, nothing left pinned"
PROBLEMS=()
for x in "MN $MN_PID" "CN $CN_PID" "HA $HA_PID"; do
	read -r who pid <<<"$x"
	stop_pid "$pid"
	[[ $STOP_STATUS == 0 ]] || PROBLEMS+=("the $who agent: exit status $STOP_STATUS")
done
pinned=$(cd "$RT_BPFFS" && find . -mindepth 1 | sort | paste -sd ' ')
[[ $pinned == "$BPFFS_FRESH" ]] || PROBLEMS+=("pinned: $pinned")
report "$name" "exit status 0 each, nothing pinned" -- "${PROBLEMS[@]}"

E2E_RESULT_SUFFIX="in $(awk -v a="$T_START" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }') s"
e2e_result
