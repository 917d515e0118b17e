#!/bin/sh
# Benchmark fixture: a network namespace holding N interfaces (N/2 veth pairs, both ends inside),
# each up, with link, IPv4 and IPv6 multicast memberships (source-specific on every 4th), and
# tbf / pfifo root qdiscs on every 10th (the rest keep veth's noqueue). The holder of the
# memberships also sends up to 500 datagrams a second out of the interfaces in turn, so that
# counters move between scrapes (bench/mcast_holder.py).
#
#   bench/fixture.sh create NAME N   -> prints the PID of the process holding the IP memberships
#   bench/fixture.sh delete NAME     -> deletes the namespace
#
# The caller owns NAME (make it unique), kills the holder by its PID and calls delete on every
# exit path (trap).
set -eu

here=$(cd "$(dirname "$0")" && pwd)

create() {
  ns=$1 n=$2
  pairs=$((n / 2))
  ip netns add "$ns"
  batch=$(mktemp)
  # Room for one socket's many memberships; per-namespace sysctls.
  ip netns exec "$ns" sysctl -qw net.ipv4.igmp_max_memberships=100000 net.core.optmem_max=16777216 \
    net.ipv6.conf.default.accept_dad=0 net.ipv6.conf.all.accept_dad=0
  i=0
  while [ "$i" -lt "$pairs" ]; do
    echo "link add b${i}a type veth peer name b${i}b"
    i=$((i + 1))
  done >"$batch"
  ip -n "$ns" -batch "$batch"
  i=0
  while [ "$i" -lt "$pairs" ]; do
    for end in a b; do
      d="b${i}${end}"
      echo "link set $d up"
    done
    i=$((i + 1))
  done >"$batch"
  ip -n "$ns" -batch "$batch"
  # A static link-layer group on every interface (shows in /proc/net/dev_mcast). One command
  # each: iproute2's batch mode stops silently after the first `maddr add`.
  i=0
  while [ "$i" -lt "$pairs" ]; do
    ip -n "$ns" maddr add 01:00:5e:7f:00:01 dev "b${i}a"
    ip -n "$ns" maddr add 01:00:5e:7f:00:01 dev "b${i}b"
    i=$((i + 1))
  done
  : >"$batch"
  k=0
  i=0
  while [ "$i" -lt "$pairs" ]; do
    for end in a b; do
      case $((k % 10)) in
        0) echo "qdisc add dev b${i}${end} root tbf rate 100mbit burst 32k latency 50ms" ;;
        5) echo "qdisc add dev b${i}${end} root pfifo limit 500" ;;
      esac
      k=$((k + 1))
    done
    i=$((i + 1))
  done >"$batch"
  ip netns exec "$ns" tc -batch "$batch"
  rm -f "$batch"
  ready=$(mktemp)
  ip netns exec "$ns" python3 "$here/mcast_holder.py" "$ready" </dev/null >/dev/null 2>"$ready.err" &
  holder=$!
  # Wait until the holder has joined everything (it writes its count when done).
  t=0
  while [ ! -s "$ready" ]; do
    if ! kill -0 "$holder" 2>/dev/null; then cat "$ready.err" >&2; rm -f "$ready" "$ready.err"; return 1; fi
    t=$((t + 1))
    [ "$t" -lt 1200 ] || { echo "fixture: multicast holder timed out" >&2; kill "$holder"; return 1; }
    sleep 0.1
  done
  echo "fixture: $ns: $n interfaces, $(cat "$ready") IP memberships held by pid $holder" >&2
  rm -f "$ready" "$ready.err"
  echo "$holder"
}

delete() {
  ip netns del "$1" 2>/dev/null || true
}

case ${1:-} in
  create) create "$2" "$3" ;;
  delete) delete "$2" ;;
  *) echo "usage: $0 create NAME N | delete NAME" >&2; exit 2 ;;
esac
