#!/usr/bin/env bash
# Installs the system packages a fresh Debian machine lacks. Does nothing when they are present.
#
#   setup-system.sh               what the app and the fast tests need: OpenCV's libGL and glib
#                                 (mediapipe pulls in a GUI build of OpenCV), npm (to fetch the pose
#                                 model package when no model file is at hand), pdftotext (the PDF
#                                 report's tests read the text back) and Python 3.11
#   setup-system.sh --slow-tests  also what only the slow tests use: strace (the test that proves
#                                 nothing leaves the machine watches every connect below Python) and
#                                 Debian's chromium with its chromedriver (the real-browser tests)
#   setup-system.sh --force       reinstalls the libraries
#
# `make test` runs the first (a browser is a large download its tests never use); `.ci/run` and
# `make test-all` the second.
set -euo pipefail
need=()
if [ "${1:-}" = "--force" ] || ! ldconfig -p | grep -q 'libGL.so.1 '; then need+=(libgl1); fi
if [ "${1:-}" = "--force" ] || ! ldconfig -p | grep -q 'libglib-2.0.so.0 '; then need+=(libglib2.0-0); fi
command -v npm >/dev/null 2>&1 || need+=(npm)
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
command -v python3.11 >/dev/null 2>&1 || need+=(python3.11 python3.11-venv)
if [ "${1:-}" = "--slow-tests" ]; then
  command -v strace >/dev/null 2>&1 || need+=(strace)
  [ -x /usr/bin/chromium ] || need+=(chromium)
  [ -x /usr/bin/chromedriver ] || need+=(chromium-driver)
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
