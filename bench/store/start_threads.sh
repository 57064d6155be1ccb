#!/usr/bin/env bash
# Server CPU time per ticket of POST /matchmaking/start, split by thread: session-api serve
# (one I/O thread, the duel configuration of bench/lib.sh) pinned to SERVER_CPU, wrk with
# bench/matchmaking/start.lua and 400 connections on LOAD_CPU, one second of warm-up, then
# DURATION seconds measured from /proc/PID/task/*/stat (user + system). The store writer is
# the thread named store-writer; the others are named after the binary.
#
# Usage: bench/store/start_threads.sh [--duration S] [--connections N] [--players N]
# Environment: SESSION_API_BIN (default build/session-api), SERVER_CPU (0), LOAD_CPU (1).
set -euo pipefail

# shellcheck source=../lib.sh
source "$(dirname "$0")/../lib.sh"
duration=4
connections=400
players=200
parse_options "duration connections players" "" "$@"
require_tools wrk taskset curl
require_bin "$bin" "make build"

make_work_dir
write_duel_config
port=$(pick_port)
SESSION_API_SERVER_THREADS=1 taskset -c "$server_cpu" "$bin" serve --config "$work/config.toml" \
  --data-dir "$work/data" --listen "127.0.0.1:$port" >/dev/null 2>"$work/session-api.err" &
pids+=($!)
server=$!
wait_ready "http://127.0.0.1:$port/health/live" "$server" "$work/session-api.err"
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
echo "measuring ${duration}s at $connections connections; load average $(cut -d' ' -f1-3 /proc/loadavg)"
out=$(load "$duration")
thread_ticks "$server" >"$work/after"
n=$(awk '/ requests in / {print $1}' <<<"$out")
awk '/^Requests\/sec:/ {print "tickets/s", $2}' <<<"$out"
if grep -qE "Non-2xx|Socket errors" <<<"$out" ||
  ! [[ $(awk '/^non-2xx\/3xx responses:/ {print $3}' <<<"$out") =~ ^(0|)$ ]]; then
  echo "errors or non-2xx answers: the numbers do not count" >&2
  exit 1
fi
join -j1 <(awk '{print $1"/"$2, $3}' "$work/before") <(awk '{print $1"/"$2, $3}' "$work/after") |
  awk -v n="$n" -v hz="$(getconf CLK_TCK)" '{
    d = $3 - $2; total += d
    if (d > 0) printf "  %-28s %7.1f us/ticket\n", $1, d * 1e6 / hz / n }
    END { printf "  %-28s %7.1f us/ticket (%d tickets)\n", "all threads", total * 1e6 / hz / n, n }'
