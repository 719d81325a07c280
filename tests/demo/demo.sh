#!/usr/bin/env bash
# make demo: runs tests/demo/demo.py with a Python that has moto.
set -euo pipefail
cd "$(dirname "$0")/../.."
python=$(tests/integration/python.sh)
exec "$python" tests/demo/demo.py
