"""The command line's words for a photo that is not judged: each reason and each step once."""

from __future__ import annotations

from posecheck.analysis import _not_judged
from posecheck.measures import Measurement, MeasureName
from posecheck.report import _measure_lines
from posecheck.types import CaptureCheck, Status, View


def _unknown(name: str, reason: str) -> Measurement:
    return Measurement(name, None, "deg", 0.0, Status.UNKNOWN, (0.0, 1.0), (), View.FRONT, reason)


def test_measures_unknown_for_one_reason_share_a_line_where_the_first_stands() -> None:
    known = Measurement(
        "stance_width", 1.2, "ratio", 0.9, Status.NORMAL, (0.5, 1.8), (), View.FRONT
    )
    readings = [
        _unknown("left_foot_angle", "not judged: a knee is bent"),
        known,
        _unknown("right_foot_angle", "not judged: a knee is bent"),
        _unknown("pelvic_tilt", "not visible enough: left hip"),
    ]
    lines = _measure_lines({MeasureName(m.name): m for m in readings})
    assert len(lines) == 3
    assert lines[0].split() == [
        "left_foot_angle,", "right_foot_angle", "unknown:", "not", "judged:", "a", "knee", "is",
        "bent",
    ]  # fmt: skip
    assert lines[1].split()[:2] == ["stance_width", "1.2"]
    assert lines[2].split()[:2] == ["pelvic_tilt", "unknown:"]


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
