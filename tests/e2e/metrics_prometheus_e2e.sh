#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# tests/e2e/metrics_prometheus_e2e.sh - xmipd's metrics, the dashboards and
# the rules against a real Prometheus (Debian's), in one network namespace:
#
#   xmipd (role ha)  ha0 ----- h0   home link 2001:db8:2700::/64
#                    ha1 ----- m0   visited link: a scapy mobile node's BUs
#   xmipd (role mn)  mn0 ----- mn1  (no router: the mobile node just waits)
#   prometheus       [::1]:<port>, scrapes [::1]:9707 (job xmip-ha) over IPv6
#                    and 127.0.0.1:9708 (job xmip-mn) every second, evaluates
#                    dashboards/xmip-rules.yml every second
#
#   M1. the home agent serves /metrics on [::]:9707 (dual-stack: scraped over
#       IPv6 at [::1] and over IPv4 at 127.0.0.1), the mobile node on its
#       default 127.0.0.1:9708; promtool check metrics finds nothing to say
#       about either scrape
#   M2. every metric name the dashboards and rules use is in the scrapes (or
#       recorded by a rule, or Prometheus' own `up`)
#   M3. Prometheus scrapes both agents (up == 1)
#   M4. traffic (a scapy BU accepted, one refused with status 146, a spoofed
#       tunnelled packet) shows in the scrape: BA counts by status, the
#       binding cache gauge, the BU processing histogram (the accepted one
#       waited for DAD, about 1 s), the spoofed-drop counter
#   M5. every panel expression of both dashboards (Grafana variables set to
#       match everything) and every rule expression evaluates with promtool
#       query instant and returns series; an alert's expression without its
#       threshold does
#   M6. the recorded series carry the expected values: failure ratio 0.5,
#       binding cache utilisation 1/4, spoofed drops > 0
#   M7. Prometheus stops on POST /-/quit; both agents stop cleanly on SIGTERM
#
# Everything (namespace, bpffs, processes, temp dir) is removed on exit, also
# on failure; the run is bounded (XMIP_E2E_TIME_LIMIT, 80 s).
#
# Usage: metrics_prometheus_e2e.sh [--xmipd PATH] [--verbose]
# Needs root, iproute2, Debian's prometheus (prometheus, promtool) and
# /usr/bin/python3 with scapy and yaml.
set -uo pipefail

# shellcheck source-path=SCRIPTDIR source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh" # sets HERE, REPO, LIB, PY, SELF
EXPRS=$REPO/dashboards/tests/promql_exprs.py
RULES=$REPO/dashboards/xmip-rules.yml

XMIPD=$REPO/build/agent/xmipd/xmipd
TIME_LIMIT=${XMIP_E2E_TIME_LIMIT:-80}

e2e_parse_args --xmipd=XMIPD:path -- "$@"
e2e_require_root
[[ -x $XMIPD ]] || { echo "$SELF: no executable $XMIPD (build first, or pass its path)" >&2; exit 2; }
XMIPD=$(e2e_abspath "$XMIPD")
e2e_require_tools ip mountpoint prometheus promtool "$PY"
"$PY" -c 'import scapy, yaml' 2>/dev/null || { echo "$SELF: python3-scapy or python3-yaml missing" >&2; exit 2; }

HA=2001:db8:2700::2
HOME_PREFIX=2001:db8:2700::/64
HOA=2001:db8:2700::4
FOREIGN_HOA=2001:db8:2800::4
HA_VISITED=2001:db8:3::1
COA=2001:db8:3::100
SPOOF_SRC=2001:db8:3::66
MAC_HA1=02:00:00:00:03:01
MAX_BINDINGS=4
PROM_PORT=9090
PROM=http://[::1]:$PROM_PORT

# ---- lifetime ----------------------------------------------------------------
e2e_work xmip-metrics
NS=xme$$r$RANDOM
BPFFS=$WORK/bpffs
HA_PID=
MN_PID=
PROM_PID=

# shellcheck disable=SC2317
show_logs() {
	local f
	for f in "$WORK"/*.log; do
		[[ -s $f ]] || continue
		echo "---- ${f##*/} (last 30 lines) ----"
		tail -n 30 "$f"
	done
}
# shellcheck disable=SC2317
cleanup() {
	e2e_cleanup_begin
	e2e_note_abort
	if ((RC != 0 || FAILED != 0)); then show_logs; fi
	stop_pids "$PROM_PID" "$HA_PID" "$MN_PID" "${BG_PIDS[@]}"
	e2e_remove_testbed xmip-metrics "$BPFFS" "$WORK" "$NS"
	e2e_leftovers "$BPFFS" "$WORK" "$NS"
	# shellcheck disable=SC2086 # empty PIDs vanish
	e2e_left_pids $PROM_PID $HA_PID $MN_PID "${BG_PIDS[@]}"
	e2e_report_leftovers
	exit "$RC"
}
e2e_arm

# ---- helpers -------------------------------------------------------------------
# scrape PORT OUT: GET /metrics from inside the namespace.
# scrape PORT FILE [HOST]: GET /metrics (HOST 127.0.0.1, or [::1] for IPv6).
scrape() {
	on "$NS" "$PY" -c 'import sys, urllib.request
sys.stdout.write(urllib.request.urlopen("http://%s:%s/metrics" % (sys.argv[2], sys.argv[1]), timeout=3).read().decode())' "$1" "${3:-127.0.0.1}" >"$2" 2>"$2.err"
}
# sample FILE SERIES: the value of one series line of a scrape.
sample() { awk -v s="$2" '$1 == s { print $2 }' "$1"; }
# query EXPR: promtool's instant query, JSON; QUERY_RC its exit status.
QUERY_RC=0
query() {
	on "$NS" promtool query instant -o json "$PROM" "$1" 2>"$WORK/query.err"
	QUERY_RC=$?
}
# nseries JSON: how many series an instant query returned (vector or scalar).
nseries() {
	"$PY" -c 'import json, sys
try:
    r = json.loads(sys.stdin.read() or "null")
except ValueError:
    print(-1); sys.exit()
print(len(r) if isinstance(r, list) else (1 if r else 0))'
}
# value JSON: the value of the first series (a float as text).
value1() { "$PY" -c 'import json, sys; r = json.load(sys.stdin); print(r[0]["value"][1] if r else "")' 2>/dev/null; }
wait_socket() { # SOCKET PID NAME
	wait_agent "$1" "$2" && return 0
	if [[ -n $AGENT_EXIT ]]; then
		fail "setup: $3 exited before its control socket answered (log below)"
	else
		fail "setup: $3's control socket $1 did not answer within 5 s (log below)"
	fi
	exit 1
}

echo "xmipd metrics, dashboards and rules against Prometheus (namespace $NS, work dir $WORK)"

# ---- setup ---------------------------------------------------------------------
must ip netns add "$NS"
must on "$NS" ip link set lo up
must on "$NS" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0 \
	net.ipv6.conf.default.router_solicitations=0
must on "$NS" ip link add ha0 type veth peer name h0
must on "$NS" ip link add ha1 address $MAC_HA1 type veth peer name m0
must on "$NS" ip link add mn0 type veth peer name mn1
for l in ha0 h0 ha1 m0 mn0 mn1; do must on "$NS" ip link set "$l" up; done
must on "$NS" ip -6 addr add $HA/64 dev ha0 nodad
must on "$NS" ip -6 addr add $HA_VISITED/64 dev ha1 nodad
mkdir -p "$BPFFS"
must mount -t bpf bpf "$BPFFS"

# The home agent listens on every address, IPv6 and IPv4 ([::]:9707); the
# mobile node has no [metrics] table: its default (127.0.0.1:9708) is what is
# tested there. The MN's RFC 4285 key: root only.
e2e_write_key "$WORK/mn.key"
cat >"$WORK/ha.toml" <<EOF
role = "ha"
instance = "ha"
log_level = "debug"
[paths]
control_socket = "$WORK/ha.sock"
pin_root = "$BPFFS"
state_dir = "$WORK/state-ha"
[metrics]
listen = "[::]:9707"
[datapath]
interfaces = ["ha0", "ha1"]
[home_agent]
address = "$HA"
home_link = "ha0"
prefixes = ["$HOME_PREFIX"]
max_bindings = $MAX_BINDINGS
# scapy's BUs are unauthenticated: allowed on the home prefix for home
# addresses without an association (docs/security.md).
[home_agent.authentication]
optional_prefixes = ["$HOME_PREFIX"]
[[home_agent.security_associations]]
home_address = "2001:db8:2700::40"
spi = 4097
key_file = "$WORK/mn.key"
EOF
cat >"$WORK/mn.toml" <<EOF
role = "mn"
instance = "mn"
[paths]
control_socket = "$WORK/mn.sock"
pin_root = "$BPFFS"
state_dir = "$WORK/state-mn"
[mobile_node]
home_address = "2001:db8:2700::40/64"
home_agent = "$HA"
interface = "mn0"
[mobile_node.authentication]
spi = 4097
key_file = "$WORK/mn.key"
EOF
start_xmipd HA_PID "$NS" "$WORK/ha.toml" "$WORK/xmipd-ha.log"
wait_socket "$WORK/ha.sock" "$HA_PID" "the home agent"
start_xmipd MN_PID "$NS" "$WORK/mn.toml" "$WORK/xmipd-mn.log"
wait_socket "$WORK/mn.sock" "$MN_PID" "the mobile node"

# ---- M1 ------------------------------------------------------------------------
check_scrapes() {
	local name="M1. the HA serves /metrics on [::]:9707 (IPv6 and IPv4), the MN on 127.0.0.1:9708; promtool check metrics is clean" P=() r out
	if ! scrape 9707 "$WORK/ha4.prom" 127.0.0.1 || ! grep -q '^xmip_build_info{role="ha"' "$WORK/ha4.prom"; then
		P+=("ha: nothing over IPv4 on 127.0.0.1:9707/metrics (dual-stack): $(cat "$WORK/ha4.prom.err")")
	fi
	for r in ha:9707:[::1] mn:9708:127.0.0.1; do
		local who=${r%%:*} port rest=${r#*:}
		port=${rest%%:*}
		if ! scrape "$port" "$WORK/$who.prom" "${rest#*:}" || [[ ! -s $WORK/$who.prom ]]; then
			P+=("$who: nothing on ${rest#*:}:$port/metrics: $(cat "$WORK/$who.prom.err")")
			continue
		fi
		out=$(promtool check metrics <"$WORK/${r%%:*}.prom" 2>&1) || P+=("${r%%:*}: promtool check metrics failed: $out")
		[[ -z $out ]] || P+=("${r%%:*}: promtool check metrics says: $out")
	done
	grep -q '^xmip_build_info{role="ha",version=' "$WORK/ha.prom" 2>/dev/null || P+=("ha: no xmip_build_info{role=\"ha\"}")
	grep -q '^xmip_build_info{role="mn",version=' "$WORK/mn.prom" 2>/dev/null || P+=("mn: no xmip_build_info{role=\"mn\"}")
	report "$name" "ha: $(grep -vc '^#' "$WORK/ha.prom") series, mn: $(grep -vc '^#' "$WORK/mn.prom") series" -- "${P[@]}"
}
check_scrapes

# ---- M2 ------------------------------------------------------------------------
check_names() {
	local name="M2. every metric name in the dashboards and rules is exposed (or recorded, or Prometheus' up)" out
	if out=$("$PY" "$EXPRS" names "$WORK/ha.prom" "$WORK/mn.prom" 2>&1); then
		pass "$name" "$(head -n 1 <<<"$out")"
		say "$out"
	else
		fail "$name" "$(grep -v '^  ok' <<<"$out")"
	fi
}
check_names

# ---- Prometheus ------------------------------------------------------------------
cat >"$WORK/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  scrape_timeout: 900ms
  evaluation_interval: 1s
rule_files:
  - $RULES
scrape_configs:
  - job_name: xmip-ha
    static_configs:
      - targets: ["[::1]:9707"]
  - job_name: xmip-mn
    static_configs:
      - targets: ["127.0.0.1:9708"]
EOF
mkdir -p "$WORK/tsdb"
ip netns exec "$NS" prometheus --config.file="$WORK/prometheus.yml" --storage.tsdb.path="$WORK/tsdb" \
	--web.listen-address=[::1]:$PROM_PORT --web.enable-lifecycle --log.level=warn \
	>"$WORK/prometheus.log" 2>&1 3>&- 4>&- &
PROM_PID=$!

# ---- M3 ------------------------------------------------------------------------
check_up() {
	local name="M3. Prometheus scrapes both agents" i n=0
	for ((i = 0; i < 75; i++)); do
		kill -0 "$PROM_PID" 2>/dev/null || break
		n=$(query 'up{job=~"xmip.*"} == 1' | nseries)
		if ((n == 2)); then
			pass "$name" "up == 1 for xmip-ha and xmip-mn"
			return
		fi
		sleep 0.2
	done
	fail "$name" "up == 1 for $n of 2 jobs after 15 s (prometheus $(kill -0 "$PROM_PID" 2>/dev/null && echo running || echo exited))"
	exit 1
}
check_up

# ---- traffic -------------------------------------------------------------------
# One registration accepted (after DAD, about 1 s), one refused (a home
# address outside the home prefixes, unauthenticated: 146), one spoofed
# tunnelled packet.
# The BAs go towards a care-of address nobody answers for: only the home
# agent's side counts here.
on "$NS" "$PY" "$LIB/scapy_mn.py" --iface m0 --dst-mac $MAC_HA1 --coa $COA --hoa $HOA --ha $HA \
	--seq 100 --lifetime 400 --timeout 0.3 >"$WORK/bu1.json" 2>"$WORK/bu1.log"
on "$NS" "$PY" "$LIB/scapy_mn.py" --iface m0 --dst-mac $MAC_HA1 --coa $COA --hoa $FOREIGN_HOA --ha $HA \
	--seq 100 --lifetime 400 --timeout 0.3 >"$WORK/bu2.json" 2>"$WORK/bu2.log"
on "$NS" "$PY" "$LIB/send_tunnelled.py" --iface m0 --dst-mac $MAC_HA1 --outer-src $SPOOF_SRC --outer-dst $HA \
	--inner-src $HOA --inner-dst 2001:db8:2700::1 --port 4000 --tag spoof >"$WORK/spoof.log" 2>&1
for ((i = 0; i < 30; i++)); do # DAD: the accepted one is answered about 1 s after it arrived
	[[ $(ctl "$WORK/ha.sock" stats --get signalling.ba_sent 2>/dev/null) == 1 ]] && break
	sleep 0.1
done

# ---- M4 ------------------------------------------------------------------------
check_traffic() {
	local name="M4. the traffic shows in the home agent's scrape" P=() f=$WORK/ha2.prom v
	scrape 9707 "$f" "[::1]"
	v=$(sample "$f" 'xmip_mh_binding_acks_total{direction="sent",status="0"}')
	[[ $v == 1 ]] || P+=("BAs sent with status 0: '${v}', expected 1")
	v=$(sample "$f" 'xmip_mh_binding_acks_total{direction="sent",status="146"}')
	[[ $v == 1 ]] || P+=("BAs sent with status 146: '${v}', expected 1")
	v=$(sample "$f" 'xmip_mh_messages_total{direction="sent",type="binding_ack"}')
	[[ $v == 2 ]] || P+=("binding_ack messages sent: '${v}', expected 2 (accepting + rejecting)")
	v=$(sample "$f" 'xmip_mh_messages_total{direction="received",type="binding_update"}')
	[[ $v == 2 ]] || P+=("binding_update messages received: '${v}', expected 2")
	v=$(sample "$f" 'xmip_binding_cache_entries')
	[[ $v == 1 ]] || P+=("xmip_binding_cache_entries: '${v}', expected 1")
	v=$(sample "$f" 'xmip_binding_cache_limit')
	[[ $v == "$MAX_BINDINGS" ]] || P+=("xmip_binding_cache_limit: '${v}', expected $MAX_BINDINGS")
	v=$(sample "$f" 'xmip_ha_binding_update_processing_seconds_count')
	[[ $v == 2 ]] || P+=("BU processing observations: '${v}', expected 2")
	v=$(sample "$f" 'xmip_ha_binding_update_processing_seconds_bucket{le="0.1"}')
	[[ $v == 1 ]] || P+=("BU processing <= 0.1 s: '${v}', expected 1 (the refused one)")
	v=$(sample "$f" 'xmip_ha_binding_update_processing_seconds_sum')
	awk -v s="${v:-0}" 'BEGIN { exit !(s >= 0.9 && s < 3) }' || P+=("BU processing sum ${v} s: expected about 1 s (DAD)")
	v=$(sample "$f" 'xmip_datapath_packets_total{reason="spoofed",verdict="drop"}')
	[[ ${v:-0} -ge 1 ]] 2>/dev/null || P+=("spoofed drops: '${v}', expected >= 1")
	report "$name" "BAs by status 0: 1, 146: 1; binding cache 1/$MAX_BINDINGS; BU processing: 2 observations, sum $(sample "$f" 'xmip_ha_binding_update_processing_seconds_sum') s; spoofed drops $(sample "$f" 'xmip_datapath_packets_total{reason="spoofed",verdict="drop"}')" -- "${P[@]}"
}
check_traffic

# Prometheus has seen the traffic (rates) and evaluated the rules on it.
for ((i = 0; i < 50; i++)); do
	[[ $(query 'instance:xmip_registration_failures:rate5m > 0' | nseries) == 1 &&
		$(query 'instance:xmip_datapath_spoofed_drops:rate5m > 0' | nseries) == 1 ]] && break
	sleep 0.2
done

# ---- M5 ------------------------------------------------------------------------
check_expressions() {
	local name="M5. every dashboard panel and rule expression evaluates and returns series" P=() n=0 line where expr probe out k
	while IFS= read -r line; do
		where=$("$PY" -c 'import json,sys; print(json.loads(sys.argv[1])["where"])' "$line")
		expr=$("$PY" -c 'import json,sys; print(json.loads(sys.argv[1])["expr"])' "$line")
		probe=$("$PY" -c 'import json,sys; print(json.loads(sys.argv[1])["probe"])' "$line")
		n=$((n + 1))
		out=$(query "$expr")
		if ((QUERY_RC != 0)); then
			P+=("$where: promtool query failed: $(head -c 300 "$WORK/query.err") [$expr]")
			continue
		fi
		[[ $probe == "$expr" ]] || out=$(query "$probe")
		k=$(nseries <<<"$out")
		if ((k < 1)); then
			P+=("$where: no series [$probe]")
		else
			say "$where: $k series"
		fi
	done < <("$PY" "$EXPRS" exprs)
	((n > 30)) || P+=("only $n expressions found")
	report "$name" "$n expressions (panels of both dashboards, their instance variables, every rule)" -- "${P[@]}"
}
check_expressions

# ---- M6 ------------------------------------------------------------------------
check_recorded() {
	local name="M6. recorded series: failure ratio 0.5, binding cache utilisation 1/$MAX_BINDINGS, spoofed drops > 0" P=() v spoof
	v=$(query 'instance:xmip_registration_failure_ratio:rate5m{job="xmip-ha"}' | value1)
	awk -v x="${v:-x}" 'BEGIN { exit !(x + 0 > 0.49 && x + 0 < 0.51) }' || P+=("failure ratio: '${v}', expected 0.5")
	v=$(query 'instance:xmip_binding_cache_utilisation:ratio{job="xmip-ha"}' | value1)
	[[ $v == 0.25 ]] || P+=("binding cache utilisation: '${v}', expected 0.25")
	spoof=$(query 'instance:xmip_datapath_spoofed_drops:rate5m{job="xmip-ha"}' | value1)
	awk -v x="${spoof:-0}" 'BEGIN { exit !(x + 0 > 0) }' || P+=("spoofed drop rate: '${spoof}', expected > 0")
	v=$(query 'ALERTS{alertstate="firing"}' | nseries)
	[[ $v == 0 ]] || P+=("$v alerts firing, expected none")
	report "$name" "failure ratio 0.5, utilisation 0.25, spoofed drops/s $spoof, no alert firing" -- "${P[@]}"
}
check_recorded

# ---- M7 ------------------------------------------------------------------------
check_stop() {
	local name="M7. Prometheus stops on POST /-/quit, the agents on SIGTERM" P=()
	on "$NS" "$PY" -c 'import urllib.request
urllib.request.urlopen(urllib.request.Request("'"$PROM"'/-/quit", method="POST"), timeout=3).read()' \
		>/dev/null 2>"$WORK/quit.err" || P+=("POST /-/quit failed: $(cat "$WORK/quit.err")")
	stop_pid "$PROM_PID" 0
	[[ $STOP_STATUS == 0 ]] || P+=("prometheus: exit status $STOP_STATUS")
	PROM_PID=
	stop_pid "$HA_PID"
	[[ $STOP_STATUS == 0 ]] || P+=("xmipd ha: exit status $STOP_STATUS")
	HA_PID=
	stop_pid "$MN_PID"
	[[ $STOP_STATUS == 0 ]] || P+=("xmipd mn: exit status $STOP_STATUS")
	MN_PID=
	on "$NS" "$PY" -c 'import socket, sys
for p in (9707, 9708):
    s = socket.socket()
    try:
        s.connect(("127.0.0.1", p)); sys.exit("port %d still answers" % p)
    except ConnectionRefusedError:
        pass' 2>"$WORK/ports.err" || P+=("$(cat "$WORK/ports.err")")
	report "$name" "all three exited with status 0; ports 9707 and 9708 closed" -- "${P[@]}"
}
check_stop

RESULT_PRINTED=1
echo "RESULT: $PASSED passed, $FAILED failed"
((FAILED == 0))
