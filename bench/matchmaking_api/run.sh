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
# Usage: bench/matchmaking_api/run.sh [--rounds N] [--duration S] [--connections N]
#          [--start-connections N] [--players N]
#   --connections for nginx and status (50), --start-connections for start (400: each start
#   waits for its group commit, so throughput needs many in flight).
# Environment: SESSION_API_BIN (default build/session-api), SERVER_CPU (0), LOAD_CPU (1).
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
bin=${SESSION_API_BIN:-$root/build/session-api}
server_cpu=${SERVER_CPU:-0}
load_cpu=${LOAD_CPU:-1}
rounds=3
duration=5
connections=50
start_connections=400
players=200
while [[ $# -gt 0 ]]; do
  case $1 in
    --rounds) rounds=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --start-connections) start_connections=$2; shift 2 ;;
    --players) players=$2; shift 2 ;;
    -h|--help) sed -n '2,25p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
for tool in nginx wrk taskset curl node; do
  command -v "$tool" >/dev/null || { echo "missing $tool" >&2; exit 1; }
done
[[ -x $bin ]] || { echo "no session-api binary at $bin (make build)" >&2; exit 1; }

work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# shellcheck source=../lib.sh
source "$root/bench/lib.sh"
wait_ready() {  # url pid
  for _ in $(seq 100); do
    if curl -fs -o /dev/null "$1"; then return 0; fi
    kill -0 "$2" 2>/dev/null || { echo "server for $1 exited" >&2; return 1; }
    sleep 0.1
  done
  echo "server for $1 did not answer" >&2
  return 1
}

nginx_port=$(pick_port)
mkdir -p "$work/nginx"
cat >"$work/nginx/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  client_body_temp_path $work/nginx/body;
  proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fastcgi;
  uwsgi_temp_path $work/nginx/uwsgi;
  scgi_temp_path $work/nginx/scgi;
  server {
    listen 127.0.0.1:$nginx_port;
    location = /health/live {
      default_type application/json;
      return 200 '{"status":"ok"}';
    }
  }
}
CONF
taskset -c "$server_cpu" nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" &
pids+=($!)
wait_ready "http://127.0.0.1:$nginx_port/health/live" "${pids[-1]}"

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
sapi_port=$(pick_port)
SESSION_API_SERVER_THREADS=1 taskset -c "$server_cpu" "$bin" serve --config "$work/config.toml" \
  --data-dir "$work/data" --listen "127.0.0.1:$sapi_port" >/dev/null 2>"$work/session-api.err" &
pids+=($!)
wait_ready "http://127.0.0.1:$sapi_port/health/live" "${pids[-1]}"
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
    2) args=(-s "$root/bench/matchmaking/start.lua" "$base"); conns=$start_connections ;;
  esac
}
export TICKETS_FILE=$work/tickets TOKENS_FILE=$work/bench.tokens

cpu_ticks() {  # pid: user + system clock ticks of it and its direct children (nginx's worker)
  local total=0 p
  for p in "$1" $(cat /proc/"$1"/task/*/children 2>/dev/null); do
    total=$((total + $(awk '{ print $14 + $15 }' "/proc/$p/stat" 2>/dev/null || echo 0)))
  done
  echo "$total"
}
to_ms() {  # wrk latency such as 478.00us, 1.20ms, 2.00s
  awk -v v="$1" 'BEGIN {
    n = v + 0
    if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n = n; else if (v ~ /s$/) n *= 1000
    printf "%.3f", n }'
}
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {
  if (NR % 2) print a[(NR+1)/2]; else printf "%.3f\n", (a[NR/2] + a[NR/2+1]) / 2 }'; }
hz=$(getconf CLK_TCK)
declare -A rps p50 p99 cpu
failed=0
run_wrk() {  # index round
  local out before ticks r l50 l99 errors n us
  wrk_args "$1"
  before=$(cpu_ticks "${servers[$1]}")
  out=$(timeout $((duration + 15)) taskset -c "$load_cpu" wrk -t1 -c"$conns" -d"${duration}s" \
    --latency "${args[@]}" 2>"$work/wrk.err")
  ticks=$(( $(cpu_ticks "${servers[$1]}") - before ))
  r=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
  l50=$(awk '$1 == "50%" {print $2}' <<<"$out")
  l99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  errors=$(grep -E "Non-2xx|Socket errors" <<<"$out" || true)
  [[ $(awk '/^non-2xx\/3xx responses:/ {print $3}' <<<"$out") =~ ^(0|)$ ]] ||
    errors+=$(grep "^non-2xx" <<<"$out")
  [[ -s $work/wrk.err ]] && errors+=$(head -c 300 "$work/wrk.err")
  if [[ -n $errors ]]; then
    echo "  ${names[$1]}: $errors" >&2
    failed=1
  fi
  n=$(awk '/ requests in / {print $1}' <<<"$out")
  us=$(awk -v t="$ticks" -v hz="$hz" -v n="$n" 'BEGIN { printf "%.1f", (n > 0 ? t * 1e6 / hz / n : 0) }')
  rps[$1]+="$r "
  cpu[$1]+="$us "
  p50[$1]+="$(to_ms "$l50") "
  p99[$1]+="$(to_ms "$l99") "
  printf '  round %d %-8s %10.0f req/s  p50 %-8s p99 %-8s server CPU %s us/req\n' "$2" \
    "${names[$1]}" "$r" "$l50" "$l99" "$us"
}

for i in "${!names[@]}"; do
  wrk_args "$i"
  timeout 20 taskset -c "$load_cpu" wrk -t1 -c"$conns" -d1s "${args[@]}" >/dev/null
done
echo "measuring: $rounds rounds x ${duration}s; load average $(cut -d' ' -f1-3 /proc/loadavg)"
for round in $(seq "$rounds"); do
  if (( round % 2 )); then order=(0 1 2); else order=(2 1 0); fi
  for i in "${order[@]}"; do run_wrk "$i" "$round"; done
done

echo
printf '%-8s %12s %10s %10s %14s\n' scenario "req/s" "p50 ms" "p99 ms" "CPU us/req"
declare -A med medcpu
for i in "${!names[@]}"; do
  med[$i]=$(median <<<"${rps[$i]}")
  medcpu[$i]=$(median <<<"${cpu[$i]}")
  printf '%-8s %12.0f %10s %10s %14s\n' "${names[$i]}" "${med[$i]}" "$(median <<<"${p50[$i]}")" \
    "$(median <<<"${p99[$i]}")" "${medcpu[$i]}"
done
awk -v a="${med[1]}" -v b="${med[0]}" -v ca="${medcpu[1]}" -v cb="${medcpu[0]}" 'BEGIN {
  printf "ratio status/nginx: %.2f req/s, %.2f by CPU per request\n", a / b, (ca > 0 ? cb / ca : 0) }'
echo "start: ${med[2]} tickets/s at ${medcpu[2]} us of server CPU per ticket"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
if (( failed )); then
  echo "some rounds had errors or non-2xx answers: their numbers do not count" >&2
  exit 1
fi
