#!/usr/bin/env bash
# Installs the pinned Python dependencies and posecheck itself (editable) into the venv given.
# uv (from PyPI, pinned) does it in a few seconds where pip takes about 30 (it fetches in parallel and
# leaves the byte-code compile to the first import); where uv cannot be installed or cannot reach the
# index, pip does the same install. The pins are the same either way (requirements*.txt pin every
# package), and uv sits in the venv beside them, not in requirements-dev.txt.
set -euo pipefail
venv=${1:?usage: install-python-deps.sh VENV}
py="$venv/bin/python"
UV_VERSION=0.13.9
if "$py" -m pip install --quiet "uv==$UV_VERSION" 2>/dev/null &&
    "$venv/bin/uv" pip install --quiet --compile-bytecode --python "$py" -r requirements-dev.txt &&
    "$venv/bin/uv" pip install --quiet --python "$py" --no-deps -e .; then
  exit 0
fi
echo "setup: uv could not install the dependencies; pip installs them (about 30 s)" >&2
"$py" -m pip install --quiet -r requirements-dev.txt
"$py" -m pip install --quiet --no-deps -e .
