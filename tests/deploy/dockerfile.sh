#!/usr/bin/env bash
# deploy.dockerfile: what can be checked of the Dockerfile without a container engine.
#   dockerfile.sh RELEASE_EXPORTER
#
# RELEASE_EXPORTER comes from a Release build (the one deploy.debian_package makes; CMakeLists.txt
# wires it as a fixture), as the Dockerfile's build stage builds it.
# - two stages: debian:12 (build) and debian:12-slim (runtime);
# - the build stage installs every -dev package scripts/install-deps.sh builds with (doctest-dev
#   aside: tests are off) and configures a Release build with -DIFMIB_BUILD_TESTS=OFF;
# - the runtime stage installs exactly the Debian packages that provide the shared libraries the
#   binary links (its NEEDED entries, mapped with dpkg -S): none missing, none extra;
# - it copies the binary to the ENTRYPOINT's path, runs as a numeric non-root user, EXPOSEs
#   10027 and documents --network host.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
exporter=${1:?usage: dockerfile.sh RELEASE_EXPORTER}
root=$(repo_root)
[ -x "$exporter" ] || skip "no Release build at $exporter (deploy.debian_package makes it; it needs root)"
need_cmd ldd libc-bin
need_cmd objdump binutils
need_cmd dpkg dpkg
dockerfile="$root/Dockerfile"
[ -f "$dockerfile" ] || fail "no Dockerfile at the repository root"
work=$(mktemp -d "${TMPDIR:-/tmp}/ifmib-deploy-docker.XXXXXX")
trap 'rm -rf "$work"' EXIT

# Instructions one per line: comments dropped, continuation lines joined.
sed -e '/^[[:space:]]*#/d' "$dockerfile" | sed -e ':a' -e '/\\$/N; s/\\\n//; ta' >"$work/instructions"
# Split into stages at each FROM.
awk -v dir="$work" '/^FROM /{n++} n{print > (dir "/stage" n)}' "$work/instructions"
if [ ! -f "$work/stage2" ] || [ -f "$work/stage3" ]; then fail "expected exactly two stages (FROM lines)"; fi
grep -qE '^FROM debian:12 AS build$' "$work/stage1" || fail "stage 1 must be 'FROM debian:12 AS build'"
grep -qE '^FROM debian:12-slim$' "$work/stage2" || fail "stage 2 must be 'FROM debian:12-slim'"
echo "ok    stages: debian:12 AS build, debian:12-slim"

# Packages named after `apt-get install` in a stage's RUN instructions.
apt_packages() {
  grep -E '^RUN ' "$1" | grep -oE 'apt-get install[^&;]*' | sed 's/^apt-get install//' |
    tr ' ' '\n' | grep -vE '^(-.*)?$' | sort -u
}
apt_packages "$work/stage1" >"$work/build_pkgs"
apt_packages "$work/stage2" >"$work/runtime_pkgs"

install_deps_dev_packages >"$work/deps_dev"
[ -s "$work/deps_dev" ] || fail "could not read build_pkgs from scripts/install-deps.sh"
missing=$(comm -23 "$work/deps_dev" "$work/build_pkgs")
[ -z "$missing" ] || fail "build stage lacks packages install-deps.sh builds with: $missing"
echo "ok    build stage installs $(wc -l <"$work/deps_dev") -dev packages of install-deps.sh"
grep -qE '^RUN cmake .*-DCMAKE_BUILD_TYPE=Release .*-DIFMIB_BUILD_TESTS=OFF' "$work/stage1" ||
  fail "build stage must configure with -DCMAKE_BUILD_TYPE=Release -DIFMIB_BUILD_TESTS=OFF"
echo "ok    build stage configures a Release build with -DIFMIB_BUILD_TESTS=OFF"

# Which package owns each library. With merged /usr, dpkg may know the file under /usr/lib/...
# or /lib/..., or only the versioned file the soname link points to. One dpkg -S call for every
# candidate path (it is slow to start).
needed_libraries "$exporter" >"$work/libs"
[ -s "$work/libs" ] || fail "no NEEDED entries in $exporter"
candidates() {
  local p=$1 real
  real=$(readlink -f "$p")
  printf '%s\n' "$p" "/usr$p" "${p#/usr}" "$real" "/usr$real" "${real#/usr}"
}
while read -r _ path; do candidates "$path"; done <"$work/libs" | sort -u >"$work/candidates"
xargs dpkg -S <"$work/candidates" 2>/dev/null | sed -n 's/^\([^:,]*\)[^ ]*: \(.*\)$/\2 \1/p' >"$work/owners" || true
: >"$work/needed"
while read -r lib path; do
  [ "$path" != "?" ] || fail "the loader does not find $lib"
  pkg=""
  while read -r c; do
    pkg=$(awk -v c="$c" '$1 == c {print $2; exit}' "$work/owners")
    [ -n "$pkg" ] && break
  done < <(candidates "$path")
  [ -n "$pkg" ] || fail "no Debian package owns $path ($lib)"
  [[ ! $pkg =~ ^lib(a|ub|t|l|hwa)san[0-9]+$ ]] || fail "$lib ($pkg) is a sanitizer runtime: not a Release build"
  echo "      $lib -> $path -> $pkg"
  echo "$pkg" >>"$work/needed"
done <"$work/libs"
sort -u -o "$work/needed" "$work/needed"
same_lines "$work/needed" "$work/runtime_pkgs" "runtime stage does not install" \
  "runtime stage installs packages the binary does not link"
echo "ok    runtime stage installs exactly the $(wc -l <"$work/needed") packages of the libraries the binary links"

grep -qE '^COPY --from=build [^ ]*/ifmib_exporter /usr/local/bin/ifmib_exporter$' "$work/stage2" ||
  fail "runtime stage must COPY --from=build the binary to /usr/local/bin/ifmib_exporter"
grep -qxF 'ENTRYPOINT ["/usr/local/bin/ifmib_exporter"]' "$work/stage2" || fail "ENTRYPOINT must run /usr/local/bin/ifmib_exporter"
user=$(sed -n 's/^USER //p' "$work/stage2" | tail -n1)
[[ $user =~ ^[0-9]+(:[0-9]+)?$ ]] || fail "USER must be numeric (runAsNonRoot checks it), is '$user'"
[ "${user%%:*}" -ne 0 ] || fail "USER must not be root"
grep -qxE 'EXPOSE 10027(/tcp)?' "$work/stage2" || fail "runtime stage must EXPOSE 10027"
grep -qF -- '--network host' "$dockerfile" || fail "the Dockerfile must document --network host"
echo "ok    COPY, ENTRYPOINT, USER $user, EXPOSE 10027, --network host documented"
echo "PASS"
