# shellcheck shell=bash
# tests/e2e/lib/roaming_topology.sh - the guide's Mobile IPv6 testbed (section
# 4.1) on network namespaces, for agent_roaming_e2e.sh: two xmipd instances,
# a home agent and a mobile node, and the routers between them. Addresses are
# the guide's moved from the deprecated site-local fec0:106::/32 to the
# documentation prefix 2001:db8::/32.
#
#                         homenet 2001:db8:2700::/64 (bridge in "sw")
#   HA  ha0 ::2 ------------+------------------+-- (MN mn0, HoA ::4, at home)
#                           |                  |
#   R   r0  ::1 ------------+                  |  the MN moves by re-attaching
#   R   r1  2001:db8:2300::2 ---- ar0 2001:db8:2300::1  AR     its bridge port
#   R   r2  2001:db8:1::1   ---- cn0 2001:db8:1::10    CN      (sw-mn0) to
#                                                               another bridge
#   AR  ar1 2001:db8:1100::1 -- visitnet  2001:db8:1100::/64 (bridge, radvd)
#   AR  ar2 2001:db8:1200::1 -- visitnet2 2001:db8:1200::/64 (bridge, radvd)
#
# The switch namespace "sw" holds the three bridges (the guide's three ad-hoc
# ESSIDs); every host's link to a bridge is a veth whose switch end is named
# sw-<host interface>. Captures are taken on switch ports: XDP runs before the
# taps of the hosts' own interfaces, so only the switch sees what is really on
# the wire. Everything is named from RT_PREFIX (unique per run) and recorded in
# $RT_WORK/testbed.env, which is all a later teardown needs. Sourced after
# lib/common.sh, whose on, eui64, e2e_kill_recorded and e2e_remove_testbed
# it uses.

HOA=2001:db8:2700::4
HOME_PREFIX=2001:db8:2700::/64
HA_ADDR=2001:db8:2700::2
R_HOME=2001:db8:2700::1
R_UP=2001:db8:2300::2
AR_UP=2001:db8:2300::1
AR_VISIT1=2001:db8:1100::1
AR_VISIT2=2001:db8:1200::1
VISIT1_PREFIX=2001:db8:1100::/64
VISIT2_PREFIX=2001:db8:1200::/64
CN=2001:db8:1::10
R_CN_SIDE=2001:db8:1::1

MAC_HA0=02:00:00:00:27:02
MAC_R0=02:00:00:00:27:01
MAC_AR1=02:00:00:00:11:01
MAC_AR2=02:00:00:00:12:01
MAC_MN0=02:00:00:00:00:04

# rt_init PREFIX WORKDIR: names derived from the prefix. No side effects.
rt_init() {
	RT_PREFIX=$1
	RT_WORK=$2
	NS_SW=$RT_PREFIX-sw
	NS_HA=$RT_PREFIX-ha
	NS_R=$RT_PREFIX-r
	NS_AR=$RT_PREFIX-ar
	NS_CN=$RT_PREFIX-cn
	NS_MN=$RT_PREFIX-mn
	RT_NAMESPACES=("$NS_SW" "$NS_HA" "$NS_R" "$NS_AR" "$NS_CN" "$NS_MN")
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

# rt_wire NS_A IF_A NS_B IF_B: a point-to-point cable between two hosts.
rt_wire() {
	ip -n "$1" link add "$2" type veth peer name "$4" netns "$3"
	on "$1" ip link set "$2" up
	on "$3" ip link set "$4" up
}

rt_up() {
	rt_save_state
	local ns
	for ns in "$NS_HA" "$NS_R" "$NS_AR" "$NS_CN" "$NS_MN"; do rt_host "$ns"; done
	# The switch carries Ethernet only: no IPv6 of its own on the bridges
	# or ports, so it adds nothing to the captures.
	ip netns add "$NS_SW"
	on "$NS_SW" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
	# STP off and forward delay 0: a port forwards at once after a move;
	# multicast snooping off: Neighbour and Router Discovery are flooded
	# without waiting for MLD state (which a moved port would not have).
	local br
	for br in homenet visitnet visitnet2; do
		on "$NS_SW" ip link add "$br" type bridge stp_state 0 forward_delay 0 mcast_snooping 0
		on "$NS_SW" ip link set "$br" up
	done
	rt_port "$NS_HA" ha0 $MAC_HA0 homenet
	rt_port "$NS_R" r0 $MAC_R0 homenet
	rt_port "$NS_AR" ar1 $MAC_AR1 visitnet
	rt_port "$NS_AR" ar2 $MAC_AR2 visitnet2
	rt_port "$NS_MN" mn0 $MAC_MN0 homenet # the mobile node starts at home
	rt_wire "$NS_R" r1 "$NS_AR" ar0       # the guide's "internet"
	rt_wire "$NS_R" r2 "$NS_CN" cn0       # a correspondent behind R

	# HA: on the home link; default route via R (the guide: without it the
	# HA cannot reach a mobile node on a foreign link).
	on "$NS_HA" ip -6 addr add $HA_ADDR/64 dev ha0 nodad
	on "$NS_HA" ip -6 route add default via $R_HOME dev ha0
	# R: home link, the R-AR link, the CN's link; routes to the visited links.
	on "$NS_R" sysctl -qw net.ipv6.conf.all.forwarding=1
	on "$NS_R" ip -6 addr add $R_HOME/64 dev r0 nodad
	on "$NS_R" ip -6 addr add $R_UP/64 dev r1 nodad
	on "$NS_R" ip -6 addr add $R_CN_SIDE/64 dev r2 nodad
	on "$NS_R" ip -6 route add $VISIT1_PREFIX via $AR_UP dev r1
	on "$NS_R" ip -6 route add $VISIT2_PREFIX via $AR_UP dev r1
	# AR: the access router of both visited links; default route via R.
	on "$NS_AR" sysctl -qw net.ipv6.conf.all.forwarding=1
	on "$NS_AR" ip -6 addr add $AR_UP/64 dev ar0 nodad
	on "$NS_AR" ip -6 addr add $AR_VISIT1/64 dev ar1 nodad
	on "$NS_AR" ip -6 addr add $AR_VISIT2/64 dev ar2 nodad
	on "$NS_AR" ip -6 route add default via $R_UP dev ar0
	# CN.
	on "$NS_CN" ip -6 addr add $CN/64 dev cn0 nodad
	on "$NS_CN" ip -6 route add default via $R_CN_SIDE dev cn0
	# MN: no address configured here; xmipd puts the HoA on mn0. DAD on for
	# mn0, as on a real node, so optimistic DAD (xmipd's default) matters.
	on "$NS_MN" sysctl -qw net.ipv6.conf.mn0.accept_dad=1

	rt_offloads
}

# What this kernel's veth needs (docs/datapath.md, last section):
# - GRO on the switch ports: a frame XDP-redirected into a veth is lost
#   unless the peer has NAPI (an XDP program or GRO).
# - tx-checksumming off on every host's veth: a UDP socket over a veth leaves
#   the checksum to "hardware" (CHECKSUM_PARTIAL); once the frame is
#   redirected or encapsulated by XDP or tc that promise is lost and the
#   datagram arrives with a bad checksum. A real NIC fills it in on transmit.
rt_offloads() {
	local x ns ifname
	for x in "$NS_HA ha0" "$NS_R r0" "$NS_AR ar1" "$NS_AR ar2" "$NS_MN mn0"; do
		read -r ns ifname <<<"$x"
		on "$NS_SW" ethtool -K "sw-$ifname" gro on >/dev/null
		on "$ns" ethtool -K "$ifname" tx-checksumming off >/dev/null
	done
	for x in "$NS_R r1" "$NS_R r2" "$NS_AR ar0" "$NS_CN cn0"; do
		read -r ns ifname <<<"$x"
		on "$ns" ethtool -K "$ifname" tx-checksumming off gro on >/dev/null
	done
}

# rt_radvd_conf: the AR's radvd.conf, the guide's (section 4.2.3) for both
# visited links: unsolicited RAs every 3 to 10 s with the Advertisement
# Interval option, no H flag, the visited prefix autonomous.
rt_radvd_conf() {
	local x ifname prefix
	for x in "ar1 $VISIT1_PREFIX" "ar2 $VISIT2_PREFIX"; do
		read -r ifname prefix <<<"$x"
		cat <<EOF
interface $ifname
{
	AdvSendAdvert on;
	AdvIntervalOpt on;
	MinRtrAdvInterval 3;
	MaxRtrAdvInterval 10;
	AdvHomeAgentFlag off;
	prefix $prefix
	{
		AdvOnLink on;
		AdvAutonomous on;
		AdvRouterAddr on;
	};
};
EOF
	done
}

# The agents' configuration files (docs/configuration.md).
rt_ha_conf() {
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

[home_agent.router_advertisements]
# The guide's radvd on the HA (section 4.2.4): MinRtrAdvInterval 1,
# MaxRtrAdvInterval 3 (also xmip's defaults).
min_interval_ms = 1000
max_interval_ms = 3000
EOF
}

rt_mn_conf() {
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
