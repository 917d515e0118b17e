#!/bin/sh
# Scrape latency, RSS and threads of ifmib_exporter and node_exporter while slow clients hold
# connections open (bench/slow_clients.py does the clients and the measuring).
#
#   bench/slow_clients.sh BUILD_DIR RESULTS_DIR       (root; `make bench` calls it via run.sh)
#   SLOW_LEVELS=0,100,1000,5000   slow connections per exporter at each step
#   SLOW_SCRAPES=20               scrapes per exporter and step
#   IFMIB_ARGS=                   extra ifmib_exporter flags (e.g. --web.max-requests=5096)
#
# Both exporters run in one namespace (loopback only) with the soft open-files limit systemd gives
# a service by default (1024; the hard limit stays), each gets the same number of slow
# connections at the same time, and they are scraped alternately. node_exporter runs its netdev
# collector only, as in bench/run.sh. Writes RESULTS_DIR/slow-clients.json and prints its table
# (bench/report.py, which `make bench` also puts in bench/results/<date>.md).
set -eu

build=${1:?usage: bench/slow_clients.sh BUILD_DIR RESULTS_DIR}
out=${2:?usage: bench/slow_clients.sh BUILD_DIR RESULTS_DIR}
levels=${SLOW_LEVELS:-0,100,1000,5000}
scrapes=${SLOW_SCRAPES:-20}
ns="ifmib-bench-$$-slow"
pids=

cleanup() {
  for p in $pids; do kill "$p" 2>/dev/null || true; done
  for p in $pids; do wait "$p" 2>/dev/null || true; done
  ip netns del "$ns" 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ip netns add "$ns"
ip -n "$ns" link set lo up
mkdir -p "$out"

# The default soft limit of a systemd service; each exporter may raise it to the hard limit.
ulimit -Sn 1024
ip netns exec "$ns" "$build/ifmib_exporter" --web.listen-address=127.0.0.1:19110 --log.level=warn ${IFMIB_ARGS:-} &
ifmib=$!
ip netns exec "$ns" prometheus-node-exporter --web.listen-address=127.0.0.1:19111 \
  --collector.disable-defaults --collector.netdev --log.level=warn 2>/dev/null &
node=$!
pids="$ifmib $node"
for url in http://127.0.0.1:19110/-/healthy http://127.0.0.1:19111/; do
  ip netns exec "$ns" curl -sf -o /dev/null --retry 30 --retry-connrefused --retry-delay 1 "$url" ||
    { echo "bench: $url never answered" >&2; exit 1; }
done
ulimit -Sn "$(ulimit -Hn)"
echo "bench: slow clients: levels $levels, $scrapes scrapes each" >&2
ip netns exec "$ns" python3 bench/slow_clients.py "$out/slow-clients.json" "$levels" "$scrapes" \
  "ifmib,$ifmib,127.0.0.1:19110" "node,$node,127.0.0.1:19111"
python3 bench/report.py --slow-clients "$out"
