"""History: checks saved, with the user's consent, to a local SQLite database.

What is stored: each check's date, its measures (value, unit, status, error band, view), its
findings (key, side, status, title) and its summary; small annotated thumbnails unless asked not
to; the full photos only when asked. Live sessions store their summary. Nothing else, nowhere
else: the database lives in the user's data directory (``default_path``; ``POSECHECK_HOME``
overrides it) and every check can be deleted, or all of them.

Integrity: the schema carries a version and is brought up to date by numbered migrations; each
save is one transaction (a crash mid-write leaves the check out entirely, never half of it); the
database runs in WAL mode with foreign keys on, so deleting a check deletes what belongs to it.
"""

from __future__ import annotations

import json
import math
import os
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from posecheck.analysis import Analysis
from posecheck.combine import CombinedReport
from posecheck.errors import DataFileError, ErrorCode
from posecheck.findings import Assessment
from posecheck.measures import Measurement, MeasureName
from posecheck.types import Closing, Status

#: The newest schema; ``MIGRATIONS[n]`` takes a database from version n - 1 to n.
SCHEMA_VERSION = 1
MIGRATIONS: Mapping[int, tuple[str, ...]] = {
    1: (
        "CREATE TABLE checks (id INTEGER PRIMARY KEY, created TEXT NOT NULL, kind TEXT NOT NULL,"
        " images TEXT NOT NULL, summary TEXT NOT NULL, details TEXT NOT NULL)",
        "CREATE TABLE measures (check_id INTEGER NOT NULL REFERENCES checks(id) ON DELETE CASCADE,"
        " name TEXT NOT NULL, value REAL, unit TEXT NOT NULL, status TEXT NOT NULL,"
        " error REAL NOT NULL, view TEXT, PRIMARY KEY (check_id, name))",
        "CREATE TABLE findings (check_id INTEGER NOT NULL REFERENCES checks(id) ON DELETE CASCADE,"
        " key TEXT NOT NULL, side TEXT, status TEXT NOT NULL, title TEXT NOT NULL)",
        "CREATE TABLE pictures (check_id INTEGER NOT NULL REFERENCES checks(id) ON DELETE CASCADE,"
        " kind TEXT NOT NULL, name TEXT NOT NULL, jpeg BLOB NOT NULL)",
        "CREATE INDEX measures_by_name ON measures (name)",
    ),
}


def default_path() -> Path:
    """The history database in the user's data directory (``POSECHECK_HOME`` overrides it)."""
    home = os.environ.get("POSECHECK_HOME")
    if home:
        return Path(home) / "history.sqlite3"
    from platformdirs import user_data_dir

    return Path(user_data_dir("posecheck", appauthor=False)) / "history.sqlite3"


@dataclass(frozen=True)
class StoredCheck:
    """One saved check: when, what kind (``photo`` or ``live``), its photos' names, summary."""

    id: int
    created: datetime
    kind: str
    images: tuple[str, ...]
    summary: str
    details: Mapping[str, Any]


@dataclass(frozen=True)
class TrendPoint:
    """One measure in one saved check."""

    check_id: int
    created: datetime
    value: float | None
    error: float
    status: Status


class HistoryStore(Closing):
    """The history database; open it with ``HistoryStore(path)`` and close it (or ``with``)."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or default_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._db = sqlite3.connect(self.path, timeout=10.0)
            self._db.execute("PRAGMA foreign_keys = ON")
            self._db.execute("PRAGMA journal_mode = WAL")
            self._migrate()
        except sqlite3.DatabaseError as error:
            raise DataFileError(
                f"The history database {self.path} cannot be opened ({error}). Move it aside to "
                "start a new history.",
                code=ErrorCode.BAD_DATA_FILE,
                extra={"path": str(self.path)},
            ) from error

    def close(self) -> None:
        self._db.close()

    # --- schema ---------------------------------------------------------------------------------

    @property
    def schema_version(self) -> int:
        return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    def _migrate(self) -> None:
        version = self.schema_version
        if version > SCHEMA_VERSION:
            raise sqlite3.DatabaseError(
                f"schema version {version} is newer than this posecheck knows ({SCHEMA_VERSION})"
            )
        for target in range(version + 1, SCHEMA_VERSION + 1):
            with self._db:  # one transaction per migration
                for statement in MIGRATIONS[target]:
                    self._db.execute(statement)
                self._db.execute(f"PRAGMA user_version = {target}")

    # --- saving ---------------------------------------------------------------------------------

    def save_check(
        self,
        analyses: Sequence[Analysis],
        combined: CombinedReport | None = None,
        *,
        thumbnails: Mapping[str, bytes] | None = None,
        photos: Mapping[str, bytes] | None = None,
        created: datetime | None = None,
    ) -> int:
        """Save one check (its measures and findings: the combined ones when given, else the
        single photo's); ``thumbnails`` and ``photos`` are JPEG bytes by photo name. Returns the
        check's id. One transaction: all of it is saved, or none."""
        judged = [a for a in analyses if a.judged]
        if combined is not None:
            measurements, assessment = combined.measurements, combined.assessment
        elif len(judged) == 1:
            measurements, assessment = judged[0].measurements, judged[0].assessment
        else:
            raise ValueError(
                f"save_check: expected one judged photo or a combined report, got {len(judged)}"
            )
        when = (created or datetime.now(UTC)).astimezone(UTC)
        details = {"views": {a.name: a.view.view.value for a in analyses}}
        with self._db:
            cursor = self._db.execute(
                "INSERT INTO checks (created, kind, images, summary, details) VALUES (?,?,?,?,?)",
                (when.isoformat(), "photo", json.dumps([a.name for a in analyses]),
                 assessment.summary, json.dumps(details)),
            )  # fmt: skip
            check_id = int(cursor.lastrowid or 0)
            self._insert_measures(check_id, measurements)
            self._insert_findings(check_id, assessment)
            for kind, pictures in (("thumbnail", thumbnails or {}), ("photo", photos or {})):
                self._db.executemany(
                    "INSERT INTO pictures (check_id, kind, name, jpeg) VALUES (?,?,?,?)",
                    [(check_id, kind, name, data) for name, data in pictures.items()],
                )
        return check_id

    def save_live_session(
        self, summary: Mapping[str, Any], *, created: datetime | None = None
    ) -> int:
        """Save a live session's summary (counts, holds, time, form notes, stance measures)."""
        when = (created or datetime.now(UTC)).astimezone(UTC)
        text = str(summary.get("summary", "live session"))
        with self._db:
            cursor = self._db.execute(
                "INSERT INTO checks (created, kind, images, summary, details) VALUES (?,?,?,?,?)",
                (when.isoformat(), "live", "[]", text, json.dumps(dict(summary), default=str)),
            )
            return int(cursor.lastrowid or 0)

    def _insert_measures(
        self, check_id: int, measurements: Mapping[MeasureName, Measurement]
    ) -> None:
        self._db.executemany(
            "INSERT INTO measures (check_id, name, value, unit, status, error, view)"
            " VALUES (?,?,?,?,?,?,?)",
            [
                (check_id, name.value, m.value, m.unit.value, m.status.value, m.error,
                 None if m.view is None else m.view.value)
                for name, m in measurements.items()
            ],
        )  # fmt: skip

    def _insert_findings(self, check_id: int, assessment: Assessment) -> None:
        self._db.executemany(
            "INSERT INTO findings (check_id, key, side, status, title) VALUES (?,?,?,?,?)",
            [
                (check_id, f.key.value, None if f.side is None else f.side.value,
                 f.status.value, f.title)
                for f in assessment.findings
            ],
        )  # fmt: skip

    # --- reading --------------------------------------------------------------------------------

    def checks(self) -> list[StoredCheck]:
        """Every saved check, newest first."""
        rows = self._db.execute(
            "SELECT id, created, kind, images, summary, details FROM checks ORDER BY created DESC,"
            " id DESC"
        ).fetchall()
        return [
            StoredCheck(
                int(row[0]), datetime.fromisoformat(row[1]), row[2], tuple(json.loads(row[3])),
                row[4], json.loads(row[5]),
            )
            for row in rows
        ]  # fmt: skip

    def measures(self, check_id: int) -> dict[MeasureName, TrendPoint]:
        rows = self._db.execute(
            "SELECT m.name, c.created, m.value, m.error, m.status FROM measures m"
            " JOIN checks c ON c.id = m.check_id WHERE m.check_id = ?",
            (check_id,),
        ).fetchall()
        return {
            MeasureName(row[0]): TrendPoint(
                check_id, datetime.fromisoformat(row[1]), row[2], row[3], Status(row[4])
            )
            for row in rows
        }

    def findings(self, check_id: int) -> list[dict[str, Any]]:
        rows = self._db.execute(
            "SELECT key, side, status, title FROM findings WHERE check_id = ?", (check_id,)
        ).fetchall()
        return [{"key": r[0], "side": r[1], "status": r[2], "title": r[3]} for r in rows]

    def pictures(self, check_id: int, kind: str = "thumbnail") -> dict[str, bytes]:
        rows = self._db.execute(
            "SELECT name, jpeg FROM pictures WHERE check_id = ? AND kind = ?", (check_id, kind)
        ).fetchall()
        return {row[0]: bytes(row[1]) for row in rows}

    def trend(self, name: MeasureName) -> list[TrendPoint]:
        """One measure across the saved checks, oldest first (only readings with a value)."""
        rows = self._db.execute(
            "SELECT m.check_id, c.created, m.value, m.error, m.status FROM measures m"
            " JOIN checks c ON c.id = m.check_id WHERE m.name = ? AND m.value IS NOT NULL"
            " ORDER BY c.created, c.id",
            (name.value,),
        ).fetchall()
        return [
            TrendPoint(int(r[0]), datetime.fromisoformat(r[1]), r[2], r[3], Status(r[4]))
            for r in rows
        ]

    # --- deleting and exporting -----------------------------------------------------------------

    def delete(self, check_id: int) -> bool:
        """Delete one check and everything that belongs to it; False when there was none."""
        with self._db:
            cursor = self._db.execute("DELETE FROM checks WHERE id = ?", (check_id,))
        return cursor.rowcount > 0

    def delete_all(self) -> int:
        with self._db:
            cursor = self._db.execute("DELETE FROM checks")
        self._db.execute("VACUUM")  # the deleted rows' bytes leave the file too
        return cursor.rowcount

    def export(self) -> dict[str, Any]:
        """Everything stored, as JSON-ready data (pictures left out)."""
        return {
            "schema_version": self.schema_version,
            "checks": [
                {
                    "id": check.id,
                    "created": check.created.isoformat(),
                    "kind": check.kind,
                    "images": list(check.images),
                    "summary": check.summary,
                    "details": dict(check.details),
                    "measures": {
                        name.value: {"value": p.value, "error": p.error, "status": p.status.value}
                        for name, p in self.measures(check.id).items()
                    },
                    "findings": self.findings(check.id),
                }
                for check in self.checks()
            ],
        }


def change_beyond_error(earlier: TrendPoint, later: TrendPoint) -> bool | None:
    """Whether a measure changed by more than the two readings' combined error band (so it may be
    shown as a change at all); None when either has no value."""
    if earlier.value is None or later.value is None:
        return None
    return bool(abs(later.value - earlier.value) > math.hypot(earlier.error, later.error))
