#!/usr/bin/env bash
# deploy.debian_package: debian/ builds a package that lintian accepts, that installs, runs and
# purges cleanly. Needs root (apt-get, network namespaces).
#   debian_package.sh OUT_DIR
#
# 1. debian/changelog's version is the project version; debian/control's Build-Depends names the
#    -dev packages scripts/install-deps.sh builds with (doctest-dev aside), no more, no fewer.
# 2. `dpkg-buildpackage -us -uc -b` in a copy of the source tree (git's files: tracked and new,
#    not ignored), then `lintian` on the .changes: no error, no warning (overrides are listed).
#    The build's binary goes to OUT_DIR/release/ for deploy.dockerfile and
#    deploy.freebsd_port (a Release build; the test's one build).
# 3. `apt-get install ./<deb>` (policy-rc.d keeps the service from starting on this host): every
#    path of `dpkg -L` exists, the files Debian's exporters have are there, /etc/default/<pkg> is a
#    conffile, the man page names <pkg> and its flags file, and the file system gained nothing but dpkg -L's paths and what the maintainer
#    scripts make (the unit's enablement symlink and deb-systemd-helper state).
# 4. In a network namespace: the unit's ExecStart with the flags file's ARGS, as uid 65534 with no
#    capabilities; the scrape's ifindex of a veth matches `ip -j link`, every collector
#    succeeds, build_info carries the version. Then with TLS (a web config): HTTPS answers.
# 5. `systemd-analyze verify` on the installed unit: no remarks.
# 6. `apt-get purge`: no package record, and the file system (/etc, /usr, /var less caches, logs
#    and apt/dpkg state) is exactly as before the install.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
out=${1:?usage: debian_package.sh OUT_DIR}
root=$(repo_root)
pkg=prometheus-ifmib-exporter
[ "$(id -u)" -eq 0 ] || skip "needs root: apt-get install/purge and network namespaces"
need_cmd dpkg-buildpackage dpkg-dev
need_cmd dh debhelper
need_cmd lintian lintian
need_cmd ip iproute2
need_cmd curl curl
need_cmd setpriv util-linux
need_cmd openssl openssl
need_cmd systemd-analyze systemd
need_cmd git git
if dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q ' installed$'; then
  fail "$pkg is installed on this host already; this test installs and purges it: apt-get purge $pkg first"
fi

rm -rf "$out"
mkdir -p "$out/src" "$out/release"
work=$(mktemp -d "${TMPDIR:-/tmp}/ifmib-deploy-deb.XXXXXX")
chmod 755 "$work"
ns="ifmib-deb-$$"
pids=()
installed=""
created_policy=""
cleanup() {
  local p
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  ip netns del "$ns" 2>/dev/null || true
  if [ -n "$installed" ]; then apt-get purge -y -qq "$pkg" >/dev/null 2>&1 || true; fi
  if [ -n "$created_policy" ]; then rm -f /usr/sbin/policy-rc.d; fi
  rm -rf "$work"
}
trap cleanup EXIT

echo "== 1. version and Build-Depends"
version=$(sed -n 's/^project(ifmib_exporter VERSION \([0-9.]*\) .*/\1/p' "$root/CMakeLists.txt")
deb_version=$(cd "$root" && dpkg-parsechangelog -S Version)
[ -n "$version" ] && [ "$deb_version" = "$version" ] || fail "debian/changelog has $deb_version, CMakeLists.txt $version"
echo "ok    version $version"
sed -n '/^Build-Depends:/,/^[A-Z]/p' "$root/debian/control" | sed '$d' | sed 's/^Build-Depends://' | tr ',' '\n' |
  sed 's/(.*)//; s/\[.*\]//; s/[[:space:]]//g' | grep -E -- '-dev$' | sort -u >"$work/build_depends"
install_deps_dev_packages >"$work/deps_dev"
diff "$work/deps_dev" "$work/build_depends" >"$work/bd.diff" ||
  { sed 's/^/      /' "$work/bd.diff"; fail "-dev packages differ: install-deps.sh (<), debian/control Build-Depends (>)"; }
echo "ok    Build-Depends has the $(wc -l <"$work/deps_dev") -dev packages of install-deps.sh"

echo "== 2. dpkg-buildpackage -us -uc -b, lintian"
(cd "$root" && git ls-files -z --cached --others --exclude-standard) |
  (cd "$root" && tar --null --ignore-failed-read -T - -cf - 2>/dev/null) | tar -xf - -C "$out/src"
[ -x "$out/src/debian/rules" ] || fail "the copy of the source tree has no executable debian/rules"
start=$(date +%s)
(cd "$out/src" && dpkg-buildpackage -us -uc -b -j"${JOBS:-2}") >"$out/build.log" 2>&1 ||
  { tail -n 40 "$out/build.log"; fail "dpkg-buildpackage (log: $out/build.log)"; }
echo "ok    built in $(($(date +%s) - start)) s"
deb=$(ls "$out"/${pkg}_"${version}"_*.deb)
changes=$(ls "$out"/${pkg}_"${version}"_*.changes)
cp "$out"/src/obj-*/"$pkg" "$out/release/ifmib_exporter"
dpkg-deb -c "$deb" | awk '{print $1, $6, $7, $8}' | sed 's/^/      /'
lintian --fail-on error,warning --show-overrides "$changes" >"$work/lintian" 2>&1 ||
  { cat "$work/lintian"; fail "lintian reports errors or warnings"; }
sed 's/^/      /' "$work/lintian"
! grep -E '^[EW]: ' "$work/lintian" || fail "lintian printed errors or warnings"
echo "ok    lintian: no error, no warning"

echo "== 3. apt-get install ./$(basename "$deb")"
# snapshot FILE: every path under the roots a package can touch, less caches, logs and package
# manager state that changes with any install (its file lists under /var/lib/dpkg/info stay in).
snapshot() {
  find /etc /usr /opt /srv /var -xdev \
    \( -path /var/cache -o -path /var/log -o -path /var/tmp -o -path /var/lib/apt -o -path /var/backups \
       -o -path /var/mail -o -path /var/spool \) -prune -o -print 2>/dev/null |
    grep -vE '^/var/lib/dpkg/[^/]+$' | grep -vE '^/var/lib/dpkg/(updates|triggers|alternatives)/' | sort
}
snapshot >"$work/before"
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && created_policy=1
fi
installed=1
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$deb" >"$work/install.log" 2>&1 ||
  { cat "$work/install.log"; fail "apt-get install $deb"; }
if [ -n "$created_policy" ]; then rm -f /usr/sbin/policy-rc.d; created_policy=""; fi
dpkg -L "$pkg" | sort -u >"$work/dpkg_L"
while read -r p; do [ -e "$p" ] || fail "dpkg -L lists $p, which does not exist"; done <"$work/dpkg_L"
for p in /usr/bin/$pkg /lib/systemd/system/$pkg.service /etc/default/$pkg /usr/share/man/man8/$pkg.8.gz \
  /usr/share/$pkg/ifmib_exporter_alerts.yml \
  /usr/share/$pkg/ifmib_exporter_recording.yml /usr/share/$pkg/ifmib_exporter.json \
  /usr/share/doc/$pkg/copyright; do
  grep -qxF "$p" "$work/dpkg_L" || fail "the package lacks $p"
done
echo "ok    $(wc -l <"$work/dpkg_L") paths of dpkg -L exist, among them /usr/bin/$pkg, its unit, flags file, man page, rules, dashboard"
dpkg-query -W -f='${Conffiles}\n' "$pkg" | grep -q "^ /etc/default/$pkg " || fail "/etc/default/$pkg is not a conffile"
zcat "/usr/share/man/man8/$pkg.8.gz" >"$work/page.8"
grep -qx ".Nm $pkg" "$work/page.8" && grep -qx ".It Pa /etc/default/$pkg" "$work/page.8" ||
  fail "the man page does not name $pkg and /etc/default/$pkg"
echo "ok    the man page names $pkg and /etc/default/$pkg"
echo "ok    /etc/default/$pkg is a conffile"
snapshot >"$work/after_install"
# dpkg -L's paths as the file system has them (/lib is /usr/lib with merged /usr).
while read -r p; do readlink -f "$p"; echo "$p"; done <"$work/dpkg_L" | sort -u >"$work/dpkg_L_real"
comm -13 "$work/before" "$work/after_install" | comm -23 - "$work/dpkg_L_real" |
  grep -vE "^/var/lib/dpkg/info/$pkg\.|^/etc/systemd/system/multi-user\.target\.wants(/$pkg\.service)?$|^/var/lib/systemd/deb-systemd-helper-enabled(/|$)" \
    >"$work/unexpected" || true
[ ! -s "$work/unexpected" ] || { sed 's/^/      /' "$work/unexpected"; fail "the install made paths dpkg -L does not list"; }
echo "ok    the install added only dpkg -L's paths, its dpkg records and the unit's enablement"

echo "== 4. the installed exporter, run as the unit runs it, in a network namespace"
unit=/lib/systemd/system/$pkg.service
exec_start=$(sed -n 's/^ExecStart=//p' "$unit")
[ "$exec_start" = "/usr/bin/$pkg \$ARGS" ] || fail "ExecStart is '$exec_start'"
grep -qx "EnvironmentFile=-/etc/default/$pkg" "$unit" || fail "the unit does not read /etc/default/$pkg"
grep -qx "Documentation=man:$pkg(8)" "$unit" || fail "the unit's Documentation is not man:$pkg(8)"
ARGS=$(sh -c ". /etc/default/$pkg; printf '%s' \"\$ARGS\"")
echo "ok    ExecStart=$exec_start, ARGS=\"$ARGS\" from /etc/default/$pkg"
ip netns add "$ns"
ip -n "$ns" link set lo up
ip -n "$ns" link add deb0 type veth peer name deb1
ip -n "$ns" link set deb0 up
ifindex=$(ip -n "$ns" -j link show deb0 | sed -n 's/.*"ifindex":\([0-9]*\).*/\1/p')
unpriv=(setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all --bounding-set=-all --no-new-privs)
# run_exporter LOG ARGS...: starts it in the namespace; its PID in $started.
run_exporter() {
  local log=$1
  shift
  ip netns exec "$ns" "${unpriv[@]}" "/usr/bin/$pkg" "$@" >"$log" 2>&1 &
  started=$!
  pids+=("$started")
}
# scrape URL OUT: retries for up to 10 s while the exporter starts.
scrape() {
  local i
  for i in $(seq 1 50); do
    ip netns exec "$ns" curl -skf --max-time 5 "$1" >"$2" 2>/dev/null && return 0
    sleep 0.2
  done
  return 1
}
# shellcheck disable=SC2086  # ARGS is split on whitespace, as systemd splits $ARGS.
run_exporter "$work/plain.log" $ARGS
scrape http://127.0.0.1:10027/metrics "$work/metrics" || { cat "$work/plain.log"; fail "no answer on :10027"; }
grep -qE "^ifmib_info\{device=\"deb0\",ifindex=\"$ifindex\"" "$work/metrics" ||
  fail "no ifmib_info for deb0 with ifindex $ifindex (ip -j link): $(grep '^ifmib_info' "$work/metrics")"
grep -qx 'ifmib_admin_up{device="deb0"} 1' "$work/metrics" || fail "ifmib_admin_up{device=\"deb0\"} is not 1"
grep -q "^ifmib_exporter_build_info{version=\"$version\"" "$work/metrics" || fail "build_info lacks version $version"
grep -qE '^ifmib_scrape_collector_success\{[^}]*\} 1$' "$work/metrics" || fail "no collector succeeded"
! grep -E '^ifmib_scrape_collector_success\{[^}]*\} 0$' "$work/metrics" || fail "a collector failed"
echo "ok    :10027 served deb0 (ifindex $ifindex as ip -j link says), every collector succeeded, version $version"
kill "$started" && wait "$started" 2>/dev/null || true

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=localhost \
  -keyout "$work/key.pem" -out "$work/cert.pem" >/dev/null 2>&1 || fail "openssl req"
chmod 644 "$work/key.pem" "$work/cert.pem"
printf 'tls_server_config:\n  cert_file: %s\n  key_file: %s\n' "$work/cert.pem" "$work/key.pem" >"$work/web.yml"
# shellcheck disable=SC2086
run_exporter "$work/tls.log" $ARGS --web.listen-address=127.0.0.1:10443 --web.config.file="$work/web.yml"
scrape https://127.0.0.1:10443/metrics "$work/tls_metrics" || { cat "$work/tls.log"; fail "no HTTPS answer"; }
grep -q '^ifmib_admin_up{device="deb0"} 1$' "$work/tls_metrics" || fail "the HTTPS scrape lacks deb0"
echo "ok    HTTPS with a web config"
kill "$started" && wait "$started" 2>/dev/null || true

echo "== 5. systemd-analyze verify $unit"
systemd-analyze verify --man=no "$unit" >"$work/verify" 2>&1 || { cat "$work/verify"; fail "systemd-analyze verify"; }
if grep -F "$pkg.service" "$work/verify"; then fail "systemd-analyze verify remarks on the unit"; fi
echo "ok    no remarks"

echo "== 6. apt-get purge $pkg"
DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq "$pkg" >"$work/purge.log" 2>&1 || { cat "$work/purge.log"; fail "apt-get purge"; }
installed=""
! dpkg-query -W "$pkg" >/dev/null 2>&1 || fail "dpkg still has a record of $pkg: $(dpkg-query -W -f='${Status}' "$pkg")"
snapshot >"$work/after_purge"
same_lines "$work/before" "$work/after_purge" "gone after purge that existed before the install" \
  "left behind after purge"
echo "ok    purge left the file system as before the install ($(wc -l <"$work/before") paths compared)"
echo "PASS"
