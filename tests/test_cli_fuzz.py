"""A fuzzer over the command line: random file names and contents through
``posecheck analyze ... --json --csv FILE --annotate DIR`` (issue 11).

Names: unicode, bytes that are not UTF-8 (kept by Python as surrogate escapes), spaces, leading
dashes, names near the file system's 255-byte limit; and what a name points at: a file, a folder,
a FIFO, a symlink to nowhere, a symlink to a photo. Contents: a good sample render, that render
truncated or with bits flipped (as JPEG and PNG), an empty file, random bytes, text.

Every run must exit with a documented status (0, 1 or 2), print no traceback, print exactly one
JSON document that is valid UTF-8 under ``--json`` (one entry per photo, named as
``printable_name`` shows it, with a documented error code when it failed), write a CSV that is
valid UTF-8 with one header, and leave only well-formed pictures with valid UTF-8 names in the
annotate folder: one per analysed photo, or a message on stderr naming the one it could not write.

The model is loaded once for the module (``Analyzer.open`` is patched to hand back the same one,
kept open): the CLI runs in this process with ``--jobs 1``, everything else as users run it.
Reproducible: ``derandomize=True`` and no example database.
"""

from __future__ import annotations

import csv
import io
import json
import os
import random
import subprocess
import sys
import tempfile
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from posecheck.analysis import Analyzer
from posecheck.cli import EXIT_FAILED, EXIT_OK, EXIT_USAGE, IMAGE_SUFFIXES, main
from posecheck.errors import ErrorCode
from posecheck.names import printable_name
from posecheck.report import CSV_COLUMNS
from posecheck.samples import sample_paths

SAMPLE = next(p for p in sample_paths() if p.stem == "woman_neutral_front")
JPEG = SAMPLE.read_bytes()
PNG = cv2.imencode(".png", cv2.imread(str(SAMPLE)))[1].tobytes()
NAME_MAX = 255  # bytes in one file name on Linux file systems
DOCUMENTED_EXITS = {EXIT_OK, EXIT_FAILED, EXIT_USAGE}
DOCUMENTED_CODES = {code.value for code in ErrorCode} - {ErrorCode.SOURCE_SKIPPED.value}
FUZZ = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    # capsys is read and emptied at the start and end of each run
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
)


# --- what a fuzzed path holds ---------------------------------------------------------------------


def truncated(data: bytes) -> st.SearchStrategy[bytes]:
    return st.integers(1, len(data) - 1).map(lambda end: data[:end])


def bit_flipped(data: bytes) -> st.SearchStrategy[bytes]:
    """The data with a few bits flipped, mostly in the header where decoders look first."""

    def flip(seed: int) -> bytes:
        chooser = random.Random(seed)
        mutable = bytearray(data)
        for _ in range(chooser.randint(1, 8)):
            where = chooser.randrange(min(len(data), 2048) if chooser.random() < 0.7 else len(data))
            mutable[where] ^= 1 << chooser.randrange(8)
        return bytes(mutable)

    return st.integers(0, 2**32).map(flip)


CONTENTS = st.one_of(
    st.just(JPEG),
    st.just(b""),
    truncated(JPEG),
    truncated(PNG),
    bit_flipped(JPEG),
    bit_flipped(PNG),
    st.binary(max_size=4096),
    st.text(max_size=300).map(lambda text: text.encode("utf-8", "surrogatepass")),
)

# --- fuzzed names ---------------------------------------------------------------------------------

SUFFIXES = [".jpg", ".JPEG", ".png", ".tiff", ".heic", ".txt", "", ".jpg.exe"]
PIECES = st.one_of(
    st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="/\0"), max_size=12),
    st.binary(min_size=1, max_size=6).map(lambda raw: raw.replace(b"/", b"_").replace(b"\0", b"_")),
    st.sampled_from([" ", "  ", "-", "--", "-x", "--json", "é", "日本", "\u202e", "\n", "*", "'"]),
)


@st.composite
def names(draw: st.DrawFn) -> bytes:
    """A file name as bytes: never empty, '.', '..', or longer than the file system allows."""
    stem = b"".join(
        piece if isinstance(piece, bytes) else piece.encode("utf-8")
        for piece in draw(st.lists(PIECES, min_size=1, max_size=5))
    )
    if draw(st.booleans()) and draw(st.booleans()):
        stem = stem + b"y" * NAME_MAX  # a very long name, cut to the limit below
    suffix = draw(st.sampled_from(SUFFIXES)).encode()
    name = (stem or b"photo")[: NAME_MAX - len(suffix)] + suffix
    return name if name not in (b".", b"..") else b"dot" + name


KINDS = ["file", "file", "file", "folder", "fifo", "dangling", "link"]


@dataclass(frozen=True)
class Entry:
    name: bytes
    kind: str
    content: bytes

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:  # hypothesis's printer
        printer.text(repr(self))

    def __repr__(self) -> str:  # short: hypothesis prints failing examples
        what = (
            "sample" if self.content == JPEG else f"{len(self.content)} bytes {self.content[:12]!r}"
        )
        return f"Entry({self.name!r}, {self.kind}, {what})"


ENTRIES = st.builds(Entry, names(), st.sampled_from(KINDS), CONTENTS)


def make(folder: Path, entry: Entry) -> Path:
    """The entry on disk (a name's bytes that are not UTF-8 kept as surrogates, as Python does)."""
    path = folder / os.fsdecode(entry.name)
    if entry.kind == "folder":
        path.mkdir()
    elif entry.kind == "fifo":
        os.mkfifo(path)
    elif entry.kind == "dangling":
        path.symlink_to(folder / "nowhere" / path.name)
    elif entry.kind == "link":
        path.symlink_to(SAMPLE)
    else:
        path.write_bytes(entry.content)
    return path


# --- names alone -------------------------------------------------------------------------------


@pytest.mark.slow  # over 0.2 s on a clean clone: .ci/run runs it, make test keeps its time
@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(
    raw=st.one_of(st.binary(max_size=64), st.text(max_size=32).map(os.fsencode)),
    built=st.text(st.characters(blacklist_categories=()), max_size=16),  # lone surrogates too
)
def test_a_printable_name_is_one_line_of_valid_utf8(raw: bytes, built: str) -> None:
    name = os.fsdecode(raw)
    for shown in (printable_name(name), printable_name(built)):
        shown.encode("utf-8")  # raises on a surrogate
        assert len(shown.splitlines()) <= 1, shown  # no line break of any kind
        assert not any(unicodedata.category(c) in ("Cc", "Cs", "Zl", "Zp") for c in shown)
    shown = printable_name(name)
    if raw.isascii() and raw.decode().isprintable():
        assert shown == name  # an ordinary name is shown as it is


# --- the shared model -----------------------------------------------------------------------------


class KeptOpen(Analyzer):
    """The module's analyzer: ``close()`` at the end of each CLI run leaves it open."""

    def close(self) -> None:
        pass

    def really_close(self) -> None:
        super().close()


@pytest.fixture(scope="module")
def shared_model() -> Iterator[None]:
    kept = KeptOpen(Analyzer.open("full").estimator)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            Analyzer, "open", classmethod(lambda cls, model="full", both_ways=False: kept)
        )
        yield
    kept.really_close()


# --- the checks -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    status: int
    out: str
    err: str


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> Run:
    capsys.readouterr()
    status = main(argv)
    out, err = capsys.readouterr()
    return Run(status, out, err)


def check_json(result: Run, paths: list[str], entries: list[Entry]) -> list[dict[str, object]]:
    out = result.out.encode("utf-8")  # raises on anything that is not valid UTF-8
    document = json.loads(out)  # exactly one document: trailing text fails
    results = document["results"]
    # a folder given is replaced by the photos in it: these folders are empty
    kept = [(p, e) for p, e in zip(paths, entries, strict=True) if e.kind != "folder"]
    assert [r["image"] for r in results] == [printable_name(p) for p, _ in kept]
    if not kept:
        assert result.status == EXIT_USAGE and "no photos found" in result.err
        return results
    for (_, entry), item in zip(kept, results, strict=True):
        if item["ok"]:
            assert item["error"] is None
        else:
            assert item["error"]["code"] in DOCUMENTED_CODES, item["error"]
            assert item["error"]["message"].strip(), item
        expected = expected_code(entry)
        if expected is not None:
            assert item["ok"] is (expected == "ok"), (entry.kind, entry.name, item["error"])
            if expected != "ok":
                assert item["error"]["code"] == expected, (entry.kind, entry.name)
    expected_status = EXIT_OK if all(r["ok"] for r in results) else EXIT_FAILED
    assert result.status == expected_status
    return results


def expected_code(entry: Entry) -> str | None:
    """The outcome an entry must have, where it is certain (None: the decoder decides)."""
    if entry.kind == "fifo":
        return ErrorCode.NOT_A_FILE.value
    if entry.kind == "dangling":
        return ErrorCode.NOT_FOUND.value
    if entry.kind == "link" or entry.content == JPEG:
        return "ok"
    if entry.content == b"":
        return ErrorCode.EMPTY_FILE.value
    return None


def check_csv(table: Path, results: list[dict[str, object]]) -> None:
    text = table.read_bytes().decode("utf-8")
    header, *_ = csv.reader(io.StringIO(text))
    assert header == list(CSV_COLUMNS)
    rows = list(csv.DictReader(io.StringIO(text)))
    analysed = {r["image"] for r in results if r["ok"]}
    assert {row["image"] for row in rows} <= {str(r["image"]) for r in results}
    assert analysed <= {row["image"] for row in rows}


def check_annotations(folder: Path, results: list[dict[str, object]], err: str) -> None:
    written = sorted(p.name for p in folder.iterdir()) if folder.exists() else []
    for name in written:
        name.encode("utf-8")  # raises on anything that is not valid UTF-8
        assert name.endswith(".jpg") and ".pose" in name, name
        picture = cv2.imdecode(np.frombuffer((folder / name).read_bytes(), np.uint8), 1)
        assert picture is not None and picture.size > 0, name
    analysed = sum(1 for r in results if r["ok"])
    unwritten = err.count("could not write")
    assert len(written) + unwritten == analysed, (written, err[-2000:])


@pytest.mark.slow
@FUZZ
# found by this fuzzer: the message for a FIFO (or any path images.py refused) held the name's
# raw bytes, so the JSON was not valid UTF-8; a carriage return in a name broke the CSV
@example(entries=[Entry(b"\x80.jpg", "fifo", b"")], flags=set())
@example(entries=[Entry(b"\r.jpg", "file", JPEG)], flags={"csv"})
# a name whose escaped form is longer than a file name may be: its picture gets a shortened name
@example(entries=[Entry(b"\xff" * 60 + b"y" * 190 + b".jpg", "link", b"")], flags={"annotate"})
@given(
    entries=st.lists(ENTRIES, min_size=1, max_size=3),
    flags=st.sets(st.sampled_from(["csv", "annotate"])),
)
def test_any_names_and_contents_through_the_cli(
    shared_model: None, capsys: pytest.CaptureFixture[str], entries: list[Entry], flags: set[str]
) -> None:
    with tempfile.TemporaryDirectory() as where:
        paths = []
        for index, entry in enumerate(entries):
            own = Path(where) / "in" / str(index)  # one folder each: two may share a name
            own.mkdir(parents=True)
            paths.append(str(make(own, entry)))
        table = Path(where) / "rows.csv"
        annotated = Path(where) / "annotated"
        argv = ["analyze", "--json", "--jobs", "1"]
        argv += ["--csv", str(table)] if "csv" in flags else []
        argv += ["--annotate", str(annotated)] if "annotate" in flags else []
        result = run([*argv, "--", *paths], capsys)
        assert result.status in DOCUMENTED_EXITS
        assert "Traceback" not in result.out + result.err, result.err[-3000:]
        results = check_json(result, paths, entries)
        if result.status == EXIT_USAGE:  # nothing to analyse: no outputs
            return
        if "csv" in flags:
            check_csv(table, results)
        if "annotate" in flags:
            check_annotations(annotated, results, result.err)


@pytest.mark.slow
@FUZZ
@given(entries=st.lists(ENTRIES, min_size=0, max_size=4))
def test_a_folder_of_anything_through_the_cli(
    shared_model: None, capsys: pytest.CaptureFixture[str], entries: list[Entry]
) -> None:
    """A folder given as the path: its photos (regular files and links to files with a photo's
    suffix) are analysed, folders, FIFOs and dangling links inside it are passed over."""
    with tempfile.TemporaryDirectory() as where:
        folder = Path(where) / "in"
        folder.mkdir()
        made = {}
        for entry in entries:
            if entry.name not in made:
                made[entry.name] = entry
                make(folder, entry)
        annotated = Path(where) / "annotated"
        argv = ["analyze", "--json", "--jobs", "1", "--annotate", str(annotated)]
        result = run([*argv, "--", str(folder)], capsys)
        assert result.status in DOCUMENTED_EXITS
        assert "Traceback" not in result.out + result.err, result.err[-3000:]
        document = json.loads(result.out.encode("utf-8"))
        photos = [
            e for e in made.values()
            if e.kind in ("file", "link")
            and Path(os.fsdecode(e.name)).suffix.lower() in IMAGE_SUFFIXES
        ]  # fmt: skip
        assert len(document["results"]) == len(photos)
        if not photos:
            assert result.status == EXIT_USAGE
            return
        reported = {r["image"] for r in document["results"]}
        assert reported == {printable_name(folder / os.fsdecode(e.name)) for e in photos}
        assert result.status == (
            EXIT_OK if all(r["ok"] for r in document["results"]) else EXIT_FAILED
        )
        check_annotations(annotated, document["results"], result.err)


@pytest.mark.slow
def test_the_found_names_through_worker_processes(tmp_path: Path) -> None:
    """The names the fuzzer found, through ``--jobs 2`` (spawned workers, each loading the model)
    in a process of its own, as users run it: one valid UTF-8 JSON document, a CSV of one header
    and whole rows, well-formed pictures."""
    folder = tmp_path / "in"
    folder.mkdir()
    entries = [
        Entry(b"\x80.jpg", "fifo", b""),
        Entry(b"\r.jpg", "file", JPEG),
        Entry(b"caf\xe9 \xe2\x80\xae gpj.jpg", "file", JPEG),
        Entry(b"-x.jpg", "file", JPEG[:5000]),
    ]
    paths = [str(make(folder, entry)) for entry in entries]
    table, annotated = tmp_path / "rows.csv", tmp_path / "annotated"
    script = "import sys; from posecheck.cli import main; sys.exit(main(sys.argv[1:]))"
    argv = ["analyze", "--json", "--jobs", "2", "--csv", str(table), "--annotate", str(annotated)]
    done = subprocess.run(
        [sys.executable, "-c", script, *argv, "--", *paths], capture_output=True, timeout=600
    )
    err = done.stderr.decode("utf-8", errors="replace")
    result = Run(done.returncode, done.stdout.decode("utf-8"), err)  # strict: valid UTF-8
    assert "Traceback" not in err, err[-3000:]
    results = check_json(result, paths, entries)
    assert [r["ok"] for r in results] == [False, True, True, False]
    check_csv(table, results)
    check_annotations(annotated, results, err)
