#!/usr/bin/env bash
# Runs every test suite and ends with one line "N passed, M failed" over all
# of them. Exits non-zero if any suite fails or reports no count.
#
#   tests/run_all.sh               every suite
#   tests/run_all.sh integration   only the integration tests (also: unit,
#                                  sigv4, install)
set -uo pipefail
cd "$(dirname "$0")/.."
build=${BUILD:-build}
only=${1:-}
# RUN: how to run a test binary built for another target (qemu); CROSS=1
# then: only the suites that run on the target itself (unit, sigv4).
run=${RUN:-}
cross=${CROSS:-}
shared_suite=../shared/sigv4-suite

total_pass=0
total_fail=0
status=0
report=()

# A suite that hangs is stopped after SUITE_TIMEOUT seconds and counted as
# failed, so one stuck test does not take the rest of the run with it.
suite_timeout=${SUITE_TIMEOUT:-2400}

# run_suite NAME COMMAND...: runs it, shows its output, adds up its count.
run_suite() {
  local name=$1
  shift
  echo "=== $name"
  local out rc
  out=$(mktemp)
  timeout -k 30 "$suite_timeout" "$@" 2>&1 | tee "$out"
  rc=${PIPESTATUS[0]}
  [ "$rc" -eq 124 ] && echo "=== $name: stopped after $suite_timeout s"
  local line
  line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$out" | tail -n 1)
  rm -f "$out"
  if [ -z "$line" ]; then
    echo "=== $name: no result line (exit $rc)"
    total_fail=$((total_fail + 1))
    report+=("$name: did not report (exit $rc)")
    status=1
    return
  fi
  local p f
  p=${line%% passed*}
  f=${line#*, }
  f=${f%% failed}
  total_pass=$((total_pass + p))
  total_fail=$((total_fail + f))
  report+=("$name: $line")
  if [ "$rc" -ne 0 ] || [ "$f" -ne 0 ]; then status=1; fi
}

if [ -z "$only" ] || [ "$only" = unit ]; then
  unit_args=()
  # Left to native runs, under user-mode emulation (qemu-user 7.2):
  # - InotifyWatcherLimitsTest: a forked child cannot enter a user namespace;
  # - ShellProcessRunnerTest: a forked child never finishes there, even one
  #   that only calls _exit (so the other tests keep to one process);
  # - CachedCredentialsThreadTest: the refresh thread is not woken there
  #   (not understood yet either).
  [ -n "$run" ] && unit_args=(--gtest_filter=-InotifyWatcherLimitsTest.*:ShellProcessRunnerTest.*:CachedCredentialsThreadTest.*)
  # shellcheck disable=SC2086
  run_suite "unit" $run "$build/tests/unit_tests" "${unit_args[@]}"
fi
if [ -z "$only" ] || [ "$only" = sigv4 ]; then
  # shellcheck disable=SC2086
  run_suite "sigv4 (edgelog's vectors)" $run "$build/tests/sigv4_suite" tests/data/sigv4
  if [ -d "$shared_suite/v4" ]; then
    # shellcheck disable=SC2086
    run_suite "sigv4 (public AWS suite + CloudWatch vectors)" \
      $run "$build/tests/sigv4_suite" "$shared_suite/v4" --logs-vectors "$shared_suite/logs-vectors.json"
  else
    echo "=== sigv4: $shared_suite/v4 not present, public suite skipped"
  fi
fi
if [ -z "$cross" ] && { [ -z "$only" ] || [ "$only" = install ]; }; then
  run_suite "install (make install, systemd unit)" bash tests/platform/install_test.sh
fi
if [ -n "$cross" ]; then
  echo "=== integration: runs with the native build only"
elif [ -z "$only" ] || [ "$only" = integration ]; then
  python=$(BUILD=$build tests/integration/python.sh) || { echo "no Python with moto"; exit 1; }
  BUILD=$build run_suite "integration" "$python" tests/integration/run_tests.py
fi

echo
for r in "${report[@]}"; do echo "  $r"; done
echo "$total_pass passed, $total_fail failed"
exit $status
