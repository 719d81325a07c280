#!/bin/sh
# Checks that the compiler finds each header the build needs, before the
# first compile, and names the package and the fix for each missing one.
#
#   check_headers.sh 'CXX CPPFLAGS' TARGET HEADER=PACKAGE...
#
# The compiler and flags are the build's own, so a cross compiler's or a
# static build's include directories count. TARGET ("" for this host) goes
# into the fix: make deps TARGET=aarch64. Exit 1 if any header is missing.
set -u
compiler=$1
target=$2
shift 2
deps="make deps"
[ -n "$target" ] && deps="make deps TARGET=$target"
missing=""
for pair in "$@"; do
  header=${pair%%=*}
  package=${pair#*=}
  # $compiler is a command with its flags: split on purpose.
  # shellcheck disable=SC2086
  if ! echo "#include <$header>" | $compiler -E -x c++ - >/dev/null 2>&1; then
    echo "edgelog: $header not found: run \`$deps\` (installs $package and the other build dependencies)" >&2
    missing="$missing $package"
  fi
done
[ -z "$missing" ]
