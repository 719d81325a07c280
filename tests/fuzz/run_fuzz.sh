#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz/ (clang, ASan + UBSan) and runs
# each for FUZZ_SECONDS on a copy of its seed corpus, FUZZ_JOBS at a time.
# Prints each target's runs and runs per second, then "N passed, M failed";
# exits non-zero when a target crashed, hung or broke a property, and then
# prints where the input that did it was kept and the command that replays it.
#
#   FUZZ_SECONDS=60 FUZZ_JOBS=2 bash tests/fuzz/run_fuzz.sh [TARGET...]
#
# TARGET is a name like line_framer (default: every *_fuzz.cc). New corpus
# entries the fuzzer finds stay under build/fuzz/runs/, never in the tree.
set -euo pipefail
cd "$(dirname "$0")/../.."

seconds=${FUZZ_SECONDS:-60}
jobs=${FUZZ_JOBS:-2}
build=${FUZZ_BUILD:-build/fuzz}
# One input running longer than this is a hang (a loop that never ends).
timeout_s=${FUZZ_TIMEOUT:-10}

if [ $# -gt 0 ]; then
  targets=("$@")
else
  targets=()
  for src in tests/fuzz/*_fuzz.cc; do
    name=$(basename "$src" .cc)
    targets+=("${name%_fuzz}")
  done
fi

# Under make (make fuzz) the jobs are make's to share out.
jflag=-j$jobs
[[ "${MAKEFLAGS:-}" == *jobserver* ]] && jflag=
make --no-print-directory $jflag FUZZ=1 BUILD="$build" fuzz-targets >/dev/null

runs=$build/runs
rm -rf "$runs"
mkdir -p "$runs"

run_one() {
  local name=$1
  local dir=$runs/$name
  mkdir -p "$dir/corpus"
  if [ -d "tests/fuzz/corpus/$name" ]; then
    cp -R "tests/fuzz/corpus/$name/." "$dir/corpus/"
  fi
  local rc=0
  "$build/fuzz/${name}_fuzz" -max_total_time="$seconds" -timeout="$timeout_s" \
    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$dir/" \
    "$dir/corpus" >"$dir/log" 2>&1 || rc=$?
  echo "$rc" >"$dir/rc"
}

echo "fuzzing ${#targets[@]} targets for $seconds s each, $jobs at a time"
for name in "${targets[@]}"; do
  [ -x "$build/fuzz/${name}_fuzz" ] || { echo "no fuzz target $name" >&2; exit 2; }
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n || true; done
  run_one "$name" &
done
wait

passed=0
failed=0
for name in "${targets[@]}"; do
  dir=$runs/$name
  rc=$(cat "$dir/rc" 2>/dev/null || echo 1)
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/log" | tail -1)
  speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$dir/log" | tail -1)
  if [ "$rc" = 0 ]; then
    passed=$((passed + 1))
    printf '%-20s ok      %10s runs  %7s runs/s\n' "$name" "${execs:-?}" "${speed:-?}"
    continue
  fi
  failed=$((failed + 1))
  printf '%-20s FAILED  %10s runs  (exit %s)\n' "$name" "${execs:-?}" "$rc"
  echo "----- $name: what went wrong (the whole log: $dir/log)"
  grep -E 'property failed|runtime error|ERROR: |ALARM|SUMMARY' "$dir/log" | head -n 10 || true
  grep -E '^ +#[0-9]+ .* in (edgelog|LLVMFuzzerTestOneInput)' "$dir/log" | head -n 12 || true
  grep -E '^Base64: ' "$dir/log" | tail -n 1 || true
  for input in "$dir"/crash-* "$dir"/timeout-* "$dir"/leak-* "$dir"/oom-*; do
    [ -e "$input" ] || continue
    echo "----- $name: the input is kept in $input; replay it with:"
    echo "  $build/fuzz/${name}_fuzz $input"
  done
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
