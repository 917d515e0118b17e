#!/usr/bin/env python3
"""Sends every query of a Grafana dashboard to Prometheus' HTTP API and checks the answers.

With --layout-only, checks the JSON alone (layout, variables, filters). Otherwise run by
grafana_dashboard.sh inside its network namespace, where the exporter and Prometheus are
running with traffic, a send-queue overflow on `a` and multicast joins on `c`. Checks:
  - the variable queries (label_values) return values; they feed the substitution below;
  - each panel target, with $instance/$device/$__rate_interval substituted the way Grafana does
    for a multi-value "All" selection, parses and returns at least one series with samples;
  - values that prove the panels show the scenario (drops on a, the pfifo maximum on c and no
    maximum on the tbf queue a, the joins on c, every collector succeeding);
  - every recording rule returns series, every rule evaluates without error, the warning
    IfmibSendQueueDrops is pending or firing for a, and no other alert is;
  - every ifmib_* metric named by a rule is exposed by the exporter.
Queries go through curl, as the test's brief asks; exit status 0 when every check passed.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import time
import urllib.parse

import yaml

RATE_INTERVAL = "1m"     # what $__rate_interval becomes (Grafana: max(4 x scrape interval, ...))
WAIT_SECONDS = 75        # for Prometheus to be ready and to hold enough samples
MIN_SAMPLES = 12         # scrapes of the exporter before the checks (1 s apart)

failures = []


def check(ok, what):
    print(("ok    " if ok else "FAIL  ") + what)
    if not ok:
        failures.append(what)
    return ok


def curl(url, params=None):
    if params:
        url += "?" + urllib.parse.urlencode(params, doseq=True)
    out = subprocess.run(["curl", "-sS", "--max-time", "10", url], capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(f"curl {url}: {out.stderr.strip()}")
    return out.stdout


def api(prom, path, params=None):
    body = json.loads(curl(prom + path, params))
    if body.get("status") != "success":
        raise RuntimeError(f"{path} {params}: {body.get('errorType')}: {body.get('error')}")
    return body["data"]


def instant(prom, expr):
    return api(prom, "/api/v1/query", {"query": expr})["result"]


def alive(pids):
    for p in pids:
        try:
            os.kill(p, 0)
        except ProcessLookupError:
            return p
    return None


def wait_ready(args, pids):
    """Prometheus ready, the target up, enough samples, and the flood's drops visible."""
    deadline = time.monotonic() + WAIT_SECONDS
    last = "nothing yet"
    while time.monotonic() < deadline:
        dead = alive(pids)
        if dead:
            raise RuntimeError(f"process {dead} (exporter, Prometheus or traffic) exited early")
        try:
            n = instant(args.prometheus, 'count_over_time(up{job="ifmib_exporter"}[1m])')
            up = instant(args.prometheus, 'up{job="ifmib_exporter"}')
            drops = instant(args.prometheus, 'rate(ifmib_send_queue_drops_total{device="a"}[1m])')
            samples = float(n[0]["value"][1]) if n else 0
            last = f"samples={samples} up={up and up[0]['value'][1]} drops={drops and drops[0]['value'][1]}"
            if (samples >= MIN_SAMPLES and up and up[0]["value"][1] == "1" and drops
                    and float(drops[0]["value"][1]) > 0):
                print(f"ready: {last}")
                return
        except (RuntimeError, ValueError, KeyError, IndexError) as e:
            last = str(e)
        time.sleep(1)
    raise RuntimeError(f"not ready after {WAIT_SECONDS}s: {last}")


def prom_regex_escape(value):
    # Grafana's Prometheus data source escapes regex metacharacters of variable values with a
    # backslash, itself escaped inside the PromQL string literal.
    return re.sub(r"([\\^$*+?.()|{}\[\]])", r"\\\\\1", value)


def format_multi(values):
    escaped = [prom_regex_escape(v) for v in values]
    return escaped[0] if len(escaped) == 1 else "(" + "|".join(escaped) + ")"


def substitute(expr, variables):
    expr = expr.replace("$__rate_interval", RATE_INTERVAL).replace("${__rate_interval}", RATE_INTERVAL)
    expr = expr.replace("$__interval", "1s").replace("${__interval}", "1s")
    for name, value in variables.items():
        expr = expr.replace("${" + name + "}", value)
        expr = re.sub(r"\$" + name + r"\b", lambda _m: value, expr)
    return expr


def label_values(prom, query, variables):
    """Grafana's label_values(metric{selector}, label) and label_values(label)."""
    m = re.fullmatch(r"\s*label_values\((.*),\s*(\w+)\s*\)\s*", query)
    if m:
        selector = substitute(m.group(1), variables)
        series = api(prom, "/api/v1/series", {"match[]": selector, "start": time.time() - 300})
        return sorted({s[m.group(2)] for s in series if m.group(2) in s})
    m = re.fullmatch(r"\s*label_values\(\s*(\w+)\s*\)\s*", query)
    if m:
        return sorted(api(prom, f"/api/v1/label/{m.group(1)}/values"))
    raise RuntimeError(f"unsupported variable query: {query}")


def walk_panels(panels):
    for p in panels:
        yield p
        yield from walk_panels(p.get("panels", []))


# (panel title, refId) -> [(required labels, predicate on the series' values, description)]
EXPECT = {
    ("Send-queue drop rate", "A"): [({"device": "a"}, lambda v: max(v) > 0, "drops on a above 0")],
    ("Transmit-queue drop rate", "A"): [
        ({"device": "e", "queue": "1"}, lambda v: max(v) > 0, "drops on TX queue 1 of e (XPS sends there)"),
        ({"device": "e", "queue": "0"}, lambda v: max(v) == 0, "no drops on the idle TX queue 0 of e")],
    ("Send-queue length against its maximum", "A"): [
        ({"device": "a"}, lambda v: max(v) > 0, "standing queue on a (tbf)")],
    ("Send-queue length against its maximum", "B"): [
        ({"device": "c"}, lambda v: v[-1] == 200, "maximum of c is the pfifo limit 200")],
    ("Throughput", "A"): [({"device": "d"}, lambda v: max(v) > 0, "d receives c's traffic")],
    ("Throughput", "B"): [({"device": "c"}, lambda v: max(v) > 0, "c transmits")],
    ("Multicast groups per family", "A"): [
        ({"device": "c", "family": "inet"}, lambda v: v[-1] >= 3, "c: 224.0.0.1, 239.1.1.1, 232.1.1.1"),
        ({"device": "c", "family": "inet6"}, lambda v: v[-1] >= 1, "c: ff15::1234 and others"),
        ({"device": "c", "family": "link"}, lambda v: v[-1] >= 1, "c: link-layer groups")],
    ("Multicast sources per family", "A"): [
        ({"device": "c", "family": "inet"}, lambda v: v[-1] >= 1, "c: source 10.78.0.9")],
    ("Collector success", "A"): [({}, lambda v: min(v) == 1, "every collector succeeds")],
    ("Operational status", "A"): [
        ({"device": "a"}, lambda v: min(v) == 1 and max(v) == 1, "veth a is up (ifOperStatus 1)"),
        ({"device": "lo"}, lambda v: v[-1] == 4, "lo is unknown (4), as `ip -j link` says")],
}
ABSENT = {
    # Absent is not zero: tbf's limit is in bytes, so a has no maximum in packets.
    ("Send-queue length against its maximum", "B"): [{"device": "a"}],
}


def check_panels(args, variables):
    dash = json.load(open(args.dashboard))
    now = time.time()
    seen = set()
    for panel in walk_panels(dash["panels"]):
        if panel.get("type") == "row":
            continue
        title = panel["title"]
        check(panel.get("datasource", {}).get("uid") == "${datasource}", f"[{title}] uses $datasource")
        check(bool(panel.get("targets")), f"[{title}] has queries")
        for t in panel.get("targets", []):
            key = (title, t["refId"])
            seen.add(key)
            expr = substitute(t["expr"], variables)
            if "$" in expr:
                check(False, f"[{title}/{t['refId']}] a variable is left after substitution: {expr}")
                continue
            try:
                result = api(args.prometheus, "/api/v1/query_range",
                             {"query": expr, "start": now - 30, "end": now, "step": 1})["result"]
            except RuntimeError as e:
                check(False, f"[{title}/{t['refId']}] {expr}: {e}")
                continue
            series = [(r["metric"], [float(v) for _, v in r["values"]]) for r in result if r["values"]]
            check(bool(series), f"[{title}/{t['refId']}] {len(series)} series: {expr}")
            for labels, pred, what in EXPECT.get(key, []):
                match = [v for m, v in series if all(m.get(k) == x for k, x in labels.items())]
                check(bool(match) and all(pred(v) for v in match), f"[{title}/{t['refId']}] {what}")
            for labels in ABSENT.get(key, []):
                match = [m for m, _ in series if all(m.get(k) == x for k, x in labels.items())]
                check(not match, f"[{title}/{t['refId']}] no series for {labels}")
    for key in list(EXPECT) + list(ABSENT):
        check(key in seen, f"expected panel query {key} exists in the dashboard")


KNOWN_VARIABLES = {"datasource", "instance", "device", "__rate_interval", "__interval"}


def check_layout(dash):
    """What Grafana needs to import the dashboard and lay it out, and our conventions."""
    check(bool(dash.get("uid")) and bool(dash.get("title")) and isinstance(dash.get("schemaVersion"), int),
          "dashboard has uid, title and schemaVersion")
    variables = {v["name"]: v for v in dash.get("templating", {}).get("list", [])}
    check(variables.get("datasource", {}).get("type") == "datasource"
          and variables["datasource"].get("query") == "prometheus", "variable $datasource selects a Prometheus data source")
    for name in ("instance", "device"):
        v = variables.get(name, {})
        check(v.get("type") == "query" and v.get("datasource", {}).get("uid") == "${datasource}"
              and v.get("multi") and v.get("includeAll"),
              f"variable ${name}: a multi-value query with All, on $datasource")
    panels = list(walk_panels(dash["panels"]))
    ids = [p["id"] for p in panels]
    check(len(ids) == len(set(ids)), "panel ids are unique")
    cells = {}
    for p in panels:
        g = p.get("gridPos", {})
        ok = all(isinstance(g.get(k), int) for k in "hwxy") and g["x"] >= 0 and g["x"] + g["w"] <= 24
        check(ok, f"[{p.get('title')}] gridPos inside the 24-column grid: {g}")
        if not ok:
            continue
        for x in range(g["x"], g["x"] + g["w"]):
            for y in range(g["y"], g["y"] + g["h"]):
                other = cells.setdefault((x, y), p["title"])
                if other != p["title"]:
                    check(False, f"[{p['title']}] overlaps [{other}] at x={x} y={y}")
                    break
    for p in panels:
        if p.get("type") == "row":
            continue
        refs = [t.get("refId") for t in p.get("targets", [])]
        check(bool(refs) and len(refs) == len(set(refs)), f"[{p['title']}] targets with unique refIds")
        for t in p.get("targets", []):
            expr = t.get("expr", "")
            used = set(re.findall(r"\$\{?(\w+)", expr))
            where = f"[{p['title']}/{t.get('refId')}]"
            check(bool(expr) and used <= KNOWN_VARIABLES, f"{where} uses only known variables: {sorted(used)}")
            check('instance=~"$instance"' in expr, f"{where} filters on $instance")
            if "ifmib_scrape_" not in expr:
                check('device=~"$device"' in expr, f"{where} filters on $device")


def check_rules(args):
    records, metric_names, count = [], set(), 0
    for f in args.rules:
        for g in yaml.safe_load(open(f))["groups"]:
            for r in g["rules"]:
                count += 1
                if "record" in r:
                    records.append(r["record"])
                metric_names |= set(re.findall(r"(?<![:\w])ifmib_[a-z0-9_]+(?![:\w])",
                                            re.sub(r'"[^"]*"', "", r["expr"])))
    for rec in records:
        check(bool(instant(args.prometheus, rec)), f"recording rule {rec} returns series")
    groups = api(args.prometheus, "/api/v1/rules")["groups"]
    loaded = [r for g in groups for r in g["rules"]]
    check(len(loaded) == count, f"Prometheus loaded {len(loaded)} of the {count} rules")
    for r in loaded:
        check(r.get("health") == "ok", f"rule {r['name']} evaluates: health={r.get('health')} {r.get('lastError', '')}")
    alerts = api(args.prometheus, "/api/v1/alerts")["alerts"]
    drops = [a for a in alerts if a["labels"].get("alertname") == "IfmibSendQueueDrops"
             and a["labels"].get("device") == "a" and a["labels"].get("severity") == "warning"]
    check(bool(drops) and drops[0]["state"] in ("pending", "firing"),
          f"IfmibSendQueueDrops (warning) is pending or firing for a: {[a['state'] for a in drops]}")
    others = sorted({(a["labels"]["alertname"], a["labels"].get("device", "")) for a in alerts
                     if a["labels"].get("alertname") != "IfmibSendQueueDrops"})
    check(not others, f"no other alert is pending or firing: {others}")
    exposed = set(re.findall(r"^(ifmib_[a-z0-9_]+)", curl(args.exporter + "/metrics"), re.M))
    for name in sorted(metric_names):
        check(name in exposed, f"metric {name} named by a rule is exposed by the exporter")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--prometheus")
    ap.add_argument("--exporter")
    ap.add_argument("--dashboard", required=True)
    ap.add_argument("--rules", action="append", default=[])
    ap.add_argument("--pids", default="")
    ap.add_argument("--layout-only", action="store_true", help="check the JSON alone, query nothing")
    args = ap.parse_args()
    pids = [int(p) for p in args.pids.split()]
    if args.layout_only:
        check_layout(json.load(open(args.dashboard)))
        print(f"{len(failures)} failure(s)")
        return 1 if failures else 0

    try:
        wait_ready(args, pids)
        dash = json.load(open(args.dashboard))
        variables = {}
        for var in dash["templating"]["list"]:
            if var["type"] != "query":
                continue
            q = var["query"]["query"] if isinstance(var["query"], dict) else var["query"]
            values = label_values(args.prometheus, q, variables)
            check(bool(values), f"variable ${var['name']}: {q} -> {values}")
            if values:
                variables[var["name"]] = format_multi(values)
        for want in ("instance", "device"):
            check(want in variables, f"dashboard has a ${want} variable with values")
        check(any(v["type"] == "datasource" and v.get("query") == "prometheus"
                  for v in dash["templating"]["list"]), "dashboard has a Prometheus $datasource variable")
        check_panels(args, variables)
        check_rules(args)
    except RuntimeError as e:
        check(False, str(e))
    print(f"{len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
