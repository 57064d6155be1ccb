#!/usr/bin/env bash
# HTTP throughput of session-api against nginx serving a tiny fixed JSON body (GET /health/live).
#
# session-api is measured in three scenarios against the same nginx baseline in the same run:
#   session-api   GET /health/live, no authentication;
#   auth-get      GET /identity/player with a valid player token from the local issuer
#                 (`session-api token`), sent as an Authorization: Bearer header; one request
#                 first so the verified-token cache is warm;
#   sigv4-post    POST /identity/game-server with a small JSON body signed with SigV4 (service
#                 execute-api) with a key from `session-api credentials create`; signed once per
#                 round by bench/http/sigv4_wrk.mjs (node, aws4) and replayed by a wrk Lua script.
# Each scenario is checked with one curl answering 200 before it is measured.
#
# Both servers run one worker pinned to one core (SERVER_CPU), wrk runs pinned to another
# (LOAD_CPU); the scenarios are measured one after the other, in reversed order every other
# round, for ROUNDS rounds, and the median of each is printed with its ratio to nginx, both in
# req/s and in the server's CPU time per request (user + system, from /proc; on a shared
# machine the second says more about the servers' own cost). Loopback only; everything started
# here is stopped on exit. session-api writes its access log (one JSON line per request, as in
# production) to /dev/null; nginx has access_log off.
#
# Usage: bench/http/run.sh [--rounds N] [--duration SECONDS] [--connections N] [--layer]
#   --layer also measures build-*/bench/http/http_bench_server (the HTTP server alone, without
#   logging and metrics) when HTTP_BENCH_SERVER points at it.
# Environment: SESSION_API_BIN (default build/session-api), SERVER_CPU (0), LOAD_CPU (1),
#   HTTP_BENCH_SERVER (path to http_bench_server for --layer).
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
bin=${SESSION_API_BIN:-$root/build/session-api}
server_cpu=${SERVER_CPU:-0}
load_cpu=${LOAD_CPU:-1}
rounds=5
duration=5
connections=50
layer=0
while [[ $# -gt 0 ]]; do
  case $1 in
    --rounds) rounds=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --layer) layer=1; shift ;;
    -h|--help) sed -n '2,24p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done

for tool in nginx wrk taskset curl node; do
  command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install nginx-light wrk curl util-linux nodejs)" >&2; exit 1; }
done
[[ -x $bin ]] || { echo "no session-api binary at $bin (make build)" >&2; exit 1; }

work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# shellcheck source=../lib.sh
source "$(dirname "$0")/../lib.sh"
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
cat >"$work/nginx/nginx.conf" <<EOF
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
EOF
taskset -c "$server_cpu" nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" &
pids+=($!)
wait_ready "http://127.0.0.1:$nginx_port/health/live" "${pids[-1]}"

sapi_port=$(pick_port)
mkdir -p "$work/data"
# Created before the server starts so that it is loaded with the credentials file, not reloaded.
"$bin" credentials create --name bench --data-dir "$work/data" >"$work/credentials.json"
SESSION_API_SERVER_THREADS=1 taskset -c "$server_cpu" "$bin" serve \
  --listen "127.0.0.1:$sapi_port" --data-dir "$work/data" >/dev/null 2>"$work/session-api.err" &
pids+=($!)
wait_ready "http://127.0.0.1:$sapi_port/health/live" "${pids[-1]}"

# Scenario i: names[i], urls[i], and either a request header headers[i] or a wrk Lua script
# maker makers[i] (a function writing "$work/<name>.lua" and "$work/<name>.curl").
nginx_pid=${pids[0]}
sapi_pid=${pids[1]}
names=(nginx session-api)
servers=("$nginx_pid" "$sapi_pid")
urls=("http://127.0.0.1:$nginx_port/health/live" "http://127.0.0.1:$sapi_port/health/live")
headers=("" "")
makers=("" "")

# Authenticated GET: the server runs on the embedded defaults, so its local issuer is on and
# `session-api token` signs with the same key (both read it from the data dir).
token=$("$bin" token --player bench-player --data-dir "$work/data")
names+=(auth-get)
servers+=("$sapi_pid")
urls+=("http://127.0.0.1:$sapi_port/identity/player")
headers+=("Authorization: Bearer $token")
makers+=("")

# SigV4-signed POST with the game-server key created before the server started.
make_sigv4_post() {
  node "$root/bench/http/sigv4_wrk.mjs" "$work/credentials.json" "127.0.0.1:$sapi_port" \
    /identity/game-server '{"bench":true,"players":2}' "$work/sigv4-post.lua" "$work/sigv4-post.curl"
}
names+=(sigv4-post)
servers+=("$sapi_pid")
urls+=("http://127.0.0.1:$sapi_port/identity/game-server")
headers+=("")
makers+=(make_sigv4_post)

if [[ $layer == 1 && -n ${HTTP_BENCH_SERVER:-} ]]; then
  layer_port=$(pick_port)
  taskset -c "$server_cpu" "$HTTP_BENCH_SERVER" "$layer_port" 1 &
  pids+=($!)
  wait_ready "http://127.0.0.1:$layer_port/health/live" "${pids[-1]}"
  names+=(http-layer)
  servers+=("${pids[-1]}")
  urls+=("http://127.0.0.1:$layer_port/health/live")
  headers+=("")
  makers+=("")
fi

# wrk arguments of scenario i, (re)making its Lua script first: a SigV4 signature expires.
wrk_args() {  # index -> fills the array `args`
  args=()
  if [[ -n ${headers[$1]} ]]; then args+=(-H "${headers[$1]}"); fi
  if [[ -n ${makers[$1]} ]]; then
    "${makers[$1]}"
    args+=(-s "$work/${names[$1]}.lua")
  fi
  args+=("${urls[$1]}")
}
check_200() {  # index: one request as wrk will send it must answer 200 within a few seconds
  local code
  [[ -z ${makers[$1]} ]] || "${makers[$1]}"
  for _ in $(seq 30); do
    if [[ -n ${makers[$1]} ]]; then
      code=$(curl -s -o "$work/check.out" -w '%{http_code}' -K "$work/${names[$1]}.curl")
    elif [[ -n ${headers[$1]} ]]; then
      code=$(curl -s -o "$work/check.out" -w '%{http_code}' -H "${headers[$1]}" "${urls[$1]}")
    else
      code=$(curl -s -o "$work/check.out" -w '%{http_code}' "${urls[$1]}")
    fi
    [[ $code == 200 ]] && return 0
    sleep 0.1
  done
  if [[ $code != 200 ]]; then
    echo "${names[$1]}: ${urls[$1]} answered $code: $(head -c 300 "$work/check.out")" >&2
    return 1
  fi
}
# Checking also warms the verified-token cache (the first request verifies the signature).
for i in "${!names[@]}"; do check_200 "$i"; done

to_ms() {  # wrk latency such as 478.00us, 1.20ms, 2.00s
  awk -v v="$1" 'BEGIN {
    n = v + 0
    if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n = n; else if (v ~ /s$/) n *= 1000
    printf "%.3f", n }'
}
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {
  if (NR % 2) print a[(NR+1)/2]; else printf "%.3f\n", (a[NR/2] + a[NR/2+1]) / 2 }'; }

# CPU time (user + system, all threads) of a server and its direct children (nginx's worker), in
# clock ticks. Per request it hardly depends on what else the machine runs, unlike req/s.
cpu_ticks() {  # pid
  local total=0 p
  for p in "$1" $(cat /proc/"$1"/task/*/children 2>/dev/null); do
    total=$((total + $(awk '{ print $14 + $15 }' "/proc/$p/stat" 2>/dev/null || echo 0)))
  done
  echo "$total"
}
hz=$(getconf CLK_TCK)
declare -A rps p50 p99 cpu
failed=0
run_wrk() {  # index
  local out args before ticks
  wrk_args "$1"
  before=$(cpu_ticks "${servers[$1]}")
  out=$(timeout $((duration + 15)) taskset -c "$load_cpu" wrk -t1 -c"$connections" \
    -d"${duration}s" --latency "${args[@]}" 2>"$work/wrk.err")
  ticks=$(( $(cpu_ticks "${servers[$1]}") - before ))
  local r l50 l99 errors n us
  r=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
  l50=$(awk '$1 == "50%" {print $2}' <<<"$out")
  l99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  errors=$(grep -E "Non-2xx|Socket errors" <<<"$out" || true)
  # wrk reports a broken Lua script on stderr and goes on sending its default request.
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
  printf '  round %d %-12s %10.0f req/s  p50 %-8s p99 %-8s server CPU %s us/req\n' "$2" \
    "${names[$1]}" "$r" "$l50" "$l99" "$us"
}

echo "warm-up; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
for i in "${!names[@]}"; do
  wrk_args "$i"
  timeout 20 taskset -c "$load_cpu" wrk -t1 -c"$connections" -d1s "${args[@]}" >/dev/null
done
echo "measuring: $rounds rounds x ${duration}s, $connections connections, server on cpu" \
  "$server_cpu, wrk on cpu $load_cpu"
for round in $(seq "$rounds"); do
  # Alternate the order so that neither server always runs right after the other.
  if (( round % 2 )); then order=("${!names[@]}"); else mapfile -t order < <(printf '%s\n' "${!names[@]}" | tac); fi
  for i in "${order[@]}"; do run_wrk "$i" "$round"; done
done

echo
printf '%-12s %12s %10s %10s %14s\n' server "req/s" "p50 ms" "p99 ms" "CPU us/req"
declare -A med medcpu
for i in "${!names[@]}"; do
  med[$i]=$(median <<<"${rps[$i]}")
  medcpu[$i]=$(median <<<"${cpu[$i]}")
  printf '%-12s %12.0f %10s %10s %14s\n' "${names[$i]}" "${med[$i]}" "$(median <<<"${p50[$i]}")" \
    "$(median <<<"${p99[$i]}")" "${medcpu[$i]}"
done
for i in "${!names[@]}"; do
  (( i == 0 )) && continue
  awk -v n="${names[$i]}" -v a="${med[$i]}" -v b="${med[0]}" -v ca="${medcpu[$i]}" \
    -v cb="${medcpu[0]}" 'BEGIN { printf "ratio %s/nginx: %.2f req/s, %.2f by CPU per request" \
      " (nginx us/req over %s us/req)\n", n, a / b, (ca > 0 ? cb / ca : 0), n }'
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
if (( failed )); then
  echo "some rounds had errors or non-2xx answers: their numbers do not count" >&2
  exit 1
fi
