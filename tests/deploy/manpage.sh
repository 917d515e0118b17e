#!/usr/bin/env bash
# deploy.manpage: docs/ifmib_exporter.8 is clean mdoc and agrees with the binary.
#   manpage.sh EXPORTER_BINARY
#
# - `mandoc -T lint` reports nothing, apart from "referenced manual not found" for pages this
#   host does not have (ifmib(4), ifmcstat(8) are FreeBSD's) and mandoc.db staleness notes;
# - it has the sections NAME, SYNOPSIS, DESCRIPTION, METRICS, FILES, EXAMPLES, SEE ALSO, and
#   SEE ALSO names ifmib(4) and ifmcstat(8);
# - the flags listed in DESCRIPTION are exactly those of `ifmib_exporter --help` (a --[no-]X
#   flag as both --X and --no-X), each with "=value" exactly when --help shows =VALUE, and the
#   SYNOPSIS shows each of them (the per-collector toggles as --collector.name);
# - METRICS names every metric `ifmib_exporter --once --collector.multicast.groups` serves
#   here, and no metric the collectors' tables (collector/*.cpp) do not define.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
exporter=${1:?usage: manpage.sh EXPORTER_BINARY}
root=$(repo_root)
[ -x "$exporter" ] || fail "exporter binary not found: $exporter"
need_cmd mandoc mandoc
need_cmd python3 python3
page="$root/docs/ifmib_exporter.8"
[ -f "$page" ] || fail "no man page at $page"
work=$(mktemp -d "${TMPDIR:-/tmp}/ifmib-deploy-man.XXXXXX")
trap 'rm -rf "$work"' EXIT

echo "== mandoc -T lint"
mandoc -T lint "$page" >"$work/lint" 2>&1 || true
grep -vE 'STYLE: referenced manual not found|outdated mandoc.db' "$work/lint" >"$work/lint.left" || true
if [ -s "$work/lint.left" ]; then cat "$work/lint.left"; fail "mandoc -T lint"; fi
echo "ok    clean ($(grep -c 'referenced manual not found' "$work/lint" || true) cross-reference(s) to pages not on this host)"
mandoc -T ascii "$page" >/dev/null || fail "mandoc cannot render the page"

"$exporter" --help >"$work/help" 2>&1 || fail "$exporter --help"
"$exporter" --once --collector.multicast.groups >"$work/once" 2>"$work/once.err" ||
  fail "$exporter --once: $(cat "$work/once.err")"
cat "$root"/collector/*.cpp "$root"/collector/*.h >"$work/sources"

python3 - "$page" "$work/help" "$work/once" "$work/sources" <<'PY'
import re, sys
page, help_file, once_file, sources_file = sys.argv[1:]
lines = open(page).read().splitlines()
errors = []
def check(ok, what):
    print(("ok    " if ok else "FAIL  ") + what)
    if not ok:
        errors.append(what)

# Sections.
sections, current = {}, None
for l in lines:
    if l.startswith(".Sh "):
        current = l[4:].strip().strip('"')
        sections[current] = []
    elif current:
        sections[current].append(l)
for s in ("NAME", "SYNOPSIS", "DESCRIPTION", "METRICS", "FILES", "EXAMPLES", "SEE ALSO"):
    check(s in sections, f"section {s}")
see_also = " ".join(sections.get("SEE ALSO", []))
for ref in ("ifmib 4", "ifmcstat 8"):
    check(f"Xr {ref}" in see_also, f"SEE ALSO has {ref.split()[0]}({ref.split()[1]})")

# Flags of --help: "  --name=VALUE", "  --[no-]name", "  --name".
help_flags = {}   # name -> (takes value, has no- form)
for l in open(help_file):
    m = re.match(r"^\s+--(\[no-\])?([A-Za-z0-9_.-]+)(=\S+)?", l)
    if m:
        help_flags[m.group(2)] = (bool(m.group(3)), bool(m.group(1)))
check(len(help_flags) >= 10, f"--help lists {len(help_flags)} flags")

def flag_names(line):
    return [f.replace("\\&", "") for f in re.findall(r"\bFl -(\S+)", line)]

# Flags the DESCRIPTION's list documents: ".It Fl -name [Ns = Ns Ar value] [, Fl -no-name]".
man_flags = {}    # name -> takes value
for l in sections.get("DESCRIPTION", []):
    if l.startswith(".It ") and " Fl " in " " + l[4:]:
        for name in flag_names(l):
            man_flags[name] = "Ns = Ns Ar" in l
want = {}
for name, (value, neg) in help_flags.items():
    want[name] = value
    if neg:
        want["no-" + name] = value
missing = sorted(set(want) - set(man_flags))
extra = sorted(set(man_flags) - set(want))
check(not missing, f"every --help flag is documented in DESCRIPTION (missing: {missing})")
check(not extra, f"DESCRIPTION documents no flag --help lacks (extra: {extra})")
for name in sorted(set(want) & set(man_flags)):
    if want[name] != man_flags[name]:
        check(False, f"--{name}: --help {'takes' if want[name] else 'takes no'} value, the man page disagrees")
check(all(want[n] == man_flags[n] for n in set(want) & set(man_flags)), "=value shown exactly for flags that take one")

# SYNOPSIS: every flag, the per-collector toggles as the generic --collector.name.
synopsis = set()
for l in sections.get("SYNOPSIS", []):
    synopsis.update(flag_names(l))
collector_toggles = {n for n, (v, neg) in help_flags.items()
                     if neg and re.fullmatch(r"collector\.[a-z0-9_]+", n)}
need = set(help_flags) - collector_toggles
missing = sorted(need - synopsis)
check(not missing, f"SYNOPSIS shows every flag (missing: {missing})")
if collector_toggles:
    check({"collector.", "no-collector."} <= synopsis, "SYNOPSIS shows --collector.name and --no-collector.name")

# METRICS.
man_metrics = set()
for l in sections.get("METRICS", []):
    if l.startswith(".It Va "):
        man_metrics.update(n.strip() for n in l[len(".It Va "):].split(" , "))
served = set(re.findall(r"^# TYPE ((?:ifmib|process)_[a-z0-9_]+) ", open(once_file).read(), re.M))
defined = set(re.findall(r'"((?:ifmib|process)_[a-z0-9_]+)"', open(sources_file).read()))
check(len(served) >= 20, f"--once served {len(served)} metric families")
missing = sorted(served - man_metrics)
check(not missing, f"METRICS names every metric served here (missing: {missing})")
stale = sorted(man_metrics - defined - served)
check(not stale, f"METRICS names no metric the collectors do not define (stale: {stale})")
undocumented = sorted(defined - man_metrics)
check(not undocumented, f"METRICS names every metric of the collectors' tables (missing: {undocumented})")
sys.exit(1 if errors else 0)
PY
echo "PASS"
