"""Video files and cameras -> (t_ms, rgb) frames: times, working size, limits, and a clear error
for every way a file can fail."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest

from posecheck.errors import ErrorCode, VideoError
from posecheck.samples import sample_paths
from posecheck.video import (
    FrameClock,
    VideoInfo,
    VideoLimits,
    fit_frame,
    frame_gap_ms,
    open_camera,
    open_video,
)
from tests.conftest import video


def write_clip(
    path: Path,
    frames: int = 12,
    size: tuple[int, int] = (320, 240),
    fps: float = 25.0,
    codec: str = "mp4v",
) -> Path:
    """A small clip of grey frames (level 10 * i) with a red square moving across them."""
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*codec), fps, size)
    assert writer.isOpened()
    for index in range(frames):
        frame = np.full((size[1], size[0], 3), (10 * index) % 250, dtype=np.uint8)
        cv2.rectangle(frame, (10 + 5 * index, 20), (40 + 5 * index, 50), (0, 0, 255), -1)
        writer.write(frame)
    writer.release()
    return path


def code_of(path: Path, **kwargs: Any) -> ErrorCode:
    with pytest.raises(VideoError) as raised, open_video(path, **kwargs) as reader:
        list(reader)
    assert raised.value.message.strip()
    return raised.value.code


def test_frames_stream_with_times_from_the_container(tmp_path: Path) -> None:
    clip = write_clip(tmp_path / "clip.mp4", frames=12, fps=25.0)
    with open_video(clip) as reader:
        assert (reader.info.width, reader.info.height) == (320, 240)
        assert reader.info.fps == pytest.approx(25.0)
        assert reader.info.frame_count == 12
        assert reader.info.duration_ms == pytest.approx(480.0)
        frames = list(reader)
    times = [t for t, _ in frames]
    assert times == pytest.approx([40.0 * i for i in range(12)])
    rgb = frames[0][1]
    assert rgb.shape == (240, 320, 3) and rgb.dtype == np.uint8 and rgb.flags.c_contiguous
    # the red square (BGR in the file) comes out red in RGB
    assert rgb[35, 25, 0] > 150 and rgb[35, 25, 2] < 80


def test_large_frames_come_at_the_working_size(tmp_path: Path) -> None:
    clip = write_clip(tmp_path / "big.avi", frames=3, size=(1280, 720), codec="MJPG")
    with open_video(clip, max_side=640) as reader:
        assert reader.info.working_size == (640, 360)
        assert reader.info.scale == pytest.approx(0.5)
        shapes = {rgb.shape for _, rgb in reader}
    assert shapes == {(360, 640, 3)}
    assert fit_frame((1080, 1920), 960) == (540, 960)
    assert fit_frame((320, 240), 960) == (320, 240)
    assert fit_frame((320, 240), None) == (320, 240)


def rotated_on_playback(path: Path, degrees: int) -> Path:
    """The clip with its track's display matrix turned by ``degrees`` (90 or 270), as a phone
    held upright stores a portrait video: landscape pixels, played turned."""
    data = bytearray(path.read_bytes())
    at = data.find(b"tkhd")
    assert at > 0 and data[at + 4] == 0  # a version-0 track header, as OpenCV writes it
    matrix = at + 4 + 4 + 20 + 8 + 8  # after version, flags, times, id, duration; reserved, ...
    sin = 0x10000 if degrees == 90 else -0x10000
    values = (0, sin, 0, -sin, 0, 0, 0, 0, 0x40000000)
    data[matrix : matrix + 36] = b"".join(v.to_bytes(4, "big", signed=True) for v in values)
    path.write_bytes(data)
    return path


def test_a_phone_clip_held_upright_comes_upright(tmp_path: Path) -> None:
    """Phones store a portrait clip as landscape pixels with a rotation to apply on playback; the
    frames come turned as played, portrait, at a working size that keeps their shape."""
    stored = np.zeros((360, 640, 3), dtype=np.uint8)
    stored[:, :200] = 255  # a bright band on the left of the stored pixels
    stored[:60, 200:] = 128  # and a grey one along the rest of the top
    for degrees, turn in ((90, -1), (270, 1)):  # played turned clockwise, anticlockwise
        path = tmp_path / f"upright{degrees}.mp4"
        writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"mp4v"), 10.0, (640, 360))
        for _ in range(3):
            writer.write(stored)
        writer.release()
        with open_video(rotated_on_playback(path, degrees)) as reader:
            assert (reader.info.width, reader.info.height) == (360, 640)
            assert reader.info.working_size == (360, 640)
            (_, rgb), *_ = list(reader)
        assert rgb.shape == (640, 360, 3)
        for k, match in ((turn, True), (-turn, False)):  # the other turn is told apart
            error = np.abs(rgb.astype(int) - np.rot90(stored, k=k).astype(int)).mean()
            assert bool(error < 10.0) is match, (degrees, k, error)


def test_reading_is_lazy(tmp_path: Path) -> None:
    """Frames are decoded one at a time: the reader never holds the clip."""
    clip = write_clip(tmp_path / "clip.mp4", frames=30)
    with open_video(clip) as reader:
        frames = iter(reader)
        next(frames)
        assert reader.frames_read == 1
        next(frames)
        assert reader.frames_read == 2


def test_thinned_a_60_fps_clip_gives_every_fourth_frame_at_its_time(tmp_path: Path) -> None:
    clip = write_clip(tmp_path / "clip.mp4", frames=48, size=(96, 64), fps=60.0)
    with open_video(clip) as reader:
        frames = list(reader.thin(15))
        assert reader.frames_read == 48  # every frame was read, a quarter of them kept
    assert [t for t, _ in frames] == pytest.approx([1000 / 15 * i for i in range(12)], abs=0.5)
    # each kept frame is the file's frame at that time: grey level 10 * index, index 4 * i
    levels = [int(np.median(rgb[55:, 60:, 1])) for _, rgb in frames]
    assert levels == pytest.approx([(40 * i) % 250 for i in range(12)], abs=3)
    with open_video(clip) as reader:
        assert len(list(reader.thin(None))) == 48


def test_a_frame_rate_must_be_positive() -> None:
    assert frame_gap_ms(None) == -np.inf
    assert frame_gap_ms(10) == pytest.approx(99.0)
    for wrong in (0, -5, float("nan"), float("inf"), True):
        with pytest.raises(ValueError, match="max_fps"):
            frame_gap_ms(wrong)


def test_missing_folder_empty(tmp_path: Path) -> None:
    assert code_of(tmp_path / "absent.mp4") is ErrorCode.NOT_FOUND
    assert code_of(tmp_path) is ErrorCode.NOT_A_FILE
    empty = tmp_path / "empty.mp4"
    empty.touch()
    assert code_of(empty) is ErrorCode.EMPTY_FILE


def test_a_photo_or_text_is_not_a_video(tmp_path: Path) -> None:
    photo = sample_paths()[0]
    with pytest.raises(VideoError) as raised:
        open_video(photo)
    assert raised.value.code is ErrorCode.NOT_A_VIDEO
    assert "posecheck analyze" in raised.value.message
    text = tmp_path / "notes.mp4"
    text.write_text("these are my notes, not a clip\n" * 20, encoding="utf-8")
    assert code_of(text) is ErrorCode.NOT_A_VIDEO
    noise = tmp_path / "noise.bin"
    noise.write_bytes(bytes(np.random.default_rng(0).integers(0, 256, 4096, dtype=np.uint8)))
    assert code_of(noise) in (ErrorCode.NOT_A_VIDEO, ErrorCode.CORRUPT_VIDEO)


def test_text_is_never_handed_to_ffmpeg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A playlist named like a clip would have FFmpeg open what it lists: refused from its first
    bytes, before any decoder sees it."""
    import posecheck.video as video_module

    def no_decoder(*args: object) -> None:
        raise AssertionError("the text was handed to FFmpeg")

    monkeypatch.setattr(video_module.cv2, "VideoCapture", no_decoder)
    playlist = tmp_path / "clip.mp4"
    playlist.write_text("#EXTM3U\n#EXTINF:1,\nhttp://192.0.2.1/a.ts\n", encoding="utf-8")
    with pytest.raises(VideoError) as raised:
        open_video(playlist)
    assert raised.value.code is ErrorCode.NOT_A_VIDEO and "is text" in raised.value.message


def test_a_truncated_clip_is_corrupt(tmp_path: Path) -> None:
    clip = write_clip(tmp_path / "clip.mp4", frames=20)
    data = clip.read_bytes()
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(data[:200])
    assert code_of(cut) is ErrorCode.CORRUPT_VIDEO


def test_limits(tmp_path: Path) -> None:
    clip = write_clip(tmp_path / "clip.mp4", frames=50, fps=25.0)  # 2 s
    assert code_of(clip, limits=VideoLimits(max_seconds=1.0)) is ErrorCode.VIDEO_TOO_LONG
    assert code_of(clip, limits=VideoLimits(max_file_bytes=100)) is ErrorCode.VIDEO_TOO_LARGE
    small = VideoLimits(max_pixels=320 * 240 - 1)
    assert code_of(clip, limits=small) is ErrorCode.VIDEO_FRAME_SIZE
    assert code_of(clip, limits=VideoLimits(min_side=300)) is ErrorCode.VIDEO_FRAME_SIZE
    with pytest.raises(ValueError):
        VideoLimits(max_seconds=0)


def test_a_header_that_understates_the_length_is_stopped_while_reading(tmp_path: Path) -> None:
    """The duration limit holds even when the frame count cannot be trusted."""
    clip = write_clip(tmp_path / "clip.mp4", frames=50, fps=25.0)
    with open_video(clip, limits=VideoLimits(max_seconds=3.0)) as reader:
        object.__setattr__(reader, "limits", VideoLimits(max_seconds=1.0))
        with pytest.raises(VideoError) as raised:
            list(reader)
    assert raised.value.code is ErrorCode.VIDEO_TOO_LONG


def test_no_camera_is_a_clear_error() -> None:
    with pytest.raises(VideoError) as raised:
        open_camera(57)
    assert raised.value.code is ErrorCode.NO_CAMERA
    assert "--camera" in raised.value.message


def test_a_real_clip_streams() -> None:
    path = video("two_people_standing_outdoor_mmhuman3d.mp4")
    with open_video(path) as reader:
        assert (reader.info.width, reader.info.height) == (1080, 1920)
        assert reader.info.working_size == (540, 960)
        times = [t for t, rgb in reader]
    assert len(times) == 40
    assert np.all(np.diff(times) > 0)
    assert times[-1] == pytest.approx(39 * 1000 / 12, abs=1)


def test_the_frame_clock_times_counts_and_thins_frames() -> None:
    """The file reader's and the uploaded clip's one clock: the container's times where they
    increase, else one frame on at the header's rate; the first frame always kept, then one per
    gap; every frame counted; past the length limit, an error."""
    info = VideoInfo("clip.mp4", 64, 48, 25.0, 10, 400.0, (64, 48))
    clock = FrameClock(info, VideoLimits(max_seconds=1.0), frame_gap_ms(10.0))  # 99 ms apart
    found = [0.0, 40.0, None, 80.0, 160.0, 200.0, 240.0]  # no time, then one that does not rise
    kept = [clock.tick(t) for t in found]
    assert kept == [0.0, None, None, 120.0, None, None, 240.0]
    assert clock.read == 7
    every = FrameClock(info, VideoLimits(max_seconds=1.0), frame_gap_ms(None))
    assert [every.tick(t) for t in (0.0, 40.0, 80.0)] == [0.0, 40.0, 80.0]
    with pytest.raises(VideoError) as raised:
        every.tick(1040.0)
    assert raised.value.code is ErrorCode.VIDEO_TOO_LONG
