#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# tests/e2e/agent_dhaad_e2e.sh - Dynamic Home Agent Address Discovery end to
# end (issue 18, RFC 6275 10.5, 11.4.1) on the guide's testbed
# (lib/roaming_topology.sh) with a second home agent on the home link:
#   D1. two home agents run, each hears the other's RAs (home agents list);
#   D2. the mobile node with home_agent = "auto" moves to visitnet, asks the
#       Home-Agents anycast address and registers with the preferred one;
#   D3. the preferred home agent's host dies (xmipd killed, its link down);
#       the mobile node moves to visitnet2, its BUs to the dead one go
#       unanswered, it registers with the other: the time is reported.
#   D4. renumbering (Mobile Prefix Discovery, RFC 6275 10.6, 11.4.2-11.4.3):
#       HA 2 is reloaded with a new home prefix and the old one deprecated;
#       its unsolicited advertisement makes the MN solicit from its CoA, the
#       answer (old prefix preferred 0, new one preferred) makes it form the
#       new home address and register it; at the next move the old one is
#       deregistered. MPS/MPA checked on the wire (tshark) and in counters.
#   D5. the capture from D2 on: the DHAAD request from the care-of address
#       to the Home-Agents anycast address and its reply (HA 1 first, then
#       HA 2); tshark finds nothing malformed in the whole run.
# Needs root, iproute2, ethtool, radvd, tcpdump, tshark, /usr/bin/python3
# (scapy not needed).
# Usage: agent_dhaad_e2e.sh [--xmipd PATH] [--keep] [--teardown DIR]
set -uo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh" # sets HERE, REPO, LIB, PY, SELF
RT_SELF=$HERE/$SELF
source "$LIB/roaming_topology.sh"

XMIPD=$REPO/build/agent/xmipd/xmipd
TIME_LIMIT=${XMIP_E2E_TIME_LIMIT:-90}
e2e_parse_args --xmipd=XMIPD:path -- "$@"
e2e_require_root
[[ -x $XMIPD ]] || { echo "$SELF: no executable at $XMIPD (build first, or --xmipd PATH)" >&2; exit 2; }
XMIPD=$(e2e_abspath "$XMIPD")
e2e_require_tools ip ethtool radvd tcpdump tshark mountpoint "$PY"

HA2_ADDR=2001:db8:2700::3
MAC_HA20=02:00:00:00:27:03
HA_PREF=10 # the first home agent is preferred
HA2_PREF=0
NEW_PREFIX=2001:db8:2701::/64 # D4's renumbering
NEW_HOA=2001:db8:2701::4      # the new prefix, the home address's interface identifier

e2e_work xmip-roam # rt_down removes a work dir of this name
rt_init "xdh$$" "$WORK"
NS_HA2=$RT_PREFIX-ha2
RT_NAMESPACES+=("$NS_HA2")
HA2_SOCK=$WORK/ha2.sock
HA_PID=
HA2_PID=
MN_PID=
TCPDUMP_PID=

cleanup() {
	e2e_cleanup_begin
	e2e_note_abort
	if ((RC != 0 || FAILED != 0)); then
		for f in "$WORK"/ha.log "$WORK"/ha2.log "$WORK"/mn.log; do
			[[ -s $f ]] && { echo "---- ${f##*/} (last 25 lines)"; tail -n 25 "$f"; }
		done
	fi
	stop_pids "$TCPDUMP_PID" "$MN_PID" "$HA_PID" "$HA2_PID" "${BG_PIDS[@]}"
	rt_down
	ip netns del "$NS_HA2" 2>/dev/null
	e2e_leftovers "$RT_BPFFS" "$WORK" "${RT_NAMESPACES[@]}"
	e2e_left_pids $TCPDUMP_PID $HA_PID $HA2_PID $MN_PID "${BG_PIDS[@]}"
	e2e_report_leftovers
	exit "$RC"
}
e2e_arm

ha2() { ctl "$HA2_SOCK" "$1"; }

echo "xmip: DHAAD with two home agents (testbed $RT_PREFIX, xmipd $XMIPD)"
set -e
rt_up
# The second home agent: another host on the home link, routed like the first.
rt_host "$NS_HA2"
rt_port "$NS_HA2" ha20 $MAC_HA20 homenet
on "$NS_HA2" ip -6 addr add $HA2_ADDR/64 dev ha20 nodad
on "$NS_HA2" ip -6 route add default via $R_HOME dev ha20
on "$NS_SW" ethtool -K sw-ha20 gro on >/dev/null
on "$NS_HA2" ethtool -K ha20 tx-checksumming off >/dev/null
must e2e_peer_xdp "$NS_SW" sw-ha20
rt_mount_bpffs
rt_radvd_conf ar1 $VISIT1_PREFIX >"$WORK/radvd-ar.conf"
rt_radvd_conf ar21 $VISIT2_PREFIX >"$WORK/radvd-ar2.conf"
# The first home agent: the roaming test's, preference 10 and a short Home
# Agent Lifetime (the other drops it from its list soon after it dies).
rt_ha_conf | sed "s/^prefixes = .*/&\npreference = $HA_PREF\nlifetime = 10/" >"$WORK/ha.toml"
# The second: the same with its own address, interface, socket, pins, state.
rt_ha_conf | sed -e "s|^address = .*|address = \"$HA2_ADDR\"|" -e 's|"ha0"|"ha20"|g' \
	-e "s|^control_socket = .*|control_socket = \"$HA2_SOCK\"|" -e "s|state-ha|state-ha2|" \
	-e "s/^prefixes = .*/&\npreference = $HA2_PREF/" -e 's/^role = "ha"/&\ninstance = "ha2"/' >"$WORK/ha2.toml"
rt_mn_conf | sed 's/^home_agent = .*/home_agent = "auto"/' >"$WORK/mn.toml"
set +e

bg "$NS_AR" "$WORK/radvd-ar.out" radvd -n -C "$WORK/radvd-ar.conf" -p "$WORK/radvd-ar.pid" -m logfile -l "$WORK/radvd-ar.log"
bg "$NS_AR2" "$WORK/radvd-ar2.out" radvd -n -C "$WORK/radvd-ar2.conf" -p "$WORK/radvd-ar2.pid" -m logfile -l "$WORK/radvd-ar2.log"
start_xmipd HA_PID "$NS_HA" "$WORK/ha.toml" "$WORK/ha.log"
e2e_track "$HA_PID"
start_xmipd HA2_PID "$NS_HA2" "$WORK/ha2.toml" "$WORK/ha2.log"
e2e_track "$HA2_PID"
PROBLEMS=()
wait_agent "$HA_SOCK" "$HA_PID" || PROBLEMS+=("the first home agent did not start (exit ${AGENT_EXIT:-none})")
wait_agent "$HA2_SOCK" "$HA2_PID" || PROBLEMS+=("the second home agent did not start (exit ${AGENT_EXIT:-none})")
start_xmipd MN_PID "$NS_MN" "$WORK/mn.toml" "$WORK/mn.log"
e2e_track "$MN_PID"
wait_agent "$MN_SOCK" "$MN_PID" || PROBLEMS+=("the mobile node did not start (exit ${AGENT_EXIT:-none})")
knows() { [[ $(jget "$(ctl "$1" home-agents)" "len(r)") == 1 ]]; }
((${#PROBLEMS[@]})) || wait_until 10 knows "$HA_SOCK" || PROBLEMS+=("HA 1 does not list HA 2: $(ha home-agents)")
((${#PROBLEMS[@]})) || wait_until 10 knows "$HA2_SOCK" || PROBLEMS+=("HA 2 does not list HA 1: $(ha2 home-agents)")
grep -q "answering DHAAD requests at 2001:db8:2700:0:fdff:ffff:ffff:fffe" "$WORK/ha.log" ||
	PROBLEMS+=("HA 1 did not join the Home-Agents anycast address")
report "D1. two home agents on the home link (preferences $HA_PREF and $HA2_PREF), each listing the other" \
	"HA 1 pid $HA_PID, HA 2 pid $HA2_PID, MN pid $MN_PID" -- "${PROBLEMS[@]}"
((${#PROBLEMS[@]} == 0)) || e2e_result

# Everything IPv6 the MN sends and receives from here on, from its switch
# port (D5 reads it).
chmod 755 "$WORK" # tcpdump writes its capture here after dropping root
PCAP=$WORK/mn.pcap
bg "$NS_SW" "$WORK/tcpdump.out" tcpdump -i sw-mn0 -n -U --immediate-mode -w "$PCAP" ip6
TCPDUMP_PID=$!
wait_until 5 grep -q "listening on" "$WORK/tcpdump.out.err" ||
	{ echo "tcpdump on sw-mn0 did not start:"; cat "$WORK/tcpdump.out.err"; exit 1; }

COA1=$(eui64 $VISIT1_PREFIX $MAC_MN0)
bul_ha() { jget "$(mn bul)" "r[0]['home_agent']"; }
bound_with() { mn_is away bound "$1" && [[ $(bul_ha) == "$2" ]]; }
t0=$EPOCHREALTIME
rt_move visitnet
PROBLEMS=()
wait_until 20 bound_with "$COA1" "$HA_ADDR" ||
	PROBLEMS+=("not bound with $HA_ADDR from $COA1 within 20 s: MN $(mn bul) $(ctl "$MN_SOCK" stats --get signalling 2>&1)")
t1=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
req=$(ctl "$MN_SOCK" stats --get signalling.hareq_sent 2>/dev/null || echo '?')
rep=$(ctl "$HA_SOCK" stats --get signalling.harep_sent 2>/dev/null || echo '?')
rep2=$(ctl "$HA2_SOCK" stats --get signalling.harep_sent 2>/dev/null || echo '?')
[[ $req =~ ^[1-9] ]] || PROBLEMS+=("the MN sent $req DHAAD requests")
[[ $(jget "$(ha bcache)" "r[0]['care_of_address']") == "$COA1" ]] || PROBLEMS+=("HA 1's binding cache: $(ha bcache)")
report "D2. home_agent = \"auto\": discovered and registered with the preferred home agent $HA_ADDR" \
	"bound $t1 s after the move; $req requests sent, replies: $rep from HA 1, $rep2 from HA 2" -- "${PROBLEMS[@]}"
((${#PROBLEMS[@]} == 0)) || e2e_result

# The preferred home agent's host dies: the daemon is killed (no clean stop,
# nothing withdrawn) and the host leaves the link (its kernel's proxy entry
# for the home address would otherwise defend it against the other's DAD).
kill -KILL "$HA_PID"
wait "$HA_PID" 2>/dev/null
HA_PID=
on "$NS_HA" ip link set ha0 down
COA2=$(eui64 $VISIT2_PREFIX $MAC_MN0)
t0=$EPOCHREALTIME
rt_move visitnet2
PROBLEMS=()
wait_until 45 bound_with "$COA2" "$HA2_ADDR" ||
	PROBLEMS+=("not bound with $HA2_ADDR from $COA2 within 45 s: MN $(mn bul)")
t2=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
[[ $(jget "$(ha2 bcache)" "r[0]['care_of_address']") == "$COA2" ]] || PROBLEMS+=("HA 2's binding cache: $(ha2 bcache)")
report "D3. HA 1 dies; after the next move the MN registers with HA 2 ($HA2_ADDR)" \
	"bound with HA 2 $t2 s after the move (three unanswered BUs to HA 1 first)" -- "${PROBLEMS[@]}"
((${#PROBLEMS[@]} == 0)) || e2e_result

# ---- D4: renumbering ----------------------------------------------------------------
sig() { ctl "$1" stats --get "signalling.$2" 2>/dev/null || echo 0; }
mps0=$(sig "$MN_SOCK" mps_sent) mpa0=$(sig "$MN_SOCK" mpa_received) hmpa0=$(sig "$HA2_SOCK" mpa_sent)
# The operator's renumbering: the new prefix added, the old one deprecated
# (still served: the home agent's own address is on it), the new home
# address given its security association.
sed -e "s|^prefixes = .*|prefixes = [\"$HOME_PREFIX\", \"$NEW_PREFIX\"]\ndeprecated_prefixes = [\"$HOME_PREFIX\"]|" "$WORK/ha2.toml" >"$WORK/ha2-renumbered.toml"
printf '\n[[home_agent.security_associations]]\nhome_address = "%s"\nspi = 4097\nkey_file = "%s"\n' \
	"$NEW_HOA" "$(rt_mn_key)" >>"$WORK/ha2-renumbered.toml"
cp "$WORK/ha2-renumbered.toml" "$WORK/ha2.toml"
PROBLEMS=()
t0=$EPOCHREALTIME
t_reload=$(date +%s.%N) # D4's messages on the wire are the ones after this
ha2 reload >"$WORK/reload.out" 2>&1 || PROBLEMS+=("HA 2's reload failed: $(cat "$WORK/reload.out")")
bound_as() { # bound_as HOA COA: the MN's home entry and HA 2's binding
	[[ $(jget "$(mn bul)" "r[0]['home_address'] + ' ' + r[0]['state'] + ' ' + r[0]['care_of_address']") == "$1 bound $2" ]] &&
		jget "$(ha2 bcache)" "[b['care_of_address'] for b in r if b['home_address'] == '$1']" | grep -q "$2"
}
((${#PROBLEMS[@]})) || wait_until 20 bound_as "$NEW_HOA" "$COA2" ||
	PROBLEMS+=("the MN did not register $NEW_HOA from $COA2 within 20 s: MN $(mn bul); HA 2 $(ha2 bcache)")
t3=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
mps1=$(sig "$MN_SOCK" mps_sent) mpa1=$(sig "$MN_SOCK" mpa_received) hmpa1=$(sig "$HA2_SOCK" mpa_sent)
((mps1 > mps0 && mpa1 > mpa0 && hmpa1 - hmpa0 >= 2)) ||
	PROBLEMS+=("counters: MN mps_sent $mps0 -> $mps1, mpa_received $mpa0 -> $mpa1; HA 2 mpa_sent $hmpa0 -> $hmpa1 (an unsolicited MPA and an answer expected)")
# The agent adds the address after the BA it acts on: on a loaded machine
# a moment after the binding update list says bound.
new_hoa_on_mn0() { ip -n "$NS_MN" -6 addr show dev mn0 | grep -q "$NEW_HOA/128"; }
wait_until 3 new_hoa_on_mn0 ||
	PROBLEMS+=("$NEW_HOA is not on mn0 3 s after its registration: $(ip -n "$NS_MN" -6 -br addr show dev mn0)")
# The next move retires the old home address: deregistered at HA 2.
rt_move visitnet
moved_on() {
	bound_as "$NEW_HOA" "$COA1" &&
		[[ $(jget "$(ha2 bcache)" "len([b for b in r if b['home_address'] == '$HOA'])") == 0 ]]
}
((${#PROBLEMS[@]})) || wait_until 20 moved_on ||
	PROBLEMS+=("after the move to visitnet: MN $(mn bul); HA 2 $(ha2 bcache) (only $NEW_HOA at $COA1 expected)")
ip -n "$NS_MN" -6 addr show dev mn0 | grep -q " $HOA/" && PROBLEMS+=("the old home address $HOA is still on mn0")
wait_until 5 grep -q "old home address $HOA: deregistration answered, status 0" "$WORK/mn.log" ||
	PROBLEMS+=("the MN did not log HA 2's answer to the deregistration of $HOA")
sleep 0.3
stop_pid "$TCPDUMP_PID" INT
TCPDUMP_PID=
# On the wire: MPS CoA -> HA 2; MPAs HA 2 -> CoA, one unsolicited (its
# identifier that of no MPS) and one answer, each with the old prefix
# preferred 0 and the new one preferred.
facts=$(tshark -r "$PCAP" -Y "(icmpv6.type == 146 || icmpv6.type == 147) && frame.time_epoch >= $t_reload" -T fields -E occurrence=a \
	-E aggregator=, -E separator='|' -e ipv6.src -e ipv6.dst -e icmpv6.type -e icmpv6.mip6.identifier \
	-e icmpv6.opt.prefix -e icmpv6.opt.prefix.preferred_lifetime 2>/dev/null | "$PY" "$LIB/mpd_wire.py" \
	"$HA2_ADDR" "$COA2" "$HA2_ADDR" "${NEW_PREFIX%/*}") # the old prefix: R set, the field holds HA 2's address
read -r w_mps w_ans w_uns w_bad <<<"$facts"
((${w_mps:-0} >= 1 && ${w_ans:-0} >= 1 && ${w_uns:-0} >= 1)) && [[ $w_bad == - ]] ||
	PROBLEMS+=("on the wire: ${w_mps:-0} MPS from $COA2, ${w_ans:-0} answering and ${w_uns:-0} unsolicited MPAs (>= 1 each); wrong: ${w_bad:-?}")
report "D4. renumbering: HA 2 deprecates $HOME_PREFIX for $NEW_PREFIX; the MN registers $NEW_HOA, then deregisters $HOA (BA 0 for it)" \
	"registered $NEW_HOA $t3 s after the reload; MN: +$((mps1 - mps0)) MPS sent, +$((mpa1 - mpa0)) MPA received; HA 2: +$((hmpa1 - hmpa0)) MPA sent" \
	"on sw-mn0: ${w_mps:-0} MPS $COA2 -> $HA2_ADDR, ${w_uns:-0} unsolicited and ${w_ans:-0} answering MPAs (old prefix preferred 0)" -- "${PROBLEMS[@]}"

# ---- D5: the whole run on the wire ---------------------------------------------------
PROBLEMS=()
# D2's discovery: the request from the care-of address to the home prefix's
# Home-Agents anycast address, the reply from HA 1 to it, HA 1 first.
ANYCAST=2001:db8:2700:0:fdff:ffff:ffff:fffe
dh=$(tshark -r "$PCAP" -Y 'icmpv6.type == 144 || icmpv6.type == 145' -T fields -E separator='|' \
	-E occurrence=a -E aggregator=, -e ipv6.src -e ipv6.dst -e icmpv6.type -e icmpv6.mip6.home_agent_address 2>/dev/null)
grep -qxF "$COA1|$ANYCAST|144|" <<<"$dh" || PROBLEMS+=("no DHAAD request $COA1 -> $ANYCAST on the wire: '$dh'")
# The anycast address reaches one of the two (the kernel routes it to one
# host): whichever answers lists HA 1 first, by preference.
grep -qxE "($HA_ADDR|$HA2_ADDR)\|$COA1\|145\|$HA_ADDR,$HA2_ADDR" <<<"$dh" ||
	PROBLEMS+=("no DHAAD reply to $COA1 listing $HA_ADDR then $HA2_ADDR on the wire: '$dh'")
expert=$(tshark -r "$PCAP" -Y '_ws.malformed || _ws.expert.severity >= "warning"' 2>/dev/null)
[[ -z $expert ]] ||
	PROBLEMS+=("tshark flags $(grep -c . <<<"$expert") packets as malformed or worse than a note:" "$(head -5 <<<"$expert")")
report "D5. on the wire from D2 on (sw-mn0): the DHAAD request to $ANYCAST and its reply ($HA_ADDR, $HA2_ADDR); nothing malformed" \
	"$(grep -c . <<<"$dh") DHAAD messages; $(tshark -r "$PCAP" 2>/dev/null | grep -c .) frames, none malformed (tshark)" -- "${PROBLEMS[@]}"
e2e_result
