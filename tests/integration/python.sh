#!/usr/bin/env bash
# Prints the Python interpreter that has moto's server and boto3: the
# system's when it has them, else a venv under $BUILD/venv with moto[server]
# pip-installed into it (made once).
set -euo pipefail
build=${BUILD:-build}
probe='import moto.server, boto3, werkzeug'
if python3 -c "$probe" >/dev/null 2>&1; then
  command -v python3
  exit 0
fi
venv="$build/venv"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "$probe" >/dev/null 2>&1; then
  echo "edgelog: moto not found; installing moto[server] into $venv" >&2
  python3 -m venv "$venv" >&2
  "$venv/bin/pip" install --quiet --upgrade pip >&2
  "$venv/bin/pip" install --quiet 'moto[server]' >&2
fi
echo "$venv/bin/python"
