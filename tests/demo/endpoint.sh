#!/usr/bin/env bash
# make endpoint: runs tests/demo/endpoint.py with a Python that has moto.
#   tests/demo/endpoint.sh [PORT]
set -euo pipefail
cd "$(dirname "$0")/../.."
python=$(tests/integration/python.sh)
exec "$python" tests/demo/endpoint.py ${1:+--port "$1"}
