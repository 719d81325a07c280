#!/usr/bin/env bash
# make install into a scratch DESTDIR with PREFIX=/usr. Checks that the binary
# runs, that the unit starts the installed binary on the installed config,
# that a second install leaves an operator's config alone, and that
# systemd-analyze finds nothing wrong with the unit (skipped when it cannot
# run here). Ends with a line "skipped: install/NAME: REASON" per skip, then
# "N passed, M failed, K skipped"; exits non-zero on any failure.
#
#   tests/platform/install_test.sh
#
# RUN, as in tests/run_all.sh, is how to run a binary built for another target.

# The checks are functions called through check(), which shellcheck cannot see.
# shellcheck disable=SC2317
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
run=${RUN:-}

prefix=/usr
bindir=$prefix/bin
unitdir=$prefix/lib/systemd/system
sysconfdir=/etc

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
dest=$scratch/root
bin=$dest$bindir/edgelog
unit=$dest$unitdir/edgelog.service
config=$dest$sysconfdir/edgelog/config.json

passed=0
failed=0
skipped=0
skips=()

# check NAME COMMAND...: one test; it passes when COMMAND succeeds.
check() {
  local name=$1
  shift
  if "$@"; then
    echo "PASS $name"
    passed=$((passed + 1))
  else
    echo "FAIL $name"
    failed=$((failed + 1))
  fi
}

# skip NAME REASON: one test that could not run here.
skip() {
  echo "SKIP $1 ($2)"
  skipped=$((skipped + 1))
  skips+=("skipped: install/$1: $2")
}

finish() {
  local s
  for s in "${skips[@]}"; do echo "$s"; done
  echo "$passed passed, $failed failed, $skipped skipped"
  exit $((failed > 0))
}

# Only PREFIX and DESTDIR are given: the other directories take their
# defaults, whatever the caller's environment holds.
make_install() {
  env -u BINDIR -u SYSCONFDIR -u UNITDIR \
    make --no-print-directory install DESTDIR="$dest" PREFIX="$prefix" >"$scratch/make.log" 2>&1
  local rc=$?
  [ "$rc" -eq 0 ] || { echo "make install exited $rc:"; tail -n 20 "$scratch/make.log"; }
  return "$rc"
}

# The one ExecStart= line of the installed unit, without "ExecStart=".
exec_start() {
  grep '^ExecStart=' "$unit" | sed 's/^ExecStart=//'
}

install_succeeds() {
  make_install
}

binary_is_installed_with_mode_0755_and_runs() {
  [ "$(stat -c %a "$bin" 2>/dev/null)" = 755 ] || { echo "no $bin with mode 0755"; return 1; }
  local out
  out=$($run "$bin" version 2>&1) || { echo "$bin version: $out"; return 1; }
  [[ $out == "edgelog "* ]] || { echo "$bin version printed: $out"; return 1; }
}

unit_exec_start_is_the_installed_binary() {
  local lines
  lines=$(grep -c '^ExecStart=' "$unit")
  [ "$lines" = 1 ] || { echo "$unit: $lines ExecStart= lines, want 1"; return 1; }
  local argv
  read -r -a argv <<<"$(exec_start)"
  [ "${argv[0]}" = "$bindir/edgelog" ] || { echo "ExecStart runs ${argv[0]}, want $bindir/edgelog"; return 1; }
  [ "${argv[1]}" = run ] || { echo "ExecStart: $(exec_start)"; return 1; }
}

unit_exec_start_reads_the_installed_config() {
  [[ " $(exec_start) " == *" --config $sysconfdir/edgelog/config.json "* ]] ||
    { echo "ExecStart: $(exec_start)"; return 1; }
}

unit_names_no_placeholder_and_no_destdir() {
  if grep -n '@[A-Z_]*@' "$unit"; then echo "placeholders left in $unit"; return 1; fi
  if grep -nF "$dest" "$unit"; then echo "DESTDIR leaked into $unit"; return 1; fi
}

installed_config_passes_check_config() {
  local out
  out=$($run "$bin" check-config --config "$config" 2>&1) || { echo "$out"; return 1; }
}

second_install_keeps_an_operators_config() {
  local edited='{ "agent": { "region": "us-east-2" } }'
  echo "$edited" >"$config"
  make_install || return 1
  [ "$(cat "$config")" = "$edited" ] || { echo "config.json replaced:"; cat "$config"; return 1; }
}

# systemd-analyze verify checks that ExecStart= names an executable on this
# machine, so it reads a copy of the unit that runs the DESTDIR binary. A unit
# that only runs that binary tells whether verify can work here at all (it
# needs the system's own units, sysinit.target and the like).
systemd_analyze_verify() {
  local dir=$scratch/verify
  mkdir -p "$dir"
  printf '[Service]\nExecStart=%s version\n' "$bin" >"$dir/edgelog-probe.service"
  local out rc
  out=$(SYSTEMD_COLORS=0 systemd-analyze verify "$dir/edgelog-probe.service" 2>&1)
  rc=$?
  if [ "$rc" -ne 0 ]; then
    echo "$out"
    skip_reason="systemd-analyze verify cannot check even a minimal unit here (exit $rc)"
    return 2
  fi
  sed "s#^ExecStart=$bindir/edgelog #ExecStart=$bin #" "$unit" >"$dir/edgelog.service"
  out=$(SYSTEMD_COLORS=0 systemd-analyze verify "$dir/edgelog.service" 2>&1)
  rc=$?
  # Unknown keys and bad values are only warnings: any line about the unit
  # fails the test, not just the exit status.
  local about_unit
  about_unit=$(echo "$out" | grep -F 'edgelog.service')
  if [ "$rc" -ne 0 ] || [ -n "$about_unit" ]; then
    echo "systemd-analyze verify exited $rc:"
    echo "$out"
    return 1
  fi
}

# The unit's exposure as systemd-analyze security rates it (0 best, 10
# worst): losing a line of the sandboxing shows up here.
hardening_exposure_is_at_most_2_5() {
  local out level
  out=$(SYSTEMD_COLORS=0 systemd-analyze security --offline=yes "$scratch/verify/edgelog.service" 2>&1)
  level=$(echo "$out" | sed -n 's/.*Overall exposure level for edgelog.service: \([0-9.]*\).*/\1/p')
  if [ -z "$level" ]; then
    skip_reason="systemd-analyze security --offline is not supported here"
    return 2
  fi
  echo "exposure level $level"
  awk -v l="$level" 'BEGIN { exit !(l <= 2.5) }'
}

# check_optional NAME FUNCTION: like check, but FUNCTION returning 2 means
# skipped, for the reason it left in skip_reason.
check_optional() {
  local name=$1 rc
  skip_reason="no reason given"
  "$2"
  rc=$?
  if [ "$rc" -eq 2 ]; then skip "$name" "$skip_reason"; return; fi
  check "$name" test "$rc" -eq 0
}

check "make install succeeds" install_succeeds
if [ ! -f "$unit" ] || [ ! -x "$bin" ]; then
  echo "nothing installed: the other tests cannot run"
  failed=$((failed + 1))
  finish
fi
check "the binary is installed with mode 0755 and runs" binary_is_installed_with_mode_0755_and_runs
check "ExecStart runs exactly $bindir/edgelog" unit_exec_start_is_the_installed_binary
check "ExecStart reads $sysconfdir/edgelog/config.json" unit_exec_start_reads_the_installed_config
check "the unit has no placeholder and no DESTDIR left" unit_names_no_placeholder_and_no_destdir
check "the installed config passes check-config" installed_config_passes_check_config
check "a second install keeps an operator's config" second_install_keeps_an_operators_config
if command -v systemd-analyze >/dev/null 2>&1; then
  check_optional "systemd-analyze verify finds nothing wrong with the unit" systemd_analyze_verify
  [ -f "$scratch/verify/edgelog.service" ] &&
    check_optional "hardening exposure level at most 2.5" hardening_exposure_is_at_most_2_5
else
  skip "systemd-analyze verify finds nothing wrong with the unit" "systemd-analyze is not installed"
fi
finish
