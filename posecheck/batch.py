"""A batch of photos on every core: each photo analysed in a worker process that loaded the model
once, results handed back in the order given, as they come, without their pixels.

What comes back per photo is small (the result without its working copy, its JSON entry, its CSV
rows and its text), so a batch of any length holds a few kilobytes per photo; the annotated
picture, which needs the pixels, is written by the worker. ``jobs=1`` runs in this process.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from posecheck.analysis import Analysis, AnalysisFailure, Analyzer, PhotoResult, without_pixels
from posecheck.errors import InvalidImageError, PosecheckError
from posecheck.images import encode_jpeg
from posecheck.names import printable_name
from posecheck.report import analysis_to_dict, csv_rows, summary_text
from posecheck.types import View


@dataclass(frozen=True)
class BatchItem:
    """One photo's outputs: the result without pixels, its JSON entry, CSV rows and text."""

    result: PhotoResult
    document: dict[str, Any]
    rows: list[dict[str, Any]]
    text: str
    #: the annotated picture as a small JPEG, when the settings ask for pictures (for the PDF)
    picture_jpeg: bytes | None = None


@dataclass(frozen=True)
class BatchSettings:
    model: str
    view: View | None
    annotate: Path | None
    #: also hand back each annotated picture as a small JPEG (the PDF report shows them)
    pictures: bool = False


#: The long side of the pictures handed back for a report.
PICTURE_SIDE = 900


def write_annotation(analysis: PhotoResult, folder: Path) -> Path | None:
    """The photo with the skeleton and measures drawn, as ``<stem>.pose.jpg`` in ``folder``."""
    if not isinstance(analysis, Analysis):
        return None
    return write_picture(annotated_jpeg(analysis), analysis.name, folder)


def annotated_jpeg(analysis: Analysis) -> bytes | None:
    """The photo with the skeleton and measures drawn, as JPEG bytes (None if encoding failed)."""
    from posecheck.draw import draw_analysis

    return encode_jpeg(draw_analysis(analysis), quality=90)


#: The longest stem a picture's file name keeps, in UTF-8 bytes: file systems allow 255 bytes a
#: name, and ``.pose-NNN.jpg`` must still fit after it.
MAX_STEM_BYTES = 200


def picture_stem(name: str) -> str:
    """The stem of a picture's file name: the photo's, or, when that is too long for a file
    name (a long name whose odd bytes were escaped grows), its start and a short hash of it."""
    stem = Path(name).stem  # printable: no bytes that are not UTF-8
    encoded = stem.encode("utf-8")
    if len(encoded) <= MAX_STEM_BYTES:
        return stem
    digest = hashlib.sha256(encoded).hexdigest()[:10]
    start = encoded[: MAX_STEM_BYTES - len(digest) - 1].decode("utf-8", errors="ignore")
    return f"{start}~{digest}"


def write_picture(jpeg: bytes | None, name: str, folder: Path) -> Path | None:
    """``jpeg`` as ``<stem of name>.pose.jpg`` in ``folder`` (``.pose-2.jpg``... if taken)."""
    stem = picture_stem(name)
    target = folder / f"{stem}.pose.jpg"
    try:
        if jpeg is None:
            raise OSError("the JPEG encoder failed")
        folder.mkdir(parents=True, exist_ok=True)
        counter = 2
        while True:
            # exclusive creation: parallel workers given the same photo twice never share a name
            try:
                with target.open("xb") as handle:
                    handle.write(jpeg)
                break
            except FileExistsError:
                target = folder / f"{stem}.pose-{counter}.jpg"
                counter += 1
    except OSError as error:
        print(f"posecheck: could not write {printable_name(target)}: {error}", file=sys.stderr)
        return None
    return target


def small_picture(analysis: Analysis, side: int = PICTURE_SIDE) -> bytes | None:
    """The annotated picture, at most ``side`` pixels on its long side, as JPEG bytes."""
    from posecheck.draw import draw_analysis

    return encode_jpeg(draw_analysis(analysis), side=side, quality=95)


def finished_item(result: PhotoResult, settings: BatchSettings) -> BatchItem:
    """A result's outputs (its picture written, when the settings ask), without its pixels."""
    if settings.annotate is not None:
        write_annotation(result, settings.annotate)
    picture = small_picture(result) if settings.pictures and isinstance(result, Analysis) else None
    return BatchItem(
        without_pixels(result),
        analysis_to_dict(result),
        csv_rows(result),
        summary_text(result),
        picture,
    )


def failed_item(item: str | InvalidImageError, model: str, error: PosecheckError) -> BatchItem:
    """The outputs of a photo that failed with ``error`` before it reached the model."""
    name = str(error.extra.get("name", "")) if isinstance(item, InvalidImageError) else item
    result = AnalysisFailure(name=printable_name(name), model=model, error=error)
    return BatchItem(result, analysis_to_dict(result), [], summary_text(result))


# --- one process --------------------------------------------------------------------------------


def _serial(
    items: Sequence[str | InvalidImageError], settings: BatchSettings
) -> Iterator[BatchItem]:
    try:
        analyzer = Analyzer.open(settings.model)
    except PosecheckError as error:
        for item in items:
            yield failed_item(
                item, settings.model, item if isinstance(item, InvalidImageError) else error
            )
        return
    with analyzer:
        for item in items:
            if isinstance(item, InvalidImageError):
                yield failed_item(item, settings.model, item)
            else:
                yield finished_item(analyzer.analyze_path(item, settings.view), settings)


# --- worker processes ---------------------------------------------------------------------------

#: A worker process's own analyzer and settings, set once by the pool's initializer: state of
#: that worker process alone (multiprocessing hands a worker nothing else between tasks).
_WORKER: dict[str, Any] = {}


def _start_worker(settings: BatchSettings) -> None:
    try:
        _WORKER["analyzer"] = Analyzer.open(settings.model)
    except PosecheckError as error:
        _WORKER["error"] = error
    _WORKER["settings"] = settings


def _work(item: str | InvalidImageError) -> BatchItem:
    settings: BatchSettings = _WORKER["settings"]
    if isinstance(item, InvalidImageError):
        return failed_item(item, settings.model, item)
    if "error" in _WORKER:
        return failed_item(item, settings.model, _WORKER["error"])
    analyzer: Analyzer = _WORKER["analyzer"]
    return finished_item(analyzer.analyze_path(item, settings.view), settings)


def analyze_batch(
    items: Sequence[str | InvalidImageError], settings: BatchSettings, *, jobs: int = 1
) -> Iterator[BatchItem]:
    """Each photo's outputs, in the order given, as soon as it and those before it are done."""
    if jobs <= 1 or len(items) <= 1:
        yield from _serial(items, settings)
        return
    # spawn: a fresh interpreter per worker, never a fork of a process holding a model or threads
    context = multiprocessing.get_context("spawn")
    with context.Pool(
        processes=min(jobs, len(items)), initializer=_start_worker, initargs=(settings,)
    ) as pool:
        yield from pool.imap(_work, items, chunksize=1)
