#!/usr/bin/env python3
"""Alert latency (SPEC 15: <= 1 tick + 100 ms from the breaking sample's tick end to the
webhook's receipt), for bench/run.sh.

    alert_latency.py BOTMON_BIN WORKDIR [--incidents 10] [--deadline 180]

Starts the real `botmon serve --tick 1s` (a fresh data directory, a botmon.yaml with one rule
and one webhook channel, the default rules switched off so nothing else is sent) and a webhook
receiver on 127.0.0.1, then runs INCIDENTS open/resolve cycles:

  open:    ~200 ms after a second boundary, POST /api/v1/events one custom gauge
           `bench.latency` = 150 (ingest token from `botmon token create --role ingest`); the
           rule `last(bench.latency) >= 100` over one tick, `for: 0s`, opens an incident at the
           end of that tick; the receiver notes when the `incident.opened` POST arrives;
  resolve: the same with 0: `incident.resolved`.

Per notification it reports, on the receiver's clock (the same machine clock botmon uses):
  latency   = receipt - the incident's startTime (opened) or endTime (resolved), which is the
              end of the tick whose evaluation made the transition: the ticker's wake-up, host
              collection, closing the tick, the evaluation, the SQLite commit of incident + state +
              outbox row, the delivery worker and the HTTP POST. This is the SPEC 15 figure;
  from_ack  = receipt - the moment the ingest reply arrived (what a bot sees: the above plus
              the wait for the tick to end, up to one tick);
and checks that the transition happened at the end of the tick in which the value was sent
(`late_ticks` counts those that did not: the value landed in a later tick).

Prints: ALERT tick_ms=1000 n=10 open_median_ms=... open_p95_ms=... open_max_ms=...
        resolve_median_ms=... from_ack_median_ms=... late_ticks=0
"""
import argparse
import datetime
import http.server
import json
import math
import os
import queue
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.request

RULE = "bench latency"
FIELD = "bench.latency"
DEFAULT_KEYS = ["cpuWarning", "cpuCritical", "memWarning", "memCritical", "diskWarning",
                "diskCritical", "gpuWarning", "gpuCritical", "responseWarning", "responseCritical",
                "errorRateWarning", "errorRateCritical", "queueWarning", "queueCritical",
                "serviceDown", "nodeDown"]


def log(msg):
    print(f"[alert_latency {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


class Receiver(http.server.BaseHTTPRequestHandler):
    hooks = queue.Queue()

    def do_POST(self):  # noqa: N802 (http.server's name)
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        received = time.time()
        self.send_response(204)
        self.end_headers()
        try:
            Receiver.hooks.put((received, json.loads(body)))
        except ValueError:
            Receiver.hooks.put((received, {"event": "unparsable", "body": body[:200].decode("utf-8", "replace")}))

    def log_message(self, *args):
        pass


def epoch_ms(rfc3339):
    t = datetime.datetime.fromisoformat(rfc3339.replace("Z", "+00:00"))
    return round(t.timestamp() * 1000)


def percentile(values, p):
    """Nearest rank."""
    v = sorted(values)
    return v[max(0, math.ceil(p / 100 * len(v)) - 1)]


def post_event(url, token, value):
    body = json.dumps([{"type": "gauge", "name": FIELD, "value": value}]).encode()
    req = urllib.request.Request(f"{url}/api/v1/events", data=body, method="POST",
                                 headers={"Authorization": f"Bearer {token}",
                                          "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=5) as r:
        reply = json.load(r)
    if reply.get("accepted") != 1:
        raise SystemExit(f"alert_latency: botmon did not accept the event: {reply}")


def sleep_to_phase(tick_s, phase_s):
    """Sleeps until `phase_s` after the next tick boundary."""
    now = time.time()
    target = math.floor(now / tick_s) * tick_s + tick_s + phase_s
    time.sleep(target - now)


def wait_hook(event, deadline):
    """The next webhook for our rule with this event; other rules' notifications are skipped."""
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise SystemExit(f"alert_latency: no {event} webhook in time")
        try:
            received, body = Receiver.hooks.get(timeout=min(left, 15))
        except queue.Empty:
            raise SystemExit(f"alert_latency: no {event} webhook within 15 s") from None
        inc = body.get("incident", {})
        if body.get("event") == event and inc.get("ruleName") == RULE:
            return received, inc
        log(f"(ignored webhook: {body.get('event')} {inc.get('ruleName')})")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("botmon")
    ap.add_argument("workdir")
    ap.add_argument("--incidents", type=int, default=10)
    ap.add_argument("--deadline", type=int, default=180, help="seconds for the whole script")
    args = ap.parse_args()
    if not 1 <= args.incidents <= 100:
        raise SystemExit("alert_latency: --incidents must be 1..100")
    deadline = time.monotonic() + args.deadline
    tick_s = 1.0
    wd = os.path.abspath(args.workdir)
    data = os.path.join(wd, "data")
    os.makedirs(data, exist_ok=True)

    hook = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=hook.serve_forever, daemon=True).start()
    hook_url = f"http://127.0.0.1:{hook.server_address[1]}/hook"

    cfg = os.path.join(wd, "botmon.yaml")
    with open(cfg, "w") as f:
        f.write("alerting:\n  defaults: {" + ", ".join(f"{k}: false" for k in DEFAULT_KEYS) + "}\n")
        f.write(f"channels:\n  - {{name: bench-hook, kind: webhook, url: \"{hook_url}\"}}\n")
        f.write(f"""rules:
  - name: {RULE}
    field: {FIELD}
    aggregation: last
    operand: equalOrMoreThan
    value: 100
    timeframe: 1s
    for: 0s
    cooldown: 0s
    channels: [bench-hook]
""")
    token = subprocess.run([args.botmon, "token", "create", "--name", "bench-ingest", "--role", "ingest",
                            "--data-dir", data], capture_output=True, text=True, check=True,
                           timeout=30).stdout.strip()
    port_file = os.path.join(wd, "port")
    blog = open(os.path.join(wd, "botmon.log"), "w")
    proc = subprocess.Popen([args.botmon, "serve", "--config", cfg, "--data-dir", data,
                             "--listen", "127.0.0.1:0", "--port-file", port_file, "--tick", "1s",
                             "--host-name", "bench-host"], stdout=blog, stderr=subprocess.STDOUT)
    opened, resolved, from_ack, late = [], [], [], 0
    try:
        for _ in range(300):  # port file and /readyz within 60 s
            if proc.poll() is not None:
                raise SystemExit(f"alert_latency: botmon exited at start (see {blog.name})")
            if os.path.exists(port_file) and os.path.getsize(port_file) > 0:
                url = f"http://127.0.0.1:{open(port_file).read().strip()}"
                try:
                    urllib.request.urlopen(f"{url}/readyz", timeout=2).close()
                    break
                except OSError:
                    pass
            time.sleep(0.2)
        else:
            raise SystemExit("alert_latency: botmon not ready in 60 s")
        log(f"botmon pid {proc.pid} at {url}, tick 1 s, webhook {hook_url}")
        # A low value first (the field's first use registers it), then a few quiet ticks.
        post_event(url, token, 0)
        time.sleep(3 * tick_s)
        for i in range(args.incidents):
            for event, value, out in (("incident.opened", 150, opened), ("incident.resolved", 0, resolved)):
                sleep_to_phase(tick_s, 0.2)
                sent = time.time()
                post_event(url, token, value)
                acked = time.time()
                expected_ms = (math.floor(sent / tick_s) + 1) * round(tick_s * 1000)
                received, inc = wait_hook(event, deadline)
                at_ms = epoch_ms(inc["startTime"] if event == "incident.opened" else inc["endTime"])
                if at_ms != expected_ms or math.floor(acked / tick_s) != math.floor(sent / tick_s):
                    late += 1
                    log(f"{event}: transition at {at_ms}, expected the tick ending at {expected_ms}")
                out.append(received * 1000 - at_ms)
                if event == "incident.opened":
                    from_ack.append((received - acked) * 1000)
            log(f"incident {i + 1}: opened {opened[-1]:.1f} ms, resolved {resolved[-1]:.1f} ms after their tick's end")
        if proc.poll() is not None:
            raise SystemExit("alert_latency: botmon exited during the run")
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        hook.shutdown()
        blog.close()
    print(f"ALERT tick_ms=1000 n={len(opened)} open_median_ms={statistics.median(opened):.1f} "
          f"open_p95_ms={percentile(opened, 95):.1f} open_max_ms={max(opened):.1f} "
          f"resolve_median_ms={statistics.median(resolved):.1f} "
          f"resolve_p95_ms={percentile(resolved, 95):.1f} "
          f"from_ack_median_ms={statistics.median(from_ack):.1f} late_ticks={late}", flush=True)


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    main()
