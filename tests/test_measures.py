"""Measures on hand-built poses with hand-computed answers, plus conventions and invariances."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from posecheck.calibration import Calibration
from posecheck.geometry import rotate_points
from posecheck.measures import (
    FAR_SIDE_SHARE,
    MEASURES,
    MEASURES_BY_NAME,
    Measurement,
    MeasureName,
    measure_pose,
    mirrored_name,
)
from posecheck.types import CameraRoll, Landmark, Pose, Status, View
from posecheck.views import ViewEstimate
from tests.poses import BACK, FRONT, LEVEL, SIDE_LEFT, SIZE, make_pose, mirror_points

L = Landmark


def view(v: View, *, oblique: bool = False) -> ViewEstimate:
    return ViewEstimate(v, 0.9, oblique, "test")


def measure(
    points: dict[Landmark, tuple[float, float]],
    v: View,
    roll: CameraRoll | None = LEVEL,
    **kwargs: object,
) -> dict[str, Measurement]:
    base = {View.FRONT: FRONT, View.BACK: BACK, View.LEFT: SIDE_LEFT}[v]
    pose = make_pose(points, base=base, **kwargs)  # type: ignore[arg-type]
    return measure_pose(pose, view(v), roll, calibrations={})  # the raw geometry


def value(measures: dict[str, Measurement], name: str) -> float:
    result = measures[name].value
    assert result is not None, measures[name].reason
    return result


ROUNDING = 0.005  # measures are reported to 0.01
RISE_10 = 100 * math.tan(math.radians(10))  # over the 100 px between the hips


def test_neutral_front_pose_is_all_normal() -> None:
    measures = measure({}, View.FRONT)
    assert {m.status for m in measures.values()} == {Status.NORMAL}
    assert value(measures, "pelvic_tilt") == pytest.approx(0.0, abs=ROUNDING)
    assert value(measures, "stance_width") == pytest.approx(1.0, abs=ROUNDING)
    assert value(measures, "left_foot_angle") == pytest.approx(0.0, abs=ROUNDING)


@pytest.mark.parametrize("v", [View.FRONT, View.BACK])
def test_pelvic_tilt_left_hip_higher_is_positive(v: View) -> None:
    base = FRONT if v is View.FRONT else BACK
    x, y = base[L.LEFT_HIP]
    assert value(measure({L.LEFT_HIP: (x, y - RISE_10)}, v), "pelvic_tilt") == pytest.approx(
        10.0, abs=ROUNDING
    )
    x, y = base[L.RIGHT_HIP]
    assert value(measure({L.RIGHT_HIP: (x, y - RISE_10)}, v), "pelvic_tilt") == pytest.approx(
        -10.0, abs=ROUNDING
    )


def test_shoulder_tilt() -> None:
    # 160 px between the shoulders; the left 16 px higher: atan(0.1)
    x, y = FRONT[L.LEFT_SHOULDER]
    got = value(measure({L.LEFT_SHOULDER: (x, y - 16)}, View.FRONT), "shoulder_tilt")
    assert got == pytest.approx(math.degrees(math.atan(0.1)), abs=ROUNDING)


def test_head_tilt_toward_left_shoulder_is_positive() -> None:
    # the left eye 2 px lower over the 20 px between the eyes
    x, y = FRONT[L.LEFT_EYE]
    got = value(measure({L.LEFT_EYE: (x, y + 2)}, View.FRONT), "head_tilt")
    assert got == pytest.approx(math.degrees(math.atan(0.1)), abs=ROUNDING)
    assert "head_tilt" not in measure({}, View.BACK)  # front view only


@pytest.mark.parametrize(("v", "toward_left"), [(View.FRONT, 10.0), (View.BACK, -10.0)])
def test_trunk_shift_toward_left_is_positive(v: View, toward_left: float) -> None:
    base = FRONT if v is View.FRONT else BACK
    moved = {
        lm: (base[lm][0] + toward_left, base[lm][1]) for lm in (L.LEFT_SHOULDER, L.RIGHT_SHOULDER)
    }
    assert value(measure(moved, v), "trunk_shift") == pytest.approx(
        10.0, abs=ROUNDING
    )  # 10 px of a 100 px hip


def test_pelvis_shift() -> None:
    moved = {lm: (FRONT[lm][0] - 20, FRONT[lm][1]) for lm in (L.LEFT_HIP, L.RIGHT_HIP)}
    assert value(measure(moved, View.FRONT), "pelvis_shift") == pytest.approx(-20.0, abs=ROUNDING)


def test_stance_width() -> None:
    wide = {L.LEFT_ANKLE: (600, 900), L.RIGHT_ANKLE: (400, 900)}
    assert value(measure(wide, View.FRONT), "stance_width") == pytest.approx(2.0, abs=ROUNDING)


@pytest.mark.parametrize(("knee_x", "sign"), [(530.0, 1.0), (570.0, -1.0)])
def test_knee_frontal_valgus_positive(knee_x: float, sign: float) -> None:
    bend = 2 * math.degrees(math.atan(20 / 200))
    got = value(measure({L.LEFT_KNEE: (knee_x, 700)}, View.FRONT), "left_knee_angle_frontal")
    assert got == pytest.approx(sign * bend, abs=ROUNDING)


def test_right_knee_valgus_from_behind() -> None:
    # seen from behind the right leg is at image x=550, the midline (x=500) toward image-left
    got = value(measure({L.RIGHT_KNEE: (530, 700)}, View.BACK), "right_knee_angle_frontal")
    assert got == pytest.approx(2 * math.degrees(math.atan(20 / 200)), abs=ROUNDING)
    got = value(measure({L.RIGHT_KNEE: (560, 700)}, View.BACK), "right_knee_angle_frontal")
    assert got == pytest.approx(-2 * math.degrees(math.atan(10 / 200)), abs=ROUNDING)


def _turned_out_feet(theta: float, sin_phi: float) -> dict[Landmark, tuple[float, float]]:
    """Both feet turned out by theta, seen from a camera looking down at the floor at phi."""
    stature = (915 - 100) / 0.93
    length = 0.15 * stature
    side = length * math.sin(math.radians(theta))
    forward = length * math.cos(math.radians(theta)) * sin_phi
    return {
        L.LEFT_FOOT_INDEX: (550 + side, 915 + forward),
        L.RIGHT_FOOT_INDEX: (450 - side, 915 + forward),
    }


@pytest.mark.parametrize(("theta", "sin_phi"), [(0.0, 0.4), (10.0, 0.4), (20.0, 0.25), (30.0, 0.6)])
def test_foot_angle_undoes_the_floor_projection(theta: float, sin_phi: float) -> None:
    measures = measure(_turned_out_feet(theta, sin_phi), View.FRONT)
    assert value(measures, "left_foot_angle") == pytest.approx(theta, abs=ROUNDING)
    assert value(measures, "right_foot_angle") == pytest.approx(theta, abs=ROUNDING)


@pytest.mark.parametrize(("turn", "oblique"), [(5.0, False), (15.0, False), (30.0, True)])
def test_a_turned_body_is_oblique_and_not_measured(turn: float, oblique: bool) -> None:
    """Foot angles are taken against the camera's axis, so a body turned past 20° by its 3D hips
    and shoulders is oblique: nothing square-on is measured."""
    from posecheck.views import detect_view

    radians = math.radians(turn)
    world = np.zeros((33, 3))
    for left, right, half in (
        (L.LEFT_HIP, L.RIGHT_HIP, 0.1),
        (L.LEFT_SHOULDER, L.RIGHT_SHOULDER, 0.2),
    ):
        world[left] = (half * math.cos(radians), 0, half * math.sin(radians))
        world[right] = (-half * math.cos(radians), 0, -half * math.sin(radians))
    pose = make_pose(world=world)
    estimate = detect_view(pose)
    assert estimate.view is View.FRONT and estimate.oblique is oblique
    measures = measure_pose(pose, estimate)
    assert (measures["left_foot_angle"].status is Status.UNKNOWN) is oblique


def test_rearfoot_eversion_positive() -> None:
    # from behind the left heel tilting outward moves it toward image-left
    got = value(measure({L.LEFT_HEEL: (440, 930)}, View.BACK), "left_rearfoot_angle")
    assert got == pytest.approx(math.degrees(math.atan(10 / 30)), abs=ROUNDING)
    assert "left_rearfoot_angle" not in measure({}, View.FRONT)  # back view only


def test_forward_head_angle() -> None:
    # both ears 50 px ahead (image-left) and 100 px above the shoulders
    ears = {L.LEFT_EAR: (450, 100), L.RIGHT_EAR: (450, 100)}
    got = value(measure(ears, View.LEFT), "forward_head_angle")
    assert got == pytest.approx(math.degrees(math.atan2(100, 50)), abs=ROUNDING)


def test_forward_head_angle_takes_the_points_part_way_to_the_far_side() -> None:
    # ears over the shoulders (x 500); the near (left) ear then 50 px ahead, the far one not:
    # the angle sees (1 - FAR_SIDE_SHARE) of that
    ears = {L.LEFT_EAR: (450, 100), L.RIGHT_EAR: (500, 100)}
    got = value(measure(ears, View.LEFT), "forward_head_angle")
    ahead = (1 - FAR_SIDE_SHARE) * 50
    assert got == pytest.approx(math.degrees(math.atan2(100, ahead)), abs=ROUNDING)
    # a turn moves the near shoulder 20 px forward and the far one 20 px back: the angle sees
    # (1 - 2 x FAR_SIDE_SHARE) of that, not all of it
    turned = {
        L.LEFT_EAR: (500, 100), L.RIGHT_EAR: (500, 100),
        L.LEFT_SHOULDER: (480, 200), L.RIGHT_SHOULDER: (520, 200),
    }  # fmt: skip
    moved = value(measure(turned, View.LEFT), "forward_head_angle")
    behind = 20 * (1 - 2 * FAR_SIDE_SHARE)
    assert moved == pytest.approx(math.degrees(math.atan2(100, -behind)), abs=ROUNDING)


@pytest.mark.parametrize(("knee_x", "sign"), [(515.0, 1.0), (485.0, -1.0)])
def test_knee_sagittal_hyperextension_positive(knee_x: float, sign: float) -> None:
    got = value(measure({L.LEFT_KNEE: (knee_x, 700)}, View.LEFT), "knee_angle_sagittal")
    assert got == pytest.approx(sign * 2 * math.degrees(math.atan(15 / 200)), abs=ROUNDING)


def test_trunk_lean_forward_positive() -> None:
    got = value(measure({L.LEFT_SHOULDER: (450, 200)}, View.LEFT), "trunk_lean")
    assert got == pytest.approx(math.degrees(math.atan(50 / 300)), abs=ROUNDING)


def test_plumb_ear_in_front_positive() -> None:
    stature = (915 - 100) / 0.93
    got = value(measure({L.LEFT_EAR: (470, 100)}, View.LEFT), "plumb_ear")
    assert got == pytest.approx(100 * 30 / stature, abs=ROUNDING)


def test_side_view_gives_side_measures_only() -> None:
    names = set(measure({}, View.LEFT))
    assert names == {
        "forward_head_angle", "knee_angle_sagittal", "trunk_lean",
        "plumb_ear", "plumb_shoulder", "plumb_hip", "plumb_knee",
    }  # fmt: skip


def test_hidden_landmarks_make_unknown_with_reason() -> None:
    measures = measure({}, View.FRONT, hidden=(L.LEFT_HEEL,))
    foot = measures["left_foot_angle"]
    assert foot.status is Status.UNKNOWN and foot.value is None
    assert "left_heel" in foot.reason
    assert measures["pelvic_tilt"].status is Status.NORMAL


def test_out_of_frame_landmarks_make_unknown() -> None:
    measures = measure({L.LEFT_ANKLE: (550, 1100)}, View.FRONT)
    assert measures["left_knee_angle_frontal"].status is Status.UNKNOWN


def test_oblique_view_is_not_measured_square_on() -> None:
    measures = measure_pose(make_pose(), view(View.FRONT, oblique=True))
    assert all(m.status is Status.UNKNOWN for m in measures.values())
    assert all("oblique" in m.reason for m in measures.values())


def test_status_is_three_way_with_the_known_error() -> None:
    spec = MEASURES_BY_NAME["shoulder_tilt"]  # normal ±2, known error 2, marked beyond 3 more
    assert spec.status(2.0) is Status.NORMAL  # inside the printed range
    assert spec.status(2.1) is Status.POSSIBLE  # never "normal" outside the printed range
    assert spec.status(-3.9) is Status.POSSIBLE  # outside, but within the error: recheck
    assert spec.status(-4.5) is Status.MILD  # clearly outside
    assert spec.status(7.5) is Status.MARKED
    assert spec.status(4.5, error=3.0) is Status.POSSIBLE  # a wider error band holds it back


@given(st.floats(-30, 30))
def test_normal_only_inside_the_printed_range(value: float) -> None:
    for spec in MEASURES:
        low, high = spec.normal
        assert (spec.status(value) is Status.NORMAL) == (low <= value <= high)


def test_every_measure_documents_its_convention() -> None:
    for spec in MEASURES:
        low, high = spec.normal
        assert low < high and spec.known_error > 0 and spec.sign and spec.reference
        assert spec.views


@given(st.floats(-12, 12), st.floats(-8, 8))
@settings(max_examples=60, deadline=None)
def test_roll_correction_undoes_a_rolled_camera(tilt: float, roll: float) -> None:
    """Rotate the whole pose by the roll: with the roll known, the tilt reads as before."""
    x, y = FRONT[L.LEFT_HIP]
    rise = 100 * math.tan(math.radians(tilt))
    upright = make_pose({L.LEFT_HIP: (x, y - rise)})
    rolled_xy = rotate_points(upright.xy, roll, (SIZE[0] / 2, SIZE[1] / 2))
    rolled = Pose(rolled_xy, upright.z, upright.visibility, upright.presence, None, SIZE)
    known = CameraRoll(roll, 0.9, "test", "test")
    got = measure_pose(rolled, view(View.FRONT), known, calibrations={})["pelvic_tilt"].value
    assert got == pytest.approx(round(tilt, 2), abs=0.011)


SIGNED_LATERAL = {"pelvic_tilt", "shoulder_tilt", "head_tilt", "trunk_shift", "pelvis_shift"}


jitter = st.floats(-15, 15)


@pytest.mark.slow  # over 0.2 s on a clean clone: .ci/run runs it, make test keeps its time
@given(
    st.lists(st.tuples(jitter, jitter), min_size=33, max_size=33),
    st.sampled_from([View.FRONT, View.BACK]),
)
@settings(max_examples=60, deadline=None)
def test_mirroring_swaps_sides_and_flips_lateral_signs(
    offsets: list[tuple[float, float]], v: View
) -> None:
    base = FRONT if v is View.FRONT else BACK
    points = {
        lm: (base[lm][0] + dx, base[lm][1] + dy)
        for lm, (dx, dy) in zip(Landmark, offsets, strict=True)
    }
    original = measure_pose(make_pose(points, base=base), view(v))
    mirrored = measure_pose(make_pose(mirror_points(points), base=base), view(v))
    for name, m in original.items():
        twin = mirrored[mirrored_name(name)]
        assert (m.value is None) == (twin.value is None)
        if m.value is None or twin.value is None:
            continue
        expected = -m.value if name in SIGNED_LATERAL else m.value
        assert twin.value == pytest.approx(expected, abs=0.011), name


# --- the body's turn and an unknown roll ---------------------------------------------------------


def _with_world(yaw_degrees: float) -> np.ndarray:
    """World landmarks whose hip and shoulder lines are turned by ``yaw_degrees`` (raw 3D yaw)."""
    world = np.zeros((len(L), 3))
    theta = math.radians(yaw_degrees)
    lines = ((L.LEFT_HIP, L.RIGHT_HIP, 0.1, 0.0), (L.LEFT_SHOULDER, L.RIGHT_SHOULDER, 0.18, -0.5))
    for left, right, half, height in lines:
        world[left] = (half * math.cos(theta), height, half * math.sin(theta))
        world[right] = (-half * math.cos(theta), height, -half * math.sin(theta))
    return world


def _turn_line(
    slope: float = -0.75, intercept: float = 4.0, sd: float = 2.5
) -> dict[str, Calibration]:
    return {"body_turn": Calibration(slope, intercept, 0.9, 100, "test", sd)}


@pytest.mark.parametrize("turn", [-10.0, 0.0, 6.0])
def test_foot_angles_are_taken_against_the_bodys_own_forward(turn: float) -> None:
    raw_yaw = -0.75 * turn + 4.0  # what the fitted line says MediaPipe reports at this turn
    pose = make_pose(_turned_out_feet(12.0, 0.4), world=_with_world(raw_yaw))
    level = CameraRoll(0.0, 0.9, "test", "test")  # a known roll: only the turn widens the band
    measured = measure_pose(pose, view(View.FRONT), level, calibrations=_turn_line())
    # the feet point 12° out against the camera; turned, against the body they point
    # 12 + turn (left) and 12 - turn (right)
    assert value(measured, "left_foot_angle") == pytest.approx(12.0 + turn, abs=0.05)
    assert value(measured, "right_foot_angle") == pytest.approx(12.0 - turn, abs=0.05)
    # the turn's uncertainty widens the feet's error band, and only theirs
    assert measured["left_foot_angle"].error == pytest.approx(math.hypot(5.0, 2.5), abs=0.01)
    assert measured["left_knee_angle_frontal"].error == 5.0


@pytest.mark.parametrize(("turn", "held"), [(10.0, True), (-10.0, False), (0.0, False)])
def test_a_turned_body_holds_back_the_nearer_knees_valgus(turn: float, held: bool) -> None:
    """A bent knee moves forward, and a body turned by t shows that sideways: the knee nearer the
    camera looks knocked in by about atan(tan(20°) sin t) (turned +10°, the left knee: 3.6°).
    So an 11.4° valgus there is only "possible"; the farther knee's, or a square-on one, is not
    widened."""
    level = CameraRoll(0.0, 0.9, "test", "test")
    pose = make_pose({L.LEFT_KNEE: (530, 700)}, world=_with_world(-0.75 * turn + 4.0))
    knee = measure_pose(pose, view(View.FRONT), level, calibrations=_turn_line())[
        "left_knee_angle_frontal"
    ]
    assert knee.value == pytest.approx(2 * math.degrees(math.atan(20 / 200)), abs=ROUNDING)
    leak = math.degrees(math.atan(math.tan(math.radians(20.0)) * math.sin(math.radians(10.0))))
    assert knee.error == pytest.approx(5.0 + leak if held else 5.0, abs=0.01)
    assert (knee.status is Status.POSSIBLE) == held
    assert knee.status.clearly_outside != held
    assert ("knee bent a little would look like this" in knee.reason) == held
    assert knee.held == held


def test_the_bend_leak_widens_only_the_direction_a_bend_would_read() -> None:
    from posecheck.measures import Turn, bend_leak

    left = MEASURES_BY_NAME[MeasureName.LEFT_KNEE_ANGLE_FRONTAL]
    right = MEASURES_BY_NAME[MeasureName.RIGHT_KNEE_ANGLE_FRONTAL]
    turned = Turn(-15.0, 3.6, estimated=True)  # the camera round toward the person's right
    assert bend_leak(right, 8.0, turned) > 5.0  # the nearer knee: a bend reads as valgus
    assert bend_leak(right, -8.0, turned) == 0.0
    assert bend_leak(left, -8.0, turned) == bend_leak(right, 8.0, turned)  # farther: as varus
    assert bend_leak(left, 8.0, turned) == 0.0
    assert bend_leak(right, 8.0, Turn(0.0, 8.0, estimated=False)) == 0.0  # back views
    foot = MEASURES_BY_NAME[MeasureName.RIGHT_FOOT_ANGLE]
    assert bend_leak(foot, 8.0, turned) == 0.0


def test_without_a_turn_estimate_the_feet_carry_the_plausible_turn() -> None:
    pose = make_pose(_turned_out_feet(12.0, 0.4))  # no world landmarks, no fitted line
    level = CameraRoll(0.0, 0.9, "test", "test")
    measured = measure_pose(pose, view(View.FRONT), level, calibrations={})
    assert measured["left_foot_angle"].error == pytest.approx(math.hypot(5.0, 8.0), abs=0.01)


def test_a_body_turned_too_far_leaves_the_feet_unknown() -> None:
    pose = make_pose(_turned_out_feet(12.0, 0.4), world=_with_world(-0.75 * 18.0 + 4.0))
    measured = measure_pose(pose, view(View.FRONT), calibrations=_turn_line())
    foot = measured["left_foot_angle"]
    assert foot.value is None and "turned about 18°" in foot.reason


def test_a_second_look_at_the_mirror_image_averages_the_two_turns() -> None:
    """Both ways: each look's turn through the fitted line, averaged. The model reads the photo
    (turned t) near 4 - 0.75 t and its mirror image (turned -t) near 4 + 0.75 t, each with noise
    of its own; the mirror image of the photo has the same two looks the other way round."""
    from dataclasses import replace

    from posecheck.estimator import mirror_pose
    from posecheck.measures import estimate_turn

    turn, line = 6.0, _turn_line()
    photo_yaw, mirror_yaw = -0.75 * turn + 4.0 + 1.0, 0.75 * turn + 4.0 + 0.4
    first = make_pose(world=_with_world(photo_yaw))
    seen_in_mirror = make_pose(world=_with_world(mirror_yaw))  # as the flipped picture gives it
    both = replace(first, mirror_world=mirror_pose(seen_in_mirror).world)
    one = estimate_turn(first, View.FRONT, line).degrees
    own = estimate_turn(seen_in_mirror, View.FRONT, line).degrees
    two = estimate_turn(both, View.FRONT, line).degrees
    assert one == pytest.approx(turn - 4 / 3) and own == pytest.approx(-turn - 0.4 / 0.75)
    assert two == pytest.approx((one - own) / 2)
    assert two == pytest.approx(turn - (1.0 - 0.4) / 2 / 0.75)  # the noise partly averages out
    flipped = estimate_turn(mirror_pose(both), View.FRONT, line).degrees
    assert flipped == pytest.approx(-two)
    # one look is not mirror-exact: the mirror of the photo's pose is not what the model reads
    assert estimate_turn(mirror_pose(first), View.FRONT, line).degrees != pytest.approx(-one)


def test_with_the_roll_unknown_a_reading_the_roll_moves_by_its_error_is_not_given() -> None:
    """A phone tilted the plausible 3° moves a shoulder tilt by 3°, more than its known error
    (2°): with the roll unknown the reading is unknown, with the reason and what to do."""
    rise = 160 * math.tan(math.radians(8.0))  # over the 160 px between the shoulders
    points = {L.LEFT_SHOULDER: (580, 200 - rise), L.RIGHT_SHOULDER: (420, 200)}
    pose = make_pose(points)
    unknown = measure_pose(pose, view(View.FRONT), None, calibrations={})["shoulder_tilt"]
    assert unknown.value is None and unknown.status is Status.UNKNOWN and not unknown.held
    assert "roll is not known" in unknown.reason and "tilted 3° either way" in unknown.reason
    assert "door frame" in unknown.reason
    assert unknown.status_explained == f"unknown: {unknown.reason}"
    known = measure(points, View.FRONT)["shoulder_tilt"]
    assert known.value == pytest.approx(8.0, abs=0.05)
    assert known.status.clearly_outside and known.error == 2.0 and not known.held
    # the shifts and plumb offsets, which a roll moves by several times their error, likewise
    neutral = measure_pose(make_pose({}), view(View.FRONT), None, calibrations={})
    assert neutral["trunk_shift"].value is None and neutral["pelvis_shift"].value is None
    side = measure_pose(make_pose({}, base=SIDE_LEFT), view(View.LEFT), None, calibrations={})
    assert side["plumb_ear"].value is None and side["plumb_shoulder"].value is None


def test_the_forward_head_angle_needs_some_evidence_of_the_roll() -> None:
    """The roll moves the forward head angle degree for degree. With no roll estimate at all (the
    plausible 3°, 0.6 of its known error of 5°) the reading is not given, with the reason; a weak
    estimate (doubt 1.3°) gives it, its band widened, and it makes its finding."""
    ahead = 100 / math.tan(math.radians(35.0))  # ears this far ahead, 100 px above the shoulders
    ears = {L.LEFT_EAR: (500 - ahead, 100), L.RIGHT_EAR: (500 - ahead, 100)}
    unknown = measure(ears, View.LEFT, None)["forward_head_angle"]
    assert unknown.value is None and unknown.status is Status.UNKNOWN and not unknown.held
    assert "roll is not known" in unknown.reason and "door frame" in unknown.reason
    weak = measure(ears, View.LEFT, CameraRoll(0.0, 0.2, "test", "test"))["forward_head_angle"]
    assert weak.value == pytest.approx(35.0, abs=0.05)
    assert 1.2 <= weak.roll_doubt < 1.4 and weak.error == pytest.approx(5.0 + weak.roll_doubt)
    assert weak.status.clearly_outside and not weak.held
    assert "roll only roughly known" in weak.reason
    known = measure(ears, View.LEFT)["forward_head_angle"]
    assert known.status.clearly_outside and known.error == 5.0 and not known.held
    assert known.roll_doubt == 0.0 and known.status_explained == known.status.words
    # less sure by as much as its band widened, beside the roll's own share: 0.7 for a weak
    # estimate, against 0.8 + 0.2 x 0.9 for the level camera's estimate (LEVEL: confidence 0.9)
    expected = known.confidence / (0.8 + 0.2 * 0.9) * 0.7 * 5.0 / weak.error
    assert weak.confidence == pytest.approx(expected, abs=0.006)  # both rounded to 0.01


def test_a_measure_never_judged_is_held_for_the_roll_it_leans_on() -> None:
    """The hip level is never judged, but with the roll unknown its status would be the roll's:
    it is held like a judged reading (its words say why), not shown as outside the range."""
    rise = 120 * math.tan(math.radians(14.0))  # over the 120 px between the hips
    pose = make_pose({L.LEFT_HIP: (560, 500 - rise), L.RIGHT_HIP: (440, 500)})
    hips = measure_pose(pose, view(View.FRONT), None, calibrations={})["pelvic_tilt"]
    assert hips.value == pytest.approx(14.0, abs=0.05) and hips.roll_doubt > 0.0
    assert hips.held and hips.status is Status.POSSIBLE and "roll is not known" in hips.reason
    assert hips.status_words == "possible: not judged from this photo"
    # the words a card or the PDF shows: the reason only where the reader needs it
    assert hips.status_explained == f"possible: not judged from this photo: {hips.reason}"
    missing = replace(hips, value=None, status=Status.UNKNOWN, held=False, reason="hidden")
    assert missing.status_explained == "unknown: hidden"
    assert hips.error > MEASURES_BY_NAME[MeasureName.PELVIC_TILT].known_error  # the roll widens it
    known = measure_pose(
        pose, view(View.FRONT), CameraRoll(0.0, 0.9, "test", "test"), calibrations={}
    )["pelvic_tilt"]
    assert known.status.clearly_outside and not known.held
    assert known.status_words == "well outside the usual range (experimental: shown, not judged)"


def test_a_weak_roll_estimate_is_undone_in_part_with_less_doubt_than_none() -> None:
    """A roll found with confidence under ROLL_MIN_CONFIDENCE is combined with the plausible roll
    of a hand-held phone: most of it is undone, and the reading's doubt shrinks accordingly."""
    tilt, roll = 2.0, 6.0
    x, y = FRONT[L.LEFT_SHOULDER]
    upright = make_pose({L.LEFT_SHOULDER: (x, y - 160 * math.tan(math.radians(tilt)))})
    rolled_xy = rotate_points(upright.xy, roll, (SIZE[0] / 2, SIZE[1] / 2))
    rolled = Pose(rolled_xy, upright.z, upright.visibility, upright.presence, None, SIZE)
    front = view(View.FRONT)

    def shoulders(estimate: CameraRoll | None) -> Measurement:
        return measure_pose(rolled, front, estimate, calibrations={})["shoulder_tilt"]

    none = shoulders(None)
    weak = shoulders(CameraRoll(roll, 0.2, "vertical edges", "a weak estimate"))
    sure = shoulders(CameraRoll(roll, 0.9, "vertical edges", "a clear estimate"))
    assert sure.value == pytest.approx(tilt, abs=0.05) and sure.roll_doubt == 0.0
    # the weak estimate takes the reading most of the way from the rolled one (tilt + roll)
    # to the truth, and its doubt (1.3°) stays under the known error (2°), so it is given
    assert weak.value is not None and abs(weak.value - tilt) < 0.3 * roll
    assert 0.0 < weak.roll_doubt < 2.0
    assert weak.error == pytest.approx(2.0 + weak.roll_doubt, abs=0.01)
    assert "roughly known" in weak.reason and "+4.8°" in weak.reason
    # with no estimate at all, the plausible 3° would move it by more than that: not given
    assert none.value is None and "roll is not known" in none.reason
    # the hips' sideways position, which even the weak estimate's doubt moves by its whole error
    weak_roll = CameraRoll(roll, 0.2, "vertical edges", "a weak estimate")
    hips = measure_pose(rolled, front, weak_roll, calibrations={})["pelvis_shift"]
    assert hips.value is None and "only roughly known, give or take 1.3°" in hips.reason


def test_with_the_roll_unknown_no_foot_asymmetry_is_found() -> None:
    from posecheck.findings import assess

    # feet 30° and 5° out: 25° apart, far beyond the usual 10°
    left, right = _turned_out_feet(30.0, 0.4), _turned_out_feet(5.0, 0.4)
    points = {
        L.LEFT_FOOT_INDEX: left[L.LEFT_FOOT_INDEX],
        L.RIGHT_FOOT_INDEX: right[L.RIGHT_FOOT_INDEX],
    }
    pose = make_pose(points)
    level = CameraRoll(0.0, 0.9, "test", "test")
    known = measure_pose(pose, view(View.FRONT), level, calibrations={})
    unknown = measure_pose(pose, view(View.FRONT), None, calibrations={})
    feet = ("left_foot_angle", "right_foot_angle")
    assert [known[m].roll_doubt for m in feet] == [0.0, 0.0]
    # a roll of 3° moves the foot turned further out more: about 2.2° against 1.4°
    doubts = [unknown[m].roll_doubt for m in feet]
    assert 1.5 < doubts[0] < 3.0 and 0.5 < doubts[1] < doubts[0]
    assert "foot_angle_asymmetry" in [f.key for f in assess(known).findings]
    assert "foot_angle_asymmetry" not in [f.key for f in assess(unknown).findings]


def test_shifts_are_taken_against_the_vertical_where_the_body_stands() -> None:
    """A camera looking down sees true verticals converge below the picture: a person standing
    upright off its centre line leans on screen. With the roll's estimate knowing how fast the
    verticals converge, the shifts are taken against the vertical where the body stands."""
    k = 0.3  # the vanishing point 1/k long sides below the centre (about 17° down, focal = side)
    vanishing = np.array([SIZE[0] / 2, SIZE[1] / 2 + SIZE[1] / k])
    body = np.array([800.0, 500.0])  # 300 px right of the centre line

    def upright_at(x: float, y: float) -> tuple[float, float]:
        # the neutral pose moved right by 300 px, each height along the true vertical there
        along = body + (vanishing - body) * (y - body[1]) / (vanishing[1] - body[1])
        return (float(along[0] + x - 500.0), y)

    pose = make_pose({lm: upright_at(*xy) for lm, xy in FRONT.items()})
    front = view(View.FRONT)

    def shifts(inverse_distance: float) -> tuple[float, float]:
        estimate = CameraRoll(0.0, 0.9, "vertical edges", "test", inverse_distance)
        got = measure_pose(pose, front, estimate, calibrations={})
        pelvis, trunk = got["pelvis_shift"].value, got["trunk_shift"].value
        assert pelvis is not None and trunk is not None
        return pelvis, trunk

    pelvis, trunk = shifts(k)
    assert abs(pelvis) < 1.0 and abs(trunk) < 1.0
    # against the picture's own vertical, the upright body reads as a large shift
    pelvis_flat, trunk_flat = shifts(0.0)
    assert abs(pelvis_flat) > 20.0 and abs(trunk_flat) > 10.0
    # the horizontal is not leaned: the level shoulders stay level either way
    estimate = CameraRoll(0.0, 0.9, "vertical edges", "test", k)
    assert measure_pose(pose, front, estimate, calibrations={})["shoulder_tilt"].value == 0.0


def test_the_forward_head_line_is_drawn_where_the_angle_is_taken() -> None:
    xy = np.zeros((len(Landmark), 2))
    xy[L.LEFT_SHOULDER], xy[L.RIGHT_SHOULDER] = (480, 200), (520, 200)
    xy[L.LEFT_EAR], xy[L.RIGHT_EAR] = (450, 100), (500, 100)
    drawing = MEASURES_BY_NAME["forward_head_angle"].drawing
    shoulder, ear = drawing.positions(xy, View.LEFT)
    s = FAR_SIDE_SHARE
    assert shoulder == pytest.approx(((1 - s) * 480 + s * 520, 200))
    assert ear == pytest.approx(((1 - s) * 450 + s * 500, 100))
    # the other drawings are at their landmarks
    knee = MEASURES_BY_NAME["knee_angle_sagittal"].drawing
    assert [tuple(p) for p in knee.positions(xy, View.LEFT)] == [
        tuple(xy[lm]) for lm in knee.resolve(View.LEFT)
    ]


def test_a_turned_level_shoulder_line_shows_the_tilt_perspective_gives_it() -> None:
    """A level line turned t from the picture's plane, the camera's eye an angle e below it,
    shows a tilt of atan(tan e · tan t): taken off the shoulder tilt (as surely as the turn is
    there), with its doubt in the band, mirrored with the turn, and nothing without a turn
    estimate or the fitted entries."""
    from posecheck.measures import (
        SHOULDER_ELEVATION,
        SHOULDER_PERSPECTIVE,
        Turn,
        make_frame,
        measure_one,
        shoulder_elevation_raw,
        shoulder_perspective,
    )

    pose = make_pose({}, base=FRONT)
    frame = make_frame(pose, View.FRONT, None)
    raw = shoulder_elevation_raw(frame)
    rise = 0.2  # the fitted line says: tan e = raw - (raw - 0.2)
    line = Calibration(1.0, raw - rise, None, 10, "test", sd=0.05)
    taken = Calibration(1.0, 0.0, None, 10, "test")
    fitted = {SHOULDER_ELEVATION: line, SHOULDER_PERSPECTIVE: taken}
    turn = Turn(10.0, 4.0, estimated=True)
    shown = shoulder_perspective(frame, turn, fitted)
    assert shown is not None
    # taken in proportion to how surely the turn is there: 10² / (10² + 4²)
    sure = 100.0 / 116.0
    expected = sure * math.degrees(math.atan(rise * math.tan(math.radians(10.0))))
    assert shown.degrees == pytest.approx(expected)  # 1.74° of the 2.02° a 10° turn shows
    spread = math.hypot(rise * math.radians(4.0), math.tan(math.radians(10.0)) * 0.05)
    assert shown.doubt == pytest.approx(math.degrees(spread))
    mirrored = shoulder_perspective(frame, Turn(-10.0, 4.0, estimated=True), fitted)
    assert mirrored is not None and mirrored.degrees == pytest.approx(-expected)
    halved = shoulder_perspective(
        frame, turn, {**fitted, SHOULDER_PERSPECTIVE: replace(taken, slope=0.5)}
    )
    assert halved is not None and halved.degrees == pytest.approx(expected / 2)
    none = shoulder_perspective(frame, Turn(0.0, 4.0, estimated=True), fitted)
    assert none is not None and none.degrees == 0.0
    assert shoulder_perspective(frame, Turn(0.0, 8.0, estimated=False), fitted) is None
    assert shoulder_perspective(frame, turn, {SHOULDER_ELEVATION: line}) is None

    spec = MEASURES_BY_NAME[MeasureName.SHOULDER_TILT]
    front = view(View.FRONT)
    weak = CameraRoll(0.0, 0.2, "vertical edges", "a weak estimate")  # a doubt under the error
    plain = measure_one(spec, frame, front, weak, None, turn)
    corrected = measure_one(spec, frame, front, weak, None, turn, shown)
    assert plain.value == pytest.approx(0.0, abs=ROUNDING)
    assert corrected.value == pytest.approx(-expected, abs=ROUNDING)
    # the known error and the perspective's doubt in quadrature, the roll's doubt on top as before
    widened = plain.error - spec.known_error + math.hypot(spec.known_error, shown.doubt)
    assert corrected.error == pytest.approx(widened, abs=0.01) and corrected.error > plain.error
    # the other measures are not lines the perspective tilts
    pelvis = MEASURES_BY_NAME[MeasureName.PELVIC_TILT]
    assert measure_one(pelvis, frame, front, None, None, turn, shown) == measure_one(
        pelvis, frame, front, None, None, turn
    )
