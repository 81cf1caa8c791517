# shellcheck shell=bash
# Helpers for bench/run.sh (sourced, not run). Bash; the caller has `set -euo pipefail`.
#
# Every process started here is recorded by PID and stopped by that PID in bench_cleanup (the
# EXIT trap run.sh installs); nothing is ever stopped by name. Every wait is bounded.

BENCH_PIDS=()    # PIDs we started, in order
BENCH_NAMES=()   # a name per PID, for messages
BENCH_LOGS=()    # the log file per PID
BENCH_TMP=""     # the temp directory (removed at exit unless BENCH_KEEP=1)
BENCH_FAIL_LOGS=""  # on failure, the server logs are copied here before the temp dir goes

bench_log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# Prints every server log we know of, then exits 1.
bench_die() {
  bench_log "FAILED: $*"
  local i
  for i in "${!BENCH_PIDS[@]}"; do
    bench_log "  ${BENCH_NAMES[$i]} (pid ${BENCH_PIDS[$i]}) log: ${BENCH_LOGS[$i]}"
  done
  if [[ -n "$BENCH_FAIL_LOGS" && "${BENCH_KEEP:-0}" != 1 ]]; then
    bench_log "  (the temp dir is deleted at exit; these logs are copied to $BENCH_FAIL_LOGS;"
    bench_log "   BENCH_KEEP=1 keeps everything)"
  fi
  exit 1
}

# bench_track PID NAME LOG
bench_track() {
  BENCH_PIDS+=("$1")
  BENCH_NAMES+=("$2")
  BENCH_LOGS+=("$3")
}

bench_alive() { kill -0 "$1" 2>/dev/null; }

# bench_stop PID: SIGTERM, wait up to 10 s, then SIGKILL. Only for PIDs we started.
bench_stop() {
  local pid=$1 i
  bench_alive "$pid" || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 100; i++)); do
    bench_alive "$pid" || break
    sleep 0.1
  done
  if bench_alive "$pid"; then
    bench_log "pid $pid did not stop within 10 s of SIGTERM; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
}

bench_cleanup() {
  local rc=$? i
  set +e
  for ((i = ${#BENCH_PIDS[@]} - 1; i >= 0; i--)); do
    bench_stop "${BENCH_PIDS[$i]}"
  done
  if [[ $rc -ne 0 && -n "$BENCH_FAIL_LOGS" && ${#BENCH_LOGS[@]} -gt 0 ]]; then
    rm -rf "$BENCH_FAIL_LOGS"
    mkdir -p "$BENCH_FAIL_LOGS"
    for i in "${!BENCH_LOGS[@]}"; do
      [[ -f "${BENCH_LOGS[$i]}" ]] &&
        cp "${BENCH_LOGS[$i]}" "$BENCH_FAIL_LOGS/$i-${BENCH_NAMES[$i]//[^A-Za-z0-9_-]/_}.log"
    done
    bench_log "server logs copied to $BENCH_FAIL_LOGS"
  fi
  if [[ -n "$BENCH_TMP" && -d "$BENCH_TMP" ]]; then
    if [[ "${BENCH_KEEP:-0}" == 1 ]]; then
      bench_log "kept $BENCH_TMP"
    else
      rm -rf "$BENCH_TMP"
    fi
  fi
  return $rc
}

# A free TCP port on 127.0.0.1 (the kernel picks it; another process could take it before we
# bind, which the readiness wait would then report).
bench_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# bench_wait_http URL SECONDS [PID]: until URL answers 2xx. Fails after SECONDS, or at once when
# PID (the server) has exited.
bench_wait_http() {
  local url=$1 secs=$2 pid=${3:-} i
  for ((i = 0; i < secs * 5; i++)); do
    if curl -sf -o /dev/null --max-time 2 "$url"; then return 0; fi
    if [[ -n "$pid" ]] && ! bench_alive "$pid"; then return 1; fi
    sleep 0.2
  done
  return 1
}

# bench_wait_file PATH SECONDS PID: until PATH is non-empty; fails early if PID died.
bench_wait_file() {
  local path=$1 secs=$2 pid=$3 i
  for ((i = 0; i < secs * 10; i++)); do
    [[ -s "$path" ]] && return 0
    bench_alive "$pid" || return 1
    sleep 0.1
  done
  return 1
}

bench_now_ns() { date +%s%N; }

# CPU time of a whole process (all threads, live and exited) in microseconds, from
# /proc/PID/stat utime+stime (clock ticks; 10 ms resolution).
bench_proc_cpu_us() {
  local stat rest
  stat=$(cat "/proc/$1/stat") || return 1
  rest=${stat##*) }  # fields after "(comm) "; comm may contain spaces
  # shellcheck disable=SC2086
  set -- $rest
  # after comm: state=1 ... utime=12 stime=13 (fields 14 and 15 of the full line)
  echo $(((${12} + ${13}) * 1000000 / BENCH_CLK_TCK))
}

# CPU time of the live threads of a process in nanoseconds: the sum of the first field of
# /proc/PID/task/*/schedstat (ns on CPU). /proc/PID/schedstat alone is only the main thread.
bench_schedstat_ns() {
  local sum=0 f v _
  for f in /proc/"$1"/task/*/schedstat; do
    read -r v _ <"$f" 2>/dev/null || continue
    sum=$((sum + v))
  done
  echo "$sum"
}

bench_threads() { local t=("/proc/$1/task"/*); echo "${#t[@]}"; }

# bench_thread_ticks PID: "tid name ticks" per live thread (utime+stime in clock ticks).
bench_thread_ticks() {
  local f stat name rest
  for f in /proc/"$1"/task/*/stat; do
    stat=$(cat "$f" 2>/dev/null) || continue
    name=${stat#*(}
    name=${name%)*}
    rest=${stat##*) }
    # shellcheck disable=SC2086
    set -- $rest
    printf '%s %s %s\n' "${f//[^0-9]/ }" "${name// /_}" $((${12} + ${13}))
  done | awk '{print $2, $3, $4}'
}

# bench_thread_delta BEFORE AFTER: CPU ms per thread name between two bench_thread_ticks
# snapshots, largest first, as "name=ms name=ms ..." (threads of one name are summed).
bench_thread_delta() {
  awk -v hz="$BENCH_CLK_TCK" 'NR == FNR { t0[$1] = $3; next }
    { d[$2] += $3 - ($1 in t0 ? t0[$1] : 0) }
    END { for (n in d) if (d[n] > 0) printf "%d %s\n", d[n] * 1000 / hz, n }' "$1" "$2" |
    sort -rn | awk '{printf "%s%s=%d", (NR > 1 ? " " : ""), $2, $1} END {print ""}'
}

# Resident set size in kB (VmRSS).
bench_rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }

# Median of the numbers given as arguments (mean of the middle two for an even count).
bench_median() {
  printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {
    if (NR == 0) { print "nan"; exit }
    if (NR % 2) printf "%.6g\n", v[(NR+1)/2]; else printf "%.6g\n", (v[NR/2]+v[NR/2+1])/2 }'
}

# bench_fmt_int N: 1234567.8 -> 1,234,568
bench_fmt_int() {
  awk -v v="$1" 'BEGIN { if (v == "nan" || v == "") { print "n/a"; exit }
    s = sprintf("%.0f", v); neg = (substr(s, 1, 1) == "-"); if (neg) s = substr(s, 2)
    o = ""; while (length(s) > 3) { o = "," substr(s, length(s) - 2) o; s = substr(s, 1, length(s) - 3) }
    print (neg ? "-" : "") s o }'
}

# bench_div A B [DIGITS]: A/B with DIGITS decimals ("nan" when B is 0).
bench_div() {
  awk -v a="$1" -v b="$2" -v d="${3:-2}" 'BEGIN { if (b == 0) print "nan"; else printf "%.*f\n", d, a/b }'
}

# bench_cmp VALUE OP LIMIT: exit status of the comparison (OP is >= or <=), for verdicts.
bench_cmp() {
  awk -v v="$1" -v op="$2" -v l="$3" 'BEGIN {
    if (v == "nan" || v == "") exit 1
    if (op == ">=") exit !(v + 0 >= l + 0); else exit !(v + 0 <= l + 0) }'
}
bench_verdict() { if bench_cmp "$@"; then echo "met"; else echo "**missed**"; fi; }

# bench_wrk_field LINE NAME: the value of NAME=... in a "WRK ..." line.
bench_wrk_field() { sed -n "s/.* $2=\([^ ]*\).*/\1/p" <<<" $1"; }

# bench_wrk OUT PID -- wrk args...: runs wrk with bench/wrk/bench.lua (BENCH_METHOD, BENCH_BODIES,
# BENCH_AUTH and BENCH_CTYPE come from the caller's environment), saves its whole output to OUT,
# and prints "<WRK line> server_cpu_us=N". With BENCH_THREAD_CPU set to a file, the server's CPU
# ms per thread name over the run are written there (bench_thread_delta). Fails loudly on any reply >= 400 or "Non-2xx", or when
# nothing completed. PID is the server whose CPU time is measured over the run.
bench_wrk() {
  local out=$1 pid=$2 cpu0 cpu1 line st
  shift 3
  [[ -z "${BENCH_THREAD_CPU:-}" ]] || bench_thread_ticks "$pid" >"$out.threads0"
  cpu0=$(bench_proc_cpu_us "$pid") || bench_die "server pid $pid is gone"
  if ! timeout 120 wrk -s "$BENCH_SRC/wrk/bench.lua" "$@" >"$out" 2>&1; then
    cat "$out" >&2
    bench_die "wrk $* failed"
  fi
  cpu1=$(bench_proc_cpu_us "$pid") || bench_die "server pid $pid died during wrk $*"
  if [[ -n "${BENCH_THREAD_CPU:-}" ]]; then
    bench_thread_ticks "$pid" >"$out.threads1"
    bench_thread_delta "$out.threads0" "$out.threads1" >"$BENCH_THREAD_CPU"
  fi
  line=$(grep '^WRK ' "$out" | tail -1)
  [[ -n "$line" ]] || { cat "$out" >&2; bench_die "wrk printed no summary: $*"; }
  st=$(bench_wrk_field "$line" err_status)
  if [[ "$st" != 0 ]] || grep -q 'Non-2xx' "$out"; then
    cat "$out" >&2
    bench_die "wrk $*: $st replies were not 2xx (see above)"
  fi
  [[ "$(bench_wrk_field "$line" requests)" -gt 0 ]] || { cat "$out" >&2; bench_die "wrk $*: no request completed"; }
  if grep -q 'Socket errors' "$out"; then
    bench_log "note: $(grep 'Socket errors' "$out" | sed 's/^ *//') (wrk $*)"
  fi
  echo "$line server_cpu_us=$((cpu1 - cpu0))"
}
