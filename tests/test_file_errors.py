"""A photo or clip that is missing or cannot be read: one clear error, whichever kind of file.

Root reads any file whatever its permissions, so a refused read is simulated here."""

from __future__ import annotations

import errno
from collections.abc import Callable
from pathlib import Path

import pytest

from posecheck.errors import (
    ErrorCode,
    InvalidImageError,
    PosecheckError,
    VideoError,
    stat_file,
    unreadable,
)
from posecheck.images import load_image
from posecheck.video import open_video


@pytest.mark.parametrize("kind", [InvalidImageError, VideoError])
def test_a_missing_file_is_not_found(tmp_path: Path, kind: type[PosecheckError]) -> None:
    with pytest.raises(kind) as caught:
        stat_file(tmp_path / "gone.jpg", "gone.jpg", kind)
    assert caught.value.code is ErrorCode.NOT_FOUND
    assert 'Cannot find "gone.jpg"' in caught.value.message
    with pytest.raises(kind) as caught:  # a file where a folder should be
        (tmp_path / "file").write_bytes(b"x")
        stat_file(tmp_path / "file" / "x.jpg", "x.jpg", kind)
    assert caught.value.code is ErrorCode.NOT_FOUND


def test_unreadable_says_why_and_what_to_do() -> None:
    refused = unreadable("a.jpg", PermissionError(errno.EACCES, "Permission denied"), VideoError)
    assert isinstance(refused, VideoError) and refused.code is ErrorCode.UNREADABLE
    assert refused.extra == {"name": "a.jpg", "reason": "permission denied"}
    assert "Check the file's permissions" in refused.message
    broken = unreadable("a.jpg", OSError(errno.EIO, "Input/output error"), InvalidImageError)
    assert isinstance(broken, InvalidImageError)
    assert broken.extra["reason"] == "Input/output error"
    assert "Check the disk" in broken.message
    assert unreadable("a.jpg", OSError(), InvalidImageError).extra["reason"] == "OSError"


def _refuse(monkeypatch: pytest.MonkeyPatch, method: str, target: Path, error: OSError) -> None:
    original = getattr(Path, method)

    def refusing(self: Path, *args: object, **kwargs: object) -> object:
        if self == target:
            raise error
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Path, method, refusing)


@pytest.mark.parametrize("method", ["stat", "open"])
@pytest.mark.parametrize(
    ("name", "head", "load", "kind"),
    [
        ("photo.jpg", b"\xff\xd8\xff", load_image, InvalidImageError),
        ("clip.mp4", b"\0\0\0\x18ftypmp42", open_video, VideoError),
    ],
)
@pytest.mark.parametrize(
    ("error", "reason", "hint"),
    [
        (PermissionError(errno.EACCES, "Permission denied"), "permission denied", "permissions"),
        (OSError(errno.EIO, "Input/output error"), "Input/output error", "Check the disk"),
    ],
)
def test_a_file_that_cannot_be_read(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    method: str,
    name: str,
    head: bytes,
    load: Callable[[Path], object],
    kind: type[PosecheckError],
    error: OSError,
    reason: str,
    hint: str,
) -> None:
    path = tmp_path / name
    path.write_bytes(head + b"\0" * 100)
    _refuse(monkeypatch, method, path, error)
    with pytest.raises(kind) as caught:
        load(path)
    assert caught.value.code is ErrorCode.UNREADABLE
    assert caught.value.extra["reason"] == reason
    assert f'{name}": {reason}.' in caught.value.message and hint in caught.value.message
