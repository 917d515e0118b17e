#!/bin/sh
# Deterministic figure: instructions per scrape (collectors + text serializer + gzip) on the
# recorded snapshot bench/snapshot/<N>/ through a fixed reader (bench/replay.cpp), under callgrind.
#   bench/callgrind.sh [SNAPSHOT_DIR] [SCRAPES]      (defaults: bench/snapshot/4000, 2)
# bench/snapshot/1000 is the smaller one, for a quicker look; both were recorded by bench/run.sh
# (kernel_floor RECORD_DIR) from its fixture.
# Links bench/replay.cpp against the layer libraries of $BENCH_DIR (build it first: bench/run.sh does).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
build=${BENCH_DIR:-build-bench}
snap=${1:-bench/snapshot/4000}
scrapes=${2:-2}
sh bench/tools.sh "$build"
out="$build/bench/callgrind.out.replay"
valgrind -q --tool=callgrind --collect-atstart=no --callgrind-out-file="$out" \
  "$build/bench/replay" "$snap" "$scrapes"
callgrind_annotate --inclusive=yes "$out" 2>/dev/null | awk -v n="$scrapes" '
  /PROGRAM TOTALS/ { gsub(",", "", $1); printf "instructions per scrape: %.1f M\n", $1 / n / 1e6 }
  /exposition_text|Scraper::scrape|server::gzip|::collect\(ifmib::platform::Reader/ {
    v = $1; gsub(",", "", v); name = $0; sub(/^[^?]*\?\?\?:/, "", name); sub(/\(.*/, "", name)
    printf "  %-45s %8.1f M\n", name, v / n / 1e6 }'
