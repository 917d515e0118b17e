#!/usr/bin/env bash
# deploy.grafana_dashboard: every query of deploy/grafana/ifmib_exporter.json returns series from
# a real Prometheus scraping the real exporter.
#   grafana_dashboard.sh EXPORTER_BINARY
#
# Inside a network namespace made for this run (deleted on every exit path): two veth pairs,
# a-b with a tbf root qdisc on a overflowed by a UDP flood (send-queue drops, a standing queue),
# c-d with a pfifo root qdisc (a maximum counted in packets) and steady traffic, multicast joins
# on c (IPv4 any-source and source-specific, IPv6, a link-layer address), and e-f with 2 TX queues
# under an mq root with a tbf child each, XPS sending everything on queue 1 (per-queue drops; the
# exporter runs with --collector.send_queue.per-queue). The exporter and
# Prometheus (1 s scrape and rule evaluation, our alerting and recording rules loaded) run in the
# namespace too, on its own loopback; nothing is sent outside it. dashboard_queries.py then sends
# each variable and panel query to Prometheus' HTTP API with curl, Grafana's variables
# substituted, and checks the recording rules, the alert state and a few values.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
exporter=${1:?usage: grafana_dashboard.sh EXPORTER_BINARY}
root=$(repo_root)
[ -x "$exporter" ] || fail "exporter binary not found: $exporter"
py=$(python_with_yaml) || skip "python3 with yaml not found (Debian package python3-yaml)"
echo "== dashboard JSON: layout, variables, filters"
"$py" "$root/tests/deploy/dashboard_queries.py" --layout-only \
  --dashboard "$root/deploy/grafana/ifmib_exporter.json" || fail "dashboard layout"
need_root
need_cmd ip iproute2
need_cmd tc iproute2
need_cmd prometheus prometheus
need_cmd curl curl
need_cmd python3 python3

ns="ifmib-deploy-dash-$$-$RANDOM"
work=$(mktemp -d "${TMPDIR:-/tmp}/ifmib-deploy-dash.XXXXXX")
pids=()

# Kill what this run started, by PID: the background processes (each an `ip netns exec` that
# exec'd the program, so the PID is the program's), then anything still inside the namespace this
# run created (only its own descendants can be there), then delete the namespace.
stop_pids() {
  local p
  [ "$#" -gt 0 ] || return 0
  kill "$@" 2>/dev/null || true
  for _ in $(seq 50); do
    for p in "$@"; do kill -0 "$p" 2>/dev/null && break; p=""; done
    [ -z "$p" ] && break
    sleep 0.1
  done
  kill -KILL "$@" 2>/dev/null || true
}
cleanup() {
  local rc=$? p left
  stop_pids "${pids[@]}"
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  if ip netns list | grep -qw "$ns"; then
    left=$(ip netns pids "$ns" 2>/dev/null || true)
    # shellcheck disable=SC2086
    [ -n "$left" ] && { echo "stopping processes left in $ns: $left" >&2; stop_pids $left; }
    ip netns del "$ns" 2>/dev/null || true
  fi
  if [ "$rc" -ne 0 ] && [ "$rc" -ne 77 ]; then
    for f in exporter.log prometheus.log traffic.log joins.log; do
      [ -s "$work/$f" ] && { echo "--- $f (last 30 lines)"; tail -n 30 "$work/$f"; }
    done
  fi
  rm -rf "$work"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

ip netns add "$ns" 2>"$work/netns.err" || skip "cannot create a network namespace: $(cat "$work/netns.err")"

echo "== namespace $ns: veth a-b (tbf, overflowed), c-d (pfifo limit 200), multicast on c, e-f (mq, queue 1 overflowed)"
ip -n "$ns" link set dev lo up
ip -n "$ns" link add name a type veth peer name b
ip -n "$ns" link add name c type veth peer name d
ip -n "$ns" link add name e numtxqueues 2 type veth peer name f
for dev in a b c d e f; do ip -n "$ns" link set dev "$dev" up; done
ip -n "$ns" addr add 10.77.0.1/24 dev a
ip -n "$ns" addr add 10.78.0.1/24 dev c
ip -n "$ns" addr add 10.79.0.1/24 dev e
tc -n "$ns" qdisc add dev a root tbf rate 8bit burst 1600 limit 3000
tc -n "$ns" qdisc add dev c root pfifo limit 200
tc -n "$ns" qdisc add dev e root handle 1: mq
tc -n "$ns" qdisc add dev e parent 1:1 handle 11: tbf rate 8bit burst 1600 limit 3000
tc -n "$ns" qdisc add dev e parent 1:2 handle 12: tbf rate 8bit burst 1600 limit 3000
# XPS: every CPU transmits on TX queue 1 of e (sysfs of the namespace, hence ip netns exec).
all_cpus=$(python3 -c 'import os
n, w = os.cpu_count(), []
m = (1 << n) - 1
while m:
    w.append("%08x" % (m & 0xffffffff))
    m >>= 32
print(",".join(reversed(w)))')
ip netns exec "$ns" sh -c "echo 0 > /sys/class/net/e/queues/tx-0/xps_cpus && echo $all_cpus > /sys/class/net/e/queues/tx-1/xps_cpus"
mac() { ip -n "$ns" -o link show dev "$1" | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p'; }
# Permanent neighbours: packets go straight to the qdisc instead of waiting for ARP.
ip -n "$ns" neigh add 10.77.0.2 lladdr "$(mac b)" dev a nud permanent
ip -n "$ns" neigh add 10.78.0.2 lladdr "$(mac d)" dev c nud permanent
ip -n "$ns" neigh add 10.79.0.2 lladdr "$(mac f)" dev e nud permanent
ip -n "$ns" maddr add 01:00:5e:01:02:03 dev c

cat >"$work/traffic.py" <<'PY'
# UDP to 10.77.0.2 (a: tbf at 8 bit/s, so nearly all of it is dropped by the full queue) and
# to 10.78.0.2 (c: arrives on d), about 2000 packets/s each, until killed.
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setblocking(False)
while True:
    for _ in range(20):
        for dst in (("10.77.0.2", 9), ("10.78.0.2", 9), ("10.79.0.2", 9)):
            try:
                s.sendto(b"x" * 200, dst)
            except (BlockingIOError, OSError):
                pass
    time.sleep(0.01)
PY
cat >"$work/joins.py" <<'PY'
# Joins held open until killed: IPv4 any-source 239.1.1.1 and source-specific 232.1.1.1 from
# 10.78.0.9 on c, IPv6 ff15::1234 on c.
import socket, struct, time, sys
c_addr = socket.inet_aton("10.78.0.1")
s4 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s4.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, socket.inet_aton("239.1.1.1") + c_addr)
ssm = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
IP_ADD_SOURCE_MEMBERSHIP = getattr(socket, "IP_ADD_SOURCE_MEMBERSHIP", 39)
# Linux struct ip_mreq_source: multiaddr, interface, sourceaddr.
ssm.setsockopt(socket.IPPROTO_IP, IP_ADD_SOURCE_MEMBERSHIP,
               socket.inet_aton("232.1.1.1") + c_addr + socket.inet_aton("10.78.0.9"))
s6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_JOIN_GROUP,
              socket.inet_pton(socket.AF_INET6, "ff15::1234") + struct.pack("@I", socket.if_nametoindex("c")))
print("joined", flush=True)
while True:
    time.sleep(60)
PY

cat >"$work/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
rule_files:
  - $root/deploy/prometheus/ifmib_exporter_alerts.yml
  - $root/deploy/prometheus/ifmib_exporter_recording.yml
scrape_configs:
  - job_name: ifmib_exporter
    static_configs:
      - targets: ["127.0.0.1:10027"]
EOF

echo "== starting exporter, Prometheus, traffic and joins in $ns"
ip netns exec "$ns" "$exporter" --web.listen-address=127.0.0.1:10027 --collector.send_queue.per-queue \
  >"$work/exporter.log" 2>&1 &
pids+=($!)
ip netns exec "$ns" prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/data" \
  --web.listen-address=127.0.0.1:9090 >"$work/prometheus.log" 2>&1 &
pids+=($!)
ip netns exec "$ns" python3 "$work/traffic.py" >"$work/traffic.log" 2>&1 &
pids+=($!)
ip netns exec "$ns" python3 "$work/joins.py" >"$work/joins.log" 2>&1 &
pids+=($!)

# In the background and waited for, so that a signal reaches the traps at once.
ip netns exec "$ns" "$py" "$root/tests/deploy/dashboard_queries.py" \
  --prometheus http://127.0.0.1:9090 --exporter http://127.0.0.1:10027 \
  --dashboard "$root/deploy/grafana/ifmib_exporter.json" \
  --rules "$root/deploy/prometheus/ifmib_exporter_alerts.yml" \
  --rules "$root/deploy/prometheus/ifmib_exporter_recording.yml" \
  --pids "${pids[*]}" &
checker=$!
pids+=("$checker")
wait "$checker" || fail "dashboard queries"
echo "PASS"
