#!/usr/bin/env bash
# bench/run.sh BUILD_DIR: the SPEC 15 measurements behind `make bench` (see docs/benchmarks.md).
#
# Starts botmon and the peers (Debian's VictoriaMetrics, InfluxDB 1.6 and Prometheus) on
# 127.0.0.1 with free ports and temporary directories, measures, stops every process it started
# by PID, prints the results table and writes it to BUILD_DIR/bench-results.md.
#
#   1. ingest events/s over HTTP (wrk -t2 -c8, 1,000 `request` events per body) vs the same events
#      as line protocol to VictoriaMetrics' and InfluxDB's /write, in the same run;
#   2. transcript messages/s (1,000 message.in/out events per body) and the search lag;
#   3. /api/monitoring/status vs Prometheus's /api/v1/query?query=up (wrk -t2 -c64), p99;
#   4. the idle server at --tick 1s: CPU % of one core (schedstat) and RSS;
#   5. bytes per sample on the demo's 24 h corpus (bench/corpus_bytes);
#   6. the Google Benchmark micro benchmarks (results file only);
#   7. rule evaluation: the Evaluator on 1,000 series x 100 rules, 2 m and 24 h windows
#      (bench/rule_eval_bench), vs Prometheus evaluating the same rules (bench/prom_rules.py);
#   8. alert latency: breaking tick's end -> local webhook, botmon at --tick 1s
#      (bench/alert_latency.py);
#   9. the dashboard in headless Chromium: navigation to cards with data, a 24 h chart's
#      creation and a live chart update (bench/dashboard_bench.mjs).
# 1-3 are repeated BENCH_RUNS times (default 3) and reported as medians; 4 runs once for
# BENCH_IDLE_SECONDS (default 60) after a 10 s warm-up; 5 is deterministic and runs once; 7 runs
# rule_eval_bench BENCH_RUNS times and Prometheus once (medians over its evaluations); 8 runs
# BENCH_ALERT_INCIDENTS (default 10) open/resolve cycles; 9 runs DASH_RUNS (default 5) navigations.
#
# Environment: BENCH_RUNS, BENCH_IDLE_SECONDS, BENCH_DURATION (wrk -d, default 5s),
# BENCH_SKIP (comma list of ingest,transcripts,status,idle,corpus,micro,rules,alert,dashboard),
# BENCH_ALERT_INCIDENTS (default 10), BENCH_PROM_RULES_24H (rules in Prometheus's 24 h group,
# default 20: see bench/prom_rules.py), BENCH_KEEP=1 (keep the
# temporary directory and its logs), BENCH_INFLUX_WAL_FSYNC_DELAY (InfluxDB's
# data.wal-fsync-delay, default "0s" as shipped: fsync on every write).
set -euo pipefail
export PYTHONDONTWRITEBYTECODE=1  # no __pycache__ in bench/

BENCH_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=bench/lib.sh
source "$BENCH_SRC/lib.sh"

[[ $# -eq 1 ]] || { echo "usage: bench/run.sh BUILD_DIR" >&2; exit 2; }
BUILD=$(cd "$1" && pwd)
BIN=$BUILD/botmon
RUNS=${BENCH_RUNS:-3}
IDLE_SECONDS=${BENCH_IDLE_SECONDS:-60}
DURATION=${BENCH_DURATION:-5s}
SKIP=",${BENCH_SKIP:-},"
RESULTS=$BUILD/bench-results.md
BENCH_FAIL_LOGS=$BUILD/bench-logs
BENCH_CLK_TCK=$(getconf CLK_TCK)

[[ "$RUNS" =~ ^[1-9][0-9]?$ ]] || { echo "BENCH_RUNS must be 1..99" >&2; exit 2; }
[[ "$IDLE_SECONDS" =~ ^[0-9]+$ && "$IDLE_SECONDS" -ge 1 && "$IDLE_SECONDS" -le 3600 ]] ||
  { echo "BENCH_IDLE_SECONDS must be 1..3600" >&2; exit 2; }
[[ -x "$BIN" ]] || { echo "$BIN not found: build first (make bench)" >&2; exit 2; }
for tool in wrk curl python3 victoria-metrics influxd prometheus promtool; do
  command -v "$tool" >/dev/null || { echo "$tool not found (scripts/install-deps.sh test)" >&2; exit 2; }
done

skipped() { [[ "$SKIP" == *",$1,"* ]]; }
# A benchmark binary: bench/CMakeLists.txt puts them in BUILD_DIR/bench.
bench_bin() {
  local d
  for d in "$BUILD/bench" "$BUILD"; do
    [[ -x "$d/$1" ]] && { echo "$d/$1"; return 0; }
  done
  return 1
}

rm -rf "$BENCH_FAIL_LOGS"
BENCH_TMP=$(mktemp -d "${TMPDIR:-/tmp}/botmon-bench.XXXXXX")
trap bench_cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------------------------------------
# Servers
# ---------------------------------------------------------------------------------------------

# start_botmon NAME TICK [serve args...]: a fresh botmon with an ingest and a monitor token.
# Sets B_PID, B_URL, B_ING, B_MON, B_DIR.
start_botmon() {
  local name=$1 tick=$2
  shift 2
  B_DIR=$BENCH_TMP/botmon-$name
  mkdir -p "$B_DIR/data"
  B_ING=$("$BIN" token create --name bench-ingest --role ingest --data-dir "$B_DIR/data" 2>>"$B_DIR/token.log") ||
    bench_die "botmon token create failed: $(cat "$B_DIR/token.log")"
  B_MON=$("$BIN" token create --name bench-monitor --role monitor --data-dir "$B_DIR/data" 2>>"$B_DIR/token.log") ||
    bench_die "botmon token create failed: $(cat "$B_DIR/token.log")"
  "$BIN" serve --data-dir "$B_DIR/data" --listen 127.0.0.1:0 --port-file "$B_DIR/port" \
    --tick "$tick" --host-name bench-host "$@" >"$B_DIR/botmon.log" 2>&1 &
  B_PID=$!
  bench_track "$B_PID" "botmon ($name)" "$B_DIR/botmon.log"
  bench_wait_file "$B_DIR/port" 30 "$B_PID" || bench_die "botmon ($name) wrote no port file in 30 s"
  B_URL=http://127.0.0.1:$(cat "$B_DIR/port")
  bench_wait_http "$B_URL/readyz" 30 "$B_PID" || bench_die "botmon ($name) not ready at $B_URL/readyz in 30 s (or it exited)"
  bench_log "botmon ($name) pid $B_PID at $B_URL, tick $tick"
}

# Sets VM_PID, VM_URL.
start_vm() {
  local d=$BENCH_TMP/vm port
  mkdir -p "$d"
  port=$(bench_free_port)
  victoria-metrics -storageDataPath "$d/data" -httpListenAddr "127.0.0.1:$port" \
    -retentionPeriod 1 -loggerLevel WARN >"$d/vm.log" 2>&1 &
  VM_PID=$!
  bench_track "$VM_PID" "victoria-metrics" "$d/vm.log"
  VM_URL=http://127.0.0.1:$port
  bench_wait_http "$VM_URL/health" 30 "$VM_PID" || bench_die "VictoriaMetrics not healthy at $VM_URL in 30 s (or it exited)"
  bench_log "victoria-metrics pid $VM_PID at $VM_URL"
}

# Sets IF_PID, IF_URL. Every directory under the temp dir, loopback only, no reporting, no
# _internal monitoring database, no per-request HTTP log (botmon does not log per request either).
start_influx() {
  local d=$BENCH_TMP/influx port rpc
  mkdir -p "$d"
  port=$(bench_free_port)
  rpc=$(bench_free_port)
  cat >"$d/influxdb.conf" <<EOF
reporting-disabled = true
bind-address = "127.0.0.1:$rpc"
[meta]
  dir = "$d/meta"
  logging-enabled = false
[data]
  dir = "$d/data"
  wal-dir = "$d/wal"
  wal-fsync-delay = "${BENCH_INFLUX_WAL_FSYNC_DELAY:-0s}"
  query-log-enabled = false
[monitor]
  store-enabled = false
[http]
  enabled = true
  bind-address = "127.0.0.1:$port"
  log-enabled = false
  pprof-enabled = false
[logging]
  level = "warn"
  suppress-logo = true
[continuous_queries]
  enabled = false
[ifql]
  enabled = false
EOF
  influxd run -config "$d/influxdb.conf" >"$d/influx.log" 2>&1 &
  IF_PID=$!
  bench_track "$IF_PID" "influxd" "$d/influx.log"
  IF_URL=http://127.0.0.1:$port
  bench_wait_http "$IF_URL/ping" 30 "$IF_PID" || bench_die "InfluxDB not answering $IF_URL/ping in 30 s (or it exited)"
  curl -sf -o /dev/null -XPOST "$IF_URL/query" --data-urlencode "q=CREATE DATABASE bench" ||
    bench_die "InfluxDB: CREATE DATABASE bench failed"
  bench_log "influxd pid $IF_PID at $IF_URL (wal-fsync-delay ${BENCH_INFLUX_WAL_FSYNC_DELAY:-0s})"
}

# Sets PR_PID, PR_URL. Scrapes only itself, so `up` has one series.
start_prometheus() {
  local d=$BENCH_TMP/prometheus port i
  mkdir -p "$d"
  port=$(bench_free_port)
  cat >"$d/prometheus.yml" <<EOF
global:
  scrape_interval: 2s
  evaluation_interval: 1m
scrape_configs:
  - job_name: prometheus
    static_configs:
      - targets: ['127.0.0.1:$port']
EOF
  prometheus --config.file="$d/prometheus.yml" --storage.tsdb.path="$d/data" \
    --web.listen-address="127.0.0.1:$port" --log.level=warn >"$d/prometheus.log" 2>&1 &
  PR_PID=$!
  bench_track "$PR_PID" "prometheus" "$d/prometheus.log"
  PR_URL=http://127.0.0.1:$port
  bench_wait_http "$PR_URL/-/ready" 30 "$PR_PID" || bench_die "Prometheus not ready at $PR_URL in 30 s (or it exited)"
  for ((i = 0; i < 150; i++)); do  # until `up` has its first sample (at most 30 s)
    curl -sf --max-time 2 "$PR_URL/api/v1/query?query=up" | grep -q '"value"' && break
    sleep 0.2
  done
  ((i < 150)) || bench_die "Prometheus: query up returned no sample in 30 s"
  bench_log "prometheus pid $PR_PID at $PR_URL"
}

stop_server() {  # stop_server PID [DIR to delete]
  bench_stop "$1"
  [[ -z "${2:-}" ]] || rm -rf "$2"
}

# ---------------------------------------------------------------------------------------------
# Environment
# ---------------------------------------------------------------------------------------------

LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
CPU_MODEL=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo || true)
first_line() { local out; out=$("$@" 2>&1 || true); echo "${out%%$'\n'*}"; }
VM_VERSION=$(dpkg-query -W -f '${Version}' victoria-metrics 2>/dev/null || echo '?')
IF_VERSION=$(first_line influxd version)
PR_VERSION=$(first_line prometheus --version)
WRK_VERSION=$(first_line wrk -v | cut -d' ' -f1-2)
STARTED=$(date -u +%Y-%m-%dT%H:%M:%SZ)
T_START=$(date +%s)

bench_log "nproc: $(nproc); load average: $LOAD0; cpu: $CPU_MODEL"
bench_log "runs: $RUNS x ${DURATION} per measurement; idle window ${IDLE_SECONDS} s (once)"
bench_log "peers: victoria-metrics $VM_VERSION; $IF_VERSION; $PR_VERSION; $WRK_VERSION"
bench_log "temp dir: $BENCH_TMP"

BODIES=$BENCH_TMP/bodies
python3 "$BENCH_SRC/gen_bodies.py" "$BODIES" --tag "tb$(date +%s)" --transcript-bodies 8
TRANSCRIPTS=$(printf '%s\n' "$BODIES"/transcript-*.json | paste -sd:)

# rotate N WORDS...: WORDS rotated left by N (the order of targets changes from run to run, so
# that a drift in the machine's load does not always favour the same server).
rotate() {
  local n=$1
  shift
  local a=("$@") i
  local k=${#a[@]}
  for ((i = 0; i < k; i++)); do printf '%s ' "${a[$(((i + n) % k))]}"; done
}

DETAILS=$BENCH_TMP/details.md  # per-run rows for the results file
: >"$DETAILS"
# thread_notes TITLE PREFIX SUFFIX: botmon's CPU by thread over each measured run (the files
# PREFIX<run>SUFFIX that bench_wrk wrote), for the details.
thread_notes() {
  local title=$1 f r
  echo "" >>"$DETAILS"
  echo "botmon CPU ms by thread during each $title run (where the time goes):" >>"$DETAILS"
  echo "" >>"$DETAILS"
  for ((r = 1; r <= RUNS; r++)); do
    f=$2$r$3
    if [[ -s "$f" ]]; then echo "- run $r: $(cat "$f")" >>"$DETAILS"; fi
  done
  echo "" >>"$DETAILS"
}

# ---------------------------------------------------------------------------------------------
# 1. Ingest over HTTP vs VictoriaMetrics and InfluxDB
# ---------------------------------------------------------------------------------------------
ING_BOT=() ING_VM=() ING_IF=() R_VM=() R_IF=() NS_BOT=() NS_VM=() NS_IF=()
if ! skipped ingest; then
  bench_log "== 1. ingest: wrk -t2 -c8 -d$DURATION, 1,000 request events per body"
  start_botmon ingest 10s
  ING_PID=$B_PID ING_URL=$B_URL ING_TOKEN=$B_ING ING_MON=$B_MON ING_DIR=$B_DIR
  start_vm
  start_influx
  ingest_wrk() {  # ingest_wrk TARGET DURATION OUT -> WRK line
    case $1 in
      botmon)
        BENCH_METHOD=POST BENCH_BODIES=$BODIES/ingest.json BENCH_AUTH="Bearer $ING_TOKEN" \
          BENCH_CTYPE=application/json BENCH_THREAD_CPU=$3.cpu \
          bench_wrk "$3" "$ING_PID" -- -t2 -c8 -d"$2" "$ING_URL/api/v1/events" ;;
      vm)
        BENCH_METHOD=POST BENCH_BODIES=$BODIES/ingest.lp BENCH_AUTH='' BENCH_CTYPE=text/plain \
          bench_wrk "$3" "$VM_PID" -- -t2 -c8 -d"$2" "$VM_URL/write" ;;
      influx)
        BENCH_METHOD=POST BENCH_BODIES=$BODIES/ingest.lp BENCH_AUTH='' BENCH_CTYPE=text/plain \
          bench_wrk "$3" "$IF_PID" -- -t2 -c8 -d"$2" "$IF_URL/write?db=bench" ;;
    esac
  }
  # One check by hand that every server really takes the body (wrk only sees status codes).
  reply=$(curl -sf -XPOST -H "Authorization: Bearer $ING_TOKEN" -H 'Content-Type: application/json' \
    --data-binary @"$BODIES/ingest.json" "$ING_URL/api/v1/events") || bench_die "botmon refused the ingest body"
  [[ "$reply" == *'"accepted":1000'* && "$reply" == *'"rejected":[]'* ]] ||
    bench_die "botmon did not accept all 1,000 events: $reply"
  curl -sf -XPOST --data-binary @"$BODIES/ingest.lp" "$VM_URL/write" || bench_die "VictoriaMetrics refused the line protocol"
  curl -sf -XPOST --data-binary @"$BODIES/ingest.lp" "$IF_URL/write?db=bench" || bench_die "InfluxDB refused the line protocol"
  for t in botmon vm influx; do ingest_wrk "$t" 1s "$BENCH_TMP/warmup-$t.txt" >/dev/null; done
  echo "### 1. Ingest (events/s = requests/s x 1,000; server CPU ns per event)" >>"$DETAILS"
  echo "" >>"$DETAILS"
  echo "| run | botmon ev/s | ns/ev | VictoriaMetrics ev/s | ns/ev | InfluxDB ev/s | ns/ev | botmon/VM | botmon/Influx |" >>"$DETAILS"
  echo "|---|---|---|---|---|---|---|---|---|" >>"$DETAILS"
  for ((r = 1; r <= RUNS; r++)); do
    declare -A EPS=() NSE=()
    for t in $(rotate "$r" botmon vm influx); do
      line=$(ingest_wrk "$t" "$DURATION" "$BENCH_TMP/ingest-$t-$r.txt")
      rps=$(bench_wrk_field "$line" rps)
      EPS[$t]=$(awk -v r="$rps" 'BEGIN {printf "%.0f", r * 1000}')
      NSE[$t]=$(bench_div "$(bench_wrk_field "$line" server_cpu_us)" "$(bench_wrk_field "$line" requests)" 0)
      bench_log "run $r $t: ${EPS[$t]} events/s, server CPU ${NSE[$t]} ns/event"
    done
    ING_BOT+=("${EPS[botmon]}") ING_VM+=("${EPS[vm]}") ING_IF+=("${EPS[influx]}")
    NS_BOT+=("${NSE[botmon]}") NS_VM+=("${NSE[vm]}") NS_IF+=("${NSE[influx]}")
    R_VM+=("$(bench_div "${EPS[botmon]}" "${EPS[vm]}" 3)")
    R_IF+=("$(bench_div "${EPS[botmon]}" "${EPS[influx]}" 3)")
    echo "| $r | $(bench_fmt_int "${EPS[botmon]}") | ${NSE[botmon]} | $(bench_fmt_int "${EPS[vm]}") | ${NSE[vm]} | $(bench_fmt_int "${EPS[influx]}") | ${NSE[influx]} | ${R_VM[-1]} | ${R_IF[-1]} |" >>"$DETAILS"
    unset EPS NSE
  done
  # What botmon acknowledged must be what it counts as accepted (nothing silently dropped).
  accepted=$(curl -sf -H "Authorization: Bearer $ING_MON" "$ING_URL/metrics" |
    awk '/^botmon_ingest_events_total\{result="accepted"\}/ {printf "%.0f", $2}')
  sent=0
  for f in "$BENCH_TMP"/ingest-botmon-*.txt "$BENCH_TMP"/warmup-botmon.txt; do
    sent=$((sent + $(bench_wrk_field "$(grep '^WRK ' "$f")" requests) * 1000))
  done
  sent=$((sent + 1000))  # the check by hand
  [[ -n "$accepted" && "$accepted" -ge "$sent" ]] ||
    bench_die "botmon counts ${accepted:-?} accepted events but acknowledged at least $sent"
  thread_notes ingest "$BENCH_TMP/ingest-botmon-" .txt.cpu
  echo "botmon's /metrics counted $(bench_fmt_int "$accepted") accepted events; wrk saw $(bench_fmt_int "$sent") acknowledged (requests in flight when wrk stops are accepted but not counted by wrk)." >>"$DETAILS"
  echo "Bodies: $(stat -c %s "$BODIES/ingest.json") bytes of JSON, $(stat -c %s "$BODIES/ingest.lp") bytes of line protocol." >>"$DETAILS"
  echo "" >>"$DETAILS"
  stop_server "$VM_PID" "$BENCH_TMP/vm/data"
  stop_server "$IF_PID" ""
  stop_server "$ING_PID" "$ING_DIR/data"
fi

# ---------------------------------------------------------------------------------------------
# 2. Transcripts: messages/s and searchability
# ---------------------------------------------------------------------------------------------
TR_MPS=() TR_LAG=() TR_NS=()
if ! skipped transcripts; then
  bench_log "== 2. transcripts: wrk -t2 -c8 -d$DURATION, 1,000 message.in/out events per body (8 bodies, 250 sessions each)"
  start_botmon transcripts 10s
  tr_wrk() {  # tr_wrk DURATION OUT
    BENCH_METHOD=POST BENCH_BODIES=$TRANSCRIPTS BENCH_AUTH="Bearer $B_ING" BENCH_CTYPE=application/json \
      BENCH_THREAD_CPU=$2.cpu bench_wrk "$2" "$B_PID" -- -t2 -c8 -d"$1" "$B_URL/api/v1/events"
  }
  tr_wrk 1s "$BENCH_TMP/warmup-transcripts.txt" >/dev/null
  timeout 120 python3 "$BENCH_SRC/search_lag.py" "$B_URL" "$B_ING" "$B_MON" "warm$(date +%s)" >/dev/null ||
    bench_die "transcript warm-up search failed"
  echo "### 2. Transcripts" >>"$DETAILS"
  echo "" >>"$DETAILS"
  echo "| run | messages/s (acknowledged) | server CPU ns/message | search lag ms | search polls |" >>"$DETAILS"
  echo "|---|---|---|---|---|" >>"$DETAILS"
  for ((r = 1; r <= RUNS; r++)); do
    line=$(tr_wrk "$DURATION" "$BENCH_TMP/transcripts-$r.txt")
    mps=$(awk -v r="$(bench_wrk_field "$line" rps)" 'BEGIN {printf "%.0f", r * 1000}')
    ns=$(bench_div "$(bench_wrk_field "$line" server_cpu_us)" "$(bench_wrk_field "$line" requests)" 0)
    lagline=$(timeout 120 python3 "$BENCH_SRC/search_lag.py" "$B_URL" "$B_ING" "$B_MON" "final$r-$(date +%s)") ||
      bench_die "transcript search lag (run $r) failed"
    lag=$(bench_wrk_field "$lagline" lag_ms)
    TR_MPS+=("$mps") TR_LAG+=("$lag") TR_NS+=("$ns")
    bench_log "run $r: $mps messages/s, server CPU $ns ns/message, search lag $lag ms"
    echo "| $r | $(bench_fmt_int "$mps") | $ns | $lag | $(bench_wrk_field "$lagline" polls) |" >>"$DETAILS"
  done
  thread_notes transcript "$BENCH_TMP/transcripts-" .txt.cpu
  stop_server "$B_PID" "$B_DIR/data"
fi

# ---------------------------------------------------------------------------------------------
# 3. Status API vs Prometheus
# ---------------------------------------------------------------------------------------------
ST_BOT=() ST_PR=() ST_R=() ST_P99=() ST_PR_P99=() ST_US=()
if ! skipped status; then
  bench_log "== 3. status: wrk -t2 -c64 -d$DURATION --latency"
  start_botmon status 10s
  # Some content for the status: a few hundred sessions and their messages.
  curl -sf -o /dev/null -XPOST -H "Authorization: Bearer $B_ING" -H 'Content-Type: application/json' \
    --data-binary @"$BODIES/transcript-0.json" "$B_URL/api/v1/events" || bench_die "botmon (status) refused a transcript body"
  curl -sf -o /dev/null -H "Authorization: Bearer $B_MON" "$B_URL/api/monitoring/status" ||
    bench_die "GET /api/monitoring/status failed with the monitor token"
  start_prometheus
  st_wrk() {  # st_wrk TARGET DURATION OUT
    case $1 in
      botmon)
        BENCH_METHOD=GET BENCH_BODIES='' BENCH_AUTH="Bearer $B_MON" BENCH_THREAD_CPU=$3.cpu \
          bench_wrk "$3" "$B_PID" -- -t2 -c64 -d"$2" --latency "$B_URL/api/monitoring/status" ;;
      prometheus)
        BENCH_METHOD=GET BENCH_BODIES='' BENCH_AUTH='' \
          bench_wrk "$3" "$PR_PID" -- -t2 -c64 -d"$2" --latency "$PR_URL/api/v1/query?query=up" ;;
    esac
  }
  for t in botmon prometheus; do st_wrk "$t" 1s "$BENCH_TMP/warmup-status-$t.txt" >/dev/null; done
  echo "### 3. Status API (wrk -t2 -c64)" >>"$DETAILS"
  echo "" >>"$DETAILS"
  echo "| run | botmon req/s | p50 ms | p99 ms | CPU µs/req | Prometheus req/s | p50 ms | p99 ms | CPU µs/req | ratio |" >>"$DETAILS"
  echo "|---|---|---|---|---|---|---|---|---|---|" >>"$DETAILS"
  for ((r = 1; r <= RUNS; r++)); do
    declare -A RPS=() P50=() P99=() US=()
    for t in $(rotate "$r" botmon prometheus); do
      line=$(st_wrk "$t" "$DURATION" "$BENCH_TMP/status-$t-$r.txt")
      RPS[$t]=$(bench_wrk_field "$line" rps)
      P50[$t]=$(bench_div "$(bench_wrk_field "$line" p50_us)" 1000 3)
      P99[$t]=$(bench_div "$(bench_wrk_field "$line" p99_us)" 1000 3)
      US[$t]=$(bench_div "$(bench_wrk_field "$line" server_cpu_us)" "$(bench_wrk_field "$line" requests)" 1)
      bench_log "run $r $t: ${RPS[$t]} req/s, p99 ${P99[$t]} ms, server CPU ${US[$t]} µs/request"
    done
    ST_BOT+=("${RPS[botmon]}") ST_PR+=("${RPS[prometheus]}") ST_P99+=("${P99[botmon]}")
    ST_PR_P99+=("${P99[prometheus]}") ST_US+=("${US[botmon]}")
    ST_R+=("$(bench_div "${RPS[botmon]}" "${RPS[prometheus]}" 3)")
    echo "| $r | $(bench_fmt_int "${RPS[botmon]}") | ${P50[botmon]} | ${P99[botmon]} | ${US[botmon]} | $(bench_fmt_int "${RPS[prometheus]}") | ${P50[prometheus]} | ${P99[prometheus]} | ${US[prometheus]} | ${ST_R[-1]} |" >>"$DETAILS"
    unset RPS P50 P99 US
  done
  thread_notes status "$BENCH_TMP/status-botmon-" .txt.cpu
  stop_server "$PR_PID" "$BENCH_TMP/prometheus/data"
  stop_server "$B_PID" "$B_DIR/data"
fi

# ---------------------------------------------------------------------------------------------
# 4. Idle server at a 1 s tick (once: the window dominates the run time)
# ---------------------------------------------------------------------------------------------
IDLE_PCT="" IDLE_RSS_MB="" IDLE_STAT_PCT="" IDLE_THREADS=""
if ! skipped idle; then
  bench_log "== 4. idle: --tick 1s, no demo, 10 s warm-up, then ${IDLE_SECONDS} s of /proc/PID/task/*/schedstat"
  start_botmon idle 1s
  sleep 10
  bench_alive "$B_PID" || bench_die "botmon (idle) died during the warm-up"
  s0=$(bench_schedstat_ns "$B_PID") c0=$(bench_proc_cpu_us "$B_PID") t0=$(bench_now_ns)
  sleep "$IDLE_SECONDS"
  s1=$(bench_schedstat_ns "$B_PID") c1=$(bench_proc_cpu_us "$B_PID") t1=$(bench_now_ns)
  bench_alive "$B_PID" || bench_die "botmon (idle) died during the measurement"
  IDLE_PCT=$(awk -v d=$((s1 - s0)) -v t=$((t1 - t0)) 'BEGIN {printf "%.4f", 100 * d / t}')
  IDLE_STAT_PCT=$(awk -v d=$((c1 - c0)) -v t=$((t1 - t0)) 'BEGIN {printf "%.3f", 100 * d * 1000 / t}')
  IDLE_RSS_MB=$(awk -v k="$(bench_rss_kb "$B_PID")" 'BEGIN {printf "%.1f", k / 1024}')
  IDLE_THREADS=$(bench_threads "$B_PID")
  bench_log "idle: ${IDLE_PCT} % of one core (schedstat; /proc/PID/stat says ${IDLE_STAT_PCT} %), RSS ${IDLE_RSS_MB} MB, ${IDLE_THREADS} threads"
  stop_server "$B_PID" "$B_DIR/data"
fi

# ---------------------------------------------------------------------------------------------
# 5. Bytes per sample on the demo's 24 h corpus (deterministic: once)
# ---------------------------------------------------------------------------------------------
CORPUS=""
if ! skipped corpus; then
  bench_log "== 5. bytes per sample: corpus_bytes (24 h of the demo in virtual time)"
  CORPUS_BIN=$(bench_bin corpus_bytes) || bench_die "corpus_bytes not built in $BUILD/bench (bench/corpus.cmake)"
  mkdir -p "$BENCH_TMP/corpus"
  TMPDIR=$BENCH_TMP/corpus timeout 900 "$CORPUS_BIN" >"$BENCH_TMP/corpus.out" 2>"$BENCH_TMP/corpus.err" ||
    { cat "$BENCH_TMP/corpus.err" >&2; bench_die "corpus_bytes failed"; }
  CORPUS=$(grep '^CORPUS ' "$BENCH_TMP/corpus.out") || bench_die "corpus_bytes printed no CORPUS line"
  bench_log "$CORPUS"
fi

# ---------------------------------------------------------------------------------------------
# 6. Google Benchmark micro benchmarks (results file only)
# ---------------------------------------------------------------------------------------------
MICRO=$BENCH_TMP/micro.md
: >"$MICRO"
if ! skipped micro; then
  for b in collect_bench series_bench ingest_bench http_bench window_bench; do
    bin=$(bench_bin "$b") || { bench_log "($b not built; skipped)"; continue; }
    bench_log "== 6. $b (3 repetitions, medians)"
    if ! timeout 900 "$bin" --benchmark_repetitions=3 --benchmark_report_aggregates_only=true \
      >"$BENCH_TMP/$b.txt" 2>"$BENCH_TMP/$b.err"; then
      cat "$BENCH_TMP/$b.err" >&2
      bench_die "$b failed"
    fi
    {
      echo "#### $b"
      echo ""
      echo '```'
      grep -E '^(Benchmark|-{5,})' "$BENCH_TMP/$b.txt" | head -2
      grep -E '_median\b' "$BENCH_TMP/$b.txt" || true
      echo '```'
      echo ""
    } >>"$MICRO"
  done
fi

# ---------------------------------------------------------------------------------------------
# 7. Rule evaluation: the Evaluator (BENCH_RUNS repetitions) vs Prometheus (once), one after the
#    other so that they do not compete for the cores
# ---------------------------------------------------------------------------------------------
RE_2M="" RE_24H="" PROM_2M="" PROM_24H=""
if ! skipped rules; then
  RE_BIN=$(bench_bin rule_eval_bench) || bench_die "rule_eval_bench not built in $BUILD/bench (bench/rule_eval.cmake)"
  bench_log "== 7. rule evaluation: rule_eval_bench (1,000 series x 100 rules; $RUNS repetitions)"
  if ! timeout 1200 "$RE_BIN" --benchmark_repetitions="$RUNS" --benchmark_report_aggregates_only=true \
    --benchmark_out="$BENCH_TMP/rule_eval.json" --benchmark_out_format=json \
    >"$BENCH_TMP/rule_eval.txt" 2>"$BENCH_TMP/rule_eval.err"; then
    cat "$BENCH_TMP/rule_eval.err" >&2
    bench_die "rule_eval_bench failed"
  fi
  # "RULEEVAL timeframe_s=120 ns=... wall_ns=... eval_ns=... addtick_us=... rss_MB=... hwm_MB=..."
  # from the median aggregate of each case.
  python3 - "$BENCH_TMP/rule_eval.json" >"$BENCH_TMP/rule_eval.lines" <<'PY'
import json, sys
for b in json.load(open(sys.argv[1]))["benchmarks"]:
    if b.get("aggregate_name", "median") != "median" or "error_occurred" in b:
        continue
    tf = b["run_name"].split("timeframe_s:")[1].split("/")[0]
    print(f"RULEEVAL timeframe_s={tf} ns={b['ns_per_rule_group']:.1f} wall_ns={b['wall_ns_per_rule_group']:.1f} "
          f"eval_ns={b['eval_ns_per_rule_group']:.1f} addtick_us={b['addtick_us']:.0f} "
          f"rss_MB={b['rss_MB']:.0f} hwm_MB={b['hwm_MB']:.0f} fill_s={b['fill_s']:.1f} prime_s={b['prime_s']:.2f}")
PY
  RE_2M=$(grep 'timeframe_s=120 ' "$BENCH_TMP/rule_eval.lines") || bench_die "rule_eval_bench: no 2 m result (see $BENCH_TMP/rule_eval.txt)"
  RE_24H=$(grep 'timeframe_s=86400 ' "$BENCH_TMP/rule_eval.lines") || bench_die "rule_eval_bench: no 24 h result"
  bench_log "$RE_2M"
  bench_log "$RE_24H"

  bench_log "== 7. Prometheus: the same rules over 24 h of backfilled data (this takes a few minutes)"
  mkdir -p "$BENCH_TMP/prom-rules"
  python3 "$BENCH_SRC/prom_rules.py" "$BENCH_TMP/prom-rules" --rules-24h "${BENCH_PROM_RULES_24H:-20}" \
    >"$BENCH_TMP/prom_rules.out" 2> >(tee "$BENCH_TMP/prom_rules.err" >&2) ||
    { bench_log "Prometheus log: $(tail -5 "$BENCH_TMP/prom-rules/prometheus.log" 2>/dev/null)"; bench_die "prom_rules.py failed"; }
  PROM_2M=$(grep '^PROM window=2m ' "$BENCH_TMP/prom_rules.out") || bench_die "prom_rules.py: no 2 m result"
  PROM_24H=$(grep '^PROM window=24h ' "$BENCH_TMP/prom_rules.out") || bench_die "prom_rules.py: no 24 h result"
  bench_log "$PROM_2M"
  bench_log "$PROM_24H"
  {
    echo "### 7. Rule evaluation (1,000 series x 100 rules, 10 s tick)"
    echo ""
    echo "botmon: bench/rule_eval_bench, medians of $RUNS repetitions of 180 ticks each; Prometheus: its own"
    echo "evaluationTime per group (/api/v1/rules), median of the evaluations after the first."
    echo ""
    echo '```'
    echo "$RE_2M"
    echo "$RE_24H"
    echo "$PROM_2M"
    echo "$PROM_24H"
    echo '```'
    echo ""
    echo "CPU per rule x series, Prometheus / botmon: 2 m $(bench_div "$(bench_wrk_field "$PROM_2M" cpu_ns_per_rule_series)" "$(bench_wrk_field "$RE_2M" ns)" 0)x, 24 h $(bench_div "$(bench_wrk_field "$PROM_24H" cpu_ns_per_rule_series)" "$(bench_wrk_field "$RE_24H" ns)" 0)x (Prometheus: whole-process CPU, scrapes included)."
    echo ""
  } >>"$DETAILS"
fi

# ---------------------------------------------------------------------------------------------
# 8. Alert latency: the breaking tick's end -> the webhook's receipt (botmon at --tick 1s)
# ---------------------------------------------------------------------------------------------
ALERT=""
if ! skipped alert; then
  bench_log "== 8. alert latency: ${BENCH_ALERT_INCIDENTS:-10} open/resolve cycles at --tick 1s"
  mkdir -p "$BENCH_TMP/alert"
  python3 "$BENCH_SRC/alert_latency.py" "$BIN" "$BENCH_TMP/alert" --incidents "${BENCH_ALERT_INCIDENTS:-10}" \
    >"$BENCH_TMP/alert.out" 2> >(tee "$BENCH_TMP/alert.err" >&2) ||
    { bench_log "botmon log: $(tail -5 "$BENCH_TMP/alert/botmon.log" 2>/dev/null)"; bench_die "alert_latency.py failed"; }
  ALERT=$(grep '^ALERT ' "$BENCH_TMP/alert.out") || bench_die "alert_latency.py printed no ALERT line"
  bench_log "$ALERT"
  {
    echo "### 8. Alert latency (--tick 1s, local webhook)"
    echo ""
    echo '```'
    echo "$ALERT"
    echo '```'
    echo ""
  } >>"$DETAILS"
fi

# ---------------------------------------------------------------------------------------------
# 9. Dashboard: navigation -> cards with data, a 24 h chart's creation, a live chart update
# ---------------------------------------------------------------------------------------------
DASH=""
if ! skipped dashboard; then
  bench_log "== 9. dashboard in headless Chromium (bench/dashboard_bench.mjs, ${DASH_RUNS:-5} runs)"
  (cd "$BENCH_SRC/../tests/e2e" && npm ci --no-audit --no-fund --loglevel=error) >&2 ||
    bench_die "npm ci in tests/e2e failed"
  BOTMON_BIN=$BIN ARTIFACTS=$BENCH_TMP/dashboard BENCH_RUNS=${DASH_RUNS:-5} \
    node "$BENCH_SRC/dashboard_bench.mjs" >"$BENCH_TMP/dashboard.out" 2> >(tee "$BENCH_TMP/dashboard.err" >&2) ||
    bench_die "dashboard_bench.mjs failed"
  DASH=$(grep '^DASHBOARD ' "$BENCH_TMP/dashboard.out") || bench_die "dashboard_bench.mjs printed no DASHBOARD line"
  bench_log "$DASH"
  {
    echo "### 9. Dashboard (headless Debian Chromium, in-page performance.now(), medians)"
    echo ""
    echo '```'
    echo "$DASH"
    echo '```'
    echo ""
  } >>"$DETAILS"
fi

# ---------------------------------------------------------------------------------------------
# The table
# ---------------------------------------------------------------------------------------------
med() { if (($# == 0)); then echo nan; else bench_median "$@"; fi; }
TABLE=$BENCH_TMP/table.md
{
  echo "| SPEC 15 | botmon | peer (same run) | botmon / peer | target | |"
  echo "|---|---|---|---|---|---|"
  if ! skipped ingest; then
    b=$(med "${ING_BOT[@]}") v=$(med "${ING_VM[@]}") i=$(med "${ING_IF[@]}")
    rv=$(med "${R_VM[@]}") ri=$(med "${R_IF[@]}")
    echo "| ingest events/s over HTTP vs VictoriaMetrics /write | $(bench_fmt_int "$b") | $(bench_fmt_int "$v") | ${rv}× | ≥ 3× | $(bench_verdict "$rv" '>=' 3) |"
    echo "| ingest events/s over HTTP vs InfluxDB 1.6 /write | $(bench_fmt_int "$b") | $(bench_fmt_int "$i") | ${ri}× | ≥ 10× | $(bench_verdict "$ri" '>=' 10) |"
    echo "| ingest events/s, absolute (aim) | $(bench_fmt_int "$b") | | | 1,000,000 | $(bench_verdict "$b" '>=' 1000000) |"
  fi
  if ! skipped transcripts; then
    m=$(med "${TR_MPS[@]}") l=$(med "${TR_LAG[@]}")
    echo "| transcript messages/s, acknowledged (in the ingest log) | $(bench_fmt_int "$m") | | | ≥ 100,000 | $(bench_verdict "$m" '>=' 100000) |"
    echo "| transcript search lag after a run (ms) | $l | | | ≤ 2,000 | $(bench_verdict "$l" '<=' 2000) |"
  fi
  if ! skipped status; then
    sb=$(med "${ST_BOT[@]}") sp=$(med "${ST_PR[@]}") sr=$(med "${ST_R[@]}")
    p99=$(med "${ST_P99[@]}") pp99=$(med "${ST_PR_P99[@]}")
    echo "| status API req/s vs Prometheus query=up | $(bench_fmt_int "$sb") | $(bench_fmt_int "$sp") | ${sr}× | ≥ 3× | $(bench_verdict "$sr" '>=' 3) |"
    echo "| status API p99 latency (ms), wrk -c64 | $p99 | $pp99 | | ≤ 5 | $(bench_verdict "$p99" '<=' 5) |"
  fi
  if ! skipped idle; then
    echo "| idle CPU, % of one core (tick 1 s, ${IDLE_SECONDS} s window, once) | $IDLE_PCT | | | ≤ 0.1 | $(bench_verdict "$IDLE_PCT" '<=' 0.1) |"
    echo "| idle RSS (MB) | $IDLE_RSS_MB | | | ≤ 30 | $(bench_verdict "$IDLE_RSS_MB" '<=' 30) |"
  fi
  if [[ -n "$CORPUS" ]]; then
    raw=$(bench_wrk_field "$CORPUS" raw_bps) all=$(bench_wrk_field "$CORPUS" all_bps) db=$(bench_wrk_field "$CORPUS" db_bps)
    echo "| bytes per sample, raw chunks (demo 24 h corpus, once) | $raw | | | ≤ 2 | $(bench_verdict "$raw" '<=' 2) |"
    echo "| bytes per raw sample incl. 1m and 1h rollups | $all | | | (info) | |"
    echo "| SQLite file bytes per raw sample (series only) | $db | | | (info) | |"
  fi
  if [[ -n "$RE_2M" ]]; then
    fld() { bench_wrk_field "$1" "$2"; }
    for w in 2m 24h; do
      if [[ $w == 2m ]]; then re=$RE_2M pr=$PROM_2M; else re=$RE_24H pr=$PROM_24H; fi
      rw=$(fld "$re" wall_ns) pw=$(fld "$pr" ns_per_rule_series)
      sp=$(bench_div "$pw" "$rw" 0)
      echo "| rule evaluation ns per rule×group, $w window, wall (Prometheus: $(fld "$pr" rules) rules, its evaluationTime) | $rw | $(bench_fmt_int "$pw") | ${sp}× faster | ≥ 50× | $(bench_verdict "$sp" '>=' 50) |"
      echo "| rule evaluation CPU ns per rule×group, $w window (AddTick + Evaluate) | $(fld "$re" ns) | | | ≤ 100 | $(bench_verdict "$(fld "$re" ns)" '<=' 100) |"
    done
    same=$(bench_div "$(fld "$RE_24H" ns)" "$(fld "$RE_2M" ns)" 2)
    echo "| rule evaluation 24 h / 2 m cost (CPU ns) | $same | | | same time (≤ 1.5) | $(bench_verdict "$same" '<=' 1.5) |"
    echo "| rule evaluation RSS, 24 h case (MB; peak VmHWM $(fld "$RE_24H" hwm_MB)) | $(fld "$RE_24H" rss_MB) | | | ≤ 2,000 | $(bench_verdict "$(fld "$RE_24H" hwm_MB)" '<=' 2000) |"
  fi
  if [[ -n "$ALERT" ]]; then
    am=$(bench_wrk_field "$ALERT" open_median_ms) ax=$(bench_wrk_field "$ALERT" open_max_ms)
    echo "| alert latency ms, tick end → webhook (tick 1 s; median, max of $(bench_wrk_field "$ALERT" n)) | $am (max $ax) | | | ≤ 1,100 (1 tick + 100 ms) | $(bench_verdict "$ax" '<=' 1100) |"
  fi
  if [[ -n "$DASH" ]]; then
    nv=$(bench_wrk_field "$DASH" nav_ms) cc=$(bench_wrk_field "$DASH" chart_create_ms) cu=$(bench_wrk_field "$DASH" chart_update_ms)
    echo "| dashboard: navigation → cards with data (ms, median of $(bench_wrk_field "$DASH" runs)) | $nv | | | ≤ 500 | $(bench_verdict "$nv" '<=' 500) |"
    echo "| dashboard: 24 h chart created, 8,640 × 4 (ms) | $cc | | | ≤ 100 | $(bench_verdict "$cc" '<=' 100) |"
    echo "| dashboard: live chart update (ms) | $cu | | | ≤ 10 | $(bench_verdict "$cu" '<=' 10) |"
  fi
} >"$TABLE"

LOAD1=$(cut -d' ' -f1-3 /proc/loadavg)
ELAPSED=$(($(date +%s) - T_START))
{
  echo "# botmon benchmark results"
  echo ""
  echo "$STARTED, $(nproc) CPUs ($CPU_MODEL), $(uname -sr). Load average $LOAD0 before, $LOAD1 after; ${ELAPSED} s in all."
  echo "Medians of $RUNS runs of ${DURATION} each (ratios: median of the per-run ratios, each run measuring botmon and its peers one after another);"
  echo "the idle window (${IDLE_SECONDS} s) and the corpus run once. Peers: victoria-metrics $VM_VERSION, $IF_VERSION, $PR_VERSION; $WRK_VERSION."
  echo "How to read this: docs/benchmarks.md."
  echo ""
  cat "$TABLE"
  echo ""
  echo "## Per run"
  echo ""
  cat "$DETAILS"
  if ! skipped idle; then
    echo "### 4. Idle"
    echo ""
    echo "schedstat (live threads): ${IDLE_PCT} % of one core; /proc/PID/stat utime+stime (10 ms ticks): ${IDLE_STAT_PCT} %; RSS ${IDLE_RSS_MB} MB; ${IDLE_THREADS} threads."
    echo ""
  fi
  if [[ -n "$CORPUS" ]]; then
    echo "### 5. Series storage on the demo's 24 h corpus"
    echo ""
    echo '```'
    echo "$CORPUS"
    grep -v '^\[' "$BENCH_TMP/corpus.err" || true
    echo '```'
    echo ""
  fi
  if [[ -s "$MICRO" ]]; then
    echo "## Google Benchmark micro benchmarks (medians of 3 repetitions)"
    echo ""
    cat "$MICRO"
  fi
} >"$RESULTS"

echo ""
echo "botmon benchmarks: medians of $RUNS runs; $(nproc) CPUs; load average $LOAD0 -> $LOAD1"
echo ""
cat "$TABLE"
echo ""
echo "Per-run figures, server CPU per request/event and micro benchmarks: $RESULTS"
