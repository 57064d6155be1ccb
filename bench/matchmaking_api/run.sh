#!/usr/bin/env bash
# Matchmaking routes over HTTP with valid player tokens, against nginx in the same run.
#
#   nginx    GET /health/live returning a fixed JSON body (the baseline, as in bench/http);
#   status   GET /matchmaking/status/{ticketId}, each request with the ticket owner's token,
#            rotating over PLAYERS players' tickets (started before measuring; the 1-against-1
#            configuration has matched them, so the answers are COMPLETED tickets with their
#            connection info);
#   start    POST /matchmaking/start with the seed's body, rotating over PLAYERS other players
#            (bench/matchmaking/start.lua): every 200 is a ticket committed to SQLite before the
#            answer; a player's new ticket replaces its previous one and the configuration
#            matches tickets in pairs, so the matchmaker and the store writes of every
#            transition run during the measure.
# session-api runs with one I/O thread (SESSION_API_SERVER_THREADS=1), no per-player rate
# limit, its access log to /dev/null; it and nginx (one worker, no access log) are pinned to
# SERVER_CPU, wrk to LOAD_CPU. ROUNDS rounds, in reversed order every other round; printed:
# each round, then the medians of requests/s, p50, p99 and server CPU time per request (all
# threads, user + system, from /proc), and the status route's ratio to nginx by both. A
# non-2xx answer fails the run.
#
# Then a second start scenario, "start-2cpu": the same server restarted on its data as a
# deployment on this machine would run it, with two I/O threads and free to use both cores
# (its I/O, store and matchmaking threads spread over them), wrk still on LOAD_CPU beside it.
# Its tickets/s are what this machine carries; its CPU per ticket includes the cost of
# sharing the cores with wrk.
#
# Usage: bench/matchmaking_api/run.sh [--rounds N] [--duration S] [--connections N]
#          [--start-connections N] [--players N]
#   --connections for nginx and status (50), --start-connections for start (400: each start
#   waits for its group commit, so throughput needs many in flight).
# Environment: SESSION_API_BIN (default build/session-api), SERVER_CPU (0), LOAD_CPU (1).
set -euo pipefail

# shellcheck source=../lib.sh
source "$(dirname "$0")/../lib.sh"
rounds=3
duration=5
connections=50
start_connections=400
players=200
parse_options "rounds duration connections start-connections players" "" "$@"
require_tools nginx wrk taskset curl node
require_bin "$bin" "make build"

make_work_dir
nginx_port=$(pick_port)
start_nginx "$server_cpu" "$nginx_port"

write_duel_config
sapi_port=$(pick_port)
SESSION_API_SERVER_THREADS=1 taskset -c "$server_cpu" "$bin" serve --config "$work/config.toml" \
  --data-dir "$work/data" --listen "127.0.0.1:$sapi_port" >/dev/null 2>"$work/session-api.err" &
pids+=($!)
wait_ready "http://127.0.0.1:$sapi_port/health/live" "${pids[-1]}" "$work/session-api.err"
base=http://127.0.0.1:$sapi_port

echo "tokens for 2 x $players players"
for i in $(seq "$players"); do
  for kind in bench status; do
    echo "$kind-$i $("$bin" token --player "$kind-$i" --config "$work/config.toml" \
      --data-dir "$work/data")" >>"$work/$kind.tokens"
  done
done
node "$root/bench/matchmaking_api/tickets.mjs" "$base" "$work/status.tokens" "$work/tickets"

names=(nginx status start)
servers=("${pids[0]}" "${pids[1]}" "${pids[1]}")
wrk_args() {  # index -> fills `args` and `conns`
  case $1 in
    0) args=("http://127.0.0.1:$nginx_port/health/live"); conns=$connections ;;
    1) args=(-s "$root/bench/matchmaking_api/status.lua" "$base"); conns=$connections ;;
    2 | 3) args=(-s "$root/bench/matchmaking/start.lua" "$base"); conns=$start_connections ;;
  esac
}
export TICKETS_FILE=$work/tickets TOKENS_FILE=$work/bench.tokens

measure_scenarios "$rounds"
print_medians scenario
awk -v a="${med[1]}" -v b="${med[0]}" -v ca="${medcpu[1]}" -v cb="${medcpu[0]}" 'BEGIN {
  printf "ratio status/nginx: %.2f req/s, %.2f by CPU per request\n", a / b, (ca > 0 ? cb / ca : 0) }'
echo "start: ${med[2]} tickets/s at ${medcpu[2]} us of server CPU per ticket"

echo
echo "start-2cpu: the server on both cores with two I/O threads, wrk on CPU $load_cpu"
stop_pids "${pids[1]}"
SESSION_API_SERVER_THREADS=2 "$bin" serve --config "$work/config.toml" --data-dir "$work/data" \
  --listen "127.0.0.1:$sapi_port" >/dev/null 2>"$work/session-api-2cpu.err" &
pids+=($!)
wait_ready "$base/health/live" "${pids[-1]}" "$work/session-api-2cpu.err"
names=([3]=start-2cpu)
servers=([3]="${pids[-1]}")
measure_scenarios "$rounds"
print_medians scenario
echo "start-2cpu: ${med[3]} tickets/s at ${medcpu[3]} us of server CPU per ticket"
exit_if_failed
