"""Video files and cameras -> a stream of ``(t_ms, rgb)`` frames, with limits.

:func:`open_video` checks a file before decoding anything (it exists, is a regular file, is not
empty or too large, looks like a video rather than a photo or text), then opens it with OpenCV's
FFmpeg backend and checks the frame size and duration from the header. Iterating the
:class:`VideoReader` decodes one frame at a time (memory stays bounded whatever the clip's
length) and yields ``(t_ms, rgb)``: the frame's presentation time in milliseconds (from the
container, or from the frame rate where the container gives none) and an RGB uint8 working copy
no larger than ``max_side`` on its long side.

:func:`open_camera` does the same for a webcam (``t_ms`` from a clock, starting at 0).

Every failure raises :class:`~posecheck.errors.VideoError` with a stable code and a message that
says what to do. Nothing here runs on import.
"""

from __future__ import annotations

import math
import stat
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any, BinaryIO, Final, Self

import cv2
import numpy as np
import numpy.typing as npt

from posecheck.errors import ErrorCode, PosecheckError, VideoError, stat_file, unreadable
from posecheck.estimator import quiet_native_logs
from posecheck.names import printable_name
from posecheck.types import Closing

__all__ = [
    "DEFAULT_CAMERA_SIDE",
    "DEFAULT_VIDEO_SIDE",
    "H264_CRF",
    "VIDEO_SUFFIXES",
    "CameraSource",
    "Container",
    "H264Writer",
    "VideoInfo",
    "VideoLimits",
    "VideoReader",
    "check_video_start",
    "fit_frame",
    "next_frame_time",
    "nobody_in_clip",
    "open_camera",
    "open_video",
    "undecodable_video",
    "unopened_video",
    "video_container",
    "video_info",
]

UInt8Array = npt.NDArray[np.uint8]

#: Long side of the working copy of a video file's frames: the pose model looks at a 256x256
#: crop, so more only costs decoding, resizing and drawing.
DEFAULT_VIDEO_SIDE: Final = 960
#: Long side of a camera's working frames (a webcam's 640x480 passes unchanged).
DEFAULT_CAMERA_SIDE: Final = 640

_VIDEO_FORMATS_TEXT: Final = "MP4, MOV, M4V, AVI, MKV, WebM, MPEG or Y4M"
#: The file name endings of the clips posecheck reads (a folder given to ``analyze`` is searched
#: for them; the app's clip upload accepts them).
VIDEO_SUFFIXES: Final = (
    ".mp4",
    ".mov",
    ".m4v",
    ".avi",
    ".mkv",
    ".webm",
    ".mpg",
    ".mpeg",
    ".y4m",
)


@dataclass(frozen=True)
class VideoLimits:
    """What :func:`open_video` agrees to read, checked before decoding.

    Attributes:
        max_file_bytes: largest file, bytes.
        max_seconds: longest clip, by the header's frame count and rate (and enforced while
            reading, in case the header is wrong).
        max_pixels: largest frame, width x height.
        min_side: smallest frame width or height, pixels.
    """

    max_file_bytes: int = 2 * 1024**3
    max_seconds: float = 30 * 60.0
    max_pixels: int = 40_000_000
    min_side: int = 32

    def __post_init__(self) -> None:
        for name in ("max_file_bytes", "max_pixels", "min_side"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"VideoLimits.{name}: expected a positive int, got {value!r}")
        if not self.max_seconds > 0:
            raise ValueError(f"VideoLimits.max_seconds: expected > 0, got {self.max_seconds!r}")


@dataclass(frozen=True)
class VideoInfo:
    """What the file's header says, and the working size frames are delivered at.

    Attributes:
        name: the path as given, for messages.
        width, height: the frames' size in the file, pixels (after the container's rotation).
        fps: frames per second from the header (0 when it gives none).
        frame_count: frames the header announces (an estimate for some containers; 0 when
            unknown).
        duration_ms: ``frame_count / fps`` in milliseconds (0 when unknown).
        working_size: (width, height) of the RGB frames the reader yields.
    """

    name: str
    width: int
    height: int
    fps: float
    frame_count: int
    duration_ms: float
    working_size: tuple[int, int]

    @property
    def scale(self) -> float:
        """Working pixels per original pixel, in (0, 1]."""
        return self.working_size[0] / self.width


def fit_frame(size: tuple[int, int], max_side: int | None) -> tuple[int, int]:
    """(width, height) scaled down to at most ``max_side`` on the long side (never enlarged)."""
    width, height = size
    if max_side is None or max(width, height) <= max_side:
        return width, height
    factor = max_side / max(width, height)
    return max(1, round(width * factor)), max(1, round(height * factor))


def _to_working_rgb(bgr: np.ndarray, working_size: tuple[int, int]) -> UInt8Array:
    if (bgr.shape[1], bgr.shape[0]) != working_size:
        bgr = cv2.resize(bgr, working_size, interpolation=cv2.INTER_AREA)
    return np.asarray(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB), dtype=np.uint8)


def frame_gap_ms(max_fps: float | None) -> float:
    """The least time between two frames kept when at most ``max_fps`` frames a second are
    (``1000 / max_fps`` ms, less a millisecond's slack for rounding); every frame is kept for
    ``None``."""
    if max_fps is None:
        return -math.inf
    if isinstance(max_fps, bool) or not max_fps > 0 or not math.isfinite(max_fps):
        raise ValueError(f"max_fps: expected a positive number or None, got {max_fps!r}")
    return 1000.0 / max_fps - 1.0


class FrameClock:
    """A clip's frames as they are read: each one's time (:func:`next_frame_time`), whether it is
    kept (at most one per ``gap_ms``, :func:`frame_gap_ms`: the first always), and ``read``, how
    many were read, kept or not. The file reader and the uploaded clip's share it."""

    __slots__ = ("_gap_ms", "_info", "_kept_ms", "_last_ms", "_limits", "read")

    def __init__(self, info: VideoInfo, limits: VideoLimits, gap_ms: float) -> None:
        self._info = info
        self._limits = limits
        self._gap_ms = gap_ms
        self._last_ms: float | None = None
        self._kept_ms: float | None = None
        self.read = 0

    def tick(self, found_ms: float | None) -> float | None:
        """Count the next frame (``found_ms``: the container's time for it, if any); its time
        when it is kept, None when it is thinned out.

        Raises:
            VideoError: ``video_too_long`` past the limits' length.
        """
        t_ms = next_frame_time(self._info, self._limits, found_ms, self._last_ms)
        self._last_ms = t_ms
        self.read += 1
        if self._kept_ms is not None and t_ms - self._kept_ms < self._gap_ms:
            return None
        self._kept_ms = t_ms
        return t_ms


class ThinnedFrames:
    """A clip's frames read one at a time, kept at most ``thin``'s rate: ``info``, ``limits`` and
    ``frames_read``, the frames read so far, kept or not. The file reader and the uploaded clip's
    share it; each starts its clock (``_start_clock``) when iterated."""

    def __init__(self, info: VideoInfo, limits: VideoLimits) -> None:
        self.info = info
        self.limits = limits
        self._gap_ms = -math.inf
        self._clock = FrameClock(info, limits, self._gap_ms)

    @property
    def frames_read(self) -> int:
        return self._clock.read

    def thin(self, max_fps: float | None) -> Self:
        """Yield at most ``max_fps`` frames a second (every frame for ``None``): a frame comes
        when :func:`frame_gap_ms` has passed since the last one. The others are decoded (a
        frame's time is known only then) but neither converted nor resized."""
        self._gap_ms = frame_gap_ms(max_fps)
        return self

    def _start_clock(self) -> FrameClock:
        self._clock = FrameClock(self.info, self.limits, self._gap_ms)
        return self._clock


class VideoReader(ThinnedFrames, Closing):
    """An opened video file: ``info``, and iteration over ``(t_ms, rgb)`` frames, decoded one at a
    time (all of them, or as ``thin`` says). Iterate once; ``close()`` (or ``with``) releases the
    decoder. ``frames_read`` counts the frames read from the file, kept or not."""

    def __init__(self, capture: Any, info: VideoInfo, limits: VideoLimits) -> None:
        super().__init__(info, limits)
        self._capture = capture

    def __iter__(self) -> Iterator[tuple[float, UInt8Array]]:
        kept = 0
        clock = self._start_clock()
        while self._capture.grab():
            t_ms = clock.tick(float(self._capture.get(cv2.CAP_PROP_POS_MSEC)))
            if t_ms is None:
                continue
            ok, bgr = self._capture.retrieve()
            if not ok or bgr is None:
                break
            kept += 1
            yield t_ms, _to_working_rgb(bgr, self.info.working_size)
        if kept == 0:  # the first frame is always kept: none could be decoded
            raise undecodable_video(self.info.name)

    def close(self) -> None:
        self._capture.release()


def next_frame_time(
    info: VideoInfo, limits: VideoLimits, found_ms: float | None, last_ms: float | None
) -> float:
    """A frame's time in ms: the container's (``found_ms``), unless it gives none or it does not
    increase (then the last frame's plus one frame at the header's rate, or at 30 a second).

    Raises:
        VideoError: ``video_too_long`` past ``limits.max_seconds`` (a header may understate it).
    """
    known = found_ms is not None and math.isfinite(found_ms)
    t_ms = float(found_ms) if found_ms is not None and known else 0.0
    if last_ms is not None and not (known and t_ms > last_ms):
        t_ms = last_ms + (1000.0 / info.fps if info.fps > 0 else 1000.0 / 30.0)
    if t_ms > limits.max_seconds * 1000.0:
        raise _too_long(info.name, t_ms / 1000.0, limits)
    return t_ms


def undecodable_video(name: str) -> VideoError:
    """The error for a clip none of whose frames decodes."""
    return VideoError(
        f'"{name}" has no frames that can be decoded; it may be truncated or '
        f"damaged. Export or download it again ({_VIDEO_FORMATS_TEXT}).",
        code=ErrorCode.CORRUPT_VIDEO,
        extra={"name": name},
    )


def nobody_in_clip(name: str, frames: int) -> PosecheckError:
    """The error for a clip in none of whose frames a person was found."""
    return PosecheckError(
        f'Nobody was found in any of the {frames} frames of "{printable_name(name)}". Film the '
        "whole body, in good light, and try again.",
        code=ErrorCode.NO_PERSON,
        extra={"name": name, "frames": frames},
    )


def open_video(
    path: str | Path,
    *,
    max_side: int | None = DEFAULT_VIDEO_SIDE,
    limits: VideoLimits = VideoLimits(),
) -> VideoReader:
    """Open the video file at ``path`` for reading frame by frame (see the module docstring).

    Raises:
        VideoError: ``not_found``, ``not_a_file``, ``empty_file``, ``unreadable``,
            ``not_a_video``, ``corrupt_video``, ``video_too_large``, ``video_too_long`` or
            ``video_frame_size``.
    """
    if max_side is not None and (isinstance(max_side, bool) or max_side < 1):
        raise ValueError(f"max_side: expected a positive int or None, got {max_side!r}")
    path = Path(path)
    name = str(path)
    head, size = _check_file(path, name)
    check_video_start(name, head, size, limits)
    if video_container(head) is None and _looks_like_text(head):
        raise unopened_video(name, head)  # text (a playlist, say) is never handed to FFmpeg
    with quiet_native_logs():  # FFmpeg reports a damaged header on stderr too; we raise instead
        capture = cv2.VideoCapture(name, cv2.CAP_FFMPEG)
    if not capture.isOpened():
        capture.release()
        raise unopened_video(name, head)
    try:
        info = video_info(
            name,
            int(capture.get(cv2.CAP_PROP_FRAME_WIDTH)),
            int(capture.get(cv2.CAP_PROP_FRAME_HEIGHT)),
            float(capture.get(cv2.CAP_PROP_FPS) or 0.0),
            int(capture.get(cv2.CAP_PROP_FRAME_COUNT) or 0),
            max_side=max_side,
            limits=limits,
        )
    except VideoError:
        capture.release()
        raise
    return VideoReader(capture, info, limits)


def _check_file(path: Path, name: str) -> tuple[bytes, int]:
    """The file's first bytes and its size, after checking it exists and is a regular file."""
    info = stat_file(path, name, VideoError)
    if not stat.S_ISREG(info.st_mode):
        what = "a folder" if stat.S_ISDIR(info.st_mode) else "not a regular file"
        raise VideoError(
            f'"{name}" is {what}, not a video file. Choose a clip ({_VIDEO_FORMATS_TEXT}).',
            code=ErrorCode.NOT_A_FILE,
            extra={"name": name},
        )
    try:
        with path.open("rb") as file:
            return file.read(512), info.st_size
    except OSError as error:
        raise unreadable(name, error, VideoError) from error


#: What the photo check tells the command line's user to do instead.
PHOTOS_ELSEWHERE: Final = (
    "Analyse photos with `posecheck analyze`; for `posecheck video` choose a clip"
)


def check_video_start(
    name: str,
    head: bytes,
    size: int,
    limits: VideoLimits = VideoLimits(),
    *,
    photos_elsewhere: str = PHOTOS_ELSEWHERE,
) -> None:
    """The checks that need only a clip's size in bytes and its first bytes (512, or all of a
    smaller file): not empty, not over ``limits.max_file_bytes``, not a photo (``photos_elsewhere``
    says where photos go instead).

    Raises:
        VideoError: ``empty_file``, ``video_too_large`` or ``not_a_video``.
    """
    if size == 0:
        raise VideoError(
            f'"{name}" is empty (0 bytes). Choose a clip ({_VIDEO_FORMATS_TEXT}).',
            code=ErrorCode.EMPTY_FILE,
            extra={"name": name},
        )
    if size > limits.max_file_bytes:
        raise VideoError(
            f'"{name}" is {_size_words(size)}; the limit is '
            f"{_size_words(limits.max_file_bytes)}. Trim the clip or export it smaller.",
            code=ErrorCode.VIDEO_TOO_LARGE,
            extra={"name": name, "bytes": size, "max_file_bytes": limits.max_file_bytes},
        )
    photo = _photo_format(head)
    if photo is not None:
        raise VideoError(
            f'"{name}" is a {photo} photo, not a video. {photos_elsewhere} '
            f"({_VIDEO_FORMATS_TEXT}).",
            code=ErrorCode.NOT_A_VIDEO,
            extra={"name": name, "format": photo},
        )


def _size_words(size: int) -> str:
    """A file size in words: GB from 1 GB up (as the limit was always said), then MB, KB, bytes."""
    for unit, name in ((1024**3, "GB"), (1024**2, "MB"), (1024, "KB")):
        if size >= unit:
            return f"{size / unit:.{1 if size < 10 * unit or name == 'GB' else 0}f} {name}"
    return f"{size} bytes"


def video_info(
    name: str,
    width: int,
    height: int,
    fps: float,
    frame_count: int,
    *,
    max_side: int | None = DEFAULT_VIDEO_SIDE,
    limits: VideoLimits = VideoLimits(),
) -> VideoInfo:
    """A clip's :class:`VideoInfo` from what its header says (the frame size after the
    container's rotation; a rate or a count that is not a usable number counts as unknown),
    after checking the frame size and the duration against ``limits``.

    Raises:
        VideoError: ``corrupt_video`` (no frame size), ``video_frame_size`` or
            ``video_too_long``.
    """
    fps = fps if np.isfinite(fps) and 0 < fps < 1000 else 0.0
    frame_count = max(0, frame_count)
    if width < 1 or height < 1:
        raise VideoError(
            f'"{name}" has no readable video stream (no frame size in its header); it may be '
            f"audio only, truncated or damaged. Choose a clip ({_VIDEO_FORMATS_TEXT}).",
            code=ErrorCode.CORRUPT_VIDEO,
            extra={"name": name},
        )
    if width * height > limits.max_pixels or min(width, height) < limits.min_side:
        raise VideoError(
            f'"{name}" has {width}×{height} frames; posecheck reads frames of at least '
            f"{limits.min_side} px a side and at most {limits.max_pixels / 1e6:.0f} megapixels. "
            "Export the clip at a common size (720p or 1080p).",
            code=ErrorCode.VIDEO_FRAME_SIZE,
            extra={"name": name, "width": width, "height": height},
        )
    duration_ms = frame_count / fps * 1000.0 if fps > 0 else 0.0
    if duration_ms > limits.max_seconds * 1000.0:
        raise _too_long(name, duration_ms / 1000.0, limits)
    return VideoInfo(
        name=name,
        width=width,
        height=height,
        fps=fps,
        frame_count=frame_count,
        duration_ms=duration_ms,
        working_size=fit_frame((width, height), max_side),
    )


def _too_long(name: str, seconds: float, limits: VideoLimits) -> VideoError:
    return VideoError(
        f'"{name}" runs {_duration(seconds)}; the limit is {_duration(limits.max_seconds)}. '
        "Trim it to the part with the exercise.",
        code=ErrorCode.VIDEO_TOO_LONG,
        extra={"name": name, "seconds": round(seconds, 1), "max_seconds": limits.max_seconds},
    )


def _duration(seconds: float) -> str:
    return f"{seconds:.1f} s" if seconds < 120 else f"{seconds / 60:.1f} minutes"


def unopened_video(name: str, head: bytes) -> VideoError:
    """The error for a file the decoder cannot open: a damaged clip, or not a clip at all."""
    container = video_container(head)
    if container is not None:
        return VideoError(
            f'"{name}" looks like {container.words} video but could not be opened; it may be '
            "truncated or damaged. Export or download it again.",
            code=ErrorCode.CORRUPT_VIDEO,
            extra={"name": name, "format": container.words},
        )
    what = "text" if _looks_like_text(head) else "not a video posecheck can read"
    return VideoError(
        f'"{name}" is {what}. Choose a clip ({_VIDEO_FORMATS_TEXT}).',
        code=ErrorCode.NOT_A_VIDEO,
        extra={"name": name},
    )


#: Magic bytes of photo formats, which FFmpeg would open as a one-frame "video".
_PHOTO_MAGIC: Final = (
    (b"\xff\xd8\xff", "JPEG"),
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"GIF8", "GIF"),
    (b"BM", "BMP"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
)


def _photo_format(head: bytes) -> str | None:
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WebP"
    if head[4:8] == b"ftyp" and head[8:12] in (b"heic", b"heix", b"mif1", b"msf1", b"avif"):
        return "HEIC"
    for magic, name in _PHOTO_MAGIC:
        if head.startswith(magic):
            return name
    return None


@dataclass(frozen=True)
class Container:
    """A clip's container, as its first bytes announce it: ``words`` for messages ("an MP4/MOV")
    and ``demuxer``, FFmpeg's name for the format that reads it."""

    words: str
    demuxer: str


def video_container(head: bytes) -> Container | None:
    """The container a file's first bytes announce, or None (not a clip posecheck reads)."""
    if head[4:8] in (b"ftyp", b"moov", b"mdat", b"free", b"wide"):
        return Container("an MP4/MOV", "mov")
    if head[:4] == b"RIFF" and head[8:12] == b"AVI ":
        return Container("an AVI", "avi")
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return Container("a Matroska/WebM", "matroska")
    if head.startswith((b"\x00\x00\x01\xba", b"\x00\x00\x01\xb3")):
        return Container("an MPEG", "mpeg")
    if len(head) > 188 and head[0] == head[188] == 0x47:
        return Container("an MPEG", "mpegts")
    if head.startswith(b"YUV4MPEG2"):
        return Container("a Y4M", "yuv4mpegpipe")
    if head.startswith(b"OggS"):
        return Container("an Ogg/FLV", "ogg")
    if head.startswith(b"FLV"):
        return Container("an Ogg/FLV", "flv")
    return None


def _looks_like_text(head: bytes) -> bool:
    """No control bytes at the start: binary formats have some within their first 64 bytes."""
    return all(byte >= 9 for byte in head[:64])


# --- writing -------------------------------------------------------------------------------------

#: libx264's constant quality for annotated clips (lower: better and larger; 23 is its default).
H264_CRF: Final = 28
#: A written clip's time unit: a millisecond.
_MS: Final = Fraction(1, 1000)


class H264Writer(Closing):
    """Frames in, an H.264 MP4 out, each frame at its own time (``write``): browsers and phones
    play it, where OpenCV's own writer has only MPEG-4 part 2, which browsers do not.

    ``target`` is a file path (its index is moved to the front when it is finished, so it plays
    while it loads) or a writable binary stream such as ``io.BytesIO`` (written fragmented, the
    index first: an MP4 in memory cannot be rewritten). Frames are scaled to even sizes (H.264's
    colour format needs them), at most ``max_side`` on the long side. There are no B-frames: a
    fragmented MP4 has no edit list to hide their delay, and the clip would start late.
    ``finish()`` completes it; ``close()`` (or leaving a ``with`` block) drops an unfinished
    one. PyAV (FFmpeg with libx264) is imported when a writer is made.

    Raises:
        OSError: the file cannot be written.
    """

    def __init__(
        self,
        target: str | Path | BinaryIO,
        fps: float,
        size: tuple[int, int],
        *,
        max_side: int | None = None,
    ) -> None:
        import av

        scale = 1.0 if max_side is None else min(1.0, max_side / max(size))
        width, height = (max(2, math.floor(side * scale / 2) * 2) for side in size)
        self.size = (width, height)
        in_memory = not isinstance(target, (str, Path))
        flags = "frag_keyframe+empty_moov+default_base_moof" if in_memory else "+faststart"
        where = target if in_memory else str(target)
        if not in_memory:
            with Path(str(target)).open("wb"):  # FFmpeg opens it only at the first frame: fail now
                pass
        try:
            self._container = av.open(where, mode="w", format="mp4", options={"movflags": flags})
        except av.FFmpegError as error:
            raise OSError(f"cannot write {target}: {error}") from error
        rate = Fraction(fps if fps > 0 else 30.0).limit_denominator(1001)
        options = {"crf": str(H264_CRF), "preset": "veryfast", "bf": "0"}
        self._stream = self._container.add_stream("libx264", rate=rate, options=options)
        self._stream.width, self._stream.height = width, height
        self._stream.pix_fmt = "yuv420p"
        self._stream.codec_context.time_base = _MS
        self._frame = av.VideoFrame
        self.frames = 0
        self._last_ms = -1
        self._open = True

    def write(self, rgb: np.ndarray, t_ms: float) -> None:
        """One RGB frame, shown from ``t_ms`` (a clip's own time: thinned frames keep their pace;
        a time that does not increase is moved a millisecond on)."""
        if (rgb.shape[1], rgb.shape[0]) != self.size:
            rgb = cv2.resize(rgb, self.size, interpolation=cv2.INTER_AREA)
        frame = self._frame.from_ndarray(np.ascontiguousarray(rgb), format="rgb24")
        self._last_ms = max(self._last_ms + 1, round(t_ms))
        frame.pts, frame.time_base = self._last_ms, _MS
        for packet in self._stream.encode(frame):
            self._container.mux(packet)
        self.frames += 1

    def finish(self) -> None:
        """Write what the encoder still holds and close the clip."""
        for packet in self._stream.encode():
            self._container.mux(packet)
        self.close()

    def close(self) -> None:
        if self._open:
            self._open = False
            self._container.close()


# --- cameras -------------------------------------------------------------------------------------


class CameraSource(Closing):
    """A webcam as a stream of ``(t_ms, rgb)`` frames, ``t_ms`` from ``clock`` (seconds) since
    the first frame. Iteration ends when the camera stops delivering frames."""

    def __init__(
        self, capture: Any, index: int, max_side: int | None, clock: Callable[[], float]
    ) -> None:
        self._capture = capture
        self.index = index
        self._max_side = max_side
        self._clock = clock

    def __iter__(self) -> Iterator[tuple[float, UInt8Array]]:
        start: float | None = None
        while True:
            ok, bgr = self._capture.read()
            if not ok or bgr is None:
                return
            now = self._clock()
            start = now if start is None else start
            size = fit_frame((bgr.shape[1], bgr.shape[0]), self._max_side)
            yield (now - start) * 1000.0, _to_working_rgb(bgr, size)

    def close(self) -> None:
        self._capture.release()


def open_camera(
    index: int = 0,
    *,
    max_side: int | None = DEFAULT_CAMERA_SIDE,
    clock: Callable[[], float] = time.monotonic,
) -> CameraSource:
    """Open camera number ``index`` (0 is the first) and check that it delivers a frame.

    Raises:
        VideoError: ``no_camera`` when it cannot be opened or sends nothing.
    """
    with quiet_native_logs():  # OpenCV's backends log every device they fail to open
        capture = cv2.VideoCapture(index)
        opened = capture.isOpened() and capture.grab()
    if not opened:
        capture.release()
        raise VideoError(
            f"Camera {index} could not be opened: no camera there, another program is using it, "
            "or this user may not use it. Connect a camera, close other video apps, try another "
            "number with --camera, or analyse a recorded clip with `posecheck video FILE`.",
            code=ErrorCode.NO_CAMERA,
            extra={"camera": index},
        )
    return CameraSource(capture, index, max_side, clock)
