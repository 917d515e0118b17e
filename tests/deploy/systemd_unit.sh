#!/usr/bin/env bash
# deploy.systemd_unit: deploy/systemd/ifmib_exporter.service is hardened as documented, valid for
# systemd, and the exporter works under its restrictions.
#   systemd_unit.sh EXPORTER_BINARY
#
# 1. The hardening directives are present (and nothing that would blind the exporter).
# 2. Each ARGS line of the flags file ifmib_exporter.default (examples included) is accepted.
# 3. The exporter, run as an unprivileged user with no capabilities and no_new_privs (what
#    DynamicUser=, CapabilityBoundingSet= and NoNewPrivileges= give it), has every collector
#    succeed. Needs root to switch users; as non-root it runs as the invoking user.
# 4. `systemd-analyze verify` reports nothing and `systemd-analyze security --offline` rates the
#    exposure at most 2.0. Skipped with a message where systemd-analyze is not installed.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
exporter=${1:?usage: systemd_unit.sh EXPORTER_BINARY}
root=$(repo_root)
[ -x "$exporter" ] || fail "exporter binary not found: $exporter"
unit="$root/deploy/systemd/ifmib_exporter.service"
defaults="$root/deploy/systemd/ifmib_exporter.default"
work=$(mktemp -d "${TMPDIR:-/tmp}/ifmib-deploy-systemd.XXXXXX")
trap 'rm -rf "$work"' EXIT

echo "== 1. hardening directives"
# Values of KEY in [Service], one line per occurrence.
values() { sed -n '/^\[Service\]/,/^\[/{s/^'"$1"'=//p}' "$unit"; }
expect() {  # expect KEY VALUE: some occurrence of KEY has exactly VALUE
  values "$1" | grep -qxF -- "$2" || fail "$1=$2 missing from $unit (have: $(values "$1" | tr '\n' ' '))"
  echo "ok    $1=$2"
}
expect DynamicUser yes
expect NoNewPrivileges yes
expect ProtectSystem strict
expect ProtectHome yes
expect PrivateTmp yes
expect CapabilityBoundingSet ""
expect AmbientCapabilities ""
expect RestrictAddressFamilies "AF_UNIX AF_INET AF_INET6 AF_NETLINK"
expect EnvironmentFile "-/etc/default/ifmib_exporter"
[ "$(values RestrictAddressFamilies | wc -l)" -eq 1 ] || fail "RestrictAddressFamilies given more than once"
values ExecStart | grep -qE '^/[^ ]*/ifmib_exporter \$ARGS$' || fail "ExecStart must be <path>/ifmib_exporter \$ARGS"
echo "ok    ExecStart=$(values ExecStart)"
for bad in PrivateNetwork=yes ProcSubset=pid User=root; do
  ! grep -qx "$bad" "$unit" || fail "$bad would hide the host's interfaces or /proc/net, or run as root"
done
echo "ok    no PrivateNetwork=yes, ProcSubset=pid, User=root"

echo "== 2. the flags file's ARGS lines are accepted by the exporter"
n=0
while IFS= read -r line; do
  args=${line#\#}
  args=${args#ARGS=}
  args=${args#\"}
  args=${args%\"}
  n=$((n + 1))
  # shellcheck disable=SC2086  # ARGS is split on whitespace, as systemd splits $ARGS.
  timeout 20 "$exporter" $args --once >"$work/once.txt" 2>"$work/once.err" ||
    fail "exporter rejects ARGS from $defaults: '$args': $(cat "$work/once.err")"
  echo "ok    ARGS=\"$args\""
done < <(grep -E '^#?ARGS=' "$defaults")
[ "$n" -ge 2 ] || fail "expected ARGS= and example lines in $defaults, found $n"

echo "== 3. every collector succeeds without privileges"
if [ "$(id -u)" -eq 0 ]; then
  command -v setpriv >/dev/null 2>&1 || fail "setpriv not found (Debian package util-linux)"
  # The binary and its directories must be reachable by nobody; copy it somewhere that is.
  cp "$exporter" "$work/ifmib_exporter" && chmod 755 "$work" "$work/ifmib_exporter"
  run=(setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all --bounding-set=-all
    --no-new-privs "$work/ifmib_exporter")
else
  run=("$exporter")
fi
timeout 20 "${run[@]}" --once >"$work/once.txt" 2>"$work/once.err" ||
  fail "exporter failed without privileges: $(cat "$work/once.err")"
grep -E '^ifmib_scrape_collector_success' "$work/once.txt" | sed 's/^/      /'
grep -qE '^ifmib_scrape_collector_success\{[^}]*\} 1$' "$work/once.txt" || fail "no collector reported success"
! grep -qE '^ifmib_scrape_collector_success\{[^}]*\} 0$' "$work/once.txt" || fail "a collector failed without privileges"
echo "ok    every collector succeeded as $( [ "$(id -u)" -eq 0 ] && echo "uid 65534, no capabilities" || id -un)"

echo "== 4. systemd-analyze"
if ! command -v systemd-analyze >/dev/null 2>&1; then
  echo "systemd-analyze not found (Debian package systemd): skipping verify and security"
  echo "PASS"
  exit 0
fi
# verify checks that ExecStart's binary exists: point it at the one under test.
sed "s#^ExecStart=[^ ]*#ExecStart=$work/ifmib_exporter#" "$unit" >"$work/ifmib_exporter.service"
cp "$exporter" "$work/ifmib_exporter" 2>/dev/null || true
(cd "$work" && systemd-analyze verify --man=no ./ifmib_exporter.service) >"$work/verify.out" 2>&1 ||
  { cat "$work/verify.out"; fail "systemd-analyze verify"; }
# verify exits 0 on unknown or misspelt directives; any remark about our unit is a failure.
if grep -F "ifmib_exporter.service" "$work/verify.out"; then fail "systemd-analyze verify remarks on the unit"; fi
echo "ok    systemd-analyze verify: no remarks"
(cd "$work" && systemd-analyze security --offline=true --threshold=20 ./ifmib_exporter.service) \
  >"$work/security.out" 2>&1 || { cat "$work/security.out"; fail "exposure above 2.0"; }
echo "ok    $(grep -F 'Overall exposure' "$work/security.out")"
echo "PASS"
