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

# needed_libraries ELF...: "soname path" for each shared library the files link directly (their
# NEEDED entries, not ldd's transitive closure), the path as this host's loader resolves it.
needed_libraries() {
  local f soname path
  for f in "$@"; do
    objdump -p "$f" | awk '$1 == "NEEDED" {print $2}' | while read -r soname; do
      path=$(ldd "$f" | awk -v s="$soname" '$1 == s && $2 == "=>" {print $3; exit}')
      [ -n "$path" ] || path=$(ldd "$f" | awk -v s="$soname" '$1 ~ "/" s "$" {print $1; exit}')
      echo "$soname ${path:-?}"
    done
  done | sort -u
}

# install_deps_dev_packages: the -dev packages of scripts/install-deps.sh's build list, doctest-dev
# aside (only the tests use it), one a line, sorted.
install_deps_dev_packages() {
  sed -n '/^build_pkgs="/,/"/p' "$(repo_root)/scripts/install-deps.sh" | tr -d '"' | sed 's/build_pkgs=//' |
    tr ' ' '\n' | grep -E -- '-dev$' | grep -vx doctest-dev | sort -u
}

# same_lines SORTED_A SORTED_B ONLY_IN_A_MESSAGE ONLY_IN_B_MESSAGE: fails, naming the lines, unless
# the two sorted files hold the same lines.
same_lines() {
  local only_a only_b
  only_a=$(comm -23 "$1" "$2")
  only_b=$(comm -13 "$1" "$2")
  [ -z "$only_a" ] || fail "$3: $(echo "$only_a" | tr '\n' ' ')"
  [ -z "$only_b" ] || fail "$4: $(echo "$only_b" | tr '\n' ' ')"
}
