#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Install everything xmip needs to build, test and run its demo, from Debian 12
# packages only. Idempotent: installs only what is missing. Called by both
# README commands and by .ci/run.
set -euo pipefail

PACKAGES=(
  # build
  build-essential cmake pkg-config git
  clang llvm libbpf-dev bpftool libelf-dev zlib1g-dev linux-libc-dev
  libcli11-dev prometheus-cpp-dev libgtest-dev libgmock-dev
  libmnl-dev libtomlplusplus-dev nlohmann-json3-dev libssl-dev
  # the metrics endpoint's HTTP server (IPv6; docs/metrics-http.md)
  libcpp-httplib-dev
  # the binding store (SQLite in WAL mode; docs/restart.md says why)
  libsqlite3-dev
  # the etcd client (HTTP to etcd's JSON gateway) and a real etcd for its
  # integration tests and the fleet (docs/scale-out.md says why)
  libcurl4-openssl-dev etcd-server etcd-client
  # journald fields (optional at build time: probed by agent/core/CMakeLists.txt)
  libsystemd-dev
  # style and lint of changed lines (scripts/check-changed.sh)
  clang-format-14 clang-tidy-14
  # run and test peers
  iproute2 iputils-ping ethtool tcpdump tshark python3-scapy radvd procps
  prometheus python3-yaml
  # where a benchmark's time goes (xmip-bench-forward --profile; its smoke test)
  linux-perf
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  echo "xmip: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # tshark asks whether non-root users may capture; answer once, quietly.
  echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
echo "xmip: dependencies present"
