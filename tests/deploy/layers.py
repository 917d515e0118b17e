#!/usr/bin/env python3
"""deploy.layers: every `#include "..."` of the product obeys the layer table of README.md's
Layout section (between <!-- layers --> and <!-- /layers -->), OS headers stay in their OS
folder, no Prometheus header is included under platform/, and no OS test (__linux__,
__FreeBSD__) appears outside platform/.

With a build folder as second argument it also checks that the build itself enforces the table:
for one source of each layer it preprocesses, with that source's own flags from
compile_commands.json, a probe that includes one header of every other layer, and expects the
include to resolve exactly when the table allows it. Exit 0 pass, 1 fail (each finding printed)."""
import os
import re
import sys

root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..")
readme = open(os.path.join(root, "README.md"), encoding="utf-8").read()
m = re.search(r"<!-- layers -->(.*?)<!-- /layers -->", readme, re.S)
if not m:
    sys.exit("README.md: no <!-- layers --> table in the Layout section")

layers = {}  # "platform/linux/" -> ["platform/", "platform/linux/"]
for line in m.group(1).splitlines():
    cells = [c.strip() for c in line.strip().strip("|").split("|")]
    if len(cells) != 2 or not cells[0].startswith("`"):
        continue
    # Folders ("platform/") and single headers ("platform/poller.h").
    layers[cells[0].strip("`")] = re.findall(r"`([a-z_/]+/|[a-z_/]+\.h)`", cells[1])
if len(layers) < 5:
    sys.exit("README.md: the layer table has %d rows, expected the whole graph" % len(layers))

# Headers of one system, allowed only in that system's folder.
os_headers = {
    "platform/linux/": [r"linux/", r"libmnl/", r"sys/epoll\.h"],
    "platform/freebsd/system/": [r"sys/sysctl\.h", r"sys/user\.h", r"net/if_mib\.h", r"net/if_media\.h",
                                 r"netinet/igmp_var\.h", r"netinet6/mld6_var\.h", r"net/if_var\.h",
                                 r"sys/event\.h"],
}


def layer_of(path):
    """The most specific layer a file (or an included path) belongs to."""
    best = None
    for layer in layers:
        if path.startswith(layer) and (best is None or len(layer) > len(best)):
            best = layer
    return best


def allowed(src_layer, target):
    if target in layers[src_layer]:
        return True  # a single header named in the table
    target_layer = layer_of(target)
    if target_layer is None:
        return False
    for right in layers[src_layer]:
        # "platform/" on the right is the common headers only, not a subfolder.
        if target_layer == right:
            return True
    return False


failures = []
sources = 0
for top in ("cmd", "collector", "platform", "server", "base"):
    for dirpath, _, files in os.walk(os.path.join(root, top)):
        for name in sorted(files):
            if not name.endswith((".cpp", ".h")):
                continue
            full = os.path.join(dirpath, name)
            rel = os.path.relpath(full, root).replace(os.sep, "/")
            src_layer = layer_of(rel)
            if src_layer is None:
                failures.append("%s: in no layer of the README table" % rel)
                continue
            sources += 1
            text = open(full, encoding="utf-8").read()
            for n, line in enumerate(text.splitlines(), 1):
                inc = re.match(r'\s*#\s*include\s+"([^"]+)"', line)
                if inc and "/" in inc.group(1) and not allowed(src_layer, inc.group(1)):
                    failures.append('%s:%d: %s may not include "%s"' % (rel, n, src_layer, inc.group(1)))
                sysinc = re.match(r"\s*#\s*include\s+<([^>]+)>", line)
                if sysinc:
                    header = sysinc.group(1)
                    for folder, patterns in os_headers.items():
                        if any(re.match(p, header) for p in patterns) and not rel.startswith(folder):
                            failures.append("%s:%d: <%s> belongs in %s" % (rel, n, header, folder))
                    if header.startswith("prometheus/") and rel.startswith("platform/"):
                        failures.append("%s:%d: platform/ knows no Prometheus (<%s>)" % (rel, n, header))
                if re.search(r"\b__(linux|FreeBSD)__\b", line) and not rel.startswith("platform/"):
                    failures.append("%s:%d: an OS test outside platform/" % (rel, n))

# The build's own enforcement (see the docstring).
probes = 0
if len(sys.argv) > 2:
    import json
    import shlex
    import subprocess
    import tempfile

    commands = json.load(open(os.path.join(sys.argv[2], "compile_commands.json"), encoding="utf-8"))
    headers = ["base/result.h", "base/log.h", "platform/snapshot.h", "platform/poller.h", "collector/scrape.h",
               "server/http_server.h", "cmd/flags.h"]
    for folder in ("base/", "platform/", "collector/", "server/", "cmd/"):
        entry = next((c for c in commands
                      if os.path.relpath(c["file"], root).replace(os.sep, "/").startswith(folder)
                      and "/tests/" not in c["file"] and "/fuzz/" not in c["file"]), None)
        if entry is None:
            failures.append("build: no source of %s in compile_commands.json" % folder)
            continue
        argv = shlex.split(entry["command"]) if "command" in entry else list(entry["arguments"])
        # The compiler and its include/define flags; the probe replaces the source and the output.
        flags = [a for a in argv[1:] if a.startswith(("-I", "-D", "-std=", "-isystem", "--target", "--sysroot"))]
        for header in headers:
            if header.startswith(folder):
                continue
            # The build shows whole folders; base/log.h under platform/ is left to the include check above.
            expected = allowed(folder, header) or (folder == "platform/" and header.startswith("base/"))
            with tempfile.TemporaryDirectory() as tmp:
                probe = os.path.join(tmp, "probe.cpp")
                open(probe, "w").write('#include "%s"\n' % header)
                run = subprocess.run([argv[0], "-E", "-o", os.devnull] + flags + [probe], cwd=entry["directory"],
                                     capture_output=True, text=True)
            probes += 1
            if (run.returncode == 0) != expected:
                failures.append("build: %s %s include \"%s\", but the table says it %s" % (
                    folder, "can" if run.returncode == 0 else "cannot", header, "may" if expected else "may not"))

for f in failures:
    print("FAIL " + f)
print("deploy.layers: %d sources, %d layers, %d build probes, %d findings" % (sources, len(layers), probes,
                                                                          len(failures)))
sys.exit(1 if failures else 0)
