#!/bin/sh
# `make bench`: ifmib_exporter against node_exporter and the kernel floor, per interface count.
#
#   BENCH_SIZES="100 1000 4000"  interface counts (each: N/2 veth pairs, both ends in one namespace)
#   QDISC_SIZES="100 1000"       sizes at which node_exporter's qdisc collector is scraped too
#                                (it is slow: seconds per scrape at 1000 interfaces)
#   BENCH_DIR=build-bench        Release build directory
#   BENCH_SKIP_BUILD=1           measure the ifmib_exporter already built there
#   NETNS_COUNTS="0 10 50 100"   namespaces of 10 interfaces read by --collector.netns (bench/netns.sh);
#                                NETNS_COUNTS= (empty) skips that part
#   QUEUE_SIZES="100:4 100:16 400:4 400:16"  K:Q multiqueue interfaces x TX queues for the cost of
#                                --collector.send_queue.per-queue (bench/queues.sh); empty skips it
#   PROFILE_SIZES="1000"         sizes at which bench/profile.py splits each scrape kind's CPU with
#                                perf (kernel by system call, user space by code); empty skips it
#   SLOW_LEVELS=0,100,1000,5000  slow connections beside node_exporter (bench/slow_clients.sh);
#                                SLOW_LEVELS= (empty) skips that part
#
# Needs root (network namespaces). Writes bench/results/<date>.md and prints the same table.
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
sizes=${BENCH_SIZES:-100 1000 4000}
qdisc_sizes=${QDISC_SIZES:-100 1000}
build=${BENCH_DIR:-build-bench}
jobs=$(nproc 2>/dev/null || echo 2)

[ "$(id -u)" = 0 ] || { echo "bench: needs root for network namespaces" >&2; exit 1; }
missing=
command -v prometheus-node-exporter >/dev/null || missing="$missing prometheus-node-exporter"
command -v ip >/dev/null || missing="$missing iproute2"
command -v tc >/dev/null || missing="$missing iproute2"
command -v python3 >/dev/null || missing="$missing python3"
command -v curl >/dev/null || missing="$missing curl"
command -v g++ >/dev/null || missing="$missing g++"
profile_sizes=${PROFILE_SIZES-1000}
[ -z "$profile_sizes" ] || command -v perf >/dev/null || missing="$missing linux-perf"
# bench/compress.cpp measures libdeflate beside the ISA-L the exporter uses.
[ -e /usr/include/libdeflate.h ] || missing="$missing libdeflate-dev"
if [ -n "$missing" ]; then
  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $missing
fi

# Release build of the product (-O3), warning-clean like every other build.
# BENCH_SKIP_BUILD=1 measures the binary already in $build.
if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
  cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DIFMIB_WERROR=ON -DIFMIB_BUILD_TESTS=OFF >/dev/null
  cmake --build "$build" -j "$jobs" --target ifmib_exporter >/dev/null
fi
sh bench/tools.sh "$build"

ns= holder= pids=
cleanup() {
  for p in $pids $holder; do kill "$p" 2>/dev/null || true; done
  for p in $pids $holder; do wait "$p" 2>/dev/null || true; done
  [ -z "$ns" ] || bench/fixture.sh delete "$ns"
  ns= holder= pids=
}
trap cleanup EXIT
trap 'exit 130' INT TERM

. bench/lib.sh

out="$build/bench/results"
mkdir -p "$out"
# Only this run's results go into the report: a part skipped now (an empty NETNS_COUNTS, other
# sizes) must not bring in an earlier run's figures. The recorded snapshots stay.
rm -f "$out"/scrape-*.json "$out"/profile-*.json "$out"/netns-*.json "$out"/queues-*.json "$out"/slow-clients.json \
  "$out"/floor-*.txt "$out"/compress-*.txt "$out"/text-*.txt
for n in $sizes; do
  case $n in
    # Enough for medians that one slow turn of a noisy host does not move (20 and 10 before).
    100) scrapes=40 ;;
    1000) scrapes=40 ;;
    *) scrapes=20 ;;
  esac
  ns="ifmib-bench-$$-$n"
  echo "bench: N=$n: building the fixture" >&2
  holder=$(bench/fixture.sh create "$ns" "$n")
  ip -n "$ns" link set lo up

  echo "bench: N=$n: kernel floor" >&2
  mkdir -p "$out/snapshot-$n"
  ip netns exec "$ns" "$build/bench/kernel_floor" 20 "$out/snapshot-$n" >"$out/floor-$n.txt"
  # gzip alternatives on this size's served text (the recorded snapshot through replay).
  REPLAY_TEXT_OUT="$out/text-$n.txt" "$build/bench/replay" "$out/snapshot-$n" 3 >/dev/null
  "$build/bench/compress" "$out/text-$n.txt" 21 >"$out/compress-$n.txt"

  ip netns exec "$ns" "$build/ifmib_exporter" --web.listen-address=127.0.0.1:19100 --log.level=warn &
  ifmib=$!
  ip netns exec "$ns" prometheus-node-exporter --web.listen-address=127.0.0.1:19101 \
    --collector.disable-defaults --collector.netdev --log.level=warn 2>/dev/null &
  netdev=$!
  pids="$ifmib $netdev"
  # Each scrape kind is followed by the kernel floor of its reads, made in the same rotation
  # (bench/scrape.py's floor targets): right after the exporter made the same reads, so the
  # floor finds the kernel's data as warm as the rotation leaves it, never colder.
  link=rtm_getlink_skip_stats procfs=proc_net_igmp+proc_net_mcfilter+proc_net_mcfilter6+proc_net_dev_mcast+proc_net_igmp6
  targets="ifmib,$ifmib,http://127.0.0.1:19100/metrics,$scrapes"
  targets="$targets floor_ifmib,floor,$link+rtm_getqdisc+$procfs,$scrapes"
  targets="$targets ifmib_send_queue,$ifmib,http://127.0.0.1:19100/metrics?collect%5B%5D=send_queue,$scrapes"
  targets="$targets floor_send_queue,floor,rtm_getqdisc,$scrapes"
  # The interface MIB alone: what node_exporter's netdev collector covers (per-interface counters).
  targets="$targets ifmib_mib,$ifmib,http://127.0.0.1:19100/metrics?collect%5B%5D=ifmib,$scrapes"
  targets="$targets floor_mib,floor,$link,$scrapes"
  targets="$targets node_netdev,$netdev,http://127.0.0.1:19101/metrics,$scrapes"
  wait_ready "$ns" http://127.0.0.1:19100/-/healthy
  wait_ready "$ns" http://127.0.0.1:19101/
  for q in $qdisc_sizes; do
    if [ "$q" = "$n" ]; then
      ip netns exec "$ns" prometheus-node-exporter --web.listen-address=127.0.0.1:19102 \
        --collector.disable-defaults --collector.qdisc --log.level=warn 2>/dev/null &
      qdisc=$!
      pids="$pids $qdisc"
      wait_ready "$ns" http://127.0.0.1:19102/
      qscrapes=$([ "$n" -le 100 ] && echo 10 || echo 3)
      targets="$targets node_qdisc,$qdisc,http://127.0.0.1:19102/metrics,$qscrapes"
    fi
  done
  echo "bench: N=$n: scraping" >&2
  # shellcheck disable=SC2086  # targets is a list
  BENCH_KERNEL_FLOOR="$build/bench/kernel_floor" ip netns exec "$ns" python3 bench/scrape.py "$out/scrape-$n.json" $targets
  for p in $profile_sizes; do
    if [ "$p" = "$n" ]; then
      echo "bench: N=$n: profile" >&2
      ip netns exec "$ns" python3 bench/profile.py "$out/profile-$n.json" "$ifmib" http://127.0.0.1:19100/metrics
    fi
  done
  cleanup
done

if [ -n "${NETNS_COUNTS-0 10 50 100}" ]; then
  NETNS_COUNTS=${NETNS_COUNTS-0 10 50 100} sh bench/netns.sh "$build" "$out"
fi

if [ -n "${QUEUE_SIZES-100:4 100:16 400:4 400:16}" ]; then
  QUEUE_SIZES=${QUEUE_SIZES-100:4 100:16 400:4 400:16} sh bench/queues.sh "$build" "$out"
fi

if [ -n "${SLOW_LEVELS-0,100,1000,5000}" ]; then
  SLOW_LEVELS=${SLOW_LEVELS-0,100,1000,5000} sh bench/slow_clients.sh "$build" "$out"
fi

mkdir -p bench/results
report="bench/results/$(date +%Y-%m-%d).md"
python3 bench/report.py "$out" $sizes >"$report"
cat "$report"
echo "bench: wrote $report" >&2
