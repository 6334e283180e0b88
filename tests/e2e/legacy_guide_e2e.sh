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
#
# Usage: legacy_guide_e2e.sh [--xmipd PATH] [--verbose]
# Needs root, iproute2, ethtool, radvd, ping, /usr/bin/python3.
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
e2e_require_tools ip ethtool radvd ping mountpoint "$PY"

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
	--set mobile_node.authentication.spi=4097 --set mobile_node.authentication.key_file="$KEY")

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
e2e_result
