# shellcheck shell=bash
# Helpers shared by the tests/deploy/*.sh scripts (sourced, not run).
#
# Exit codes follow CTest's SKIP_RETURN_CODE: 0 pass, 1 fail, 77 skipped. A test skips when a tool
# or privilege it needs is missing, except under CI=true, where a missing tool or privilege is a
# failure: CI installs everything `make test` needs and runs as root.

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

skip() {
  if [ "${CI:-}" = "true" ]; then
    echo "FAIL (CI=true, so this cannot be skipped): $*" >&2
    exit 1
  fi
  echo "SKIP: $*" >&2
  exit 77
}

# need_cmd COMMAND DEBIAN_PACKAGE
need_cmd() {
  command -v "$1" >/dev/null 2>&1 || skip "$1 not found (Debian package $2)"
}

need_root() {
  [ "$(id -u)" -eq 0 ] || skip "needs root to create network namespaces"
}

# A python3 that has Debian's python3-yaml: /usr/bin/python3 when it exists (a python3 earlier
# in PATH may be another installation without Debian's modules).
python_with_yaml() {
  local py
  for py in /usr/bin/python3 python3; do
    if command -v "$py" >/dev/null 2>&1 && "$py" -c 'import yaml' 2>/dev/null; then
      echo "$py"
      return 0
    fi
  done
  return 1
}

repo_root() {
  cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd
}
