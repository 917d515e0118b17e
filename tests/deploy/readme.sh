#!/usr/bin/env bash
# deploy.readme: deploy/README.md, the guide from the repository to a dashboard and a paging
# alert, stays true: every repository path it names exists, every alert (name and severity) of
# the rule file is in its table, and every deploy.* test it names is registered with CTest.
#   readme.sh
set -euo pipefail
. "$(dirname "$0")/lib.sh"
root=$(repo_root)
py=$(python_with_yaml) || skip "python3 with yaml not found (Debian package python3-yaml)"
"$py" - "$root" <<'PY'
import os, re, sys, yaml
root = sys.argv[1]
readme = open(os.path.join(root, "deploy/README.md")).read()
errors = []
def check(ok, what):
    print(("ok    " if ok else "FAIL  ") + what)
    if not ok:
        errors.append(what)

paths = sorted({p for p in re.findall(r"`([^`\s]+)`", readme)
                if re.match(r"(deploy|docs|cmake|tests|debian)/", p) or p == "Dockerfile"})
check(len(paths) >= 10, f"README names {len(paths)} repository paths")
for p in paths:
    check(os.path.exists(os.path.join(root, p.rstrip("/"))), f"{p} exists")

rows = set(re.findall(r"^\| (Ifmib\w+) \| (\w+) \|", readme, re.M))
alerts = set()
for g in yaml.safe_load(open(os.path.join(root, "deploy/prometheus/ifmib_exporter_alerts.yml")))["groups"]:
    for r in g["rules"]:
        if "alert" in r:
            alerts.add((r["alert"], r["labels"]["severity"]))
check(alerts == rows, f"the alert table lists every alert and severity (missing: {sorted(alerts - rows)}, "
      f"stale: {sorted(rows - alerts)})")

registered = set(re.findall(r"^\s*ifmib_deploy_test\((\w+) ", open(os.path.join(root, "tests/deploy/CMakeLists.txt")).read(), re.M))
named = set(re.findall(r"`deploy\.(\w+)`", readme))
check(named <= registered, f"every test the README names is registered (unknown: {sorted(named - registered)})")
check(registered - {"readme"} <= named, f"the README names every deploy test (missing: {sorted(registered - {'readme'} - named)})")
sys.exit(1 if errors else 0)
PY
echo "PASS"
