#!/bin/sh
# Deterministic figure: instructions per scrape (the Linux reader's parsing and joining, the
# collectors, the text serializer and gzip) on the recorded snapshot bench/snapshot/<N>/, served
# to the ordinary Linux reader in place of the kernel's replies (bench/replay.cpp), under callgrind.
#   bench/callgrind.sh [SNAPSHOT_DIR] [SCRAPES] [COLLECT]   (defaults: bench/snapshot/4000, 2, all)
# COLLECT is a comma-separated collect[] list, e.g. ifmib or send_queue.
# bench/snapshot/1000 is the smaller one, for a quicker look; both were recorded by bench/run.sh
# (kernel_floor RECORD_DIR) from its fixture.
# Links bench/replay.cpp against the layer libraries of $BENCH_DIR (build it first: bench/run.sh does).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
build=${BENCH_DIR:-build-bench}
snap=${1:-bench/snapshot/4000}
scrapes=${2:-2}
collect=${3:-}
sh bench/tools.sh "$build"
out="$build/bench/callgrind.out.replay"
valgrind -q --tool=callgrind --collect-atstart=no --callgrind-out-file="$out" \
  "$build/bench/replay" "$snap" "$scrapes" $collect
callgrind_annotate --inclusive=yes "$out" 2>/dev/null | awk -v n="$scrapes" '
  /PROGRAM TOTALS/ { gsub(",", "", $1); printf "instructions per scrape: %.1f M\n", $1 / n / 1e6 }
  /exposition_text|Scraper::scrape|GzipCache::gzip|deflate_piece|::collect\(ifmib::platform::Reader|parse_[a-z0-9_]*_dump|send_queues_from|LinuxReader::/ {
    v = $1; gsub(",", "", v); name = $0; sub(/^[^?]*\?\?\?:/, "", name); sub(/\(.*/, "", name)
    printf "  %-45s %8.1f M\n", name, v / n / 1e6 }'
