#!/usr/bin/env bash
# Matchmaking benchmarks against the real binary (see docs/PERFORMANCE.md, "Matchmaking
# service"):
#   1. POST /matchmaking/start with valid tokens: tickets per second (wrk, start.lua), every
#      ticket committed to the store before its 200;
#   2. time to match in STANDALONE mode, p50/p99 (time_to_match.mjs).
# The server runs with a 1-against-1 default configuration and no rate limit, pinned to
# SERVER_CPU; wrk is pinned to LOAD_CPU. Everything started here is stopped on exit.
#
# Usage: bench/matchmaking/run.sh [--duration SECONDS] [--connections N] [--players N]
#                                 [--samples N]
# Environment: SESSION_API_BIN (default build/session-api), SERVER_CPU (0), LOAD_CPU (1).
set -euo pipefail

# shellcheck source=../lib.sh
source "$(dirname "$0")/../lib.sh"
duration=10
connections=50
players=200
samples=200
parse_options "duration connections players samples" "" "$@"
require_tools wrk taskset curl node
require_bin "$bin" "make build"

make_work_dir
write_duel_config
port=$(pick_port)
taskset -c "$server_cpu" "$bin" serve --config "$work/config.toml" --data-dir "$work/data" \
  --listen "127.0.0.1:$port" >/dev/null 2>"$work/stderr" &
pids+=($!)
wait_ready "http://127.0.0.1:$port/health/live" "${pids[-1]}" "$work/stderr"

for i in $(seq "$players"); do
  echo "bench-$i $("$bin" token --player "bench-$i" --config "$work/config.toml" --data-dir "$work/data")"
done >"$work/tokens"

echo "== POST /matchmaking/start, $connections connections, ${duration}s"
TOKENS_FILE=$work/tokens taskset -c "$load_cpu" wrk -t1 -c"$connections" -d"${duration}s" \
  --latency -s "$root/bench/matchmaking/start.lua" "http://127.0.0.1:$port"

echo "== time to match (STANDALONE), $samples matches"
node "$root/bench/matchmaking/time_to_match.mjs" "http://127.0.0.1:$port" "$work/tokens" "$samples"
