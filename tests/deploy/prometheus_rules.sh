#!/usr/bin/env bash
# deploy.prometheus_rules: the example config, the alerting and recording rules pass promtool's
# checks and unit tests, and every alert carries what its receiver needs.
#   prometheus_rules.sh
set -euo pipefail
. "$(dirname "$0")/lib.sh"
root=$(repo_root)
need_cmd promtool prometheus
py=$(python_with_yaml) || skip "python3 with yaml not found (Debian package python3-yaml)"

prom="$root/deploy/prometheus"
rules=("$prom/ifmib_exporter_alerts.yml" "$prom/ifmib_exporter_recording.yml")

echo "== promtool check config (also loads the rule files it names)"
promtool check config "$prom/prometheus.yml" || fail "promtool check config"
echo "== promtool check rules"
promtool check rules "${rules[@]}" || fail "promtool check rules"
echo "== promtool test rules"
promtool test rules "$root/tests/deploy/prometheus/ifmib_exporter_rules_test.yml" || fail "promtool test rules"

echo "== every alert: severity, summary, description, runbook; every alert and record under test"
"$py" - "$root/tests/deploy/prometheus/ifmib_exporter_rules_test.yml" "${rules[@]}" <<'PY'
import sys, yaml
test_file, rule_files = sys.argv[1], sys.argv[2:]
tests = yaml.safe_load(open(test_file))
fired = set()          # (alertname, severity) pairs some test expects to fire
queried = set()        # expressions of promql_expr_test
for t in tests["tests"]:
    for a in t.get("alert_rule_test", []):
        for e in a.get("exp_alerts") or []:
            fired.add((a["alertname"], e["exp_labels"].get("severity")))
    for q in t.get("promql_expr_test", []):
        queried.add(q["expr"])
errors = []
for f in rule_files:
    for g in yaml.safe_load(open(f))["groups"]:
        for r in g["rules"]:
            if "alert" in r:
                name, sev = r["alert"], r.get("labels", {}).get("severity")
                if sev not in ("warning", "critical"):
                    errors.append(f"{name}: severity must be warning or critical, is {sev!r}")
                for k in ("summary", "description", "runbook"):
                    if not r.get("annotations", {}).get(k):
                        errors.append(f"{name} ({sev}): missing annotation {k}")
                if (name, sev) not in fired:
                    errors.append(f"{name} ({sev}): no promtool test expects it to fire")
            else:
                if not any(r["record"] in q for q in queried):
                    print(f"note: recording rule {r['record']} has no promql_expr_test "
                          "(deploy.grafana_dashboard checks it returns series live)")
for e in errors:
    print("FAIL:", e)
sys.exit(1 if errors else 0)
PY
echo "PASS"
