"""A recorded clip uploaded to the Live page: read from memory, run through a live session (the
same as the webcam's), drawn, and encoded again as a video the browser plays. Nothing is written
to disk.

**Why PyAV here.** ``posecheck video`` reads files with OpenCV, which needs a path; an upload is
bytes in memory, and the app keeps uploads off the disk (``posecheck.ui.uploads``). PyAV (FFmpeg,
already installed for streamlit-webrtc) reads them from memory, with the container named from
the clip's first bytes (``video_container``): FFmpeg never guesses the format, so a playlist
dressed as a clip cannot make it open other files or addresses. Frames are turned upright as the
container says (a phone's portrait clip is stored on its side with a rotation). The checks and
their errors are ``posecheck.video``'s, as for a file, with this page's limits.

**The annotated copy** is H.264 (``posecheck.H264Writer``, as ``posecheck video --out`` writes
it), which browsers play, written to memory.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import av
import cv2
import numpy as np

from posecheck import (
    DEFAULT_VIDEO_SIDE,
    VIDEO_SUFFIXES,
    Closing,
    H264Writer,
    LiveFrame,
    LiveSession,
    SessionSummary,
    Side,
    ThinnedFrames,
    VideoInfo,
    VideoLimits,
    check_video_start,
    draw_live_frame,
    frame_columns,
    frame_row,
    nobody_in_clip,
    people_counter,
    undecodable_video,
    unopened_video,
    video_container,
    video_estimator,
    video_info,
)

#: The largest clip the page takes, MB (a phone's 1080p clip is about 1-2 MB a second).
MAX_CLIP_MB = 200
#: The longest clip the page takes, seconds: a set of any exercise fits.
MAX_CLIP_SECONDS = 300.0
CLIP_LIMITS = VideoLimits(max_file_bytes=MAX_CLIP_MB * 1024**2, max_seconds=MAX_CLIP_SECONDS)
#: The upload's accepted file name endings (without the dot, as ``st.file_uploader`` takes them).
CLIP_TYPES = tuple(suffix.removeprefix(".") for suffix in VIDEO_SUFFIXES)
#: Said when a photo is uploaded as a clip.
PHOTOS_ON_CHECK = "Photos go on the Check page; here choose a clip"
#: The annotated copy's long side at most, px (smaller to keep it light to hold and to send).
ANNOTATED_SIDE = 720
#: A live session's model for clips, as for the webcam.
CLIP_MODEL = "lite"
#: Frames a second analysed at most: a phone's 30 or 60 are thinned to this (the webcam gives
#: about as many here; the trackers go by each frame's time, not by counting frames), so that a
#: clip takes about its own length to analyse. ``posecheck video`` analyses every frame.
MAX_CLIP_FPS = 15.0

#: Progress: the share done (0-1, or None when the clip's length is not known) and a line.
Progress = Callable[[float | None, str], None]


class ClipReader(ThinnedFrames, Closing):
    """An uploaded clip: ``info`` and its ``(t_ms, rgb)`` frames, decoded one at a time, upright
    and at most ``info.working_size`` (all of them, or as ``thin`` says). Iterate once;
    ``close()`` (or ``with``) releases it."""

    def __init__(
        self,
        container: Any,
        first: Any,
        frames: Iterator[Any],
        info: VideoInfo,
        limits: VideoLimits,
    ) -> None:
        super().__init__(info, limits)
        self._container = container
        self._first = first
        self._frames = frames

    def __iter__(self) -> Iterator[tuple[float, np.ndarray]]:
        clock = self._start_clock()
        for frame in self._decoded():
            t_ms = clock.tick(None if frame.time is None else float(frame.time) * 1000.0)
            if t_ms is not None:  # else thinned before it is converted
                yield t_ms, _upright(frame, self.info.working_size)
        if self.frames_read == 0:
            raise undecodable_video(self.info.name)

    def _decoded(self) -> Iterator[Any]:
        first, self._first = self._first, None
        if first is None:
            return
        yield first
        try:
            yield from self._frames
        except (av.FFmpegError, ValueError, OSError):
            return  # damaged part-way: the frames before it stand, as with a file

    def close(self) -> None:
        self._container.close()


def _quarter_turns(frame: Any) -> int:
    """How many quarter turns (0-3, anticlockwise) bring a decoded frame upright, from the
    rotation its container gives it."""
    return round(float(frame.rotation or 0) / 90.0) % 4


def _upright(frame: Any, size: tuple[int, int]) -> np.ndarray:
    """A decoded frame as RGB, turned as its container says, at ``size`` (width, height)."""
    rgb = frame.to_ndarray(format="rgb24")
    turns = _quarter_turns(frame)
    if turns:
        rgb = np.rot90(rgb, k=turns)
    if (rgb.shape[1], rgb.shape[0]) != size:
        rgb = cv2.resize(rgb, size, interpolation=cv2.INTER_AREA)
    return np.ascontiguousarray(rgb, dtype=np.uint8)


def open_clip_bytes(
    data: bytes,
    name: str,
    *,
    max_side: int | None = DEFAULT_VIDEO_SIDE,
    limits: VideoLimits = CLIP_LIMITS,
) -> ClipReader:
    """Open an uploaded clip for reading frame by frame (see the module's docstring).

    Raises:
        VideoError: as ``posecheck.open_video`` (``empty_file``, ``video_too_large``,
            ``not_a_video``, ``corrupt_video``, ``video_frame_size``, ``video_too_long``).
    """
    head = data[:512]
    check_video_start(name, head, len(data), limits, photos_elsewhere=PHOTOS_ON_CHECK)
    container = video_container(head)
    if container is None:
        raise unopened_video(name, head)
    try:
        opened = av.open(io.BytesIO(data), mode="r", format=container.demuxer)
    except (av.FFmpegError, ValueError, OSError) as error:
        raise unopened_video(name, head) from error
    try:
        return _reader(opened, name, max_side, limits)
    except BaseException:
        opened.close()
        raise


def _reader(opened: Any, name: str, max_side: int | None, limits: VideoLimits) -> ClipReader:
    if not opened.streams.video:  # audio only: as a clip with no frame size in its header
        video_info(name, 0, 0, 0.0, 0, max_side=max_side, limits=limits)  # raises
    stream = opened.streams.video[0]
    stream.thread_type = "AUTO"
    frames = opened.decode(stream)
    try:
        first = next(frames)
    except (StopIteration, av.FFmpegError, ValueError, OSError) as error:
        raise undecodable_video(name) from error
    width, height = first.width, first.height
    if _quarter_turns(first) % 2:
        width, height = height, width
    rate = stream.average_rate or stream.guessed_rate
    fps = float(rate) if rate else 0.0
    count = int(stream.frames or 0)
    if count == 0 and opened.duration and fps > 0:  # no count in the header (WebM): estimate it
        count = round(opened.duration / av.time_base * fps)
    info = video_info(name, width, height, fps, count, max_side=max_side, limits=limits)
    return ClipReader(opened, first, frames, info, limits)


@dataclass(frozen=True, eq=False)
class ClipResult:
    """A recorded clip, analysed: what it was, the session's summary, the annotated copy (H.264
    MP4) and one CSV row per frame (``posecheck video --csv``'s columns)."""

    name: str
    exercise: str | None
    info: VideoInfo
    summary: SessionSummary
    video: bytes
    frames_csv: str


def analyse_clip(
    data: bytes,
    name: str,
    exercise: str | None,
    first_side: Side = Side.RIGHT,
    *,
    progress: Progress | None = None,
    model: str = CLIP_MODEL,
) -> ClipResult:
    """The clip through a live session coaching ``exercise`` (None: the stance check), frame by
    frame (at most ``MAX_CLIP_FPS`` a second): each drawn into the annotated copy and written as a
    CSV row; ``progress`` hears how far it got.

    Raises:
        PosecheckError: the clip cannot be read (``VideoError``), nobody is in any of its frames
            (``no_person``), or the model is not installed.
    """
    rows = io.StringIO()
    table = csv.DictWriter(rows, fieldnames=frame_columns(exercise))
    table.writeheader()
    with (
        open_clip_bytes(data, name) as reader,
        LiveSession(
            video_estimator(model),
            exercise=exercise,
            first_side=first_side,
            people_counter=people_counter(model),
        ) as session,
    ):
        buffer = io.BytesIO()
        fps, size = min(reader.info.fps, MAX_CLIP_FPS), reader.info.working_size
        with H264Writer(buffer, fps, size, max_side=ANNOTATED_SIDE) as writer:
            for t_ms, rgb in reader.thin(MAX_CLIP_FPS):
                frame = session.process(rgb, t_ms)
                writer.write(draw_live_frame(rgb, frame), t_ms)
                table.writerow(frame_row(frame))
                if progress is not None:
                    progress(*_how_far(reader.info, reader.frames_read, t_ms, frame))
            writer.finish()
        video = buffer.getvalue()
        summary = session.summary()
    if summary.frames_with_person == 0:
        raise nobody_in_clip(name, summary.frames)
    return ClipResult(name, exercise, reader.info, summary, video, rows.getvalue())


def _how_far(
    info: VideoInfo, frames: int, t_ms: float, frame: LiveFrame
) -> tuple[float | None, str]:
    seen = "a person in view" if frame.pose is not None else "nobody in view"
    if info.duration_ms > 0:
        share = min(1.0, t_ms / info.duration_ms)
        line = f"{t_ms / 1000:.0f} of {info.duration_ms / 1000:.0f} s analysed ({seen})"
        return share, line
    return None, f"{frames} frames, {t_ms / 1000:.0f} s analysed ({seen})"
