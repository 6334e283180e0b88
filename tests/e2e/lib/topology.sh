# SPDX-License-Identifier: BSD-2-Clause
# shellcheck shell=bash
# tests/e2e/lib/topology.sh - the end-to-end testbed: hosts as network
# namespaces, veth links, one bridge for the visited link, the xmip datapath
# attached with xmip-dp. Sourced by datapath_e2e.sh (after lib/common.sh,
# whose on, e2e_kill_recorded and e2e_remove_testbed it uses); kept apart so
# the checks read as checks and the plumbing is in one place.
#
#   CN (correspondent)          HA (home agent, forwarding on)
#   cn0 2001:db8:1::10/64 ---- ha0 2001:db8:1::2/64
#                              ha2 2001:db8:2700::2/64  (home link: the HA
#                               |   address lives here; nobody else is home)
#                              ha1 2001:db8:3::1/64     (router of the visited link)
#                               |
#   sw: bridge br0 = the visited link; swp-ha, swp-mn, swp-vis are its ports
#       (captures are taken here: XDP runs before the taps of ha1 and mn0)
#                               |                     |
#   MN (mobile node, forwarding off)              VIS (another host on the
#   mn0 CoA 2001:db8:3::100/64                        visited link, the spoofer)
#       HoA 2001:db8:2700::4 (nodad)              vis0 2001:db8:3::50/64
#
# Addresses and MAC addresses follow tests/bpf/gen_fixtures.py (dp0 = ha0,
# dp1 = ha1, dp2 = ha2), so a packet seen here can be compared with a fixture.
#
# Everything the testbed creates is named from TB_PREFIX (unique per run) and
# recorded in $TB_WORK/testbed.env, which is all teardown needs: a testbed
# kept with --keep is removed later by another invocation.

CN=2001:db8:1::10
HA_CN_SIDE=2001:db8:1::2
HA=2001:db8:2700::2
HA_VISITED=2001:db8:3::1
HOA=2001:db8:2700::4
COA=2001:db8:3::100
VISITOR=2001:db8:3::50

MAC_HA0=02:00:00:00:01:02
MAC_CN0=02:00:00:00:01:10
MAC_HA1=02:00:00:00:03:01
MAC_MN0=02:00:00:00:03:64
MAC_VIS0=02:00:00:00:03:50
MAC_HA2=02:00:00:00:27:02

LINK_MTU=1500
# The MN's home-address route: 40 bytes (one IPv6 header) below the link, so
# the stack sizes what it sends from the HoA to fit once tunnelled, and the
# tc program never has to refuse an oversize packet (it cannot fragment).
HOA_ROUTE_MTU=$((LINK_MTU - 40))
HOA_TABLE=100

# tb_init PREFIX WORKDIR: names derived from the prefix. No side effects.
tb_init() {
	TB_PREFIX=$1
	TB_WORK=$2
	NS_CN=$TB_PREFIX-cn
	NS_HA=$TB_PREFIX-ha
	NS_SW=$TB_PREFIX-sw
	NS_MN=$TB_PREFIX-mn
	NS_VIS=$TB_PREFIX-vis
	TB_NAMESPACES=("$NS_CN" "$NS_HA" "$NS_SW" "$NS_MN" "$NS_VIS")
	# One bpffs for both datapath instances, mounted in the root mount
	# namespace: `ip netns exec` gives each command a fresh /sys, so a pin
	# under /sys/fs/bpf would vanish with the command that made it. A
	# directory of our own is visible from every `ip netns exec` (they copy
	# the mount table) and unmounting it removes every pin at once.
	TB_BPFFS=$TB_WORK/bpffs
}

# dp NS INSTANCE ARGS...: xmip-dp on one host's datapath instance.
dp() {
	local ns=$1 inst=$2
	shift 2
	ip netns exec "$ns" "$XMIP_DP" --pin-root "$TB_BPFFS" -i "$inst" "$@"
}

tb_save_state() {
	cat >"$TB_WORK/testbed.env" <<EOF
# xmip e2e testbed; remove with: $TB_SELF --teardown $TB_WORK
TB_PREFIX=$TB_PREFIX
TB_WORK=$TB_WORK
XMIP_DP=$XMIP_DP
EOF
}

# A host: lo up, DAD off (every address is usable at once: the test is fast
# and deterministic), no router solicitations (less noise in the captures).
tb_host() {
	local ns=$1 forwarding=$2
	ip netns add "$ns"
	on "$ns" ip link set lo up
	on "$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0 \
		net.ipv6.conf.default.router_solicitations=0 \
		net.ipv6.conf.all.forwarding="$forwarding"
}

# veth NS_A IF_A NS_B IF_B: a cable between two hosts, created directly in
# both namespaces (the root namespace never sees a name that could collide).
tb_veth() {
	ip -n "$1" link add "$2" type veth peer name "$4" netns "$3"
}

tb_up() {
	tb_save_state
	tb_host "$NS_CN" 0
	tb_host "$NS_HA" 1
	tb_host "$NS_MN" 0
	tb_host "$NS_VIS" 0
	# The switch carries Ethernet only: no IPv6 on its ports or bridges, so
	# it adds nothing of its own to what the captures show.
	ip netns add "$NS_SW"
	on "$NS_SW" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1

	tb_veth "$NS_CN" cn0 "$NS_HA" ha0
	tb_veth "$NS_HA" ha1 "$NS_SW" swp-ha
	tb_veth "$NS_HA" ha2 "$NS_SW" home0
	tb_veth "$NS_MN" mn0 "$NS_SW" swp-mn
	tb_veth "$NS_VIS" vis0 "$NS_SW" swp-vis

	# Visited link: a plain bridge. STP off and forward delay 0 so ports
	# forward at once; multicast snooping off so Neighbour Discovery is
	# flooded without waiting for MLD state.
	on "$NS_SW" ip link add br0 type bridge stp_state 0 forward_delay 0 mcast_snooping 0
	# Home link: the HA address's link, empty while the mobile node is away.
	on "$NS_SW" ip link add brhome type bridge stp_state 0 forward_delay 0 mcast_snooping 0
	local p
	for p in swp-ha swp-mn swp-vis; do
		on "$NS_SW" ip link set "$p" master br0 up
	done
	on "$NS_SW" ip link set home0 master brhome up
	on "$NS_SW" ip link set br0 up
	on "$NS_SW" ip link set brhome up

	on "$NS_CN" ip link set cn0 address $MAC_CN0 mtu $LINK_MTU up
	on "$NS_HA" ip link set ha0 address $MAC_HA0 mtu $LINK_MTU up
	on "$NS_HA" ip link set ha1 address $MAC_HA1 mtu $LINK_MTU up
	on "$NS_HA" ip link set ha2 address $MAC_HA2 mtu $LINK_MTU up
	on "$NS_MN" ip link set mn0 address $MAC_MN0 mtu $LINK_MTU up
	on "$NS_VIS" ip link set vis0 address $MAC_VIS0 mtu $LINK_MTU up

	on "$NS_CN" ip -6 addr add $CN/64 dev cn0 nodad
	on "$NS_CN" ip -6 route add default via $HA_CN_SIDE dev cn0

	on "$NS_HA" ip -6 addr add $HA_CN_SIDE/64 dev ha0 nodad
	on "$NS_HA" ip -6 addr add $HA_VISITED/64 dev ha1 nodad
	on "$NS_HA" ip -6 addr add $HA/64 dev ha2 nodad

	# The mobile node away from home: its CoA on the visited link, its HoA
	# still assigned (applications keep using it) but without the home
	# prefix route, which would claim the home link is here.
	on "$NS_MN" ip -6 addr add $COA/64 dev mn0 nodad
	on "$NS_MN" ip -6 addr add $HOA/64 dev mn0 nodad noprefixroute
	on "$NS_MN" ip -6 route add default via $HA_VISITED dev mn0
	# What the MN sends from its HoA (ping -I HoA, sockets bound to it) is
	# routed by its own table with the tunnel MTU; xmip's tc program then
	# tunnels it to the HA.
	on "$NS_MN" ip -6 rule add from $HOA lookup $HOA_TABLE pref 100
	on "$NS_MN" ip -6 route add default via $HA_VISITED dev mn0 mtu $HOA_ROUTE_MTU table $HOA_TABLE

	on "$NS_VIS" ip -6 addr add $VISITOR/64 dev vis0 nodad
	on "$NS_VIS" ip -6 route add default via $HA_VISITED dev vis0

	tb_offloads
}

# Kernel facts the testbed has to accommodate (measured on this kernel):
#
# 1. veth + native XDP_REDIRECT / XDP_TX: a frame redirected into a veth is
#    queued on the PEER's NAPI ring (veth_xdp_xmit). That ring exists only
#    when the peer has NAPI enabled: an XDP program attached to it, or GRO
#    turned on (off by default on a veth). Without either the frame is lost;
#    only `ethtool -S` of the interface it arrived on counts it
#    (rx_queue_0_drops), the XDP program has already counted a redirect.
#    The HA redirects into ha0 (decapsulated traffic to the CN) and ha1
#    (tunnel to the CoA; XDP_TX too), maybe ha2: their peers get GRO and
#    xmip's pass program (e2e_peer_xdp; GRO alone was not enough for XDP_TX
#    in an independent test on 6.18).
#
# 2. Checksums: a veth never computes a checksum. A UDP socket sending over
#    a veth leaves the checksum to "hardware" (CHECKSUM_PARTIAL) and the
#    peer's skb carries that promise along. Native XDP turns the skb into a
#    raw frame for XDP_REDIRECT / XDP_TX and the promise is lost: the frame
#    leaves with a half-done checksum and the receiver drops it. A real NIC
#    computes the checksum on transmit, so on the wire it is always complete;
#    the senders of this testbed (CN, MN) compute it in software to match.
#    (Measured with offload left on: every datagram of the UDP stream was
#    counted in Udp6InCsumErrors at the receiver, both ways, while pings,
#    whose ICMPv6 checksum is always computed in software, went through.)
tb_offloads() {
	on "$NS_CN" ethtool -K cn0 gro on >/dev/null
	on "$NS_SW" ethtool -K swp-ha gro on >/dev/null
	on "$NS_SW" ethtool -K home0 gro on >/dev/null
	must e2e_peer_xdp "$NS_CN" cn0
	must e2e_peer_xdp "$NS_SW" swp-ha
	must e2e_peer_xdp "$NS_SW" home0
	on "$NS_CN" ethtool -K cn0 tx-checksumming off >/dev/null
	on "$NS_MN" ethtool -K mn0 tx-checksumming off >/dev/null
}

# The datapath, configured by hand as the agent will do it after a
# successful home registration.
tb_datapath_up() {
	mkdir -p "$TB_BPFFS"
	mount -t bpf bpf "$TB_BPFFS"
	echo "TB_BPFFS_MOUNTED=1" >>"$TB_WORK/testbed.env"

	# Home agent: native XDP on every interface (packets for the HoA may
	# arrive on any of them), the HA address as tunnel end, the binding
	# HoA -> CoA.
	dp "$NS_HA" ha attach --role ha --mode native --xdp ha0 --xdp ha1 --xdp ha2 >"$TB_WORK/attach-ha.log"
	dp "$NS_HA" ha local add $HA
	dp "$NS_HA" ha binding add $HOA --local $HA --remote $COA

	# Mobile node: XDP ends the tunnel on mn0, tc egress starts it.
	dp "$NS_MN" mn attach --role mn --mode native --xdp mn0 --tc-egress mn0 >"$TB_WORK/attach-mn.log"
	dp "$NS_MN" mn local add $COA
	dp "$NS_MN" mn binding add $HOA --local $COA --remote $HA
}

# Tear everything down (lib/common.sh removes what every testbed has, after
# the processes recorded in $TB_WORK/pids); safe on a half-built testbed and
# twice.
tb_down() {
	e2e_kill_recorded "$TB_WORK/pids"
	if [[ -d $TB_BPFFS/ha ]]; then
		dp "$NS_HA" ha detach --xdp ha0 --xdp ha1 --xdp ha2 2>/dev/null
	fi
	if [[ -d $TB_BPFFS/mn ]]; then
		dp "$NS_MN" mn detach --xdp mn0 --tc-egress mn0 2>/dev/null
	fi
	e2e_remove_testbed xmip-e2e "$TB_BPFFS" "$TB_WORK" "${TB_NAMESPACES[@]}"
}

# tb_teardown_dir DIR: remove a testbed --keep left, from its state file.
tb_teardown_dir() {
	# shellcheck disable=SC1091
	(source "$1/testbed.env" && tb_init "$TB_PREFIX" "$TB_WORK" && tb_down)
}
