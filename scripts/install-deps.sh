#!/bin/sh
# Installs what building, running and testing ifmib_exporter needs, and nothing that is present.
#   scripts/install-deps.sh          build and run dependencies
#   scripts/install-deps.sh --test   also the test tools (promtool, prometheus, iproute2, ...)
#
# Debian 12 (apt-get), as root. On FreeBSD the equivalent is:
#   pkg install -y cmake pkgconf prometheus-cpp spdlog nlohmann-json doctest yaml-cpp isa-l (amd64)
set -eu

build_pkgs="cmake make g++ pkg-config git prometheus-cpp-dev libspdlog-dev
  nlohmann-json3-dev doctest-dev libmnl-dev zlib1g-dev libisal-dev libyaml-cpp-dev libssl-dev libcrypt-dev"
test_pkgs="iproute2 prometheus curl python3 procps mandoc python3-yaml systemd openssl clang-14 libclang-rt-14-dev
  build-essential dpkg-dev debhelper lintian binutils libc++-14-dev libc++abi-14-dev"

want="$build_pkgs"
[ "${1:-}" = "--test" ] && want="$want $test_pkgs"

os=$(uname -s)
if [ "$os" = "FreeBSD" ]; then
  # Port origins: devel/cmake devel/pkgconf devel/prometheus-cpp devel/spdlog
  # devel/nlohmann-json devel/doctest devel/yaml-cpp devel/isa-l; net-mgmt/prometheus2
  # (package "prometheus") brings promtool for the tests.
  freebsd_pkgs="cmake pkgconf prometheus-cpp spdlog nlohmann-json doctest yaml-cpp"
  # devel/isa-l is built for amd64 only; elsewhere gzip uses zlib from the base system.
  [ "$(uname -m)" = amd64 ] && freebsd_pkgs="$freebsd_pkgs isa-l"
  [ "${1:-}" = "--test" ] && freebsd_pkgs="$freebsd_pkgs prometheus"
  # shellcheck disable=SC2086
  exec pkg install -y $freebsd_pkgs
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-deps: no apt-get here; install these yourself: $want" >&2
  exit 1
fi

missing=""
for p in $want; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: missing packages:$missing (run as root, or install them)" >&2
  exit 1
fi
echo "install-deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
# Installing a package with a daemon (prometheus) must not start it on this host.
policy=/usr/sbin/policy-rc.d
created_policy=""
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod +x "$policy" && created_policy=1
fi
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing
[ -n "$created_policy" ] && rm -f "$policy"
exit 0
