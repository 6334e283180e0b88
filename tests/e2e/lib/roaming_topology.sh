# SPDX-License-Identifier: BSD-2-Clause
# shellcheck shell=bash
# tests/e2e/lib/roaming_topology.sh - the guide's Mobile IPv6 testbed (section
# 4.1, and 5.5 for the second visited link) on network namespaces, for
# agent_roaming_e2e.sh: two xmipd instances, a home agent and a mobile node,
# the home router, one access router per visited link and a correspondent.
# Addresses are the guide's moved from the deprecated site-local
# fec0:106::/32 to the documentation prefix 2001:db8::/32 (fec0:106:X:: ->
# 2001:db8:X::).
#
#   homenet 2001:db8:2700::/64          internet 2001:db8:2300::/64 (the guide's
#   (bridge)                            (bridge)  R-AR wire)
#   HA  ha0 ::2 --+                 +-- r1   ::2  R
#   R   r0  ::1 --+                 +-- ar0  ::1  AR  -- ar1  visitnet  2001:db8:1100::1
#   MN  mn0 HoA ::4 (at home)       +-- ar20 ::3  AR2 -- ar21 visitnet2 2001:db8:1000::1
#                                   +-- cn0  ::10 CN (the correspondent, on the "internet")
#
#   visitnet  2001:db8:1100::/64 (bridge): AR's ar1, radvd on it
#   visitnet2 2001:db8:1000::/64 (bridge): AR2's ar21, radvd on it
#
# Every link is a bridge in the switch namespace "sw" (the guide's ad-hoc
# ESSIDs homenet, visitnet, visitnet2 and the wire between R and the access
# routers); every host's cable to a bridge is a veth whose switch end is
# named sw-<host interface>. The MN moves by re-attaching its port (sw-mn0)
# to another bridge, nothing else. Captures are taken on switch ports: XDP
# runs before the taps of the hosts' own interfaces, so only the switch sees
# what is really on the wire. Everything is named from RT_PREFIX (unique per
# run) and recorded in $RT_WORK/testbed.env, which is all a later teardown
# needs. Sourced after lib/common.sh, whose on, eui64, e2e_kill_recorded and
# e2e_remove_testbed it uses.

HOA=2001:db8:2700::4
HOME_PREFIX=2001:db8:2700::/64
HA_ADDR=2001:db8:2700::2
R_HOME=2001:db8:2700::1
R_UP=2001:db8:2300::2
AR_UP=2001:db8:2300::1
AR2_UP=2001:db8:2300::3
CN=2001:db8:2300::10
AR_VISIT1=2001:db8:1100::1
AR_VISIT2=2001:db8:1000::1
VISIT1_PREFIX=2001:db8:1100::/64
VISIT2_PREFIX=2001:db8:1000::/64

MAC_HA0=02:00:00:00:27:02
MAC_R0=02:00:00:00:27:01
MAC_R1=02:00:00:00:23:02
MAC_AR0=02:00:00:00:23:01
MAC_AR1=02:00:00:00:11:01
MAC_AR20=02:00:00:00:23:03
MAC_AR21=02:00:00:00:10:01
MAC_CN0=02:00:00:00:23:10
MAC_MN0=02:00:00:00:00:04

# rt_init PREFIX WORKDIR: names derived from the prefix. No side effects.
rt_init() {
	RT_PREFIX=$1
	RT_WORK=$2
	NS_SW=$RT_PREFIX-sw
	NS_HA=$RT_PREFIX-ha
	NS_R=$RT_PREFIX-r
	NS_AR=$RT_PREFIX-ar
	NS_AR2=$RT_PREFIX-ar2
	NS_CN=$RT_PREFIX-cn
	NS_MN=$RT_PREFIX-mn
	RT_NAMESPACES=("$NS_SW" "$NS_HA" "$NS_R" "$NS_AR" "$NS_AR2" "$NS_CN" "$NS_MN")
	# One bpffs of our own for both agents (pin_root), mounted in the root
	# mount namespace: `ip netns exec` gives each command a private /sys, so
	# pins under /sys/fs/bpf would not be shared; a directory of ours is seen
	# by every `ip netns exec` and unmounting it drops every pin at once.
	RT_BPFFS=$RT_WORK/bpffs
	HA_SOCK=$RT_WORK/ha.sock
	MN_SOCK=$RT_WORK/mn.sock
}

rt_save_state() {
	cat >"$RT_WORK/testbed.env" <<EOF
# xmip roaming e2e testbed; remove with: $RT_SELF --teardown $RT_WORK
RT_PREFIX=$RT_PREFIX
RT_WORK=$RT_WORK
EOF
}

# rt_host NS: lo up, DAD off except where a test wants it.
rt_host() {
	ip netns add "$1"
	on "$1" ip link set lo up
	on "$1" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
}

# rt_port NS IF MAC BRIDGE: a host's cable to a switch port.
rt_port() {
	local ns=$1 ifname=$2 mac=$3 br=$4
	ip -n "$ns" link add "$ifname" address "$mac" type veth peer name "sw-$ifname" netns "$NS_SW"
	on "$NS_SW" ip link set "sw-$ifname" master "$br" up
	on "$ns" ip link set "$ifname" up
}

rt_up() {
	rt_save_state
	local ns
	for ns in "$NS_HA" "$NS_R" "$NS_AR" "$NS_AR2" "$NS_CN" "$NS_MN"; do rt_host "$ns"; done
	# The switch carries Ethernet only: no IPv6 of its own on the bridges
	# or ports, so it adds nothing to the captures.
	ip netns add "$NS_SW"
	on "$NS_SW" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
	# STP off and forward delay 0: a port forwards at once after a move;
	# multicast snooping off: Neighbour and Router Discovery are flooded
	# without waiting for MLD state (which a moved port would not have).
	local br
	for br in homenet visitnet visitnet2 internet; do
		on "$NS_SW" ip link add "$br" type bridge stp_state 0 forward_delay 0 mcast_snooping 0
		on "$NS_SW" ip link set "$br" up
	done
	rt_port "$NS_HA" ha0 $MAC_HA0 homenet
	rt_port "$NS_R" r0 $MAC_R0 homenet
	rt_port "$NS_MN" mn0 $MAC_MN0 homenet # the mobile node starts at home
	rt_port "$NS_R" r1 $MAC_R1 internet
	rt_port "$NS_AR" ar0 $MAC_AR0 internet
	rt_port "$NS_AR2" ar20 $MAC_AR20 internet
	rt_port "$NS_CN" cn0 $MAC_CN0 internet
	rt_port "$NS_AR" ar1 $MAC_AR1 visitnet
	rt_port "$NS_AR2" ar21 $MAC_AR21 visitnet2

	# The guide's section 4.2.1, host by host: addresses and static routes
	# (forwarding on the routers, no autoconfiguration anywhere but the MN).
	# HA: on the home link; default route via R (the guide: without it the
	# HA cannot reach a mobile node on a foreign link).
	on "$NS_HA" ip -6 addr add $HA_ADDR/64 dev ha0 nodad
	on "$NS_HA" ip -6 route add default via $R_HOME dev ha0
	# R: between the home link and the "internet"; a route to each visited
	# link via its access router.
	rt_router "$NS_R"
	on "$NS_R" ip -6 addr add $R_HOME/64 dev r0 nodad
	on "$NS_R" ip -6 addr add $R_UP/64 dev r1 nodad
	on "$NS_R" ip -6 route add $VISIT1_PREFIX via $AR_UP dev r1
	on "$NS_R" ip -6 route add $VISIT2_PREFIX via $AR2_UP dev r1
	# AR and AR2: the home link via R (the guide's route), the other visited
	# link via the other access router, so every host reaches every other.
	rt_router "$NS_AR"
	on "$NS_AR" ip -6 addr add $AR_UP/64 dev ar0 nodad
	on "$NS_AR" ip -6 addr add $AR_VISIT1/64 dev ar1 nodad
	on "$NS_AR" ip -6 route add $HOME_PREFIX via $R_UP dev ar0
	on "$NS_AR" ip -6 route add $VISIT2_PREFIX via $AR2_UP dev ar0
	rt_router "$NS_AR2"
	on "$NS_AR2" ip -6 addr add $AR2_UP/64 dev ar20 nodad
	on "$NS_AR2" ip -6 addr add $AR_VISIT2/64 dev ar21 nodad
	on "$NS_AR2" ip -6 route add $HOME_PREFIX via $R_UP dev ar20
	on "$NS_AR2" ip -6 route add $VISIT1_PREFIX via $AR_UP dev ar20
	# CN: a host on the "internet" with the same static routes (guide FAQ 7).
	on "$NS_CN" ip -6 addr add $CN/64 dev cn0 nodad
	on "$NS_CN" ip -6 route add $HOME_PREFIX via $R_UP dev cn0
	on "$NS_CN" ip -6 route add $VISIT1_PREFIX via $AR_UP dev cn0
	on "$NS_CN" ip -6 route add $VISIT2_PREFIX via $AR2_UP dev cn0
	# MN: no address configured here; xmipd puts the HoA on mn0. DAD on for
	# mn0, as on a real node, so optimistic DAD (xmipd's default) matters.
	on "$NS_MN" sysctl -qw net.ipv6.conf.mn0.accept_dad=1

	rt_offloads
}

# rt_router NS: the guide's router settings: forwarding on, no RAs taken,
# no autoconfiguration, no redirects followed.
rt_router() {
	on "$1" sysctl -qw net.ipv6.conf.all.forwarding=1 net.ipv6.conf.all.accept_ra=0 \
		net.ipv6.conf.all.autoconf=0 net.ipv6.conf.all.accept_redirects=0
}

# What this kernel's veth needs (docs/datapath.md, last section):
# - GRO on the switch ports, and xmip's pass program on the HA's (its only
#   link: everything it tunnels leaves by XDP_TX): a frame XDP-redirected or
#   XDP_TX'ed into a veth is lost unless the peer has NAPI; an XDP program
#   always gives it that (docs/datapath.md, "veth peers").
# - tx-checksumming off on every host's veth: a UDP socket over a veth leaves
#   the checksum to "hardware" (CHECKSUM_PARTIAL); once the frame is
#   redirected or encapsulated by XDP or tc that promise is lost and the
#   datagram arrives with a bad checksum. A real NIC fills it in on transmit.
rt_offloads() {
	local x ns ifname
	for x in "$NS_HA ha0" "$NS_R r0" "$NS_R r1" "$NS_AR ar0" "$NS_AR ar1" "$NS_AR2 ar20" \
		"$NS_AR2 ar21" "$NS_CN cn0" "$NS_MN mn0"; do
		read -r ns ifname <<<"$x"
		on "$NS_SW" ethtool -K "sw-$ifname" gro on >/dev/null
		on "$ns" ethtool -K "$ifname" tx-checksumming off >/dev/null
	done
	must e2e_peer_xdp "$NS_SW" sw-ha0
}

# rt_radvd_conf IFNAME PREFIX: an access router's radvd.conf, the guide's
# (section 4.2.3): unsolicited RAs every 3 to 10 s with the Advertisement
# Interval option, no H flag, the visited prefix autonomous. A Router
# Solicitation from a link-local address is answered at once by unicast
# (radvd's AdvRASolicitedUnicast, on by default), not held back by
# MinDelayBetweenRAs: the MN's RS on link-up is what makes a move fast.
rt_radvd_conf() {
	cat <<EOF
interface $1
{
	AdvSendAdvert on;
	AdvIntervalOpt on;
	MinRtrAdvInterval 3;
	MaxRtrAdvInterval 10;
	AdvHomeAgentFlag off;
	prefix $2
	{
		AdvOnLink on;
		AdvAutonomous on;
		AdvRouterAddr on;
	};
};
EOF
}

# The mobile node's RFC 4285 key, shared by both agents' configurations:
# made once per testbed, readable by root only (xmipd refuses anything else).
rt_mn_key() {
	if [[ ! -s $RT_WORK/mn.key ]]; then
		e2e_write_key "$RT_WORK/mn.key"
	fi
	echo "$RT_WORK/mn.key"
}

# The agents' configuration files (docs/configuration.md).
rt_ha_conf() {
	local key
	key=$(rt_mn_key)
	cat <<EOF
# The guide's home agent (configs/ha.toml) on this testbed.
role = "ha"
log_level = "debug"

[paths]
control_socket = "$HA_SOCK"
pin_root = "$RT_BPFFS"
state_dir = "$RT_WORK/state-ha"

[datapath]
interfaces = ["ha0"]
# Generic (skb) XDP, not native: on this kernel a frame sent back out of a
# veth with native XDP_TX sits in the peer's queue for seconds (pings through
# the tunnel take 2-3 s), which would time every check out. The veth quirk
# is the testbed's, not xmip's: physical NICs send XDP_TX at once.
xdp_mode = "generic"

[metrics]
listen = ""

[home_agent]
address = "$HA_ADDR"
home_link = "ha0"
prefixes = ["$HOME_PREFIX"]

[[home_agent.security_associations]]
home_address = "$HOA"
spi = 4097
key_file = "$key"

[home_agent.router_advertisements]
# The guide's radvd on the HA (section 4.2.4): MinRtrAdvInterval 1,
# MaxRtrAdvInterval 3 (also xmip's defaults).
min_interval_ms = 1000
max_interval_ms = 3000
EOF
}

rt_mn_conf() {
	local key
	key=$(rt_mn_key)
	cat <<EOF
# The guide's mobile node (configs/mn.toml) on this testbed.
role = "mn"
log_level = "debug"

[paths]
control_socket = "$MN_SOCK"
pin_root = "$RT_BPFFS"
state_dir = "$RT_WORK/state-mn"

[metrics]
listen = ""

[mobile_node]
home_address = "$HOA/64"
home_agent = "$HA_ADDR"
interface = "mn0"

[mobile_node.authentication]
spi = 4097
key_file = "$key"
EOF
}

rt_mount_bpffs() {
	mkdir -p "$RT_BPFFS"
	mount -t bpf bpf "$RT_BPFFS"
}

# rt_move BRIDGE: the mobile node changes links, as the guide's
# `iwconfig eth0 essid visitnet`: its switch port loses carrier, is plugged
# into another bridge and comes back. The MN sees its link go down and up.
rt_move() {
	on "$NS_SW" ip link set sw-mn0 down
	on "$NS_SW" ip link set sw-mn0 nomaster
	on "$NS_SW" ip link set sw-mn0 master "$1"
	on "$NS_SW" ip link set sw-mn0 up
}

# Tear everything down (lib/common.sh: the processes recorded in
# $RT_WORK/pids, given time for a clean stop, then what every testbed has);
# safe on a half-built testbed and twice.
rt_down() {
	e2e_kill_recorded "$RT_WORK/pids"
	e2e_remove_testbed xmip-roam "$RT_BPFFS" "$RT_WORK" "${RT_NAMESPACES[@]}"
}

# rt_teardown_dir DIR: remove a testbed --keep left, from its state file.
rt_teardown_dir() {
	# shellcheck disable=SC1091
	(source "$1/testbed.env" && rt_init "$RT_PREFIX" "$RT_WORK" && rt_down)
}

# ---- asking the testbed's two agents (after rt_init: HA_SOCK, MN_SOCK) -------------
ha() { ctl "$HA_SOCK" "$1"; }
mn() { ctl "$MN_SOCK" "$1"; }
# mn_is LOCATION [BUL-STATE [COA]]: the mobile node says it is at LOCATION
# (its status), with its home entry in BUL-STATE for care-of address COA.
mn_is() { # mn_is LOCATION [BUL-STATE [COA]]
	local st bul
	st=$(mn status) && [[ $(jget "$st" "r['location']") == "$1" ]] || return 1
	[[ -z ${2:-} ]] && return 0
	bul=$(mn bul) && [[ $(jget "$bul" "r[0]['state']") == "$2" ]] || return 1
	[[ -z ${3:-} || $(jget "$bul" "r[0]['care_of_address']") == "$3" ]]
}
