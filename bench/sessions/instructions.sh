#!/usr/bin/env bash
# Instructions per durable session summary, which unlike time do not depend on what else the
# machine runs: session-api serve (one I/O thread) under valgrind's callgrind with
# instrumentation off, bench_sessions at CONNECTIONS connections, instrumentation switched on
# for MEASURE seconds once the load runs, then the program's total and the top functions
# (inclusive) divided by the summaries the store committed meanwhile (its metrics). User space
# only; valgrind runs SHA-256 without the CPU's SHA extensions, so SigV4 weighs more than it
# does natively. Compare two builds by running it once for each.
#
# Usage: bench/sessions/instructions.sh [--measure SECONDS] [--connections N] [--top N]
# Environment: SESSION_API_BIN (default build/session-api), BENCH_SESSIONS_BIN (default
#   build/bench/sessions/bench_sessions).
set -euo pipefail

# shellcheck source=../lib.sh
source "$(dirname "$0")/../lib.sh"
load_bin=${BENCH_SESSIONS_BIN:-$root/build/bench/sessions/bench_sessions}
measure=6
connections=64
top=15
parse_options "measure connections top" "" "$@"
tools_hint="apt-get install valgrind curl"
require_tools valgrind callgrind_control callgrind_annotate curl
require_bin "$bin" "make build"
require_bin "$load_bin" "build target bench_sessions"

make_work_dir
"$bin" credentials create --name bench-game-server --data-dir "$work/data" >"$work/cred.json"
port=$(pick_port)
SESSION_API_SERVER_THREADS=1 valgrind --tool=callgrind --instr-atstart=no \
  --callgrind-out-file="$work/callgrind.out" "$bin" serve --listen "127.0.0.1:$port" \
  --data-dir "$work/data" >/dev/null 2>"$work/server.err" &
server=$!
pids+=("$server")
# Under valgrind start-up takes a while; wait_ready gives 20 s.
wait_ready "http://127.0.0.1:$port/health/live" "$server" "$work/server.err"
committed() {
  curl -fs "http://127.0.0.1:$port/metrics" |
    awk '/^sapi_store_batch_writes_sum/ { s += $2 } END { printf "%d", s }'
}
"$load_bin" --port "$port" --credentials "$work/cred.json" --connections "$connections" \
  --depth 1 --seconds $((measure + 8)) --warmup 1 >"$work/load.out" &
load=$!
pids+=("$load")
sleep 4
before=$(committed)
callgrind_control -i on "$server" >/dev/null
sleep "$measure"
callgrind_control -i off "$server" >/dev/null
after=$(committed)
wait "$load" || true
stop_pids "$server"
summaries=$((after - before))
[[ $summaries -gt 0 ]] || { echo "no summary committed while measuring" >&2; exit 1; }
echo "summaries committed while measuring: $summaries"
callgrind_annotate --inclusive=yes "$work/callgrind.out" 2>/dev/null |
  awk -v n="$summaries" -v top="$top" '
    /PROGRAM TOTALS/ { gsub(",", "", $1); printf "%10d  whole server\n", $1 / n; next }
    /^ *[0-9,]+ \(/ && shown < top && $0 ~ /sapi::/ {
      gsub(",", "", $1); name = $0; sub(/^[^)]*\) */, "", name)
      printf "%10d  %s\n", $1 / n, substr(name, 1, 110); shown++ }'
