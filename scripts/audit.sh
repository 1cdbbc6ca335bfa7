#!/usr/bin/env bash
# The dependency audit (issue 11, supply chain): the pinned runtime requirements against the
# Python Packaging Advisory Database, with pip-audit.
#
#   scripts/audit.sh            (PYTHON=... picks the interpreter, .venv/bin/python by default)
#
# 1. `pip check`: the installed packages agree with each other (works offline).
# 2. pip-audit on requirements.txt (every line pinned, so nothing is resolved or installed).
#    pip-audit asks an online advisory service for each package. Where that service cannot be
#    reached (this project's machines and CI reach only the package registries' downloads),
#    pip-audit reports every package as "could not be audited" and exits 0 as if all were well:
#    this script reads its report and says plainly that it could not check, and why, and exits 0
#    so an offline CI stays green. It fails (exit 1) on a known vulnerability, or when only some
#    packages could be checked; exit 2 on any other error.
# pip-audit is installed, pinned, into its own virtual environment under the user's cache (not
# into the project's, where its own dependencies would change what `pip check` sees);
# PIP_AUDIT=/path/to/pip-audit uses another one (the tests use a stand-in).
set -uo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-.venv/bin/python}"
PIP_AUDIT_VERSION=2.10.1

SAFETY_DB_VERSION=2021.7.17

# The online service cannot be reached: say so, then check the pins against safety-db, the
# newest vulnerability database that installs from the package registries (2021; stale, and
# said to be). SAFETY_DB=/path/to/insecure_full.json uses another copy; SAFETY_DB=none skips it.
cannot_check() {
    echo "audit: cannot check for known vulnerabilities: $1"
    echo "audit: run scripts/audit.sh on a machine with internet access to check them."
    offline_check
}

offline_check() {
    database="${SAFETY_DB:-}"
    if [ "$database" = "none" ]; then
        exit 0
    fi
    if [ -z "$database" ]; then
        place="${XDG_CACHE_HOME:-$HOME/.cache}/posecheck/safety-db-$SAFETY_DB_VERSION"
        database="$place/safety_db/insecure_full.json"
        if [ ! -f "$database" ]; then
            "$PYTHON" -m pip install --quiet --no-deps --target "$place" \
                "safety-db==$SAFETY_DB_VERSION" >&2 || {
                echo "audit: safety-db $SAFETY_DB_VERSION could not be installed either."
                exit 0
            }
        fi
    fi
    "$PYTHON" scripts/audit_offline.py requirements.txt "$database"
    exit $?
}

echo "audit: pip check (do the installed packages agree with each other?)"
"$PYTHON" -m pip check || exit 1

tool="${PIP_AUDIT:-}"
if [ -z "$tool" ]; then
    tools="${XDG_CACHE_HOME:-$HOME/.cache}/posecheck/pip-audit-$PIP_AUDIT_VERSION"
    tool="$tools/bin/pip-audit"
    if [ ! -x "$tool" ]; then
        { "$PYTHON" -m venv "$tools" &&
          "$tools/bin/python" -m pip install --quiet "pip-audit==$PIP_AUDIT_VERSION"; } >&2 ||
            cannot_check "pip-audit $PIP_AUDIT_VERSION could not be installed (is the package index reachable?)."
    fi
fi

report="$(mktemp)"
errors="$(mktemp)"
trap 'rm -f "$report" "$errors"' EXIT
"$tool" --requirement requirements.txt --no-deps --disable-pip --format json \
    --progress-spinner off >"$report" 2>"$errors"
status=$?
if [ ! -s "$report" ]; then
    if grep -qiE "connection|max retries|name resolution|timed out|unreachable" "$errors"; then
        cannot_check "the advisory service is not reachable from this machine ($(tail -n 1 "$errors"))."
    fi
    echo "audit: pip-audit failed (exit $status):" >&2
    cat "$errors" >&2
    exit 2
fi

"$PYTHON" - "$report" <<'PY'
import json
import sys

with open(sys.argv[1], encoding="utf-8") as handle:
    dependencies = json.load(handle)["dependencies"]
skipped = [d for d in dependencies if d.get("skip_reason")]
found = [(d, v) for d in dependencies for v in d.get("vulns") or []]
for dependency, vuln in found:
    fixed = ", ".join(vuln.get("fix_versions") or []) or "no fixed version yet"
    print(f"audit: {dependency['name']} {dependency['version']}: {vuln['id']} (fixed in {fixed})")
if found:
    print(f"audit: {len(found)} known vulnerabilities in the pinned runtime dependencies")
    sys.exit(1)
if dependencies and len(skipped) == len(dependencies):
    print(
        "audit: cannot check for known vulnerabilities: the advisory database is not reachable "
        f"from this machine (pip-audit could audit none of the {len(dependencies)} pinned "
        f"dependencies: {skipped[0]['skip_reason']})."
    )
    print("audit: run scripts/audit.sh on a machine with internet access to check them.")
    sys.exit(3)  # the shell then checks against safety-db
if skipped:
    for dependency in skipped:
        print(f"audit: not checked: {dependency['name']}: {dependency['skip_reason']}")
    sys.exit(1)
print(f"audit: no known vulnerabilities in the {len(dependencies)} pinned runtime dependencies")
PY
verdict=$?
if [ "$verdict" -eq 3 ]; then
    offline_check
fi
exit "$verdict"
