#!/usr/bin/env python3
"""Scrapes several exporters the way Prometheus does (GET with Accept-Encoding: gzip, one
keep-alive connection each), alternating between them, and measures each exporter per scrape.

  scrape.py OUT.json NAME,PID,URL,SCRAPES [NAME,PID,URL,SCRAPES ...]
  scrape.py OUT.json ... NAME,floor,READ+READ+...,SCRAPES

A `floor` target is the kernel floor measured in the same rotation: bench/kernel_floor serve
(path in $BENCH_KERNEL_FLOOR, started here, so in this namespace) makes the named reads once per
turn; its cpu_ms is the getrusage delta of those reads alone. It meets the same idle time and
neighbours as the exporters' scrapes around it, which its back-to-back figure does not.

Per scrape and exporter:
  cpu_ms     CPU the exporter process used while serving the scrape: the sum over its threads of
             /proc/PID/task/*/schedstat run time (ns resolution), read just before the request
             and just after the last byte of the response.
  stat_ms    the same delta from utime+stime of /proc/PID/stat (10 ms ticks, so per-scrape values
             are 0 or multiples of 10; only their mean over the run is meaningful).
  latency_ms request sent to last byte received.
  bytes      response body as sent (gzip).
  series     sample lines in the decompressed body.
  rss_bytes  VmRSS after the scrape.
Also, for a process that serves one target only: the CPU of the whole run divided by its
scrapes (from /proc/PID/stat), which includes work done between scrapes (Go's garbage
collector, the HTTP server's deadline checks).
The first two scrapes of each exporter are warm-up and not recorded.
"""
import gzip
import http.client
import json
import os
import subprocess
import sys
import time
import urllib.parse

TICK = os.sysconf("SC_CLK_TCK")
WARMUP = 2


def stat_cpu_ms(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    # fields[0] is field 3 (state); utime and stime are fields 14 and 15.
    return (int(fields[11]) + int(fields[12])) * 1000.0 / TICK


def sched_cpu_ms(pid):
    total = 0
    for tid in os.listdir("/proc/%d/task" % pid):
        try:
            with open("/proc/%d/task/%s/schedstat" % (pid, tid)) as f:
                total += int(f.read().split()[0])
        except (FileNotFoundError, ProcessLookupError):
            pass
    return total / 1e6


def rss_bytes(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


class Target:
    def __init__(self, spec):
        name, pid, url, scrapes = spec.split(",")
        self.name, self.pid, self.scrapes = name, int(pid), int(scrapes) + WARMUP
        u = urllib.parse.urlsplit(url)
        self.host, self.port, self.path = u.hostname, u.port, u.path + ("?" + u.query if u.query else "")
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=600)
        self.done = 0
        self.samples = []
        self.stat_start = None

    def scrape(self):
        headers = {"Accept-Encoding": "gzip",
                   "Accept": "text/plain;version=0.0.4;q=0.5,*/*;q=0.1",
                   "User-Agent": "Prometheus/2.45.0"}
        c0, s0, t0 = sched_cpu_ms(self.pid), stat_cpu_ms(self.pid), time.perf_counter()
        try:
            self.conn.request("GET", self.path, headers=headers)
            resp = self.conn.getresponse()
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            # The server closed the idle keep-alive connection: as Go's
            # HTTP client does for Prometheus, send the GET again on a new connection.
            self.conn.close()
            self.conn.request("GET", self.path, headers=headers)
            resp = self.conn.getresponse()
        body = resp.read()
        t1, c1, s1 = time.perf_counter(), sched_cpu_ms(self.pid), stat_cpu_ms(self.pid)
        if resp.status != 200:
            raise SystemExit("%s: HTTP %d: %s" % (self.name, resp.status, body[:200]))
        text = gzip.decompress(body) if resp.getheader("Content-Encoding") == "gzip" else body
        series = sum(1 for line in text.split(b"\n") if line and not line.startswith(b"#"))
        self.done += 1
        if self.done == WARMUP:
            self.stat_start = (stat_cpu_ms(self.pid), time.perf_counter())
        if self.done > WARMUP:
            self.samples.append({"cpu_ms": c1 - c0, "stat_ms": s1 - s0, "latency_ms": (t1 - t0) * 1e3,
                                 "bytes": len(body), "series": series, "rss_bytes": rss_bytes(self.pid),
                                 "gzip": resp.getheader("Content-Encoding") == "gzip"})
        if self.done == self.scrapes:
            self.stat_end = (stat_cpu_ms(self.pid), time.perf_counter())


class FloorTarget:
    """The kernel's reads alone, by bench/kernel_floor serve, as one more target in the rotation."""

    def __init__(self, spec):
        name, _, reads, scrapes = spec.split(",")
        self.name, self.scrapes, self.reads = name, int(scrapes) + WARMUP, reads.replace("+", " ")
        self.proc = subprocess.Popen([os.environ["BENCH_KERNEL_FLOOR"], "serve"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True)
        self.pid = self.proc.pid
        self.done = 0
        self.samples = []

    def scrape(self):
        t0 = time.perf_counter()
        self.proc.stdin.write(self.reads + "\n")
        self.proc.stdin.flush()
        answer = self.proc.stdout.readline().split()
        t1 = time.perf_counter()
        if len(answer) != 2 or answer[0] != "cpu_ms":
            raise SystemExit("%s: kernel_floor serve answered %r" % (self.name, answer))
        self.done += 1
        if self.done > WARMUP:
            self.samples.append({"cpu_ms": float(answer[1]), "latency_ms": (t1 - t0) * 1e3})
        if self.done == self.scrapes:
            self.proc.stdin.close()
            self.proc.wait()


def main():
    out = sys.argv[1]
    targets = [FloorTarget(spec) if spec.split(",")[1] == "floor" else Target(spec) for spec in sys.argv[2:]]
    # SCRAPE_ALTERNATE_ORDER=1: every other round runs the targets in reverse order, so that no
    # target always comes right after the same other one (bench/compare.sh: which of two builds
    # came first moved a 4000-interface comparison by more than the change it measured).
    alternate = os.environ.get("SCRAPE_ALTERNATE_ORDER") == "1"
    rounds = 0
    while any(t.done < t.scrapes for t in targets):
        for t in (reversed(targets) if alternate and rounds % 2 else targets):
            if t.done < t.scrapes:
                t.scrape()
        rounds += 1
    result = {}
    for t in targets:
        n = len(t.samples)
        # Whole-run CPU per scrape only where the process serves this target alone.
        if isinstance(t, FloorTarget):
            result[t.name] = {"samples": t.samples, "floor_reads": t.reads.split()}
            continue
        alone = sum(1 for u in targets if u.pid == t.pid) == 1
        result[t.name] = {"samples": t.samples,
                          "run_stat_cpu_ms_per_scrape":
                              (t.stat_end[0] - t.stat_start[0]) / n if n and alone else None}
    with open(out, "w") as f:
        json.dump(result, f, indent=1)


if __name__ == "__main__":
    main()
