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

# shellcheck source=../lib.sh
source "$(dirname "$0")/../lib.sh"
rounds=5
duration=5
connections=50
layer=0
parse_options "rounds duration connections" "layer" "$@"
tools_hint="apt-get install nginx-light wrk curl util-linux nodejs"
require_tools nginx wrk taskset curl node
require_bin "$bin" "make build"

make_work_dir
nginx_port=$(pick_port)
start_nginx "$server_cpu" "$nginx_port"

sapi_port=$(pick_port)
mkdir -p "$work/data"
# Created before the server starts so that it is loaded with the credentials file, not reloaded.
"$bin" credentials create --name bench --data-dir "$work/data" >"$work/credentials.json"
SESSION_API_SERVER_THREADS=1 taskset -c "$server_cpu" "$bin" serve \
  --listen "127.0.0.1:$sapi_port" --data-dir "$work/data" >/dev/null 2>"$work/session-api.err" &
pids+=($!)
wait_ready "http://127.0.0.1:$sapi_port/health/live" "${pids[-1]}" "$work/session-api.err"

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
wrk_args() {  # index -> fills the array `args` and `conns`
  args=()
  conns=$connections
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

echo "$connections connections, server on cpu $server_cpu, wrk on cpu $load_cpu"
measure_scenarios "$rounds"
print_medians server
for i in "${!names[@]}"; do
  (( i == 0 )) && continue
  awk -v n="${names[$i]}" -v a="${med[$i]}" -v b="${med[0]}" -v ca="${medcpu[$i]}" \
    -v cb="${medcpu[0]}" 'BEGIN { printf "ratio %s/nginx: %.2f req/s, %.2f by CPU per request" \
      " (nginx us/req over %s us/req)\n", n, a / b, (ca > 0 ? cb / ca : 0), n }'
done
exit_if_failed
