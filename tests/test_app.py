"""The app through Streamlit's AppTest: uploads, errors, the combined report."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from posecheck.samples import sample_paths
from tests.conftest import photo

pytestmark = pytest.mark.slow

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def started() -> AppTest:
    app = AppTest.from_file(APP, default_timeout=120).run()
    assert not app.exception
    return app


def headers(app: AppTest) -> list[str]:
    return [h.value for h in app.header]


def test_start_page_shows_the_disclaimer() -> None:
    app = started()
    assert app.title[0].value == "posecheck"
    assert any("not a diagnosis" in c.value for c in app.caption)
    assert len(app.get("file_uploader")) == 1


def test_one_photo_gives_a_report() -> None:
    app = started()
    data = photo("front_standing_01.jpg").read_bytes()
    app.get("file_uploader")[0].set_value(("front.jpg", data, "image/jpeg"))  # type: ignore[attr-defined]
    app.run()
    assert not app.exception, app.exception
    assert not app.error, [e.value for e in app.error]
    assert len(app.get("image")) == 1
    assert "Your report" in headers(app)
    assert any("not a diagnosis" in w.value for w in app.warning)  # the plan's disclaimer
    assert len(app.get("download_button")) == 2


def test_bad_file_gets_a_clear_error() -> None:
    app = started()
    app.get("file_uploader")[0].set_value(("broken.jpg", b"not an image", "image/jpeg"))  # type: ignore[attr-defined]
    app.run()
    assert not app.exception
    assert len(app.error) == 1 and "unsupported_format" in app.error[0].value
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
    assert len(app.get("image")) == 2
