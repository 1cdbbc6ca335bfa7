"""Linear corrections: fitting, saving, loading and applying them."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from posecheck.calibration import (
    Calibration,
    correction_for,
    load_calibrations,
    parse_key,
    view_key,
)
from posecheck.dev.fitting import fit, save_calibrations, update_calibrations
from posecheck.measures import measure_pose
from posecheck.types import Landmark, View
from posecheck.views import ViewEstimate
from tests.poses import FRONT, LEVEL, make_pose


def test_fit_recovers_a_line_and_inverts_it() -> None:
    pairs = [(t, 0.25 * t + 0.5) for t in range(-10, 11, 2)]
    calibration = fit(pairs, source="train")
    assert calibration is not None
    assert (calibration.slope, calibration.intercept, calibration.r2) == pytest.approx(
        (0.25, 0.5, 1.0)
    )
    assert calibration.apply(0.25 * 7 + 0.5) == pytest.approx(7.0)


def test_poor_or_flat_fits_are_refused() -> None:
    assert fit([(1.0, 2.0)] * 20, source="x") is None  # no spread in the truth
    noisy = [(t, (-1) ** t * 5.0) for t in range(20)]  # raw does not follow the truth
    assert fit(noisy, source="x") is None
    assert fit([(t, 0.1 * t) for t in range(20)], source="x") is None  # slope below 0.2
    assert fit([(t, t) for t in range(5)], source="x") is None  # too few renders


def test_save_and_load_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "calibration.json"
    fits = {"pelvic_tilt": Calibration(0.25, 0.0, 0.9, 40, "train")}
    save_calibrations(fits, path)
    assert load_calibrations(path) == fits
    with pytest.raises(ValueError, match="slope"):
        Calibration(0.0, 0.0, 1.0, 10, "x")


def test_refitting_the_measures_keeps_the_body_turn_and_the_other_way_round(
    tmp_path: Path,
) -> None:
    path = tmp_path / "calibration.json"
    turn = Calibration(-0.74, 3.9, 0.85, 71, "hard_train", sd=3.6)
    old_head = Calibration(1.0, -8.0, None, 100, "train")
    save_calibrations(
        {"body_turn": turn, "forward_head_angle": old_head, "pelvic_tilt": old_head}, path
    )
    new_head = Calibration(1.0, -6.0, None, 101, "train")
    # calibrate tried the head and the pelvis: the pelvis fitted nothing usable and loses its own
    update_calibrations(
        {"forward_head_angle": new_head}, ["forward_head_angle", "pelvic_tilt"], path
    )
    assert load_calibrations(path) == {"body_turn": turn, "forward_head_angle": new_head}
    # fit-turn replaces the turn and keeps the measures'
    new_turn = Calibration(-0.75, 3.8, 0.86, 72, "hard_train", sd=3.5)
    update_calibrations({"body_turn": new_turn}, (), path)
    assert load_calibrations(path) == {"body_turn": new_turn, "forward_head_angle": new_head}
    # no file yet: just what was fitted
    fresh = tmp_path / "fresh.json"
    update_calibrations({"body_turn": new_turn}, (), fresh)
    assert load_calibrations(fresh) == {"body_turn": new_turn}


def test_measures_apply_the_correction() -> None:
    x, y = FRONT[Landmark.LEFT_HIP]
    rise = 100 * math.tan(math.radians(2.5))  # a raw tilt of 2.5°
    pose = make_pose({Landmark.LEFT_HIP: (x, y - rise)})
    view = ViewEstimate(View.FRONT, 0.9, False, "test")
    raw = measure_pose(pose, view, calibrations={})["pelvic_tilt"].value
    corrected = measure_pose(
        pose, view, LEVEL, calibrations={"pelvic_tilt": Calibration(0.25, 0.0, 0.9, 40, "train")}
    )["pelvic_tilt"].value
    assert raw == pytest.approx(2.5, abs=0.005)
    assert corrected == pytest.approx(10.0, abs=0.005)


def test_a_view_with_its_own_correction_uses_it_and_the_others_the_measure_s() -> None:
    x, y = FRONT[Landmark.LEFT_HIP]
    rise = 100 * math.tan(math.radians(2.5))  # a raw tilt of 2.5°
    pose = make_pose({Landmark.LEFT_HIP: (x, y - rise)})
    fits = {
        "pelvic_tilt": Calibration(0.25, 0.0, 0.9, 40, "train"),
        view_key("pelvic_tilt", "back"): Calibration(0.5, 0.0, 0.9, 20, "train, back"),
    }
    front = measure_pose(
        pose, ViewEstimate(View.FRONT, 0.9, False, "test"), LEVEL, calibrations=fits
    )
    back = measure_pose(pose, ViewEstimate(View.BACK, 0.9, False, "test"), LEVEL, calibrations=fits)
    assert abs(front["pelvic_tilt"].value or 0) == pytest.approx(10.0, abs=0.005)
    assert abs(back["pelvic_tilt"].value or 0) == pytest.approx(5.0, abs=0.005)
    assert correction_for(fits, "pelvic_tilt", "left") == fits["pelvic_tilt"]
    assert correction_for(fits, "shoulder_tilt", "back") is None
    assert parse_key(view_key("stance_width", "back")) == ("stance_width", "back")
    assert parse_key("stance_width") == ("stance_width", None)


def test_a_view_gets_its_own_correction_only_where_it_errs_its_own_way() -> None:
    from posecheck.dev.fitting import calibrate_all, calibrate_views

    def pairs(bias: float, start: int) -> list[tuple[float, float]]:
        truths = [0.6 + 0.05 * i for i in range(start, start + 24)]
        return [(t, t + bias + 0.03 * (-1) ** (i // 2)) for i, t in enumerate(truths)]

    # from the back it reads wider, from the front narrower, as the stance width does
    apart = {"stance_width": {"front": pairs(-0.05, 0), "back": pairs(0.10, 1)}}
    pooled = calibrate_all(
        {"stance_width": apart["stance_width"]["front"] + apart["stance_width"]["back"]},
        signed_lateral=(),
        source="train",
    )
    own = calibrate_views(apart, pooled, signed_lateral=(), source="train")
    assert set(own) == {"stance_width@front", "stance_width@back"}
    assert own["stance_width@back"].apply(1.6 + 0.10) == pytest.approx(1.6, abs=0.02)
    assert own["stance_width@front"].apply(1.6 - 0.05) == pytest.approx(1.6, abs=0.02)
    # both views err alike: the measure's one correction serves, and no view gets its own
    alike = {"stance_width": {"front": pairs(0.10, 0), "back": pairs(0.10, 1)}}
    pooled = calibrate_all(
        {"stance_width": alike["stance_width"]["front"] + alike["stance_width"]["back"]},
        signed_lateral=(),
        source="train",
    )
    assert "stance_width" in pooled
    assert calibrate_views(alike, pooled, signed_lateral=(), source="train") == {}
    # left and right measures share their view's correction, as they share the pooled one
    knees = {
        "left_knee_angle_frontal": {"front": pairs(0.0, 0), "back": pairs(2.0, 0)},
        "right_knee_angle_frontal": {"front": pairs(0.0, 1), "back": pairs(2.0, 1)},
    }
    both = calibrate_views(knees, {}, signed_lateral=(), source="train")
    assert both["left_knee_angle_frontal@back"] == both["right_knee_angle_frontal@back"]
    assert "left_knee_angle_frontal@front" not in both


def test_cross_check_keeps_a_real_correction_and_drops_a_useless_one() -> None:
    from posecheck.dev.fitting import cross_checked_fit

    real = [(t, 0.5 * t + 1.0 + 0.1 * (-1) ** t) for t in range(-20, 21)]
    assert cross_checked_fit(real, source="x") is not None
    # raw already equals the truth up to noise: a fitted line only adds the noise back
    already_right = [(t, t + 0.8 * (-1) ** (t // 2)) for t in range(-20, 21)]
    assert cross_checked_fit(already_right, source="x") is None


def test_packaged_corrections_keep_the_mirror_convention() -> None:
    from posecheck.dev.fitting import paired_name
    from posecheck.measures import (
        BODY_TURN,
        FOOT_TURN,
        MEASURES_BY_NAME,
        SHOULDER_ELEVATION,
        SHOULDER_PERSPECTIVE,
        SIGNED_LATERAL,
    )

    fits = load_calibrations()
    for key, correction in fits.items():
        # the body's turn and the shoulders' perspective: not measures, checked below
        if key in (BODY_TURN, FOOT_TURN, SHOULDER_ELEVATION, SHOULDER_PERSPECTIVE):
            continue
        name, view = parse_key(key)
        assert name in MEASURES_BY_NAME
        # a side view's mirror image is the other side's: only front and back have their own
        assert view in (None, "front", "back"), key
        twin = paired_name(name)
        if twin is not None:
            twin_key = twin if view is None else view_key(twin, view)
            assert fits.get(twin_key) == correction, f"{key} and {twin_key} must share one"
        if name in SIGNED_LATERAL:
            assert correction.intercept == 0.0, f"{key} may be scaled, never offset"


def test_the_body_turn_line_is_packaged_with_its_uncertainty() -> None:
    from posecheck.measures import BODY_TURN, FOOT_TURN

    fits = load_calibrations()
    line, share = fits[BODY_TURN], fits[FOOT_TURN]
    # MediaPipe's 3D yaw runs against the turn (its sign convention) and under-reads it
    assert -1.0 < line.slope < -0.5 and line.sd is not None and 0 < line.sd < 6
    assert 0.2 <= share.slope <= 1.0 and share.intercept == 0.0


def test_the_shoulders_perspective_is_packaged_and_keeps_the_mirror_convention() -> None:
    from posecheck.measures import SHOULDER_ELEVATION, SHOULDER_PERSPECTIVE

    fits = load_calibrations()
    elevation, taken = fits[SHOULDER_ELEVATION], fits[SHOULDER_PERSPECTIVE]
    # the elevation is a tangent, the same for a photo and its mirror image, with its doubt
    assert elevation.slope > 0 and elevation.sd is not None and 0 < elevation.sd < 0.2
    # the tilt taken off flips with the turn, as the shoulder tilt does: scaled, never offset
    assert 0.5 <= taken.slope <= 1.5 and taken.intercept == 0.0


def test_a_forward_line_predicts_the_truth_from_the_raw_reading() -> None:
    from posecheck.dev.fitting import fit_forward

    # true = 0.5 × raw + 0.1 exactly: the forward line, in the corrections' form
    pairs = [(0.5 * r + 0.1, r) for r in (-0.4, -0.2, 0.0, 0.1, 0.3, 0.5, 0.6, 0.8)]
    line = fit_forward(pairs, source="test")
    assert line is not None and line.sd == pytest.approx(0.0, abs=1e-9)
    assert line.apply(0.2) == pytest.approx(0.2) and line.apply(-1.0) == pytest.approx(-0.4)
    # noise in the raw reading shrinks the forward line toward the mean truth (raw on true
    # would stretch it): true 0 or 1, raw the truth ± 0.5
    noisy = [(t, t + d) for t in (0.0, 1.0) for d in (-0.5, 0.5)] * 2
    shrunk = fit_forward(noisy, source="test")
    assert shrunk is not None and 1 / shrunk.slope == pytest.approx(0.5)  # cov 0.25 / var 0.5
    assert shrunk.sd is not None and shrunk.sd > 0
    assert fit_forward(pairs[:7], source="test") is None
    assert fit_forward([(t, 1.0) for t, _ in pairs], source="test") is None


def test_the_share_of_a_predicted_error_is_its_least_squares_fit() -> None:
    from posecheck.dev.fitting import share_through_origin

    assert share_through_origin([(1.0, 1.2), (-2.0, -2.4), (3.0, 3.6)]) == 1.2
    # errors a prediction does not follow leave nothing to take off
    assert share_through_origin([(1.0, 1.0), (1.0, -1.0)]) == 0.0
    assert share_through_origin([]) == 0.0
