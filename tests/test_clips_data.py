"""The committed exercise clips (tests/data/clips, made by `make clips`, see synth/README.md) are
usable as truth: each JSON is well-formed and consistent with itself (counts against event
times, per-frame arrays against the frame count), names a catalogue exercise, and its video
opens with OpenCV and holds the stated number of frames at the stated size."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
CLIPS = ROOT / "tests" / "data" / "clips"
CATALOGUE = ROOT / "posecheck" / "data" / "exercises.json"
CLIP_FORMAT = "posecheck-synth-clip/1"
#: Not a catalogue exercise: the live stance check (standing still).
STANCE = "stance_check"
REQUIRED = ("name", "video", "exercise", "view", "side", "fps", "frames", "duration_ms", "size",
            "variant", "body", "noise", "camera", "per_frame", "generator")  # fmt: skip

if not CLIPS.is_dir() or not any(CLIPS.glob("*.json")):
    pytest.skip(f"no committed clips in {CLIPS} (make clips)", allow_module_level=True)

TRUTH_FILES = sorted(CLIPS.glob("*.json"))


def _load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _catalogue_ids() -> set[str]:
    data = json.loads(CATALOGUE.read_text(encoding="utf-8"))
    return {entry["id"] for entry in data["exercises"]}


def _check_spans(spans: list[dict[str, float]], duration_ms: float) -> None:
    """Event spans are ordered, positive and inside the clip."""
    previous_end = 0.0
    for span in spans:
        assert 0.0 < span["start_ms"] < span["end_ms"] <= duration_ms
        assert span["start_ms"] >= previous_end
        previous_end = span["end_ms"]


@pytest.mark.slow  # over 0.2 s on a clean clone: .ci/run runs it, make test keeps its time
def test_the_set_covers_every_exercise_clean_and_noisy() -> None:
    kinds = {(_load(p)["exercise"], _load(p)["variant"]) for p in TRUTH_FILES}
    for exercise in ("heel_raises", "ankle_circles", "towel_leg_stretch", STANCE):
        assert (exercise, "clean") in kinds
        assert (exercise, "noisy") in kinds


@pytest.mark.parametrize("path", TRUTH_FILES, ids=lambda p: p.stem)
def test_truth_is_well_formed(path: Path) -> None:
    truth = _load(path)
    assert truth["format"] == CLIP_FORMAT
    for key in REQUIRED:
        assert key in truth, key
    assert truth["name"] == path.stem
    assert truth["video"] == f"{path.stem}.mp4"
    assert truth["exercise"] in _catalogue_ids() | {STANCE}
    assert truth["view"] in ("front", "left", "right", "back")
    assert truth["variant"] in ("clean", "noisy")
    fps, frames = truth["fps"], truth["frames"]
    assert fps > 0 and frames > 1
    assert truth["duration_ms"] == pytest.approx(1000.0 * (frames - 1) / fps, abs=0.1)
    per_frame = truth["per_frame"]
    assert per_frame["t_ms"] == pytest.approx([1000.0 * i / fps for i in range(frames)], abs=1e-3)
    for name, values in per_frame.items():
        if name == "keypoints_2d":
            for landmark, points in values.items():
                assert len(points) == frames, landmark
                assert all(len(p) == 2 and all(math.isfinite(c) for c in p) for p in points)
        else:
            assert len(values) == frames, name
    duration = truth["duration_ms"]
    if "reps" in truth:
        assert truth["reps"] == len(truth["rep_times_ms"]) > 0
        _check_spans(truth["rep_times_ms"], duration)
        # the movement's far end: the top of a heel raise, the bottom of a squat, a tuck held
        (far,) = {"top", "bottom", "held"} & {key[:-3] for key in truth["rep_times_ms"][0]}
        for rep in truth["rep_times_ms"]:
            assert rep["start_ms"] < rep[f"{far}_ms"] <= rep[f"{far}_end_ms"] < rep["end_ms"]
    if "circles" in truth:
        assert truth["circles"] == len(truth["circle_times_ms"]) > 0
        _check_spans(truth["circle_times_ms"], duration)
        assert truth["direction_for_person"] in ("clockwise", "anticlockwise")
        assert truth["direction_on_screen"] in ("clockwise", "anticlockwise")
        assert abs(truth["screen_turns"]) == pytest.approx(truth["circles"], abs=0.25)
    if "hold_seconds" in truth:
        (hold,) = truth["hold_times_ms"]
        _check_spans([hold], duration)
        assert (hold["end_ms"] - hold["start_ms"]) / 1000 == pytest.approx(
            truth["hold_seconds"], abs=1e-3
        )
    if truth["exercise"] == STANCE:
        assert truth["still"] is True
        assert set(truth["measures"]) == set(truth["measures_range"])
    else:
        assert sum(k in truth for k in ("reps", "circles", "hold_seconds")) == 1


@pytest.mark.slow  # over 0.1 s on a clean clone: .ci/run runs it, make test keeps its time
@pytest.mark.parametrize("path", TRUTH_FILES, ids=lambda p: p.stem)
def test_video_opens_with_the_stated_frames(path: Path) -> None:
    cv2 = pytest.importorskip("cv2")
    truth = _load(path)
    capture = cv2.VideoCapture(str(CLIPS / truth["video"]))
    try:
        assert capture.isOpened()
        assert int(capture.get(cv2.CAP_PROP_FRAME_COUNT)) == truth["frames"]
        assert capture.get(cv2.CAP_PROP_FPS) == pytest.approx(truth["fps"], rel=1e-3)
        decoded = 0
        while True:
            ok, frame = capture.read()
            if not ok:
                break
            assert frame.shape == (truth["size"][1], truth["size"][0], 3)
            decoded += 1
    finally:
        capture.release()
    assert decoded == truth["frames"]
