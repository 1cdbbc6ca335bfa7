"""History: saved with consent, read back, trended against the error band, deleted, and intact
after a crash mid-write."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from posecheck import Analysis, Analyzer
from posecheck.cli import main
from posecheck.errors import DataFileError
from posecheck.measures import MeasureName
from posecheck.samples import sample_paths
from posecheck.store import (
    SCHEMA_VERSION,
    HistoryStore,
    TrendPoint,
    change_beyond_error,
    default_path,
)
from posecheck.types import Status

SAMPLES = {p.stem: p for p in sample_paths()}


def test_the_database_lives_where_posecheck_home_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("POSECHECK_HOME", str(tmp_path))
    assert default_path() == tmp_path / "history.sqlite3"
    with HistoryStore() as store:
        assert store.schema_version == SCHEMA_VERSION and store.checks() == []


def test_a_newer_or_broken_database_is_a_clear_error(tmp_path: Path) -> None:
    newer = tmp_path / "newer.sqlite3"
    with sqlite3.connect(newer) as db:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(DataFileError, match="newer"):
        HistoryStore(newer)
    broken = tmp_path / "broken.sqlite3"
    broken.write_bytes(b"this is not a database" * 100)
    with pytest.raises(DataFileError):
        HistoryStore(broken)


def test_a_change_is_shown_only_beyond_the_errors() -> None:
    when = datetime.now(UTC)
    first = TrendPoint(1, when, 10.0, 5.0, Status.NORMAL)
    assert change_beyond_error(first, TrendPoint(2, when, 16.0, 5.0, Status.NORMAL)) is False
    assert change_beyond_error(first, TrendPoint(2, when, 18.0, 5.0, Status.NORMAL)) is True
    assert change_beyond_error(first, TrendPoint(2, when, None, 5.0, Status.UNKNOWN)) is None


@pytest.mark.slow
def test_save_read_trend_export_and_delete(analyzer: Analyzer, tmp_path: Path) -> None:
    result = analyzer.analyze_path(SAMPLES["woman_neutral_front"])
    assert isinstance(result, Analysis) and result.judged
    now = datetime(2026, 12, 1, tzinfo=UTC)
    with HistoryStore(tmp_path / "h.sqlite3") as store:
        first = store.save_check([result], created=now, thumbnails={result.name: b"\xff\xd8jpeg"})
        second = store.save_check([result], created=now + timedelta(days=7))
        checks = store.checks()
        assert [c.id for c in checks] == [second, first]  # newest first
        measures = store.measures(first)
        foot = measures[MeasureName.LEFT_FOOT_ANGLE]
        assert foot.value == result.measurements[MeasureName.LEFT_FOOT_ANGLE].value
        assert store.pictures(first) == {result.name: b"\xff\xd8jpeg"}
        trend = store.trend(MeasureName.LEFT_FOOT_ANGLE)
        assert [p.check_id for p in trend] == [first, second]
        exported = json.loads(json.dumps(store.export()))
        assert (
            len(exported["checks"]) == 2 and "left_foot_angle" in exported["checks"][0]["measures"]
        )
        assert store.delete(first) and not store.delete(first)
        assert store.pictures(first) == {} and store.measures(first) == {}  # deleted with it
        assert store.delete_all() == 1 and store.checks() == []


@pytest.mark.slow
def test_the_cli_saves_lists_exports_and_deletes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("POSECHECK_HOME", str(tmp_path))
    assert main(["analyze", str(SAMPLES["woman_neutral_front"]), "--save", "--jobs", "1"]) == 0
    capsys.readouterr()
    assert main(["history", "list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)["checks"]
    assert len(listed) == 1
    assert main(["history", "export", "--out", str(tmp_path / "all.json")]) == 0
    assert json.loads((tmp_path / "all.json").read_text())["checks"][0]["id"] == listed[0]["id"]
    assert main(["history", "delete", str(listed[0]["id"])]) == 0
    assert main(["history", "delete", "999"]) == 1


_WRITER = """
import sys, time
from datetime import datetime, timezone
from posecheck import Analyzer
from posecheck.samples import sample_paths
from posecheck.store import HistoryStore
photo = next(p for p in sample_paths() if p.stem == "woman_neutral_front")
result = Analyzer.open("lite").analyze_path(photo)
store = HistoryStore(__import__("pathlib").Path(sys.argv[1]))
print("ready", flush=True)
while True:
    store.save_check([result], thumbnails={result.name: b"x" * 200_000})
"""


@pytest.mark.slow
def test_a_crash_mid_write_leaves_no_half_check(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    writer = subprocess.Popen(
        [sys.executable, "-c", _WRITER, str(path)], stdout=subprocess.PIPE, text=True
    )
    assert writer.stdout is not None and writer.stdout.readline().strip() == "ready"
    time.sleep(1.5)  # many saves in flight
    os.kill(writer.pid, signal.SIGKILL)
    writer.wait(timeout=30)
    with HistoryStore(path) as store:
        assert store._db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        checks = store.checks()
        assert checks, "some checks were saved before the kill"
        for check in checks:  # every saved check is whole: its measures and its thumbnail
            assert store.measures(check.id) and len(store.pictures(check.id)) == 1


def test_a_live_session_summary_is_saved_read_exported_and_deleted(tmp_path: Path) -> None:
    summary = {
        "summary": "Heel raises: right side 10 of 10 (done); left side 4 of 10",
        "title": "Heel raises",
        "frames": 300,
        "duration_s": 40.0,
        "exercise": {"form_notes": ["keep the knees straight"]},
        "stance": None,
    }
    when = datetime(2026, 12, 1, 18, 30, tzinfo=UTC)
    with HistoryStore(tmp_path / "h.sqlite3") as store:
        session = store.save_live_session(summary, created=when)
        (check,) = store.checks()
        assert (check.id, check.kind, check.created) == (session, "live", when)
        assert check.summary == summary["summary"] and check.images == ()
        assert check.details == summary  # the whole summary comes back, as saved
        assert store.measures(session) == {} and store.findings(session) == []
        assert store.trend(MeasureName.LEFT_FOOT_ANGLE) == []  # never mixed into the trends
        (exported,) = json.loads(json.dumps(store.export()))["checks"]
        assert exported["kind"] == "live" and exported["details"]["frames"] == 300
        assert store.delete(session) and store.checks() == []
