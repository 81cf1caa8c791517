#!/usr/bin/env python3
"""Transcript searchability lag for bench/run.sh (SPEC 15: searchable within 2 s).

  search_lag.py BASE_URL INGEST_TOKEN MONITOR_TOKEN TAG [--timeout S]

Posts one more 1,000-event message.in/message.out body (sessions TAG-....) whose last user message
holds a word seen nowhere else, and measures from the moment the 200 reply arrives (the messages
are acknowledged, i.e. in the ingest log) until GET /api/monitoring/sessions?q=WORD lists the
session. Polls every 20 ms (each poll waits for its reply first), for at most --timeout seconds.

Prints one line:  LAG word=W lag_ms=X polls=N post_ms=X
Exit status 1 when the post fails or the word is not found in time.
"""
import argparse
import http.client
import json
import os
import random
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_bodies  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("base_url")
    ap.add_argument("ingest_token")
    ap.add_argument("monitor_token")
    ap.add_argument("tag")
    ap.add_argument("--timeout", type=float, default=60.0)
    a = ap.parse_args()

    u = urllib.parse.urlparse(a.base_url)
    rng = random.Random()
    word = "zqx" + "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(12))
    body = gen_bodies.transcript_body(rng, a.tag, unique_word=word).encode()
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)

    t0 = time.monotonic()
    conn.request("POST", "/api/v1/events", body=body,
                 headers={"Authorization": "Bearer " + a.ingest_token,
                          "Content-Type": "application/json"})
    r = conn.getresponse()
    reply = r.read()
    t_ack = time.monotonic()
    if r.status != 200:
        sys.exit(f"search_lag.py: POST answered {r.status}: {reply[:300]!r}")
    got = json.loads(reply)
    if got.get("accepted") != 1000 or got.get("rejected"):
        sys.exit(f"search_lag.py: POST accepted {got.get('accepted')}, rejected {got.get('rejected')}")

    path = "/api/monitoring/sessions?" + urllib.parse.urlencode({"q": word})
    want = f"{a.tag}-0249"
    polls = 0
    while True:
        polls += 1
        conn.request("GET", path, headers={"Authorization": "Bearer " + a.monitor_token})
        r = conn.getresponse()
        data = r.read()
        if r.status != 200:
            sys.exit(f"search_lag.py: GET sessions answered {r.status}: {data[:300]!r}")
        page = json.loads(data)
        if any(s.get("id") == want for s in page.get("sessions", [])):
            t_found = time.monotonic()
            break
        if time.monotonic() - t_ack > a.timeout:
            sys.exit(f"search_lag.py: '{word}' not searchable after {a.timeout:.0f} s ({polls} polls)")
        time.sleep(0.02)
    print(f"LAG word={word} lag_ms={(t_found - t_ack) * 1000:.1f} polls={polls} "
          f"post_ms={(t_ack - t0) * 1000:.1f}")


if __name__ == "__main__":
    main()
