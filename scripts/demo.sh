#!/usr/bin/env bash
# scripts/demo.sh - xmip's demo, from a fresh Debian 12 machine, as root:
# installs the dependencies, builds into build/, then shows on network
# namespaces first the datapath alone (tests/e2e/datapath_e2e.sh --verbose),
# then Mobile IPv6 end to end with two xmipd agents on the guide's testbed:
# home registration, moving between visited links, returning home
# (tests/e2e/agent_roaming_e2e.sh --verbose).
#
#   scripts/demo.sh                 run it; the testbed is removed at the end
#   scripts/demo.sh --keep          leave the testbed up to explore (it prints
#                                   how, and how to tear it down)
#   scripts/demo.sh --pcap DIR      keep the capture of the visited link
#   scripts/demo.sh --teardown      remove testbeds left by --keep
#
# Other arguments go to tests/e2e/agent_roaming_e2e.sh (the second story).
# The exit status is non-zero if either story fails.
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

banner() { printf '\n######## %s\n\n' "$*"; }

banner "1/4  Dependencies (Debian 12 packages, only what is missing)"
scripts/install-deps.sh

banner "2/4  Build (cmake, into build/)"
cmake -S . -B build
cmake --build build -j2

banner "3/4  The datapath at work, on network namespaces"
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
bash tests/e2e/datapath_e2e.sh --verbose --xmip-dp build/agent/tools/xmip-dp || rc=$?

banner "4/4  Mobile IPv6 end to end: two agents on the guide's testbed"
cat <<'EOF'
Now the agents do what xmip-dp did by hand, on the testbed of the guide's
section 4 (addresses moved from fec0::/10 to 2001:db8::/32): HA and MN run
xmipd, R is the home router, AR runs Debian's radvd on two visited links
(visitnet 2001:db8:1100::/64, visitnet2 2001:db8:1200::/64), CN sits behind R.
"Moving" is what changing the ESSID was in the guide: the MN's port leaves one
bridge for another. What you will see:

  * at home: plain IPv6, nothing tunnelled;
  * on visitnet: the MN forms a care-of address from AR's prefix, sends a
    Binding Update with a Home Address option, the HA checks the home address
    (DAD), answers with a Binding Acknowledgement through a type 2 routing
    header, defends the home address on the home link, and the tunnel carries
    ping and a UDP stream both ways;
  * on visitnet2: a new care-of address, a new Binding Update with a higher
    sequence number, the old address removed, no daemon restarted;
  * back home: deregistration, the proxy withdrawn, traffic native again;
  * every Mobility Header packet on the wire checked by tshark and by xmip's
    own decoder (checksums with the pseudo-header rules).
EOF
rc2=0
bash tests/e2e/agent_roaming_e2e.sh --verbose --xmipd build/agent/xmipd/xmipd \
	--mh-inspect build/agent/tools/xmip-mh-inspect --xmip-dp build/agent/tools/xmip-dp --mipctl build/cli/mipctl "$@" || rc2=$?

echo
if ((rc == 0 && rc2 == 0)); then
	echo "Demo complete: the home address stayed reachable through the tunnel, across"
	echo "two moves and back home, and a forged tunnelled packet was refused."
else
	echo "Demo FAILED (datapath story: exit $rc, agents story: exit $rc2): see the FAIL"
	echo "lines and the diagnostics above."
fi
((rc == 0 && rc2 == 0))
