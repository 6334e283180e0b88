#!/usr/bin/env bash
# scripts/demo.sh - xmip's demo, from a fresh Debian 12 machine, as root:
# installs the dependencies, builds into build/, then shows the datapath
# working on network namespaces (tests/e2e/datapath_e2e.sh --verbose).
#
#   scripts/demo.sh                 run it; the testbed is removed at the end
#   scripts/demo.sh --keep          leave the testbed up to explore (it prints
#                                   how, and how to tear it down)
#   scripts/demo.sh --pcap DIR      keep the capture of the visited link
#   scripts/demo.sh --teardown      remove testbeds left by --keep
#
# Other arguments go to tests/e2e/datapath_e2e.sh. The exit status is its.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

if ((EUID != 0)); then
	echo "demo.sh: run as root: it installs packages, creates network namespaces and attaches XDP programs" >&2
	exit 2
fi

# Removing a kept testbed needs neither packages nor a build.
for a in "$@"; do
	if [[ $a == --teardown ]]; then exec bash tests/e2e/datapath_e2e.sh "$@"; fi
done

banner() { printf '\n######## %s\n\n' "$*"; }

banner "1/3  Dependencies (Debian 12 packages, only what is missing)"
scripts/install-deps.sh

banner "2/3  Build (cmake, into build/)"
cmake -S . -B build
cmake --build build -j2

banner "3/3  The datapath at work, on network namespaces"
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
bash tests/e2e/datapath_e2e.sh --verbose --xmip-dp build/agent/tools/xmip-dp "$@" || rc=$?

echo
if ((rc == 0)); then
	echo "Demo complete: the home address stayed reachable through the tunnel in both"
	echo "directions, and a forged tunnelled packet was refused."
else
	echo "Demo FAILED (exit status $rc): see the FAIL lines and the diagnostics above."
fi
exit "$rc"
