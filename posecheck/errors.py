"""The one error tree posecheck raises on purpose, and the codes it reports.

::

    PosecheckError                 every deliberate error; ``code`` and ``message`` go to the JSON
    ├── InvalidImageError          the file is missing, empty, too large, corrupt or not an image
    ├── NoPersonError              the image was read but nobody was found in it
    ├── ModelError                 a pose model is missing, corrupt or cannot be built or loaded
    ├── DataFileError              a packaged data file (exercise catalogue, corrections) is bad
    └── VideoError                 a video file cannot be read (missing, too long, corrupt, not a
                                   video), or no camera opens

Each error carries a :class:`ErrorCode` (a stable identifier, listed once here and in the README's
table), a message that says what happened and what to do, and ``extra`` facts for programs.
Errors raised because of another exception are raised ``from`` it. Nothing here runs on import.
"""

from __future__ import annotations

import enum
import os
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import TypeVar


class ErrorCode(enum.StrEnum):
    """Every code posecheck reports; :data:`ERROR_CODES` says what each means."""

    NOT_FOUND = "not_found"
    NOT_A_FILE = "not_a_file"
    EMPTY_FILE = "empty_file"
    FILE_TOO_LARGE = "file_too_large"
    TOO_MANY_PIXELS = "too_many_pixels"
    IMAGE_TOO_SMALL = "image_too_small"
    UNSUPPORTED_FORMAT = "unsupported_format"
    CORRUPT_IMAGE = "corrupt_image"
    UNREADABLE = "unreadable"
    NO_PERSON = "no_person"
    MODEL_UNAVAILABLE = "model_unavailable"
    MODEL_CORRUPT = "model_corrupt"
    MODEL_LOAD_FAILED = "model_load_failed"
    UNKNOWN_MODEL = "unknown_model"
    BAD_DATA_FILE = "bad_data_file"
    NOT_A_VIDEO = "not_a_video"
    CORRUPT_VIDEO = "corrupt_video"
    VIDEO_TOO_LARGE = "video_too_large"
    VIDEO_TOO_LONG = "video_too_long"
    VIDEO_FRAME_SIZE = "video_frame_size"
    NO_CAMERA = "no_camera"
    WORKER_CRASHED = "worker_crashed"
    #: internal to model installation: a source was not tried (never reported as a result)
    SOURCE_SKIPPED = "source_skipped"
    ERROR = "error"


#: What each code means, in the words of the README's table (a test keeps the two in step).
ERROR_CODES: Mapping[ErrorCode, str] = MappingProxyType(
    {
        ErrorCode.NOT_FOUND: "no file at that path",
        ErrorCode.NOT_A_FILE: "a folder, device, pipe or socket, not a file",
        ErrorCode.EMPTY_FILE: "the file has no bytes",
        ErrorCode.FILE_TOO_LARGE: "over 50 MB",
        ErrorCode.TOO_MANY_PIXELS: "over 120 megapixels: refused from the header, never decoded",
        ErrorCode.IMAGE_TOO_SMALL: "a side under 32 px",
        ErrorCode.UNSUPPORTED_FORMAT: "not an image format posecheck reads",
        ErrorCode.CORRUPT_IMAGE: "an image file that cannot be decoded (truncated or damaged)",
        ErrorCode.UNREADABLE: "the file cannot be read (permissions, disk)",
        ErrorCode.NO_PERSON: "nobody was found in the photo",
        ErrorCode.MODEL_UNAVAILABLE: "no source could provide the pose model",
        ErrorCode.MODEL_CORRUPT: "a model file failed its checks",
        ErrorCode.MODEL_LOAD_FAILED: "MediaPipe could not load the model",
        ErrorCode.UNKNOWN_MODEL: "no model of that name (lite, full, heavy)",
        ErrorCode.BAD_DATA_FILE: "a packaged data file (catalogue, corrections) is malformed",
        ErrorCode.NOT_A_VIDEO: "not a video posecheck reads (a photo goes to `analyze`)",
        ErrorCode.CORRUPT_VIDEO: "a video whose frames cannot be decoded (truncated or damaged)",
        ErrorCode.VIDEO_TOO_LARGE: "a video file over 2 GB",
        ErrorCode.VIDEO_TOO_LONG: "a video over 30 minutes",
        ErrorCode.VIDEO_FRAME_SIZE: "video frames over 40 megapixels or under 32 px on a side",
        ErrorCode.NO_CAMERA: "no camera could be opened (`posecheck live`)",
        ErrorCode.WORKER_CRASHED: (
            "the process analysing it in a batch died (a crash in native code, or out of "
            "memory); the rest of the batch went on"
        ),
        ErrorCode.SOURCE_SKIPPED: "internal: a model source was not tried",
        ErrorCode.ERROR: "any other deliberate error",
    }
)


class PosecheckError(Exception):
    """Base of every error posecheck raises on purpose.

    ``code`` is a stable identifier (used in the JSON output), ``message`` says what happened and
    what to do, ``extra`` holds facts for programs (the file name, the limit, ...).
    """

    def __init__(
        self,
        message: str,
        *,
        code: ErrorCode = ErrorCode.ERROR,
        extra: Mapping[str, object] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = ErrorCode(code)
        self.extra: Mapping[str, object] = MappingProxyType(dict(extra or {}))

    def __str__(self) -> str:
        return self.message

    def __reduce__(self) -> tuple[object, ...]:
        # keyword-only fields: rebuild through the constructor (worker processes pickle errors)
        return (_rebuild, (type(self), self.message, self.code.value, dict(self.extra)))


def _rebuild(
    kind: type[PosecheckError], message: str, code: str, extra: dict[str, object]
) -> PosecheckError:
    return kind(message, code=ErrorCode(code), extra=extra)


class InvalidImageError(PosecheckError):
    """The file is missing, empty, too large, corrupt or not an image we can read.

    Codes: ``not_found``, ``not_a_file``, ``empty_file``, ``file_too_large``, ``too_many_pixels``,
    ``image_too_small``, ``unsupported_format``, ``corrupt_image``, ``unreadable``.
    """


class NoPersonError(PosecheckError):
    """The image was read but nobody was found in it (code ``no_person``)."""


class ModelError(PosecheckError):
    """A pose model file is missing, corrupt or cannot be built or loaded.

    Codes: ``model_unavailable``, ``model_corrupt``, ``model_load_failed``, ``unknown_model``.
    """


class DataFileError(PosecheckError):
    """A packaged data file (the exercise catalogue, the fitted corrections) is malformed
    (code ``bad_data_file``)."""


class VideoError(PosecheckError):
    """A video file cannot be read, or no camera opens.

    Codes: ``not_found``, ``not_a_file``, ``empty_file``, ``unreadable``, ``not_a_video``,
    ``corrupt_video``, ``video_too_large``, ``video_too_long``, ``video_frame_size``,
    ``no_camera``.
    """


E = TypeVar("E", bound=PosecheckError)


def unreadable(name: str, error: OSError, kind: type[E]) -> E:
    """The ``kind`` of error for the file ``name`` that exists but could not be read."""
    if isinstance(error, PermissionError):
        what, hint = "permission denied", "Check the file's permissions, or copy it somewhere"
    else:
        what, hint = error.strerror or type(error).__name__, "Check the disk, or copy the file"
    return kind(
        f'Cannot read "{name}": {what}. {hint} you can read and try again.',
        code=ErrorCode.UNREADABLE,
        extra={"name": name, "reason": what},
    )


def stat_file(path: Path, name: str, kind: type[E]) -> os.stat_result:
    """``path``'s status, or the ``kind`` of error saying it is missing or cannot be read."""
    try:
        return path.stat()
    except (FileNotFoundError, NotADirectoryError) as error:
        raise kind(
            f'Cannot find "{name}". Check the path and the file name, then try again.',
            code=ErrorCode.NOT_FOUND,
            extra={"name": name},
        ) from error
    except OSError as error:
        raise unreadable(name, error, kind) from error
