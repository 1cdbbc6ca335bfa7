"""Uploaded photos and clips stay in memory, proven at the system-call level (issue 11, privacy).

Streamlit's server parses an upload with Starlette, whose spooled temporary file rolls over to the
system's temporary folder past 1 MB (an unnamed ``O_TMPFILE``, or a named file from ``mkstemp``):
a phone photo would touch the disk. The app raises the spool size at start
(posecheck/ui/uploads.py, called by app.py). Here the app's server runs under
``strace -f -e trace=openat,creat,rename,unlink,write`` while a real browser uploads a 3 MB photo on
the Check page and waits for its report, and a 3 MB recorded clip on the Live page (read, analysed
and encoded again in memory with PyAV); the trace must hold no file created by the server outside
the expected places (Python's bytecode caches), and no write to any file it created.

A control shows the watch can fail: Starlette's own parser, without the raised spool size, parsing
the same kind of upload under strace, is caught creating a temporary file.
"""

from __future__ import annotations

import re
import secrets
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import cv2
import numpy as np
import pytest

from posecheck import open_video
from posecheck.samples import sample_paths
from tests.appserver import app_server
from tests.live_fakes import clip_bytes
from tests.test_browser import (
    _report_on_screen,
    chromium,
    page_text,
    profile,
    shot,
    uploader,
    wait_for,
)
from tests.test_browser import pytestmark as browser_marks
from tests.test_browser_hostile import upload

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
STRACE = shutil.which("strace")
TRACED = "trace=openat,creat,rename,unlink,write"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(STRACE is None, reason="strace is not installed (.ci/run installs it)"),
]
__all__ = ["profile"]  # a fixture, used by name

#: one line of strace -f: "PID openat(DIRFD, "PATH", FLAGS[, MODE]) = FD" (or "<unfinished ...>")
_OPEN = re.compile(
    r'^(?P<pid>\d+)\s+(?P<call>openat|creat)\((?:[A-Z_]+|\d+, )?,?\s*"(?P<path>(?:[^"\\]|\\.)*)"'
    r"(?:, (?P<flags>[A-Z_|]+))?[^=]*(?:= (?P<fd>-?\d+)|<unfinished \.\.\.>)"
)
_OPEN_RESUMED = re.compile(r"^(?P<pid>\d+)\s+<\.\.\. (?:openat|creat) resumed>.*= (?P<fd>-?\d+)")
_WRITE = re.compile(
    r"^(?P<pid>\d+)\s+write\((?P<fd>\d+),.*(?:= (?P<count>\d+)|<unfinished \.\.\.>)$"
)
_RESUMED = re.compile(r"^(?P<pid>\d+)\s+<\.\.\. write resumed>.*= (?P<count>\d+)$")
#: where the server may create files: Python's bytecode caches, and /dev/null (opened to write)
_EXPECTED = ("__pycache__/", "/dev/null")
#: the compiler's temporary files when ctypes.util.find_library runs gcc to look for a library
#: (sounddevice, which MediaPipe imports, looks for PortAudio when the model first loads), and
#: Python's own temporary names (find_library's output file; tempfile's first probe of the folder)
_LIBRARY_PROBES = re.compile(r"^/tmp/(cc\w+\.(res|cdtor\.[co])|tmp\w{8}|\w{8})$")
#: the upload is bigger than this: a file that got as much written to it could hold it
_UPLOAD_SIZED = 1_000_000


@dataclass(frozen=True)
class Created:
    pid: str
    path: str
    flags: str
    fd: int | None
    line: str


def created_files(log: Path) -> list[Created]:
    """Every open that creates a file (O_CREAT, O_TMPFILE, creat) and did not fail; an open that
    strace split in two ("<unfinished ...>", then "resumed") gets its descriptor from the second."""
    found: list[Created] = []
    waiting: dict[str, Created] = {}
    for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
        resumed = _OPEN_RESUMED.match(line)
        if resumed and resumed["pid"] in waiting:
            started = waiting.pop(resumed["pid"])
            if int(resumed["fd"]) >= 0:
                found.append(replace(started, fd=int(resumed["fd"])))
            continue
        match = _OPEN.match(line)
        if match is None:
            continue
        flags = match["flags"] or ""
        if not (match["call"] == "creat" or "O_CREAT" in flags or "O_TMPFILE" in flags):
            continue
        created = Created(match["pid"], match["path"], flags, None, line)
        if match["fd"] is None:
            waiting[match["pid"]] = created
        elif int(match["fd"]) >= 0:
            found.append(replace(created, fd=int(match["fd"])))
    return found + list(waiting.values())


def unexpected(log: Path) -> list[Created]:
    return [c for c in created_files(log) if not any(mark in c.path for mark in _EXPECTED)]


def bytes_written_to(log: Path, file: Created) -> int:
    """Bytes the opening thread wrote through the descriptor the open returned (a write split by
    strace into "<unfinished ...>" and "resumed" lines counted too), until that thread opens
    another file on the same number."""
    total, counting, pending = 0, False, False
    for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
        if line == file.line:
            counting = True
            continue
        if not counting or line.split(maxsplit=1)[0] != file.pid:
            continue
        opened = _OPEN.match(line)
        if opened and opened["fd"] is not None and int(opened["fd"]) == file.fd:
            break
        write = _WRITE.match(line)
        if write and int(write["fd"]) == file.fd:
            if write["count"] is not None:
                total += int(write["count"])
            else:
                pending = True
        elif pending and (resumed := _RESUMED.match(line)):
            total += int(resumed["count"])
            pending = False
    return total


def tracer(log: Path) -> list[str]:
    """strace, following every thread and child, writing the watched calls to ``log``."""
    assert STRACE is not None
    return [STRACE, "-f", "-qq", "-s", "64", "-e", TRACED, "-o", str(log)]


def traced(command: list[str], log: Path, **kwargs: object) -> subprocess.Popen[bytes]:
    return subprocess.Popen([*tracer(log), *command], cwd=ROOT, **kwargs)  # type: ignore[call-overload,no-any-return]


# --- the control: the watch catches Starlette spooling an upload to disk --------------------------

_PARSE = """
import asyncio, sys
from starlette.datastructures import Headers
from starlette.formparsers import MultiPartParser
if sys.argv[1] == "in-memory":
    from posecheck.ui.uploads import keep_uploads_in_memory
    keep_uploads_in_memory(200)
head = (b'--b\\r\\nContent-Disposition: form-data; name="file"; filename="probe.jpg"\\r\\n'
        b'Content-Type: image/jpeg\\r\\n\\r\\n')
body = head + b"\\xff\\xd8" + bytes(3_000_000) + b"\\r\\n--b--\\r\\n"
async def chunks():
    for start in range(0, len(body), 65536):
        yield body[start:start + 65536]
async def parse():
    headers = Headers({"content-type": "multipart/form-data; boundary=b"})
    form = await MultiPartParser(headers, chunks(), max_part_size=10**9).parse()
    assert form["file"].size == 3_000_002
asyncio.run(parse())
"""


@pytest.mark.parametrize("spool", ["starlette's default", "in-memory"])
def test_the_watch_catches_an_upload_spooled_to_disk(tmp_path: Path, spool: str) -> None:
    log = tmp_path / "parse.txt"
    process = traced([sys.executable, "-c", _PARSE, spool], log, stderr=subprocess.PIPE)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 0, stderr.decode(errors="replace")[-2000:]
    found = unexpected(log)
    if spool == "in-memory":
        assert found == [], "\n".join(c.line for c in found)
    else:
        assert any("O_TMPFILE" in c.flags or c.path.startswith("/tmp") for c in found), (
            log.read_text(errors="replace")[-3000:]
        )
        assert max(bytes_written_to(log, c) for c in found) >= 3_000_000


# --- the app's server, traced, and a real upload -------------------------------------------------


@dataclass(frozen=True)
class TracedServer:
    url: str
    log: Path


@pytest.fixture(scope="module")
def traced_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TracedServer]:
    folder = tmp_path_factory.mktemp("traced")
    log, output = folder / "server-trace.txt", folder / "streamlit.log"
    with app_server(output, prefix=tracer(log)) as url:
        yield TracedServer(url, log)


def big_photo(folder: Path, name: str) -> Path:
    """A sample render enlarged to 1620x2880 with a little grain: about 3 MB of JPEG, well past
    Starlette's 1 MB spool."""
    sample = next(p for p in sample_paths() if p.stem == "woman_neutral_front")
    image = cv2.imread(str(sample))
    image = cv2.resize(image, None, fx=2.25, fy=2.25, interpolation=cv2.INTER_CUBIC)
    grain = np.random.default_rng(7).integers(-12, 13, image.shape, dtype=np.int16)
    image = np.clip(image.astype(np.int16) + grain, 0, 255).astype(np.uint8)
    path = folder / name
    cv2.imwrite(str(path), image, [cv2.IMWRITE_JPEG_QUALITY, 97])
    assert path.stat().st_size > 2_000_000  # Starlette spools past 1 MB, path.stat().st_size
    return path


@browser_marks[1]  # Debian's chromium and chromedriver
def test_an_uploaded_photo_never_touches_the_disk(
    traced_server: TracedServer, profile: Path, tmp_path: Path
) -> None:
    name = f"upload-probe-{secrets.token_hex(4)}.jpg"
    photo = big_photo(tmp_path, name)
    driver = chromium(profile, None, (1280, 2000))
    try:
        before = len(traced_server.log.read_text(errors="replace").splitlines())
        upload(driver, traced_server.url, [photo])
        wait_for("the report", lambda: _report_on_screen(driver, "Your report"), 180, step=0.3)
        wait_for("the photo's name", lambda: name in page_text(driver), 30, step=0.3)
        shot(driver, "upload-syscalls-report")
    finally:
        driver.quit()
    assert_kept_off_the_disk(traced_server, before, name)


def assert_kept_off_the_disk(traced_server: TracedServer, before: int, name: str) -> None:
    """Since line ``before`` of the trace: no spool rolled over to disk, nothing but the library
    look-up's files created, and the upload's name in no path."""
    time.sleep(1)  # strace writes its log as calls finish
    lines = traced_server.log.read_text(errors="replace").splitlines()
    assert len(lines) > before, "the trace did not grow during the upload: is strace following?"
    found = unexpected(traced_server.log)
    written = {c: bytes_written_to(traced_server.log, c) for c in found}
    listing = "\n".join(f"{written[c]:>9} bytes written  {c.line}" for c in found[:60])
    print(f"\n[upload syscalls] {len(lines)} calls traced; files created:\n{listing}")
    # Starlette's spool, rolled over to disk: an unnamed O_TMPFILE, or a named file as big as
    # the upload (the control above shows both signs)
    assert not [c for c in found if "O_TMPFILE" in c.flags], listing
    assert not [c for c in found if written[c] >= _UPLOAD_SIZED], listing
    # and nothing else but the library look-up's compiler files
    assert not [c for c in found if not _LIBRARY_PROBES.match(c.path)], listing
    assert not [line for line in lines if name in line and "open" in line], (
        "the upload's name appears in a file path"
    )


def big_clip(folder: Path, name: str) -> Path:
    """A committed rendered clip with grain, encoded nearly losslessly: about 3 MB or more of MP4,
    well past Starlette's 1 MB spool."""
    frames = []
    with open_video(ROOT / "tests/data/clips/stance_still_front.mp4") as reader:
        for _, rgb in reader:
            frames.append(rgb)
    rng = np.random.default_rng(7)
    grainy = [
        np.clip(f.astype(np.int16) + rng.integers(-12, 13, f.shape), 0, 255).astype(np.uint8)
        for f in frames[:60]
    ]
    path = folder / name
    path.write_bytes(clip_bytes(grainy, fps=15, options={"crf": "4"}))
    assert path.stat().st_size > 2_000_000
    return path


@browser_marks[1]  # Debian's chromium and chromedriver
def test_an_uploaded_clip_never_touches_the_disk(
    traced_server: TracedServer, profile: Path, tmp_path: Path
) -> None:
    """A recorded clip on the Live page: read from memory, analysed, and its annotated copy
    encoded in memory (PyAV): no file for it either."""
    name = f"clip-probe-{secrets.token_hex(4)}.mp4"
    clip = big_clip(tmp_path, name)
    driver = chromium(profile, None, (1280, 2000))
    try:
        before = len(traced_server.log.read_text(errors="replace").splitlines())
        driver.get(f"{traced_server.url}/live")
        uploader(driver).send_keys(str(clip))  # the Live page's one file chooser
        wait_for(
            "the clip's result",
            lambda: "Download the clip with the overlay" in page_text(driver),
            240,
            step=0.3,
        )
        shot(driver, "upload-syscalls-clip")
    finally:
        driver.quit()
    assert_kept_off_the_disk(traced_server, before, name)
