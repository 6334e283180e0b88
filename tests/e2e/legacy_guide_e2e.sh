#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# tests/e2e/legacy_guide_e2e.sh - the guide's own network-mip6.conf files
# (configs/network-mip6.conf.ha and .mn, byte for byte) register end to end,
# with the overrides docs/configuration.md lists and an RFC 4285 security
# association given as overrides (docs/security.md, "Legacy files").
#
# The testbed of agent_roaming_e2e.sh (lib/roaming_topology.sh) with the home
# link on the guide's own prefix, fec0:106:2700::/64: the files name it
# (HOMEADDRESS=fec0:106:2700::4/64, HOMEAGENT=fec0:106:2700::2/64). It is
# only ever used inside the namespaces this script makes. Its addresses are
# site-scoped to the kernel: the MN must clear a site-local address it
# autoconfigured at home as it does a global one (else the home prefix stays
# on-link and the BU never leaves the visited link).
#
#   L1. xmipd --check on each file with its overrides: valid, and no
#       UNAUTHENTICATED or "refused (146)" warning; without the security
#       association the home agent's --check warns that every BU is refused
#   L2. both agents start from the files; the MN knows it is home
#   L3. the MN moves to visitnet: it registers its CoA with the HA (binding
#       cache and binding update list agree), authenticated (bu_auth_ok > 0)
#   L4. CN -> HoA reaches the MN through the HA's tunnel
#   L5. the guide's 5.3 ping exactly: `ping6 <AR's visitnet address>` on the
#       MN, no -I. The kernel picks the HoA; on the wire (the MN's switch
#       port, tshark) the request leaves as CoA -> HA around HoA -> AR and
#       the reply comes back HA -> CoA around AR -> HoA, never natively; the
#       MN's datapath counts the encapsulations and decapsulations, the HA
#       its own. What must stay local does: a ping to the AR's link-local
#       address, Neighbour Discovery, a DHCPv6 Solicit (ff02::1:2), and a
#       mobile_node.local_destinations entry (a second AR address standing
#       for a visited-link printer: native from the CoA). Nothing malformed.
#   L6. the home agent's own traffic (issue 18 item 3): the HA pings the away
#       HoA; on sw-mn0 the request is HA -> CoA around HA -> HoA and the reply
#       CoA -> HA around HoA -> HA, never native; the HA's datapath counts
#       encap_own (bpf/ha_local.bpf.h, tc egress on the home link). Nothing
#       malformed.
#
# Usage: legacy_guide_e2e.sh [--xmipd PATH] [--verbose]
# Needs root, iproute2, ethtool, radvd, ping, tcpdump, tshark, /usr/bin/python3.
set -uo pipefail

# shellcheck source-path=SCRIPTDIR source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh" # sets HERE, REPO, LIB, PY, SELF
RT_SELF=$HERE/$SELF
# shellcheck source-path=SCRIPTDIR source=lib/roaming_topology.sh
source "$LIB/roaming_topology.sh"

XMIPD=$REPO/build/agent/xmipd/xmipd
TIME_LIMIT=${XMIP_E2E_TIME_LIMIT:-60}
e2e_parse_args --xmipd=XMIPD:path -- "$@"
e2e_require_root
[[ -x $XMIPD ]] || { echo "$SELF: no executable at $XMIPD (build first, or --xmipd PATH)" >&2; exit 2; }
XMIPD=$(e2e_abspath "$XMIPD")
e2e_require_tools ip ethtool radvd ping tcpdump tshark mountpoint "$PY"

HA_FILE=$REPO/configs/network-mip6.conf.ha
MN_FILE=$REPO/configs/network-mip6.conf.mn
# The guide's home link (what the files say), in place of the testbed's.
HOA=fec0:106:2700::4
HOME_PREFIX=fec0:106:2700::/64
HA_ADDR=fec0:106:2700::2
R_HOME=fec0:106:2700::1

e2e_work xmip-roam # rt_down removes a work dir of this name
rt_init "xlg$$" "$WORK"
HA_PID=
MN_PID=
# L5's visited-link "printer": a second address of the AR on visitnet that
# the MN is told to reach locally (mobile_node.local_destinations).
AR_PRINTER=2001:db8:1100::99

# shellcheck disable=SC2317 # the EXIT trap
cleanup() {
	e2e_cleanup_begin
	e2e_note_abort
	if ((RC != 0 || FAILED != 0)); then
		for f in "$WORK"/ha.log "$WORK"/mn.log; do
			[[ -s $f ]] && { echo "---- ${f##*/} (last 25 lines)"; tail -n 25 "$f"; }
		done
	fi
	stop_pids "$MN_PID" "$HA_PID" "${BG_PIDS[@]}"
	rt_down
	e2e_leftovers "$RT_BPFFS" "$WORK" "${RT_NAMESPACES[@]}"
	# shellcheck disable=SC2086
	e2e_left_pids $HA_PID $MN_PID "${BG_PIDS[@]}"
	e2e_report_leftovers
	exit "$RC"
}
e2e_arm


echo "xmip: the guide's network-mip6.conf files end to end (testbed $RT_PREFIX, xmipd $XMIPD)"
set -e
rt_up
rt_mount_bpffs
KEY=$(rt_mn_key)
rt_radvd_conf ar1 $VISIT1_PREFIX >"$WORK/radvd-ar.conf"
on "$NS_AR" ip -6 addr add $AR_PRINTER/64 dev ar1 nodad
chmod 755 "$WORK" # tcpdump writes its capture here after dropping root
set +e

# What a reader of docs/configuration.md gives each file (the guide's eth0
# is the testbed's ha0/mn0), and the security association (docs/security.md).
COMMON=(--set log_level=debug --set metrics.listen= --set paths.pin_root="$RT_BPFFS")
HA_SET=("${COMMON[@]}" --set home_agent.address=$HA_ADDR --set home_agent.prefixes=$HOME_PREFIX
	--set home_agent.home_link=ha0 --set datapath.interfaces=ha0 --set datapath.xdp_mode=generic
	--set paths.control_socket="$HA_SOCK" --set paths.state_dir="$WORK/state-ha")
HA_SA=(--set home_agent.security_associations[0].home_address=$HOA
	--set home_agent.security_associations[0].spi=4097
	--set home_agent.security_associations[0].key_file="$KEY")
MN_SET=("${COMMON[@]}" --set mobile_node.interface=mn0 --set datapath.xdp_mode=generic
	--set paths.control_socket="$MN_SOCK" --set paths.state_dir="$WORK/state-mn"
	--set mobile_node.authentication.spi=4097 --set mobile_node.authentication.key_file="$KEY"
	--set mobile_node.local_destinations=$AR_PRINTER/128)

# ---- L1 -------------------------------------------------------------------------
PROBLEMS=()
out_ha=$(ip netns exec "$NS_HA" "$XMIPD" --check -c "$HA_FILE" "${HA_SET[@]}" "${HA_SA[@]}" 2>&1) ||
	PROBLEMS+=("HA --check failed: $out_ha")
out_mn=$(ip netns exec "$NS_MN" "$XMIPD" --check -c "$MN_FILE" "${MN_SET[@]}" 2>&1) ||
	PROBLEMS+=("MN --check failed: $out_mn")
for o in "$out_ha" "$out_mn"; do
	grep -q "configuration is valid" <<<"$o" || PROBLEMS+=("no 'configuration is valid' in: $o")
	grep -qE "UNAUTHENTICATED|status 146" <<<"$o" && PROBLEMS+=("an authentication warning with an association: $o")
done
out_no_sa=$(ip netns exec "$NS_HA" "$XMIPD" --check -c "$HA_FILE" "${HA_SET[@]}" 2>&1)
grep -q "every Binding Update for it will be refused (status 146)" <<<"$out_no_sa" ||
	PROBLEMS+=("without an association, --check does not warn that BUs are refused: $out_no_sa")
report "L1. --check on the guide's files with overrides: valid, authenticated; without an SA it warns of 146" \
	"$(grep -c . <<<"$out_ha") lines for the HA, $(grep -c . <<<"$out_mn") for the MN" -- "${PROBLEMS[@]}"

# ---- L2 -------------------------------------------------------------------------
bg "$NS_AR" "$WORK/radvd.out" radvd -n -C "$WORK/radvd-ar.conf" -p "$WORK/radvd.pid" -m logfile -l "$WORK/radvd.log"
ip netns exec "$NS_HA" "$XMIPD" -c "$HA_FILE" "${HA_SET[@]}" "${HA_SA[@]}" >"$WORK/ha.log" 2>&1 3>&- 4>&- &
HA_PID=$!
e2e_track "$HA_PID"
PROBLEMS=()
wait_agent "$HA_SOCK" "$HA_PID" || PROBLEMS+=("the home agent did not start (exit ${AGENT_EXIT:-none})")
ip netns exec "$NS_MN" "$XMIPD" -c "$MN_FILE" "${MN_SET[@]}" >"$WORK/mn.log" 2>&1 3>&- 4>&- &
MN_PID=$!
e2e_track "$MN_PID"
wait_agent "$MN_SOCK" "$MN_PID" || PROBLEMS+=("the mobile node did not start (exit ${AGENT_EXIT:-none})")
((${#PROBLEMS[@]})) || wait_until 5 mn_is home || PROBLEMS+=("the MN is not home within 5 s: $(mn status)")
report "L2. both agents run from the guide's files; the MN is home" "HA pid $HA_PID, MN pid $MN_PID" -- "${PROBLEMS[@]}"
((${#PROBLEMS[@]} == 0)) || e2e_result

# ---- L3 -------------------------------------------------------------------------
COA=$(eui64 $VISIT1_PREFIX $MAC_MN0)
rt_move visitnet
PROBLEMS=()
wait_until 15 mn_is away bound "$COA" ||
	PROBLEMS+=("no binding for $COA within 15 s: MN $(mn bul); HA signalling $(ctl "$HA_SOCK" stats --get signalling 2>&1)")
bc=$(ha bcache)
[[ $(jget "$bc" "r[0]['home_address']") == "$HOA" && $(jget "$bc" "r[0]['care_of_address']") == "$COA" ]] ||
	PROBLEMS+=("the HA's binding cache is not $HOA -> $COA: $bc")
# Authentication is required for the HoA (it has an association and is on
# no optional prefix), so an accepting BA means the BU was authenticated.
ba_sent=$(ctl "$HA_SOCK" stats --get signalling.ba_sent 2>/dev/null || echo '?')
drop_auth=$(ctl "$HA_SOCK" stats --get signalling.bu_drop_auth 2>/dev/null || echo '?')
[[ $ba_sent =~ ^[1-9][0-9]*$ ]] || PROBLEMS+=("the HA sent $ba_sent accepting Binding Acknowledgements")
[[ $drop_auth == 0 ]] || PROBLEMS+=("the HA dropped $drop_auth Binding Updates on authentication")
report "L3. the MN moves to visitnet and registers $COA, authenticated" \
	"binding cache: $HOA -> $COA; HA: $ba_sent accepting BAs sent, $drop_auth BUs dropped on authentication" \
	-- "${PROBLEMS[@]}"

# ---- L4 -------------------------------------------------------------------------
PROBLEMS=()
rx=$(on "$NS_CN" ping -c 3 -i 0.2 -W 2 $HOA 2>&1 | sed -n 's/.* \([0-9]*\) received.*/\1/p')
[[ ${rx:-0} -ge 2 ]] || PROBLEMS+=("CN -> HoA: ${rx:-0} of 3 echo replies")
report "L4. CN -> HoA through the HA's tunnel" "${rx:-0} of 3 echo replies" -- "${PROBLEMS[@]}"

# ---- L5 -------------------------------------------------------------------------
# dp_counter ha|mn REASON-REGEX: an agent's datapath packets over every
# verdict whose reason matches (from its `stats`).
dp_counter() {
	local s
	s=$("$1" stats 2>/dev/null) || { echo 0; return; }
	jget "$s" "sum(c['packets'] for c in r['datapath'] if __import__('re').fullmatch(r'$2', c['reason']))" || echo 0
}
# received COUNT PING-ARGS...: how many of COUNT echo requests were answered.
received() {
	local n=$1
	shift
	on "$NS_MN" ping -6 -c "$n" -i 0.2 -W 2 "$@" 2>&1 | sed -n 's/.* \([0-9]*\) received.*/\1/p' | grep . || echo 0
}
PROBLEMS=()
PCAP=$WORK/visitnet-mn.pcap
bg "$NS_SW" "$WORK/tcpdump.out" tcpdump -i sw-mn0 -n -U --immediate-mode -w "$PCAP"
TCPDUMP_PID=$!
wait_until 5 grep -q "listening on" "$WORK/tcpdump.out.err" || PROBLEMS+=("tcpdump on sw-mn0 did not start")
AR_LL=$(eui64 fe80::/64 $MAC_AR1)
mn_enc0=$(dp_counter mn encap_to_home_agent) mn_dec0=$(dp_counter mn decap)
ha_enc0=$(dp_counter ha 'encap|encap_neigh_unresolved') ha_dec0=$(dp_counter ha decap)
get=$(ip -n "$NS_MN" -6 route get $AR_VISIT1 2>&1)
[[ $get == *"src $HOA "* ]] || PROBLEMS+=("ip route get $AR_VISIT1 on the MN does not pick the HoA: '$get'")
# The guide's ping, as typed there: no -I, the kernel chooses.
rx_ar=$(received 3 $AR_VISIT1)
((rx_ar == 3)) || PROBLEMS+=("ping6 $AR_VISIT1: $rx_ar of 3 echo replies")
mn_enc1=$(dp_counter mn encap_to_home_agent) mn_dec1=$(dp_counter mn decap)
ha_enc1=$(dp_counter ha 'encap|encap_neigh_unresolved') ha_dec1=$(dp_counter ha decap)
((mn_enc1 - mn_enc0 >= 3 && mn_dec1 - mn_dec0 >= 3)) ||
	PROBLEMS+=("the MN's datapath encapsulated $((mn_enc1 - mn_enc0)) and decapsulated $((mn_dec1 - mn_dec0)) packets during the ping (>= 3 each expected)")
((ha_enc1 - ha_enc0 >= 3 && ha_dec1 - ha_dec0 >= 3)) ||
	PROBLEMS+=("the HA's datapath encapsulated $((ha_enc1 - ha_enc0)) and decapsulated $((ha_dec1 - ha_dec0)) packets during the ping (>= 3 each expected)")
# The exceptions: the AR's link-local address, a DHCPv6 Solicit, the listed
# printer (Neighbour Discovery comes with them).
rx_ll=$(received 3 "$AR_LL%mn0")
((rx_ll == 3)) || PROBLEMS+=("ping6 $AR_LL%mn0: $rx_ll of 3 echo replies")
on "$NS_MN" "$PY" -c '
import socket
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, b"mn0")
# msg-type 1 (Solicit), transaction id, an empty Elapsed Time option (8)
s.sendto(bytes([1, 0x12, 0x34, 0x56, 0, 8, 0, 2, 0, 0]), ("ff02::1:2", 547, 0, socket.if_nametoindex("mn0")))
' || PROBLEMS+=("the MN could not send a DHCPv6 Solicit")
rx_pr=$(received 3 $AR_PRINTER)
((rx_pr == 3)) || PROBLEMS+=("ping6 $AR_PRINTER (local_destinations): $rx_pr of 3 echo replies")
get_pr=$(ip -n "$NS_MN" -6 route get $AR_PRINTER 2>&1)
[[ $get_pr == *"src $(eui64 $VISIT1_PREFIX $MAC_MN0) "* ]] ||
	PROBLEMS+=("ip route get $AR_PRINTER on the MN does not pick the CoA: '$get_pr'")
sleep 0.3
stop_pid "$TCPDUMP_PID" INT
# One pass of tshark: each frame's address lists (outer first), next
# headers, ICMPv6 types and UDP port, classified.
facts=$(tshark -r "$PCAP" -T fields -E occurrence=a -E aggregator=, -E separator='|' \
	-e ipv6.src -e ipv6.dst -e ipv6.nxt -e icmpv6.type -e udp.dstport 2>/dev/null | "$PY" -c '
import sys
from collections import Counter
ha, hoa, coa, ar, ar_ll, printer = sys.argv[1:7]
n = Counter()
for line in sys.stdin:
    src, dst, nxt, icmp, udp = line.rstrip("\n").split("|")
    src, dst, nxt, icmp = src.split(","), dst.split(","), nxt.split(","), icmp.split(",")
    tunnelled = len(src) > 1 and nxt[0] == "41"
    if tunnelled:
        if src[:2] == [coa, hoa] and dst[:2] == [ha, ar] and "128" in icmp:
            n["tun_req"] += 1
        if src[:2] == [ha, ar] and dst[:2] == [coa, hoa] and "129" in icmp:
            n["tun_rep"] += 1
        if set(icmp) & {"133", "134", "135", "136"} or udp == "547":
            n["tunnelled_local"] += 1
        continue
    if ar in (src[0], dst[0]) and set(icmp) & {"128", "129"}:
        n["native_ar"] += 1
    if (src[0].startswith("fe80:") and dst[0] == ar_ll and "128" in icmp) or (src[0] == ar_ll and dst[0].startswith("fe80:") and "129" in icmp):
        n["ll_echo"] += 1
    if set(icmp) & {"135", "136"}:
        n["nd"] += 1
    if udp == "547" and dst[0] == "ff02::1:2" and src[0].startswith("fe80:"):
        n["dhcp"] += 1
    if (src[0], dst[0]) in ((coa, printer), (printer, coa)) and set(icmp) & {"128", "129"}:
        n["printer"] += 1
for k in ("tun_req", "tun_rep", "native_ar", "ll_echo", "nd", "dhcp", "printer", "tunnelled_local"):
    print(f"{k}={n[k]}")
' "$HA_ADDR" "$HOA" "$(eui64 $VISIT1_PREFIX $MAC_MN0)" "$AR_VISIT1" "$AR_LL" "$AR_PRINTER")
declare -A W=()
while IFS== read -r k v; do [[ -n $k ]] && W[$k]=$v; done <<<"$facts"
((${W[tun_req]:-0} >= 3 && ${W[tun_rep]:-0} >= 3)) ||
	PROBLEMS+=("on the wire: ${W[tun_req]:-0} CoA -> HA (HoA -> $AR_VISIT1 echo request), ${W[tun_rep]:-0} HA -> CoA ($AR_VISIT1 -> HoA echo reply) (>= 3 each expected)")
((${W[native_ar]:-1} == 0)) || PROBLEMS+=("on the wire: ${W[native_ar]:-?} echo packets to or from $AR_VISIT1 outside the tunnel")
((${W[ll_echo]:-0} >= 6)) || PROBLEMS+=("on the wire: ${W[ll_echo]:-0} native link-local echo packets with $AR_LL (6 expected)")
((${W[printer]:-0} >= 6)) || PROBLEMS+=("on the wire: ${W[printer]:-0} native echo packets CoA <-> $AR_PRINTER (6 expected)")
((${W[nd]:-0} >= 1)) || PROBLEMS+=("on the wire: no native Neighbour Discovery")
((${W[dhcp]:-0} >= 1)) || PROBLEMS+=("on the wire: no native DHCPv6 Solicit to ff02::1:2")
((${W[tunnelled_local]:-1} == 0)) || PROBLEMS+=("on the wire: ${W[tunnelled_local]:-?} ND or DHCPv6 packets inside the tunnel")
expert=$(tshark -r "$PCAP" -Y '_ws.malformed || _ws.expert.severity >= "warning"' 2>/dev/null)
[[ -z $expert ]] || PROBLEMS+=("tshark flags $(grep -c . <<<"$expert") packets as malformed or worse than a note:" "$(head -5 <<<"$expert")")
report "L5. the guide's 5.3 ping: ping6 $AR_VISIT1 leaves from the HoA through the tunnel; link-local, ND, DHCPv6 and local_destinations stay local" \
	"ip route get $AR_VISIT1: src $HOA; $rx_ar of 3 echo replies" \
	"on sw-mn0: ${W[tun_req]:-0} CoA -> HA [HoA -> $AR_VISIT1 echo request], ${W[tun_rep]:-0} HA -> CoA [$AR_VISIT1 -> HoA echo reply], ${W[native_ar]:-0} native" \
	"MN datapath: +$((mn_enc1 - mn_enc0)) encap_to_home_agent, +$((mn_dec1 - mn_dec0)) decap; HA datapath: +$((ha_enc1 - ha_enc0)) encap, +$((ha_dec1 - ha_dec0)) decap" \
	"local: $rx_ll of 3 to $AR_LL%mn0 (${W[ll_echo]:-0} native frames), ${W[nd]:-0} ND, ${W[dhcp]:-0} DHCPv6 Solicit, $rx_pr of 3 to $AR_PRINTER from the CoA (${W[printer]:-0} native frames); none tunnelled" \
	"tshark: nothing malformed" -- "${PROBLEMS[@]}"

# ---- L6 -------------------------------------------------------------------------
PROBLEMS=()
PCAP6=$WORK/visitnet-mn-own.pcap
bg "$NS_SW" "$WORK/tcpdump6.out" tcpdump -i sw-mn0 -n -U --immediate-mode -w "$PCAP6"
TCPDUMP_PID=$!
wait_until 5 grep -q "listening on" "$WORK/tcpdump6.out.err" || PROBLEMS+=("tcpdump on sw-mn0 did not start")
own0=$(dp_counter ha encap_own) ns0=$(dp_counter ha own_solicitation_answered)
rx_own=$(on "$NS_HA" ping -6 -c 3 -i 0.2 -W 2 $HOA 2>&1 | sed -n 's/.* \([0-9]*\) received.*/\1/p' | grep . || echo 0)
((rx_own == 3)) || PROBLEMS+=("HA -> HoA: $rx_own of 3 echo replies; its neighbours and route:" "$(ip -n "$NS_HA" -6 neigh)" "$(ip -n "$NS_HA" -6 route get $HOA)")
own1=$(dp_counter ha encap_own) ns1=$(dp_counter ha own_solicitation_answered)
((own1 - own0 >= 3)) || PROBLEMS+=("the HA's datapath counted $((own1 - own0)) encap_own during its ping (>= 3 expected)")
sleep 0.3
stop_pid "$TCPDUMP_PID" INT
own_facts=$(tshark -r "$PCAP6" -T fields -E occurrence=a -E aggregator=, -E separator='|' \
	-e ipv6.src -e ipv6.dst -e ipv6.nxt -e icmpv6.type 2>/dev/null | "$PY" -c '
import sys
ha, hoa, coa = sys.argv[1:4]
req = rep = native = 0
for line in sys.stdin:
    src, dst, nxt, icmp = (f.split(",") for f in line.rstrip("\n").split("|"))
    if src[:2] == [ha, ha] and dst[:2] == [coa, hoa] and nxt[0] == "41" and "128" in icmp:
        req += 1
    elif src[:2] == [coa, hoa] and dst[:2] == [ha, ha] and nxt[0] == "41" and "129" in icmp:
        rep += 1
    elif len(src) == 1 and {src[0], dst[0]} == {ha, hoa}:
        native += 1
print(req, rep, native)
' "$HA_ADDR" "$HOA" "$COA")
read -r own_req own_rep own_native <<<"$own_facts"
((${own_req:-0} >= 3 && ${own_rep:-0} >= 3)) ||
	PROBLEMS+=("on the wire: ${own_req:-0} HA -> CoA [HA -> HoA echo request], ${own_rep:-0} CoA -> HA [HoA -> HA echo reply] (>= 3 each expected)")
((${own_native:-1} == 0)) || PROBLEMS+=("on the wire: ${own_native:-?} packets between the HA and the HoA outside the tunnel")
expert=$(tshark -r "$PCAP6" -Y '_ws.malformed || _ws.expert.severity >= "warning"' 2>/dev/null)
[[ -z $expert ]] || PROBLEMS+=("tshark flags $(grep -c . <<<"$expert") packets as malformed or worse than a note:" "$(head -5 <<<"$expert")")
report "L6. the HA's own ping to the away HoA goes through the tunnel both ways" \
	"$rx_own of 3 echo replies; HA datapath: +$((own1 - own0)) encap_own, +$((ns1 - ns0)) own solicitations answered" \
	"on sw-mn0: ${own_req:-0} HA -> CoA [HA -> HoA echo request], ${own_rep:-0} CoA -> HA [HoA -> HA echo reply], ${own_native:-0} native" \
	"tshark: nothing malformed" -- "${PROBLEMS[@]}"
e2e_result
