"""A batch of photos and clips on a Dask cluster (the ``cluster`` extra): the same outputs as
``analyze_batch``, in the order given, for folders one machine cannot get through.

Each photo or clip is read here and its bytes are sent to a worker (no shared file system needed;
with ``send_paths=True`` workers open the paths themselves, which needs the same paths on every
machine). A clip travels as bytes only up to :data:`MAX_CLIP_BYTES`; a larger one is that clip's
error, asking for ``--shared-folder``. At most ``in_flight`` items are out at once, and at most
:data:`CLIP_BYTES_IN_FLIGHT` of clips' bytes (always at least one clip), so memory stays bounded
here, on the scheduler and on the workers whatever the batch's length. A worker runs each clip
through a live session of its own (a fresh VIDEO-mode estimator per clip, from a temporary copy
of the bytes it was sent, deleted afterwards). A worker process opens one analyzer per
thread the first time it is given a photo and reuses it for every later one. Tasks on a worker that
dies are run again elsewhere (Dask reschedules them); a task that raises is retried ``retries``
times and then, like a photo that kills worker after worker, reported as that photo's failure.
Annotated pictures are drawn by the workers and written here. Dask is imported only when a batch
is run, so posecheck works without the extra.
"""

from __future__ import annotations

import os
import socket
import stat
import tempfile
import threading
import uuid
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from posecheck.analysis import Analysis, Analyzer
from posecheck.batch import (
    BatchInput,
    BatchItem,
    BatchOutput,
    BatchSettings,
    Clip,
    ClipItem,
    analyze_clip,
    annotated_jpeg,
    failed_clip,
    failed_item,
    finished_item,
    write_picture,
)
from posecheck.errors import ErrorCode, InvalidImageError, PosecheckError, VideoError
from posecheck.images import ImageLimits, load_image
from posecheck.names import printable_name
from posecheck.video import open_video

#: How long to wait for the scheduler to answer, seconds.
CONNECT_TIMEOUT_S = 20.0

INSTALL_HINT = "The cluster needs Dask: pip install 'posecheck[cluster]'."

#: The largest clip sent to a worker as bytes; a larger one needs ``--shared-folder``.
MAX_CLIP_BYTES = 256 * 1024**2
#: The most clip bytes out at once (read here, held by the scheduler until the task is done).
CLIP_BYTES_IN_FLIGHT = 2 * MAX_CLIP_BYTES


@dataclass(frozen=True)
class _Photo:
    """What a worker is sent: the photo's bytes, or its path on a shared file system."""

    item: str
    data: bytes | None


@dataclass(frozen=True)
class _Clip:
    """What a worker is sent for a clip: its bytes, or its path on a shared file system."""

    item: str
    data: bytes | None


# --- on the workers -----------------------------------------------------------------------------


class _Analyzers:
    """A worker process's analyzers, one per model and thread at work, opened once and reused."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._free: dict[tuple[str, bool], list[Analyzer]] = {}
        self.opened = 0

    def take(self, model: str, both_ways: bool = False) -> Analyzer:
        with self._lock:
            free = self._free.setdefault((model, both_ways), [])
            if free:
                return free.pop()
        # outside the lock: another thread may load meanwhile
        analyzer = Analyzer.open(model, both_ways=both_ways)
        with self._lock:
            self.opened += 1
        return analyzer

    def give_back(self, analyzer: Analyzer) -> None:
        with self._lock:
            self._free.setdefault((analyzer.model, analyzer.both_ways), []).append(analyzer)

    def close(self) -> None:
        """Close the analyzers not at work (the next photo opens one again)."""
        with self._lock:
            free, self._free = self._free, {}
        for analyzers in free.values():
            for analyzer in analyzers:
                analyzer.close()


#: The analyzers of the worker process this module is imported in (empty until a photo comes:
#: nothing is loaded on import, and the client's own copy stays empty).
_WORKER_ANALYZERS = _Analyzers()


def _analyze_on_worker(photo: _Photo, settings: BatchSettings) -> tuple[BatchItem, bytes | None]:
    """One photo's outputs and, when the settings ask, its annotated picture (written by the
    client: the worker's file system may not be the client's)."""
    try:
        analyzer = _WORKER_ANALYZERS.take(settings.model, settings.both_ways)
    except PosecheckError as error:
        return failed_item(photo.item, settings.model, error), None
    try:
        if photo.data is None:
            result = analyzer.analyze_path(photo.item, settings.view)
        else:
            result = analyzer.analyze_bytes(photo.data, photo.item, settings.view)
    finally:
        _WORKER_ANALYZERS.give_back(analyzer)
    annotated = None
    if settings.annotate is not None and isinstance(result, Analysis):
        annotated = annotated_jpeg(result)
    return finished_item(result, replace(settings, annotate=None)), annotated


def _clip_on_worker(clip: _Clip, settings: BatchSettings) -> tuple[ClipItem, None]:
    """One clip's outputs, from its path or from a temporary copy of the bytes sent (decoders
    read files), named as the client named it."""
    if clip.data is None:
        return analyze_clip(clip.item, settings), None
    handle, copy = tempfile.mkstemp(prefix="posecheck-", suffix=Path(clip.item).suffix[:16])
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(clip.data)
        return analyze_clip(copy, settings, name=clip.item), None
    finally:
        Path(copy).unlink(missing_ok=True)


def analyzers_opened() -> int:
    """How many analyzers this process has opened for the cluster (``client.run`` asks workers)."""
    return _WORKER_ANALYZERS.opened


def close_analyzers() -> None:
    """Free this worker's models (``client.run(close_analyzers)``; the next photo loads one)."""
    _WORKER_ANALYZERS.close()


# --- on the client ------------------------------------------------------------------------------


def read_photo(item: str) -> bytes | InvalidImageError:
    """The file's bytes, or the error the local path would report for it (missing, a folder,
    unreadable, too large)."""
    path = Path(item)
    limit = ImageLimits().max_file_bytes
    try:
        info = path.stat()
        if stat.S_ISREG(info.st_mode) and info.st_size <= limit:
            with path.open("rb") as file:
                return file.read(limit + 1)  # one byte more: decoding reports a grown file
    except OSError:
        pass
    try:  # the local path's own checks name what is wrong, before any decoding
        load_image(path)
    except InvalidImageError as error:
        return error
    return path.read_bytes()  # it became readable meanwhile


def read_clip(item: str) -> bytes | PosecheckError:
    """The clip's bytes, or the error the local path would report for it (missing, a folder,
    empty, unreadable), or, past :data:`MAX_CLIP_BYTES`, the error that asks for
    ``--shared-folder``."""
    path = Path(item)
    try:
        info = path.stat()
        if stat.S_ISREG(info.st_mode) and 0 < info.st_size <= MAX_CLIP_BYTES:
            with path.open("rb") as file:
                data = file.read(MAX_CLIP_BYTES + 1)
            return data if len(data) <= MAX_CLIP_BYTES else _too_large_to_send(item, len(data))
        if stat.S_ISREG(info.st_mode) and info.st_size > MAX_CLIP_BYTES:
            return _too_large_to_send(item, info.st_size)
    except OSError:
        pass
    try:  # the local path's own checks name what is wrong, before any decoding
        open_video(path).close()
    except VideoError as error:
        return error
    return path.read_bytes()  # it became readable meanwhile


def _too_large_to_send(item: str, size: int) -> PosecheckError:
    return VideoError(
        f'"{printable_name(item)}" is {size / 1024**2:.0f} MB; the cluster is sent clips of at '
        f"most {MAX_CLIP_BYTES // 1024**2} MB from here. Put the clips in a folder every "
        "machine sees at the same path and run again with --shared-folder.",
        code=ErrorCode.VIDEO_TOO_LARGE,
        extra={"name": item, "bytes": size, "max_sent_bytes": MAX_CLIP_BYTES},
    )


def _clip_bytes(item: BatchInput, send_paths: bool) -> int:
    """The bytes a clip will send (0 for a photo, a path, or a clip that will not be sent)."""
    if not isinstance(item, Clip) or send_paths:
        return 0
    try:
        size = Path(item.path).stat().st_size
    except OSError:
        return 0
    return size if size <= MAX_CLIP_BYTES else 0


def _distributed() -> Any:
    try:
        import distributed
    except ImportError as error:
        raise PosecheckError(INSTALL_HINT) from error
    return distributed


def analyze_on_cluster(
    items: Sequence[BatchInput],
    settings: BatchSettings,
    address: str,
    *,
    in_flight: int | None = None,
    send_paths: bool = False,
    retries: int = 2,
) -> Iterator[BatchOutput]:
    """Each photo's and clip's outputs, in the order given, as soon as it and those before it
    are done, from the Dask scheduler at ``address`` (``tcp://host:8786``).

    ``in_flight`` bounds the items out at once (default: twice the cluster's threads, at least
    4). Raises PosecheckError at once (not when iterated) if Dask is not installed or the
    scheduler cannot be reached.
    """
    distributed = _distributed()
    _check_reachable(address, distributed)
    client = distributed.Client(
        address, timeout=CONNECT_TIMEOUT_S, set_as_default=False, name="posecheck"
    )
    if not client.nthreads():
        try:
            client.wait_for_workers(1, timeout=CONNECT_TIMEOUT_S)
        except TimeoutError as error:
            client.close()
            raise PosecheckError(
                f"The Dask scheduler at {address} has no workers. Start some with "
                f"`dask worker {address}` on each machine, then try again."
            ) from error
    return _run(client, items, settings, in_flight, send_paths, retries)


def _check_reachable(address: str, distributed: Any) -> None:
    """Raise PosecheckError unless something listens at ``address`` (a failed ``Client`` leaves
    a traceback behind when it is collected, so it is never made for a scheduler not there)."""
    try:
        host, port = distributed.comm.parse_host_port(distributed.comm.parse_address(address)[1])
        socket.create_connection((host, port), timeout=CONNECT_TIMEOUT_S).close()
    except (OSError, ValueError) as error:
        raise PosecheckError(
            f"Cannot reach the Dask scheduler at {address}: {error}. Start one with "
            "`dask scheduler` and workers with `dask worker tcp://SCHEDULER:8786`, then give "
            "its address, e.g. tcp://192.168.1.10:8786."
        ) from error


def _run(
    client: Any,
    items: Sequence[BatchInput],
    settings: BatchSettings,
    in_flight: int | None,
    send_paths: bool,
    retries: int,
) -> Iterator[BatchOutput]:
    """The batch through ``client``, which it closes at the end."""
    with client:
        window = in_flight or max(4, 2 * sum(client.nthreads().values()))
        yield from _window(client, items, settings, window, send_paths, retries)


def _window(
    client: Any,
    items: Sequence[BatchInput],
    settings: BatchSettings,
    window: int,
    send_paths: bool,
    retries: int,
) -> Iterator[BatchOutput]:
    """Items ``head`` to ``head + window`` out at once, and clips' bytes up to
    :data:`CLIP_BYTES_IN_FLIGHT` (the head always goes); results handed on in order."""
    batch = uuid.uuid4().hex[:8]
    out: dict[int, Any] = {}  # index -> a future, or the item when no worker is needed
    sent: dict[int, int] = {}  # index -> the clip bytes it holds out
    submitted = 0
    try:
        for head in range(len(items)):
            while submitted < len(items) and submitted < head + window:
                size = _clip_bytes(items[submitted], send_paths)
                if submitted > head and sum(sent.values()) + size > CLIP_BYTES_IN_FLIGHT:
                    break  # the clips out first: their bytes are freed as they come back
                out[submitted] = _submit(
                    client, items[submitted], settings, send_paths, retries, f"{batch}-{submitted}"
                )
                sent[submitted] = size
                submitted += 1
            sent.pop(head)
            yield _collect(out.pop(head), items[head], settings)
    finally:
        futures = [f for f in out.values() if not isinstance(f, BatchItem | ClipItem)]
        if futures:  # the caller stopped early: free the cluster
            client.cancel(futures)


def _submit(
    client: Any,
    item: BatchInput,
    settings: BatchSettings,
    send_paths: bool,
    retries: int,
    key: str,
) -> Any:
    if isinstance(item, InvalidImageError):
        return failed_item(item, settings.model, item)
    if isinstance(item, Clip):
        return _submit_clip(client, item, settings, send_paths, retries, key)
    data = None if send_paths else read_photo(item)
    if isinstance(data, InvalidImageError):
        return failed_item(item, settings.model, data)
    return _send(client, _analyze_on_worker, _Photo(item, data), settings, retries, f"photo-{key}")


def _submit_clip(
    client: Any, clip: Clip, settings: BatchSettings, send_paths: bool, retries: int, key: str
) -> Any:
    data = None if send_paths else read_clip(clip.path)
    if isinstance(data, PosecheckError):
        return failed_clip(clip.path, data)
    return _send(client, _clip_on_worker, _Clip(clip.path, data), settings, retries, f"video-{key}")


def _send(
    client: Any,
    function: Callable[..., Any],
    task: _Photo | _Clip,
    settings: BatchSettings,
    retries: int,
    key: str,
) -> Any:
    """``function(task, settings)`` submitted to the cluster. Dask warns of a "large graph" when
    a task carries more than 10 MB: here the bytes are the task, by design, and the window and
    :data:`CLIP_BYTES_IN_FLIGHT` bound them, so the warning is left out."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Sending large graph", category=UserWarning)
        return client.submit(
            function, task, settings, key=f"posecheck-{key}", pure=False, retries=retries
        )


def _collect(future: Any, item: BatchInput, settings: BatchSettings) -> BatchOutput:
    if isinstance(future, BatchItem | ClipItem):
        return future
    try:
        done: BatchOutput
        done, annotated = future.result()
    # Whatever the worker raised, after its retries (or an item that killed the workers it was
    # given to), is this item's failure, as an error in the local path would be.
    except Exception as error:  # noqa: BLE001
        what = "video" if isinstance(item, Clip) else "photo"
        failure = PosecheckError(
            f"The cluster could not analyse this {what}: {type(error).__name__}: {error}.",
            code=ErrorCode.ERROR,
        )
        if isinstance(item, Clip):
            return failed_clip(item.path, failure)
        name = item if isinstance(item, str) else ""
        return failed_item(name, settings.model, failure)
    finally:
        future.release()
    if isinstance(done, BatchItem) and settings.annotate is not None and annotated is not None:
        write_picture(annotated, done.result.name, settings.annotate)
    return done
