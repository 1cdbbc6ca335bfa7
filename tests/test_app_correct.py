"""Correcting a point in the app (AppTest on a test page with the editor, tests/pages/): a point
chosen by name and given a new position changes the measures; undo restores them; the moves
survive a rerun; two photos keep their own. And the click's arithmetic: a click on the shown
picture in the photo's pixels, and the point it chooses."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from posecheck import Landmark
from posecheck.samples import sample_paths
from posecheck.ui.analyses import moves_key
from posecheck.ui.correct import MOVABLE, REACH, nearest, plain_name, to_photo

ROOT = Path(__file__).resolve().parent
PAGE = str(ROOT / "pages" / "correct_page.py")
SAMPLES = {p.stem: p for p in sample_paths()}
KNEE = "left knee angle from the front"


def test_a_click_on_the_shown_picture_lands_on_the_photos_pixels() -> None:
    # a 720x1280 photo shown 414 wide (and 736 high): the picture's middle is the photo's
    assert to_photo((207.0, 368.0), (414.0, 736.0), (720, 1280)) == pytest.approx((360.0, 640.0))
    assert to_photo((41.4, 73.6), (414.0, 736.0), (720, 1280)) == pytest.approx((72.0, 128.0))
    # a click on the picture's edge stays inside the photo
    assert to_photo((414.0, -2.0), (414.0, 736.0), (720, 1280)) == (719.0, 0.0)


def test_a_click_chooses_the_nearest_point_the_measures_use_within_reach() -> None:
    xy = np.full((len(Landmark), 2), -1000.0)
    xy[Landmark.LEFT_HEEL] = (400.0, 1000.0)
    xy[Landmark.LEFT_ANKLE] = (400.0, 960.0)
    xy[Landmark.LEFT_WRIST] = (200.0, 1000.0)  # no measure uses it: never chosen
    shown, photo = (360.0, 640.0), (720, 1280)  # shown at half size
    assert nearest(xy, photo, (201.0, 499.0), shown) is Landmark.LEFT_HEEL
    assert nearest(xy, photo, (200.0, 482.0), shown) is Landmark.LEFT_ANKLE
    assert nearest(xy, photo, (100.0, 500.0), shown) is None  # the wrist's place
    assert nearest(xy, photo, (200.0 + REACH + 1, 500.0), shown) is None
    assert Landmark.LEFT_WRIST not in MOVABLE and Landmark.LEFT_FOOT_INDEX in MOVABLE
    assert plain_name(Landmark.LEFT_FOOT_INDEX) == "left toes"
    assert plain_name(Landmark.RIGHT_HEEL) == "right heel"


def measure(app: AppTest, tab: int, label: str) -> float:
    """A measure's value as the test page shows it in a photo's tab."""
    for item in app.tabs[tab].markdown:
        found = re.fullmatch(rf"- {label}: ([+-][\d.]+)", item.value)
        if found:
            return float(found.group(1))
    raise AssertionError(f"{label} is not on the page")


def texts(app: AppTest, tab: int) -> str:
    parts = [*app.tabs[tab].success, *app.tabs[tab].info, *app.tabs[tab].markdown]
    return "\n".join(str(part.value) for part in parts)


def move_by_name(app: AppTest, index: int, landmark: Landmark, dx: float) -> None:
    """Choose the point by name, type a position ``dx`` photo pixels to its right, move it."""
    app.selectbox(key=f"correct-{index}-point").set_value(landmark).run()
    assert not app.exception, app.exception
    across = app.number_input(key=f"correct-{index}-x-{landmark.name}")
    across.set_value(float(across.value) + dx).run()
    app.button(key=f"correct-{index}-move").click().run()
    assert not app.exception, app.exception


@pytest.mark.slow
def test_moving_a_point_by_name_changes_the_measures_and_undo_restores_them() -> None:
    app = AppTest.from_file(PAGE, default_timeout=120).run()
    assert not app.exception, app.exception
    knee, other = measure(app, 0, KNEE), measure(app, 1, KNEE)
    assert "Corrected by you" not in texts(app, 0)

    # the person's left knee is image-right on a front photo: 40 px further right bows it out
    move_by_name(app, 0, Landmark.LEFT_KNEE, 40.0)
    moved = measure(app, 0, KNEE)
    assert abs(moved - knee) > 5, (knee, moved)
    assert "Corrected by you: left knee" in texts(app, 0)
    assert app.selectbox(key="correct-0-point").value is None  # done: nothing chosen

    app.run()  # a rerun keeps the move
    assert measure(app, 0, KNEE) == moved
    # the other photo keeps its own (none)
    assert measure(app, 1, KNEE) == other and "Corrected by you" not in texts(app, 1)
    assert app.button(key="correct-1-undo").disabled

    # a move on the other photo is its own, and undo on the first leaves it
    # (outward: the sample man's knees already fall inward; more would fail the stance check)
    move_by_name(app, 1, Landmark.LEFT_KNEE, 30.0)
    other_moved = measure(app, 1, KNEE)
    assert abs(other_moved - other) > 5 and measure(app, 0, KNEE) == moved
    app.button(key="correct-0-undo").click().run()
    assert not app.exception, app.exception
    assert measure(app, 0, KNEE) == knee  # exactly the model's result again
    assert "Corrected by you" not in texts(app, 0)
    assert "back where the pose model put it" in texts(app, 0)
    assert measure(app, 1, KNEE) == other_moved
    data = SAMPLES["man_misaligned_front"].read_bytes()
    assert list(app.session_state[moves_key(data)]) == [Landmark.LEFT_KNEE]
