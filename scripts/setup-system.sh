#!/usr/bin/env bash
# Installs the system packages a fresh Debian machine lacks: OpenCV's libGL and glib (mediapipe pulls
# in a GUI build of OpenCV), npm (to fetch the pose model package when no model file is at hand) and
# strace (for the test that proves nothing leaves the machine), and Debian's chromium with its
# chromedriver (the real-browser tests drive them with Selenium).
# Does nothing when they are present. `--force` reinstalls the libraries.
set -euo pipefail
need=()
if [ "${1:-}" = "--force" ] || ! ldconfig -p | grep -q 'libGL.so.1 '; then need+=(libgl1); fi
if [ "${1:-}" = "--force" ] || ! ldconfig -p | grep -q 'libglib-2.0.so.0 '; then need+=(libglib2.0-0); fi
command -v npm >/dev/null 2>&1 || need+=(npm)
# strace: the offline test watches every connect below Python (native code can open sockets too)
command -v strace >/dev/null 2>&1 || need+=(strace)
# pdftotext: the PDF report's tests read the text back
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
command -v python3.11 >/dev/null 2>&1 || need+=(python3.11 python3.11-venv)
# chromium and its driver: the browser tests (tests/test_browser.py) feed it a fake camera
[ -x /usr/bin/chromium ] || need+=(chromium)
[ -x /usr/bin/chromedriver ] || need+=(chromium-driver)
[ ${#need[@]} -eq 0 ] && exit 0
echo "setup: installing system packages: ${need[*]}"
if [ "$(id -u)" -ne 0 ]; then
  SUDO=sudo
else
  SUDO=
fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
