"""A batch on every core: the same results as one process, in the order given."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from posecheck.batch import BatchSettings, analyze_batch
from posecheck.cli import EXIT_OK, main
from posecheck.errors import ErrorCode, InvalidImageError
from posecheck.samples import sample_paths

pytestmark = pytest.mark.slow


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "photos"
    folder.mkdir()
    for path in sample_paths()[:4]:
        shutil.copyfile(path, folder / path.name)
    (folder / "broken.jpg").write_bytes(b"\xff\xd8 not really a jpeg")
    return folder


def test_parallel_results_equal_serial_ones_in_the_same_order(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    items: list[str | InvalidImageError] = [str(p) for p in sorted(folder.iterdir())]
    settings = BatchSettings(model="full", view=None, annotate=None)
    serial = list(analyze_batch(items, settings, jobs=1))
    parallel = list(analyze_batch(items, settings, jobs=2))
    assert [i.result.name for i in parallel] == [i.result.name for i in serial] == items
    for one, other in zip(serial, parallel, strict=True):
        assert one.document == other.document  # the same numbers, landmark for landmark
        assert one.rows == other.rows
    broken = next(i for i in parallel if i.result.name.endswith("broken.jpg"))
    assert not broken.result.ok and broken.document["error"]["code"] == ErrorCode.UNSUPPORTED_FORMAT
    # nothing kept holds the pixels
    assert all(i.result.image is None or i.result.image.rgb.nbytes == 3 for i in parallel)


def test_the_cli_runs_jobs_and_annotates_from_the_workers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _folder(tmp_path)
    out = tmp_path / "annotated"
    status = main(["analyze", str(folder), "--jobs", "2", "--json", "--annotate", str(out)])
    stdout, stderr = capsys.readouterr()
    document = json.loads(stdout)
    names = [Path(r["image"]).name for r in document["results"]]
    assert names == sorted(p.name for p in folder.iterdir())
    assert status != EXIT_OK  # the broken file fails; the others are all there
    assert len(list(out.glob("*.pose.jpg"))) == 4
    assert "[5/5]" in stderr  # progress goes to stderr, the document alone to stdout


def test_jobs_must_be_positive(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["analyze", "x.jpg", "--jobs", "0"]) == 2


def test_pictures_of_the_same_photo_written_at_once_never_share_a_name(tmp_path: Path) -> None:
    # workers given the same photo twice used to both pick `<stem>.pose.jpg` (check, then write)
    from concurrent.futures import ThreadPoolExecutor
    from threading import Barrier

    from posecheck import Analyzer
    from posecheck.batch import write_annotation

    with Analyzer.open("full") as analyzer:
        result = analyzer.analyze_path(sample_paths()[0])
    writers = 6
    barrier = Barrier(writers)
    out = tmp_path / "out"

    def write(_: int) -> Path | None:
        barrier.wait()
        return write_annotation(result, out)

    with ThreadPoolExecutor(writers) as pool:
        written = list(pool.map(write, range(writers)))
    assert all(path is not None for path in written)
    assert len({p.name for p in out.iterdir()}) == writers


def test_a_name_too_long_for_a_file_name_still_gets_its_picture(tmp_path: Path) -> None:
    """Escaping odd bytes makes a name longer: 60 bytes that are not UTF-8 and 190 letters come
    back as a 430-byte stem, beyond the 255 bytes a file name may hold. The picture was lost."""
    from posecheck import Analyzer
    from posecheck.batch import MAX_STEM_BYTES, picture_stem, write_annotation
    from posecheck.names import printable_name

    raw = b"\xff" * 60 + b"a" * 190 + b".jpg"
    name = printable_name(raw.decode("utf-8", errors="surrogateescape"))
    assert len(Path(name).stem.encode()) > 255
    with Analyzer.open("full") as analyzer:
        result = analyzer.analyze_path(sample_paths()[0])
    from dataclasses import replace

    written = write_annotation(replace(result, name=name), tmp_path)
    assert written is not None and written.is_file()
    assert len(written.name.encode()) <= 255
    stem = picture_stem(name)
    other = picture_stem(name.replace("a.jpg", "b.jpg"))  # another name, the same start
    assert len(stem.encode()) <= MAX_STEM_BYTES and stem != other
    assert picture_stem("front.jpg") == "front"
