"""Capture checks: hand-built poses and synthetic images, then real photos and the real model."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path

import cv2
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import ExifTags, Image

from posecheck import Analyzer
from posecheck.analysis import Analysis
from posecheck.capture import (
    CHECK_LABELS,
    CHECK_NAMES,
    EDGE_MARGIN_FRACTION,
    EYE_HEIGHT_FRACTION,
    MIN_SHARPNESS,
    capture_checks,
    check_camera_level,
    check_feet_in_frame,
    check_lighting,
    check_not_mirrored,
    check_one_person,
    check_person_size,
    check_sharpness,
    check_square_to_camera,
    check_whole_body,
    checks_to_list,
    read_exif_hints,
    sharpness_score,
)
from posecheck.images import LoadedImage, load_image
from posecheck.types import CameraRoll, CaptureCheck, Detection, Landmark, Pose, View
from posecheck.views import ViewEstimate, detect_view, override
from tests.conftest import photo
from tests.poses import FRONT, SIDE_LEFT, make_pose

L = Landmark
Points = dict[Landmark, tuple[float, float]]

#: FRONT's stature by the module's own rule: eyes at y=90, the lowest toe at y=950.
FRONT_HEIGHT = (950 - 90) / EYE_HEIGHT_FRACTION
FRONT_MARGIN = EDGE_MARGIN_FRACTION * FRONT_HEIGHT


def shifted(points: Mapping[Landmark, tuple[float, float]], dx: float = 0, dy: float = 0) -> Points:
    return {lm: (x + dx, y + dy) for lm, (x, y) in points.items()}


def pose_in(points: Mapping[Landmark, tuple[float, float]], size: tuple[int, int]) -> Pose:
    """A fully visible pose from ``points`` in an image of ``size`` (make_pose fixes 1000x1000)."""
    xy = np.array([points[lm] for lm in Landmark], dtype=np.float64)
    ones = np.ones(len(Landmark))
    return Pose(xy, np.zeros(len(Landmark)), ones, ones.copy(), None, size)


def front_view(oblique: bool = False) -> ViewEstimate:
    return ViewEstimate(View.FRONT, 0.9, oblique, "test")


SIDE_VIEW = ViewEstimate(View.LEFT, 0.9, False, "test")


# --- whole_body -----------------------------------------------------------------------------------


def test_whole_body_passes_when_everything_is_in_view() -> None:
    check = check_whole_body(make_pose(), View.FRONT)
    assert check.passed is True
    assert check.advice == ""
    assert f"{FRONT_MARGIN:.0f} px" in check.reason


def test_whole_body_fails_when_the_head_is_cut_off_and_says_where() -> None:
    check = check_whole_body(make_pose(shifted(FRONT, dy=-150)), View.FRONT)
    assert check.passed is False
    assert (
        "nose, left eye, right eye, left ear and right ear outside the frame "
        "(up to 60 px past the top edge)"
    ) in check.reason
    assert "space above your head" in check.advice


def test_whole_body_needs_the_heels_clear_of_the_edge_by_the_margin() -> None:
    # Heels at 915 + 70 = 985: 15 px from the bottom of a 1000 px frame, inside but too close.
    clearance = 1000 - (915 + 70)
    assert clearance < FRONT_MARGIN
    check = check_whole_body(make_pose(shifted(FRONT, dy=70)), View.FRONT)
    assert check.passed is False
    assert f"left heel and right heel only {clearance} px from the bottom edge" in check.reason
    assert "below your feet" in check.advice
    # ... and 25 px is enough (margin ~18 px).
    assert check_whole_body(make_pose(shifted(FRONT, dy=60)), View.FRONT).passed is True


def test_whole_body_fails_on_a_hidden_knee_with_advice_about_hiding_not_framing() -> None:
    check = check_whole_body(make_pose(hidden=(L.LEFT_KNEE,)), View.FRONT)
    assert check.passed is False
    assert "left knee hidden (visibility 0.10)" in check.reason
    assert "nothing hides you" in check.advice
    assert "Step back" not in check.advice


def test_whole_body_side_view_allows_the_far_limb_hidden_but_not_both() -> None:
    far_hidden = make_pose(base=SIDE_LEFT, hidden=(L.RIGHT_KNEE, L.RIGHT_ANKLE))
    assert check_whole_body(far_hidden, View.LEFT).passed is True
    both_hidden = make_pose(base=SIDE_LEFT, hidden=(L.LEFT_KNEE, L.RIGHT_KNEE))
    check = check_whole_body(both_hidden, View.LEFT)
    assert check.passed is False
    assert "left knee and right knee hidden (visibility 0.10, 0.10)" in check.reason
    # The same far limb hidden fails a front view, which needs both sides.
    assert check_whole_body(make_pose(hidden=(L.RIGHT_KNEE,)), View.FRONT).passed is False


# --- feet_in_frame --------------------------------------------------------------------------------


def test_feet_in_frame_passes_with_both_feet_visible() -> None:
    check = check_feet_in_frame(make_pose(), View.FRONT)
    assert check.passed is True
    assert "both feet" in check.reason


def test_feet_in_frame_fails_when_the_feet_are_cut_off() -> None:
    check = check_feet_in_frame(make_pose(shifted(FRONT, dy=100)), View.FRONT)
    assert check.passed is False
    assert (
        "left heel, left toes, right heel and right toes outside the frame "
        "(up to 50 px past the bottom edge)"
    ) in check.reason
    assert "strip of floor below your feet" in check.advice


def test_feet_in_frame_fails_when_the_toes_are_hidden() -> None:
    check = check_feet_in_frame(make_pose(hidden=(L.RIGHT_FOOT_INDEX,)), View.BACK)
    assert check.passed is False
    assert "right toes hidden (visibility 0.10)" in check.reason
    assert "both whole feet needed" in check.reason


def test_feet_in_frame_side_view_needs_one_whole_foot() -> None:
    far = (L.RIGHT_ANKLE, L.RIGHT_HEEL, L.RIGHT_FOOT_INDEX)
    check = check_feet_in_frame(make_pose(base=SIDE_LEFT, hidden=far), View.LEFT)
    assert check.passed is True
    assert "far foot is often hidden" in check.reason
    both = (*far, L.LEFT_HEEL)
    check = check_feet_in_frame(make_pose(base=SIDE_LEFT, hidden=both), View.LEFT)
    assert check.passed is False
    assert "at least one whole foot in a side view" in check.reason
    assert "far foot may be hidden" in check.advice


# --- person_size ----------------------------------------------------------------------------------


def test_person_size_passes_for_a_body_filling_the_frame() -> None:
    check = check_person_size(make_pose())
    assert check.passed is True
    assert f"about {FRONT_HEIGHT:.0f} px tall, {FRONT_HEIGHT / 1000:.0%}" in check.reason


def test_person_size_fails_far_away_with_both_kinds_of_advice() -> None:
    small = {lm: (500 + (x - 500) * 0.3, 100 + y * 0.3) for lm, (x, y) in FRONT.items()}
    check = check_person_size(make_pose(small))
    assert check.passed is False
    assert f"about {0.3 * FRONT_HEIGHT:.0f} px tall, 28%" in check.reason
    assert "Step closer" in check.advice
    assert "higher resolution" in check.advice


def test_person_size_fails_a_low_resolution_photo_on_pixels_alone() -> None:
    tiny = pose_in({lm: (x * 0.35, y * 0.35) for lm, (x, y) in FRONT.items()}, (350, 350))
    check = check_person_size(tiny)
    assert check.passed is False
    assert "92%" in check.reason  # the share is fine ...
    assert "higher resolution" in check.advice  # ... the pixel count is not
    assert "Step closer" not in check.advice


def test_person_size_passes_a_body_filling_a_third_of_a_large_upright_photo() -> None:
    """Bodies filling 30-50 % of the frame measured as well as larger ones on the frozen test
    set: a phone's 1080x1920 photo with the body at 40 % of its height (the model reads it
    decoded at half size, 960 px tall: 384 px of body) needs no retake."""
    factor = 0.4 * 1920 / FRONT_HEIGHT
    points = {lm: (540 + (x - 500) * factor, 600 + y * factor) for lm, (x, y) in FRONT.items()}
    check = check_person_size(pose_in(points, (1080, 1920)), scale=0.5)
    assert check.passed is True, check.reason
    assert "about 768 px tall, 384 px in the copy the model reads, 40%" in check.reason


def test_person_size_counts_the_pixels_the_model_reads() -> None:
    """A 12 MP landscape photo with the body at 40 % of its height: 1200 px in the file, but the
    model reads it decoded at a quarter size, where the body is 300 px, too few; stepping closer
    (and holding the phone upright) helps, a higher resolution does not."""
    factor = 0.4 * 3000 / FRONT_HEIGHT
    points = {lm: (2000 + (x - 500) * factor, 900 + y * factor) for lm, (x, y) in FRONT.items()}
    check = check_person_size(pose_in(points, (4000, 3000)), scale=0.25)
    assert check.passed is False
    assert "about 1200 px tall, 300 px in the copy the model reads, 40%" in check.reason
    assert "Step closer" in check.advice and "hold the phone upright" in check.advice
    assert "higher resolution" not in check.advice


def test_person_size_too_few_pixels_with_room_in_the_frame_asks_for_both() -> None:
    """A small 560x1000 photo with the body at 32 % of its height (320 px): a higher resolution
    or stepping closer would each give the model enough of the body."""
    factor = 0.32 * 1000 / FRONT_HEIGHT
    points = {lm: (280 + (x - 500) * factor, 300 + y * factor) for lm, (x, y) in FRONT.items()}
    check = check_person_size(pose_in(points, (560, 1000)))
    assert check.passed is False
    assert "about 320 px tall, 32%" in check.reason
    assert "Step closer" in check.advice and "higher resolution" in check.advice


def test_person_size_cannot_tell_for_someone_lying_down() -> None:
    lying = make_pose({lm: (y, 1000 - x) for lm, (x, y) in FRONT.items()})
    check = check_person_size(lying)
    assert check.passed is None
    assert "could not tell" in check.reason


# --- camera_level ---------------------------------------------------------------------------------


def test_camera_level_cannot_tell_without_a_roll() -> None:
    for roll in (None, CameraRoll(None, 0.0, "none", "too few straight vertical edges (1)")):
        check = check_camera_level(roll)
        assert check.passed is None
        assert check.reason.startswith("could not tell: no clear straight vertical edges seen")
        assert check.advice


def test_camera_level_cannot_tell_from_a_weak_roll_but_says_what_it_suggests() -> None:
    weak = CameraRoll(6.0, 0.1, "vertical edges", "a weak estimate")  # below ROLL_MIN_CONFIDENCE
    check = check_camera_level(weak)
    assert check.passed is None and check.advice
    assert check.reason.startswith("could not tell for sure")
    assert "about 6.0°" in check.reason and "under 0.3" in check.reason
    assert "undo +4.8° of it and allow ±1.3°" in check.reason


def test_camera_level_passes_within_two_degrees_and_fails_beyond() -> None:
    level = check_camera_level(CameraRoll(-1.5, 0.8, "vertical edges", "ok"))
    assert level.passed is True
    assert "1.5°" in level.reason
    tilted = check_camera_level(CameraRoll(3.2, 0.8, "vertical edges", "ok"))
    assert tilted.passed is False
    assert "3.2°" in tilted.reason and "verticals lean clockwise" in tilted.reason
    # Verticals turned clockwise on screen: the phone was rolled counter-clockwise, so it has to
    # turn clockwise to level.
    assert "3° clockwise" in tilted.advice
    other_way = check_camera_level(CameraRoll(-3.2, 0.8, "vertical edges", "ok"))
    assert "counter-clockwise" in other_way.advice


# --- square_to_camera -----------------------------------------------------------------------------

#: Shoulders 80 px apart over a 300 px torso: 0.27, between side-on (< 0.25) and square (>= 0.45).
OBLIQUE: Points = {L.LEFT_SHOULDER: (540, 200), L.RIGHT_SHOULDER: (460, 200)}


def test_square_to_camera_passes_square_on_and_fails_oblique() -> None:
    square = make_pose()
    assert check_square_to_camera(square, detect_view(square)).passed is True
    turned = make_pose(OBLIQUE)
    view = detect_view(turned)
    assert view.oblique
    check = check_square_to_camera(turned, view)
    assert check.passed is False
    assert check.reason.startswith("turned part-way to the camera: shoulders 0.27 of torso")
    assert check.reason.count("turned part-way") == 1
    assert "side-on" in check.advice


def test_square_to_camera_judges_an_overridden_view_from_the_pose() -> None:
    # The user's override carries oblique=False, but the pose is still turned part-way.
    assert check_square_to_camera(make_pose(OBLIQUE), override(View.FRONT)).passed is False
    assert check_square_to_camera(make_pose(), override(View.FRONT)).passed is True


# --- one_person -----------------------------------------------------------------------------------


def test_one_person_passes_alone_and_says_who_was_analysed_in_company() -> None:
    subject = make_pose()
    assert check_one_person(Detection((subject,), 0)).passed is True
    bystander = make_pose(shifted(FRONT, dx=-350))  # to the subject's left in the image
    check = check_one_person(Detection((subject, bystander), 0))
    assert check.passed is False
    assert "2 people found" in check.reason
    assert "the second from the left" in check.reason
    assert "nobody else" in check.advice
    assert "the first from the left" in check_one_person(Detection((subject, bystander), 1)).reason


# --- synthetic images -----------------------------------------------------------------------------

_ARMS = ((L.LEFT_SHOULDER, L.LEFT_ELBOW), (L.RIGHT_SHOULDER, L.RIGHT_ELBOW))
_FOREARMS = ((L.LEFT_ELBOW, L.LEFT_WRIST), (L.RIGHT_ELBOW, L.RIGHT_WRIST))
_LEGS = (
    (L.LEFT_HIP, L.LEFT_KNEE),
    (L.LEFT_KNEE, L.LEFT_ANKLE),
    (L.RIGHT_HIP, L.RIGHT_KNEE),
    (L.RIGHT_KNEE, L.RIGHT_ANKLE),
)


def texture(size: int, amplitude: float, seed: int) -> np.ndarray:
    """Random 8 px blocks in [-amplitude, amplitude]: sharp-edged detail at a known scale."""
    rng = np.random.default_rng(seed)
    blocks = rng.uniform(-amplitude, amplitude, (size // 8, size // 8)).astype(np.float32)
    return np.asarray(cv2.resize(blocks, (size, size), interpolation=cv2.INTER_NEAREST))


def scene(background: float, clothes: float, skin: float, *, grain: float = 25.0) -> np.ndarray:
    """A 1000x1000 grey photo of FRONT: torso, legs and upper arms in ``clothes``; head and
    forearms in ``skin``; everything with block texture of +-``grain``. Returns H x W x 3 uint8.
    """
    canvas = np.full((1000, 1000), background, dtype=np.float32)
    canvas += texture(1000, grain, seed=1)
    person = np.zeros((1000, 1000), dtype=np.float32)
    colour = np.zeros((1000, 1000), dtype=np.float32)

    def xy(landmark: Landmark) -> tuple[int, int]:
        x, y = FRONT[landmark]
        return round(x), round(y)

    torso = np.array([xy(L.LEFT_SHOULDER), xy(L.RIGHT_SHOULDER), xy(L.RIGHT_HIP), xy(L.LEFT_HIP)])
    cv2.fillPoly(person, [torso.astype(np.int32)], 1.0)
    cv2.fillPoly(colour, [torso.astype(np.int32)], clothes)
    for pairs, level, width in ((_LEGS, clothes, 70), (_ARMS, clothes, 50), (_FOREARMS, skin, 40)):
        for a, b in pairs:
            cv2.line(person, xy(a), xy(b), 1.0, width)
            cv2.line(colour, xy(a), xy(b), level, width)
    cv2.circle(person, (500, 95), 50, 1.0, -1)
    cv2.circle(colour, (500, 95), 50, skin, -1)
    body = colour + texture(1000, grain, seed=2)
    canvas = np.where(person > 0, body, canvas)
    grey = np.clip(canvas, 0, 255).astype(np.uint8)
    return np.ascontiguousarray(np.repeat(grey[:, :, None], 3, axis=2))


def loaded(rgb: np.ndarray, original: tuple[int, int] = (1000, 1000)) -> LoadedImage:
    """A working copy ``rgb`` of an original of size ``original`` (width, height)."""
    rgb = np.ascontiguousarray(rgb, dtype=np.uint8)
    return LoadedImage(
        rgb, original[0], original[1], rgb.shape[1] / original[0], "PNG", "synthetic"
    )


WELL_LIT = scene(background=150, clothes=110, skin=190)


def test_lighting_passes_a_well_lit_photo() -> None:
    check = check_lighting(loaded(WELL_LIT), make_pose())
    assert check.passed is True, check.reason
    assert "median brightness" in check.reason


def test_lighting_fails_a_dark_photo() -> None:
    dark = (WELL_LIT.astype(np.float32) * 0.2).astype(np.uint8)
    check = check_lighting(loaded(dark), make_pose())
    assert check.passed is False
    assert check.reason.startswith("too dark")
    assert "Add light" in check.advice


def test_lighting_fails_an_over_exposed_photo() -> None:
    blown = np.clip(WELL_LIT.astype(np.int32) + 130, 0, 255).astype(np.uint8)
    check = check_lighting(loaded(blown), make_pose())
    assert check.passed is False
    assert "over-exposed" in check.reason
    assert "too dark" not in check.reason


def test_lighting_fails_a_backlit_subject() -> None:
    backlit = scene(background=230, clothes=40, skin=55, grain=10)
    check = check_lighting(loaded(backlit), make_pose())
    assert check.passed is False
    assert "backlit" in check.reason
    assert "behind you" in check.advice


def test_lighting_does_not_mistake_dark_clothes_for_bad_light() -> None:
    # Black clothes on a mid-grey background, face and forearms well lit: nothing to fix.
    dark_clothes = scene(background=140, clothes=25, skin=185)
    check = check_lighting(loaded(dark_clothes), make_pose())
    assert check.passed is True, check.reason


@pytest.mark.parametrize(("rgb", "passed"), [(WELL_LIT, True), (WELL_LIT // 5, False)])
def test_lighting_works_on_grayscale_files(tmp_path: Path, rgb: np.ndarray, passed: bool) -> None:
    path = tmp_path / "grey.png"
    assert cv2.imwrite(str(path), rgb[:, :, 0])  # a one-channel PNG
    image = load_image(path)
    assert check_lighting(image, make_pose()).passed is passed


def test_lighting_without_a_subject_judges_the_whole_frame() -> None:
    assert check_lighting(loaded(WELL_LIT)).passed is True
    check = check_lighting(loaded(WELL_LIT // 6))
    assert check.passed is False
    assert "the whole frame" in check.reason


def test_sharpness_passes_a_sharp_textured_photo_and_fails_a_blurred_one() -> None:
    assert check_sharpness(loaded(WELL_LIT), make_pose()).passed is True
    # Blur of 1.5 % of the body's height: a clearly shaken photo.
    blurred = cv2.GaussianBlur(WELL_LIT, (0, 0), 0.015 * FRONT_HEIGHT)
    check = check_sharpness(loaded(blurred), make_pose())
    assert check.passed is False
    assert f"at least {MIN_SHARPNESS:g} passes" in check.reason
    assert "Hold the phone still" in check.advice


def test_sharpness_does_not_depend_on_the_working_copy_size() -> None:
    pose = make_pose()
    full = loaded(WELL_LIT)
    half = loaded(cv2.resize(WELL_LIT, (500, 500), interpolation=cv2.INTER_AREA))
    full_score, half_score = sharpness_score(full, pose), sharpness_score(half, pose)
    assert full_score is not None and half_score is not None
    assert half_score == pytest.approx(full_score, rel=0.15)

    # Without the resampling the raw variance would differ several-fold.
    def raw(image: LoadedImage) -> float:
        grey = cv2.cvtColor(image.rgb, cv2.COLOR_RGB2GRAY).astype(np.float32)
        return float(np.var(cv2.Laplacian(grey, cv2.CV_32F)))

    assert raw(half) > 2 * raw(full)


# --- not_mirrored ---------------------------------------------------------------------------------


def test_not_mirrored_cannot_tell_without_evidence() -> None:
    for exif in (None, {}, {"Orientation": "6", "Make": "Apple"}):
        check = check_not_mirrored(exif)
        assert check.passed is None
        assert check.reason == (
            "cannot tell from the picture; if this is a selfie taken in mirror mode, "
            "turn mirroring off"
        )
        assert check.advice.startswith("Only a selfie can be mirrored")  # not a bare "?"


@pytest.mark.parametrize("orientation", ["2", "4", "5", "7", "Mirror horizontal"])
def test_not_mirrored_fails_on_a_mirroring_orientation(orientation: str) -> None:
    check = check_not_mirrored({"Orientation": orientation})
    assert check.passed is False
    assert "shown mirrored" in check.reason
    assert "mirroring" in check.advice


def test_not_mirrored_warns_but_does_not_claim_for_a_front_camera_or_selfie_app() -> None:
    front = check_not_mirrored({"EXIF LensModel": "iPhone 12 front camera 2.71mm f/2.2"})
    assert front.passed is None
    assert "front camera" in front.reason and "may save a mirror image" in front.reason
    app = check_not_mirrored({"Exif.Image.Software": "Snapchat 12.1"})
    assert app.passed is None
    assert "selfie app" in app.reason


def test_not_mirrored_passes_the_back_camera() -> None:
    check = check_not_mirrored({"LensModel": "iPhone 12 back dual wide camera 4.2mm f/1.6"})
    assert check.passed is True
    # ... unless the file is flagged to be shown mirrored.
    flagged = {"LensModel": "iPhone 12 back camera", "Orientation": "2"}
    assert check_not_mirrored(flagged).passed is False


def test_read_exif_hints_reads_the_tags_check_not_mirrored_uses(tmp_path: Path) -> None:
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 2
    exif[ExifTags.Base.Software] = "B612 10.2"
    exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.LensModel] = "Pixel 7 front camera"
    path = tmp_path / "selfie.jpg"
    Image.fromarray(WELL_LIT).save(path, exif=exif)
    hints = read_exif_hints(path)
    assert hints == {
        "Orientation": "2",
        "Software": "B612 10.2",
        "LensModel": "Pixel 7 front camera",
    }
    assert check_not_mirrored(hints).passed is False
    assert read_exif_hints(path.read_bytes()) == hints  # an upload's bytes read the same
    plain = tmp_path / "plain.png"
    Image.fromarray(WELL_LIT).save(plain)
    assert read_exif_hints(plain) == {}
    assert read_exif_hints(tmp_path / "missing.jpg") == {}


# --- all together ---------------------------------------------------------------------------------


def test_capture_checks_in_order_and_all_pass_for_a_good_photo() -> None:
    pose = make_pose()
    checks = capture_checks(
        loaded(WELL_LIT),
        Detection((pose,), 0),
        detect_view(pose),
        CameraRoll(0.4, 0.9, "vertical edges", "ok"),
        exif={"LensModel": "iPhone 12 back camera 4.2mm f/1.6"},
    )
    assert tuple(check.name for check in checks) == CHECK_NAMES
    assert all(check.passed is True for check in checks), [c for c in checks if not c.passed]
    assert all(check.reason and check.advice == "" for check in checks)


def test_checks_to_list_is_json_ready() -> None:
    checks = [
        CaptureCheck("camera_level", None, "could not tell", "include a door frame"),
        CaptureCheck("one_person", True, "one person found", ""),
    ]
    data = checks_to_list(checks)
    assert json.loads(json.dumps(data)) == [
        {
            "name": "camera_level",
            "passed": None,
            "reason": "could not tell",
            "advice": "include a door frame",
        },
        {"name": "one_person", "passed": True, "reason": "one person found", "advice": ""},
    ]


# --- real photos, real model ----------------------------------------------------------------------

Checks = dict[str, CaptureCheck]


@pytest.fixture(scope="module")
def checks_of(analyzer: Analyzer) -> Callable[[str], Checks | None]:
    """Capture checks of a shared photo by name (None when nobody is found), each run once.

    The model itself (``analyzer``) is loaded once per session by conftest.
    """
    cache: dict[str, Checks | None] = {}

    def run(name: str) -> Checks | None:
        if name not in cache:
            analysis = analyzer.analyze_path(photo(name))
            if not isinstance(analysis, Analysis):
                cache[name] = None
            else:
                checks = capture_checks(analysis.image, analysis.detection, analysis.view, None)
                for check in checks:  # every verdict explains itself; every failure says what to do
                    assert check.reason
                    assert check.passed is not False or check.advice
                cache[name] = {check.name: check for check in checks}
        return cache[name]

    return run


@pytest.mark.slow
@pytest.mark.parametrize(
    "name",
    [
        "two_people_feet_cut_off_01.jpg",
        "back_oblique_feet_cut_off_01.jpg",
        "elderly_feet_cut_off_three_people_01.jpg",
    ],
)
def test_real_feet_cut_off_fail_feet_in_frame(
    checks_of: Callable[[str], Checks | None], name: str
) -> None:
    checks = checks_of(name)
    assert checks is not None, f"nobody found in {name}"
    assert checks["feet_in_frame"].passed is False, checks["feet_in_frame"].reason


@pytest.mark.slow
@pytest.mark.parametrize(
    "name",
    ["front_standing_01.jpg", "back_standing_01.jpg", "front_standing_tpose_barefoot_01.jpg"],
)
def test_real_full_body_passes_feet_in_frame_and_whole_body(
    checks_of: Callable[[str], Checks | None], name: str
) -> None:
    checks = checks_of(name)
    assert checks is not None, f"nobody found in {name}"
    assert checks["feet_in_frame"].passed is True, checks["feet_in_frame"].reason
    assert checks["whole_body"].passed is True, checks["whole_body"].reason


@pytest.mark.slow
def test_real_dark_photo_fails_lighting(
    analyzer: Analyzer, checks_of: Callable[[str], Checks | None]
) -> None:
    name = "dark_low_light_01.png"
    checks = checks_of(name)
    if checks is not None:
        assert checks["lighting"].passed is False, checks["lighting"].reason
        return
    # The model finds nobody in it (so there are no capture checks); the whole frame is judged
    # instead, which is what the app can tell the user alongside "no person found".
    image = analyzer.analyze_path(photo(name)).image
    assert image is not None
    check = check_lighting(image)
    assert check.passed is False
    assert check.reason.startswith("too dark")


@pytest.mark.slow
def test_real_crowd_fails_one_person(checks_of: Callable[[str], Checks | None]) -> None:
    checks = checks_of("multi_person_walking_loose_clothing_01.jpg")
    assert checks is not None
    assert checks["one_person"].passed is False
    assert "people found" in checks["one_person"].reason


def test_standing_check_and_posture() -> None:
    from posecheck.capture import check_standing

    assert check_standing(make_pose()).passed is True
    seated = {
        Landmark.LEFT_KNEE: (620, 520), Landmark.RIGHT_KNEE: (520, 520),
        Landmark.LEFT_ANKLE: (620, 720), Landmark.RIGHT_ANKLE: (520, 720),
    }  # fmt: skip
    check = check_standing(make_pose({**FRONT, **seated}))
    assert check.passed is False and "bent" in check.reason and check.advice
    legs = (Landmark.LEFT_KNEE, Landmark.RIGHT_KNEE, Landmark.LEFT_ANKLE, Landmark.RIGHT_ANKLE)
    assert check_standing(make_pose(hidden=legs)).passed is None


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "standing"),
    [
        ("front_standing_01.jpg", True),
        ("side_walking_outdoor_01.jpg", True),
        ("sitting_grayscale_two_people_01.jpg", False),
        ("lying_on_floor_01.jpg", False),
        ("floor_sitting_legs_extended_01.jpg", False),
    ],
)
def test_standing_on_real_photos(analyzer: Analyzer, name: str, standing: bool) -> None:
    from posecheck.types import Status

    analysis = analyzer.analyze_path(photo(name))
    assert analysis.ok
    check = next(c for c in analysis.checks if c.name == "standing")
    assert check.passed is standing, check.reason
    if not standing:
        assert all(m.status is Status.UNKNOWN for m in analysis.measurements.values())


@pytest.mark.slow  # over 0.1 s on a clean clone: .ci/run runs it, make test keeps its time
@given(
    st.lists(st.integers(0, 255), min_size=1, max_size=400),
    st.sampled_from([0.0, 5.0, 50.0, 95.0, 100.0]),
)
def test_histogram_percentile_equals_numpy(values: list[int], q: float) -> None:
    from posecheck.capture import _histogram, _percentile

    data = np.array(values, dtype=np.uint8)
    assert _percentile(_histogram(data), q) == pytest.approx(float(np.percentile(data, q)))


def test_every_gate_is_a_check_that_exists() -> None:
    """A misspelt name in the gate would silently let a failed check sit beside the numbers."""
    from posecheck.analysis import GATE_CHECKS

    assert set(CHECK_NAMES) >= GATE_CHECKS, GATE_CHECKS - set(CHECK_NAMES)
    # the size and the camera's level only change how sure the numbers are: advice, not a gate
    assert set(CHECK_NAMES) - GATE_CHECKS == {"person_size", "camera_level"}


def test_every_check_has_a_name_in_words() -> None:
    assert set(CHECK_LABELS) == set(CHECK_NAMES)
    assert all(label and "_" not in label for label in CHECK_LABELS.values())
