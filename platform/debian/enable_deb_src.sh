#!/bin/sh
# Makes `apt-get source` work: adds deb-src to Debian's APT sources (deb822
# or the classic list), then refreshes the package lists. Uses sudo when not
# root. Does nothing when deb-src is already there.
set -eu
if apt-get indextargets 2>/dev/null | grep -q 'Identifier: Sources'; then exit 0; fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo=sudo
for f in /etc/apt/sources.list.d/*.sources; do
  [ -f "$f" ] || continue
  $sudo sed -i 's/^Types: deb$/Types: deb deb-src/' "$f"
done
if [ -f /etc/apt/sources.list ] && grep -q '^deb ' /etc/apt/sources.list; then
  grep '^deb ' /etc/apt/sources.list | sed 's/^deb /deb-src /' |
    $sudo tee /etc/apt/sources.list.d/edgelog-deb-src.list >/dev/null
fi
$sudo apt-get update -qq
