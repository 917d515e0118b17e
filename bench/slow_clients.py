#!/usr/bin/env python3
"""Scrape latency while slow clients hold connections open, for several exporters at once.

  slow_clients.py OUT.json LEVELS SCRAPES NAME,PID,HOST:PORT[,PATH] [NAME,PID,HOST:PORT[,PATH] ...]

LEVELS is a comma-separated list of slow-connection counts (e.g. 0,100,1000,5000). At each level
every exporter gets that many slow connections, spread over the source addresses 127.0.0.2-9
(each sends half a request, `GET /metrics HTTP/1.1\\r\\nHost: x\\r\\n`, and then nothing; one the
server closes is opened again at once, so the load stays at the level). Two seconds after the level
is reached, each exporter is scraped SCRAPES times, alternating between exporters, each scrape on a
new connection (the case of a Prometheus that has just started or lost its connection), with
Accept-Encoding: gzip; latency is connect to last byte, and a scrape counts only with status 200
and a whole body (Content-Length bytes that gunzip to text ending in a newline).

Per exporter and level: p50 and p99 (nearest rank) and max of the latency, failures, the
exporter's VmRSS and thread count (/proc/PID/status) after the scrapes, and the CPU the exporter
used per scrape (sum of /proc/PID/task/*/schedstat run time around each scrape).
"""
import gzip
import json
import os
import resource
import selectors
import socket
import sys
import threading
import time

from scrape import sched_cpu_ms  # bench/scrape.py: CPU of all the process's threads, in ms

HALF_REQUEST = b"GET /metrics HTTP/1.1\r\nHost: x\r\n"
SOURCES = ["127.0.0.%d" % i for i in range(2, 10)]


def proc_status(pid, key):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


class Holder:
    """Keeps `want` half-request connections open to each target, reopening closed ones."""

    def __init__(self, targets):
        self.targets = targets
        self.sel = selectors.DefaultSelector()
        self.want = 0
        self.open = {t: 0 for t in targets}
        self.reopened = 0
        self.lock = threading.Lock()
        self.seq = 0
        self.stop = False
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def connect(self, target):
        host, port = target
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setblocking(False)
        s.bind((SOURCES[self.seq % len(SOURCES)], 0))
        self.seq += 1
        try:
            s.connect((host, port))
        except BlockingIOError:
            pass
        except OSError:
            s.close()
            return False
        self.sel.register(s, selectors.EVENT_WRITE, (target, "connecting"))
        self.open[target] += 1
        return True

    def drop(self, s, target):
        self.sel.unregister(s)
        s.close()
        self.open[target] -= 1

    def fill(self):
        for t in self.targets:
            while self.open[t] < self.want:
                if not self.connect(t):
                    time.sleep(0.01)
                    break
            while self.open[t] > self.want:
                for key in list(self.sel.get_map().values()):
                    if key.data[0] == t:
                        self.drop(key.fileobj, t)
                        break

    def run(self):
        while not self.stop:
            with self.lock:
                self.fill()
            ready = self.sel.select(timeout=0.05)
            self.lock.acquire()
            for key, events in ready:
                if key.fileobj.fileno() < 0:  # closed by fill() since select() returned
                    continue
                target, state = key.data
                s = key.fileobj
                if state == "connecting":
                    if s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) != 0:
                        self.drop(s, target)
                        continue
                    try:
                        s.send(HALF_REQUEST)
                    except OSError:
                        self.drop(s, target)
                        continue
                    self.sel.modify(s, selectors.EVENT_READ, (target, "waiting"))
                else:
                    try:
                        data = s.recv(65536)
                    except OSError:
                        data = b""
                    if not data:  # the server closed it: a slowloris opens another
                        self.drop(s, target)
                        self.reopened += 1
            self.lock.release()

    def established(self):
        n = 0
        for key in self.sel.get_map().values():
            if key.data[1] == "waiting":
                n += 1
        return n

    def set_level(self, n):
        with self.lock:
            self.want = n
        deadline = time.time() + 120
        while time.time() < deadline:
            with self.lock:
                if self.established() >= n * len(self.targets) and all(v == n for v in self.open.values()):
                    return True
            time.sleep(0.1)
        return False


def scrape(host, port, path, timeout):
    """One GET on a new connection; returns (seconds, ok, detail)."""
    start = time.perf_counter()
    try:
        s = socket.create_connection((host, port), timeout=timeout)
    except OSError as e:
        return time.perf_counter() - start, False, "connect: %s" % e
    try:
        s.settimeout(timeout)
        s.sendall(("GET %s HTTP/1.1\r\nHost: %s:%d\r\nAccept-Encoding: gzip\r\nConnection: close\r\n"
                   "User-Agent: Prometheus/2.45.0\r\n\r\n" % (path, host, port)).encode())
        raw = b""
        while True:
            chunk = s.recv(1 << 20)
            if not chunk:
                break
            raw += chunk
            head_end = raw.find(b"\r\n\r\n")
            if head_end >= 0:
                head = raw[:head_end].decode("latin-1").lower()
                for line in head.split("\r\n"):
                    if line.startswith("content-length:"):
                        if len(raw) - head_end - 4 >= int(line.split(":")[1]):
                            break
                else:
                    continue
                break
    except OSError as e:
        return time.perf_counter() - start, False, "read: %s" % e
    finally:
        s.close()
    seconds = time.perf_counter() - start
    head_end = raw.find(b"\r\n\r\n")
    if not raw.startswith(b"HTTP/1.1 200") or head_end < 0:
        return seconds, False, "answer: %r" % raw[:60]
    head, body = raw[:head_end].decode("latin-1").lower(), raw[head_end + 4:]
    length = [int(l.split(":")[1]) for l in head.split("\r\n") if l.startswith("content-length:")]
    if not length or len(body) != length[0]:
        return seconds, False, "body %d bytes, Content-Length %s" % (len(body), length)
    text = gzip.decompress(body) if "content-encoding: gzip" in head else body
    if not text.endswith(b"\n") or b"# TYPE" not in text:
        return seconds, False, "body is not exposition text"
    return seconds, True, ""


def nearest_rank(values, q):
    v = sorted(values)
    return v[max(0, min(len(v) - 1, int(-(-q * len(v) // 1)) - 1))] if v else None


def main():
    out, levels, scrapes = sys.argv[1], [int(x) for x in sys.argv[2].split(",")], int(sys.argv[3])
    specs = []
    for spec in sys.argv[4:]:
        parts = spec.split(",")
        host, port = parts[2].rsplit(":", 1)
        specs.append({"name": parts[0], "pid": int(parts[1]), "host": host, "port": int(port),
                      "path": parts[3] if len(parts) > 3 else "/metrics"})
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    holder = Holder([(s["host"], s["port"]) for s in specs])
    result = {s["name"]: [] for s in specs}
    for level in levels:
        reached = holder.set_level(level)
        time.sleep(2)
        samples = {s["name"]: [] for s in specs}
        failures = {s["name"]: [] for s in specs}
        cpu = {s["name"]: 0.0 for s in specs}
        for _ in range(scrapes):
            for s in specs:
                c0 = sched_cpu_ms(s["pid"])
                seconds, ok, detail = scrape(s["host"], s["port"], s["path"], 60)
                cpu[s["name"]] += sched_cpu_ms(s["pid"]) - c0
                samples[s["name"]].append(seconds)
                if not ok:
                    failures[s["name"]].append(detail)
        for s in specs:
            lat = samples[s["name"]]
            row = {"slow": level, "reached": reached, "scrapes": len(lat),
                   "p50_s": nearest_rank(lat, 0.5), "p99_s": nearest_rank(lat, 0.99), "max_s": max(lat),
                   "failures": failures[s["name"]][:3], "failed": len(failures[s["name"]]),
                   "rss_kib": proc_status(s["pid"], "VmRSS"), "threads": proc_status(s["pid"], "Threads"),
                   "cpu_ms_per_scrape": cpu[s["name"]] / len(lat),
                   "reopened_so_far": holder.reopened}
            result[s["name"]].append(row)
            print("%-6s slow=%-5d p50=%.3fs p99=%.3fs max=%.3fs failed=%d rss=%d KiB threads=%d cpu=%.1f ms%s" % (
                s["name"], level, row["p50_s"], row["p99_s"], row["max_s"], row["failed"], row["rss_kib"],
                row["threads"], row["cpu_ms_per_scrape"], "" if reached else " (level not reached)"),
                file=sys.stderr, flush=True)
    holder.stop = True
    with open(out, "w") as f:
        json.dump(result, f, indent=1)


main()
