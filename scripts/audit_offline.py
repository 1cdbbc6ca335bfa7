"""The pinned requirements against the newest vulnerability database that installs from the
package registries here, ``safety-db`` (PyUp's free database, last published 2021-07-17): the
audit's fallback when pip-audit's online service cannot be reached.

    python scripts/audit_offline.py REQUIREMENTS INSECURE_FULL_JSON

Prints each pinned version the database lists as vulnerable and exits 1 if there is one; else
says how many pins were checked, against what, and what that cannot cover, and exits 0.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

_PIN = re.compile(r"^\s*([A-Za-z0-9_.\-]+)(?:\[[^\]]*\])?\s*==\s*([^\s;#]+)")


def pins(requirements: Path) -> dict[str, str]:
    found: dict[str, str] = {}
    for line in requirements.read_text(encoding="utf-8").splitlines():
        match = _PIN.match(line)
        if match:
            found[str(canonicalize_name(match[1]))] = match[2]
    return found


def vulnerable(pinned: dict[str, str], database: dict[str, Any]) -> list[str]:
    lines = []
    advisories = {str(canonicalize_name(k)): v for k, v in database.items() if k != "$meta"}
    for name, version in sorted(pinned.items()):
        for advisory in advisories.get(name, []):
            for spec in advisory.get("specs", []):
                try:
                    hit = Version(version) in SpecifierSet(spec)
                except (InvalidSpecifier, InvalidVersion):
                    continue
                if hit:
                    ident = advisory.get("cve") or advisory.get("id")
                    lines.append(f"audit: {name} {version}: {ident} ({spec})")
    return lines


def main(requirements: str, database_file: str) -> int:
    pinned = pins(Path(requirements))
    database = json.loads(Path(database_file).read_text(encoding="utf-8"))
    found = vulnerable(pinned, database)
    for line in found:
        print(line)
    if found:
        print(f"audit: {len(found)} known vulnerabilities (safety-db) in the pinned dependencies")
        return 1
    print(
        f"audit: checked {len(pinned)} pinned dependencies against safety-db 2021.7.17 (the "
        "newest vulnerability database that installs from the package registries here): none "
        "listed. Advisories published after July 2021 are not covered."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
