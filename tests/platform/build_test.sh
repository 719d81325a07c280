#!/usr/bin/env bash
# The Makefile as a user meets it: parallel unless told otherwise, one line
# per step (V=1: each command), and a missing -dev package named with its
# fix before any compile. Builds one small object into a scratch directory.
# Ends with "N passed, M failed, 0 skipped"; exits non-zero on any failure.
#
#   tests/platform/build_test.sh

# The checks are functions called through check(), which shellcheck cannot see.
# shellcheck disable=SC2317
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
small=agent/text/ascii.cc
object=$scratch/build/obj/${small%.cc}.o

passed=0
failed=0

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

# The MAKEFLAGS a recipe sees when make is run with ARGS (and the
# environment this is called in): the Makefile, plus one target printing it.
recipe_makeflags() {
  # shellcheck disable=SC2016  # $$MAKEFLAGS is make's, for the recipe's shell
  printf 'include Makefile\nprobe-makeflags:\n\t@echo "[$$MAKEFLAGS]"\n' >"$scratch/probe.mk"
  make --no-print-directory -f "$scratch/probe.mk" "$@" probe-makeflags
}

parallel_by_default() {
  local flags
  flags=$(env -u MAKEFLAGS -u MAKELEVEL bash -c "$(declare -f recipe_makeflags); scratch=$scratch; recipe_makeflags")
  [[ $flags == *" -j$(nproc)"* ]] || { echo "make without -j: MAKEFLAGS $flags"; return 1; }
}

a_given_j_is_kept() {
  local flags
  flags=$(env -u MAKEFLAGS -u MAKELEVEL bash -c "$(declare -f recipe_makeflags); scratch=$scratch; recipe_makeflags -j1")
  [[ $flags == *"-j1"* && $flags != *"-j$(nproc)"* ]] || { echo "make -j1: MAKEFLAGS $flags"; return 1; }
  flags=$(env -u MAKELEVEL MAKEFLAGS=-j1 bash -c "$(declare -f recipe_makeflags); scratch=$scratch; recipe_makeflags")
  [[ $flags != *"-j$(nproc)"* ]] || { echo "MAKEFLAGS=-j1 make: MAKEFLAGS $flags"; return 1; }
}

a_sub_make_adds_no_jobs() {
  local flags
  flags=$(env -u MAKEFLAGS MAKELEVEL=1 bash -c "$(declare -f recipe_makeflags); scratch=$scratch; recipe_makeflags")
  [[ $flags != *"-j"* ]] || { echo "a sub-make added jobs: MAKEFLAGS $flags"; return 1; }
}

one_line_per_step() {
  local out
  out=$(make --no-print-directory BUILD="$scratch/build" "$object" 2>&1) || { echo "$out"; return 1; }
  [[ $out == *"  CXX  $small"* ]] || { echo "no CXX line: $out"; return 1; }
  [[ $out != *"-Werror"* ]] || { echo "the compiler command was shown: $out"; return 1; }
}

v1_shows_the_commands() {
  rm -f "$object"
  local out
  out=$(make --no-print-directory V=1 BUILD="$scratch/build" "$object" 2>&1) || { echo "$out"; return 1; }
  [[ $out == *"-Werror"*"-c $small"* ]] || { echo "no compiler command: $out"; return 1; }
  [[ $out != *"  CXX  "* ]] || { echo "a step line under V=1: $out"; return 1; }
}

a_missing_header_says_make_deps() {
  local out
  # A compiler that finds no system header at all.
  if out=$(make --no-print-directory BUILD="$scratch/nowhere" CXX='g++ --sysroot=/nonexistent' \
           "$scratch/nowhere/obj/${small%.cc}.o" 2>&1); then
    echo "the build went on: $out"
    return 1
  fi
  # shellcheck disable=SC2016  # the backquotes are printed, not run
  [[ $out == *'edgelog: curl/curl.h not found: run `make deps` (installs libcurl4-openssl-dev'* ]] ||
    { echo "printed: $out"; return 1; }
  [[ $out != *"fatal error"* ]] || { echo "the compiler ran: $out"; return 1; }
}

a_cross_build_names_its_target() {
  local out
  out=$(sh platform/debian/check_headers.sh 'g++ --sysroot=/nonexistent' aarch64 zlib.h=zlib1g-dev 2>&1) &&
    { echo "no failure: $out"; return 1; }
  # shellcheck disable=SC2016  # the backquotes are printed, not run
  [[ $out == *'run `make deps TARGET=aarch64`'* ]] || { echo "printed: $out"; return 1; }
}

found_headers_pass() {
  sh platform/debian/check_headers.sh 'g++ -I.' '' zlib.h=zlib1g-dev curl/curl.h=libcurl4-openssl-dev
}

# version_in DIR EXPECTED: what platform/version.sh prints for DIR matches
# the glob EXPECTED.
version_in() {
  local got
  got=$(sh platform/version.sh "$1")
  # shellcheck disable=SC2053  # a glob on purpose
  [[ $got == $2 ]] || { echo "version of $1: \"$got\", expected $2"; return 1; }
}

versions_from_git() {
  local repo=$scratch/repo
  mkdir -p "$repo"
  version_in "$repo" 0.0.0 || return 1  # no git: a tarball
  g() { git -C "$repo" -c user.name=t -c user.email=t@t "$@" >/dev/null 2>&1; }
  g init -q
  echo a >"$repo/a"
  g add a && g commit -q -m a
  local commit
  commit=$(git -C "$repo" rev-parse --short HEAD)
  version_in "$repo" "0.0.0+$commit" || return 1
  echo b >>"$repo/a"
  version_in "$repo" "0.0.0+$commit.dirty" || return 1
  g commit -q -am b
  g tag v1.2.0
  version_in "$repo" 1.2.0 || return 1
  echo c >>"$repo/a"
  g commit -q -am c
  version_in "$repo" "1.2.0-1-g$(git -C "$repo" rev-parse --short HEAD)" || return 1
  echo d >>"$repo/a"
  version_in "$repo" "1.2.0-1-g*-dirty" || return 1
  mkdir "$repo/unpacked"  # a tarball inside another repository
  version_in "$repo/unpacked" 0.0.0
}

check versions_from_git versions_from_git
check parallel_by_default parallel_by_default
check a_given_j_is_kept a_given_j_is_kept
check a_sub_make_adds_no_jobs a_sub_make_adds_no_jobs
check one_line_per_step one_line_per_step
check v1_shows_the_commands v1_shows_the_commands
check a_missing_header_says_make_deps a_missing_header_says_make_deps
check a_cross_build_names_its_target a_cross_build_names_its_target
check found_headers_pass found_headers_pass
echo "$passed passed, $failed failed, 0 skipped"
exit $((failed > 0))
