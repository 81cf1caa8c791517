#!/usr/bin/env python3
"""Prometheus evaluating the rules of bench/rule_eval_bench.cc, for bench/run.sh (SPEC 15).

    prom_rules.py WORKDIR [--phases 24h,2m] [--evals 3] [--evals-24h 1] [--rules-24h 20]
                  [--deadline 1500]

The same data and rules as rule_eval_bench: 1,000 series `cpu_usage{host="h0000".."h0999"}`, the
same per-host random walk at a 10 s step, and 100 alerting rules with the same aggregations and
thresholds, as `*_over_time` functions:

    avg -> avg_over_time(cpu_usage[W]) >= T      sum   -> sum_over_time(...) >= T x W/10s
    min/max/last -> min_/max_/last_over_time     count -> count_over_time(...) <= 0
    p95/p99 -> quantile_over_time(0.95|0.99, cpu_usage[W]) >= T

The 2-minute group has all 100 rules. The 24-hour group has the first 20 (--rules-24h), which
are the same mix (3 each of avg/sum/min/max/last/count, one p95, one p99): Prometheus needs
seconds per rule over 24 h (8.6 M samples), so 100 rules would take minutes per evaluation. Its
rules run one after another, so the cost per rule x series does not depend on how many there are.

Steps (everything in WORKDIR, on 127.0.0.1, every wait bounded, Prometheus stopped by its PID):
 1. writes 24 h of the walk (8,641 samples per series, ending at the last 10 s boundary) as
    OpenMetrics text and backfills it with `promtool tsdb create-blocks-from openmetrics`;
 2. serves the walk's next values on a local /metrics, which Prometheus scrapes every 10 s (the
    samples written after the backfill, so the windows stay full while the rules run: without
    them a 2-minute window would be empty by the time Prometheus starts);
 3. starts Prometheus on the backfilled directory with one rule group per phase (24 h first,
    then a new process on the same directory for 2 m: by then the 2-minute window holds only
    scraped samples; a reload would leave the 24 h evaluation in flight, competing), a 10 s
    evaluation_interval, and reads each completed evaluation from its own /api/v1/rules
    (the group's evaluationTime and each rule's) and its CPU time from /proc/PID/stat;
 4. prints one line per phase:
    PROM window=24h rules=20 evals=1 ns_per_rule_series=... cpu_ns_per_rule_series=... group_s=...
         samples_per_series=... quantile_share=... first_s=...
    ns_per_rule_series is the median, over the evaluations after the first (the first may pay
    for reading the blocks from disk), of the group's evaluationTime / (rules x 1,000 series):
    --evals of them for 2 m, --evals-24h for 24 h (each takes tens of seconds);
    cpu_ns_per_rule_series is Prometheus's whole-process CPU time (all threads, scrapes included)
    over those evaluations divided the same way.
"""
import argparse
import http.server
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request

HOSTS = 1000
RULES = 100
TICK_S = 10
MASK = (1 << 64) - 1
CLK_TCK = os.sysconf("SC_CLK_TCK")


def log(msg):
    print(f"[prom_rules {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


class Walk:
    """The random walk of rule_eval_bench.cc (xorshift64, steps of +-2.00, reflected at 10 and 90,
    truncated to two decimals), bit for bit."""

    __slots__ = ("state", "v")

    def __init__(self, host):
        self.state = (0x9E3779B97F4A7C15 * (host + 1)) & MASK
        self.v = 50.0

    def next(self):
        s = self.state
        s ^= (s << 13) & MASK
        s ^= s >> 7
        s ^= (s << 17) & MASK
        self.state = s
        v = self.v + ((s % 401) - 200) / 100
        if v < 10:
            v = 20 - v
        if v > 90:
            v = 180 - v
        self.v = v
        return int(v * 100) / 100


def aggregations():
    """Rule j's aggregation, as RuleAggregations() in rule_eval_bench.cc."""
    cycle = ["avg", "sum", "min", "max", "last", "count"]
    out, other = [], 0
    for j in range(RULES):
        if j % 20 == 6:
            out.append("p95")
        elif j % 20 == 16:
            out.append("p99")
        else:
            out.append(cycle[other % 6])
            other += 1
    return out


def rule_expr(agg, j, window, window_s):
    threshold = 85 + j % 5
    sel = f"cpu_usage[{window}]"
    if agg == "sum":
        return f"sum_over_time({sel}) >= {threshold * (window_s // TICK_S)}"
    if agg == "count":
        return f"count_over_time({sel}) <= 0"
    if agg in ("p95", "p99"):
        return f"quantile_over_time(0.{agg[1:]}, {sel}) >= {threshold}"
    return f"{agg}_over_time({sel}) >= {threshold}"


def write_rules(path, window, window_s, count):
    """The first `count` rules (a multiple of 20 keeps the mix: every 20 consecutive rules are 3
    each of avg/sum/min/max/last/count, one p95 and one p99)."""
    lines = ["groups:", f"  - name: bench_{window}", "    interval: 10s", "    rules:"]
    for j, agg in enumerate(aggregations()[:count]):
        lines.append(f"      - alert: bench_rule_{j:03d}_{agg}")
        lines.append(f"        expr: {rule_expr(agg, j, window, window_s)}")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def write_openmetrics(wd, walks, end_s, samples):
    """The samples as OpenMetrics files, one per 2-hour range aligned as promtool aligns its
    blocks (so that each promtool run reads only its own block's samples: one file for all of
    them is parsed once per block, 13 times over), series-major within a file. Returns the paths."""
    block = 7200
    start = end_s - (samples - 1) * TICK_S
    paths = []
    lo = start
    while lo <= end_s:
        hi = min(end_s, (lo // block + 1) * block - TICK_S)  # the last 10 s step in lo's block
        times = [str(t) for t in range(lo, hi + 1, TICK_S)]
        path = os.path.join(wd, f"data-{lo}.om")
        with open(path, "w") as f:
            f.write("# TYPE cpu_usage gauge\n")
            for h, w in enumerate(walks):
                head = f'cpu_usage{{host="h{h:04d}"}} '
                f.write("".join(f"{head}{w.next()} {t}\n" for t in times))
            f.write("# EOF\n")
        paths.append(path)
        lo = hi + TICK_S
    return paths


class Feed(http.server.BaseHTTPRequestHandler):
    """/metrics: each walk's next value per scrape (Prometheus stamps the scrape time)."""

    walks = []
    lock = threading.Lock()

    def do_GET(self):  # noqa: N802 (http.server's name)
        with Feed.lock:
            body = "".join(f'cpu_usage{{host="h{h:04d}"}} {w.next()}\n' for h, w in enumerate(Feed.walks))
        data = body.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; version=0.0.4")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def get_json(url, timeout=10):
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return json.load(r)


def proc_cpu_s(pid):
    with open(f"/proc/{pid}/stat") as f:
        rest = f.read().rsplit(")", 1)[1].split()
    return (int(rest[11]) + int(rest[12])) / CLK_TCK  # utime + stime


def write_config(path, rule_file, feed_port):
    with open(path, "w") as f:
        f.write(f"""global:
  scrape_interval: 10s
  evaluation_interval: 10s
rule_files: ['{rule_file}']
scrape_configs:
  - job_name: feed
    static_configs: [{{targets: ['127.0.0.1:{feed_port}']}}]
    metric_relabel_configs:
      - {{action: labeldrop, regex: 'job|instance'}}
""")


def group_of(url, name):
    for g in get_json(f"{url}/api/v1/rules")["data"]["groups"]:
        if g["name"] == name:
            return g
    return None


def measure(url, pid, window, rules, evals, deadline):
    """Waits for evals + 1 completed evaluations of group bench_<window>; returns the figures."""
    name = f"bench_{window}"
    seen, rows = None, []
    while len(rows) < evals + 1:
        if time.monotonic() > deadline:
            raise SystemExit(f"prom_rules: deadline reached with {len(rows)} evaluations of {name}")
        if not os.path.exists(f"/proc/{pid}"):
            raise SystemExit("prom_rules: prometheus exited (see its log)")
        g = group_of(url, name)
        last = g and g.get("lastEvaluation", "")
        if last and not last.startswith("0001-") and last != seen:
            seen = last
            bad = [r for r in g["rules"] if r.get("health") == "err"]
            if bad:
                raise SystemExit(f"prom_rules: {bad[0]['name']}: {bad[0].get('lastError')}")
            per_agg = {}
            for r in g["rules"]:
                agg = r["name"].rsplit("_", 1)[1]
                per_agg[agg] = per_agg.get(agg, 0) + r["evaluationTime"]
            rows.append((g["evaluationTime"], proc_cpu_s(pid), per_agg))
            log(f"{name}: evaluation {len(rows)} took {g['evaluationTime']:.3f} s")
        time.sleep(0.5)
    n = rules * HOSTS
    steady = rows[1:]
    walls = [r[0] for r in steady]
    # CPU from the end of the first measured evaluation's predecessor to the end of the last.
    cpu = (rows[-1][1] - rows[0][1]) / len(steady)
    total = sum(sum(r[2].values()) for r in steady)
    quant = sum(r[2].get("p95", 0) + r[2].get("p99", 0) for r in steady)
    return {
        "evals": len(steady),
        "group_s": statistics.median(walls),
        "ns": statistics.median(walls) * 1e9 / n,
        "cpu_ns": cpu * 1e9 / n,
        "first_s": rows[0][0],
        "quantile_share": quant / total if total else 0,
    }


def samples_in_window(url, window):
    q = urllib.parse.quote(f'count_over_time(cpu_usage{{host="h0000"}}[{window}])')
    res = get_json(f"{url}/api/v1/query?query={q}")["data"]["result"]
    return res[0]["value"][1] if res else "0"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("workdir")
    ap.add_argument("--phases", default="24h,2m")
    ap.add_argument("--evals", type=int, default=3, help="2 m evaluations measured")
    ap.add_argument("--evals-24h", type=int, default=1, help="24 h evaluations measured")
    ap.add_argument("--rules-24h", type=int, default=20,
                    help="rules in the 24 h group (a multiple of 20; Prometheus needs seconds per rule)")
    ap.add_argument("--deadline", type=int, default=1500, help="seconds for the whole script")
    args = ap.parse_args()
    deadline = time.monotonic() + args.deadline
    wd = os.path.abspath(args.workdir)
    os.makedirs(wd, exist_ok=True)
    windows = {"2m": 120, "24h": 86400}
    phases = args.phases.split(",")
    if args.rules_24h % 20 or not 20 <= args.rules_24h <= RULES:
        raise SystemExit("prom_rules: --rules-24h must be 20, 40, 60, 80 or 100")
    if args.evals < 1 or args.evals_24h < 1:
        raise SystemExit("prom_rules: --evals and --evals-24h must be at least 1")
    for p in phases:
        if p not in windows:
            raise SystemExit(f"prom_rules: unknown phase {p} (2m, 24h)")

    walks = [Walk(h) for h in range(HOSTS)]
    end_s = int(time.time()) // TICK_S * TICK_S
    samples = 86400 // TICK_S + 1
    data = os.path.join(wd, "data")
    t0 = time.monotonic()
    paths = write_openmetrics(wd, walks, end_s, samples)
    log(f"wrote {HOSTS} x {samples} samples in {len(paths)} files in {time.monotonic() - t0:.0f} s")
    t0 = time.monotonic()
    with open(os.path.join(wd, "promtool.log"), "w") as plog:
        for path in paths:
            subprocess.run(["promtool", "tsdb", "create-blocks-from", "openmetrics", "-q", path, data],
                           stdout=plog, stderr=subprocess.STDOUT, check=True,
                           timeout=max(1, deadline - time.monotonic()))
            os.remove(path)
    log(f"promtool backfill: {len(os.listdir(data))} blocks in {time.monotonic() - t0:.0f} s")

    Feed.walks = walks
    feed = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Feed)
    threading.Thread(target=feed.serve_forever, daemon=True).start()
    feed_port = feed.server_address[1]

    counts = {"2m": RULES, "24h": args.rules_24h}
    evals = {"2m": args.evals, "24h": args.evals_24h}
    for p in phases:
        write_rules(os.path.join(wd, f"rules-{p}.yml"), p, windows[p], counts[p])
    cfg = os.path.join(wd, "prometheus.yml")
    plog = open(os.path.join(wd, "prometheus.log"), "a")
    proc = None
    first_start = None
    try:
        for p in phases:
            if proc is not None:
                # A short window holds scraped samples only: wait until it is full of them (the
                # running process keeps scraping meanwhile).
                wait = first_start + windows[p] + 2 * TICK_S - time.monotonic()
                if wait > 0:
                    time.sleep(wait)
                # A fresh process per phase: a reload (SIGHUP) would leave the old group's
                # evaluation in flight, competing with the new group's; SIGTERM cancels it.
                stop(proc)
            write_config(cfg, os.path.join(wd, f"rules-{p}.yml"), feed_port)
            proc, url = start_prometheus(cfg, data, plog)
            if first_start is None:
                first_start = time.monotonic()
            log(f"prometheus pid {proc.pid} at {url}, rules bench_{p}, feed at 127.0.0.1:{feed_port}")
            r = measure(url, proc.pid, p, counts[p], evals[p], deadline)
            n = samples_in_window(url, p)
            if float(n) < 0.9 * (windows[p] // TICK_S):
                log(f"warning: the {p} window holds only {n} samples of h0000")
            print(f"PROM window={p} rules={counts[p]} evals={r['evals']} ns_per_rule_series={r['ns']:.1f} "
                  f"cpu_ns_per_rule_series={r['cpu_ns']:.1f} group_s={r['group_s']:.4f} "
                  f"samples_per_series={n} quantile_share={r['quantile_share']:.3f} "
                  f"first_s={r['first_s']:.3f}", flush=True)
    finally:
        if proc is not None:
            stop(proc)
        feed.shutdown()
        plog.close()


def start_prometheus(cfg, data, plog):
    """Prometheus on a free 127.0.0.1 port; returns (Popen, url) once /-/ready answers."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen(["prometheus", f"--config.file={cfg}", f"--storage.tsdb.path={data}",
                             f"--web.listen-address=127.0.0.1:{port}", "--log.level=warn",
                             "--storage.tsdb.retention.time=30d",
                             # (hidden flag) no compaction of the 13 backfilled blocks while the
                             # rules are timed
                             "--storage.tsdb.max-block-duration=2h"],
                            stdout=plog, stderr=subprocess.STDOUT)
    for _ in range(300):  # ready within 60 s
        if proc.poll() is not None:
            raise SystemExit("prom_rules: prometheus exited at start (see prometheus.log)")
        try:
            urllib.request.urlopen(f"{url}/-/ready", timeout=2).close()
            return proc, url
        except OSError:
            time.sleep(0.2)
    stop(proc)
    raise SystemExit("prom_rules: prometheus not ready in 60 s")


def stop(proc):
    """SIGTERM to the PID we started, SIGKILL after 20 s."""
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()

if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    main()
