"""Video clips in `posecheck analyze`: folders give photos and clips, each clip runs through the
live pipeline with an estimator of its own and comes back as the summary `posecheck video --json`
gives, in a `videos` list beside the photos' `results` (which keep their contract); a bad clip is
its own error. Without the model: a replay of heel raises stands in for it. With the model (slow):
a photo and a committed rendered clip through `--jobs 1` and `--jobs 2`."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import posecheck.live.session as live_session
from posecheck.batch import (
    BatchItem,
    BatchSettings,
    Clip,
    ClipItem,
    analyze_batch,
    analyze_clip,
)
from posecheck.cli import EXIT_FAILED, EXIT_OK, expand_batch, expand_paths, main
from posecheck.errors import ErrorCode, PosecheckError
from posecheck.samples import sample_paths
from tests.live_fakes import ReplayFactory, counts_alone
from tests.test_cli_video import blank_clip
from tests.test_cli_video import replayed_heel_raises as replayed_heel_raises  # the fixture

CLIPS = Path(__file__).resolve().parent / "data" / "clips"
#: What `posecheck video --json` adds around a clip's summary, and a batch's entry around it.
VIDEO_ONLY = ("ok", "outputs", "disclaimer")
ENTRY_ONLY = ("name", "ok", "error")


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "clips"
    folder.mkdir()
    return folder


def _clip(path: Path, factory: ReplayFactory) -> Path:
    """A clip with one frame per pose of the replay (so each clip sees the whole recording)."""
    return blank_clip(path, frames=len(factory.recording.poses))


def _corrupt(path: Path) -> Path:
    """The first 4 kB of a real MP4: its header announces a video that is not there."""
    path.write_bytes((CLIPS / "stance_still_front.mp4").read_bytes()[:4000])
    return path


def _summary(document: dict[str, Any], drop: tuple[str, ...]) -> dict[str, Any]:
    return {key: value for key, value in document.items() if key not in drop}


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, Any], str]:
    capsys.readouterr()
    status = main(argv)
    out, err = capsys.readouterr()
    return status, json.loads(out), err


# --- which files are clips -----------------------------------------------------------------------


def test_folders_give_photos_and_clips_in_order_and_explicit_clips_count(tmp_path: Path) -> None:
    folder = tmp_path / "mixed"
    folder.mkdir()
    for name in ("a.jpg", "b.mp4", "c.MOV", "d.png", "e.mkv", "notes.txt", "f.webm"):
        (folder / name).write_bytes(b"x")
    (folder / "sub.mp4").mkdir()  # a folder named like a clip is passed over, as for photos
    given = str(tmp_path / "elsewhere.avi")
    items = expand_batch([str(folder), given, str(tmp_path / "photo.jpg")])
    names = [item.path if isinstance(item, Clip) else item for item in items]
    found = ("a.jpg", "b.mp4", "c.MOV", "d.png", "e.mkv", "f.webm")
    assert names == [str(folder / n) for n in found] + [given, str(tmp_path / "photo.jpg")]
    assert [isinstance(item, Clip) for item in items] == [
        False, True, True, False, True, True, True, False,
    ]  # fmt: skip
    # the photos' own expansion is unchanged (the developer tools feed it to the photo model)
    assert expand_paths([str(folder)]) == [str(folder / "a.jpg"), str(folder / "d.png")]


# --- clips through the batch, without the model ---------------------------------------------------


@pytest.mark.slow  # over 0.2 s on a clean clone: .ci/run runs it, make test keeps its time
def test_a_clip_in_a_batch_gives_what_posecheck_video_gives(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], replayed_heel_raises: ReplayFactory
) -> None:
    folder = _folder(tmp_path)
    clip = _clip(folder / "raises.mp4", replayed_heel_raises)
    status, alone, _ = _run(["video", str(clip), "--exercise", "heel_raises", "--json"], capsys)
    assert status == EXIT_OK
    argv = ["analyze", str(folder), "--jobs", "1", "--exercise", "heel_raises", "--json"]
    status, document, _ = _run([*argv, "--model", "lite"], capsys)  # `video`'s default model
    assert status == EXIT_OK
    assert document["results"] == []  # the photos' list, empty: no photo in the folder
    (entry,) = document["videos"]
    assert (entry["name"], entry["ok"], entry["error"]) == (str(clip), True, None)
    assert _summary(entry, ENTRY_ONLY) == _summary(alone, VIDEO_ONLY)
    assert entry["exercise"]["total_count"] == 5 and entry["model"] == "lite"
    # in words: one line for the clip
    capsys.readouterr()
    assert main(["analyze", str(clip), "--exercise", "heel_raises"]) == EXIT_OK
    out = capsys.readouterr().out
    assert f"{clip}: video, 151 frames (10.0 s), a person in 151; Heel raises: 5 of 20" in out


def test_a_clips_line_in_words() -> None:
    from posecheck.batch import clip_line

    side = {"side": "left", "count": 4, "target_count": None, "time_s": 0.0, "target_s": 15.0,
            "circles": {"clockwise": 4, "anticlockwise": 1},
            "circle_s": {"clockwise": 9.47, "anticlockwise": 2.2}}  # fmt: skip
    document = {"frames": 176, "duration_s": 11.67, "frames_with_person": 170, "stance": None,
                "exercise": {"name": "Ankle circles", "sides": [side]}}  # fmt: skip
    assert clip_line("a.mp4", document) == (
        "a.mp4: video, 176 frames (11.7 s), a person in 170; Ankle circles: left circles "
        "4 clockwise (9 s), 1 anticlockwise (2 s) of 15 s each direction"
    )
    crowded = {**document, "frames_with_others": 24}
    assert clip_line("a.mp4", crowded).startswith(
        "a.mp4: video, 176 frames (11.7 s), a person in 170; someone else in view in 24; Ankle"
    )
    hold = {**side, "side": None, "circles": {}, "time_s": 7.4, "target_s": 20.0}
    stance = {"view": "front", "duration_s": 4.07}
    document = {**document, "exercise": {"name": "Toe walking", "sides": [hold]}, "stance": stance}
    assert clip_line("a.mp4", document).endswith("Toe walking: 7 s of 20 s; stance front view "
                                                 "over 4.1 s")  # fmt: skip
    document = {**document, "exercise": None, "stance": None}
    assert clip_line("a.mp4", document).endswith(
        "in 170; stance: never still for long enough to measure: stand still, alone in view, for "
        "3-4 s"
    )


@pytest.mark.slow  # over 0.2 s on a clean clone: .ci/run runs it, make test keeps its time
def test_each_clip_gets_its_own_estimator_and_a_bad_clip_its_own_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], replayed_heel_raises: ReplayFactory
) -> None:
    folder = _folder(tmp_path)
    _clip(folder / "a.mp4", replayed_heel_raises)
    _corrupt(folder / "b_corrupt.mp4")
    (folder / "c_empty.mp4").write_bytes(b"")
    (folder / "d_text.mov").write_text("not a video at all\n", encoding="utf-8")
    shutil.copyfile(sample_paths()[0], folder / "e_photo.avi")  # a photo named as a clip
    _clip(folder / "f.mp4", replayed_heel_raises)
    argv = ["analyze", str(folder), "--jobs", "1", "--exercise", "heel_raises", "--json"]
    status, document, err = _run(argv, capsys)
    assert status == EXIT_FAILED
    videos = document["videos"]
    assert [Path(v["name"]).name for v in videos] == [
        "a.mp4", "b_corrupt.mp4", "c_empty.mp4", "d_text.mov", "e_photo.avi", "f.mp4",
    ]  # fmt: skip
    codes = [v["error"]["code"] if v["error"] else "ok" for v in videos]
    assert codes == [
        "ok", ErrorCode.CORRUPT_VIDEO, ErrorCode.EMPTY_FILE, ErrorCode.NOT_A_VIDEO,
        ErrorCode.NOT_A_VIDEO, "ok",
    ]  # fmt: skip
    for video in videos:
        if not video["ok"]:
            assert video["name"] in video["error"]["message"]
    assert videos[0]["exercise"]["total_count"] == videos[5]["exercise"]["total_count"] == 5
    assert "[6/6]" in err and "Traceback" not in err
    # a VIDEO-mode estimator per clip, closed after it, its timestamps starting with the clip
    made = replayed_heel_raises.made
    assert len(made) == 2 and all(estimator.closed for estimator in made)
    assert made[0].stamps == made[1].stamps and made[0].stamps[0] < 100


def test_a_clip_without_anybody_is_its_own_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    nobody = ReplayFactory([None])
    monkeypatch.setattr(live_session, "video_estimator", lambda *args, **kwargs: nobody)
    monkeypatch.setattr(live_session, "people_counter", counts_alone)
    clip = blank_clip(tmp_path / "empty_room.mp4", frames=30)
    settings = BatchSettings(model="lite", view=None, annotate=None)
    (item,) = analyze_batch([Clip(str(clip))], settings)
    assert isinstance(item, ClipItem) and not item.ok
    assert item.document["error"]["code"] == ErrorCode.NO_PERSON
    assert "30 frames" in item.document["error"]["message"]
    assert item.text.startswith(f"{clip}: could not analyse (no_person)")


@pytest.mark.slow  # over 0.1 s on a clean clone: .ci/run runs it, make test keeps its time
def test_a_running_clip_says_it_started_then_how_far_it_got_about_once_a_second(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], replayed_heel_raises: ReplayFactory
) -> None:
    from posecheck import batch

    seconds = iter(0.4 * i for i in range(10_000))  # each frame takes 0.4 s on this clock
    heard: list[tuple[str, int, int]] = []
    frames = [(40.0 * i, np.zeros((2, 2, 3), np.uint8)) for i in range(12)]
    passed = list(
        batch._reporting(
            frames, 12, "a.mp4", lambda *args: heard.append(args), lambda: next(seconds)
        )
    )
    assert len(passed) == 12  # every frame goes on, untouched
    # the first frame, then once at least 1 s has passed since the last line: every third frame
    assert heard == [("a.mp4", done, 12) for done in (1, 4, 7, 10)]
    # through a batch in this process (`--jobs 1`), the clip's lines come on stderr
    clip = _clip(tmp_path / "raises.mp4", replayed_heel_raises)
    argv = ["analyze", str(clip), "--jobs", "1", "--exercise", "heel_raises", "--json"]
    status, document, err = _run([*argv, "--model", "lite"], capsys)
    assert status == EXIT_OK and document["videos"][0]["ok"]
    assert f"  {clip}: frame 1 of 151 (1 %)" in err.splitlines()


@pytest.mark.slow  # over 0.5 s: kept out of make test's fast suite, run by .ci/run
def test_a_clip_is_decoded_a_frame_at_a_time(
    tmp_path: Path, replayed_heel_raises: ReplayFactory
) -> None:
    """300 frames of 640x480 (276 MB decoded) peak at a few frames' worth: never the whole clip."""
    import tracemalloc

    clip = blank_clip(tmp_path / "long.mp4", frames=300, size=(640, 480))
    settings = BatchSettings(model="lite", view=None, annotate=None, exercise="heel_raises")
    tracemalloc.start()
    try:
        item = analyze_clip(str(clip), settings)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert item.ok and item.document["frames"] == 300
    frame = 640 * 480 * 3
    assert peak < 10 * frame, f"{peak / 1e6:.1f} MB at the peak"


@pytest.mark.slow  # over 0.2 s on a clean clone: .ci/run runs it, make test keeps its time
def test_a_clip_whose_name_is_not_utf8_runs_and_is_named_printably(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], replayed_heel_raises: ReplayFactory
) -> None:
    """OpenCV's FFmpeg crashed the whole process on a file name that is not UTF-8 (`posecheck
    video` too): such a clip is opened through a link with a plain name."""
    folder = _folder(tmp_path)
    odd = Path(os.fsdecode(os.fsencode(folder) + b"/caf\xe9.mp4"))
    _clip(folder / "plain.mp4", replayed_heel_raises).rename(odd)
    text = Path(os.fsdecode(os.fsencode(folder) + b"/notes\xff.mov"))
    text.write_text("not a video\n", encoding="utf-8")
    argv = ["analyze", str(folder), "--jobs", "1", "--exercise", "heel_raises", "--json"]
    status, document, _ = _run([*argv, "--model", "lite"], capsys)
    assert status == EXIT_FAILED
    ran, failed = document["videos"]
    assert ran["name"] == ran["video"]["file"] == f"{folder}/caf\\xe9.mp4"
    assert ran["exercise"]["total_count"] == 5
    assert failed["name"] == f"{folder}/notes\\xff.mov"
    assert failed["error"]["code"] == ErrorCode.NOT_A_VIDEO
    assert f'"{folder}/notes\\xff.mov" is text' in failed["error"]["message"]
    status, alone, _ = _run(["video", str(odd), "--exercise", "heel_raises", "--json"], capsys)
    assert status == EXIT_OK and alone["video"]["file"] == ran["name"]
    assert _summary(ran, ENTRY_ONLY) == _summary(alone, VIDEO_ONLY)


@pytest.mark.slow  # over 0.2 s on a clean clone: .ci/run runs it, make test keeps its time
def test_resume_keeps_clips_as_video_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], replayed_heel_raises: ReplayFactory
) -> None:
    folder = _folder(tmp_path)
    clip = _clip(folder / "a.mp4", replayed_heel_raises)
    _corrupt(folder / "b.mp4")
    resume = tmp_path / "done.jsonl"
    argv = ["analyze", str(folder), "--jobs", "1", "--json", "--resume", str(resume)]
    status, first, _ = _run([*argv, "--exercise", "heel_raises"], capsys)
    assert status == EXIT_FAILED
    lines = [json.loads(line) for line in resume.read_text(encoding="utf-8").splitlines()]
    assert [line["video"] for line in lines] == [str(clip), str(folder / "b.mp4")]
    assert lines[0]["settings"] == {"model": "full", "exercise": "heel_raises", "side": "right"}
    assert lines[0]["document"] == first["videos"][0]
    assert len(replayed_heel_raises.made) == 1
    # again: the clip comes from the file (no estimator made), the failed one is tried again
    status, again, _ = _run([*argv, "--exercise", "heel_raises"], capsys)
    assert status == EXIT_FAILED and again == first and len(replayed_heel_raises.made) == 1
    assert len(resume.read_text(encoding="utf-8").splitlines()) == 3
    # other settings for clips: the clip runs again
    status, other, _ = _run([*argv, "--exercise", "heel_raises", "--side", "left"], capsys)
    assert len(replayed_heel_raises.made) == 2 and other["videos"][0]["ok"]


@pytest.mark.slow  # over 0.1 s on a clean clone: .ci/run runs it, make test keeps its time
def test_a_batch_thins_its_clips_and_resumes_them_only_at_the_same_rate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], replayed_heel_raises: ReplayFactory
) -> None:
    folder = _folder(tmp_path)
    frames = 4 * len(replayed_heel_raises.recording.poses) - 3  # the replay's 10 s, at 60 fps
    clip = blank_clip(folder / "a.mp4", frames=frames, size=(64, 64), fps=60.0)
    resume = tmp_path / "done.jsonl"
    argv = ["analyze", str(folder), "--jobs", "1", "--json", "--resume", str(resume)]
    argv += ["--exercise", "heel_raises", "--model", "lite"]
    status, first, err = _run([*argv, "--max-fps", "15"], capsys)
    assert status == EXIT_OK
    assert first["videos"][0]["frames"] == 151 and first["videos"][0]["video"]["max_fps"] == 15
    assert first["videos"][0]["exercise"]["total_count"] == 5
    assert any(line.startswith(f"  {clip}: frame 1 of {frames} ") for line in err.splitlines())
    (line,) = [json.loads(line) for line in resume.read_text(encoding="utf-8").splitlines()]
    assert line["settings"] == {
        "model": "lite",
        "exercise": "heel_raises",
        "side": "right",
        "max_fps": 15.0,
    }
    made = len(replayed_heel_raises.made)
    status, again, _ = _run([*argv, "--max-fps", "15"], capsys)  # the same rate: from the file
    assert again == first and len(replayed_heel_raises.made) == made
    status, every, _ = _run(argv, capsys)  # every frame: analysed again
    assert len(replayed_heel_raises.made) == made + 1 and every["videos"][0]["frames"] == frames


# --- clips on the cluster, the parts that need no cluster ----------------------------------------


def test_a_clip_is_sent_as_bytes_up_to_the_cap(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import posecheck.cluster as cluster

    assert cluster.MAX_CLIP_BYTES == 256 * 1024**2  # the cap the README states
    clip = blank_clip(tmp_path / "a.mp4", frames=10)
    assert cluster.read_clip(str(clip)) == clip.read_bytes()
    monkeypatch.setattr(cluster, "MAX_CLIP_BYTES", clip.stat().st_size - 1)
    error = cluster.read_clip(str(clip))
    assert isinstance(error, PosecheckError) and error.code == ErrorCode.VIDEO_TOO_LARGE
    assert "--shared-folder" in error.message and str(clip) in error.message
    # what the local path would say, before anything is sent
    missing = cluster.read_clip(str(tmp_path / "gone.mp4"))
    folder = cluster.read_clip(str(tmp_path))
    assert isinstance(missing, PosecheckError) and missing.code == ErrorCode.NOT_FOUND
    assert isinstance(folder, PosecheckError) and folder.code == ErrorCode.NOT_A_FILE


@pytest.mark.slow  # over 0.2 s on a clean clone: .ci/run runs it, make test keeps its time
def test_a_worker_runs_the_bytes_sent_under_the_clips_name_and_keeps_no_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, replayed_heel_raises: ReplayFactory
) -> None:
    from posecheck.cluster import _Clip, _clip_on_worker

    copies = tmp_path / "tmp"
    copies.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(copies))
    clip = _clip(tmp_path / "raises.mp4", replayed_heel_raises)
    settings = BatchSettings(model="full", view=None, annotate=None, exercise="heel_raises")
    local = analyze_batch([Clip(str(clip))], settings)
    sent, _ = _clip_on_worker(_Clip("far/away/raises.mp4", clip.read_bytes()), settings)
    (here,) = local
    assert isinstance(here, ClipItem) and sent.ok and sent.name == "far/away/raises.mp4"
    assert sent.document["video"]["file"] == "far/away/raises.mp4"
    assert _summary(sent.document, ("name", "video")) == _summary(here.document, ("name", "video"))
    broken, _ = _clip_on_worker(_Clip("far/broken.mp4", _corrupt(tmp_path / "b.mp4").read_bytes()),
                                settings)  # fmt: skip
    assert broken.document["error"]["code"] == ErrorCode.CORRUPT_VIDEO
    assert '"far/broken.mp4"' in broken.document["error"]["message"]
    assert str(copies) not in broken.document["error"]["message"]
    assert list(copies.iterdir()) == []  # every temporary copy deleted


def test_clip_bytes_out_at_once_are_bounded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a stand-in client: clips' bytes out at once stay within CLIP_BYTES_IN_FLIGHT (the
    item at the head always goes), photos still fill the window; a clip whose task fails is
    that clip's failure."""
    import posecheck.cluster as cluster

    clip = tmp_path / "a.mp4"
    clip.write_bytes(b"\0" * 1000)
    photo = tmp_path / "a.jpg"
    photo.write_bytes(b"not looked at")
    monkeypatch.setattr(cluster, "CLIP_BYTES_IN_FLIGHT", 2500)  # two clips of 1000 bytes

    class Future:
        def __init__(self, client: Client, task: Any) -> None:
            self.client, self.task = client, task

        def result(self) -> tuple[Any, None]:
            if isinstance(self.task, cluster._Clip):
                raise RuntimeError("the worker ran out of memory")
            return cluster.failed_item(self.task.item, "full", PosecheckError("stand-in")), None

        def release(self) -> None:
            self.client.out.remove(self)

    class Client:
        def __init__(self) -> None:
            self.out: list[Future] = []
            self.most_clip_bytes = 0

        def submit(self, function: Any, task: Any, settings: Any, **options: Any) -> Future:
            future = Future(self, task)
            self.out.append(future)
            held = sum(len(f.task.data) for f in self.out if isinstance(f.task, cluster._Clip))
            self.most_clip_bytes = max(self.most_clip_bytes, held)
            return future

        def cancel(self, futures: list[Future]) -> None:
            pass

    items = [Clip(str(clip))] * 6 + [str(photo)] * 6
    client = Client()
    settings = BatchSettings(model="full", view=None, annotate=None)
    done = list(cluster._window(client, items, settings, 10, False, 2))
    assert len(done) == 12 and client.most_clip_bytes == 2000
    clips = [d for d in done if isinstance(d, ClipItem)]
    assert [c.name for c in clips] == [str(clip)] * 6
    assert all(c.document["error"]["code"] == ErrorCode.ERROR for c in clips)
    assert "could not analyse this video" in clips[0].document["error"]["message"]
    assert all(isinstance(d, BatchItem) for d in done[6:])
    monkeypatch.setattr(cluster, "CLIP_BYTES_IN_FLIGHT", 10)  # less than one clip: one at a time
    client = Client()
    assert len(list(cluster._window(client, items, settings, 10, False, 2))) == 12
    assert client.most_clip_bytes == 1000


# --- the real model -------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_photo_and_a_rendered_clip_through_jobs(
    jobs: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "mixed"
    folder.mkdir()
    photo = shutil.copyfile(sample_paths()[0], folder / "a_photo.jpg")
    clip = shutil.copyfile(CLIPS / "heel_raises_side.mp4", folder / "b_raises.mp4")
    _corrupt(folder / "c_broken.mp4")
    truth = json.loads((CLIPS / "heel_raises_side.json").read_text(encoding="utf-8"))
    options = ["--model", "lite", "--json"]
    status, alone, _ = _run(["video", str(clip), "--exercise", "heel_raises", *options], capsys)
    assert status == EXIT_OK
    status, photos_only, _ = _run(["analyze", str(photo), "--jobs", "1", *options], capsys)
    assert status == EXIT_OK and "videos" not in photos_only  # a photos' document is unchanged
    argv = ["analyze", str(folder), "--jobs", jobs, "--exercise", "heel_raises", *options]
    status, document, err = _run(argv, capsys)
    assert status == EXIT_FAILED  # the broken clip; the others are all there
    assert document["results"] == photos_only["results"]  # the photo as it is alone
    assert _summary(document, ("videos",)) == photos_only
    ran, broken = document["videos"]
    assert ran["name"] == str(clip) and _summary(ran, ENTRY_ONLY) == _summary(alone, VIDEO_ONLY)
    assert ran["exercise"]["total_count"] == truth["reps"] == 4
    assert ran["frames"] == ran["frames_with_person"] == truth["frames"]
    assert broken["name"] == str(folder / "c_broken.mp4")
    assert broken["error"]["code"] == ErrorCode.CORRUPT_VIDEO
    assert "[3/3]" in err  # one progress count over photos and clips
    # the clip's own progress reaches this process from the worker that runs it
    assert f"  {clip}: frame 1 of {truth['frames']} (1 %)" in err.splitlines()


def test_dasks_large_graph_warning_is_left_out(recwarn: pytest.WarningsRecorder) -> None:
    """A clip's bytes are its task by design: Dask's advice against "large graphs" (printed for
    every clip over 10 MB) is not passed on; other warnings are."""
    import warnings

    import posecheck.cluster as cluster

    class Client:
        def submit(self, function: Any, task: Any, settings: Any, **options: Any) -> str:
            warnings.warn("Sending large graph of size 30.00 MiB.", UserWarning, stacklevel=1)
            warnings.warn("something else", UserWarning, stacklevel=1)
            return f"{options['key']} {options['retries']}"

    settings = BatchSettings(model="lite", view=None, annotate=None)
    task = cluster._Clip("a.mp4", b"\0" * 100)
    sent = cluster._send(Client(), cluster._clip_on_worker, task, settings, 2, "video-1")
    assert sent == "posecheck-video-1 2"
    assert [str(w.message) for w in recwarn] == ["something else"]
