#!/usr/bin/env bash
# Runs every libFuzzer target of a build made with -DIFMIB_FUZZ=ON:
#   fuzz/run.sh <build-dir> <seconds-per-target>   explore: random, for a set time (make fuzz)
#   fuzz/run.sh <build-dir> runs=<N>               reproduce: N inputs from seed 1 (make test),
#                                                  the same inputs on every run of a fresh build
# Each target first replays its seed corpus (from the unit fixtures), the inputs it found in
# earlier runs (<build-dir>/fuzz/corpus/<target>) and the checked-in regressions
# (fuzz/regressions/<target>), then fuzzes for the given time or number of inputs. Prints the exec count per
# target; exits non-zero when any target finds a crash, a leak or a sanitizer report (the
# input is saved under <build-dir>/fuzz/artifacts/).
set -euo pipefail
build=${1:?usage: fuzz/run.sh <build-dir> <seconds-per-target>|runs=<N>}
budget=${2:?usage: fuzz/run.sh <build-dir> <seconds-per-target>|runs=<N>}
case "$budget" in
  runs=*) limit=(-runs="${budget#runs=}" -seed=1) corpora=corpus-replay ;;  # emptied per run below
  *) limit=(-max_total_time="$budget") corpora=corpus ;;                    # kept: later runs start here
esac
here=$(cd "$(dirname "$0")" && pwd)
dir=$(cd "$build/fuzz" && pwd)

"$dir/fuzz_make_seeds" >/dev/null
mkdir -p "$dir/artifacts" "$dir/logs"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

failed=0
printf '%-28s %12s %10s %s\n' target execs exec/s result
while read -r target; do
  [ -n "$target" ] || continue
  corpus="$dir/$corpora/$target"
  [ "$corpora" = corpus ] || rm -rf "$corpus"
  mkdir -p "$corpus"
  dirs=("$corpus" "$dir/seeds/$target")
  [ -d "$here/regressions/$target" ] && dirs+=("$here/regressions/$target")
  log="$dir/logs/$target.log"
  status=0
  "$dir/$target" "${limit[@]}" -max_len=16384 -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$dir/artifacts/$target-" "${dirs[@]}" >"$log" 2>&1 || status=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  if [ "$status" -eq 0 ]; then
    result=ok
  else
    result="FAILED (exit $status, see $log)"
    failed=1
  fi
  printf '%-28s %12s %10s %s\n' "$target" "${execs:-?}" "${rate:-?}" "$result"
  # The report and its first stack frames (not libFuzzer's "#123 NEW" progress lines).
  [ "$status" -eq 0 ] || grep -m 30 -E 'ERROR|runtime error|SUMMARY|^ +#[0-9]+ 0x|Test unit written|^Base64' "$log" >&2 || true
done <"$dir/targets.txt"
exit "$failed"
