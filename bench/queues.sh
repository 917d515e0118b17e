#!/bin/sh
# Cost of --collector.send_queue.per-queue beside the default scrape: K multiqueue veth
# interfaces with Q TX queues each, an mq root on each (one default child qdisc per TX queue),
# scraped by two exporters in the same namespace, one with the flag and one without, alternately
# as Prometheus does. The cost should grow with K x Q and nothing else.
#
#   bench/queues.sh BUILD_DIR RESULTS_DIR    (root; called by bench/run.sh)
#   QUEUE_SIZES="100:4 100:16 400:4 400:16"         K:Q combinations
#
# Writes RESULTS_DIR/queues-K-Q.json (bench/scrape.py's format); bench/report.py turns them into
# the per-queue table. The namespace is deleted on every exit path.
set -eu

build=${1:?usage: bench/queues.sh BUILD_DIR RESULTS_DIR}
out=${2:?usage: bench/queues.sh BUILD_DIR RESULTS_DIR}
sizes=${QUEUE_SIZES:-100:4 100:16 400:4 400:16}
ns= pids=

cleanup() {
  for p in $pids; do kill "$p" 2>/dev/null || true; done
  for p in $pids; do wait "$p" 2>/dev/null || true; done
  [ -z "$ns" ] || ip netns del "$ns" 2>/dev/null || true
  ns= pids=
}
trap cleanup EXIT
trap 'exit 130' INT TERM

. "$(dirname "$0")/lib.sh"

for kq in $sizes; do
  k=${kq%%:*} q=${kq##*:}
  ns="ifmib-bench-$$-q$k-$q"
  echo "bench: queues: $k interfaces x $q TX queues: building" >&2
  ip netns add "$ns"
  ip -n "$ns" link set lo up
  batch=$(mktemp)
  i=0
  while [ "$i" -lt "$k" ]; do
    echo "link add name m${i}a numtxqueues $q type veth peer name m${i}b"
    i=$((i + 1))
  done >"$batch"
  i=0
  while [ "$i" -lt "$k" ]; do
    echo "link set m${i}a up"
    echo "link set m${i}b up"
    i=$((i + 1))
  done >>"$batch"
  ip -n "$ns" -batch "$batch"
  i=0
  while [ "$i" -lt "$k" ]; do
    echo "qdisc add dev m${i}a root handle 1: mq"
    i=$((i + 1))
  done >"$batch"
  tc -n "$ns" -batch "$batch"
  rm -f "$batch"

  ip netns exec "$ns" "$build/ifmib_exporter" --web.listen-address=127.0.0.1:19120 --log.level=warn &
  plain=$!
  ip netns exec "$ns" "$build/ifmib_exporter" --web.listen-address=127.0.0.1:19121 --log.level=warn \
    --collector.send_queue.per-queue &
  detail=$!
  pids="$plain $detail"
  wait_ready "$ns" http://127.0.0.1:19120/-/healthy
  wait_ready "$ns" http://127.0.0.1:19121/-/healthy
  echo "bench: queues: $k x $q: scraping" >&2
  ip netns exec "$ns" python3 bench/scrape.py "$out/queues-$k-$q.json" \
    "default,$plain,http://127.0.0.1:19120/metrics,60" \
    "per_queue,$detail,http://127.0.0.1:19121/metrics,60" \
    "default_send_queue,$plain,http://127.0.0.1:19120/metrics?collect%5B%5D=send_queue,60" \
    "per_queue_send_queue,$detail,http://127.0.0.1:19121/metrics?collect%5B%5D=send_queue,60"
  cleanup
done
