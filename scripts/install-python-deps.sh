#!/usr/bin/env bash
# Creates the venv if it is missing and installs the pinned Python dependencies and posecheck itself
# (editable) into it: `install-python-deps.sh PYTHON VENV`.
# uv (pinned, from PyPI) does it in a few seconds where pip takes about 30: it fetches in parallel.
# Nothing is byte-compiled here: the Makefile lets Python compile each module the first time it is
# imported, into the venv (compiling every file of every package cost 14 s of a 23 s install, for
# no faster test run). The venv starts without pip (ensurepip alone costs 2 s); the
# machine's pip puts uv in it, and pip itself comes pinned with the requirements. Where uv cannot be
# installed or cannot reach the index, pip does the same install. The pins are the same either way
# (requirements*.txt pin every package). posecheck itself is built with the setuptools just
# installed from the pins (no isolated build environment to fetch and set up: 1.5 -> 0.7 s).
set -euo pipefail
python=${1:?usage: install-python-deps.sh PYTHON VENV}
venv=${2:?usage: install-python-deps.sh PYTHON VENV}
py="$venv/bin/python"
UV_VERSION=0.13.9

test -x "$py" || "$python" -m venv --without-pip "$venv"

have_uv() {  # `uv --version` says "uv 0.13.9 (x86_64-unknown-linux-gnu)"
  case "$("$venv/bin/uv" --version 2>/dev/null)" in "uv $UV_VERSION "* | "uv $UV_VERSION") ;; *) return 1 ;; esac
}
get_uv() {
  have_uv && return 0
  "$python" -m pip --python "$py" install --quiet "uv==$UV_VERSION" 2>/dev/null && return 0
  # A Python with no pip of its own (Debian's python3.11 without python3-pip, as a new machine
  # has): pip goes into the venv first (ensurepip, about 2 s), and it fetches uv. Without this
  # step such a machine fell through to pip installing everything: make test 59 s against 24 s.
  { "$py" -m pip --version >/dev/null 2>&1 || "$py" -m ensurepip --upgrade >/dev/null 2>&1; } &&
    "$py" -m pip install --quiet "uv==$UV_VERSION" 2>/dev/null
}
if get_uv && have_uv &&
    "$venv/bin/uv" pip install --quiet --python "$py" -r requirements-dev.txt &&
    "$venv/bin/uv" pip install --quiet --python "$py" --no-deps --no-build-isolation -e .; then
  exit 0
fi
echo "setup: uv could not install the dependencies; pip installs them (about 30 s)" >&2
"$py" -m pip --version >/dev/null 2>&1 || "$py" -m ensurepip --upgrade
"$py" -m pip install --quiet -r requirements-dev.txt
"$py" -m pip install --quiet --no-deps --no-build-isolation -e .
