#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# scripts/demo.sh - xmip's demo, from a fresh Debian 12 machine, as root:
# installs the dependencies, builds into build/ ($XMIP_BUILD_DIR if set),
# then shows on network namespaces first the datapath alone
# (tests/e2e/datapath_e2e.sh --verbose), then Mobile IPv6 end to end with two
# xmipd agents on the guide's testbed and its experiments (sections 4 and 5):
# router solicitation, movement detection, ping6 through the tunnel, the
# MN's routing, several visited links, the return home and the real-time
# test with its handoff table (tests/e2e/agent_roaming_e2e.sh --verbose),
# and last route optimisation: the mobile node and a correspondent talking
# directly (tests/e2e/mn_route_optimisation_e2e.sh --verbose).
# docs/demo.md shows a run.
#
#   scripts/demo.sh                 run it; the testbed is removed at the end
#   scripts/demo.sh --quick         skip the slow parts: the datapath story and
#                                   the real-time stream
#   scripts/demo.sh --keep          leave the testbed up to explore (it prints
#                                   how, and how to tear it down)
#   scripts/demo.sh --pcap DIR      keep the captures of the three links
#   scripts/demo.sh --teardown      remove testbeds left by --keep
#
# Other arguments go to tests/e2e/agent_roaming_e2e.sh (the second story).
# The exit status is non-zero if any experiment fails.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

if ((EUID != 0)); then
	echo "demo.sh: run as root: it installs packages, creates network namespaces and attaches XDP programs" >&2
	exit 2
fi

# Removing a kept testbed needs neither packages nor a build.
for a in "$@"; do
	if [[ $a == --teardown ]]; then
		bash tests/e2e/datapath_e2e.sh --teardown || true
		exec bash tests/e2e/agent_roaming_e2e.sh "$@"
	fi
done

QUICK=0
for a in "$@"; do [[ $a == --quick ]] && QUICK=1; done
BUILD=${XMIP_BUILD_DIR:-build}

banner() { printf '\n######## %s\n\n' "$*"; }

banner "1/5  Dependencies (Debian 12 packages, only what is missing)"
scripts/install-deps.sh

banner "2/5  Build (cmake, into $BUILD/)"
cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$BUILD" -j2 --target xmipd mipctl xmip-dp xmip-mh-inspect xmip_peer_pass_object

banner "3/5  The datapath at work, on network namespaces"
cat <<'EOF'
Five network namespaces stand in for hosts:

  CN  a correspondent node, 2001:db8:1::10, talking to the mobile node
  HA  the home agent: router between the CN and the visited link, and owner
      of the home link 2001:db8:2700::/64 (HA address 2001:db8:2700::2)
  MN  the mobile node, away from home: attached to the visited link at its
      care-of address 2001:db8:3::100, still known by its home address
      2001:db8:2700::4
  VIS another host on the visited link (it will try to forge traffic)
  SW  the visited link itself: a bridge, where the packets are captured

No agent runs yet: the bindings are installed by hand with xmip-dp, exactly as
the agent will after a successful home registration. What you will see:

  * The home agent tunnels the home address to the care-of address: its XDP
    program catches every packet for 2001:db8:2700::4, wraps it in an outer
    IPv6 header HA -> CoA (IPv6-in-IPv6, RFC 2473) and sends it on, without
    the kernel's forwarding path. Even the very first packet, sent before the
    HA knows the MN's link-layer address, arrives.
  * The reverse tunnel: what the MN sends from its home address is wrapped by
    its tc program into CoA -> HA; the HA unwraps it and forwards it. The CN
    only ever sees the home address, never the care-of address.
  * Anti-spoofing: the HA unwraps a tunnelled packet only if it comes from the
    care-of address registered for the home address inside it. A forged one
    from another host of the visited link is dropped and counted.
  * Proof on the wire (tcpdump on the visited link, dissected by tshark) and
    in xmip's own per-verdict counters.
EOF

rc=0
if ((QUICK)); then
	echo "(--quick: the datapath story is skipped)"
else
	bash tests/e2e/datapath_e2e.sh --verbose --xmip-dp "$BUILD/agent/tools/xmip-dp" || rc=$?
fi

banner "4/5  Mobile IPv6 end to end: two agents on the guide's testbed, its experiments"
cat <<'EOF'
Now the agents do what xmip-dp did by hand, on the testbed of the guide's
section 4 (addresses moved from fec0:106::/32 to 2001:db8::/32):

  homenet   2001:db8:2700::/64   HA ::2 (xmipd, home agent), R ::1, the MN's
                                 home address ::4 (xmipd, mobile node)
  internet  2001:db8:2300::/64   the wire between R ::2 and the access
                                 routers AR ::1 and AR2 ::3; the
                                 correspondent CN ::10 talks to the MN
  visitnet  2001:db8:1100::/64   AR ::1, Debian's radvd (guide 4.2.3)
  visitnet2 2001:db8:1000::/64   AR2 ::1, radvd

Each link is a bridge; static routes as in the guide's 4.2.1. "Moving" is
what changing the ESSID was in the guide: the MN's cable leaves one bridge for
another, and nothing else is touched. The guide's experiments, each checked:

  0. every host reaches every other (before Mobile IPv6 matters);
  1. the MN solicits routers when it starts (captured), knows it is home;
  2. movement detection: on visitnet it forms a care-of address from AR's
     prefix and registers it: a Binding Update with a Home Address option,
     the HA checks the home address (DAD), answers with a Binding
     Acknowledgement through a type 2 routing header and defends the home
     address on the home link; mipctl shows what the guide's mipdiag did;
  3. ping6 and a UDP stream through the tunnel, both ways;
  4. the MN's routing: default route from the home address, into the tunnel;
  5. visitnet2: a new care-of address, a higher sequence number, no restart;
  6. back home: deregistration, the proxy withdrawn, traffic native again;
  7. the real-time test: 500 datagrams/s each way between CN and the home
     address across all three moves; per move, how long the stream went
     silent and how much it lost (the table at the end);
  8. every packet on the wire checked by tshark, every Mobility Header by
     xmip's own decoder (checksums with the pseudo-header rules).
EOF
rc2=0
bash tests/e2e/agent_roaming_e2e.sh --verbose --xmipd "$BUILD/agent/xmipd/xmipd" \
	--mh-inspect "$BUILD/agent/tools/xmip-mh-inspect" --xmip-dp "$BUILD/agent/tools/xmip-dp" \
	--mipctl "$BUILD/cli/mipctl" "$@" || rc2=$?

banner "5/5  Route optimisation: the mobile node and its correspondents talk directly"
cat <<'EOF'
The same testbed again, the MN on visitnet, and a third xmipd: the CN as a
correspondent (role correspondent); a fourth correspondent is built with
scapy on the internet bridge and also reads the MN's own switch port.

  R1. route optimisation off (the guide's FAQ 4): CN <-> HoA through the HA;
  R2. on: with the scapy CN, the HoTI through the tunnel, the CoTI direct,
      the BU signed with Kbm (checked by Python's hmac), then data direct
      with a Home Address option out and a type 2 routing header in;
  R3. with xmipd's CN: the binding at both ends, pings and a UDP stream
      direct both ways, the HA idle (capture, tshark checksums);
  R4. back home: the binding at the CN deleted.
EOF
rc3=0
bash tests/e2e/mn_route_optimisation_e2e.sh --verbose --xmipd "$BUILD/agent/xmipd/xmipd" \
	--xmip-dp "$BUILD/agent/tools/xmip-dp" || rc3=$?

echo
if ((rc == 0 && rc2 == 0 && rc3 == 0)); then
	echo "Demo complete: the home address stayed reachable through the tunnel, across"
	echo "two moves and back home, every experiment of the guide checked."
	((QUICK)) || echo "The real-time stream resumed after every move; a forged tunnelled packet was refused."
	echo "With route optimisation the mobile node and its correspondents talked directly."
else
	echo "Demo FAILED (datapath story: exit $rc, agents story: exit $rc2, route optimisation: exit $rc3): see the FAIL"
	echo "lines and the diagnostics above."
fi
((rc == 0 && rc2 == 0 && rc3 == 0))
