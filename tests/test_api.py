"""The public API (``posecheck.__all__``) is complete, and the package users install is what it
should be: samples in, developer tools out."""

from __future__ import annotations

import dataclasses
import inspect
import shutil
import subprocess
import sys
import typing
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import posecheck

ROOT = Path(__file__).resolve().parents[1]


def test_every_public_name_exists_once() -> None:
    names = posecheck.__all__
    assert len(names) == len(set(names))
    assert names == sorted(names, key=lambda n: (not n.isupper(), n))  # constants, then by name
    for name in names:
        assert hasattr(posecheck, name), name


def _posecheck_types(hint: object) -> Iterator[type]:
    """posecheck classes named in a type hint (not inside Callable: those are internals)."""
    if typing.get_origin(hint) in (Callable, typing.get_origin(Callable[[], None])):
        return
    if isinstance(hint, type) and hint.__module__.startswith("posecheck"):
        yield hint
    for argument in typing.get_args(hint):
        yield from _posecheck_types(argument)


def _hints(thing: object) -> dict[str, object]:
    try:
        return typing.get_type_hints(thing)
    except (TypeError, NameError):
        return {}


def _signatures(thing: object) -> Iterator[object]:
    """The hints of a public function, or of a public class's fields and public methods."""
    if inspect.isclass(thing):
        if dataclasses.is_dataclass(thing):
            yield from _hints(thing).values()
        for name, member in vars(thing).items():
            if not name.startswith("_") and callable(member):
                yield from _hints(member).values()
            if isinstance(member, property) and member.fget is not None:
                yield from _hints(member.fget).values()
            if isinstance(member, classmethod | staticmethod):
                yield from _hints(member.__func__).values()
    elif callable(thing):
        yield from _hints(thing).values()


def test_what_the_public_api_hands_out_is_public_too() -> None:
    """Every posecheck type in a public signature or field is exported itself."""
    exported = [getattr(posecheck, name) for name in posecheck.__all__]
    missing = set()
    for name in posecheck.__all__:
        for hint in _signatures(getattr(posecheck, name)):
            for kind in _posecheck_types(hint):
                if not any(kind is thing for thing in exported):
                    missing.add(f"{kind.__module__}.{kind.__qualname__} (via {name})")
    assert not missing, "export these or keep them out of public signatures:\n" + "\n".join(
        sorted(missing)
    )


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel users would install, built from a copy of the source (no build/ in the repo)."""
    source = tmp_path_factory.mktemp("source")
    for item in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / item, source / item)
    shutil.copytree(
        ROOT / "posecheck", source / "posecheck", ignore=shutil.ignore_patterns("__pycache__")
    )
    out = tmp_path_factory.mktemp("wheel")
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation"]
    subprocess.run([*command, "-q", "-w", str(out), str(source)], check=True, timeout=300)
    (built,) = out.glob("posecheck-*.whl")
    return built


@pytest.mark.slow  # builds a wheel
def test_the_wheel_has_the_samples_and_not_the_developer_tools(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    samples = [n for n in names if n.startswith("posecheck/data/samples/") and n.endswith(".jpg")]
    assert len(samples) == len(list((ROOT / "posecheck/data/samples").glob("*.jpg"))) > 0
    assert "posecheck/data/samples/heel_raises_side.mp4" in names  # the Live page's sample clip
    assert "posecheck/data/exercises.json" in names
    assert "posecheck/data/calibration.json" in names
    assert "posecheck/ui/speech/index.html" in names  # the Live page's voice
    assert "posecheck/ui/pointer/index.html" in names  # the clickable picture
    assert not [n for n in names if n.startswith("posecheck/dev/")]


@pytest.mark.slow  # builds a wheel
def test_the_wheel_has_the_pictures_and_their_index(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    folder = ROOT / "posecheck/data/pictures"
    pictures = sorted(folder.rglob("*.jpg"))
    assert len(pictures) > 22  # the capture guide and at least one per catalogue exercise
    missing = [p for p in pictures if f"posecheck/{p.relative_to(ROOT / 'posecheck')}" not in names]
    assert not missing, missing
    assert "posecheck/data/pictures/pictures.json" in names


@pytest.mark.slow  # builds a wheel
def test_samples_work_from_an_installed_wheel(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target),
         str(wheel)],
        check=True,
        timeout=300,
    )  # fmt: skip
    script = (
        "import importlib.util, posecheck.samples as s;"
        f"assert s.__file__.startswith({str(target)!r}), s.__file__;"
        "paths = s.sample_paths(); assert paths and all(p.is_file() for p in paths);"
        "import posecheck.pictures as pc;"
        f"assert pc.__file__.startswith({str(target)!r}), pc.__file__;"
        "shown = pc.guide_pictures() + pc.exercise_pictures('heel_raises');"
        "assert len(shown) > 2 and all(p.path.is_file() and p.caption for p in shown);"
        # (the clone's editable install may still find it: it must not be in the wheel's copy)
        "dev = importlib.util.find_spec('posecheck.dev');"
        f"assert dev is None or not dev.origin.startswith({str(target)!r}), dev.origin;"
        "print(len(paths))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert int(result.stdout) == len(list((ROOT / "posecheck/data/samples").glob("*.jpg")))
