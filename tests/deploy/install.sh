#!/usr/bin/env bash
# deploy.install: `cmake --install` puts the binary, the man page and the platform's service
# definition where they belong, with paths that match each other.
#   install.sh BUILD_DIR CONFIGURED_PREFIX SYSTEM_NAME
#
# Installs twice into temporary directories, never onto this system: with DESTDIR under the
# configured prefix, and with --prefix /usr (whose flags file belongs in /etc) under DESTDIR.
# Checks the files exist (binary, man page, rules and dashboard), the unit's
# ExecStart (the rc.d script's binary on FreeBSD) names the installed binary and its
# EnvironmentFile the installed flags file, and that a reinstall keeps an edited flags file.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
build=${1:?usage: install.sh BUILD_DIR CONFIGURED_PREFIX SYSTEM_NAME}
prefix=${2:?}
system=${3:?}
need_cmd cmake cmake
work=$(mktemp -d "${TMPDIR:-/tmp}/ifmib-deploy-install.XXXXXX")
trap 'rm -rf "$work"' EXIT

grep -q 'ifmib_exporter.8' "$build/cmake_install.cmake" 2>/dev/null ||
  fail "the build's install rules do not install the man page: is cmake/install.cmake include()d?"

# check_tree DESTDIR PREFIX SYSCONFDIR
check_tree() {
  local dest=$1 pfx=$2 etc=$3
  [ -x "$dest$pfx/bin/ifmib_exporter" ] || fail "no $pfx/bin/ifmib_exporter"
  [ -f "$dest$pfx/share/man/man8/ifmib_exporter.8" ] || fail "no $pfx/share/man/man8/ifmib_exporter.8"
  local f
  for f in ifmib_exporter_alerts.yml ifmib_exporter_recording.yml ifmib_exporter.json; do
    [ -f "$dest$pfx/share/ifmib_exporter/$f" ] || fail "no $pfx/share/ifmib_exporter/$f"
  done
  echo "ok    $pfx/bin/ifmib_exporter, $pfx/share/man/man8/ifmib_exporter.8, rules and dashboard in $pfx/share/ifmib_exporter"
  if [ "$system" = Linux ]; then
    local unit="$dest$pfx/lib/systemd/system/ifmib_exporter.service"
    [ -f "$unit" ] || fail "no $pfx/lib/systemd/system/ifmib_exporter.service"
    # Nothing under lib/ but the unit: the TLS shim civetweb needed is gone with civetweb.
    [ ! -e "$dest$pfx/lib/ifmib_exporter" ] || fail "$pfx/lib/ifmib_exporter exists"
    grep -qx "ExecStart=$pfx/bin/ifmib_exporter \$ARGS" "$unit" ||
      fail "unit's ExecStart is not $pfx/bin/ifmib_exporter: $(grep ^ExecStart= "$unit")"
    grep -qx "EnvironmentFile=-$etc/default/ifmib_exporter" "$unit" ||
      fail "unit's EnvironmentFile is not $etc/default/ifmib_exporter: $(grep ^EnvironmentFile= "$unit")"
    [ -f "$dest$etc/default/ifmib_exporter" ] || fail "no $etc/default/ifmib_exporter"
    grep -q '^ARGS=' "$dest$etc/default/ifmib_exporter" || fail "$etc/default/ifmib_exporter sets no ARGS"
    echo "ok    unit: ExecStart=$pfx/bin/ifmib_exporter \$ARGS, EnvironmentFile=-$etc/default/ifmib_exporter"
  elif [ "$system" = FreeBSD ]; then
    [ -x "$dest$pfx/etc/rc.d/ifmib_exporter" ] || fail "no executable $pfx/etc/rc.d/ifmib_exporter"
    grep -qx "ifmib_exporter_bin=\"$pfx/bin/ifmib_exporter\"" "$dest$pfx/etc/rc.d/ifmib_exporter" ||
      fail "the rc.d script does not run $pfx/bin/ifmib_exporter"
    echo "ok    $pfx/etc/rc.d/ifmib_exporter"
  fi
}

echo "== DESTDIR install under the configured prefix $prefix"
etc="$prefix/etc"
[ "$prefix" = /usr ] && etc=/etc
DESTDIR="$work/a" cmake --install "$build" >"$work/a.log" 2>&1 || { cat "$work/a.log"; fail "cmake --install"; }
check_tree "$work/a" "$prefix" "$etc"

echo "== DESTDIR install with --prefix /usr"
DESTDIR="$work/b" cmake --install "$build" --prefix /usr >"$work/b.log" 2>&1 || { cat "$work/b.log"; fail "cmake --install --prefix /usr"; }
check_tree "$work/b" /usr /etc

if [ "$system" = Linux ]; then
  echo "== a reinstall keeps an edited flags file"
  echo 'ARGS="--log.level=debug"' >"$work/b/etc/default/ifmib_exporter"
  DESTDIR="$work/b" cmake --install "$build" --prefix /usr >"$work/c.log" 2>&1 || { cat "$work/c.log"; fail "reinstall"; }
  grep -qx 'ARGS="--log.level=debug"' "$work/b/etc/default/ifmib_exporter" || fail "reinstall overwrote /etc/default/ifmib_exporter"
  echo "ok    /etc/default/ifmib_exporter kept"
fi
echo "PASS"
