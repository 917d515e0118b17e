#!/bin/sh
# Compiles, with -Wall -Wextra -Werror, every translation unit that a FreeBSD build of this tree
# compiles (product, unit tests, fuzz targets), against FreeBSD's own headers. The file list is
# the build's own: CMakeLists.txt configured for CMAKE_SYSTEM_NAME=FreeBSD through
# cmake/freebsd-sysroot.cmake. Nothing is linked and nothing runs: see docs/freebsd.md.
#
#   scripts/freebsd-check.sh [build-dir]      (make freebsd-check)
#   FREEBSD_SYSROOT=/path/to/sysroot          default ../shared/freebsd-sysroot beside the checkout
#
# A missing sysroot, clang or libc++ is a failure under CI=true and a skip (exit 0 with a message)
# elsewhere.
set -eu
cd "$(dirname "$0")/.."
root=$(pwd)
build=${1:-build-freebsd}
sysroot=${FREEBSD_SYSROOT:-$root/../shared/freebsd-sysroot}
clang=${FREEBSD_CHECK_CXX:-clang++-14}
libcxx=${FREEBSD_CHECK_LIBCXX:-/usr/lib/llvm-14/include/c++/v1}
jobs=${JOBS:-$(nproc 2>/dev/null || echo 2)}

missing() {
  if [ "${CI:-}" = "true" ]; then
    echo "freebsd-check: FAIL: $1" >&2
    exit 1
  fi
  echo "freebsd-check: SKIPPED: $1 (under CI=true this is a failure)" >&2
  exit 0
}
[ -f "$sysroot/usr/include/sys/param.h" ] || missing "no FreeBSD sysroot at $sysroot (set FREEBSD_SYSROOT)"
command -v "$clang" >/dev/null 2>&1 || missing "no $clang (Debian: clang-14)"
[ -f "$libcxx/vector" ] || missing "no libc++ headers at $libcxx (Debian: libc++-14-dev)"
sysroot=$(cd "$sysroot" && pwd)

# The third-party headers are platform-neutral; they come from this host's /usr/include, but only
# through a folder that holds just them, so that no glibc or Linux header can leak in.
thirdparty="$root/$build/thirdparty-include"
rm -rf "$thirdparty"
mkdir -p "$thirdparty/openssl"
for h in spdlog fmt nlohmann prometheus yaml-cpp doctest isa-l isa-l.h zlib.h zconf.h; do
  [ -e "/usr/include/$h" ] || missing "no /usr/include/$h (run scripts/install-deps.sh --test)"
  ln -s "/usr/include/$h" "$thirdparty/$h"
done
for f in /usr/include/openssl/* /usr/include/*-linux-gnu/openssl/*; do
  [ -e "$f" ] && ln -sf "$f" "$thirdparty/openssl/$(basename "$f")"
done

cmake -S . -B "$build" -DCMAKE_TOOLCHAIN_FILE="$root/cmake/freebsd-sysroot.cmake" \
  -DIFMIB_CLANG="$clang" -DIFMIB_LIBCXX_INCLUDE="$libcxx" -DIFMIB_FREEBSD_SYSROOT="$sysroot" \
  -DIFMIB_THIRDPARTY_INCLUDE="$thirdparty" -DIFMIB_WERROR=ON -DIFMIB_FUZZ=ON -DIFMIB_BUILD_TESTS=ON \
  -DCMAKE_BUILD_TYPE=Debug >/dev/null
# -k: report every file that fails, not only the first.
cmake --build "$build" -j "$jobs" -- -k
# Per-OS code lives in OS folders (platform/linux, platform/freebsd/system), never in a file that
# CMake leaves out by name: every product source outside a linux/ folder must be one the FreeBSD
# configuration compiles. (cmd/poller_epoll.cpp once sat in cmd/ and was skipped here, while a
# build that follows the folders compiled it and failed.)
skipped=""
for f in $(cd "$root" && find base cmd collector platform server -name '*.cpp' -not -path '*/linux/*' | sort); do
  grep -q "\"file\": \"$root/$f\"" "$build/compile_commands.json" || skipped="$skipped $f"
done
if [ -n "$skipped" ]; then
  echo "freebsd-check: FAIL: outside any linux/ folder but not compiled for FreeBSD:$skipped" >&2
  exit 1
fi

# The translation units this configuration selects (not the objects lying in the build folder,
# which may include files an earlier configuration selected).
count=$(grep -c '"file":' "$build/compile_commands.json")
echo "freebsd-check: OK: $count translation units compiled for x86_64-unknown-freebsd13.0 against $sysroot"
