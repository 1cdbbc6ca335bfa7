"""Drawing: each measure is drawn from its row, and reference lines turn only by a roll the
measures used."""

from __future__ import annotations

import numpy as np
import pytest

from posecheck.analysis import Analysis
from posecheck.draw import MIN_PICTURE_SIDE, draw_analysis, draw_measures, draw_pose
from posecheck.exercises import build_plan
from posecheck.findings import assess, finding_keys
from posecheck.images import LoadedImage
from posecheck.measures import MEASURES_BY_NAME, Measurement, MeasureName, measure_pose
from posecheck.roll import roll_to_undo
from posecheck.types import CameraRoll, Detection, Landmark, Pose, Status, View
from posecheck.views import ViewEstimate
from tests.poses import FRONT, make_pose

L = Landmark
BLACK = np.zeros((1000, 1000, 3), dtype=np.uint8)
MARKED_RED = (230, 40, 40)
NOT_JUDGED_GREY = (160, 160, 160)  # a reading the report does not judge (held, experimental)


def _measurement(name: MeasureName, value: float, status: Status, view: View) -> Measurement:
    spec = MEASURES_BY_NAME[name]
    return Measurement(
        name, value, spec.unit, 0.9, status, spec.normal, spec.resolve(view), view, ""
    )


def _is(colour: tuple[int, int, int], pixel: np.ndarray, tolerance: int = 40) -> bool:
    return bool(np.all(np.abs(pixel.astype(int) - np.array(colour)) <= tolerance))


def test_right_rearfoot_is_drawn_on_the_right_leg() -> None:
    """It used to be drawn from the right ankle to the left hip (a name-suffix match)."""
    # seen from behind, the person's right leg is on the image's right; heel off the shin's line
    pose = make_pose({L.RIGHT_HEEL: (480, 915)})
    name = MeasureName.RIGHT_REARFOOT_ANGLE
    canvas = draw_measures(BLACK, pose, {name: _measurement(name, 12.0, Status.MARKED, View.BACK)})
    knee, ankle, hip = pose.xy[L.RIGHT_KNEE], pose.xy[L.RIGHT_ANKLE], pose.xy[L.LEFT_HIP]
    on_shin = np.round((knee + ankle) / 2).astype(int)
    to_hip = np.round((ankle + hip) / 2).astype(int)
    assert _is(NOT_JUDGED_GREY, canvas[on_shin[1], on_shin[0]])  # experimental: never judged
    assert not canvas[to_hip[1], to_hip[0]].any(), "nothing drawn toward the other hip"


@pytest.mark.parametrize("spec", list(MEASURES_BY_NAME.values()), ids=lambda s: s.name.value)
def test_every_measure_draws_its_label_and_lines(spec: object) -> None:
    from posecheck.measures import MeasureSpec

    assert isinstance(spec, MeasureSpec)
    view = sorted(spec.views)[0]
    pose = make_pose()
    measurement = _measurement(spec.name, 1.0, Status.NORMAL, view)
    canvas = draw_measures(BLACK, pose, {spec.name: measurement})
    assert canvas.shape == BLACK.shape and canvas.any()
    assert not BLACK.any(), "the input is not drawn on"


def test_unknown_measures_are_not_drawn() -> None:
    name = MeasureName.HEAD_TILT
    spec = MEASURES_BY_NAME[name]
    unknown = Measurement(
        name, None, spec.unit, 0.0, Status.UNKNOWN, spec.normal, (), View.FRONT, "hidden"
    )
    assert not draw_measures(BLACK, make_pose(), {name: unknown}).any()


def test_small_pictures_are_enlarged_for_legible_labels() -> None:
    small = np.zeros((200, 100, 3), dtype=np.uint8)
    name = MeasureName.SHOULDER_TILT
    pose = make_pose()
    canvas = draw_measures(
        small, pose, {name: _measurement(name, 1.0, Status.NORMAL, View.FRONT)}, scale=0.2
    )
    assert max(canvas.shape[:2]) == MIN_PICTURE_SIDE


def _analysis(
    pose: Pose, roll: CameraRoll, name: MeasureName = MeasureName.SHOULDER_TILT
) -> Analysis:
    """An analysis with only one level measured (the shoulders'), so one reference line is
    drawn."""
    image = LoadedImage(BLACK.copy(), 1000, 1000, 1.0, "PNG", "test.png")
    view = ViewEstimate(View.FRONT, 0.9, False, "test")
    measured = measure_pose(pose, view, roll, calibrations={})
    level = {name: measured[name]}
    assessment = assess(level)
    return Analysis(
        name="test.png", model="test", image=image, detection=Detection((pose,), 0), view=view,
        roll=roll, measurements=level, checks=(), assessment=assessment,
        plan=build_plan(finding_keys(assessment)),
    )  # fmt: skip


#: Shoulders tilted so that their own line is not horizontal: the reference line starts at the
#: lower (right) shoulder, (420, 220), and runs along the true horizontal.
TILTED = make_pose({L.LEFT_SHOULDER: (580, 180), L.RIGHT_SHOULDER: (420, 220)})
ON_HORIZONTAL = (220, 460)  # row, column: on the reference line only when it is not turned


def test_no_roll_estimate_leaves_the_reference_lines_level() -> None:
    """The hips' level, which a roll moves by less than its error, is given with no roll
    estimate, against the picture's own horizontal (the shoulders' is not given at all)."""
    nothing = CameraRoll(None, 0.0, "none", "no vertical edges")
    assert not draw_analysis(_analysis(TILTED, nothing), skeleton=False).any()  # no line
    hips = make_pose({L.LEFT_HIP: (550, 480), L.RIGHT_HIP: (450, 520)})
    picture = draw_analysis(_analysis(hips, nothing, MeasureName.PELVIC_TILT), labels=False)
    assert _is((255, 255, 255), picture[520, 490], tolerance=60)  # level from the lower hip


def test_a_weak_roll_turns_the_reference_lines_as_far_as_the_measures_undo_it() -> None:
    """A weak estimate is combined with the plausible roll of a hand-held phone: the lines turn
    by what the measures undo, less than the estimate."""
    weak = CameraRoll(10.0, 0.1, "vertical edges", "a weak estimate")
    undone = roll_to_undo(weak).degrees
    assert 5.0 < undone < 10.0
    picture = draw_analysis(_analysis(TILTED, weak))
    assert not _is((255, 255, 255), picture[ON_HORIZONTAL], tolerance=60)
    turned = (220 + round(40 * np.tan(np.radians(undone))), 460)
    assert _is((255, 255, 255), picture[turned], tolerance=60)


def test_a_roll_the_measures_used_turns_the_reference_lines() -> None:
    sure = CameraRoll(10.0, 0.9, "vertical edges", "a clear estimate")
    picture = draw_analysis(_analysis(TILTED, sure))
    assert not _is((255, 255, 255), picture[ON_HORIZONTAL], tolerance=60)
    # 10° clockwise on screen: 40 px to the right of its start the line is 7 px lower
    turned = (220 + round(40 * np.tan(np.radians(10.0))), 460)
    assert _is((255, 255, 255), picture[turned], tolerance=60)


def test_the_vertical_turns_by_its_own_roll_where_the_body_stands() -> None:
    """The shifts are taken against the vertical where the body stands (``upright_degrees``):
    their reference line turns by that, the levels' by the roll."""
    name = MeasureName.PELVIS_SHIFT
    shift = {name: _measurement(name, 0.0, Status.NORMAL, View.FRONT)}
    # the reference runs up from the ankles' midpoint (500, 900); 200 px up, 8° leans 28 px
    on_leaned = (700, 500 + round(200 * np.tan(np.radians(8.0))))
    straight = draw_measures(BLACK, make_pose(), shift)
    leaned = draw_measures(BLACK, make_pose(), shift, vertical_degrees=8.0)
    assert _is((255, 255, 255), leaned[on_leaned], tolerance=60)
    assert not _is((255, 255, 255), straight[on_leaned], tolerance=60)


def test_the_skeleton_colours_sides_and_hidden_points() -> None:
    pose = make_pose(hidden=(L.LEFT_ANKLE,))
    canvas = draw_pose(BLACK, pose)
    x, y = (int(v) for v in FRONT[L.RIGHT_KNEE])
    assert _is((0, 150, 255), canvas[y, x])  # the person's right: blue
    x, y = (int(v) for v in FRONT[L.LEFT_KNEE])
    assert _is((255, 140, 0), canvas[y, x])  # left: orange
    x, y = (int(v) for v in FRONT[L.LEFT_ANKLE])
    assert _is((150, 150, 150), canvas[y, x])  # hidden: grey


def test_the_layers_switch_off_one_by_one_and_the_picture_keeps_its_size() -> None:
    analysis = _analysis(TILTED, CameraRoll(0.0, 0.9, "vertical edges", "a level camera"))
    full = draw_analysis(analysis)
    assert np.array_equal(full, draw_analysis(analysis, skeleton=True, lines=True, labels=True))
    bare = draw_analysis(analysis, skeleton=False, lines=False, labels=False)
    assert bare.shape == full.shape and not bare.any()  # the black photo, nothing on it
    skeleton_only = draw_analysis(analysis, lines=False, labels=False)
    x, y = (int(v) for v in FRONT[L.LEFT_KNEE])
    assert _is((255, 140, 0), skeleton_only[y, x])
    assert not skeleton_only[ON_HORIZONTAL].any()  # no reference line without the lines
    lines_only = draw_analysis(analysis, skeleton=False, labels=False)
    assert _is((255, 255, 255), lines_only[ON_HORIZONTAL], tolerance=60)
    assert not lines_only[y, x].any()
    labels_only = draw_analysis(analysis, skeleton=False, lines=False)
    dark_box = np.all(labels_only == 20, axis=2)  # a label's background
    assert dark_box.sum() > 500 and not np.all(lines_only == 20, axis=2).any()


def test_a_long_label_is_moved_off_another_one_it_would_cover() -> None:
    """Anchors far enough apart can still overlap when a label is long (or pushed in from the
    picture's edge): the label's real box decides."""
    from posecheck.draw import _box_of, _free_spot, _overlap

    long_text = "left knee angle from the front +17.2 deg and more words"
    first = np.array([300.0, 500.0])
    placed = [(first, _box_of(BLACK, long_text)(first))]
    second = np.array([570.0, 505.0])  # 270 px to the right: beyond the old 12-step guess
    box = _box_of(BLACK, "right knee angle from the front +7.0 deg")
    assert _overlap(box(second), placed[0][1])  # where it would have gone
    moved = _free_spot(second, placed, step=22.0, box=box)
    assert moved[0] == second[0] and moved[1] > second[1]
    assert not _overlap(box(moved), placed[0][1])


@pytest.mark.slow  # over 0.2 s on a clean clone: .ci/run runs it, make test keeps its time
def test_status_marks_tell_the_status_by_shape_colour_and_words() -> None:
    """With ``status_marks`` the status is not colour alone: the Okabe-Ito colour, the body
    map's shape before each label, and the status in words (a longer label)."""
    from posecheck.bodymap import OKABE_ITO

    pose = make_pose()
    name = MeasureName.RIGHT_KNEE_ANGLE_FRONTAL  # a judged measure
    pictures = {}
    for status in (Status.NORMAL, Status.POSSIBLE, Status.MILD, Status.MARKED):
        measures = {name: _measurement(name, 12.0, status, View.FRONT)}
        plain = draw_measures(BLACK, pose, measures)
        marked = draw_measures(BLACK, pose, measures, status_marks=True)
        colour = np.array(OKABE_ITO[status])
        assert (np.abs(marked.astype(int) - colour).sum(axis=2) < 30).sum() > 50, status
        # the label's dark box is longer: the words and the shape's room
        assert np.all(marked == 20, axis=2).sum() > np.all(plain == 20, axis=2).sum() + 400
        pictures[status] = marked
    assert not np.array_equal(pictures[Status.MILD], pictures[Status.MARKED])


@pytest.mark.slow  # draws six pictures
def test_a_reading_the_report_does_not_judge_is_not_drawn_as_a_warning() -> None:
    """A held reading (its finding held back: the roll unknown, say) and an experimental one
    (shown, never judged) outside the usual range are drawn in the "not judged" grey with its
    "?" and those words, as the body map and the live video say it, never as "outside" in a
    warning's colour; a judged reading outside it is."""
    from dataclasses import replace

    from posecheck.bodymap import OKABE_ITO

    def drawn(measurement: Measurement) -> np.ndarray:
        return draw_measures(BLACK, make_pose(), {measurement.name: measurement}, status_marks=True)

    def shows(picture: np.ndarray, colour: tuple[int, int, int]) -> int:
        return int((np.abs(picture.astype(int) - np.array(colour)).sum(axis=2) < 30).sum())

    knee = _measurement(MeasureName.RIGHT_KNEE_ANGLE_FRONTAL, 12.0, Status.MILD, View.FRONT)
    hips = _measurement(MeasureName.PELVIC_TILT, 6.0, Status.MILD, View.FRONT)
    assert not MEASURES_BY_NAME[hips.name].for_findings
    grey, orange = OKABE_ITO[Status.UNKNOWN], OKABE_ITO[Status.MILD]
    judged = drawn(knee)
    assert shows(judged, orange) > 50 and shows(judged, grey) < 10
    for unjudged in (replace(knee, held=True), hips):
        picture = drawn(unjudged)
        assert shows(picture, orange) < 10 and shows(picture, grey) > 50, unjudged.name
