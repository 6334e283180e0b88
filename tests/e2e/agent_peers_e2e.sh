#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# tests/e2e/agent_peers_e2e.sh - xmipd against independent peers built with
# scapy, on network namespaces. Every packet the peers send is built by scapy
# (or byte by byte), every answer dissected by scapy and checked with
# xmip-mh-inspect (xmip's own decoder, which verifies the MH checksum with the
# RFC 6275 pseudo-header rules) and an independent checksum in Python.
#
# Part A - xmipd is the home agent, scapy the mobile node:
#
#   HOME (a home-link host)        HA (xmipd, role ha)           MNA (scapy MN)
#   h0 2001:db8:2700::1/64 ---- ha0 2001:db8:2700::2/64 (home link)
#                                  ha1 2001:db8:3::1/64 ---- m0 2001:db8:3::100/64 (CoA)
#                                                               2001:db8:3::101/64 (2nd CoA)
#   A1. registration: a BU (HAO, A|H|L, seq N, lifetime L) is answered within 3 s
#       by a valid BA: status 0, sequence N, lifetime <= L, RH2 = HoA, to the CoA
#   A2. state: bcache HoA -> CoA, proxy ND entry for the HoA on the home link,
#       the datapath binding; a home-link host's ping to the HoA arrives at the
#       CoA tunnelled (outer HA -> CoA, next header 41, inner -> HoA)
#   A2b. the home link while the MN is away: the home-link host's NUD probe
#       for the HoA (unicast to the HA's MAC) is answered, its entry stays
#       REACHABLE through the HA's MAC (RFC 6275 10.4.1; not tunnelled); L was
#       set, so an NS for fe80::<HoA's interface identifier> is answered too
#   A2c. the home link's MAC changes under the running HA (ip link set
#       address): the datapath's answer for the HoA names the new MAC; back
#       to the old one, the old one again
#   A3. an older sequence number gets status 135 with the last accepted one;
#       the binding does not change (the BU came from another CoA)
#   A4. a home address outside the home prefix (no security association)
#       gets status 146: authentication comes first (docs/security.md)
#   A5. deregistration (lifetime 0) gets status 0 and removes the binding, the
#       proxy entry and the datapath binding
#   A6. a BU with a bad MH checksum and a truncated one get no answer, are
#       counted as invalid, and the agent still answers the next valid BU
#   A7. an unknown MH type (50) gets a Binding Error, status 2
#   A8. SIGTERM stops the agent cleanly: exit 0, XDP detached, maps unpinned,
#       the proxy entry withdrawn
#
# Part B - xmipd is the mobile node, scapy the home agent (and the visited
# link's router: tests/e2e/lib/scapy_ha.py):
#
#   MN (xmipd, role mn)                     VIS (scapy HA + access router)
#   mn0 02:00:00:00:03:64 ------------------- v0 02:00:00:00:03:01, fe80::ff:fe00:301
#       HoA 2001:db8:2700::4, HA 2001:db8:2700::2 (reached through VIS)
#
#   B1. after scapy's RA for 2001:db8:3::/64 the MN sends a BU from its EUI-64
#       care-of address, valid per xmip-mh-inspect and per scapy (HAO = HoA,
#       A and H set, lifetime as configured, checksum verified independently)
#   B2. after scapy's BA the binding update list says "bound" with that CoA
#       and sequence, and the MN's datapath holds HoA: local CoA, remote HA
#   B3. a BA with a wrong sequence number is ignored (ba_drop_misc + 1, the
#       binding update list unchanged)
#   B4. SIGTERM stops the agent cleanly: exit 0, XDP and tc detached, maps
#       unpinned, the care-of address and the default route it added removed
#
# Each check prints one PASS/FAIL line; the exit status is non-zero if any
# fails. Everything (namespaces, a private bpffs, the agents, the captures,
# the temp dir) is removed on exit, also on failure or interruption.
#
# Usage: agent_peers_e2e.sh [--xmipd PATH] [--mh-inspect PATH] [--xmip-dp PATH] [--verbose]
# Needs root, iproute2, ethtool, tcpdump, tshark, ping, /usr/bin/python3 with scapy.
set -uo pipefail
# With pipefail, `cmd | grep -q` fails at random when grep exits before cmd
# has written everything (SIGPIPE; measured: 3 in 10 for `ip addr show`):
# match on captured output instead (grep -q PATTERN <<<"$(cmd)").

# shellcheck source-path=SCRIPTDIR source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh" # sets HERE, REPO, LIB, PY, SELF

XMIPD=$REPO/build/agent/xmipd/xmipd
MH_INSPECT=$REPO/build/agent/tools/xmip-mh-inspect
XMIP_DP=$REPO/build/agent/tools/xmip-dp
TIME_LIMIT=${XMIP_E2E_TIME_LIMIT:-110} # seconds; the run is aborted (and cleaned up) beyond it

e2e_parse_args --xmipd=XMIPD:path --mh-inspect=MH_INSPECT:path --xmip-dp=XMIP_DP:path -- "$@"
e2e_require_root
for b in "$XMIPD" "$MH_INSPECT" "$XMIP_DP"; do
	[[ -x $b ]] || { echo "$SELF: no executable $b (build first, or pass its path)" >&2; exit 2; }
done
XMIPD=$(e2e_abspath "$XMIPD")
MH_INSPECT=$(e2e_abspath "$MH_INSPECT")
XMIP_DP=$(e2e_abspath "$XMIP_DP")
e2e_require_tools ip tc bpftool ethtool tcpdump tshark ping mountpoint "$PY"
"$PY" -c 'import scapy' 2>/dev/null || { echo "$SELF: python3-scapy missing" >&2; exit 2; }

# ---- addresses -----------------------------------------------------------------
HA=2001:db8:2700::2
HOME_PREFIX=2001:db8:2700::/64
HOME_NB=2001:db8:2700::1    # a host on the home link
HOA=2001:db8:2700::4
FOREIGN_HOA=2001:db8:2800::4 # outside every home prefix
HA_VISITED=2001:db8:3::1
VISITED_PREFIX=2001:db8:3::/64
COA=2001:db8:3::100
COA2=2001:db8:3::101
MAC_HA0=02:00:00:00:27:02
MAC_HOME=02:00:00:00:27:01
MAC_HA1=02:00:00:00:03:01
MAC_MNA=02:00:00:00:03:64
MAC_MNB=02:00:00:00:03:64
MAC_VIS=02:00:00:00:03:01

SPI=4097      # RFC 4285 security association of the scapy MN with the xmipd HA
MN_KEY=$(e2e_random_key) # its key, new every run
SEQ=1000      # N: the sequence number of the first registration (part A)
LIFETIME=400  # L: seconds asked for (part A)
MN_LIFETIME=480 # mobile_node.lifetime (part B)

# ---- lifetime: one work dir, a trap that always cleans up ----------------------
e2e_work xmip-peers
P=xpe$$r$RANDOM
NS_HA=$P-ha
NS_HOME=$P-home
NS_MNA=$P-mna
NS_MNB=$P-mnb
NS_VIS=$P-vis
NAMESPACES=("$NS_HA" "$NS_HOME" "$NS_MNA" "$NS_MNB" "$NS_VIS")
BPFFS=$WORK/bpffs
HA_PID=
MN_PID=
# shellcheck disable=SC2317 # called from the EXIT trap
show_logs() {
	local f
	for f in "$WORK"/xmipd-*.log; do
		[[ -s $f ]] || continue
		echo "---- ${f##*/} (last 40 lines) ----"
		tail -n 40 "$f"
	done
	if [[ -s $WORK/mn0-address-events.log ]]; then
		echo "---- address events in the mobile node's namespace ----"
		tail -n 20 "$WORK/mn0-address-events.log"
	fi
	for f in "$WORK"/*.err; do
		[[ -s $f ]] || continue
		echo "---- ${f##*/} ----"
		tail -n 10 "$f"
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
	stop_pids "$HA_PID" "$MN_PID" "${BG_PIDS[@]}"
	e2e_remove_testbed xmip-peers "$BPFFS" "$WORK" "${NAMESPACES[@]}"
	e2e_leftovers "$BPFFS" "$WORK" "${NAMESPACES[@]}"
	# shellcheck disable=SC2086 # empty PIDs vanish
	e2e_left_pids $HA_PID $MN_PID "${BG_PIDS[@]}"
	e2e_report_leftovers
	exit "$RC"
}
e2e_arm
E2E_MUST_HINT="the command failed; the environment is not usable (see setup.log below)"

# ---- small helpers ---------------------------------------------------------------
# jget FILE PATH: a value from a JSON file (dotted path); empty if missing.
jget() {
	"$PY" - "$1" "$2" <<'EOF' 2>/dev/null
import json, sys
v = json.load(open(sys.argv[1]))
for part in sys.argv[2].split("."):
    v = v[int(part)] if isinstance(v, list) else v[part]
print(v if isinstance(v, str) else json.dumps(v))
EOF
}
dp() { local ns=$1 inst=$2; shift 2; on "$ns" "$XMIP_DP" --pin-root "$BPFFS" -i "$inst" "$@"; }
# dp_binding NS INSTANCE HOA: "remote local" of the datapath binding, or nothing.
dp_binding() { dp "$1" "$2" binding list 2>/dev/null | awk -v h="$3" 'NR > 1 && $1 == h { print $2, $3 }'; }
# agent_up SOCKET PID: wait_agent; on failure AGENT_PROBLEM says why.
AGENT_PROBLEM=
agent_up() {
	wait_agent "$1" "$2" && return 0
	if [[ -n $AGENT_EXIT ]]; then
		AGENT_PROBLEM="xmipd exited with status $AGENT_EXIT before its control socket $1 answered (its log is below)"
	else
		AGENT_PROBLEM="its control socket $1 did not answer within 5 s (its log is below)"
	fi
	return 1
}

# probe OUT ARGS...: the scapy mobile node (part A) sends one packet from the
# visited link; OUT gets its JSON report, OUT.inspect xmip-mh-inspect's view of
# the answer (if any).
probe() {
	local out=$1
	shift
	# Authenticated with the MN's security association unless the call says
	# otherwise (a later --key/--spi wins).
	on "$NS_MNA" "$PY" "$LIB/scapy_mn_probe.py" --iface m0 --dst-mac "$MAC_HA1" --ha "$HA" \
		--key "$MN_KEY" --spi $SPI --verify-key "$MN_KEY" --verify-spi $SPI "$@" \
		>"$out" 2>"$out.err"
	local reply
	reply=$(jget "$out" reply)
	rm -f "$out.inspect"
	if [[ -n $reply && $reply != null ]]; then
		"$MH_INSPECT" "$reply" >"$out.inspect" 2>&1
	fi
	return 0
}
# ins OUT FIELD: a field of xmip-mh-inspect's view of the answer.
ins() { [[ -f $1.inspect ]] && jget "$1.inspect" "$2"; }
# The Replay Protection timestamp of the BU a probe sent.
sent_timestamp() {
	"$PY" -c 'import sys; sys.path.insert(0, sys.argv[2]); import mh_wire, rfc4285
w = mh_wire.walk(bytes.fromhex(sys.argv[1])); print(rfc4285.replay_timestamp(w["mh"]) if w["mh"] else None)' \
		"$(jget "$1" sent)" "$LIB"
}
ha_stat() { ctl "$WORK/ha.sock" stats --get "signalling.$1"; }
mn_stat() { ctl "$WORK/mn.sock" stats --get "signalling.$1"; }
# Checks on an answer (the BA or BE in OUT) against what is expected; each
# failed expectation appends to the array named PROBLEMS.
expect_eq() { # WHAT GOT WANT
	[[ $2 == "$3" ]] || PROBLEMS+=("$1: got '${2:-nothing}', expected '$3'")
}

echo "xmipd against independent scapy peers (namespaces $P-*, work dir $WORK)"

# =================================================================================
# Part A: xmipd home agent, scapy mobile node
# =================================================================================
setup_part_a() {
	local n
	for n in "$NS_HA" "$NS_HOME" "$NS_MNA"; do
		must ip netns add "$n"
		must on "$n" ip link set lo up
		must on "$n" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0 \
			net.ipv6.conf.default.router_solicitations=0
	done
	must ip -n "$NS_HA" link add ha0 address $MAC_HA0 type veth peer name h0 netns "$NS_HOME" address $MAC_HOME
	must ip -n "$NS_HA" link add ha1 address $MAC_HA1 type veth peer name m0 netns "$NS_MNA" address $MAC_MNA
	must ip -n "$NS_HA" link set ha0 up
	must ip -n "$NS_HA" link set ha1 up
	must ip -n "$NS_HOME" link set h0 up
	must ip -n "$NS_MNA" link set m0 up
	# The HA redirects into ha1 (tunnel, BA) and maybe ha0: their peers need
	# NAPI (an XDP program; GRO too) or the frames are lost (docs/datapath.md,
	# "veth peers"); the hosts compute
	# checksums in software (a frame redirected by XDP loses CHECKSUM_PARTIAL).
	must on "$NS_HOME" ethtool -K h0 gro on tx-checksumming off
	must on "$NS_MNA" ethtool -K m0 gro on tx-checksumming off
	must e2e_peer_xdp "$NS_HOME" h0
	must e2e_peer_xdp "$NS_MNA" m0
	must ip -n "$NS_HA" -6 addr add $HA/64 dev ha0 nodad
	must ip -n "$NS_HA" -6 addr add $HA_VISITED/64 dev ha1 nodad
	must ip -n "$NS_HOME" -6 addr add $HOME_NB/64 dev h0 nodad
	must ip -n "$NS_MNA" -6 addr add $COA/64 dev m0 nodad
	must ip -n "$NS_MNA" -6 addr add $COA2/64 dev m0 nodad
	# The scapy MN's key: private to root, as xmipd insists (docs/security.md).
	e2e_write_key "$WORK/mn.key" "$MN_KEY"
	cat >"$WORK/ha.toml" <<EOF
role = "ha"
log_level = "debug"
[paths]
control_socket = "$WORK/ha.sock"
pin_root = "$BPFFS"
state_dir = "$WORK/state-ha"
[datapath]
interfaces = ["ha0", "ha1"]
# A8 checks the stop that detaches with bindings present (the default keeps
# them forwarding for the next start: tests/e2e/agent_restart_e2e.sh).
keep_forwarding_on_exit = false
[metrics]
listen = ""
[home_agent]
address = "$HA"
home_link = "ha0"
prefixes = ["$HOME_PREFIX"]
[[home_agent.security_associations]]
home_address = "$HOA"
spi = $SPI
key_file = "$WORK/mn.key"
EOF
	start_xmipd HA_PID "$NS_HA" "$WORK/ha.toml" "$WORK/xmipd-ha.log"
	agent_up "$WORK/ha.sock" "$HA_PID"
}

# A1 ------------------------------------------------------------------------------
check_registration() {
	local name="A1. registration: BU (HAO, A|H|L, seq $SEQ, lifetime $LIFETIME s) from the CoA is acknowledged" out=$WORK/a1.json
	local PROBLEMS=()
	probe "$out" --kind bu --coa $COA --hoa $HOA --seq $SEQ --lifetime $LIFETIME --timeout 3 --flags AHL
	local el lt
	el=$(jget "$out" elapsed_s)
	if [[ ! -s $out.inspect ]]; then
		fail "$name" "no Binding Acknowledgement reached the CoA $COA within 3 s" \
			"(the HA performs DAD for the HoA on the home link first, about 1 s)"
		return
	fi
	[[ $(ins "$out" valid) == true ]] || PROBLEMS+=("xmip-mh-inspect rejects the BA: $(ins "$out" error)")
	[[ $(jget "$out" dissected.checksum_ok) == true ]] || PROBLEMS+=("independent checksum (pseudo-header dst = RH2 home address) does not verify")
	expect_eq "MH type" "$(ins "$out" mh_type)" 6
	expect_eq "status" "$(ins "$out" status)" 0
	expect_eq "sequence" "$(ins "$out" sequence)" $SEQ
	expect_eq "IPv6 source" "$(ins "$out" src)" $HA
	expect_eq "IPv6 destination" "$(ins "$out" dst)" $COA
	expect_eq "type 2 routing header" "$(ins "$out" type2_routing_header)" $HOA
	expect_eq "scapy: RH2 segments left" "$(jget "$out" dissected.rh2_segleft)" 1
	expect_eq "BA authenticator (RFC 4285, verified with Python's hmac)" "$(jget "$out" dissected.auth_ok)" true
	[[ $(jget "$out" dissected.ba_timestamp) == "$(sent_timestamp "$out")" ]] ||
		PROBLEMS+=("the BA's Replay Protection $(jget "$out" dissected.ba_timestamp) does not echo the BU's $(sent_timestamp "$out")")
	lt=$(ins "$out" lifetime)
	((${lt:-0} > 0 && ${lt:-0} <= LIFETIME)) || PROBLEMS+=("granted lifetime ${lt:-?} s, expected 1..$LIFETIME")
	awk -v e="${el:-99}" 'BEGIN { exit !(e <= 3.0) }' || PROBLEMS+=("answered after ${el} s, more than 3 s")
	report "$name" "BA from $HA to $COA after ${el} s: status 0, seq $SEQ, lifetime ${lt} s, RH2 = $HOA; checksum valid (xmip-mh-inspect and an independent one)" -- "${PROBLEMS[@]}"
}

# A2 ------------------------------------------------------------------------------
check_state() {
	local name="A2. state: binding cache, proxy ND on the home link, datapath binding, tunnel to the CoA"
	local PROBLEMS=() bc proxy dpb pcap=$WORK/a2.pcap tcpd counts total tunnelled leaked i
	bc=$(ctl "$WORK/ha.sock" bcache)
	expect_eq "bcache entries" "$("$PY" -c 'import json,sys; print(len(json.loads(sys.argv[1])))' "$bc" 2>/dev/null)" 1
	expect_eq "bcache home address" "$(ctl "$WORK/ha.sock" bcache --get 0.home_address)" $HOA
	expect_eq "bcache care-of address" "$(ctl "$WORK/ha.sock" bcache --get 0.care_of_address)" $COA
	expect_eq "bcache state" "$(ctl "$WORK/ha.sock" bcache --get 0.state)" active
	expect_eq "bcache sequence" "$(ctl "$WORK/ha.sock" bcache --get 0.sequence)" $SEQ
	proxy=$(ip -n "$NS_HA" -6 neigh show proxy)
	# The XDP program answers for it from the bindings map (home_agent.nd_proxy
	# = "datapath", the default; A2b checks the answer): no kernel entry.
	grep -q "^$HOA dev ha0" <<<"$proxy" && PROBLEMS+=("a kernel proxy entry for $HOA on ha0, the datapath answers for it (ip -6 neigh show proxy: '${proxy}')")
	dpb=$(dp_binding "$NS_HA" ha $HOA)
	expect_eq "datapath binding (remote local)" "$dpb" "$COA $HA"
	# No solicited-node group joined for it: the home link takes all multicast.
	grep -q ALLMULTI <<<"$(ip -n "$NS_HA" link show dev ha0)" || PROBLEMS+=("ha0 does not take all multicast: $(ip -n "$NS_HA" -br link show dev ha0)")

	# The tunnel: a home-link host pings the HoA (from its static address: it
	# also autoconfigures one from the HA's RAs); capture at the CoA.
	bg "$NS_MNA" "$WORK/a2.tcpdump" tcpdump -i m0 -n -U --immediate-mode -w "$pcap" ip6
	tcpd=${BG_PIDS[-1]}
	tcpdump_listening "$WORK/a2.tcpdump.err"
	on "$NS_HOME" ping -6 -c 3 -i 0.2 -W 2 -I $HOME_NB $HOA >"$WORK/a2.ping" 2>&1
	sleep 0.3
	stop_pid "$tcpd" INT
	counts=$(tshark -r "$pcap" -T fields -E occurrence=a -E aggregator=, \
		-e ipv6.src -e ipv6.dst -e ipv6.nxt -e icmpv6.type 2>/dev/null |
		awk -F'\t' -v ha=$HA -v coa=$COA -v nb=$HOME_NB -v hoa=$HOA '
		{ n = split($1, s, ","); split($2, d, ","); split($3, nh, ",") }
		n >= 2 && nh[1] == 41 && s[1] == ha && d[1] == coa && s[2] == nb && d[2] == hoa && $4 == 128 { t++ }
		s[1] == nb && d[1] == hoa { leak++ }
		END { printf "%d %d %d\n", NR, t, leak }')
	read -r total tunnelled leaked <<<"$counts"
	((${tunnelled:-0} == 3)) || PROBLEMS+=("captured at the CoA: ${tunnelled:-0} of 3 echo requests tunnelled HA -> CoA (next header 41, inner $HOME_NB -> $HOA); ${total:-0} frames in all")
	((${leaked:-0} == 0)) || PROBLEMS+=("$leaked echo requests reached the visited link untunnelled")
	report "$name" "bcache: $HOA -> $COA (seq $SEQ, active); no kernel proxy entry for $HOA (XDP answers; ha0 ALLMULTI); datapath: $HOA remote $COA local $HA" \
		"ping from the home link: 3/3 echo requests arrived at the CoA as IPv6-in-IPv6 $HA -> $COA carrying $HOME_NB -> $HOA" \
		-- "${PROBLEMS[@]}"
}

# A2b -----------------------------------------------------------------------------
check_home_link_nd() {
	local name="A2b. home link: ND for the away HoA is the HA's to answer (NUD stays REACHABLE through its MAC); with L, fe80::4 too"
	local PROBLEMS=() entry ll=fe80::4 i proxy
	# The home-link host probes soon: 1 s from STALE to its unicast NUD probe.
	must on "$NS_HOME" sysctl -qw net.ipv6.neigh.h0.delay_first_probe_time=1 net.ipv6.neigh.h0.retrans_time_ms=300
	must on "$NS_HOME" ip -6 neigh replace $HOA lladdr $MAC_HA0 dev h0 nud stale
	# Traffic makes it DELAY, then PROBE: a unicast NS to the HA's MAC for the
	# HoA (the echo requests themselves are tunnelled to the CoA).
	on "$NS_HOME" ping -6 -c 1 -W 1 -I $HOME_NB $HOA >/dev/null 2>&1
	for ((i = 0; i < 25; i++)); do
		entry=$(ip -n "$NS_HOME" -6 neigh show $HOA dev h0)
		[[ $entry == *REACHABLE* ]] && break
		sleep 0.2
	done
	[[ $entry == *"lladdr $MAC_HA0"*REACHABLE* ]] ||
		PROBLEMS+=("the home-link host's entry for $HOA after its NUD probe: '$entry', expected lladdr $MAC_HA0 REACHABLE")
	proxy=$(ip -n "$NS_HA" -6 neigh show proxy)
	grep -q "^$ll dev ha0" <<<"$proxy" || PROBLEMS+=("no proxy entry for $ll on ha0 (ip -6 neigh show proxy: '${proxy}')")
	# Its link-local address: resolved by a multicast NS, answered by the HA.
	on "$NS_HOME" ping -6 -c 1 -W 2 "$ll%h0" >/dev/null 2>&1
	for ((i = 0; i < 15; i++)); do
		entry=$(ip -n "$NS_HOME" -6 neigh show $ll dev h0)
		[[ $entry == *"lladdr $MAC_HA0"* ]] && break
		sleep 0.2
	done
	[[ $entry == *"lladdr $MAC_HA0"* ]] ||
		PROBLEMS+=("the NS for $ll was not answered with the HA's MAC: '$entry'")
	report "$name" "NUD for $HOA: REACHABLE, lladdr $MAC_HA0 (the HA's, from XDP's answer); $ll resolved to $MAC_HA0 (proxy entry)" -- "${PROBLEMS[@]}"
}

# A2c -----------------------------------------------------------------------------
check_home_link_mac_change() {
	local name="A2c. home link MAC changed under the HA: XDP's answer for the HoA follows it"
	local PROBLEMS=() mac=02:00:00:00:27:99 want entry got=() i
	for want in $mac $MAC_HA0; do
		must ip -n "$NS_HA" link set dev ha0 address $want
		# A fresh resolution: a multicast NS from the home-link host, answered
		# by XDP from the binding, with the MAC xmipd now put in its config map.
		for ((i = 0; i < 25; i++)); do
			on "$NS_HOME" ip -6 neigh del $HOA dev h0 2>/dev/null
			on "$NS_HOME" ping -6 -c 1 -W 1 -I $HOME_NB $HOA >/dev/null 2>&1
			entry=$(ip -n "$NS_HOME" -6 neigh show $HOA dev h0)
			[[ $entry == *"lladdr $want"* ]] && break
			sleep 0.2
		done
		got+=("${entry:-none}")
		[[ $entry == *"lladdr $want"* ]] || PROBLEMS+=("with ha0 at $want, $HOA resolved as '$entry'")
	done
	grep -q "MAC changed from $MAC_HA0 to $mac" "$WORK/xmipd-ha.log" || PROBLEMS+=("xmipd did not log the change to $mac")
	report "$name" "ha0 -> $mac: $HOA is '${got[0]}'; back to $MAC_HA0: '${got[1]:-}'" -- "${PROBLEMS[@]}"
}

# snapshot of the binding as the HA holds it (bcache + datapath), for "nothing changed"
binding_snapshot() {
	echo "$(ctl "$WORK/ha.sock" bcache --get 0.care_of_address 2>/dev/null)|$(ctl "$WORK/ha.sock" bcache --get 0.sequence 2>/dev/null)|$(ctl "$WORK/ha.sock" bcache --get 0.lifetime 2>/dev/null)|$(dp_binding "$NS_HA" ha $HOA)"
}

# A3 ------------------------------------------------------------------------------
check_old_sequence() {
	local old=$((SEQ - 1))
	local name="A3. old sequence: BU seq $old (< $SEQ) from another CoA is refused with status 135" out=$WORK/a3.json
	local PROBLEMS=() before after
	before=$(binding_snapshot)
	probe "$out" --kind bu --coa $COA2 --hoa $HOA --seq $old --lifetime $LIFETIME --timeout 2
	after=$(binding_snapshot)
	if [[ ! -s $out.inspect ]]; then
		fail "$name" "no Binding Acknowledgement reached $COA2 within 2 s"
		return
	fi
	[[ $(ins "$out" valid) == true ]] || PROBLEMS+=("xmip-mh-inspect rejects the BA: $(ins "$out" error)")
	expect_eq "status" "$(ins "$out" status)" 135
	expect_eq "sequence (the last accepted)" "$(ins "$out" sequence)" $SEQ
	expect_eq "IPv6 destination" "$(ins "$out" dst)" $COA2
	expect_eq "type 2 routing header" "$(ins "$out" type2_routing_header)" $HOA
	expect_eq "binding (CoA|seq|lifetime|datapath) after the refused BU" "$after" "$before"
	report "$name" "BA status 135 carrying seq $SEQ (the last accepted) to $COA2; the binding still points at $COA, seq $SEQ, datapath unchanged" -- "${PROBLEMS[@]}"
}

# A4 ------------------------------------------------------------------------------
check_wrong_prefix() {
	local s=$((SEQ + 1))
	local name="A4. wrong prefix: BU for $FOREIGN_HOA (not in $HOME_PREFIX, no security association) is refused with status 146" out=$WORK/a4.json
	local PROBLEMS=() before after
	before=$(binding_snapshot)
	probe "$out" --kind bu --coa $COA --hoa $FOREIGN_HOA --seq $s --lifetime $LIFETIME --timeout 2
	after=$(binding_snapshot)
	if [[ ! -s $out.inspect ]]; then
		fail "$name" "no Binding Acknowledgement reached $COA within 2 s"
		return
	fi
	[[ $(ins "$out" valid) == true ]] || PROBLEMS+=("xmip-mh-inspect rejects the BA: $(ins "$out" error)")
	# Authentication comes first (RFC 4285: before any state is looked at):
	# no association for that address, so 146 rather than the binding
	# cache's 132 (which the unit tests of agent/ha/ check).
	expect_eq "status" "$(ins "$out" status)" 146
	expect_eq "sequence" "$(ins "$out" sequence)" $s
	expect_eq "type 2 routing header" "$(ins "$out" type2_routing_header)" $FOREIGN_HOA
	expect_eq "IPv6 destination" "$(ins "$out" dst)" $COA
	expect_eq "bcache entries" "$(ctl "$WORK/ha.sock" status --get bindings)" 1
	[[ -z $(dp_binding "$NS_HA" ha $FOREIGN_HOA) ]] || PROBLEMS+=("the datapath has a binding for $FOREIGN_HOA")
	expect_eq "binding of $HOA" "$after" "$before"
	report "$name" "BA status 146 (authentication failed), seq $s, RH2 = $FOREIGN_HOA, to $COA; no binding created" -- "${PROBLEMS[@]}"
}

# A4b -----------------------------------------------------------------------------
# Forged and replayed BUs (RFC 4285) against the real home agent: each is
# answered with the status the RFC gives, in an authenticated BA, and changes
# nothing (binding cache, datapath). Sent from COA2, which has no binding
# (the replay: from COA, as the original).
forged() { # NAME OUT WANT-STATUS COA PROBE-ARGS...
	local name=$1 out=$2 want=$3 coa=$4
	shift 4
	local PROBLEMS=() before after
	before=$(binding_snapshot)
	probe "$out" --coa "$coa" --hoa $HOA --lifetime $LIFETIME --timeout 2 "$@"
	after=$(binding_snapshot)
	if [[ ! -s $out.inspect ]]; then
		fail "$name" "no Binding Acknowledgement reached $coa within 2 s"
		return
	fi
	expect_eq "status" "$(ins "$out" status)" "$want"
	expect_eq "IPv6 destination" "$(ins "$out" dst)" "$coa"
	expect_eq "BA authenticated with the real association" "$(jget "$out" dissected.auth_ok)" true
	expect_eq "binding (CoA|seq|lifetime|datapath)" "$after" "$before"
	expect_eq "bcache entries" "$(ctl "$WORK/ha.sock" status --get bindings)" 1
	report "$name" "BA status $want to $coa, authenticated; binding unchanged ($after)" -- "${PROBLEMS[@]}"
}

check_forged() {
	local s=$((SEQ + 1)) drops_before drops_after now ba_ts
	drops_before=$(ha_stat bu_drop_auth)
	forged "A4b. forged BU without authentication: 146" "$WORK/a4b-noauth.json" 146 $COA2 --kind bu --seq $s --key ""
	forged "A4c. BU signed with a wrong key: 146" "$WORK/a4b-key.json" 146 $COA2 --kind bu --seq $s \
		--key "$(e2e_random_key)"
	forged "A4d. BU with a wrong SPI: 146" "$WORK/a4b-spi.json" 146 $COA2 --kind bu --seq $s --spi $((SPI + 1))
	forged "A4e. BU without Replay Protection (authentic otherwise): 145" "$WORK/a4b-norp.json" 145 $COA2 \
		--kind bu --seq $s --no-replay
	forged "A4f. replay of the registration BU of A1, byte for byte: 144" "$WORK/a4b-replay.json" 144 $COA \
		--kind resend --packet "$(jget "$WORK/a1.json" sent)"
	forged "A4g. BU timestamped 60 s ahead of the home agent: 144" "$WORK/a4b-future.json" 144 $COA2 \
		--kind bu --seq $s --time-offset 60
	# The 144 carries the home agent's clock (same host here: within 5 s of ours).
	ba_ts=$(jget "$WORK/a4b-future.json" dissected.ba_timestamp)
	now=$("$PY" -c 'import sys; sys.path.insert(0, sys.argv[1]); import rfc4285; print(rfc4285.ntp())' "$LIB")
	local name="A4h. the 144 answer carries the home agent's time; every refusal counted in bu_drop_auth" PROBLEMS=()
	"$PY" -c 'import sys; a, b = int(sys.argv[1]), int(sys.argv[2]); sys.exit(abs(a - b) > (5 << 32))' \
		"${ba_ts:-0}" "$now" || PROBLEMS+=("BA Replay Protection ${ba_ts:-none} is not the home agent's time (now $now)")
	drops_after=$(ha_stat bu_drop_auth)
	expect_eq "bu_drop_auth increase" "$((drops_after - drops_before))" 6
	report "$name" "BA timestamp $ba_ts vs now $now; bu_drop_auth $drops_before -> $drops_after" -- "${PROBLEMS[@]}"
}

# A5 ------------------------------------------------------------------------------
check_deregistration() {
	local s=$((SEQ + 1))
	local name="A5. deregistration: BU seq $s lifetime 0 removes the binding" out=$WORK/a5.json
	local PROBLEMS=() proxy
	probe "$out" --kind bu --coa $COA --hoa $HOA --seq $s --lifetime 0 --timeout 2
	if [[ ! -s $out.inspect ]]; then
		fail "$name" "no Binding Acknowledgement reached $COA within 2 s"
		return
	fi
	[[ $(ins "$out" valid) == true ]] || PROBLEMS+=("xmip-mh-inspect rejects the BA: $(ins "$out" error)")
	expect_eq "status" "$(ins "$out" status)" 0
	expect_eq "sequence" "$(ins "$out" sequence)" $s
	expect_eq "type 2 routing header" "$(ins "$out" type2_routing_header)" $HOA
	expect_eq "bcache" "$(ctl "$WORK/ha.sock" bcache)" "[]"
	proxy=$(ip -n "$NS_HA" -6 neigh show proxy)
	grep -q "^$HOA " <<<"$proxy" && PROBLEMS+=("the proxy neighbour entry for $HOA is still there")
	[[ -z $(dp_binding "$NS_HA" ha $HOA) ]] || PROBLEMS+=("the datapath still has a binding for $HOA: $(dp_binding "$NS_HA" ha $HOA)")
	report "$name" "BA status 0, seq $s; bcache empty, no proxy entry for $HOA, no datapath binding" -- "${PROBLEMS[@]}"
}

# A6 ------------------------------------------------------------------------------
check_malformed() {
	local s=$((SEQ + 2))
	local name="A6. malformed: a BU with a bad checksum and a truncated BU get no answer and are counted" out=$WORK/a6
	local PROBLEMS=() bu0 bu1 mh0 mh1 rx0 rx1 tx0 tx1
	bu0=$(ha_stat bu_drop_invalid)
	mh0=$(ha_stat mh_drop_invalid)
	rx0=$(ha_stat bu_received)
	tx0=$(($(ha_stat ba_sent) + $(ha_stat ba_nack_sent)))
	probe "$out.csum.json" --kind bad-checksum --coa $COA --hoa $HOA --seq $s --lifetime $LIFETIME --timeout 1.5
	probe "$out.trunc.json" --kind truncated --coa $COA --hoa $HOA --seq $s --timeout 1.5
	bu1=$(ha_stat bu_drop_invalid)
	mh1=$(ha_stat mh_drop_invalid)
	rx1=$(ha_stat bu_received)
	tx1=$(($(ha_stat ba_sent) + $(ha_stat ba_nack_sent)))
	[[ $(jget "$out.csum.json" reply) == null ]] || PROBLEMS+=("the BU with a bad checksum was answered: $(ins "$out.csum.json" message)")
	[[ $(jget "$out.trunc.json" reply) == null ]] || PROBLEMS+=("the truncated BU was answered: $(ins "$out.trunc.json" message)")
	((bu1 - bu0 + mh1 - mh0 == 2)) ||
		PROBLEMS+=("invalid counters: bu_drop_invalid $bu0 -> $bu1, mh_drop_invalid $mh0 -> $mh1; expected +2 between them")
	((rx1 == rx0)) || PROBLEMS+=("bu_received went $rx0 -> $rx1: a malformed BU was taken as valid")
	((tx1 == tx0)) || PROBLEMS+=("BAs sent went $tx0 -> $tx1")
	kill -0 "$HA_PID" 2>/dev/null || PROBLEMS+=("xmipd is no longer running")
	# and the agent still works
	local v=$((SEQ + 3))
	probe "$out.valid.json" --kind bu --coa $COA --hoa $HOA --seq $v --lifetime $LIFETIME --timeout 3
	if [[ -s $out.valid.json.inspect ]]; then
		expect_eq "the next valid BU: status" "$(ins "$out.valid.json" status)" 0
		expect_eq "the next valid BU: sequence" "$(ins "$out.valid.json" sequence)" $v
		[[ $(ins "$out.valid.json" valid) == true ]] || PROBLEMS+=("the next valid BU's BA is rejected by xmip-mh-inspect")
	else
		PROBLEMS+=("the next valid BU (seq $v) was not answered within 3 s")
	fi
	report "$name" "no answer to either within 1.5 s; bu_drop_invalid $bu0 -> $bu1, mh_drop_invalid $mh0 -> $mh1; bu_received and BAs sent unchanged" \
		"the agent kept running: the next valid BU (seq $v) got BA status 0" -- "${PROBLEMS[@]}"
}

# A7 ------------------------------------------------------------------------------
check_unknown_type() {
	local name="A7. unknown MH type 50 is answered with a Binding Error, status 2" out=$WORK/a7.json
	local PROBLEMS=() be0 be1
	be0=$(ha_stat be_sent)
	probe "$out" --kind unknown-type --coa $COA --hoa $HOA --timeout 2
	be1=$(ha_stat be_sent)
	if [[ ! -s $out.inspect ]]; then
		fail "$name" "no Mobility Header answer reached $COA within 2 s (be_sent $be0 -> $be1)"
		return
	fi
	[[ $(ins "$out" valid) == true ]] || PROBLEMS+=("xmip-mh-inspect rejects the answer: $(ins "$out" error)")
	[[ $(jget "$out" dissected.checksum_ok) == true ]] || PROBLEMS+=("independent checksum does not verify")
	expect_eq "MH type" "$(ins "$out" mh_type)" 7
	expect_eq "status" "$(ins "$out" status)" 2
	expect_eq "IPv6 source" "$(ins "$out" src)" $HA
	expect_eq "IPv6 destination" "$(ins "$out" dst)" $COA
	expect_eq "home address field (scapy)" "$(jget "$out" dissected.be_home_address)" $HOA
	((be1 - be0 == 1)) || PROBLEMS+=("be_sent went $be0 -> $be1, expected +1")
	report "$name" "Binding Error from $HA to $COA: status 2 (unrecognized MH type), home address $HOA; checksum valid; be_sent +1" -- "${PROBLEMS[@]}"
}

# A8 ------------------------------------------------------------------------------
check_ha_stop() {
	local name="A8. SIGTERM: the home agent stops cleanly and withdraws what it set up"
	local PROBLEMS=() t0 t1 ifc proxy
	t0=$(date +%s.%N)
	stop_pid "$HA_PID"
	t1=$(date +%s.%N)
	HA_PID=
	expect_eq "exit status" "$STOP_STATUS" 0
	grep -q "stopped; datapath detached" "$WORK/xmipd-ha.log" || PROBLEMS+=("its log does not say 'stopped; datapath detached'")
	for ifc in ha0 ha1; do
		grep -q ' xdp' <<<"$(ip -n "$NS_HA" link show dev $ifc)" && PROBLEMS+=("an XDP program is still attached to $ifc")
	done
	[[ -e $BPFFS/ha ]] && PROBLEMS+=("maps still pinned under $BPFFS/ha")
	proxy=$(ip -n "$NS_HA" -6 neigh show proxy)
	[[ -z $proxy ]] || PROBLEMS+=("proxy neighbour entries left on the home link: $proxy")
	grep -q ALLMULTI <<<"$(ip -n "$NS_HA" link show dev ha0)" && PROBLEMS+=("ha0 still takes all multicast (xmipd set it at start)")
	report "$name" "exit status 0 after $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s; XDP detached from ha0 and ha1, maps unpinned, the proxy entry for $HOA withdrawn, allmulticast off again" -- "${PROBLEMS[@]}"
}

echo
echo "Part A: xmipd home agent <- scapy mobile node"
mkdir -p "$BPFFS"
must mount -t bpf bpf "$BPFFS"
if setup_part_a; then
	say "HA agent up (pid $HA_PID), control socket $WORK/ha.sock"
	check_registration
	check_state
	check_home_link_nd
	check_home_link_mac_change
	check_old_sequence
	check_wrong_prefix
	check_forged
	check_deregistration
	check_malformed
	check_unknown_type
	check_ha_stop
else
	fail "A. setup: xmipd (home agent) did not come up" "$AGENT_PROBLEM"
fi
stop_pid "$HA_PID" # when setup failed
HA_PID=

# =================================================================================
# Part B: xmipd mobile node, scapy home agent
# =================================================================================
ROUTER_LL=
COA_B=
setup_part_b() {
	local n
	for n in "$NS_MNB" "$NS_VIS"; do
		must ip netns add "$n"
		must on "$n" ip link set lo up
		must on "$n" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0 \
			net.ipv6.conf.default.router_solicitations=0
	done
	# No SLAAC by the MN's kernel: the scapy RAs start before xmipd (which
	# turns autoconf off itself) and the kernel would form the very same
	# EUI-64 address, so B1 could not tell who formed the care-of address.
	must on "$NS_MNB" sysctl -qw net.ipv6.conf.default.autoconf=0
	must ip -n "$NS_MNB" link add mn0 address $MAC_MNB type veth peer name v0 netns "$NS_VIS" address $MAC_VIS
	must ip -n "$NS_MNB" link set mn0 up
	must ip -n "$NS_VIS" link set v0 up
	must on "$NS_VIS" ethtool -K v0 gro on tx-checksumming off
	must on "$NS_MNB" ethtool -K mn0 tx-checksumming off
	local i
	for ((i = 0; i < 30; i++)); do
		ROUTER_LL=$(ip -n "$NS_VIS" -6 addr show dev v0 scope link | awk '/inet6/ { sub("/.*", "", $2); print $2; exit }')
		[[ -n $ROUTER_LL ]] && break
		sleep 0.1
	done
	[[ -n $ROUTER_LL ]] || { fail "B. setup: v0 has no link-local address"; return 1; }
	COA_B=$(eui64 $VISITED_PREFIX $MAC_MNB)
	cat >"$WORK/mn.toml" <<EOF
role = "mn"
log_level = "debug"
[paths]
control_socket = "$WORK/mn.sock"
pin_root = "$BPFFS"
state_dir = "$WORK/state-mn"
[datapath]
keep_forwarding_on_exit = false # B4: the stop that detaches while bound
[metrics]
listen = ""
[mobile_node]
home_address = "$HOA/64"
home_agent = "$HA"
interface = "mn0"
lifetime = $MN_LIFETIME
[mobile_node.authentication]
spi = $SPI
key_file = "$WORK/mn.key"
EOF
	[[ -s $WORK/mn.key ]] || e2e_write_key "$WORK/mn.key" "$MN_KEY"
	# Address events on mn0, for the diagnostics when part B fails.
	bg "$NS_MNB" "$WORK/mn0-address-events.log" ip -ts monitor address
	# The scapy HA first: its capture must run before the MN can send.
	bg "$NS_VIS" "$WORK/b.serve.json" "$PY" "$LIB/scapy_ha.py" serve --iface v0 --router-ll "$ROUTER_LL" \
		--prefix $VISITED_PREFIX --ha $HA --ra-interval 0.5 --timeout 12 --ready "$WORK/b.ready" \
		--key "$MN_KEY" --spi $SPI --bad-first
	SERVE_PID=${BG_PIDS[-1]}
	wait_until 5 test -e "$WORK/b.ready" || { fail "B. setup: the scapy home agent did not start"; return 1; }
	start_xmipd MN_PID "$NS_MNB" "$WORK/mn.toml" "$WORK/xmipd-mn.log"
	agent_up "$WORK/mn.sock" "$MN_PID" || { fail "B. setup: xmipd (mobile node) did not come up" "$AGENT_PROBLEM"; return 1; }
	# The scapy HA exits once it has answered a BU (or after 12 s).
	for ((i = 0; i < 130; i++)); do kill -0 "$SERVE_PID" 2>/dev/null || break; sleep 0.1; done
	wait "$SERVE_PID" 2>/dev/null
	return 0
}

# B1 ------------------------------------------------------------------------------
BU_SEQ=
check_mn_bu() {
	local name="B1. the MN's BU: from its EUI-64 care-of address $COA_B, valid for xmip-mh-inspect and scapy" out=$WORK/b.serve.json
	local PROBLEMS=() bu
	bu=$(jget "$out" bu)
	if [[ -z $bu || $bu == null ]]; then
		fail "$name" "the scapy HA saw no Binding Update to $HA within 12 s ($(jget "$out" ras_sent) RAs for $VISITED_PREFIX sent)" \
			"xmipd status: $(ctl "$WORK/mn.sock" status 2>&1)"
		return
	fi
	"$MH_INSPECT" "$bu" >"$out.bu.inspect" 2>&1
	BU_SEQ=$(jget "$out" bu_dissected.sequence)
	# xmip's decoder
	[[ $(jget "$out.bu.inspect" valid) == true ]] || PROBLEMS+=("xmip-mh-inspect rejects the BU: $(jget "$out.bu.inspect" error)")
	expect_eq "mh-inspect: MH type" "$(jget "$out.bu.inspect" mh_type)" 5
	expect_eq "mh-inspect: source" "$(jget "$out.bu.inspect" src)" "$COA_B"
	expect_eq "mh-inspect: destination" "$(jget "$out.bu.inspect" dst)" $HA
	expect_eq "mh-inspect: Home Address option" "$(jget "$out.bu.inspect" home_address_option)" $HOA
	expect_eq "mh-inspect: A flag" "$(jget "$out.bu.inspect" ack)" true
	expect_eq "mh-inspect: H flag" "$(jget "$out.bu.inspect" home)" true
	expect_eq "mh-inspect: lifetime" "$(jget "$out.bu.inspect" lifetime)" $MN_LIFETIME
	# scapy's dissection and the independent checksum
	expect_eq "scapy: source" "$(jget "$out" bu_dissected.src)" "$COA_B"
	expect_eq "scapy: HAO in a Destination Options header" "$(jget "$out" bu_dissected.in_destination_options)" true
	expect_eq "scapy: HAO home address" "$(jget "$out" bu_dissected.hao)" $HOA
	expect_eq "scapy: A flag" "$(jget "$out" bu_dissected.flag_a)" true
	expect_eq "scapy: H flag" "$(jget "$out" bu_dissected.flag_h)" true
	expect_eq "scapy: lifetime" "$(jget "$out" bu_dissected.lifetime)" $MN_LIFETIME
	expect_eq "independent checksum (pseudo-header src = HAO)" "$(jget "$out" bu_dissected.checksum_ok)" true
	expect_eq "RFC 4285 authenticator (Python's hmac)" "$(jget "$out" bu_dissected.bu_auth_ok)" true
	[[ $(jget "$out" bu_dissected.bu_timestamp) =~ ^[0-9]+$ ]] || PROBLEMS+=("the BU has no Replay Protection timestamp")
	expect_eq "sender MAC" "$(jget "$out" bu_mac)" $MAC_MNB
	expect_eq "the MN's own view (status care_of_address)" "$(ctl "$WORK/mn.sock" status --get care_of_address)" "$COA_B"
	local addrs
	addrs=$(ip -n "$NS_MNB" -6 addr show dev mn0 | awk '/inet6/ { $1 = ""; print }' | paste -sd ';' -)
	grep -q " $COA_B/64 " <<<"$addrs" || PROBLEMS+=("$COA_B/64 is not configured on mn0 (mn0 has:$addrs)")
	report "$name" "BU seq $BU_SEQ $COA_B -> $HA, HAO $HOA, flags A|H, lifetime $MN_LIFETIME s; checksum valid (xmip-mh-inspect, independent); authenticated (RFC 4285, SPI $SPI); from $MAC_MNB" -- "${PROBLEMS[@]}"
}

# B2 ------------------------------------------------------------------------------
check_mn_bound() {
	local name="B2. a BA with a corrupted authenticator is ignored; after the authentic one the MN is bound" out=$WORK/b.serve.json
	local PROBLEMS=() state i ba
	if [[ -z $BU_SEQ || $BU_SEQ == null ]]; then
		fail "$name" "no BU was answered (see B1)"
		return
	fi
	ba=$(jget "$out" ba)
	"$MH_INSPECT" "$ba" >"$out.ba.inspect" 2>&1 || PROBLEMS+=("test peer problem: the BA scapy sent is invalid for xmip-mh-inspect: $(cat "$out.ba.inspect")")
	for ((i = 0; i < 20; i++)); do
		state=$(ctl "$WORK/mn.sock" bul --get 0.state)
		[[ $state == bound ]] && break
		sleep 0.1
	done
	expect_eq "bul state" "$state" bound
	expect_eq "bul care-of address" "$(ctl "$WORK/mn.sock" bul --get 0.care_of_address)" "$COA_B"
	expect_eq "bul sequence" "$(ctl "$WORK/mn.sock" bul --get 0.sequence)" "$BU_SEQ"
	expect_eq "bul home agent" "$(ctl "$WORK/mn.sock" bul --get 0.home_agent)" $HA
	expect_eq "bul granted lifetime" "$(ctl "$WORK/mn.sock" bul --get 0.lifetime)" $MN_LIFETIME
	expect_eq "ba_received" "$(mn_stat ba_received)" 1
	expect_eq "ba_drop_auth (the corrupted BA sent 0.3 s before)" "$(mn_stat ba_drop_auth)" 1
	expect_eq "datapath binding (remote local)" "$(dp_binding "$NS_MNB" mn $HOA)" "$HA $COA_B"
	report "$name" "the corrupted BA counted in ba_drop_auth and ignored; bul: bound, CoA $COA_B, seq $BU_SEQ, lifetime $MN_LIFETIME s; datapath: $HOA local $COA_B remote $HA" -- "${PROBLEMS[@]}"
}

# B3 ------------------------------------------------------------------------------
check_mn_wrong_seq() {
	local name="B3. a BA with a wrong sequence number is ignored by the MN"
	local PROBLEMS=() d0 d1 before after wrong i
	if [[ -z $BU_SEQ || $BU_SEQ == null ]]; then
		fail "$name" "no BU was answered (see B1)"
		return
	fi
	wrong=$(((BU_SEQ + 1000) % 65536))
	d0=$(mn_stat ba_drop_misc)
	before=$(ctl "$WORK/mn.sock" bul --get 0 | "$PY" -c 'import json,sys; e=json.load(sys.stdin); print(e["state"], e["care_of_address"], e["sequence"], e["lifetime"])')
	on "$NS_VIS" "$PY" "$LIB/scapy_ha.py" ba --iface v0 --dst-mac $MAC_MNB --ha $HA --coa "$COA_B" --hoa $HOA \
		--seq $wrong --status 0 --lifetime $MN_LIFETIME --key "$MN_KEY" --spi $SPI \
		--timestamp "$(jget "$WORK/b.serve.json" bu_dissected.bu_timestamp)" >"$WORK/b3.json" 2>"$WORK/b3.json.err"
	for ((i = 0; i < 20; i++)); do
		d1=$(mn_stat ba_drop_misc)
		((d1 != d0)) && break
		sleep 0.1
	done
	after=$(ctl "$WORK/mn.sock" bul --get 0 | "$PY" -c 'import json,sys; e=json.load(sys.stdin); print(e["state"], e["care_of_address"], e["sequence"], e["lifetime"])')
	((d1 - d0 == 1)) || PROBLEMS+=("ba_drop_misc went $d0 -> $d1, expected +1")
	expect_eq "bul (state CoA seq lifetime)" "$after" "$before"
	expect_eq "datapath binding (remote local)" "$(dp_binding "$NS_MNB" mn $HOA)" "$HA $COA_B"
	kill -0 "$MN_PID" 2>/dev/null || PROBLEMS+=("xmipd (mobile node) is no longer running")
	report "$name" "BA seq $wrong (the BU had $BU_SEQ): ba_drop_misc $d0 -> $d1; bul still '$after'" -- "${PROBLEMS[@]}"
}

# B4 ------------------------------------------------------------------------------
check_mn_stop() {
	local name="B4. SIGTERM: the mobile node stops cleanly and withdraws what it set up"
	local PROBLEMS=() routes
	stop_pid "$MN_PID"
	MN_PID=
	expect_eq "exit status" "$STOP_STATUS" 0
	grep -q "stopped; datapath detached" "$WORK/xmipd-mn.log" || PROBLEMS+=("its log does not say 'stopped; datapath detached'")
	grep -q ' xdp' <<<"$(ip -n "$NS_MNB" link show dev mn0)" && PROBLEMS+=("an XDP program is still attached to mn0")
	[[ -n $(egress_progs "$NS_MNB" mn0) ]] && PROBLEMS+=("an egress program (tcx or tc) is still on mn0")
	[[ -e $BPFFS/mn ]] && PROBLEMS+=("maps still pinned under $BPFFS/mn")
	grep -q "inet6 $COA_B/" <<<"$(ip -n "$NS_MNB" -6 addr show dev mn0)" && PROBLEMS+=("the care-of address $COA_B is still on mn0")
	routes=$(ip -n "$NS_MNB" -6 route show default | grep "src $HOA" || true)
	[[ -z $routes ]] || PROBLEMS+=("the default route via the home address is still there: $routes")
	report "$name" "exit status 0; XDP and tc detached from mn0, maps unpinned, care-of address $COA_B and the default route from the home address removed" -- "${PROBLEMS[@]}"
}

echo
echo "Part B: xmipd mobile node -> scapy home agent"
SERVE_PID=
if setup_part_b; then
	say "MN agent up (pid $MN_PID); visited router $ROUTER_LL; expected CoA $COA_B"
	check_mn_bu
	check_mn_bound
	check_mn_wrong_seq
	check_mn_stop
fi

echo
e2e_result
