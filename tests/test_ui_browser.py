"""Where the browser gives the app no camera (plain http from another computer), the Live and
Check pages say so and point to what works there: a recorded clip, an upload."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import posecheck.ui.browser as browser
from posecheck.ui.browser import camera_blocked, on_another_device

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    ("url", "blocked"),
    [
        ("http://localhost:8501/live", False),
        ("http://127.0.0.1:8501/", False),
        ("http://127.3.2.1:8501/", False),
        ("http://[::1]:8501/", False),
        ("http://posecheck.localhost:8501/", False),
        ("https://192.168.1.20:8501/live", False),
        ("http://192.168.1.20:8501/live", True),
        ("http://my-laptop.local:8501/", True),
        ("http://[fe80::1]:8501/", True),
        (None, False),
        ("", False),
    ],
)
def test_the_camera_is_given_only_to_secure_pages(url: str | None, blocked: bool) -> None:
    assert camera_blocked(url) is blocked
    if url and url.startswith("http:"):
        assert on_another_device(url) is blocked  # plain http: blocked exactly when elsewhere


@pytest.mark.slow  # over 0.2 s: .ci/run runs it, make test keeps its time
def test_the_pages_say_where_the_camera_is_not_given(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(browser, "camera_blocked", lambda url: True)
    check = AppTest.from_file(str(ROOT / "posecheck/ui/pages/check.py"), default_timeout=60)
    check.run()
    check.toggle(key="use-camera").set_value(True).run()
    assert any("Press **Upload** above instead" in i.value for i in check.info)
    live = AppTest.from_file(str(ROOT / "posecheck/ui/pages/live.py"), default_timeout=60)
    monkeypatch.setattr("streamlit_webrtc.webrtc_streamer", _no_camera)
    live.run()
    assert any("Or a recorded clip" in w.value for w in live.warning)
    monkeypatch.setattr(browser, "camera_blocked", lambda url: False)
    live.run()
    assert not any("Or a recorded clip" in w.value for w in live.warning)


def _no_camera(*args: object, **kwargs: object) -> object:
    class State:
        playing = signalling = False

    class Context:
        state = State()

    return Context()
