#!/usr/bin/env bash
# Durable session summaries over HTTP: SigV4-signed POST /session-summary against session-api,
# first with group commit (the default), then with one transaction per write
# (SESSION_API_STORE_GROUP_COMMIT=false), in the same run, each on a fresh temporary data dir
# with a fresh game-server credential. The server is pinned to SERVER_CPU, bench_sessions to
# LOAD_CPU. Prints summaries/s, p50, p99 and non-200 answers of each, and the ratio.
# Loopback only; everything started here is stopped and removed on exit.
#
# Usage: bench/sessions/run.sh [--duration SECONDS] [--warmup SECONDS] [--connections N]
#                              [--depth N]
# Environment: SESSION_API_BIN (default build/session-api), BENCH_SESSIONS_BIN (default
#   build/bench/sessions/bench_sessions), SERVER_CPU (0), LOAD_CPU (1), SERVER_THREADS (1).
set -euo pipefail

# shellcheck source=../lib.sh
source "$(dirname "$0")/../lib.sh"
load_bin=${BENCH_SESSIONS_BIN:-$root/build/bench/sessions/bench_sessions}
server_threads=${SERVER_THREADS:-1}
duration=5
warmup=1
connections=512
depth=1
parse_options "duration warmup connections depth" "" "$@"
tools_hint="apt-get install curl util-linux coreutils"
require_tools taskset curl timeout
require_bin "$bin" "make build"
require_bin "$load_bin" "build target bench_sessions"

make_work_dir
# One server at a time, each run on its own data dir.
server_pid=
stop_server() {
  [[ -n $server_pid ]] || return 0
  stop_pids "$server_pid"
  server_pid=
  pids=()
}

declare -A result
field() { tr ' ' '\n' <<<"${result[$1]}" | awk -F= -v k="$2" '$1 == k {print $2}'; }
run_mode() {  # name group_commit(true|false)
  local name=$1 group_commit=$2 data="$work/data-$1" port out
  mkdir -p "$data"
  "$bin" credentials create --name bench-game-server --data-dir "$data" >"$work/cred-$name.json"
  port=$(pick_port)
  SESSION_API_STORE_GROUP_COMMIT=$group_commit SESSION_API_SERVER_THREADS=$server_threads \
    taskset -c "$server_cpu" "$bin" serve --listen "127.0.0.1:$port" --data-dir "$data" \
    >/dev/null 2>"$work/server.err" &
  server_pid=$!
  pids=("$server_pid")
  wait_ready "http://127.0.0.1:$port/health/live" "$server_pid" "$work/server.err"
  local cpu_before threads_before
  cpu_before=$(cpu_ticks "$server_pid")
  threads_before=$(thread_ticks "$server_pid")
  out=$(timeout $((${duration%.*} + ${warmup%.*} + 30)) taskset -c "$load_cpu" "$load_bin" \
    --port "$port" --credentials "$work/cred-$name.json" --connections "$connections" \
    --depth "$depth" --seconds "$duration" --warmup "$warmup")
  local ticks answered
  ticks=$(( $(cpu_ticks "$server_pid") - cpu_before ))
  local threads_after
  threads_after=$(thread_ticks "$server_pid")
  stop_server
  rm -rf "$data"
  result[$name]=$(tail -n 1 <<<"$out")
  answered=$(field "$name" answered_200)
  # The server's CPU (all its threads, user + system) per answered summary: unlike the rate,
  # this hardly depends on what else the machine runs.
  result[$name]+=" server_cpu_us_per_request=$(awk -v t="$ticks" -v hz="$(getconf CLK_TCK)" \
    -v n="$answered" 'BEGIN { printf "%.1f", (n > 0 ? t * 1e6 / hz / n : 0) }')"
  sed 's/^/  /' <<<"$out"
  echo "  server CPU per answered summary: $(field "$name" server_cpu_us_per_request) us"
  # By thread name (threads of one name summed), largest first.
  echo "  by thread, us per answered summary:" "$(awk -v hz="$(getconf CLK_TCK)" -v n="$answered" '
    NR == FNR { before[$2] += $3; next }
    { after[$2] += $3 }
    END { for (k in after) if (n > 0 && after[k] > before[k])
            printf "%s=%.1f\n", k, (after[k] - before[k]) * 1e6 / hz / n }' \
    <(echo "$threads_before") <(echo "$threads_after") | sort -t= -k2 -rn | paste -sd' ')"
}

echo "server on cpu $server_cpu" \
  "($server_threads I/O thread), load on cpu $load_cpu; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "group commit on:"
run_mode group true
echo "one transaction per write (store.group_commit = false):"
run_mode single false

echo
printf '%-22s %12s %9s %9s %8s %14s %12s\n' configuration "summaries/s" "p50 ms" "p99 ms" \
  non-200 "server us/req" "load us/req"
for name in group single; do
  printf '%-22s %12s %9s %9s %8s %14s %12s\n' \
    "$([[ $name == group ]] && echo "group commit" || echo "one transaction/write")" \
    "$(field "$name" summaries_per_s)" "$(field "$name" p50_ms)" "$(field "$name" p99_ms)" \
    "$(field "$name" non_200)" "$(field "$name" server_cpu_us_per_request)" \
    "$(field "$name" load_cpu_us_per_request)"
done
awk -v a="$(field group summaries_per_s)" -v b="$(field single summaries_per_s)" \
  'BEGIN { if (b > 0) printf "ratio group commit / one transaction per write: %.1f\n", a / b;
           else print "ratio: no summary committed without group commit" }'
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
if [[ $(field group non_200) != 0 || $(field single non_200) != 0 ]]; then
  echo "some answers were not 200" >&2
  exit 1
fi
