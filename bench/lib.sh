# Shell helpers shared by the bench scripts (sourced, not run).

# Waits up to 30 s for `url` to answer inside network namespace `ns`; exits the script if not.
wait_ready() {  # ns url
  t=0
  until ip netns exec "$1" curl -sf -o /dev/null "$2"; do
    t=$((t + 1))
    [ "$t" -lt 300 ] || { echo "bench: $2 never answered" >&2; exit 1; }
    sleep 0.1
  done
}
