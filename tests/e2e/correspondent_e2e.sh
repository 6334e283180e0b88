#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# tests/e2e/correspondent_e2e.sh - xmipd as a correspondent node (issue 13,
# docs/route-optimisation.md) against a mobile node built with scapy
# (lib/scapy_ro_mn.py: no xmip code, Python's hmac/hashlib for the keys):
#
#   xmipd (role correspondent)  cn0 ----- p0  the peer: the home agent's end
#   2001:db8:1::10/64                         (the home prefix is routed to
#   XDP xmip_cn_xdp, tc egress                 it) and the mobile node at its
#   xmip_cn_egress                             care-of address, 2001:db8:1::1
#
#   C1. return routability: HoTI -> HoT (to the home address), CoTI -> CoT
#       (to the care-of address); a BU signed with Kbm -> BA status 0 with
#       its authenticator, to the care-of address with a type 2 routing
#       header; the binding in `mipctl bcache` and in xmip_cn_bindings
#   C2. a UDP packet from the care-of address with a Home Address option
#       reaches a listening socket with the home address as source; the
#       answer (and an echo reply) leaves with a type 2 routing header to the
#       care-of address; tshark finds nothing malformed and verifies the
#       UDP and ICMPv6 checksums of the capture
#   C3. the datapath marked the binding used (the Binding Refresh Request
#       condition)
#   C4. the attacker: a BU with a wrong authenticator is discarded (no BA,
#       no binding); nonces never issued -> 136 / 137 / 138; a Home Address
#       option nobody bound -> Binding Error status 1, the packet dropped
#       and counted; the registration BU replayed -> 135
#   C5. SIGTERM: the correspondent stops, detaches and unpins
#
# Bounded (XMIP_E2E_TIME_LIMIT, 120 s); namespaces, bpffs, processes and the
# work dir are removed on exit, also on failure.
#
# Usage: correspondent_e2e.sh [--xmipd PATH] [--xmip-dp PATH] [--verbose]
# Needs root, iproute2, tshark and /usr/bin/python3 (scapy).
set -uo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh" # sets HERE, REPO, LIB, PY, SELF

XMIPD=$REPO/build/agent/xmipd/xmipd
XMIP_DP=$REPO/build/agent/tools/xmip-dp
TIME_LIMIT=${XMIP_E2E_TIME_LIMIT:-120}

e2e_parse_args --xmipd=XMIPD:path --xmip-dp=XMIP_DP:path -- "$@"
e2e_require_root
[[ -x $XMIPD ]] || { echo "$SELF: no executable $XMIPD (build first, or pass its path)" >&2; exit 2; }
XMIPD=$(e2e_abspath "$XMIPD")
XMIP_DP=$(e2e_abspath "$XMIP_DP")
e2e_require_tools ip tshark mountpoint "$PY"

CN=2001:db8:1::10
PEER=2001:db8:1::1
HOA=2001:db8:2700::4
HOA2=2001:db8:2700::5
HOA3=2001:db8:2700::6
COA=2001:db8:3::100
MAC_CN0=02:00:00:00:01:10
MAC_P0=02:00:00:00:01:01
UDP_PORT=7777

e2e_work xmip-cn
P=xcn$$r$RANDOM
NS_CN=$P-cn
NS_PEER=$P-peer
BPFFS=$WORK/bpffs
CN_PID=
SERVER_PID=
TSHARK_PID=

# shellcheck disable=SC2317
cleanup() {
	e2e_cleanup_begin
	e2e_note_abort
	if ((RC != 0 || FAILED != 0)) && [[ -s $WORK/xmipd-cn.log ]]; then
		echo "---- xmipd-cn.log (last 30 lines) ----"
		tail -n 30 "$WORK/xmipd-cn.log"
		echo "---- the scapy mobile node's errors (last 10 lines) ----"
		tail -n 10 "$WORK/mn.err" 2>/dev/null
	fi
	stop_pids "$CN_PID" "$SERVER_PID" "$TSHARK_PID" "${BG_PIDS[@]}"
	e2e_remove_testbed xmip-cn "$BPFFS" "$WORK" "$NS_CN" "$NS_PEER"
	e2e_leftovers "$BPFFS" "$WORK" "$NS_CN" "$NS_PEER"
	# shellcheck disable=SC2086 # empty PIDs vanish
	e2e_left_pids $CN_PID $SERVER_PID $TSHARK_PID "${BG_PIDS[@]}"
	e2e_report_leftovers
	exit "$RC"
}
e2e_arm

mn() { # STEP: one step of the scapy mobile node; its JSON on stdout
	on "$NS_PEER" "$PY" "$LIB/scapy_ro_mn.py" --iface p0 --src-mac $MAC_P0 --dst-mac $MAC_CN0 --cn $CN \
		--hoa $HOA --coa $COA --hoa2 $HOA2 --hoa3 $HOA3 --udp-port $UDP_PORT --step "$1" \
		--state "$WORK/rr.json" 2>>"$WORK/mn.err"
}
counter() { # ID: a datapath counter's packets
	ctl "$WORK/cn.sock" stats | "$PY" -c 'import json, sys
print(next(c["packets"] for c in json.load(sys.stdin)["datapath"] if c["id"] == sys.argv[1]))' "$1"
}
signalling() { ctl "$WORK/cn.sock" stats --get "signalling.$1"; }
cn_map() { # the correspondent's xmip_cn_bindings, one "home correspondent care-of flags" a line
	ip netns exec "$NS_CN" "$XMIP_DP" --pin-root "$BPFFS" -i cn ro --map cn 2>>"$WORK/setup.log"
}

echo "xmipd correspondent against a scapy mobile node (namespaces $P-*, work dir $WORK)"

# ---- setup -----------------------------------------------------------------------
for n in "$NS_CN" "$NS_PEER"; do
	must ip netns add "$n"
	must on "$n" ip link set lo up
	must on "$n" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0 \
		net.ipv6.conf.default.router_solicitations=0
done
must ip -n "$NS_CN" link add cn0 address $MAC_CN0 type veth peer name p0 netns "$NS_PEER" address $MAC_P0
must ip -n "$NS_CN" link set cn0 up
# A veth hands the peer UDP packets with only the pseudo-header sum in the
# checksum field (CHECKSUM_PARTIAL, "offload"): a capture on p0 could verify
# none. Full checksums from the correspondent's stack let C2b show that the
# routing header insertion leaves them valid.
must ip netns exec "$NS_CN" ethtool -K cn0 tx off
must ip -n "$NS_PEER" link set p0 up
must ip -n "$NS_CN" -6 addr add $CN/64 dev cn0 nodad
must ip -n "$NS_PEER" -6 addr add $PEER/64 dev p0 nodad
# The home prefix and the visited one are behind the peer; neither address
# is the peer's own, so its stack drops what scapy reads (no answers of its own).
# The peer's kernel drops them silently (blackhole, no ICMPv6 error of its
# own in the capture): only scapy answers.
must ip -n "$NS_PEER" -6 route add blackhole 2001:db8:2700::/64
must ip -n "$NS_PEER" -6 route add blackhole 2001:db8:3::/64
must ip -n "$NS_CN" -6 route add 2001:db8:2700::/64 via $PEER dev cn0
must ip -n "$NS_CN" -6 route add 2001:db8:3::/64 via $PEER dev cn0
must ip -n "$NS_CN" -6 neigh replace $PEER lladdr $MAC_P0 dev cn0 nud permanent
mkdir -p "$BPFFS"
must mount -t bpf bpf "$BPFFS"

cat >"$WORK/cn.toml" <<EOF
role = "correspondent"
instance = "cn"
log_level = "debug"
[paths]
control_socket = "$WORK/cn.sock"
pin_root = "$BPFFS"
state_dir = "$WORK/state-cn"
[datapath]
interfaces = ["cn0"]
keep_forwarding_on_exit = false
[metrics]
listen = ""
[correspondent]
address = "$CN"
[correspondent.rate_limit]
per_source = 100
EOF
start_xmipd CN_PID "$NS_CN" "$WORK/cn.toml" "$WORK/xmipd-cn.log"
if ! wait_agent "$WORK/cn.sock" "$CN_PID"; then
	fail "setup: the correspondent did not start (exit status ${AGENT_EXIT:-none})" "$(tail -n 5 "$WORK/xmipd-cn.log")"
	exit 1
fi
# A UDP echo server on the correspondent: says whom it heard from.
ip netns exec "$NS_CN" "$PY" -c 'import socket, sys
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.bind(("::", int(sys.argv[1])))
while True:
    data, peer = s.recvfrom(2048)
    print(peer[0], data.decode(errors="replace"), flush=True)
    s.sendto(data, peer)' $UDP_PORT >"$WORK/server.log" 2>&1 3>&- 4>&- &
SERVER_PID=$!
ip netns exec "$NS_PEER" tshark -n -q -i p0 -w "$WORK/p0.pcapng" >/dev/null 2>"$WORK/tshark.err" 3>&- 4>&- &
TSHARK_PID=$!
wait_until 5 grep -q "Capturing on" "$WORK/tshark.err" || true

# C1 ----------------------------------------------------------------------------------
name="C1. return routability and a signed BU: BA 0, the binding in bcache and in the map"
PROBLEMS=()
REG=$(mn register)
say "mobile node: $REG"
[[ $(jget "$REG" 'r["status"]') == 0 ]] || PROBLEMS+=("BA: $REG $(tail -n 3 "$WORK/mn.err")")
[[ $(jget "$REG" 'r["authenticated"]') == true ]] || PROBLEMS+=("the BA's authenticator does not verify with Kbm")
[[ $(jget "$REG" 'r["checksum_ok"]') == true ]] || PROBLEMS+=("the BA's MH checksum is wrong")
[[ $(jget "$REG" 'r["dst"]') == "$COA" && $(jget "$REG" 'r["rh2"]') == "$HOA" ]] ||
	PROBLEMS+=("the BA went to $(jget "$REG" 'r["dst"]') with routing header $(jget "$REG" 'r["rh2"]'), expected $COA via $HOA")
BC_COA=$(ctl "$WORK/cn.sock" bcache --get 0.care_of_address 2>/dev/null)
[[ $BC_COA == "$COA" ]] || PROBLEMS+=("mipctl bcache: '$(ctl "$WORK/cn.sock" bcache 2>&1)'")
MAP=$(cn_map)
grep -q "^$HOA $CN $COA" <<<"$MAP" || PROBLEMS+=("xmip_cn_bindings: '$MAP'")
report "$name" "BA status 0, seq $(jget "$REG" 'r["seq"]'), lifetime $(jget "$REG" 'r["lifetime"]') s, authenticated, to $COA via a type 2 routing header" \
	"bcache: $HOA -> $BC_COA; map: $MAP" -- "${PROBLEMS[@]}"

# C2 ----------------------------------------------------------------------------------
name="C2. route-optimised data: HAO in, home address to the socket, type 2 routing header out"
PROBLEMS=()
DATA=$(mn data)
say "mobile node: $DATA"
wait_until 2 grep -q "ro-hello" "$WORK/server.log" || true
HEARD=$(grep "ro-hello" "$WORK/server.log" | head -n 1)
[[ $HEARD == "$HOA ro-hello" ]] || PROBLEMS+=("the UDP server heard: '${HEARD:-nothing}' (expected from $HOA)")
[[ $(jget "$DATA" 'r["udp_reply"]["rh2"]') == "$HOA" && $(jget "$DATA" 'r["udp_reply"]["rh2_segleft"]') == 1 &&
	$(jget "$DATA" 'r["udp_reply"]["src"]') == "$CN" ]] || PROBLEMS+=("UDP answer: $(jget "$DATA" 'r["udp_reply"]')")
[[ $(jget "$DATA" 'r["echo_reply"]["rh2"]') == "$HOA" ]] || PROBLEMS+=("echo reply: $(jget "$DATA" 'r["echo_reply"]')")
((${HAO_TAKEN:=$(counter RO_CN_HAO)} >= 2)) || PROBLEMS+=("ro_hao_taken = $HAO_TAKEN, expected 2")
((${RH2_ADDED:=$(counter RO_CN_RH2)} >= 2)) || PROBLEMS+=("ro_rh2_added = $RH2_ADDED, expected 2")
report "$name" "server heard '$HEARD'; answers to $COA with a type 2 routing header ($HOA, segments left 1)" \
	"datapath: ro_hao_taken $HAO_TAKEN, ro_rh2_added $RH2_ADDED" -- "${PROBLEMS[@]}"

# C3 ----------------------------------------------------------------------------------
name="C3. the datapath marked the binding used"
MAP=$(cn_map)
if grep -q "^$HOA $CN $COA .*used" <<<"$MAP"; then
	pass "$name" "xmip_cn_bindings: $MAP"
else
	fail "$name" "xmip_cn_bindings: '$MAP' (no used mark)"
fi

# C4 ----------------------------------------------------------------------------------
name="C4. the attacker: wrong authenticator, stale nonces, an unbound Home Address option, a replay"
PROBLEMS=()
UNBOUND0=$(counter RO_CN_HAO_UNBOUND)
AUTH0=$(signalling bu_drop_auth)
ATT=$(mn attacks)
say "mobile node: $ATT"
[[ $(jget "$ATT" 'r["wrong_auth_ba"]') == null ]] || PROBLEMS+=("a BU with a wrong authenticator was answered: $(jget "$ATT" 'r["wrong_auth_ba"]')")
(($(signalling bu_drop_auth) == AUTH0 + 1)) || PROBLEMS+=("bu_drop_auth $AUTH0 -> $(signalling bu_drop_auth), expected +1")
ctl "$WORK/cn.sock" bcache | grep -q "$HOA2" && PROBLEMS+=("a binding for $HOA2 exists")
[[ $(jget "$ATT" 'r["expired_nonce_status"]') == '{"both": 138, "care_of": 137, "home": 136}' ]] ||
	PROBLEMS+=("stale nonces: $(jget "$ATT" 'r["expired_nonce_status"]'), expected home 136, care-of 137, both 138")
[[ $(jget "$ATT" 'r["unbound_be"]["status"]') == 1 && $(jget "$ATT" 'r["unbound_be"]["home_address"]') == "$HOA3" &&
	$(jget "$ATT" 'r["unbound_be"]["dst"]') == "$COA" && $(jget "$ATT" 'r["unbound_be"]["checksum_ok"]') == true ]] ||
	PROBLEMS+=("Binding Error for an unbound home address: $(jget "$ATT" 'r["unbound_be"]')")
(($(counter RO_CN_HAO_UNBOUND) == UNBOUND0 + 1)) || PROBLEMS+=("ro_hao_unbound $UNBOUND0 -> $(counter RO_CN_HAO_UNBOUND), expected +1")
grep -q "unbound!" "$WORK/server.log" && PROBLEMS+=("the unbound packet reached the socket")
[[ $(jget "$ATT" 'r["replay"]["status"]') == 135 && $(jget "$ATT" 'r["replay"]["authenticated"]') == true ]] ||
	PROBLEMS+=("replayed BU: $(jget "$ATT" 'r["replay"]'), expected an authenticated 135")
[[ $(ctl "$WORK/cn.sock" bcache --get 0.care_of_address 2>/dev/null) == "$COA" ]] || PROBLEMS+=("the binding did not survive the attacks")
report "$name" "wrong authenticator: no answer, bu_drop_auth +1, no binding for $HOA2" \
	"stale nonces: $(jget "$ATT" 'r["expired_nonce_status"]')" \
	"unbound HAO ($HOA3): Binding Error $(jget "$ATT" 'r["unbound_be"]["status"]') to $COA, dropped (ro_hao_unbound +1)" \
	"replay: BA $(jget "$ATT" 'r["replay"]["status"]') (seq $(jget "$ATT" 'r["replay"]["seq"]'))" -- "${PROBLEMS[@]}"

# C2b: the capture, after every packet of the run -----------------------------------
name="C2b. tshark: nothing malformed, UDP and ICMPv6 checksums verified on the wire"
stop_pid "$TSHARK_PID"
TSHARK_PID=
PROBLEMS=()
# UDP checksums are verified only when asked; ICMPv6 ones always. Expert
# severity 8388608 is "Error" (a wrong checksum is one).
TS=(tshark -n -r "$WORK/p0.pcapng" -o udp.check_checksum:TRUE)
BAD=$("${TS[@]}" -Y '_ws.malformed || _ws.expert.severity >= 8388608' 2>/dev/null)
[[ -z $BAD ]] || PROBLEMS+=("malformed or erroneous: $BAD")
GOOD_UDP=$("${TS[@]}" -Y "udp.checksum.status == 1 && ipv6.routing.type == 2 && ipv6.dst == $COA" 2>/dev/null | wc -l)
GOOD_UDP_IN=$("${TS[@]}" -Y "udp.checksum.status == 1 && ipv6.opt.type == 201 && ipv6.src == $COA" 2>/dev/null | wc -l)
GOOD_ICMP=$("${TS[@]}" -Y "icmpv6.checksum.status == 1 && ipv6.routing.type == 2 && icmpv6.type == 129" 2>/dev/null | wc -l)
((GOOD_UDP >= 1)) || PROBLEMS+=("no UDP packet with a type 2 routing header whose checksum tshark verified: $("${TS[@]}" -Y udp -V 2>&1 | grep -i checksum | head -n 4)")
((GOOD_UDP_IN >= 1)) || PROBLEMS+=("no UDP packet with a Home Address option whose checksum tshark verified")
((GOOD_ICMP >= 1)) || PROBLEMS+=("no echo reply with a type 2 routing header whose checksum tshark verified")
report "$name" "$("${TS[@]}" 2>/dev/null | wc -l) frames; verified: $GOOD_UDP_IN UDP in (HAO), $GOOD_UDP UDP out (RH2), $GOOD_ICMP echo replies (RH2)" -- "${PROBLEMS[@]}"

# C5 ----------------------------------------------------------------------------------
name="C5. SIGTERM: the correspondent stops, detaches and unpins"
stop_pid "$CN_PID"
CN_PID=
PROBLEMS=()
[[ $STOP_STATUS == 0 ]] || PROBLEMS+=("exit status $STOP_STATUS")
[[ -z $(ip -n "$NS_CN" link show cn0 | grep -o 'xdp[a-z]*') ]] || PROBLEMS+=("XDP still on cn0")
# maps.debug and progs.debug are the kernel's own (bpf_preload iterators, on
# kernels built with them), in every fresh bpffs: not pins of xmipd's.
LEFT=$(find "$BPFFS" -mindepth 1 ! -type d ! -name maps.debug ! -name progs.debug 2>/dev/null | head -n 5)
[[ -z $LEFT ]] || PROBLEMS+=("pins left: $LEFT")
report "$name" "exit status $STOP_STATUS, nothing left attached or pinned" -- "${PROBLEMS[@]}"

e2e_result
