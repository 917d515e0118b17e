#!/bin/sh
# Idle memory of two builds: both started together in a fresh, empty network namespace, never
# scraped, read 3 s later; ROUNDS rounds. Prints VmRSS, RssAnon and RssFile (KiB) per build and
# round. Started together because file-backed RSS depends on what the page cache holds (the
# kernel maps cached neighbours of each faulted page): two runs minutes apart differ by more than
# two builds do.
#
#   bench/idle_rss.sh BEFORE_BINARY AFTER_BINARY [ROUNDS]    (root; ROUNDS 5)
set -eu
before=${1:?usage: bench/idle_rss.sh BEFORE_BINARY AFTER_BINARY [ROUNDS]}
after=${2:?usage: bench/idle_rss.sh BEFORE_BINARY AFTER_BINARY [ROUNDS]}
rounds=${3:-5}
[ "$(id -u)" = 0 ] || { echo "idle_rss: needs root for a network namespace" >&2; exit 1; }
ns="ifmib-idle-$$"
a= b=
cleanup() {
  for p in $a $b; do kill "$p" 2>/dev/null || true; done
  for p in $a $b; do wait "$p" 2>/dev/null || true; done
  ip netns del "$ns" 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM
ip netns add "$ns"
ip -n "$ns" link set lo up
memory() {  # pid
  awk '/^(VmRSS|RssAnon|RssFile):/ { printf " %s %s", $1, $2 }' "/proc/$1/status"
}
echo "build round VmRSS RssAnon RssFile (KiB)"
r=1
while [ "$r" -le "$rounds" ]; do
  ip netns exec "$ns" "$before" --web.listen-address=127.0.0.1:19150 --log.level=warn &
  a=$!
  ip netns exec "$ns" "$after" --web.listen-address=127.0.0.1:19151 --log.level=warn &
  b=$!
  sleep 3
  echo "before $r$(memory "$a")"
  echo "after $r$(memory "$b")"
  kill "$a" "$b"
  wait "$a" "$b" 2>/dev/null || true
  a= b=
  r=$((r + 1))
done
