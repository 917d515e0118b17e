#!/usr/bin/env bash
# deploy.kubernetes: the manifests under deploy/kubernetes/ parse, hang together, and ask the
# exporter for what it serves.
#   kubernetes.sh EXPORTER_BINARY
#
# - every file parses as YAML (python3-yaml) into objects with apiVersion, kind, name, namespace;
# - DaemonSet: host network, non-root (a numeric user, the Dockerfile's), read-only root
#   filesystem, no privilege escalation, all capabilities dropped, port 10027, liveness probe
#   on /-/healthy at that port; its selector matches its pod labels;
# - Service selects the DaemonSet's pods and targets the metrics port; the ServiceMonitor
#   selects the Service, in its namespace, on a port the Service has, with job="ifmib_exporter"
#   (the alert rules' job);
# - the exporter accepts the container's args (--once), and, as root, serves 200 on the probe
#   path when started with them in a network namespace made for this run.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
exporter=${1:?usage: kubernetes.sh EXPORTER_BINARY}
root=$(repo_root)
[ -x "$exporter" ] || fail "exporter binary not found: $exporter"
py=$(python_with_yaml) || skip "python3 with yaml not found (Debian package python3-yaml)"
work=$(mktemp -d "${TMPDIR:-/tmp}/ifmib-deploy-k8s.XXXXXX")
ns=""
pid=""
cleanup() {
  local rc=$?
  [ -n "$pid" ] && { kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; }
  [ -n "$ns" ] && ip netns del "$ns" 2>/dev/null || true
  rm -rf "$work"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

docker_user=$(sed -n 's/^USER \([0-9]*\).*/\1/p' "$root/Dockerfile" | tail -n1)
"$py" - "$root/deploy/kubernetes" "$work" "${docker_user:-}" <<'PY'
import glob, os, sys, yaml
kdir, work, docker_user = sys.argv[1], sys.argv[2], sys.argv[3]
errors = []
def check(ok, what):
    print(("ok    " if ok else "FAIL  ") + what)
    if not ok:
        errors.append(what)

objs = {}
files = sorted(glob.glob(os.path.join(kdir, "*.yaml")) + glob.glob(os.path.join(kdir, "*.yml")))
check(bool(files), f"manifests found in {kdir}")
for f in files:
    try:
        docs = [d for d in yaml.safe_load_all(open(f)) if d is not None]
    except yaml.YAMLError as e:
        check(False, f"{os.path.basename(f)} parses: {e}")
        continue
    check(bool(docs), f"{os.path.basename(f)} parses: {len(docs)} object(s)")
    for d in docs:
        md = d.get("metadata", {})
        check(all(d.get(k) for k in ("apiVersion", "kind")) and md.get("name") and md.get("namespace"),
              f"{os.path.basename(f)}: {d.get('kind')} {md.get('name')} has apiVersion, kind, name, namespace")
        objs[d.get("kind")] = d

ds, svc, sm = objs.get("DaemonSet"), objs.get("Service"), objs.get("ServiceMonitor")
check(ds is not None and ds["apiVersion"] == "apps/v1", "a DaemonSet (apps/v1)")
check(svc is not None and svc["apiVersion"] == "v1", "a Service (v1)")
check(sm is not None and sm["apiVersion"] == "monitoring.coreos.com/v1", "a ServiceMonitor (monitoring.coreos.com/v1)")
if errors:
    sys.exit(1)

def matches(selector, labels):
    return bool(selector) and all(labels.get(k) == v for k, v in selector.items())

pod = ds["spec"]["template"]
spec = pod["spec"]
pod_labels = pod["metadata"]["labels"]
check(matches(ds["spec"]["selector"]["matchLabels"], pod_labels), "DaemonSet selector matches its pod labels")
check(spec.get("hostNetwork") is True, "hostNetwork: true")
check(spec.get("dnsPolicy") == "ClusterFirstWithHostNet", "dnsPolicy ClusterFirstWithHostNet (host network)")
check(len(spec["containers"]) == 1, "one container")
c = spec["containers"][0]
psc, csc = spec.get("securityContext", {}), c.get("securityContext", {})
def eff(key):
    return csc.get(key, psc.get(key))
check(eff("runAsNonRoot") is True, "runAsNonRoot: true")
uid = eff("runAsUser")
check(isinstance(uid, int) and uid != 0, f"runAsUser numeric and not 0: {uid}")
if docker_user:
    check(str(uid) == docker_user, f"runAsUser {uid} is the Dockerfile's USER {docker_user}")
check(csc.get("readOnlyRootFilesystem") is True, "readOnlyRootFilesystem: true")
check(csc.get("allowPrivilegeEscalation") is False, "allowPrivilegeEscalation: false")
check(csc.get("capabilities", {}).get("drop") == ["ALL"] and not csc.get("capabilities", {}).get("add"),
      "capabilities: drop ALL, add none")
check(not csc.get("privileged"), "not privileged")
ports = {p["name"]: p for p in c.get("ports", [])}
check(any(p["containerPort"] == 10027 and p.get("protocol", "TCP") == "TCP" for p in ports.values()),
      "container port 10027/TCP")
def port_number(ref):
    return ports[ref]["containerPort"] if isinstance(ref, str) and ref in ports else ref
for probe in ("livenessProbe", "readinessProbe"):
    get = c.get(probe, {}).get("httpGet", {})
    want = probe == "livenessProbe"
    if get or want:
        check(get.get("path") == "/-/healthy" and port_number(get.get("port")) == 10027,
              f"{probe}: GET /-/healthy on 10027 ({get.get('path')} {get.get('port')})")
check(bool(c.get("resources", {}).get("limits", {}).get("memory")), "a memory limit")
args = c.get("args", [])
listen = [a.split("=", 1)[1] for a in args if a.startswith("--web.listen-address=")]
check(not listen or all(l.endswith(":10027") for l in listen), f"listen address on port 10027: {listen}")
open(os.path.join(work, "args"), "w").write("\n".join(args) + "\n")

check(matches(svc["spec"]["selector"], pod_labels), "Service selects the DaemonSet's pods")
svc_ports = {p["name"]: p for p in svc["spec"]["ports"]}
check(any(port_number(p.get("targetPort")) == 10027 for p in svc_ports.values()), "Service targets port 10027")
check(svc["metadata"]["namespace"] == ds["metadata"]["namespace"], "Service in the DaemonSet's namespace")

check(matches(sm["spec"]["selector"]["matchLabels"], svc["metadata"]["labels"]), "ServiceMonitor selects the Service")
check(svc["metadata"]["namespace"] in sm["spec"].get("namespaceSelector", {}).get("matchNames",
      [sm["metadata"]["namespace"]]), "ServiceMonitor looks in the Service's namespace")
eps = sm["spec"]["endpoints"]
check(bool(eps) and all(e.get("port") in svc_ports for e in eps), "ServiceMonitor endpoints use a Service port name")
check(all(e.get("path", "/metrics") == "/metrics" for e in eps), "ServiceMonitor scrapes /metrics")
check(all(any(r.get("targetLabel") == "job" and r.get("replacement") == "ifmib_exporter"
              for r in e.get("relabelings", [])) for e in eps),
      'job relabelled to "ifmib_exporter" (IfmibExporterDown)')
sys.exit(1 if errors else 0)
PY

mapfile -t args <"$work/args"
echo "== the exporter accepts the container's args: ${args[*]}"
timeout 20 "$exporter" "${args[@]}" --once >/dev/null 2>"$work/once.err" || fail "exporter rejects the args: $(cat "$work/once.err")"
echo "ok    --once with the container's args"

if [ "$(id -u)" -ne 0 ]; then
  echo "not root: not starting the exporter in a network namespace to probe /-/healthy"
  echo "PASS"
  exit 0
fi
need_cmd ip iproute2
need_cmd curl curl
ns="ifmib-deploy-k8s-$$-$RANDOM"
ip netns add "$ns" 2>"$work/netns.err" || skip "cannot create a network namespace: $(cat "$work/netns.err")"
ip -n "$ns" link set dev lo up
ip netns exec "$ns" "$exporter" "${args[@]}" >"$work/exporter.log" 2>&1 &
pid=$!
code=""
for _ in $(seq 50); do
  code=$(ip netns exec "$ns" curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:10027/-/healthy || true)
  [ "$code" = 200 ] && break
  sleep 0.1
done
[ "$code" = 200 ] || { cat "$work/exporter.log"; fail "GET /-/healthy answered '$code', not 200"; }
echo "ok    GET /-/healthy on :10027 answers 200 with the container's args"
echo "PASS"
