#!/usr/bin/env python3
"""Request bodies for bench/run.sh (SPEC 15), deterministic for a seed.

  gen_bodies.py OUTDIR [--seed N] [--transcript-bodies K] [--tag TAG]

writes
  OUTDIR/ingest.json         1,000 `request` events as a JSON array (botmon /api/v1/events)
  OUTDIR/ingest.lp           the same 1,000 events as InfluxDB line protocol (VictoriaMetrics and
                             InfluxDB /write): requests,host=..,route=.. latency_ms=..,status=..i TS
  OUTDIR/transcript-K.json   K bodies of 1,000 message.in/message.out events each: 250 sessions
                             of 2 user turns and 2 replies, ~100-byte texts, session ids unique
                             per body (and per TAG, so that a rerun never reopens old sessions)

Both ingest files carry the same timestamp per event (epoch ms in JSON, ns in line protocol), so
neither side parses less than the other. Texts avoid anything the default redaction rules (card
numbers, e-mail addresses) would rewrite.
"""
import argparse
import json
import os
import random
import sys
import time

ROUTES = ["/api/orders", "/api/orders/:id", "/api/cart", "/api/catalog/search", "/api/users/:id",
          "/api/payments", "/nlu/parse", "/api/shipping/quote", "/api/faq", "/api/stock"]
WORDS = ("order delivery tracking refund payment invoice account password address shipping "
         "product size color stock discount coupon return exchange warranty support agent "
         "schedule appointment store hours weekend holiday express standard package box "
         "receipt balance card wallet subscription plan upgrade cancel renew status pending "
         "confirmed shipped delayed arrived thanks please help question answer today tomorrow "
         "morning evening number reference catalog price total checkout basket item quantity").split()


def request_events(rng, n, base_ms):
    """n request events: (ts_ms, latency_ms, status, route)."""
    out = []
    for i in range(n):
        latency = round(min(3_000_000.0, rng.lognormvariate(3.0, 0.8)), 1)
        r = rng.random()
        status = 200 if r < 0.95 else (404 if r < 0.98 else 500)
        out.append((base_ms - (n - i), latency, status, rng.choice(ROUTES)))
    return out


def ingest_json(events):
    items = [json.dumps({"type": "request", "ts": ts, "latency_ms": lat, "status": st, "route": rt},
                        separators=(",", ":")) for ts, lat, st, rt in events]
    return "[" + ",".join(items) + "]"


def ingest_lp(events, host="bench-host"):
    lines = []
    for ts, lat, st, rt in events:
        # Tag values escape commas, spaces and '='; the routes have none but ':' and '/' are fine.
        lines.append(f"requests,host={host},route={rt} latency_ms={lat},status={st}i {ts * 1_000_000}")
    return "\n".join(lines) + "\n"


def text(rng, size=100):
    words = []
    length = 0
    while length < size:
        w = rng.choice(WORDS)
        words.append(w)
        length += len(w) + 1
    s = " ".join(words)
    return s[0].upper() + s[1:size].rstrip() + "."


def transcript_body(rng, tag, sessions=250, unique_word=None):
    """1,000 events: per session message.in, message.out, message.in, message.out. With
    unique_word, the last user message of the body contains it."""
    items = []
    channels = ["web", "whatsapp", "telegram", "email"]
    for s in range(sessions):
        sid = f"{tag}-{s:04d}"
        bot = "mycompany" if s % 3 else "support-bot"
        channel = channels[s % 4]
        user = f"user-{tag}-{s}"
        for turn in range(2):
            t_in = text(rng)
            if unique_word and s == sessions - 1 and turn == 1:
                t_in = t_in[:-1] + " " + unique_word + "."
            ev_in = {"type": "message.in", "session": sid, "text": t_in}
            if turn == 0:
                ev_in.update({"bot": bot, "channel": channel, "user": user})
            items.append(json.dumps(ev_in, separators=(",", ":")))
            items.append(json.dumps({"type": "message.out", "session": sid, "text": text(rng),
                                     "latency_ms": round(rng.uniform(300, 2500))},
                                    separators=(",", ":")))
    return "[" + ",".join(items) + "]"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("outdir")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--transcript-bodies", type=int, default=8)
    ap.add_argument("--tag", default="tb")
    a = ap.parse_args()
    if not 1 <= a.transcript_bodies <= 64:
        sys.exit("gen_bodies.py: --transcript-bodies must be 1..64")
    os.makedirs(a.outdir, exist_ok=True)
    rng = random.Random(a.seed)
    events = request_events(rng, 1000, int(time.time() * 1000))
    with open(os.path.join(a.outdir, "ingest.json"), "w") as f:
        f.write(ingest_json(events))
    with open(os.path.join(a.outdir, "ingest.lp"), "w") as f:
        f.write(ingest_lp(events))
    for k in range(a.transcript_bodies):
        with open(os.path.join(a.outdir, f"transcript-{k}.json"), "w") as f:
            f.write(transcript_body(rng, f"{a.tag}{k}"))


if __name__ == "__main__":
    main()
