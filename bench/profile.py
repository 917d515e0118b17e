#!/usr/bin/env python3
"""Where a scrape's CPU goes, per scrape kind, on the running exporter (perf sampling).

  profile.py OUT.json PID BASE_URL [SCRAPES]

For each kind (the full default scrape, collect[]=ifmib, collect[]=send_queue): SCRAPES
back-to-back scrapes on one keep-alive connection (gzip, as Prometheus asks), the exporter's CPU
per scrape over them from its threads' schedstat (as bench/scrape.py measures it); then as many
again while `perf record -g` samples every thread of PID (perf's unwinding is charged to the
exporter, so that batch's CPU is not used). perf's samples are then split:

  kernel, by the system call they serve (inclusive, from the call chains):
    netlink dumps   netlink_recvmsg + netlink_sendmsg: building and copying rtnetlink dumps
    procfs reads    seq_read_iter: /proc/net multicast files, /proc/self/* for process metrics
    HTTP socket     tcp_sendmsg + tcp_recvmsg + sock_poll
    wake-ups        futex, epoll_wait, pipe writes between the HTTP thread and the scrape worker
    other kernel    the rest (page faults, openat/close, socket set-up, ...)
  user space, by the code the sample landed in (self time; the exporter keeps no frame pointers):
    parsing         ifmib::platform::* and libmnl: turning kernel bytes into snapshots
    collectors+text ifmib::collector::*: families, labels, the exposition text
    gzip            libisal
    HTTP server     ifmib::server::*
    libc/libstdc++  malloc, free, memcpy, ...: called from all of the above
    other user      anything else

Back-to-back scrapes keep caches warmer than bench/scrape.py's alternation, so the CPU per scrape
here is lower than its p50; the shares are what this table is for.
"""
import http.client
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse

from scrape import sched_cpu_ms  # bench/scrape.py: the same CPU measure as the alternating runs

KINDS = [("full", ""), ("ifmib", "collect%5B%5D=ifmib"), ("send_queue", "collect%5B%5D=send_queue")]
KERNEL = [("netlink dumps", ["netlink_recvmsg", "netlink_sendmsg"]),
          ("procfs reads", ["seq_read_iter"]),
          ("HTTP socket", ["tcp_sendmsg", "tcp_recvmsg", "sock_poll"]),
          ("wake-ups", ["__x64_sys_futex", "__x64_sys_epoll_wait", "pipe_write", "anon_pipe_write"])]


def scrape_batch(url, scrapes):
    u = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=600)
    path = u.path + ("?" + u.query if u.query else "")
    for _ in range(scrapes):
        conn.request("GET", path, headers={"Accept-Encoding": "gzip"})
        resp = conn.getresponse()
        resp.read()
        if resp.status != 200:
            raise SystemExit("profile: %s: HTTP %d" % (url, resp.status))
    conn.close()


def report(data, children):
    args = ["perf", "report", "-i", data, "--stdio", "--percent-limit", "0", "-g", "none",
            "--sort", "dso,symbol", "--children" if children else "--no-children"]
    text = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    rows = []
    for line in text.splitlines():
        if line.startswith("#") or "%" not in line:
            continue
        # children:    "  61.73%   0.02%  [kernel.kallsyms]  [k] do_syscall_64"
        # no-children: "  19.63%  [kernel.kallsyms]  [k] tc_dump_qdisc"
        m = re.match(r"\s*([\d.]+)%\s+(?:([\d.]+)%\s+)?(\S+)\s+\[(.)\]\s+(\S+)", line)
        if m:
            rows.append((float(m.group(1)), m.group(3), m.group(4), m.group(5).strip()))
    return rows


def classify(data):
    inclusive = report(data, True)
    self_rows = report(data, False)
    kernel_total = sum(p for p, _, kind, _ in self_rows if kind == "k")
    shares = {}
    claimed = 0.0
    for name, symbols in KERNEL:
        v = sum(p for p, _, kind, sym in inclusive if kind == "k" and sym in symbols)
        shares["kernel: " + name] = v
        claimed += v
    shares["kernel: other"] = max(0.0, kernel_total - claimed)
    groups = {"user: parsing": 0.0, "user: collectors+text": 0.0, "user: gzip": 0.0, "user: HTTP server": 0.0,
              "user: libc/libstdc++": 0.0, "user: other": 0.0}
    for p, dso, kind, sym in self_rows:
        if kind == "k":
            continue
        if "libisal" in dso:
            groups["user: gzip"] += p
        elif "libmnl" in dso or sym.startswith("ifmib::platform::"):
            groups["user: parsing"] += p
        elif sym.startswith("ifmib::collector::"):
            groups["user: collectors+text"] += p
        elif sym.startswith("ifmib::server::"):
            groups["user: HTTP server"] += p
        elif dso.startswith("libc.") or dso.startswith("libstdc++"):
            groups["user: libc/libstdc++"] += p
        else:
            groups["user: other"] += p
    shares.update(groups)
    total = sum(shares.values())
    return {k: 100.0 * v / total for k, v in shares.items()} if total else shares


def main():
    out, pid, base = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    scrapes = int(sys.argv[4]) if len(sys.argv) > 4 else 40
    result = {}
    with tempfile.TemporaryDirectory() as tmp:
        for kind, query in KINDS:
            url = base + ("?" + query if query else "")
            scrape_batch(url, 3)  # warm-up
            # CPU per scrape without perf: its call-chain sampling is charged to the exporter.
            c0 = sched_cpu_ms(pid)
            scrape_batch(url, scrapes)
            cpu_ms = (sched_cpu_ms(pid) - c0) / scrapes
            data = os.path.join(tmp, kind + ".data")
            perf = subprocess.Popen(["perf", "record", "-q", "-g", "-F", "2999", "-p", str(pid), "-o", data],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(0.5)  # perf attaches
            scrape_batch(url, scrapes)
            perf.send_signal(signal.SIGINT)
            perf.wait()
            result[kind] = {"scrapes": scrapes, "cpu_ms_per_scrape": cpu_ms, "shares_percent": classify(data)}
    with open(out, "w") as f:
        json.dump(result, f, indent=1)


if __name__ == "__main__":
    main()
