# shellcheck shell=bash disable=SC2154
# (the scripts that source this file set the variables its functions read)
# Shell functions shared by the benchmark scripts (sourced, not run).

# What every script reads from the environment: the repository, the binary under test, and
# the cores for the servers and for the load (see each script's usage).
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bin=${SESSION_API_BIN:-$root/build/session-api}
server_cpu=${SERVER_CPU:-0}
load_cpu=${LOAD_CPU:-1}

# True when nothing listens on 127.0.0.1:$1.
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Prints a loopback port nothing listens on (a race with other processes remains possible),
# below the kernel's range of ephemeral ports: a port there can be held by a client socket of
# an earlier run in TIME_WAIT, which nothing listens on yet a server cannot bind, so a
# benchmark's server failed to start now and then.
pick_port() {
  local p low=32768
  read -r low _ </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || true
  ((low > 12000)) || low=32768
  for _ in $(seq 100); do
    p=$((10000 + RANDOM % (low - 10000)))
    if port_free "$p"; then echo "$p"; return; fi
  done
  echo "no free port" >&2
  exit 1
}

# Prints the script's leading comment (its usage) without the shebang.
usage() { awk 'NR > 1 && /^#/ { print; next } NR > 1 { exit }' "$0"; }

# Parses "$@" into variables: `parse_options "rounds duration" "layer" "$@"` sets $rounds from
# --rounds N and $duration from --duration S, and sets $layer to 1 on --layer (dashes in option
# names become underscores). --help prints the usage; anything else is an error (exit 2).
parse_options() {
  local values=" ${1//-/_} " flags=" ${2//-/_} " name
  shift 2
  while [[ $# -gt 0 ]]; do
    name=${1#--}
    name=${name//-/_}
    if [[ $1 == -h || $1 == --help ]]; then
      usage
      exit 0
    elif [[ $1 == --* && $values == *" $name "* && $# -ge 2 ]]; then
      printf -v "$name" '%s' "$2"
      shift 2
    elif [[ $1 == --* && $flags == *" $name "* ]]; then
      printf -v "$name" '%s' 1
      shift
    else
      echo "unknown argument: $1 (see --help)" >&2
      exit 2
    fi
  done
}

# Exits unless every named command is installed; $tools_hint says how to install them.
require_tools() {
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null ||
      { echo "missing $tool${tools_hint:+ ($tools_hint)}" >&2; exit 1; }
  done
}

# Exits unless $1 is an executable file; $2 says how to build it.
require_bin() {
  [[ -x $1 ]] || { echo "no $(basename "$1") binary at $1 ($2)" >&2; exit 1; }
}

# Background processes to stop on exit; a script adds each one it starts (`pids+=($!)`).
pids=()

# Stops the given processes: TERM to all, up to 10 s for each to leave, then KILL.
stop_pids() {
  local pid
  for pid in "$@"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "$@"; do
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
}

# Makes the temporary directory $work and arranges that on exit, even after an error or ^C,
# everything in $pids is stopped and $work removed.
make_work_dir() {
  work=$(mktemp -d)
  trap 'stop_pids "${pids[@]}"; rm -rf "$work"' EXIT
  trap 'exit 130' INT TERM
}

# Waits up to 20 s for a 2xx answer on url $1 from process $2; fails early if the process
# exits, printing the file $3 (its stderr) when given.
wait_ready() {  # url pid [stderr-file]
  for _ in $(seq 200); do
    if curl -fs -o /dev/null "$1"; then return 0; fi
    if ! kill -0 "$2" 2>/dev/null; then
      echo "server for $1 exited" >&2
      [[ -z ${3:-} ]] || cat "$3" >&2
      return 1
    fi
    sleep 0.1
  done
  echo "server for $1 did not answer" >&2
  return 1
}

# Starts nginx (one worker, no access log, pinned to cpu $1) answering GET /health/live on
# 127.0.0.1:$2 with a fixed small JSON body, the baseline the servers are compared with; adds
# it to $pids and waits until it answers. Its files live in $work/nginx.
start_nginx() {  # cpu port
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
    listen 127.0.0.1:$2;
    location = /health/live {
      default_type application/json;
      return 200 '{"status":"ok"}';
    }
  }
}
CONF
  taskset -c "$1" nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" &
  pids+=($!)
  wait_ready "http://127.0.0.1:$2/health/live" "${pids[-1]}" "$work/nginx/error.log"
}

# CPU time (user + system, all threads) of a process and its direct children (nginx's worker),
# in clock ticks. Per request it hardly depends on what else the machine runs, unlike req/s.
cpu_ticks() {  # pid
  local total=0 p
  for p in "$1" $(cat /proc/"$1"/task/*/children 2>/dev/null); do
    total=$((total + $(awk '{ print $14 + $15 }' "/proc/$p/stat" 2>/dev/null || echo 0)))
  done
  echo "$total"
}

# "tid name ticks" for each thread of process $1 (user + system clock ticks), sorted by tid,
# to split a server's CPU by thread (names are the ones the server gives its threads).
thread_ticks() {  # pid
  local t
  for t in /proc/"$1"/task/*; do
    echo "$(basename "$t") $(tr -c 'A-Za-z0-9_.\n-' _ <"$t/comm" 2>/dev/null)" \
      "$(sed 's/.*) //' "$t/stat" 2>/dev/null | awk '{ print $12 + $13 }')"
  done | sort
}

# "cpuN idle total" for each CPU from /proc/stat (idle and iowait against all ticks), to show how
# much of each core a run left unused.
cpu_idle_ticks() {
  awk '/^cpu[0-9]/ { t = 0; for (k = 2; k <= 9; ++k) t += $k; print $1, $5 + $6, t }' /proc/stat
}

# The idle share of each CPU between two cpu_idle_ticks outputs: "12% 3%".
idle_shares() {  # before after
  join <(echo "$1") <(echo "$2") |
    awk '{ d = $5 - $3; printf "%s%.0f%%", (NR > 1 ? " " : ""), (d > 0 ? 100 * ($4 - $2) / d : 0) }'
}

# A wrk latency such as 478.00us, 1.20ms or 2.00s in milliseconds.
to_ms() {
  awk -v v="$1" 'BEGIN {
    n = v + 0
    if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n = n; else if (v ~ /s$/) n *= 1000
    printf "%.3f", n }'
}

# The median of the space-separated numbers on stdin.
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {
  if (NR % 2) print a[(NR+1)/2]; else printf "%.3f\n", (a[NR/2] + a[NR/2+1]) / 2 }'; }

# wrk scenarios. A script sets names[i] (scenario i's name), servers[i] (the pid whose CPU the
# scenario costs), $duration, $load_cpu, and defines `wrk_args i`, which fills the array `args`
# (wrk's options and url) and sets `conns` (its connections). A run fails (failed=1) on a
# non-2xx answer, a socket error or anything wrk writes on stderr. Besides the server's CPU
# per request, each run counts wrk's own (user + system, from its rusage): on a machine the
# server shares with wrk, that is the part of the cores the load itself takes. Each round also
# prints how much of each CPU stayed idle.
declare -A rps p50 p99 cpu load med medcpu
failed=0

# One wrk run of scenario $1 in round $2, adding its numbers to rps, p50, p99, cpu and load.
run_wrk() {  # index round
  local out before ticks r l50 l99 errors n us load_us width idle TIMEFORMAT='%3U %3S'
  wrk_args "$1"
  before=$(cpu_ticks "${servers[$1]}")
  idle=$(cpu_idle_ticks)
  { time out=$(timeout $((duration + 15)) taskset -c "$load_cpu" wrk -t1 -c"$conns" \
    -d"${duration}s" --latency "${args[@]}" 2>"$work/wrk.err"); } 2>"$work/wrk.time"
  ticks=$(( $(cpu_ticks "${servers[$1]}") - before ))
  idle=$(idle_shares "$idle" "$(cpu_idle_ticks)")
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
  us=$(awk -v t="$ticks" -v hz="$(getconf CLK_TCK)" -v n="$n" \
    'BEGIN { printf "%.1f", (n > 0 ? t * 1e6 / hz / n : 0) }')
  load_us=$(awk -v n="$n" '{ printf "%.1f", (n > 0 ? ($1 + $2) * 1e6 / n : 0) }' "$work/wrk.time")
  rps[$1]+="$r "
  cpu[$1]+="$us "
  load[$1]+="$load_us "
  p50[$1]+="$(to_ms "$l50") "
  p99[$1]+="$(to_ms "$l99") "
  width=$(names_width)
  printf '  round %d %-*s %10.0f req/s  p50 %-8s p99 %-8s server CPU %s us/req  wrk %s  idle %s\n' \
    "$2" "$width" "${names[$1]}" "$r" "$l50" "$l99" "$us" "$load_us" "$idle"
}

names_width() {
  local w=8 name
  for name in "${names[@]}"; do (( ${#name} > w )) && w=${#name}; done
  echo "$w"
}

# One second of each scenario (so that caches and connections are warm), then $1 rounds of all,
# in reversed order every other round so that no scenario always runs right after another.
measure_scenarios() {  # rounds
  local i round order
  for i in "${!names[@]}"; do
    wrk_args "$i"
    timeout 20 taskset -c "$load_cpu" wrk -t1 -c"$conns" -d1s "${args[@]}" >/dev/null
  done
  echo "measuring: $1 rounds x ${duration}s; load average $(cut -d' ' -f1-3 /proc/loadavg)"
  for round in $(seq "$1"); do
    if (( round % 2 )); then order=("${!names[@]}"); else
      mapfile -t order < <(printf '%s\n' "${!names[@]}" | tac); fi
    for i in "${order[@]}"; do run_wrk "$i" "$round"; done
  done
}

# Prints the medians of every scenario under the column title $1 and sets med and medcpu.
print_medians() {  # title
  local i width
  width=$(names_width)
  echo
  printf '%-*s %12s %10s %10s %14s %14s\n' "$width" "$1" "req/s" "p50 ms" "p99 ms" \
    "CPU us/req" "wrk us/req"
  for i in "${!names[@]}"; do
    med[$i]=$(median <<<"${rps[$i]}")
    medcpu[$i]=$(median <<<"${cpu[$i]}")
    printf '%-*s %12.0f %10s %10s %14s %14s\n' "$width" "${names[$i]}" "${med[$i]}" \
      "$(median <<<"${p50[$i]}")" "$(median <<<"${p99[$i]}")" "${medcpu[$i]}" \
      "$(median <<<"${load[$i]}")"
  done
}

# Exits 1 when a run failed: its numbers do not count.
exit_if_failed() {
  echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
  if (( failed )); then
    echo "some rounds had errors or non-2xx answers: their numbers do not count" >&2
    exit 1
  fi
}

# Writes $work/config.toml for `session-api serve --config`: a local token issuer, no per-player
# rate limit and the default configuration "duel" (1 against 1, so tickets match in pairs) in
# $work/configurations.json.
write_duel_config() {
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
}
