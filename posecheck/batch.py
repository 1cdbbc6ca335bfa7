"""A batch of photos and video clips on every core: each photo analysed in a worker process that
loaded the model once (at its first photo), each clip run through the live pipeline as one task
with its own VIDEO-mode estimator, results handed back in the order given, as they come, without
their pixels.

What comes back per photo is small (the result without its working copy, its JSON entry, its CSV
rows and its text), so a batch of any length holds a few kilobytes per photo; the annotated
picture, which needs the pixels, is written by the worker. A clip is decoded one frame at a time
and comes back as its summary (``posecheck video --json``'s) and a line of text; while it runs it
says how far it got (``on_frames``), from a worker process through a manager process's queue.
``jobs=1`` runs in this process. A worker process that dies (a crash in native code, out of
memory) breaks its pool: the items it was given run again, each alone in a process of its own,
one that kills that too fails with ``worker_crashed``, and the rest go on in a new pool.
"""

from __future__ import annotations

import collections
import contextlib
import hashlib
import multiprocessing
import queue
import sys
import tempfile
import time
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from posecheck.analysis import Analysis, AnalysisFailure, Analyzer, PhotoResult, without_pixels
from posecheck.bands import UInt8Array
from posecheck.errors import ErrorCode, InvalidImageError, PosecheckError
from posecheck.images import encode_jpeg
from posecheck.live.records import why_no_stance_in
from posecheck.names import printable_name
from posecheck.report import analysis_to_dict, csv_rows, summary_text
from posecheck.types import Side, View

if TYPE_CHECKING:
    from posecheck.live.session import SessionSummary
    from posecheck.video import VideoInfo, VideoReader


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
class Clip:
    """A video file in a batch, by its path: run through the live pipeline as one task."""

    path: str


@dataclass(frozen=True)
class ClipItem:
    """One clip's outputs: its JSON entry (``name``, ``ok``, ``error`` and, when it ran, the
    summary ``posecheck video --json`` gives) and one line of text."""

    name: str
    document: dict[str, Any]
    text: str

    @property
    def ok(self) -> bool:
        return bool(self.document["ok"])


#: What a batch is given: a photo's path, a folder's error, or a clip.
BatchInput = str | InvalidImageError | Clip
#: What a batch hands back for each input, in the order given.
BatchOutput = BatchItem | ClipItem


@dataclass(frozen=True)
class BatchSettings:
    model: str
    view: View | None
    annotate: Path | None
    #: also hand back each annotated picture as a small JPEG (the PDF report shows them)
    pictures: bool = False
    #: the exercise the clips are coached for (None: the stance check alone)
    exercise: str | None = None
    #: the side a per-side exercise starts on, in the clips
    side: Side = Side.RIGHT
    #: photos looked at both ways, the photo and its mirror image (``Analyzer(both_ways=True)``)
    both_ways: bool = False
    #: at most this many frames a second of each clip analysed (None: every frame)
    max_fps: float | None = None


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


# --- clips ----------------------------------------------------------------------------------------


#: A clip's progress as it runs: its name, the frames done, and the frames in all (0: unknown).
FrameProgress = Callable[[str, int, int], None]
#: How often a running clip reports its progress, at most (seconds).
FRAME_PROGRESS_EVERY_S = 1.0


def analyze_clip(
    path: str,
    settings: BatchSettings,
    *,
    name: str | None = None,
    on_frames: FrameProgress | None = None,
) -> ClipItem:
    """The clip at ``path`` through a fresh live session (its own VIDEO-mode estimator, whose
    timestamps start again with this clip), decoded one frame at a time; ``name`` (default: the
    path) is what its outputs and messages call it. ``on_frames`` hears that it started, then
    how far it got, at most every :data:`FRAME_PROGRESS_EVERY_S`."""
    from posecheck.video import nobody_in_clip

    shown = printable_name(name if name is not None else path)
    try:
        with open_clip(path, shown) as reader:
            frames: Iterable[tuple[float, UInt8Array]] = reader.thin(settings.max_fps)
            if on_frames is not None:
                total = reader.info.frame_count  # the file's frames, the thinned ones too
                frames = _reporting(
                    frames, total, shown, on_frames, read=lambda: reader.frames_read
                )
            summary = clip_summary(frames, settings.model, settings.exercise, settings.side)
    except PosecheckError as error:
        return failed_clip(shown, error)
    if summary.frames_with_person == 0:
        return failed_clip(shown, nobody_in_clip(shown, summary.frames))
    document = clip_document(summary, reader.info, settings.model, settings.max_fps)
    return ClipItem(shown, _clip_entry(shown, document), clip_line(shown, document))


@contextlib.contextmanager
def open_clip(path: str, name: str) -> Iterator[VideoReader]:
    """``open_video(path)``, its info and its errors naming the clip ``name``. A path that is not
    valid UTF-8 (OpenCV's FFmpeg crashes the process on such a name) is opened through a
    symbolic link with a plain name."""
    from posecheck.video import open_video

    with _plain_path(path) as readable:
        try:
            reader = open_video(readable)
        except PosecheckError as error:
            raise _renamed(error, readable, name) from error
        with reader:
            reader.info = replace(reader.info, name=name)
            yield reader


@contextlib.contextmanager
def _plain_path(path: str) -> Iterator[str]:
    """``path``, or, when it is not valid UTF-8, a symbolic link to it with a plain name."""
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        pass
    else:
        yield path
        return
    suffix = "".join(c for c in Path(path).suffix if c.isascii() and (c.isalnum() or c == "."))
    with tempfile.TemporaryDirectory(prefix="posecheck-") as folder:
        link = Path(folder) / f"clip{suffix}"
        link.symlink_to(Path(path).absolute())
        yield str(link)


def _reporting(
    frames: Iterable[tuple[float, UInt8Array]],
    total: int,
    name: str,
    on_frames: FrameProgress,
    clock: Callable[[], float] = time.monotonic,
    *,
    read: Callable[[], int] | None = None,
) -> Iterator[tuple[float, UInt8Array]]:
    """``frames``, telling ``on_frames`` when the first has passed (the clip has started), then
    how many have at most every :data:`FRAME_PROGRESS_EVERY_S` (not at the end: the clip's
    result says that): as many as ``read`` says were read from the file (the thinned frames
    too), or those passed on."""
    shown = clock()
    for passed, frame in enumerate(frames, start=1):
        yield frame
        now = clock()
        if passed == 1 or now - shown >= FRAME_PROGRESS_EVERY_S:
            shown = now
            on_frames(name, passed if read is None else read(), max(total, 0))


def clip_summary(
    frames: Iterable[tuple[float, UInt8Array]], model: str, exercise: str | None, side: Side
) -> SessionSummary:
    """The summary of a live session given every frame of ``frames``, one at a time."""
    from posecheck.live import session as live

    estimator = live.video_estimator(model)  # looked up now: tests replay poses instead
    counter = live.people_counter(model)
    with live.LiveSession(
        estimator, exercise=exercise, first_side=side, people_counter=counter
    ) as session:
        for t_ms, rgb in frames:
            session.process(rgb, t_ms)
        return session.summary()


def clip_document(
    summary: SessionSummary, info: VideoInfo, model: str, max_fps: float | None = None
) -> dict[str, Any]:
    """A clip's summary as ``posecheck video --json`` gives it (without its outputs);
    ``max_fps``: the most frames a second that were analysed (None: every frame)."""
    from posecheck.live.records import summary_to_dict

    video = {
        "file": printable_name(info.name),
        "width": info.width,
        "height": info.height,
        "fps": round(info.fps, 3),
        "frame_count": info.frame_count,
        "duration_s": round(info.duration_ms / 1000.0, 2),
        "working_size": list(info.working_size),
        "max_fps": max_fps,
    }
    return {**summary_to_dict(summary), "video": video, "model": model}


def _clip_entry(name: str, document: dict[str, Any]) -> dict[str, Any]:
    return {"name": printable_name(name), "ok": True, "error": None, **document}


def failed_clip(name: str, error: PosecheckError) -> ClipItem:
    """The outputs of a clip that could not be run: its error's code and message."""
    shown = printable_name(name)
    message = error.message.replace(name, shown)  # messages name files as outputs show them
    document = {"name": shown, "ok": False,
                "error": {"code": error.code.value, "message": message}}  # fmt: skip
    return ClipItem(shown, document, f"{shown}: could not analyse ({error.code}): {message}")


def clip_line(name: str, document: dict[str, Any]) -> str:
    """One line about a clip that ran: frames, the exercise's count or time, the stance."""
    parts = [f"{document['frames']} frames ({document['duration_s']:.1f} s), a person in "
             f"{document['frames_with_person']}"]  # fmt: skip
    if document.get("frames_with_others"):
        parts.append(f"someone else in view in {document['frames_with_others']}")
    exercise = document["exercise"]
    if exercise is not None:
        sides = ", ".join(_side_amount(side) for side in exercise["sides"])
        parts.append(f"{exercise['name']}: {sides}")
    stance = document["stance"]
    if stance is not None:
        parts.append(f"stance {stance['view']} view over {stance['duration_s']:.1f} s")
    elif exercise is None:
        parts.append(f"stance: {why_no_stance_in(document)}")
    return f"{printable_name(name)}: video, " + "; ".join(parts)


def _side_amount(side: dict[str, Any]) -> str:
    who = f"{side['side']} " if side["side"] else ""
    if side["target_count"] is not None:
        return f"{who}{side['count']} of {side['target_count']}"
    target = "" if side["target_s"] is None else f" of {side['target_s']:.0f} s"
    if side["circles"]:
        circles = ", ".join(
            f"{count} {way} ({side['circle_s'].get(way, 0):.0f} s)"
            for way, count in side["circles"].items()
        )
        return f"{who}circles {circles}{target} each direction"
    return f"{who}{side['time_s']:.0f} s{target}"


def _renamed(error: PosecheckError, path: str, name: str) -> PosecheckError:
    """``error`` about the file at ``path`` (a copy), said about ``name`` instead."""
    if path == name:
        return error
    extra = {**error.extra, "name": name}
    return type(error)(error.message.replace(path, name), code=error.code, extra=extra)


# --- one process --------------------------------------------------------------------------------


class _Photos:
    """The photos' analyzer, opened at the first photo (a batch of clips never loads it); when
    it cannot be opened, every photo fails with that error."""

    def __init__(self, model: str, both_ways: bool = False) -> None:
        self.model = model
        self.both_ways = both_ways
        self._analyzer: Analyzer | None = None
        self._error: PosecheckError | None = None

    def analyze(self, item: str, settings: BatchSettings) -> BatchItem:
        if self._analyzer is None and self._error is None:
            try:
                self._analyzer = Analyzer.open(self.model, both_ways=self.both_ways)
            except PosecheckError as error:
                self._error = error
        if self._analyzer is None:
            assert self._error is not None
            return failed_item(item, self.model, self._error)
        return finished_item(self._analyzer.analyze_path(item, settings.view), settings)

    def close(self) -> None:
        if self._analyzer is not None:
            self._analyzer.close()


def _one(
    item: BatchInput,
    photos: _Photos,
    settings: BatchSettings,
    on_frames: FrameProgress | None = None,
) -> BatchOutput:
    if isinstance(item, InvalidImageError):
        return failed_item(item, settings.model, item)
    if isinstance(item, Clip):
        return analyze_clip(item.path, settings, on_frames=on_frames)
    return photos.analyze(item, settings)


def _serial(
    items: Sequence[BatchInput], settings: BatchSettings, on_frames: FrameProgress | None
) -> Iterator[BatchOutput]:
    photos = _Photos(settings.model, settings.both_ways)
    try:
        for item in items:
            yield _one(item, photos, settings, on_frames)
    finally:
        photos.close()


# --- worker processes ---------------------------------------------------------------------------

#: A worker process's own analyzer and settings, set once by the pool's initializer: state of
#: that worker process alone (the pool hands a worker nothing else between tasks).
_WORKER: dict[str, Any] = {}


def _start_worker(settings: BatchSettings) -> None:
    _WORKER["photos"] = _Photos(settings.model, settings.both_ways)
    _WORKER["settings"] = settings


def _work(item: BatchInput) -> BatchOutput:
    frames = _WORKER.get("frames")
    on_frames = None if frames is None else _Sender(frames)
    return _one(item, _WORKER["photos"], _WORKER["settings"], on_frames)


def _start_reporting(
    start: Callable[[BatchSettings], None], settings: BatchSettings, frames: Any
) -> None:
    """A worker's start: ``start(settings)``, and where its clips send their progress (a
    queue of the batch's manager process, or None)."""
    _WORKER["frames"] = frames
    start(settings)


@dataclass(frozen=True)
class _Sender:
    """A clip's progress, sent to the batch's process through the manager's queue."""

    queue: Any

    def __call__(self, name: str, done: int, total: int) -> None:
        with contextlib.suppress(OSError, EOFError):  # progress is not worth failing a clip for
            self.queue.put_nowait((name, done, total))


def _ready() -> bool:
    """A task that does nothing: it finishes once a worker process has started."""
    return True


@dataclass(frozen=True)
class WorkerTasks:
    """What each worker process runs: ``start(settings)`` once, then ``work(item)`` per item.
    Module-level functions, which a spawned process finds by name (tests give their own)."""

    start: Callable[[BatchSettings], None] = _start_worker
    work: Callable[[BatchInput], BatchOutput] = _work


#: Results held ahead of the first not yet handed back, at most, per worker process.
RESULTS_AHEAD = 4
#: Pools that may break in a row with no item finished in between; then the rest fail unstarted.
MAX_BROKEN_POOLS = 3


def analyze_batch(
    items: Sequence[BatchInput],
    settings: BatchSettings,
    *,
    jobs: int = 1,
    tasks: WorkerTasks | None = None,
    on_frames: FrameProgress | None = None,
) -> Iterator[BatchOutput]:
    """Each photo's and clip's outputs, in the order given, as soon as it and those before it are
    done (photos as :class:`BatchItem`, clips as :class:`ClipItem`). An item whose worker
    process dies (a crash in native code, out of memory) is run again alone: if it kills that
    process too, it fails with ``worker_crashed``; the rest go on in a new pool.
    ``on_frames`` hears, in this process, how far each running clip has got."""
    if jobs <= 1 or len(items) <= 1:
        yield from _serial(items, settings, on_frames)
        return
    jobs = min(jobs, len(items))
    clips = on_frames is not None and any(isinstance(item, Clip) for item in items)
    with _frame_channel(clips) as frames:
        channel = None if frames is None or on_frames is None else (frames, on_frames)
        yield from _in_processes(items, settings, jobs, tasks or WorkerTasks(), channel)


#: Where the workers' clips send their progress, and who in this process hears it.
_Channel = tuple[Any, FrameProgress]
#: How often the batch's process looks for clips' progress while it waits for results (seconds).
FRAME_POLL_S = 0.5


@contextlib.contextmanager
def _frame_channel(wanted: bool) -> Iterator[Any]:
    """A queue the worker processes can send clips' progress to, or None when not ``wanted``.

    It lives in a manager process, not in a pipe the workers share: a worker that dies while
    sending (a crash, out of memory) cannot leave a lock held that stops the others."""
    if not wanted:
        yield None
        return
    manager = multiprocessing.get_context("spawn").Manager()
    try:
        yield manager.Queue()
    finally:
        manager.shutdown()


def _hear(channel: _Channel | None) -> None:
    """Hands every progress report waiting in ``channel`` to its listener."""
    if channel is None:
        return
    frames, on_frames = channel
    while True:
        try:
            name, done, total = frames.get_nowait()
        except (queue.Empty, OSError, EOFError):  # none now, or the manager is gone
            return
        on_frames(name, done, total)


@dataclass
class _Progress:
    """Where a batch in worker processes stands: the items not yet given to a pool (in order),
    the results not yet handed back, and how many were."""

    items: Sequence[BatchInput]
    waiting: collections.deque[int]
    results: dict[int, BatchOutput]
    handed: int = 0

    def ready(self) -> Iterator[BatchOutput]:
        """The results from the first not yet handed back on, as far as they run unbroken."""
        while self.handed in self.results:
            yield self.results.pop(self.handed)
            self.handed += 1

    def room(self, running: int, jobs: int) -> bool:
        """Whether a pool of ``jobs`` workers with ``running`` items may be given another: one
        a worker, and no more results held ahead than :data:`RESULTS_AHEAD` a worker."""
        ahead = running + len(self.results)
        return running == 0 or (running < jobs and ahead < RESULTS_AHEAD * jobs)

    def finished(self) -> int:
        return self.handed + len(self.results)

    def fail_the_rest(self, settings: BatchSettings, why: str) -> None:
        for index in range(self.handed, len(self.items)):
            if index not in self.results:
                self.results[index] = _crashed(self.items[index], settings, why)
        self.waiting.clear()


def _in_processes(
    items: Sequence[BatchInput],
    settings: BatchSettings,
    jobs: int,
    tasks: WorkerTasks,
    channel: _Channel | None = None,
) -> Iterator[BatchOutput]:
    """The batch on ``jobs`` worker processes, a new pool each time one breaks."""
    progress = _Progress(items, collections.deque(range(len(items))), {})
    broken_in_a_row = 0
    while progress.waiting:
        with _pool(jobs, settings, tasks, None if channel is None else channel[0]) as pool:
            before = progress.finished()
            suspects = yield from _through_pool(pool, progress, tasks, jobs, channel)
            finished_in_pool = progress.finished() > before
        if suspects and not _run_alone(suspects, progress, settings, tasks, jobs):
            progress.fail_the_rest(settings, "worker processes could not start")
        elif finished_in_pool or any(not _is_crash(progress.results[i]) for i in suspects):
            broken_in_a_row = 0
        else:
            broken_in_a_row += 1
            if broken_in_a_row >= MAX_BROKEN_POOLS:
                progress.fail_the_rest(settings, "worker processes kept dying")
        yield from progress.ready()


@contextlib.contextmanager
def _pool(
    jobs: int, settings: BatchSettings, tasks: WorkerTasks, frames: Any = None
) -> Iterator[ProcessPoolExecutor]:
    # spawn: a fresh interpreter per worker, never a fork of a process holding a model or threads
    spawn = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(
        jobs,
        mp_context=spawn,
        initializer=_start_reporting,
        initargs=(tasks.start, settings, frames),
    )
    try:
        yield pool
    except BaseException:
        # the batch stops early (its reader stopped, Ctrl-C): the items running are not waited for
        _stop_workers(pool)
        raise
    finally:
        pool.shutdown(cancel_futures=True)


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    """Ends ``pool``'s worker processes now (the executor has no public way to)."""
    processes = getattr(pool, "_processes", None) or {}
    for process in list(processes.values()):
        with contextlib.suppress(Exception):
            process.terminate()


def _through_pool(
    pool: ProcessPoolExecutor,
    progress: _Progress,
    tasks: WorkerTasks,
    jobs: int,
    channel: _Channel | None = None,
) -> Generator[BatchOutput, None, list[int]]:
    """The waiting items through ``pool``, one a worker at a time, their results handed back in
    order, until none wait or the pool breaks; returns the items in flight when it broke."""
    running: dict[Future[BatchOutput], int] = {}
    while progress.waiting or running:
        try:
            while progress.waiting and progress.room(len(running), jobs):
                future = pool.submit(tasks.work, progress.items[progress.waiting[0]])
                running[future] = progress.waiting.popleft()
        except BrokenProcessPool:  # it broke since the last look: those in flight tell how
            return sorted(_collect(set(running), running, progress))
        timeout = None if channel is None else FRAME_POLL_S
        done, _ = wait(running, timeout=timeout, return_when=FIRST_COMPLETED)
        _hear(channel)
        if not done:
            continue
        suspects = _collect(done, running, progress)
        if suspects:
            # the others in flight broke with it, or finished just before it broke
            return sorted(suspects + _collect(set(running), running, progress))
        yield from progress.ready()
    return []


def _collect(
    done: set[Future[BatchOutput]], running: dict[Future[BatchOutput], int], progress: _Progress
) -> list[int]:
    """The results of ``done`` (waiting for each) kept; returns the items whose pool broke."""
    broken = []
    for future in done:
        index = running.pop(future)
        try:
            progress.results[index] = future.result()
        except BrokenProcessPool:
            broken.append(index)
    return broken


def _run_alone(
    suspects: list[int],
    progress: _Progress,
    settings: BatchSettings,
    tasks: WorkerTasks,
    jobs: int,
) -> bool:
    """Each suspect alone in a new worker process (``jobs`` of them at a time): its result, or,
    when it kills that process too, its ``worker_crashed`` error. False when a process could
    not even start (then suspects are left without results)."""
    for first in range(0, len(suspects), jobs):
        group = suspects[first : first + jobs]
        with contextlib.ExitStack() as stack:
            pools = {index: stack.enter_context(_pool(1, settings, tasks)) for index in group}
            runs = {i: _submit_alone(pool, progress.items[i], tasks) for i, pool in pools.items()}
            for index, (probe, future) in runs.items():
                if future is None or not _started(probe):
                    return False
                try:
                    progress.results[index] = future.result()
                except BrokenProcessPool:
                    progress.results[index] = _crashed(progress.items[index], settings, "")
    return True


def _submit_alone(
    pool: ProcessPoolExecutor, item: BatchInput, tasks: WorkerTasks
) -> tuple[Future[bool], Future[BatchOutput] | None]:
    """A task that does nothing, whose result says whether the process started, then ``item``
    (None: the pool broke before it was given)."""
    probe = pool.submit(_ready)
    try:
        return probe, pool.submit(tasks.work, item)
    except BrokenProcessPool:
        return probe, None


def _started(probe: Future[bool]) -> bool:
    try:
        return probe.result()
    except BrokenProcessPool:
        return False


def _crashed(item: BatchInput, settings: BatchSettings, why: str) -> BatchOutput:
    """The outputs of an item whose worker process died (``why`` empty), or that was never
    analysed because worker processes ``why``."""
    if isinstance(item, InvalidImageError):
        return failed_item(item, settings.model, item)
    path = item.path if isinstance(item, Clip) else item
    error = worker_crashed(path, why)
    return (
        failed_clip(path, error)
        if isinstance(item, Clip)
        else failed_item(path, settings.model, error)
    )


def worker_crashed(name: str, why: str = "") -> PosecheckError:
    """The error of an item whose worker process died even when it ran alone (``why`` empty), or
    that was never analysed because worker processes ``why`` (could not start, kept dying)."""
    shown = printable_name(name)
    if why:
        message = (
            f'"{shown}" was not analysed: {why}. Try again with fewer files or `--jobs 1`, or '
            f'the file alone with `posecheck analyze "{shown}"`.'
        )
    else:
        message = (
            f'The process analysing "{shown}" died (a crash in native code, or out of memory), '
            "also when it ran alone; the rest of the batch went on. Try the file alone with "
            f'`posecheck analyze "{shown}"`, and if that fails too, report the file.'
        )
    return PosecheckError(message, code=ErrorCode.WORKER_CRASHED, extra={"name": name})


def _is_crash(output: BatchOutput) -> bool:
    error = output.document["error"]
    return error is not None and error["code"] == ErrorCode.WORKER_CRASHED
