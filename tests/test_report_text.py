"""The command line's words: measures by their names in words with their error, and for a photo
that is not judged each reason and each step once."""

from __future__ import annotations

from dataclasses import replace

from posecheck.analysis import AnalysisFailure, _not_judged
from posecheck.errors import ErrorCode, NoPersonError
from posecheck.measures import Measurement, MeasureName
from posecheck.report import _measure_lines, _retake_lines, summary_text
from posecheck.types import CaptureCheck, Status, View


def _unknown(name: str, reason: str) -> Measurement:
    return Measurement(name, None, "deg", 0.0, Status.UNKNOWN, (0.0, 1.0), (), View.FRONT, reason)


def test_measures_unknown_for_one_reason_share_a_line_where_the_first_stands() -> None:
    normal = Status.NORMAL
    known = Measurement(
        "stance_width", 1.234, "ratio", 0.9, normal, (0.5, 1.8), (), View.FRONT, "", 0.15
    )
    readings = [
        _unknown("left_foot_angle", "not judged: a knee is bent"),
        known,
        _unknown("right_foot_angle", "not judged: a knee is bent"),
        _unknown("pelvic_tilt", "not visible enough: left hip"),
    ]
    lines = _measure_lines({MeasureName(m.name): m for m in readings})
    # by their names in words, not their identifiers
    assert [" ".join(line.split()) for line in lines] == [
        "left foot angle, right foot angle: unknown, not judged: a knee is bent",
        "stance width 1.23 ± 0.15 usual (usual 0.5 to 1.8; confidence 0.90)",
        "hip level: unknown, not visible enough: left hip",
    ]


def test_a_reading_shows_its_error_in_its_unit() -> None:
    shift = Measurement(
        "trunk_shift", -13.46, "% hip width", 0.63, Status.POSSIBLE, (-10.0, 10.0), (),
        View.FRONT, "", 20.57,
    )  # fmt: skip
    foot = Measurement(
        "left_foot_angle", 35.1, "deg", 0.61, Status.MARKED, (0.0, 15.0), (), View.FRONT, "", 5.0
    )
    lines = _measure_lines({MeasureName(m.name): m for m in (shift, foot)})
    # the sideways position is shown, never judged: it is outside, not worth a recheck
    assert lines[0].split("  outside")[0].endswith("-13.5 ± 20.6 % of hip width")
    assert lines[0].endswith("confidence 0.63; experimental: shown, not judged)")
    assert lines[1].split("  MARKED")[0].endswith("35.1 ± 5.0°")


def test_a_photo_with_nobody_found_says_what_its_failed_checks_suggest() -> None:
    """A photo too dark for the model to find anyone says so, and what to do; one whose checks
    all passed (or could not tell) gives the error alone."""
    nobody = NoPersonError("No person was found in this photo.", code=ErrorCode.NO_PERSON)
    dark = CaptureCheck("lighting", False, "too dark: median 3 of 255", "Add light.")
    unsure = CaptureCheck("sharpness", None, "could not tell", "Hold still.")
    text = summary_text(AnalysisFailure("dark.jpg", "full", nobody, checks=(dark, unsure)))
    assert text.splitlines() == [
        "dark.jpg: could not analyse (no_person): No person was found in this photo.",
        "  Likely why: too dark: median 3 of 255. Add light.",
    ]
    lit = replace(dark, passed=True, reason="bright enough", advice="")
    text = summary_text(AnalysisFailure("lit.jpg", "full", nobody, checks=(lit,)))
    assert text == "lit.jpg: could not analyse (no_person): No person was found in this photo."


def test_a_step_two_failed_checks_both_advise_is_said_once() -> None:
    level = "Hold the phone upright at about hip height rather than tilting it."
    blocking = [
        CaptureCheck("whole_body", False, "feet cut off", f"Step back. {level}"),
        CaptureCheck("feet_in_frame", False, "toes outside", f"Step back a little more.  {level}"),
        CaptureCheck("square_to_camera", False, "turned", "Stand square to the camera."),
    ]
    summary = _not_judged(blocking).summary
    assert summary.count(level) == 1
    assert summary.endswith(
        f"Step back. {level} Step back a little more. Stand square to the camera."
    )
    assert "(feet cut off; toes outside; turned)" in summary


def test_a_finding_line_gives_its_status_and_confidence_as_a_number() -> None:
    from posecheck.exercises import build_plan
    from posecheck.findings import assess
    from posecheck.report import _judgement_lines

    foot = Measurement(
        "left_foot_angle", 35.1, "deg", 0.61, Status.MARKED, (0.0, 15.0), (), View.FRONT, "", 5.0
    )
    assessment = assess({MeasureName.LEFT_FOOT_ANGLE: foot})
    plan = build_plan([f.key for f in assessment.findings])
    (line,) = [line for line in _judgement_lines(assessment, plan) if line.startswith("  - ")]
    assert "[marked, confidence 0.61]: " in line  # the words after it say how sure, in words
    assert "moderately clearly" in line


def test_a_failed_capture_check_is_named_in_words() -> None:
    small = CaptureCheck("person_size", False, "the body is about 300 px tall", "Step closer.")
    level = CaptureCheck("camera_level", None, "could not tell", "Include a door frame.")
    assert _retake_lines([small, level]) == [
        "  retake? The body large enough: the body is about 300 px tall. Step closer."
    ]
