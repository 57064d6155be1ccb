#!/usr/bin/env bash
# Server CPU time per ticket of POST /matchmaking/start, split by thread: session-api serve
# (one I/O thread, the duel configuration of bench/lib.sh) pinned to SERVER_CPU, wrk with
# bench/matchmaking/start.lua and 400 connections on LOAD_CPU, one second of warm-up, then
# DURATION seconds measured from /proc/PID/task/*/stat (user + system). The store writer is
# the thread named store-writer; the others are named after the binary. Also printed: each
# CPU's idle share over the run, and the store's batches (count, writes per batch, time per
# batch) from /metrics.
#
# --both-cores runs the server unpinned, as bench/matchmaking_api's start-2cpu does (with
# --threads 2, that scenario); --threads sets its I/O threads; --nice-matchmaking N renices
# its matchmaking threads. Other settings come from the environment (SESSION_API_STORE_*,
# MALLOC_CONF, LOAD_CPU=0-1 for an unpinned wrk).
#
# Usage: bench/store/start_threads.sh [--duration S] [--connections N] [--players N]
#          [--threads N] [--both-cores] [--nice-matchmaking N]
# Environment: SESSION_API_BIN (default build/session-api), SERVER_CPU (0), LOAD_CPU (1).
set -euo pipefail

# shellcheck source=../lib.sh
source "$(dirname "$0")/../lib.sh"
duration=4
connections=400
players=200
threads=1
both_cores=0
nice_matchmaking=
parse_options "duration connections players threads nice-matchmaking" "both-cores" "$@"
require_tools wrk taskset curl
require_bin "$bin" "make build"

make_work_dir
write_duel_config
port=$(pick_port)
pin=(taskset -c "$server_cpu")
(( both_cores )) && pin=()
metrics_token=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
SESSION_API_SERVER_METRICS_TOKEN=$metrics_token SESSION_API_SERVER_THREADS=$threads \
  "${pin[@]}" "$bin" serve --config "$work/config.toml" --data-dir "$work/data" \
  --listen "127.0.0.1:$port" >/dev/null 2>"$work/session-api.err" &
pids+=($!)
server=$!
wait_ready "http://127.0.0.1:$port/health/live" "$server" "$work/session-api.err"
if [[ -n $nice_matchmaking ]]; then
  while read -r tid name _; do
    [[ $name == matchmaking ]] && renice -n "$nice_matchmaking" -p "$tid" >/dev/null
  done < <(thread_ticks "$server")
fi
# "count writes seconds" of the store's committed batches so far.
batches() {
  curl -s -H "Authorization: Bearer $metrics_token" "http://127.0.0.1:$port/metrics" |
    awk '/^sapi_store_batch_writes_count\{outcome="ok"\}/ {c = $2}
         /^sapi_store_batch_writes_sum\{outcome="ok"\}/ {w = $2}
         /^sapi_store_batch_commit_seconds_sum\{outcome="ok"\}/ {t = $2}
         END {print c + 0, w + 0, t + 0}'
}
for i in $(seq "$players"); do
  echo "bench-$i $("$bin" token --player "bench-$i" --config "$work/config.toml" \
    --data-dir "$work/data")" >>"$work/bench.tokens"
done
export TOKENS_FILE=$work/bench.tokens
load() {  # seconds
  taskset -c "$load_cpu" wrk -t1 -c"$connections" -d"$1s" --latency \
    -s "$root/bench/matchmaking/start.lua" "http://127.0.0.1:$port"
}
load 1 >/dev/null
thread_ticks "$server" >"$work/before"
idle=$(cpu_idle_ticks)
batches_before=$(batches)
echo "measuring ${duration}s at $connections connections; load average $(cut -d' ' -f1-3 /proc/loadavg)"
out=$(load "$duration")
thread_ticks "$server" >"$work/after"
idle=$(idle_shares "$idle" "$(cpu_idle_ticks)")
n=$(awk '/ requests in / {print $1}' <<<"$out")
awk '/^Requests\/sec:/ {print "tickets/s", $2}' <<<"$out"
echo "idle CPUs: $idle"
echo "$batches_before $(batches)" | awk '{ c = $4 - $1; if (c > 0)
  printf "store batches: %d, %.1f writes each, %.2f ms each\n", c, ($5 - $2) / c, 1000 * ($6 - $3) / c }'
if grep -qE "Non-2xx|Socket errors" <<<"$out"; then
  echo "errors or non-2xx answers: the numbers do not count" >&2
  exit 1
fi
join -j1 <(awk '{print $1"/"$2, $3}' "$work/before") <(awk '{print $1"/"$2, $3}' "$work/after") |
  awk -v n="$n" -v hz="$(getconf CLK_TCK)" '{
    d = $3 - $2; total += d
    if (d > 0) printf "  %-28s %7.1f us/ticket\n", $1, d * 1e6 / hz / n }
    END { printf "  %-28s %7.1f us/ticket (%d tickets)\n", "all threads", total * 1e6 / hz / n, n }'
