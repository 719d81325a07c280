#!/usr/bin/env bash
# Runs every test suite and ends with one line "N passed, M failed, K
# skipped" over all of them. Each suite ends with the same line, after a line
# "skipped: ID: REASON" for each test it skipped. A skip counts as failed
# unless a line of tests/allowed_skips.txt matches its ID and gives the
# cause; a suite whose K is not the number of its "skipped:" lines counts a
# failure too. Exits non-zero if any suite fails or reports no count.
#
#   tests/run_all.sh               every suite
#   tests/run_all.sh integration   only the integration tests (also: unit,
#                                  sigv4, install, build; and, not part of every
#                                  suite: static, after make static and
#                                  make static TARGET=aarch64; image, after
#                                  make image)
set -uo pipefail
cd "$(dirname "$0")/.."
build=${BUILD:-build}
only=${1:-}
case $only in
  "" | unit | sigv4 | install | build | integration | static | image) ;;
  *) echo "tests/run_all.sh: no suite \"$only\" (unit, sigv4, install, build, integration, static, image)" >&2
     exit 2 ;;
esac
# RUN: how to run a test binary built for another target (qemu); CROSS=1
# then: only the suites that run on the target itself (unit, sigv4).
run=${RUN:-}
cross=${CROSS:-}
shared_suite=../shared/sigv4-suite
allowed_skips=tests/allowed_skips.txt

total_pass=0
total_fail=0
total_skip=0
status=0
report=()
skip_lines=()

# A suite that hangs is stopped after SUITE_TIMEOUT seconds and counted as
# failed, so one stuck test does not take the rest of the run with it.
suite_timeout=${SUITE_TIMEOUT:-2400}

# skip_is_allowed ID: true when a line "PATTERN  # CAUSE" of allowed_skips
# matches ID (PATTERN is a shell glob; a line without a cause allows nothing).
skip_is_allowed() {
  local id=$1 line pattern cause
  while IFS= read -r line || [ -n "$line" ]; do
    [[ $line == *"#"* ]] || continue
    pattern=${line%%#*}
    pattern=${pattern%"${pattern##*[![:space:]]}"}  # trailing blanks
    cause=${line#*#}
    if [ -z "$pattern" ] || [ -z "${cause//[[:space:]]/}" ]; then continue; fi
    # shellcheck disable=SC2053  # the pattern is a glob on purpose
    [[ $id == $pattern ]] && return 0
  done <"$allowed_skips"
  return 1
}

# count_skip NAME "skipped: ID: REASON": an allowed skip adds to the skips,
# any other to the failures. Returns 1 for a failure.
count_skip() {
  local name=$1 line=$2 id
  id=${line#skipped: }
  id=${id%%: *}
  if skip_is_allowed "$id"; then
    total_skip=$((total_skip + 1))
    skip_lines+=("$line")
    return 0
  fi
  echo "=== $name: $id was skipped, and $allowed_skips gives no cause for it"
  total_fail=$((total_fail + 1))
  report+=("$name: skip not allowed: ${line#skipped: }")
  return 1
}

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
  local line skips
  line=$(grep -E '^[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$' "$out" | tail -n 1)
  mapfile -t skips < <(grep -E '^skipped: ' "$out")
  rm -f "$out"
  if [ -z "$line" ]; then
    echo "=== $name: no result line (exit $rc)"
    total_fail=$((total_fail + 1))
    report+=("$name: did not report (exit $rc)")
    status=1
    return
  fi
  local p f k s
  read -r p _ f _ k _ <<<"${line//,/}"
  total_pass=$((total_pass + p))
  total_fail=$((total_fail + f))
  report+=("$name: $line")
  if [ "$rc" -ne 0 ] || [ "$f" -ne 0 ]; then status=1; fi
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
    # It counted no failure, yet failed (a crash or a timeout after its
    # summary, a failure gtest does not count): one failure.
    echo "=== $name: exit $rc after reporting no failure"
    total_fail=$((total_fail + 1))
    report+=("$name: exit $rc after reporting no failure")
  fi
  if [ "${#skips[@]}" -ne "$k" ]; then
    echo "=== $name: $k skipped, but ${#skips[@]} \"skipped:\" lines"
    total_fail=$((total_fail + 1))
    report+=("$name: $k skipped, ${#skips[@]} listed")
    status=1
  fi
  for s in "${skips[@]}"; do count_skip "$name" "$s" || status=1; done
}

# skip_suite NAME ID REASON: a suite that cannot run here, as one skip.
skip_suite() {
  echo "=== $1"
  echo "skipped: $2: $3"
  count_skip "$1" "skipped: $2: $3" || status=1
}

if [ -z "$only" ] || [ "$only" = unit ]; then
  emulated=()
  # Under user-mode emulation (qemu-user) the tests that cannot run there
  # skip, saying why (tests/support/emulation.h).
  [ -n "$run" ] && emulated=(env EDGELOG_EMULATED=1)
  # shellcheck disable=SC2086
  run_suite "unit" "${emulated[@]}" $run "$build/tests/unit_tests"
fi
if [ -z "$only" ] || [ "$only" = sigv4 ]; then
  # shellcheck disable=SC2086
  run_suite "sigv4 (edgelog's vectors)" $run "$build/tests/sigv4_suite" tests/data/sigv4
  if [ -d "$shared_suite/v4" ]; then
    # shellcheck disable=SC2086
    run_suite "sigv4 (public AWS suite + CloudWatch vectors)" \
      $run "$build/tests/sigv4_suite" "$shared_suite/v4" --logs-vectors "$shared_suite/logs-vectors.json"
  else
    skip_suite "sigv4 (public AWS suite + CloudWatch vectors)" sigv4/public-suite \
      "$shared_suite/v4 is not present"
  fi
fi
if [ -n "$cross" ] && [ -z "$only" ]; then
  skip_suite "install (make install, systemd unit)" install/all "runs with the native build only"
elif [ -z "$only" ] || [ "$only" = install ]; then
  run_suite "install (make install, systemd unit)" bash tests/platform/install_test.sh
fi
if [ -n "$cross" ] && [ -z "$only" ]; then
  skip_suite "build (make's jobs, output, missing headers)" build/all "runs with the native build only"
elif [ -z "$only" ] || [ "$only" = build ]; then
  run_suite "build (make's jobs, output, missing headers)" bash tests/platform/build_test.sh
fi
if [ -n "$cross" ]; then
  [ -z "$only" ] && skip_suite "integration" integration/all "runs with the native build only"
elif [ -z "$only" ] || [ "$only" = integration ] || [ "$only" = static ]; then
  python=$(BUILD=$build tests/integration/python.sh) || { echo "no Python with moto"; exit 1; }
  if [ "$only" = static ]; then
    run_suite "static binaries (empty root, TLS)" \
      env BUILD="$build" "$python" tests/integration/run_tests.py test_static.py
  else
    run_suite "integration" env BUILD="$build" "$python" tests/integration/run_tests.py
  fi
fi
if [ "$only" = image ]; then
  run_suite "image (OCI images of the static binaries)" bash tests/platform/image_test.sh
fi

echo
for r in "${report[@]}"; do echo "  $r"; done
for s in "${skip_lines[@]}"; do echo "  $s"; done
echo "$total_pass passed, $total_fail failed, $total_skip skipped"
exit $status
