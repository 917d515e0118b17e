#!/usr/bin/env bash
# deploy.freebsd_port: the port skeleton deploy/freebsd/net-mgmt/ifmib_exporter agrees with the
# install rules, the project version, the manual page and what the exporter links.
#   freebsd_port.sh RELEASE_EXPORTER
#
# 1. pkg-plist lists exactly what cmake/install.cmake installs on FreeBSD: the same file is
#    included into a stand-in project (one executable target named ifmib_exporter, the file the
#    rules install) configured with CMAKE_SYSTEM_NAME=FreeBSD (so GNUInstallDirs and the OS branch
#    take FreeBSD's paths), the prefix /usr/local and the port Makefile's CMAKE_ON/CMAKE_OFF, and
#    installed into a DESTDIR. Manual pages count as .gz (the ports framework compresses them);
#    %%DATADIR%% is share/PORTNAME. The rc.d script is not in pkg-plist (USE_RC_SUBR adds it).
# 2. Without the port's IFMIB_INSTALL_RC_SCRIPT=OFF the same rules install etc/rc.d/ifmib_exporter
#    from files/ifmib_exporter.in with %%PREFIX%% filled in, and it parses as sh.
# 3. The rc.d script's rc.conf variables and their defaults are those ifmib_exporter(8) lists
#    under FILES, each is described in the script's header, and the listen address default is the
#    --web.listen-address default of the page. name, rcvar, PROVIDE and USE_RC_SUBR agree.
# 4. DISTVERSION is the project version of CMakeLists.txt.
# 5. LIB_DEPENDS names exactly the libraries a Release build links (RELEASE_EXPORTER's NEEDED
#    entries) that FreeBSD's base system does not provide, and the port links --as-needed as
#    Debian's gcc does (else FreeBSD's binary would also record prometheus-cpp and zlib).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
release=${1:?usage: freebsd_port.sh RELEASE_EXPORTER}
root=$(repo_root)
port="$root/deploy/freebsd/net-mgmt/ifmib_exporter"
rc_in="$port/files/ifmib_exporter.in"
page="$root/docs/ifmib_exporter.8"
need_cmd cmake cmake
need_cmd c++ g++
for f in Makefile pkg-descr pkg-plist files/ifmib_exporter.in; do
  [ -f "$port/$f" ] || fail "no $port/$f"
done
work=$(mktemp -d "${TMPDIR:-/tmp}/ifmib-deploy-port.XXXXXX")
trap 'rm -rf "$work"' EXIT

# make_var NAME: the values of NAME= and NAME+= in the port Makefile (on every branch of an
# .if: the amd64 one is what a Debian amd64 build compares with), continuation lines joined.
make_var() {
  sed -e ':a' -e '/\\$/N; s/\\\n//; ta' "$port/Makefile" | sed -n "s/^$1+\{0,1\}=[[:space:]]*//p" |
    sed 's/[[:space:]]*#.*//' | paste -sd ' ' | tr -s ' \t' ' ' | sed 's/^ //; s/ $//'
}
portname=$(make_var PORTNAME)
[ "$portname" = ifmib_exporter ] || fail "PORTNAME is '$portname'"

echo "== 1. pkg-plist against cmake/install.cmake with FreeBSD's paths"
cmake_args=()
for v in $(make_var CMAKE_ON); do cmake_args+=("-D$v:BOOL=ON"); done
for v in $(make_var CMAKE_OFF); do cmake_args+=("-D$v:BOOL=OFF"); done
[ -z "$(make_var CMAKE_ARGS)" ] || fail "CMAKE_ARGS is set: teach this test to pass it"
echo "      port's CMake settings: ${cmake_args[*]}"
mkdir -p "$work/standin"
echo 'int main() { return 0; }' >"$work/standin/main.cpp"
cat >"$work/standin/CMakeLists.txt" <<EOF
cmake_minimum_required(VERSION 3.22)
project(ifmib_exporter_port_plist LANGUAGES CXX)
add_executable(ifmib_exporter main.cpp)
include("$root/cmake/install.cmake")
EOF
# configure_install BUILD_DIR DESTDIR [CMAKE_ARGS...]
configure_install() {
  local build=$1 dest=$2
  shift 2
  cmake -S "$work/standin" -B "$build" -DCMAKE_SYSTEM_NAME=FreeBSD -DCMAKE_INSTALL_PREFIX=/usr/local \
    -DCMAKE_BUILD_TYPE=Release "$@" >"$build.log" 2>&1 || { cat "$build.log"; fail "configure the stand-in project"; }
  cmake --build "$build" >>"$build.log" 2>&1 || { cat "$build.log"; fail "build the stand-in project"; }
  DESTDIR="$dest" cmake --install "$build" >>"$build.log" 2>&1 || { cat "$build.log"; fail "cmake --install"; }
}
configure_install "$work/b1" "$work/stage" "${cmake_args[@]}"
grep -q '^CMAKE_SYSTEM_NAME:.*=FreeBSD$' "$work/b1/CMakeCache.txt" || grep -q 'CMAKE_SYSTEM_NAME "FreeBSD"' \
  "$work/b1/CMakeFiles/"*/CMakeSystem.cmake || fail "the stand-in project is not configured for FreeBSD"
[ -d "$work/stage/usr/local" ] || fail "nothing installed under /usr/local"
(cd "$work/stage/usr/local" && find . \( -type f -o -type l \) | sed 's#^\./##') |
  sed -E 's#^(share/man/man[0-9]/.*\.[0-9])$#\1.gz#' | sort >"$work/installed"
[ -z "$(cd "$work/stage" && find . \( -type f -o -type l \) ! -path './usr/local/*')" ] ||
  fail "files installed outside the prefix: $(cd "$work/stage" && find . -type f ! -path './usr/local/*')"
sed -e '/^@/d' -e '/^[[:space:]]*$/d' -e 's/^%%PORTDOCS%%//' -e 's/^%%PORTEXAMPLES%%//' \
  -e "s#%%DATADIR%%#share/$portname#" -e "s#%%DOCSDIR%%#share/doc/$portname#" \
  -e "s#%%EXAMPLESDIR%%#share/examples/$portname#" -e "s#%%ETCDIR%%#etc/$portname#" "$port/pkg-plist" |
  sort >"$work/plist"
! grep -n '%%' "$work/plist" || fail "pkg-plist uses a substitution this test does not know"
sed 's/^/      /' "$work/installed"
same_lines "$work/installed" "$work/plist" "installed but not in pkg-plist" "in pkg-plist but not installed"
echo "ok    pkg-plist lists exactly the $(wc -l <"$work/installed") files the install rules install"

echo "== 2. the same rules install the rc.d script when the port does not"
configure_install "$work/b2" "$work/stage2"
rc="$work/stage2/usr/local/etc/rc.d/ifmib_exporter"
[ -x "$rc" ] || fail "no executable /usr/local/etc/rc.d/ifmib_exporter without IFMIB_INSTALL_RC_SCRIPT=OFF"
! grep -n '%%' "$rc" || fail "the installed rc.d script has unfilled %%...%%"
grep -q '^ifmib_exporter_bin="/usr/local/bin/ifmib_exporter"$' "$rc" || fail "rc.d script does not run /usr/local/bin/ifmib_exporter"
[ -x "$work/stage2/usr/local/bin/ifmib_exporter" ] || fail "the binary is not where the rc.d script runs it"
sh -n "$rc" || fail "the rc.d script does not parse as sh"
echo "ok    /usr/local/etc/rc.d/ifmib_exporter runs /usr/local/bin/ifmib_exporter, parses as sh"

echo "== 3. the rc.d script's variables are the manual page's"
# ': ${ifmib_exporter_X:="default"}' lines -> "X default" (empty default as "")
sed -n 's/^: \${ifmib_exporter_\([a-z_]*\):=\(.*\)}$/\1 \2/p' "$rc_in" | sed 's/ "\(.*\)"$/ \1/; s/ $/ ""/' | sort >"$work/rc_vars"
[ -s "$work/rc_vars" ] || fail "no ': \${ifmib_exporter_X:=...}' defaults in $rc_in"
# The FILES entry of the rc.d script: ".It Va ifmib_exporter_X" then a line ending in
# "default" followed by ".Ql VALUE", or "default empty".
awk '
  /^\.It Pa .*rc\.d\/ifmib_exporter/ { inrc = 1; next }
  inrc && /^\.It Pa / { inrc = 0 }
  inrc && /^\.It Va ifmib_exporter_/ { var = substr($3, 16); next }
  inrc && var != "" && /default empty$/ { print var, "\"\""; var = ""; next }
  inrc && var != "" && /^\.Ql / { print var, $2; var = "" }
' "$page" | sort >"$work/man_vars"
[ -s "$work/man_vars" ] || fail "no rc.d variables under FILES in $page"
sed 's/^/      script: /' "$work/rc_vars"
diff "$work/man_vars" "$work/rc_vars" >"$work/vars.diff" ||
  { sed 's/^/      /' "$work/vars.diff"; fail "rc.d variables or defaults differ between the man page (<) and the script (>)"; }
echo "ok    $(wc -l <"$work/rc_vars") variables with the same defaults in the script and ifmib_exporter(8)"
while read -r var _; do
  grep -qE "^# ifmib_exporter_$var \(" "$rc_in" || fail "the script's header does not describe ifmib_exporter_$var"
done <"$work/rc_vars"
echo "ok    each is described in the script's header"
flag_default=$(awk '/^\.It Fl -web\.listen-address/ {f = 1} f && /^\.Ql / {print $2; exit}' "$page")
rc_listen=$(awk '$1 == "listen_address" {print $2}' "$work/rc_vars")
[ -n "$flag_default" ] && [ "$flag_default" = "$rc_listen" ] ||
  fail "listen address default: --web.listen-address '$flag_default', rc.d '$rc_listen'"
echo "ok    listen address default $rc_listen is --web.listen-address's"
grep -qx 'name=ifmib_exporter' "$rc_in" && grep -qx 'rcvar=ifmib_exporter_enable' "$rc_in" &&
  grep -qx '# PROVIDE: ifmib_exporter' "$rc_in" || fail "name, rcvar or PROVIDE of $rc_in is not ifmib_exporter"
[ "$(make_var USE_RC_SUBR)" = ifmib_exporter ] || fail "USE_RC_SUBR is not ifmib_exporter"
echo "ok    name, rcvar, PROVIDE and USE_RC_SUBR agree"

echo "== 4. DISTVERSION"
version=$(sed -n 's/^project(ifmib_exporter VERSION \([0-9.]*\) .*/\1/p' "$root/CMakeLists.txt")
[ -n "$version" ] && [ "$(make_var DISTVERSION)" = "$version" ] ||
  fail "DISTVERSION '$(make_var DISTVERSION)' is not the project version '$version'"
echo "ok    DISTVERSION $version"

echo "== 5. LIB_DEPENDS against what a Release build links"
[ -x "$release" ] || skip "no Release build at $release (deploy.debian_package makes it; it needs root)"
need_cmd objdump binutils
# In FreeBSD's base system: libc, libm, libthr, the C++ runtime (libc++ there), libgcc_s, libz,
# libcrypt; OpenSSL comes through USES=ssl. libmnl is Linux's netlink library (Linux reader only).
needed_libraries "$release" | awk '{print $1}' | sed -E 's/\.so(\..*)?$/.so/' |
  grep -vxE 'lib(c|m|pthread|dl|rt|stdc\+\+|gcc_s|z|crypt|ssl|crypto|mnl)\.so' | sort -u >"$work/linked"
make_var LIB_DEPENDS | tr ' ' '\n' | sed -n 's/^\(lib[^:]*\.so\):.*/\1/p' | sort -u >"$work/lib_depends"
grep -q ' ssl' <<<" $(make_var USES)" || fail "USES lacks ssl (the exporter links OpenSSL)"
# Debian's gcc links --as-needed; the port must too for the NEEDED entries to carry over.
grep -qE '^LDFLAGS\+=.*-Wl,--as-needed' "$port/Makefile" || fail "the port does not link with -Wl,--as-needed as Debian does"
same_lines "$work/linked" "$work/lib_depends" "linked but not in LIB_DEPENDS" \
  "in LIB_DEPENDS but not linked by a Release build"
echo "ok    LIB_DEPENDS: $(tr '\n' ' ' <"$work/lib_depends")"
echo "PASS"
