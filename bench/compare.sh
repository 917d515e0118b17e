#!/bin/sh
# Before and after on the same fixture in the same minutes: two ifmib_exporter binaries in one
# namespace of N interfaces, scraped alternately by bench/scrape.py (full, collect[]=ifmib,
# collect[]=send_queue each), so that a noisy host moves both alike; the order of the rotation
# is reversed every other round, so that neither binary always goes first. Prints CPU p50 per
# binary and scrape kind, and after/before.
#
#   bench/compare.sh BEFORE_BINARY AFTER_BINARY [N] [SCRAPES]    (root; N 1000, SCRAPES 20)
#
# e.g. build an older commit in a worktree (cmake -DCMAKE_BUILD_TYPE=Release, as bench/run.sh
# does) and compare it with build-bench/ifmib_exporter.
set -eu

before=${1:?usage: bench/compare.sh BEFORE_BINARY AFTER_BINARY [N] [SCRAPES]}
after=${2:?usage: bench/compare.sh BEFORE_BINARY AFTER_BINARY [N] [SCRAPES]}
n=${3:-1000}
scrapes=${4:-20}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
[ "$(id -u)" = 0 ] || { echo "compare: needs root for network namespaces" >&2; exit 1; }

ns="ifmib-compare-$$"
holder= pids=
cleanup() {
  for p in $pids $holder; do kill "$p" 2>/dev/null || true; done
  for p in $pids $holder; do wait "$p" 2>/dev/null || true; done
  bench/fixture.sh delete "$ns" 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM
. bench/lib.sh

holder=$(bench/fixture.sh create "$ns" "$n")
ip -n "$ns" link set lo up
ip netns exec "$ns" "$before" --web.listen-address=127.0.0.1:19110 --log.level=warn &
b=$!
ip netns exec "$ns" "$after" --web.listen-address=127.0.0.1:19111 --log.level=warn &
a=$!
pids="$b $a"
wait_ready "$ns" http://127.0.0.1:19110/-/healthy
wait_ready "$ns" http://127.0.0.1:19111/-/healthy
targets=
for side in before:$b:19110 after:$a:19111; do
  name=${side%%:*} rest=${side#*:}
  pid=${rest%%:*} port=${rest#*:}
  url=http://127.0.0.1:$port/metrics
  targets="$targets $name-full,$pid,$url,$scrapes $name-ifmib,$pid,$url?collect%5B%5D=ifmib,$scrapes"
  targets="$targets $name-send_queue,$pid,$url?collect%5B%5D=send_queue,$scrapes"
done
out=$(mktemp)
# shellcheck disable=SC2086  # targets is a list
SCRAPE_ALTERNATE_ORDER=1 ip netns exec "$ns" python3 bench/scrape.py "$out" $targets
python3 - "$out" "$n" <<'EOF'
import json, statistics, sys
d = json.load(open(sys.argv[1]))
p50 = {k: statistics.median(s["cpu_ms"] for s in v["samples"]) for k, v in d.items()}
print("N = %s interfaces, CPU p50 ms per scrape (bench/scrape.py, alternating)" % sys.argv[2])
print("| scrape | before | after | after/before |")
print("|---|---:|---:|---:|")
for kind in ("full", "ifmib", "send_queue"):
    b, a = p50["before-" + kind], p50["after-" + kind]
    print("| %s | %.2f | %.2f | %.2f |" % (kind, b, a, a / b))
EOF
rm -f "$out"
