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

root=$(cd "$(dirname "$0")/../.." && pwd)
bin=${SESSION_API_BIN:-$root/build/session-api}
server_cpu=${SERVER_CPU:-0}
load_cpu=${LOAD_CPU:-1}
duration=10
connections=50
players=200
samples=200
while [[ $# -gt 0 ]]; do
  case $1 in
    --duration) duration=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --players) players=$2; shift 2 ;;
    --samples) samples=$2; shift 2 ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
for tool in wrk taskset curl node; do
  command -v "$tool" >/dev/null || { echo "missing $tool" >&2; exit 1; }
done
[[ -x $bin ]] || { echo "no session-api binary at $bin (make build)" >&2; exit 1; }

work=$(mktemp -d)
pid=
cleanup() {
  if [[ -n $pid ]]; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port=$((20000 + RANDOM % 20000))
cat >"$work/configurations.json" <<'JSON'
{"configurations": [{"name": "duel", "requestTimeoutSeconds": 600, "ruleSetBody": {
  "ruleLanguageVersion": "1.0",
  "playerAttributes": [{"name": "skill", "type": "number", "default": 10}],
  "teams": [{"name": "red", "minPlayers": 1, "maxPlayers": 1},
            {"name": "blue", "minPlayers": 1, "maxPlayers": 1}]}}]}
JSON
cat >"$work/config.toml" <<TOML
matchmaking_configuration_name = "duel"
[auth]
local_issuer = "http://session-api.bench/local"
[matchmaking]
configurations_file = "$work/configurations.json"
rate_limit_per_second = 0
TOML

taskset -c "$server_cpu" "$bin" serve --config "$work/config.toml" --data-dir "$work/data" \
  --listen "127.0.0.1:$port" >/dev/null 2>"$work/stderr" &
pid=$!
for _ in $(seq 100); do
  curl -fs -o /dev/null "http://127.0.0.1:$port/health/live" && break
  kill -0 "$pid" 2>/dev/null || { cat "$work/stderr" >&2; exit 1; }
  sleep 0.1
done

for i in $(seq "$players"); do
  echo "bench-$i $("$bin" token --player "bench-$i" --config "$work/config.toml" --data-dir "$work/data")"
done >"$work/tokens"

echo "== POST /matchmaking/start, $connections connections, ${duration}s"
TOKENS_FILE=$work/tokens taskset -c "$load_cpu" wrk -t1 -c"$connections" -d"${duration}s" \
  --latency -s "$root/bench/matchmaking/start.lua" "http://127.0.0.1:$port"

echo "== time to match (STANDALONE), $samples matches"
node "$root/bench/matchmaking/time_to_match.mjs" "http://127.0.0.1:$port" "$work/tokens" "$samples"
