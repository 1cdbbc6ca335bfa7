"""Bad names, unreadable folders, empty folders and long batches: the CLI reports, never crashes,
and keeps memory bounded (issue 11)."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from posecheck.analysis import Analysis, without_pixels
from posecheck.cli import EXIT_FAILED, EXIT_USAGE, expand_paths, main
from posecheck.errors import InvalidImageError
from posecheck.names import printable_name
from posecheck.samples import sample_paths

SAMPLE = next(p for p in sample_paths() if p.stem == "woman_neutral_front")


def test_printable_names_escape_bytes_that_are_not_utf8() -> None:
    name = os.fsdecode(b"caf\xe9 photo.jpg")
    assert printable_name(name) == "caf\\xe9 photo.jpg"
    assert printable_name("café.jpg") == "café.jpg"


@pytest.mark.slow
def test_a_name_with_any_bytes_is_safe_everywhere(tmp_path: Path) -> None:
    """It used to crash OpenCV's imwrite (segfault) with --annotate, and --csv and --json."""
    folder = os.fsencode(tmp_path)
    odd = os.fsdecode(folder + b"/caf\xe9.jpg")
    shutil.copyfile(SAMPLE, odd)
    out = tmp_path / "annotated"
    table = tmp_path / "rows.csv"
    command = [sys.executable, "-m", "posecheck.cli", "analyze", odd, "--json",
               "--annotate", str(out), "--csv", str(table)]  # fmt: skip
    script = "import sys; from posecheck.cli import main; sys.exit(main(sys.argv[1:]))"
    result = subprocess.run(
        [sys.executable, "-c", script, *command[3:]], capture_output=True, timeout=300
    )
    assert result.returncode == 0, result.stderr.decode(errors="replace")[-2000:]
    document = json.loads(result.stdout.decode("utf-8"))  # valid UTF-8
    assert document["results"][0]["image"].endswith("caf\\xe9.jpg")
    rows = list(csv.DictReader(table.open(encoding="utf-8")))
    assert rows and rows[0]["image"].endswith("caf\\xe9.jpg")
    assert [p.name for p in out.iterdir()] == ["caf\\xe9.pose.jpg"]


def test_an_unreadable_folder_is_an_error_for_that_folder_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    original = Path.iterdir

    def iterdir(self: Path):  # type: ignore[no-untyped-def]
        if self == locked:  # as root, chmod 000 would not stop us: simulate it
            raise PermissionError(13, "Permission denied")
        return original(self)

    monkeypatch.setattr(Path, "iterdir", iterdir)
    open_folder = tmp_path / "open"
    open_folder.mkdir()
    shutil.copyfile(SAMPLE, open_folder / "a.jpg")
    items = expand_paths([str(locked), str(open_folder)])
    assert isinstance(items[0], InvalidImageError) and items[0].code == "unreadable"
    assert items[1] == str(open_folder / "a.jpg")


@pytest.mark.slow
def test_an_unreadable_folder_loses_nothing_else(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    original = Path.iterdir
    monkeypatch.setattr(
        Path, "iterdir", lambda self: (_ for _ in ()).throw(PermissionError(13, "denied"))
        if self == locked else original(self),
    )  # fmt: skip
    status = main(["analyze", str(locked), str(SAMPLE), "--json"])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    results = json.loads(out)["results"]
    assert status == EXIT_FAILED
    assert results[0]["error"]["code"] == "unreadable" and results[1]["ok"] is True


def test_an_empty_folder_still_prints_one_json_document(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["analyze", str(tmp_path), "--json"]) == EXIT_USAGE
    out, _ = capsys.readouterr()
    document = json.loads(out)
    assert document["results"] == [] and "not a diagnosis" in document["disclaimer"]


@pytest.mark.slow
def test_a_reported_result_keeps_no_pixels(analyzer: object) -> None:
    from posecheck import Analyzer

    assert isinstance(analyzer, Analyzer)
    result = analyzer.analyze_path(SAMPLE)
    assert isinstance(result, Analysis) and result.image.rgb.nbytes > 100_000  # pixels held
    kept = without_pixels(result)
    assert isinstance(kept, Analysis)
    assert kept.image.rgb.nbytes == 3 and (kept.image.width, kept.image.height) == (
        result.image.width,
        result.image.height,
    )
    assert kept.measurements == result.measurements
