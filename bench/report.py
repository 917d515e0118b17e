#!/usr/bin/env python3
"""Turns bench/run.sh's raw results into the Markdown table: report.py RESULTS_DIR N [N ...]"""
import glob
import json
import os
import platform
import statistics
import subprocess
import sys

# Per floor kind: its scrape's name in bench/scrape.py's results and in bench/profile.py's.
SCRAPE_OF_KIND = {"ifmib": "ifmib", "mib": "ifmib_mib", "send_queue": "ifmib_send_queue"}
PROFILE_OF_KIND = {"ifmib": "full", "mib": "ifmib", "send_queue": "send_queue"}
PROCFS = ["proc_net_igmp", "proc_net_mcfilter", "proc_net_mcfilter6", "proc_net_dev_mcast", "proc_net_igmp6"]


def pct(values, p):
    v = sorted(values)
    return v[min(len(v) - 1, max(0, int(round(p / 100.0 * (len(v) - 1)))))]


def floor(path):
    reads = {}
    with open(path) as f:
        for line in f:
            w = line.split()
            reads[w[1]] = {"cpu_ms": float(w[3]), "bytes": int(w[7])}
    return reads


def main():
    d, sizes = sys.argv[1], [int(n) for n in sys.argv[2:]]
    rows, floors, summary = [], {}, {}
    for n in sizes:
        fl = floor(os.path.join(d, "floor-%d.txt" % n))
        with open(os.path.join(d, "scrape-%d.json" % n)) as f:
            sc = json.load(f)
        procfs = sum(fl[k]["cpu_ms"] for k in PROCFS)
        nl_mcast = fl["rtm_getmulticast_inet"]["cpu_ms"] + fl["rtm_getmulticast_inet6"]["cpu_ms"]
        # The link dump the exporter makes: with RTEXT_FILTER_SKIP_STATS where kernel_floor has it.
        link = fl.get("rtm_getlink_skip_stats", fl["rtm_getlink"])["cpu_ms"]
        floors[n] = {"link": link, "link_full": fl["rtm_getlink"]["cpu_ms"], "qdisc": fl["rtm_getqdisc"]["cpu_ms"],
                     "procfs": procfs, "nl_mcast": nl_mcast, "procfs_bytes": sum(fl[k]["bytes"] for k in PROCFS)}
        floors[n]["ifmib"] = floors[n]["link"] + floors[n]["qdisc"] + procfs
        # A send-queue-only scrape makes the qdisc dump alone (names from the cache; a link dump
        # only after the kernel announced a link change, which a steady bench fixture never does).
        floors[n]["send_queue"] = floors[n]["qdisc"]
        floors[n]["mib"] = floors[n]["link"]
        for name, r in sc.items():
            s = r["samples"]
            cpu = [x["cpu_ms"] for x in s]
            if "floor_reads" in r:  # bench/scrape.py's floor target: the reads alone, in the rotation
                floors[n]["rotation_" + name[len("floor_"):]] = statistics.median(cpu)
                continue
            summary[(n, name)] = {
                "scrapes": len(s), "cpu_p50": statistics.median(cpu), "cpu_mean": statistics.mean(cpu),
                "stat_mean": statistics.mean(x["stat_ms"] for x in s), "run": r["run_stat_cpu_ms_per_scrape"],
                "lat_p50": pct([x["latency_ms"] for x in s], 50), "lat_p99": pct([x["latency_ms"] for x in s], 99),
                "bytes": statistics.median(x["bytes"] for x in s), "series": statistics.median(x["series"] for x in s),
                "rss": max(x["rss_bytes"] for x in s) / 2**20, "gzip": all(x["gzip"] for x in s)}
    kernel = subprocess.run(["uname", "-r"], capture_output=True, text=True).stdout.strip()
    print("# ifmib_exporter benchmark\n")
    print("Kernel %s, %d CPUs, %s. N = interfaces in the namespace (N/2 veth pairs, plus lo); every "
          "interface has link, IPv4 and IPv6 groups, every 4th source-specific ones, every 10th a tbf or pfifo "
          "root. Scrapes alternate between exporters, `Accept-Encoding: gzip`, keep-alive.\n"
          % (kernel, os.cpu_count(), platform.machine()))
    print("CPU = exporter CPU while serving one scrape (sum of its threads' schedstat run time), "
          "p50 and mean; `stat` = mean of utime+stime deltas from /proc/PID/stat around each scrape (10 ms ticks); "
          "`run` = whole-run /proc/PID/stat CPU / scrapes, incl. work between scrapes (process serving one URL only). "
          "ifmib_send_queue and ifmib_mib = the same ifmib_exporter process with `collect[]=send_queue` and "
          "`collect[]=ifmib` (the interface MIB alone, which is what node_exporter's netdev collector covers).\n")
    print("| N | exporter | scrapes | CPU p50 ms | CPU mean ms | stat mean ms | run ms | latency p50 ms | "
          "latency p99 ms | bytes (gzip) | series | series/iface | RSS max MiB |")
    print("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n in sizes:
        for name in ("ifmib", "ifmib_mib", "ifmib_send_queue", "node_netdev", "node_qdisc"):
            x = summary.get((n, name))
            if not x:
                continue
            print("| %d | %s | %d | %.2f | %.2f | %.1f | %s | %.2f | %.2f | %d | %d | %.1f | %.1f |" % (
                n, name, x["scrapes"], x["cpu_p50"], x["cpu_mean"], x["stat_mean"],
                "%.1f" % x["run"] if x["run"] is not None else "-", x["lat_p50"], x["lat_p99"], x["bytes"],
                x["series"], x["series"] / (n + 1), x["rss"]))
    print("\n## Kernel floor (bench/kernel_floor.cpp, median CPU ms of 20, getrusage)\n")
    print("| N | RTM_GETLINK | RTM_GETLINK, SKIP_STATS (used) | RTM_GETQDISC | 5 /proc/net multicast files | (bytes) | "
          "RTM_GETMULTICAST v4+v6 | procfs / netlink multicast | floor of ifmib's reads |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n in sizes:
        f = floors[n]
        print("| %d | %.3f | %.3f | %.3f | %.3f | %d | %.3f | %.1f× | %.3f |" % (
            n, f["link_full"], f["link"], f["qdisc"], f["procfs"], f["procfs_bytes"], f["nl_mcast"],
            f["procfs"] / f["nl_mcast"] if f["nl_mcast"] else 0, f["ifmib"]))
    if any("rotation_ifmib" in floors[n] for n in sizes):
        print("\nThe floor above is hot: each read repeated back to back. The same reads made once per turn "
              "in the scrape rotation (bench/kernel_floor.cpp serve, right after the exporter's scrape of the "
              "same kind), median CPU ms:\n")
        print("| N | reads of a full scrape | hot | RTM_GETLINK, SKIP_STATS | hot | RTM_GETQDISC | hot |")
        print("|---:|---:|---:|---:|---:|---:|---:|")
        for n in sizes:
            f = floors[n]
            if "rotation_ifmib" in f:
                print("| %d | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f |" % (
                    n, f["rotation_ifmib"], f["ifmib"], f["rotation_mib"], f["mib"], f["rotation_send_queue"],
                    f["send_queue"]))
    print("\n## Targets\n")
    print("| N | target | measured | goal | met |")
    print("|---:|---|---:|---:|:-:|")

    def line(n, what, value, goal, ok):
        print("| %d | %s | %s | %s | %s |" % (n, what, value, goal, "yes" if ok else "**no**"))

    def against_floor(n, kind, what, goal):
        """A scrape kind's CPU against the floor of its reads, like with like: the rotation's p50
        against the floor made in the rotation, and back-to-back scrapes (bench/profile.py's batch)
        against the hot floor. Then the mix of the two that earlier reports showed."""
        x = summary.get((n, SCRAPE_OF_KIND[kind]))
        if not x:
            return
        if "rotation_" + kind in floors[n]:
            r = x["cpu_p50"] / floors[n]["rotation_" + kind]
            line(n, what + ", both in the rotation", "%.2f×" % r, "≤ %g×" % goal, r <= goal)
        prof = os.path.join(d, "profile-%d.json" % n)
        if os.path.exists(prof):
            with open(prof) as f:
                b2b = json.load(f)[PROFILE_OF_KIND[kind]]
            r = b2b["cpu_ms_per_scrape"] / floors[n][kind]
            line(n, what + ", both back to back", "%.2f×" % r, "≤ %g×" % goal, r <= goal)
        r = x["cpu_p50"] / floors[n][kind]
        line(n, what + ", rotation CPU / hot floor (mixed; as before)", "%.2f×" % r, "≤ %g×" % goal, r <= goal)

    for n in sizes:
        i = summary.get((n, "ifmib"))
        if not i:
            continue
        against_floor(n, "ifmib", "ifmib CPU / kernel floor of its reads", 1.5)
        nd = summary.get((n, "node_netdev"))
        if nd:
            r = nd["cpu_p50"] / i["cpu_p50"]
            line(n, "node_exporter netdev CPU / ifmib CPU", "%.1f×" % r, "≥ 10× (at 1000)", r >= 10)
            line(n, "series per interface, ifmib vs node netdev",
                 "%.1f vs %.1f" % (i["series"] / (n + 1), nd["series"] / (n + 1)), "more", i["series"] > nd["series"])
        m = summary.get((n, "ifmib_mib"))
        if nd and m:
            r = nd["cpu_p50"] / m["cpu_p50"]
            line(n, "node_exporter netdev CPU / ifmib interface-MIB collector CPU", "%.1f×" % r, "≥ 10× (at 1000)", r >= 10)
            line(n, "series per interface, ifmib interface MIB vs node netdev",
                 "%.1f vs %.1f" % (m["series"] / (n + 1), nd["series"] / (n + 1)), "more", m["series"] > nd["series"])
        against_floor(n, "mib", "ifmib interface-MIB CPU / kernel floor of its read (RTM_GETLINK)", 1.5)
        q, sq = summary.get((n, "node_qdisc")), summary.get((n, "ifmib_send_queue"))
        against_floor(n, "send_queue", "ifmib send_queue CPU / kernel floor of its read (RTM_GETQDISC)", 2)
        if q and sq:
            r = q["cpu_p50"] / sq["cpu_p50"]
            line(n, "node_exporter qdisc CPU / ifmib send_queue CPU", "%.0f×" % r, "≥ 1000× (at 1000)", r >= 1000)
        if nd:
            line(n, "resident memory, ifmib vs node_exporter", "%.1f vs %.1f MiB" % (i["rss"], nd["rss"]),
                 "below", i["rss"] < nd["rss"])
    if (1000, "ifmib") in summary and (4000, "ifmib") in summary:
        r = summary[(4000, "ifmib")]["cpu_p50"] / summary[(1000, "ifmib")]["cpu_p50"]
        line(4000, "ifmib CPU at 4000 / at 1000", "%.2f×" % r, "≤ 4.5×", r <= 4.5)
        for label, key in (("in the rotation", "rotation_ifmib"), ("hot", "ifmib")):
            if key in floors[1000] and key in floors[4000]:
                print("| 4000 | (for comparison) kernel floor of the same reads %s, at 4000 / at 1000 | %.2f× | | |"
                      % (label, floors[4000][key] / floors[1000][key]))
        if "rotation_ifmib" in floors[1000] and "rotation_ifmib" in floors[4000]:
            # A scrape costs at least its reads at 4000 and at most 1.5x them at 1000, so its growth
            # is at least the floor's growth / 1.5: with the floor growing more than 6.75x, the 4.5x
            # goal and the 1.5x goal cannot both hold, whatever the exporter does in user space.
            growth = floors[4000]["rotation_ifmib"] / floors[1000]["rotation_ifmib"]
            print("| 4000 | (for comparison) least 4000 / 1000 of a scrape within 1.5× of that floor at both sizes "
                  "(floor's growth / 1.5) | %.2f× | | |" % (growth / 1.5))
            line(4000, "ifmib CPU at 4000 / at 1000, against the growth of the kernel floor of its reads "
                 "in the rotation", "%.2f×" % (r / growth), "≤ 1×", r <= growth)
    compress_tables(d, sizes)
    profile_tables(d, sizes)
    netns_table(d)
    queues_table(d)
    slow_clients_table(d)


def profile_tables(d, sizes):
    """bench/profile.py: shares of each scrape kind's CPU, from perf samples of the exporter."""
    found = [n for n in sizes if os.path.exists(os.path.join(d, "profile-%d.json" % n))]
    if not found:
        return
    print("\n## Where the CPU goes (bench/profile.py: perf on the exporter, back-to-back scrapes)\n")
    print("Percent of the exporter's sampled CPU. Kernel shares are inclusive, by system call; user-space "
          "shares are self time by code (see bench/profile.py). Back-to-back scrapes run with warmer caches "
          "than the alternating ones above, so their CPU per scrape is lower.\n")
    for n in found:
        with open(os.path.join(d, "profile-%d.json" % n)) as f:
            prof = json.load(f)
        names = list(next(iter(prof.values()))["shares_percent"])
        print("| N | scrape | CPU ms/scrape | " + " | ".join(names) + " |")
        print("|---:|---|---:|" + "---:|" * len(names))
        for kind, r in prof.items():
            print("| %d | %s | %.2f | " % (n, kind, r["cpu_ms_per_scrape"]) +
                  " | ".join("%.1f" % r["shares_percent"][k] for k in names) + " |")
        print()


def compress_tables(d, sizes):
    """bench/compress.cpp on each size's served text, verbatim."""
    found = [n for n in sizes if os.path.exists(os.path.join(d, "compress-%d.txt" % n))]
    if not found:
        return
    print("\n## gzip alternatives (bench/compress.cpp on the served text, median CPU ms)\n")
    for n in found:
        with open(os.path.join(d, "compress-%d.txt" % n)) as f:
            print("N = %d:\n\n```\n%s```\n" % (n, f.read()))


def netns_table(d):
    """bench/netns.sh: one exporter reading K namespaces of 10 interfaces each."""
    runs = {}
    for path in glob.glob(os.path.join(d, "netns-*.json")):
        k = int(os.path.basename(path)[len("netns-"):-len(".json")])
        with open(path) as f:
            run = json.load(f)["ifmib_netns"]
        s = run["samples"]
        # Whole-run CPU from /proc/PID/stat: the namespace reads run on threads that exit within
        # the scrape, and an exited thread's time is gone from /proc/PID/task/*/schedstat.
        runs[k] = {"cpu": run["run_stat_cpu_ms_per_scrape"],
                   "lat": statistics.median(x["latency_ms"] for x in s),
                   "series": statistics.median(x["series"] for x in s),
                   "bytes": statistics.median(x["bytes"] for x in s),
                   "rss": max(x["rss_bytes"] for x in s) / 2**20, "scrapes": len(s)}
    if not runs:
        return
    print("\n## Network namespaces (bench/netns.sh, `--collector.netns`)\n")
    print("One exporter in a namespace of its own reads K others of 10 interfaces each (5 veth pairs, "
          "link-layer and IPv6 groups, a tbf root on one), all default collectors, gzip. CPU = the exporter's "
          "whole-run CPU (/proc/PID/stat) / scrapes, which counts the reader threads that exit within each scrape; "
          "per namespace = (CPU at K − CPU at 0) / K; marginal = the same between consecutive K.\n")
    print("| K namespaces | scrapes | CPU ms | per namespace ms | marginal ms | latency p50 ms | series | bytes (gzip) | RSS max MiB |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    base = runs.get(0, {}).get("cpu")
    previous = None
    for k in sorted(runs):
        r = runs[k]
        per = "%.3f" % ((r["cpu"] - base) / k) if base is not None and k else "-"
        marginal = "%.3f" % ((r["cpu"] - runs[previous]["cpu"]) / (k - previous)) if previous is not None else "-"
        print("| %d | %d | %.2f | %s | %s | %.2f | %d | %d | %.1f |" % (
            k, r["scrapes"], r["cpu"], per, marginal, r["lat"], r["series"], r["bytes"], r["rss"]))
        previous = k
    ks = sorted(runs)
    if len(ks) >= 3:
        a, b, c = ks[-3], ks[-2], ks[-1]
        first = (runs[b]["cpu"] - runs[a]["cpu"]) / (b - a)
        last = (runs[c]["cpu"] - runs[b]["cpu"]) / (c - b)
        print("\nMarginal cost per namespace from %d to %d / from %d to %d: %.2f× (linear = 1×; goal ≤ 1.5×)."
              % (b, c, a, b, last / first if first else 0))


def queues_table(d):
    """bench/queues.sh: --collector.send_queue.per-queue beside the default scrape."""
    rows = []
    for path in glob.glob(os.path.join(d, "queues-*-*.json")):
        k, q = (int(x) for x in os.path.basename(path)[len("queues-"):-len(".json")].split("-"))
        with open(path) as f:
            run = json.load(f)
        med = {name: {"cpu": statistics.median(x["cpu_ms"] for x in t["samples"]),
                      "series": statistics.median(x["series"] for x in t["samples"])}
               for name, t in run.items()}
        rows.append((k, q, med))
    if not rows:
        return
    print("\n## Per transmit queue detail (bench/queues.sh, `--collector.send_queue.per-queue`)\n")
    print("K multiqueue veth interfaces (plus their K single-queue peers) with Q TX queues each and an mq "
          "root (one default child qdisc per queue); two exporters in the namespace, without and with the "
          "flag, scraped alternately with gzip. CPU = median per scrape (schedstat). Extra per queue = "
          "(CPU with − CPU without) / (K × Q), for the full scrape and for `collect[]=send_queue`.\n")
    print("| K | Q | K×Q | full CPU ms without / with | extra per queue µs | send_queue CPU ms without / with "
          "| extra per queue µs | series without / with |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for k, q, m in sorted(rows):
        a, b = m["default"], m["per_queue"]
        sa, sb = m["default_send_queue"], m["per_queue_send_queue"]
        print("| %d | %d | %d | %.2f / %.2f | %.2f | %.2f / %.2f | %.2f | %d / %d |" % (
            k, q, k * q, a["cpu"], b["cpu"], (b["cpu"] - a["cpu"]) * 1e3 / (k * q), sa["cpu"], sb["cpu"],
            (sb["cpu"] - sa["cpu"]) * 1e3 / (k * q), a["series"], b["series"]))


def slow_clients_table(d):
    """bench/slow_clients.sh: scrape latency while N slow connections are open, beside node_exporter."""
    path = os.path.join(d, "slow-clients.json")
    if not os.path.exists(path):
        return
    with open(path) as f:
        run = json.load(f)
    print("\n## Slow clients (bench/slow_clients.sh)\n")
    print("Each exporter gets N connections that send half a request (`GET /metrics HTTP/1.1\\r\\nHost: x\\r\\n`) "
          "and then nothing, from 8 source addresses, at the same time; a connection the server closes is opened "
          "again. 2 s after N is reached each exporter is scraped alternately, every scrape on a new connection with "
          "gzip; latency = connect to last byte; a scrape counts only with 200 and a whole body. Both exporters start "
          "with a soft open-files limit of 1024 (systemd's default) and may raise it. node_exporter runs its netdev "
          "collector only. RSS and threads from /proc/PID/status after the scrapes; CPU per scrape = the exporter's "
          "schedstat time around each scrape.\n")
    names = sorted(run)
    head = "| slow connections |"
    rule = "|---:|"
    for n in names:
        head += " %s p50 s | p99 s | max s | failed | RSS MiB | threads | CPU ms/scrape |" % n
        rule += "---:|---:|---:|---:|---:|---:|---:|"
    print(head)
    print(rule)
    levels = [row["slow"] for row in run[names[0]]]
    for i, level in enumerate(levels):
        line = "| %d%s |" % (level, "" if all(run[n][i]["reached"] for n in names) else " (not reached)")
        for n in names:
            r = run[n][i]
            line += " %.3f | %.3f | %.3f | %d/%d | %.1f | %d | %.1f |" % (
                r["p50_s"], r["p99_s"], r["max_s"], r["failed"], r["scrapes"], r["rss_kib"] / 1024, r["threads"],
                r["cpu_ms_per_scrape"])
        print(line)
    if "ifmib" in run:
        rows = {r["slow"]: r for r in run["ifmib"]}
        checks = []
        if 1000 in rows:
            checks.append(("p99 at 1000", "%.3f s" % rows[1000]["p99_s"], "< 1 s",
                           rows[1000]["p99_s"] < 1 and not rows[1000]["failed"]))
        if 5000 in rows:
            checks.append(("p99 at 5000", "%.3f s" % rows[5000]["p99_s"], "< 2 s",
                           rows[5000]["p99_s"] < 2 and not rows[5000]["failed"]))
            if 0 in rows:
                growth = (rows[5000]["rss_kib"] - rows[0]["rss_kib"]) / 1024
                checks.append(("RSS growth 0 -> 5000", "%.1f MiB" % growth, "< 64 MiB", growth < 64))
        if checks:
            print("\n| ifmib_exporter | measured | goal | met |\n|---|---:|---:|:-:|")
            for what, value, goal, ok in checks:
                print("| %s | %s | %s | %s |" % (what, value, goal, "yes" if ok else "**no**"))


if len(sys.argv) == 3 and sys.argv[1] == "--slow-clients":
    slow_clients_table(sys.argv[2])
else:
    main()
