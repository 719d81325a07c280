#!/bin/sh
# Installs the Debian packages given as arguments, only those missing.
# Uses sudo when not root. Quiet when everything is there already.
set -eu

# FOREIGN_ARCH=arm64: the packages include ones of that architecture.
foreign=${FOREIGN_ARCH:-}

missing=""
for pkg in "$@"; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  case "$status" in
    *"install ok installed"*) ;;
    *) missing="$missing $pkg" ;;
  esac
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
  sudo=""
elif command -v sudo >/dev/null 2>&1; then
  sudo="sudo"
else
  echo "edgelog: missing Debian packages:$missing" >&2
  echo "edgelog: run as root or install sudo, then: apt-get install$missing" >&2
  exit 1
fi

echo "edgelog: installing Debian packages:$missing"
if [ -n "$foreign" ] && ! dpkg --print-foreign-architectures | grep -qx "$foreign"; then
  $sudo dpkg --add-architecture "$foreign"
fi
$sudo apt-get update -qq
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
echo "edgelog: packages installed"
