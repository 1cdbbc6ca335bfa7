"""``python -m posecheck.dev profile``: the photo path's steps, found in a real profile."""

from __future__ import annotations

from typing import Any

import pytest

from posecheck.dev.profile_path import (
    STEPS,
    Hotspot,
    PathProfile,
    Step,
    _cumulative_ms,
    _describe,
    format_profile,
    profile_photo_path,
)
from posecheck.samples import sample_paths

_ANALYSIS = "/site/posecheck/analysis.py"
_FUTURES = "/usr/lib/python3.11/concurrent/futures/_base.py"
_MEDIAPIPE = "/site/mediapipe/tasks/python/vision/pose_landmarker.py"


def _row(own: float, cumulative: float, callers: dict[Any, Any]) -> tuple[Any, ...]:
    return (1, 1, own, cumulative, callers)


def test_a_step_sums_its_function_over_two_runs() -> None:
    stats = {(_ANALYSIS, 10, "interpret"): _row(0.001, 0.016, {})}
    assert _cumulative_ms(stats, "posecheck/analysis.py", "interpret", runs=2) == pytest.approx(8.0)
    assert _cumulative_ms(stats, "posecheck/analysis.py", "absent", runs=2) is None
    # the same name in another file is not the step
    assert _cumulative_ms(stats, "posecheck/measures.py", "interpret", runs=2) is None


def test_a_step_named_with_its_caller_counts_only_those_calls() -> None:
    """MediaPipe waits on futures too: only the analyser's wait for the edges is that step."""
    callers = {
        (_ANALYSIS, 220, "analyze_image"): (1, 1, 0.0, 0.002),
        (_MEDIAPIPE, 400, "detect"): (1, 1, 0.0, 0.060),
    }
    stats = {(_FUTURES, 430, "result"): _row(0.0, 0.062, callers)}
    wait = _cumulative_ms(stats, "concurrent/futures/_base.py", "result<-posecheck/analysis.py", 2)
    assert wait == pytest.approx(1.0)


def test_functions_are_named_for_people_reading_the_profile() -> None:
    assert _describe(("~", 0, "<built-in method cv2.calcHist>")) == "built-in method cv2.calcHist"
    assert (
        _describe(("/x/site/posecheck/roll.py", 525, "_refine"))
        == "_refine (posecheck/roll.py:525)"
    )


def test_the_report_lists_every_step_and_says_what_is_missing() -> None:
    steps = tuple(Step(label, 1.5 if i else None) for i, (_, _, label) in enumerate(STEPS))
    text = format_profile(
        PathProfile("full", 8, 5, 44.0, steps, (Hotspot("built-in method imdecode", 3.2),))
    )
    assert "the whole path without the profiler: 44.0" in text
    for _, _, label in STEPS:
        assert label.strip() in text
    assert "   1.50" in text and " -" in text
    assert "3.20  built-in method imdecode" in text


def test_no_photos_and_no_passes_are_refused() -> None:
    with pytest.raises(ValueError, match="no photos"):
        profile_photo_path([])
    with pytest.raises(ValueError, match="at least 1"):
        profile_photo_path(["x.jpg"], repeats=0)


@pytest.mark.slow
def test_a_real_profile_finds_every_step_inside_the_whole_path() -> None:
    photo = str(sample_paths()[0])
    report = profile_photo_path([photo], model="lite", repeats=1)
    found = {step.label.strip(): step.ms for step in report.steps}
    assert all(ms is not None for ms in found.values()), found
    whole = found["the whole path, profiled"]
    assert whole is not None and report.bare_ms > 0
    parts = [
        found[label]
        for label in ("reading and decoding the file", "the pose model, with the landmarks' copy",
                      "everything after the model")
    ]  # fmt: skip
    assert sum(p or 0.0 for p in parts) <= whole
    after = found["everything after the model"] or 0.0
    inner = ("the view", "the camera roll's fit", "the measures", "the capture checks")
    assert sum(found[label] or 0.0 for label in inner) <= after
    assert report.hotspots and all(spot.own_ms >= 0 for spot in report.hotspots)
