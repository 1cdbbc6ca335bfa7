"""The app through Streamlit's AppTest: the navigation, and the Check page's uploads, errors and
combined report (from app.py, the way users reach it)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import streamlit_webrtc
from streamlit.testing.v1 import AppTest

from posecheck import DISCLAIMER, Coach
from posecheck.samples import sample_paths
from tests.conftest import photo
from tests.test_app_live import FakeStreamer

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
PAGES = "posecheck/ui/pages"


def started() -> AppTest:
    app = AppTest.from_file(APP, default_timeout=120).run()
    assert not app.exception
    return app


def headers(app: AppTest) -> list[str]:
    return [h.value for h in app.header]


def disclaimers(app: AppTest) -> int:
    """How many times the page shows the disclaimer (anywhere in its text elements)."""
    texts = [e.value for kind in ("caption", "warning", "markdown", "info") for e in app.get(kind)]
    return sum(DISCLAIMER in str(text) for text in texts)


def test_the_check_page_opens_first_with_one_disclaimer() -> None:
    app = started()
    assert app.title[0].value == "Check your posture"
    assert disclaimers(app) == 1
    assert len(app.get("file_uploader")) == 1
    assert any("last 6 analyses" in c.value for c in app.caption)  # the cap, said on the page


@pytest.mark.parametrize(
    ("page", "title"),
    [("live.py", "Live"), ("exercises.py", "Exercises"), ("about.py", "About posecheck")],
)
def test_every_page_is_reachable_from_the_navigation(
    page: str, title: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(streamlit_webrtc, "webrtc_streamer", FakeStreamer())  # needs a server
    app = started()
    app.switch_page(f"{PAGES}/{page}").run()
    assert not app.exception, app.exception
    assert app.title[0].value == title


def test_an_exercise_opens_the_live_coach_on_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """The Exercises page's button under a coached exercise opens the Live page with the coach
    chosen on it, and the camera not yet started; an exercise the coach cannot follow has none."""
    monkeypatch.setattr(streamlit_webrtc, "webrtc_streamer", FakeStreamer())  # needs a server
    app = started()
    app.switch_page(f"{PAGES}/exercises.py").run()
    keys = {b.key for b in app.button}
    assert "coach-towel_leg_stretch" in keys and "coach-heel_raises" in keys
    assert "coach-glute_bridge" not in keys  # not followed by the coach
    app.button(key="coach-towel_leg_stretch").click().run()
    assert not app.exception, app.exception
    assert app.title[0].value == "Live"
    assert app.selectbox(key="live-exercise").value == "towel_leg_stretch"
    camera = Coach("towel_leg_stretch").summary().camera
    assert any(camera in box.value for box in app.info)  # where its camera goes


def photos_shown(app: AppTest) -> list[str]:
    """The captions of the annotated photos (the report's drawings are pictures too)."""
    images: Any = app.get("image")
    captions = [picture.caption for image in images for picture in image.proto.imgs]
    return [c for c in captions if c.startswith(("front.jpg", "side.jpg"))]


def test_one_photo_gives_a_report() -> None:
    app = started()
    data = photo("front_standing_01.jpg").read_bytes()
    app.get("file_uploader")[0].set_value(("front.jpg", data, "image/jpeg"))  # type: ignore[attr-defined]
    app.run()
    assert not app.exception, app.exception
    assert not app.error, [e.value for e in app.error]
    assert len(photos_shown(app)) == 1  # the annotated photo (the body map and scales besides)
    assert "Your report" in headers(app)
    assert disclaimers(app) == 1  # once per page, not again under the plan
    assert len(app.get("download_button")) == 3  # PDF, JSON, CSV


def test_bad_file_gets_a_clear_error() -> None:
    app = started()
    app.get("file_uploader")[0].set_value(("broken.jpg", b"not an image", "image/jpeg"))  # type: ignore[attr-defined]
    app.run()
    assert not app.exception
    assert len(app.error) == 1
    message = app.error[0].value
    # plain words that name the file and say what to do; no code identifier on screen
    assert "broken.jpg" in message and "Choose a photo saved as JPEG" in message
    assert "unsupported_format" not in message
    assert "Your report" not in headers(app)


def test_several_photos_give_one_combined_report() -> None:
    app = started()
    samples = {p.stem: p for p in sample_paths()}  # shipped renders of one man: no ../shared
    files = [
        ("front.jpg", samples["man_misaligned_front"].read_bytes(), "image/jpeg"),
        ("side.jpg", samples["man_misaligned_right"].read_bytes(), "image/jpeg"),
    ]
    app.get("file_uploader")[0].set_value(files)  # type: ignore[attr-defined]
    app.run()
    assert not app.exception, app.exception
    assert "Your report from 2 photos" in headers(app)
    assert len(photos_shown(app)) == 2
