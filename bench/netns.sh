#!/bin/sh
# Per-namespace cost of --collector.netns: one ifmib_exporter in a namespace of its own reads K
# other namespaces of 10 interfaces each (5 veth pairs up, a link-layer group on each, IPv6's own
# groups, a tbf root on one), K growing through NETNS_COUNTS; scraped as Prometheus does.
#
#   bench/netns.sh BUILD_DIR RESULTS_DIR     (root; called by bench/run.sh)
#   NETNS_COUNTS="0 10 50 100"               namespaces read besides the exporter's own
#
# Writes RESULTS_DIR/netns-K.json (bench/scrape.py's format) for each K; bench/report.py turns
# them into the per-namespace table. Every namespace it makes is deleted on exit.
set -eu

build=${1:?usage: bench/netns.sh BUILD_DIR RESULTS_DIR}
out=${2:?usage: bench/netns.sh BUILD_DIR RESULTS_DIR}
counts=${NETNS_COUNTS:-0 10 50 100}
prefix="ifmib-bench-$$-ns"
home="ifmib-bench-$$-home"
made=0 exporter=

cleanup() {
  if [ -n "$exporter" ]; then kill "$exporter" 2>/dev/null || true; wait "$exporter" 2>/dev/null || true; fi
  i=0
  while [ "$i" -lt "$made" ]; do ip netns del "$prefix-$i" 2>/dev/null || true; i=$((i + 1)); done
  ip netns del "$home" 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# One namespace of 10 interfaces, in two `ip -batch` calls.
make_namespace() {
  name=$1
  ip netns add "$name"
  ip netns exec "$name" sysctl -qw net.ipv6.conf.default.accept_dad=0 net.ipv6.conf.all.accept_dad=0
  batch=$(mktemp)
  for p in 0 1 2 3 4; do
    echo "link add v${p}a type veth peer name v${p}b"
  done >"$batch"
  for p in 0 1 2 3 4; do
    echo "link set v${p}a up"
    echo "link set v${p}b up"
  done >>"$batch"
  ip -n "$name" -batch "$batch"
  rm -f "$batch"
  for p in 0 1 2 3 4; do
    ip -n "$name" maddr add 01:00:5e:7f:00:01 dev "v${p}a"
    ip -n "$name" maddr add 01:00:5e:7f:00:01 dev "v${p}b"
  done
  ip netns exec "$name" tc qdisc add dev v0a root tbf rate 100mbit burst 32k latency 50ms
}

ip netns add "$home"
ip -n "$home" link set lo up
ip netns exec "$home" "$build/ifmib_exporter" --web.listen-address=127.0.0.1:19110 --log.level=warn \
  --collector.netns "--collector.netns.include=^$prefix-" &
exporter=$!
t=0
until ip netns exec "$home" curl -sf -o /dev/null http://127.0.0.1:19110/-/healthy; do
  t=$((t + 1))
  [ "$t" -lt 300 ] || { echo "bench: the netns exporter never answered" >&2; exit 1; }
  sleep 0.1
done

for k in $counts; do
  while [ "$made" -lt "$k" ]; do
    make_namespace "$prefix-$made"
    made=$((made + 1))
  done
  sleep 1  # let IPv6 join its groups on the new links
  echo "bench: netns: $k namespaces x 10 interfaces: scraping" >&2
  ip netns exec "$home" python3 bench/scrape.py "$out/netns-$k.json" \
    "ifmib_netns,$exporter,http://127.0.0.1:19110/metrics,20"
done
