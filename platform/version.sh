#!/bin/sh
# Prints edgelog's version, for the binary (edgelog version, the
# User-Agent) and the images' labels:
#   a release tag, as git describe gives it, without the "v":
#     v1.2.0 -> 1.2.0; 3 commits later 1.2.0-3-gabc1234; -dirty when the
#     tree has changes
#   no tag:       0.0.0+abc1234 (the commit), 0.0.0+abc1234.dirty
#   no git (a tarball, or git missing): 0.0.0
#
#   platform/version.sh [DIR]   (DIR: the source tree, default .)
set -u
cd "${1:-.}" 2>/dev/null || { echo 0.0.0; exit 0; }
# A tarball unpacked inside another repository is not that repository.
top=$(git rev-parse --show-toplevel 2>/dev/null) || top=""
if [ "$top" != "$(pwd -P)" ]; then
  echo 0.0.0
  exit 0
fi
git update-index -q --refresh >/dev/null 2>&1
if described=$(git describe --tags --dirty --match 'v[0-9]*' --match '[0-9]*' 2>/dev/null); then
  echo "${described#v}"
elif commit=$(git rev-parse --short HEAD 2>/dev/null); then
  dirty=""
  git diff-index --quiet HEAD -- 2>/dev/null || dirty=.dirty
  echo "0.0.0+$commit$dirty"
else
  echo 0.0.0
fi
