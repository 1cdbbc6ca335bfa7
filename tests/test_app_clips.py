"""A recorded clip uploaded to the Live page (``posecheck.ui.clips``): read from memory, upright,
with the file path's checks and errors; run through a live session; written again as an H.264 MP4.

The clips are made here with PyAV (small synthetic pictures), or are the committed rendered clips.
The live session's model is replaced by a replay of poses with a known count, except in the slow
tests, which run the real lite model and compare with ``posecheck video``'s reading of the file.
"""

from __future__ import annotations

import functools
import io
import math
import tomllib
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from posecheck import (
    MEASURES_BY_NAME,
    ErrorCode,
    H264Writer,
    PosecheckError,
    Side,
    VideoError,
    VideoLimits,
    open_video,
    sample_clip_paths,
    sample_paths,
)
from posecheck.ui.clips import (
    ANNOTATED_SIDE,
    MAX_CLIP_FPS,
    MAX_CLIP_MB,
    analyse_clip,
    open_clip_bytes,
)
from tests.live_fakes import ReplayFactory, clip_bytes, heel_raises_clip, picture

ROOT = Path(__file__).resolve().parents[1]
CLIPS = ROOT / "tests" / "data" / "clips"


def decoded(data: bytes) -> list[np.ndarray]:
    with open_clip_bytes(data, "clip.mp4") as reader:
        return [rgb for _, rgb in reader]


def close_to(a: np.ndarray, b: np.ndarray) -> bool:
    """Equal but for the codec's loss."""
    return a.shape == b.shape and float(np.abs(a.astype(int) - b.astype(int)).mean()) < 6.0


# --- reading from memory -------------------------------------------------------------------------


def test_a_clip_is_read_from_memory_frame_by_frame_with_its_times() -> None:
    frames = [picture(i) for i in range(12)]
    with open_clip_bytes(clip_bytes(frames, fps=15), "clip.mp4") as reader:
        got = list(reader)
        info = reader.info
    assert (info.width, info.height, info.fps, info.frame_count) == (96, 64, 15.0, 12)
    assert [round(t, 1) for t, _ in got] == [round(i * 1000 / 15, 1) for i in range(12)]
    assert all(close_to(rgb, want) for (_, rgb), want in zip(got, frames, strict=True))


@pytest.mark.slow  # over 0.1 s on a clean clone: .ci/run runs it, make test keeps its time
@pytest.mark.parametrize("rotation", [90, -90, 180])
def test_a_phones_turned_clip_is_read_upright(rotation: int) -> None:
    """A phone stores a portrait clip on its side with a rotation to apply: the frames arrive as
    the phone showed them (the red corner top left), the size as seen."""
    frames = [picture(i, (64, 96)) for i in range(4)]
    data = clip_bytes(frames, rotation=rotation)
    with open_clip_bytes(data, "portrait.mp4") as reader:
        got = [rgb for _, rgb in reader]
        assert (reader.info.width, reader.info.height) == (64, 96)
    assert all(close_to(rgb, want) for rgb, want in zip(got, frames, strict=True))
    turned = decoded(clip_bytes(frames))  # the same clip without the rotation: as stored
    assert close_to(turned[0], frames[0])


@pytest.mark.slow  # over 0.1 s on a clean clone: .ci/run runs it, make test keeps its time
@pytest.mark.parametrize("codec", ["libx264", "libx265"])
def test_a_phones_mov_with_sound_is_read(codec: str) -> None:
    """What a phone saves: a MOV (H.264, or HEVC as iPhones do), portrait by rotation, with a
    sound track beside the pictures."""
    frames = [picture(i, (64, 96)) for i in range(10)]
    buffer = io.BytesIO()
    with av.open(buffer, mode="w", format="mov") as out:
        video = out.add_stream(codec, rate=30)
        video.width, video.height, video.pix_fmt = 96, 64, "yuv420p"
        video.set_display_rotation(-90)
        sound = out.add_stream("aac", rate=48000)
        sound.layout = "stereo"
        for index, rgb in enumerate(frames):
            stored = av.VideoFrame.from_ndarray(np.ascontiguousarray(np.rot90(rgb)), "rgb24")
            for packet in video.encode(stored):
                out.mux(packet)
            quiet = np.zeros((2, 1600), dtype=np.float32)
            chunk = av.AudioFrame.from_ndarray(quiet, format="fltp", layout="stereo")
            chunk.sample_rate, chunk.pts, chunk.time_base = 48000, index * 1600, Fraction(1, 48000)
            for packet in sound.encode(chunk):
                out.mux(packet)
        for stream in (video, sound):
            for packet in stream.encode():
                out.mux(packet)
    with open_clip_bytes(buffer.getvalue(), "IMG_0001.MOV") as reader:
        got = [rgb for _, rgb in reader]
        assert (reader.info.width, reader.info.height, reader.info.fps) == (64, 96, 30.0)
    assert len(got) == 10 and all(close_to(a, b) for a, b in zip(got, frames, strict=True))


def test_a_webm_clip_without_a_frame_count_is_read_and_its_length_estimated() -> None:
    frames = [picture(i) for i in range(15)]
    data = clip_bytes(frames, container="webm", codec="libvpx")
    with open_clip_bytes(data, "clip.webm") as reader:
        assert reader.info.frame_count == 15  # from the container's duration and rate
        assert len(list(reader)) == 15


def test_large_frames_come_at_the_working_size() -> None:
    frames = [picture(i, (400, 240)) for i in range(2)]
    with open_clip_bytes(clip_bytes(frames), "big.mp4", max_side=200) as reader:
        sizes = {rgb.shape for _, rgb in reader}
        assert reader.info.working_size == (200, 120)
    assert sizes == {(120, 200, 3)}


@pytest.mark.slow  # over 0.2 s: .ci/run runs it, make test keeps its time
def test_the_same_clip_reads_as_the_command_line_reads_its_file() -> None:
    """The app's reader (PyAV, from memory) against ``posecheck video``'s (OpenCV, a file)."""
    path = CLIPS / "stance_still_front.mp4"
    with open_clip_bytes(path.read_bytes(), path.name) as memory, open_video(path) as file:
        for (t_memory, rgb_memory), (t_file, rgb_file) in zip(memory, file, strict=True):
            assert t_memory == pytest.approx(t_file, abs=0.5)
            assert close_to(rgb_memory, rgb_file)
        assert memory.info.working_size == file.info.working_size
        assert memory.info.frame_count == file.info.frame_count


def invalid(data: bytes, name: str = "clip.mp4", **limits: float) -> VideoError:
    chosen = VideoLimits(**limits)  # type: ignore[arg-type]
    with pytest.raises(VideoError) as caught, open_clip_bytes(data, name, limits=chosen) as reader:
        list(reader)
    return caught.value


def test_bad_uploads_get_the_file_paths_errors() -> None:
    clip = clip_bytes([picture(i) for i in range(30)])
    assert invalid(b"").code is ErrorCode.EMPTY_FILE
    jpeg = (ROOT / "posecheck/data/samples/child_front.jpg").read_bytes()
    photo = invalid(jpeg, "me.jpg")
    assert photo.code is ErrorCode.NOT_A_VIDEO and "Check page" in photo.message
    text = invalid(b"#EXTM3U\n#EXT-X-TARGETDURATION:1\nhttp://example.com/a.ts\n", "list.mp4")
    assert text.code is ErrorCode.NOT_A_VIDEO and "is text" in text.message
    assert invalid(clip[:600]).code is ErrorCode.CORRUPT_VIDEO  # cut off after its header
    assert invalid(bytes(range(256)) * 8).code is ErrorCode.NOT_A_VIDEO
    large = invalid(clip, max_file_bytes=1000)
    assert large.code is ErrorCode.VIDEO_TOO_LARGE
    assert f"is {len(clip) / 1024:.1f} KB; the limit is 1000 bytes" in large.message
    assert invalid(clip, max_seconds=1.0).code is ErrorCode.VIDEO_TOO_LONG
    assert (
        invalid(clip_bytes([picture(0, (40, 20))]), min_side=32).code is ErrorCode.VIDEO_FRAME_SIZE
    )


def test_a_clip_with_sound_only_says_so() -> None:
    buffer = io.BytesIO()
    with av.open(buffer, mode="w", format="mp4") as out:
        stream = out.add_stream("aac", rate=8000)
        stream.layout = "mono"
        for index in range(4):
            frame = av.AudioFrame.from_ndarray(
                np.zeros((1, 1024), dtype=np.float32), format="fltp", layout="mono"
            )
            frame.sample_rate, frame.pts, frame.time_base = 8000, index * 1024, Fraction(1, 8000)
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    error = invalid(buffer.getvalue(), "voice.m4a")
    assert error.code is ErrorCode.CORRUPT_VIDEO and "no readable video stream" in error.message


# --- the annotated copy -------------------------------------------------------------------------


@pytest.mark.slow  # over 0.1 s on a clean clone: .ci/run runs it, make test keeps its time
def test_the_annotated_copy_is_h264_at_even_sizes_with_every_frame() -> None:
    buffer = io.BytesIO()
    writer = H264Writer(buffer, 29.97, (1081, 1921), max_side=ANNOTATED_SIDE)
    frames = [picture(i, (1081, 1921)) for i in range(5)]
    times = [0.0, 33.4, 100.1, 133.5, 300.0]  # uneven: frames thinned, or a clip's own pace
    for rgb, t_ms in zip(frames, times, strict=True):
        writer.write(rgb, t_ms)
    writer.finish()
    data = buffer.getvalue()
    with av.open(io.BytesIO(data)) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.name == "h264"
        decoded = list(container.decode(stream))
        back = [f.to_ndarray(format="rgb24") for f in decoded]
        shown = [round(float(f.time) * 1000) for f in decoded]
    assert shown == [round(t) for t in times]  # each frame at its time, none late
    height, width = back[0].shape[:2]
    assert max(width, height) <= ANNOTATED_SIDE and width % 2 == 0 and height % 2 == 0
    assert abs(width / height - 1081 / 1921) < 0.01
    assert data.find(b"moov") < data.find(b"mdat")  # the index first: plays while it loads


def test_a_file_written_as_h264_has_its_index_first_and_reads_back(tmp_path: Path) -> None:
    """``posecheck video --out clip.mp4`` writes through the same writer, to a file."""
    path = tmp_path / "annotated.mp4"
    with H264Writer(path, 15.0, (97, 64)) as writer:
        for index in range(6):
            writer.write(picture(index, (97, 64)), index * 1000 / 15)
        writer.finish()
    data = path.read_bytes()
    assert data.find(b"moov") < data.find(b"mdat")  # moved to the front when finished
    with open_video(path) as reader:
        assert reader.info.frame_count == 6 and reader.info.width == 96  # even
        assert len(list(reader)) == 6
    with pytest.raises(OSError):
        H264Writer(tmp_path / "no such folder" / "x.mp4", 15.0, (64, 64))


# --- the whole clip through a live session -------------------------------------------------------


@pytest.mark.slow  # over 0.2 s: .ci/run runs it, make test keeps its time
def test_a_clip_is_counted_drawn_and_tabled_frame_by_frame(
    clip_replays: list[ReplayFactory],
) -> None:
    frames, factory = heel_raises_clip(3)
    clip_replays.append(factory)
    heard: list[tuple[float | None, str]] = []
    result = analyse_clip(
        clip_bytes(frames),
        "raises.mp4",
        "heel_raises",
        Side.RIGHT,
        progress=lambda *a: heard.append(a),
    )
    coach = result.summary.exercise
    assert coach is not None and coach.sides[0].count == 3
    assert result.summary.frames == len(frames) == len(heard)
    assert heard[-1][0] == pytest.approx(1.0, abs=0.1) and "of" in heard[-1][1]
    assert len(result.frames_csv.splitlines()) == len(frames) + 1
    assert result.frames_csv.splitlines()[0].startswith("frame,t_ms")
    with av.open(io.BytesIO(result.video)) as container:
        assert sum(1 for _ in container.decode(video=0)) == len(frames)
    stamps = factory.made[0].stamps
    assert stamps == sorted(set(stamps)) and len(stamps) == len(frames)
    assert all(made.closed for made in factory.made)


@pytest.mark.slow  # over 0.2 s: .ci/run runs it, make test keeps its time
def test_a_phones_60_frames_a_second_are_thinned_to_the_webcams_pace(
    clip_replays: list[ReplayFactory],
) -> None:
    poses_at_15, factory = heel_raises_clip(2, fps=15)
    clip_replays.append(factory)  # a pose for each frame analysed: one in four
    frames = [picture(i, (160, 160)) for i in range(4 * len(poses_at_15))]
    result = analyse_clip(clip_bytes(frames, fps=60), "sixty.mp4", "heel_raises")
    coach = result.summary.exercise
    assert coach is not None and coach.sides[0].count == 2
    stamps = factory.made[0].stamps
    assert len(stamps) == result.summary.frames == len(poses_at_15)
    assert min(np.diff(stamps)) >= 1000 / MAX_CLIP_FPS - 1.5
    assert len(result.frames_csv.splitlines()) == len(poses_at_15) + 1
    with av.open(io.BytesIO(result.video)) as container:
        shown = [float(f.time) for f in container.decode(video=0)]
    assert len(shown) == len(poses_at_15)
    assert shown[-1] == pytest.approx((len(frames) - 4) / 60, abs=0.02)  # at the clip's pace


def test_a_clip_with_nobody_in_it_says_so(clip_replays: list[ReplayFactory]) -> None:
    clip_replays.append(ReplayFactory([None]))
    with pytest.raises(PosecheckError) as caught:
        analyse_clip(clip_bytes([picture(i) for i in range(6)]), "empty room.mp4", None)
    assert caught.value.code is ErrorCode.NO_PERSON
    assert "6 frames" in caught.value.message and "empty room.mp4" in caught.value.message


def test_the_server_takes_a_clip_of_the_pages_limit() -> None:
    config = tomllib.loads((ROOT / ".streamlit/config.toml").read_text(encoding="utf-8"))
    assert config["server"]["maxUploadSize"] == MAX_CLIP_MB


# --- the real model ------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize(
    ("clip", "exercise"),
    [("heel_raises_side.mp4", "heel_raises"), ("stance_still_front.mp4", None)],
)
def test_an_uploaded_clip_reads_as_posecheck_video_reads_the_file(
    clip: str, exercise: str | None
) -> None:
    """The real lite model on a committed rendered clip: the counts of ``posecheck video``'s
    path (the file, read by OpenCV) and the truth, and the stance check's result."""
    import json

    from posecheck.batch import clip_summary, open_clip

    path = CLIPS / clip
    truth = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    result = analyse_clip(path.read_bytes(), clip, exercise)
    with open_clip(str(path), clip) as reader:
        from_file = clip_summary(reader, "lite", exercise, Side.RIGHT)
    if exercise is not None:
        assert result.summary.exercise is not None and from_file.exercise is not None
        counted = result.summary.exercise.sides[0].count
        assert counted == from_file.exercise.sides[0].count == truth["reps"]
    else:
        assert result.summary.stance is not None and from_file.stance is not None
        for name, measure in result.summary.stance.measures.items():
            other = from_file.stance.measures[name]
            assert (measure.value is None) == (other.value is None), name
            if measure.value is not None and other.value is not None:
                # two decoders' pixels differ a little: far less than the measure's known error
                close = 0.25 * MEASURES_BY_NAME[name].known_error
                assert measure.value == pytest.approx(other.value, abs=close), name
                assert measure.status is other.status, name
    assert result.summary.frames == from_file.frames == truth["frames"]


def test_the_sample_clip_is_the_committed_rendered_one() -> None:
    """The app's sample clip (package data) is the test clip whose count is known."""
    assert [p.name for p in sample_clip_paths()] == ["heel_raises_side.mp4"]
    packaged = sample_clip_paths()[0].read_bytes()
    assert packaged == (CLIPS / "heel_raises_side.mp4").read_bytes()
    assert sample_paths() and all(p.suffix == ".jpg" for p in sample_paths())  # photos apart


# --- damaged clips -------------------------------------------------------------------------------


@functools.cache
def small_clip(kind: str) -> bytes:
    frames = [picture(i) for i in range(30)]
    if kind == "webm":
        return clip_bytes(frames, container="webm", codec="libvpx")
    return clip_bytes(frames)


@pytest.mark.slow  # many decodes: .ci/run runs it, make test keeps its time
@settings(max_examples=200, deadline=None, derandomize=True, database=None)
@given(
    kind=st.sampled_from(["mp4", "webm"]),
    cut=st.integers(min_value=0, max_value=100),
    seed=st.integers(min_value=0, max_value=2**32 - 1),
    count=st.integers(min_value=0, max_value=30),
)
def test_a_damaged_clip_gives_frames_or_a_clear_error(
    kind: str, cut: int, seed: int, count: int
) -> None:
    """A clip cut short and with ``count`` bytes changed, anywhere, most in the pictures:
    frames at the working size, or a ``VideoError``; never another exception, never a hang.
    (Damaged like this, PyAV raised seven kinds of error on a throwaway run over 300 such copies,
    most of them part-way through the pictures.)"""
    data = bytearray(small_clip(kind))
    data = data[: max(1, len(data) * (100 - cut) // 100)]
    rng = np.random.default_rng(seed)
    for where in rng.integers(0, len(data), count):
        data[int(where)] ^= int(rng.integers(1, 256))
    try:
        with open_clip_bytes(bytes(data), f"damaged.{kind}") as reader:
            for t_ms, rgb in reader:
                assert rgb.dtype == np.uint8
                assert (rgb.shape[1], rgb.shape[0]) == reader.info.working_size
                assert math.isfinite(t_ms)
    except VideoError as error:
        assert error.message.strip() and error.code in ErrorCode
