"""The dependencies are pinned, installed as pinned, and consistent (issue 11, supply chain).

- every line of requirements.txt pins one version (``name==version``) and that version is the one
  installed; every runtime dependency in pyproject.toml is pinned there, at a version its range
  allows; everything the runtime dependencies need (their own requirements, followed all the way
  down) is pinned too, so an install from requirements.txt is the install that was tested;
- ``pip check`` finds no broken or conflicting requirement among the installed packages;
- scripts/audit.sh (the vulnerability audit, pip-audit) says clearly when it cannot check, finds
  what the advisory database reports, and passes a clean report: run here with a stand-in
  pip-audit, because the advisory database cannot be reached from this machine.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

pytestmark = pytest.mark.slow  # pip and bash in subprocesses: seconds each

ROOT = Path(__file__).resolve().parents[1]
REQUIREMENTS = ROOT / "requirements.txt"
DEV_REQUIREMENTS = ROOT / "requirements-dev.txt"
AUDIT = ROOT / "scripts" / "audit.sh"
PIN = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>[A-Za-z0-9.+!-]+)$")


def pins(path: Path) -> dict[str, str]:
    """Canonical name -> pinned version; fails on any line that is not a pin."""
    pinned: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or line.startswith("-r "):
            continue
        match = PIN.match(line)
        assert match, f"{path.name}: not a pinned requirement (name==version): {line!r}"
        name = canonicalize_name(match["name"])
        assert name not in pinned, f"{path.name}: {name} is pinned twice"
        pinned[name] = match["version"]
    return pinned


def installed(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def runtime_requirements() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return [Requirement(text) for text in project["dependencies"]]


def test_every_runtime_pin_is_the_version_installed() -> None:
    wrong = {
        name: (version, installed(name))
        for name, version in pins(REQUIREMENTS).items()
        if installed(name) != version
    }
    assert not wrong, f"pinned -> installed: {wrong}"


def test_every_dev_pin_is_a_pin_and_installed_as_pinned() -> None:
    runtime = pins(REQUIREMENTS)
    dev = pins(DEV_REQUIREMENTS)
    assert not set(runtime) & set(dev), "pinned in both files"
    wrong = {n: (v, installed(n)) for n, v in dev.items() if installed(n) not in (v, None)}
    assert not wrong, f"pinned -> installed: {wrong}"


def test_every_runtime_dependency_is_pinned_within_its_range() -> None:
    pinned = pins(REQUIREMENTS)
    for requirement in runtime_requirements():
        name = canonicalize_name(requirement.name)
        assert name in pinned, f"{requirement} (pyproject.toml) is not pinned in requirements.txt"
        assert requirement.specifier.contains(pinned[name], prereleases=True), (
            f"requirements.txt pins {name}=={pinned[name]}, outside pyproject.toml's {requirement}"
        )


def test_everything_the_runtime_needs_is_pinned() -> None:
    """The runtime dependencies' own requirements, followed down, as installed here."""
    pinned = pins(REQUIREMENTS)
    seen: set[str] = set()
    missing: dict[str, str] = {}
    queue = [(r, "pyproject.toml") for r in runtime_requirements()]
    while queue:
        requirement, needed_by = queue.pop()
        if requirement.marker is not None and not requirement.marker.evaluate({"extra": ""}):
            continue
        name = canonicalize_name(requirement.name)
        if name in seen:
            continue
        seen.add(name)
        if name not in pinned:
            missing[name] = needed_by
        for extra in requirement.extras:  # e.g. a runtime dependency's [extra]
            for text in metadata.requires(name) or []:
                sub = Requirement(text)
                if sub.marker is not None and sub.marker.evaluate({"extra": extra}):
                    queue.append((Requirement(str(sub).split(";")[0]), f"{name}[{extra}]"))
        queue += [(Requirement(text), name) for text in metadata.requires(name) or []]
    assert not missing, f"needed but not pinned in requirements.txt (needed by): {missing}"


def test_pip_check_finds_nothing_broken() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pip", "check"], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr


# --- scripts/audit.sh, with a stand-in pip-audit ------------------------------------------------


def fake_pip_audit(tmp_path: Path, report: dict[str, object] | None, status: int = 0) -> Path:
    """An executable that prints ``report`` as pip-audit's JSON (or fails like an unreachable
    service when it is None) and exits with ``status``."""
    tool = tmp_path / "pip-audit"
    if report is None:
        body = "echo 'requests.exceptions.ConnectionError: Max retries exceeded' >&2\nexit 1\n"
    else:
        (tmp_path / "report.json").write_text(json.dumps(report), encoding="utf-8")
        body = f"cat '{tmp_path / 'report.json'}'\nexit {status}\n"
    tool.write_text("#!/bin/sh\n" + body, encoding="utf-8")
    tool.chmod(0o755)
    return tool


def audit(tool: Path, safety_db: Path | None = None) -> subprocess.CompletedProcess[str]:
    """The audit with a stand-in pip-audit, and a stand-in safety-db (or none) for its fallback."""
    environment = {
        **os.environ,
        "PIP_AUDIT": str(tool),
        "PYTHON": sys.executable,
        "SAFETY_DB": str(safety_db) if safety_db is not None else "none",
    }
    return subprocess.run(
        ["bash", str(AUDIT)], capture_output=True, text=True, timeout=120, env=environment
    )


def dependency(name: str, version: str, **fields: object) -> dict[str, object]:
    return {"name": name, "version": version, **fields}


def test_the_audit_says_clearly_when_it_cannot_check(tmp_path: Path) -> None:
    skipped = [
        dependency(n, v, skip_reason=f"Dependency not found on PyPI and could not be audited: {n}")
        for n, v in pins(REQUIREMENTS).items()
    ]
    for tool in (
        fake_pip_audit(tmp_path, {"dependencies": skipped}),
        fake_pip_audit(tmp_path, None),
    ):
        result = audit(tool)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "cannot check" in result.stdout and "not reachable" in result.stdout, result.stdout


def test_the_audit_fails_on_a_known_vulnerability(tmp_path: Path) -> None:
    report = {
        "dependencies": [
            dependency("numpy", "2.4.6", vulns=[]),
            dependency(
                "pillow", "13.0.0", vulns=[{"id": "PYSEC-0000-1", "fix_versions": ["13.0.1"]}]
            ),
        ]
    }
    result = audit(fake_pip_audit(tmp_path, report, status=1))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "pillow 13.0.0: PYSEC-0000-1 (fixed in 13.0.1)" in result.stdout


def test_the_audit_fails_when_only_some_could_be_checked(tmp_path: Path) -> None:
    report = {
        "dependencies": [
            dependency("numpy", "2.4.6", vulns=[]),
            dependency("pillow", "13.0.0", skip_reason="could not be audited"),
        ]
    }
    result = audit(fake_pip_audit(tmp_path, report))
    assert result.returncode == 1 and "pillow" in result.stdout, result.stdout + result.stderr


def test_the_audit_passes_a_clean_report(tmp_path: Path) -> None:
    report = {"dependencies": [dependency(n, v, vulns=[]) for n, v in pins(REQUIREMENTS).items()]}
    result = audit(fake_pip_audit(tmp_path, report))
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"no known vulnerabilities in the {len(report['dependencies'])} pinned" in result.stdout


def test_the_audit_script_is_executable() -> None:
    assert os.access(AUDIT, os.X_OK)


def test_offline_the_pins_are_checked_against_safety_db(tmp_path: Path) -> None:
    """pip-audit cannot reach its service: the pins go against the installable database, which
    is named with its date; a pinned version it lists fails the audit."""
    numpy = pins(REQUIREMENTS)["numpy"]
    clean = tmp_path / "clean.json"
    clean.write_text(json.dumps({"numpy": [{"specs": ["<1.0"], "cve": "CVE-0"}]}), "utf-8")
    listed = tmp_path / "listed.json"
    advisory = {"specs": [f"=={numpy}"], "cve": "CVE-2099-1", "id": "pyup.io-1"}
    listed.write_text(json.dumps({"numpy": [advisory]}), "utf-8")
    unreachable = fake_pip_audit(tmp_path, None)
    result = audit(unreachable, clean)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "cannot check" in result.stdout and "safety-db 2021.7.17" in result.stdout
    assert "not covered" in result.stdout
    result = audit(unreachable, listed)
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"numpy {numpy}: CVE-2099-1" in result.stdout
