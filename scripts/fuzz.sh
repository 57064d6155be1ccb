#!/usr/bin/env bash
# Runs every libFuzzer target in BUILD_DIR for SECONDS each, on its seed corpus in
# fuzz/corpus/<target>/ when there is one. A crash fails the run.
set -euo pipefail
build=${1:-build-fuzz}
seconds=${2:-30}
shopt -s nullglob
count=0
for bin in "$build"/fuzz/fuzz_*; do
  [[ -x "$bin" ]] || continue
  name=$(basename "$bin")
  work=$(mktemp -d)
  seeds=()
  [[ -d "fuzz/corpus/$name" ]] && seeds=("fuzz/corpus/$name")
  echo "fuzz: $name for ${seconds}s"
  "$bin" -max_total_time="$seconds" -rss_limit_mb=2048 -print_final_stats=1 \
    "$work" "${seeds[@]}" 2>&1 | tail -n 12
  rm -rf "$work"
  count=$((count + 1))
done
echo "fuzz: ran $count targets"
