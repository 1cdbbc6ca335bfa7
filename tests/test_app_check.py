"""The Check page's logic through AppTest (run directly, as a page file): photos that share a name,
a failed photo among good ones, more photos than a report uses, and the cap on the analyses a
session keeps; and the store behind the cap."""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Any, ClassVar

import pytest
from streamlit.testing.v1 import AppTest

from posecheck import (
    SUPPORTED_FORMATS,
    AnalysisFailure,
    Analyzer,
    ErrorCode,
    InvalidImageError,
    ModelError,
    PhotoResult,
)
from posecheck.samples import sample_paths
from posecheck.ui.analyses import MAX_ANALYSES, STORE_KEY, AnalysisStore, SharedAnalyzer

ROOT = Path(__file__).resolve().parents[1]
CHECK_PAGE = str(ROOT / "posecheck/ui/pages/check.py")
SAMPLES = {p.stem: p for p in sample_paths()}


def upload(name: str, stem: str) -> tuple[str, bytes, str]:
    return (name, SAMPLES[stem].read_bytes(), "image/jpeg")


def failure(name: str) -> PhotoResult:
    error = InvalidImageError("not an image", code=ErrorCode.UNSUPPORTED_FORMAT)
    return AnalysisFailure(name=name, model="full", error=error)


def photos_shown(app: AppTest) -> list[str]:
    """The captions of the annotated photos (the report's drawings are pictures too)."""
    images: Any = app.get("image")
    captions = [picture.caption for image in images for picture in image.proto.imgs]
    return [c for c in captions if c.split(" (")[0].endswith(".jpg")]


def test_the_store_keeps_the_newest_and_drops_the_oldest() -> None:
    store = AnalysisStore(capacity=2)
    made: list[str] = []

    def compute(name: str) -> PhotoResult:
        made.append(name)
        return failure(name)

    for name in ("a", "b", "a", "c"):  # "a" is used again before "c" comes: "b" is the oldest
        store.get((name, name, "auto"), lambda name=name: compute(name))
    assert made == ["a", "b", "c"]
    assert len(store) == 2 and store.dropped == 1
    assert ("a", "a", "auto") in store and ("b", "b", "auto") not in store
    with pytest.raises(ValueError, match="capacity"):
        AnalysisStore(capacity=0)


@pytest.mark.slow
def test_two_photos_with_the_same_name_do_not_crash_the_page() -> None:
    app = AppTest.from_file(CHECK_PAGE, default_timeout=120).run()
    files = [
        upload("photo.jpg", "man_misaligned_front"),
        upload("photo.jpg", "man_misaligned_right"),
    ]
    app.get("file_uploader")[0].set_value(files).run()  # type: ignore[attr-defined]
    assert not app.exception, app.exception
    assert [tab.label for tab in app.tabs] == ["photo.jpg (1)", "photo.jpg (2)"]
    assert len(photos_shown(app)) == 2
    # each photo keeps its own view choice
    app.selectbox(key="view-1").set_value("right").run()
    assert not app.exception, app.exception
    assert app.selectbox(key="view-0").value == "auto"


@pytest.mark.slow
def test_a_failed_photo_among_good_ones_is_named_first_and_the_report_still_comes() -> None:
    app = AppTest.from_file(CHECK_PAGE, default_timeout=120).run()
    files = [
        upload("front.jpg", "man_misaligned_front"),
        ("broken.jpg", b"not an image", "image/jpeg"),
        upload("side.jpg", "man_misaligned_right"),
    ]
    app.get("file_uploader")[0].set_value(files).run()  # type: ignore[attr-defined]
    assert not app.exception, app.exception
    assert len(app.error) == 1 and "broken.jpg" in app.error[0].value
    headers = [h.value for h in app.header]
    assert headers[0] == "Your report from 2 photos"  # the summary before the photos
    assert headers.index("Your photos") > 0


def dark_photo(stem: str, share: float = 0.02) -> bytes:
    """A sample photo with its light cut to ``share``: too dark for the model to find anyone."""
    import io

    import numpy as np
    from PIL import Image

    pixels = np.asarray(Image.open(SAMPLES[stem]), dtype=np.float64) * share
    buffer = io.BytesIO()
    Image.fromarray(pixels.round().astype(np.uint8)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.mark.slow
def test_a_photo_too_dark_to_find_anyone_in_says_so_and_what_to_do() -> None:
    app = AppTest.from_file(CHECK_PAGE, default_timeout=120).run()
    files = [("dark.png", dark_photo("woman_neutral_front"), "image/png")]
    app.get("file_uploader")[0].set_value(files).run()  # type: ignore[attr-defined]
    assert not app.exception, app.exception
    assert len(app.error) == 1 and "No person was found" in app.error[0].value
    said = " ".join(warning.value for warning in app.warning).replace("\\", "")  # markdown
    assert "Likely why: too dark" in said and "Add light" in said


@pytest.mark.slow
def test_more_photos_than_a_report_uses_are_cut_with_a_word() -> None:
    app = AppTest.from_file(CHECK_PAGE, default_timeout=120).run()
    stems = ["woman_neutral_front", "woman_neutral_left", "woman_neutral_back", "child_front"]
    app.get("file_uploader")[0].set_value([upload(f"{s}.jpg", s) for s in stems]).run()  # type: ignore[attr-defined]
    assert not app.exception, app.exception
    assert any("first 3 of the 4" in w.value for w in app.warning)
    assert len(app.tabs) == 3


@pytest.mark.slow
def test_the_session_keeps_at_most_six_analyses() -> None:
    app = AppTest.from_file(CHECK_PAGE, default_timeout=120).run()
    assert any(f"last {MAX_ANALYSES} analyses" in c.value for c in app.caption)
    stems = sorted(SAMPLES)  # 8 renders
    for start in range(0, len(stems), 3):
        batch = [upload(f"{s}.jpg", s) for s in stems[start : start + 3]]
        app.get("file_uploader")[0].set_value(batch).run()  # type: ignore[attr-defined]
        assert not app.exception, app.exception
    store = app.session_state[STORE_KEY]
    assert isinstance(store, AnalysisStore)
    assert len(store) == MAX_ANALYSES and store.dropped == len(stems) - MAX_ANALYSES
    # the photos on screen are among those kept
    assert len(app.tabs) == 2 and len(photos_shown(app)) == 2


def _key(result: PhotoResult) -> object:
    if isinstance(result, AnalysisFailure):
        return result.error.code
    return tuple((name, m.value) for name, m in result.measurements.items())


@pytest.mark.slow
def test_sessions_analysing_at_once_share_one_analyser_safely() -> None:
    """Two sessions at once through the shared, locked analyser get exactly what a sequential run
    gives; printed: the time per photo against one analyser per session (the choice's figures)."""
    photos = [(p.name, p.read_bytes()) for p in sample_paths()]
    with Analyzer.open("full") as first, Analyzer.open("full") as second:
        truth = {name: _key(first.analyze_bytes(data, name)) for name, data in photos}
        second.analyze_bytes(photos[0][1], photos[0][0])  # warm up
        shared = SharedAnalyzer(first)
        per_photo = {}
        for label, analysers in (
            ("one shared, locked", (shared, shared)),
            ("one per session", (first, second)),
        ):
            wrong: list[str] = []

            def session(analyser: SharedAnalyzer | Analyzer, wrong: list[str] = wrong) -> None:
                for _ in range(3):
                    for name, data in photos:
                        if _key(analyser.analyze_bytes(data, name)) != truth[name]:
                            wrong.append(name)

            begun = time.perf_counter()
            threads = [threading.Thread(target=session, args=(a,)) for a in analysers]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            per_photo[label] = (time.perf_counter() - begun) / (2 * 3 * len(photos))
            assert wrong == [], f"{label}: results differ from a sequential run for {wrong}"
    print(
        "\n[analysers] two sessions at once, time per photo: "
        + ", ".join(f"{label} {seconds * 1000:.0f} ms" for label, seconds in per_photo.items())
    )


@pytest.mark.slow
def test_photos_of_two_people_get_a_warning_before_the_report() -> None:
    app = AppTest.from_file(CHECK_PAGE, default_timeout=120).run()
    files = [upload("her.jpg", "woman_neutral_front"), upload("him.jpg", "man_misaligned_front")]
    app.get("file_uploader")[0].set_value(files).run()  # type: ignore[attr-defined]
    assert not app.exception, app.exception
    warnings = [w.value for w in app.warning]
    assert any("Different people?" in w and "him.jpg" in w for w in warnings), warnings
    same = [upload("front.jpg", "woman_neutral_front"), upload("back.jpg", "woman_neutral_back")]
    app.get("file_uploader")[0].set_value(same).run()  # type: ignore[attr-defined]
    assert not any("Different people?" in w.value for w in app.warning)


@pytest.mark.slow
def test_the_report_offers_the_guide_saving_and_moving_a_point(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("POSECHECK_HOME", str(tmp_path))
    app = AppTest.from_file(CHECK_PAGE, default_timeout=120).run()
    assert any(e.label == "How to take the photos" for e in app.expander)
    app.get("file_uploader")[0].set_value([upload("front.jpg", "man_misaligned_front")]).run()  # type: ignore[attr-defined]
    assert not app.exception, app.exception
    assert any("Save this check on this computer" in c.label for c in app.checkbox)
    assert not any(s.value == "Correct a point" for s in app.subheader)
    app.toggle(key="correcting-0").set_value(True).run()
    assert not app.exception, app.exception
    assert any(s.value == "Correct a point" for s in app.subheader)
    assert not list(tmp_path.iterdir())  # nothing saved without consent


@pytest.mark.slow
def test_a_camera_snapshot_can_be_taken_instead_of_an_upload() -> None:
    app = AppTest.from_file(CHECK_PAGE, default_timeout=120).run()
    assert not app.get("camera_input")
    app.toggle(key="use-camera").set_value(True).run()
    assert not app.exception, app.exception
    assert len(app.get("camera_input")) == 1


@pytest.mark.slow
def test_the_page_survives_every_hostile_file_three_at_a_time() -> None:
    """The hostile corpus (scripts/hostile_corpus.py: corrupt, truncated, empty, bombs, lying
    headers, animations, every orientation and mode, not images, HEIC, odd names) through the
    Check page, three files at a time as the uploader allows: no exception, and each file that
    cannot be read gets its own error on the page."""
    from tests.test_images_memory import hostile_corpus

    # the uploader takes only the photo formats' endings (the browser refuses the others, and
    # Streamlit raises on them itself), so the others are given a .jpg name: their bytes are
    # what is hostile
    allowed = tuple(f".{ending}" for ending in SUPPORTED_FORMATS)
    cases = []
    for case in hostile_corpus().corpus(2000):
        # a browser sends names as text: bytes that are not UTF-8 arrive replaced
        name = case.name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
        cases.append(replace(case, name=name if name.lower().endswith(allowed) else f"{name}.jpg"))
    app = AppTest.from_file(CHECK_PAGE, default_timeout=120).run()
    for start in range(0, len(cases), 3):
        group = cases[start : start + 3]
        files = [(case.name, case.data, "application/octet-stream") for case in group]
        app.get("file_uploader")[0].set_value(files).run()  # type: ignore[attr-defined]
        names = [case.name for case in group]
        assert not app.exception, (names, app.exception)
        unreadable = [case for case in group if case.size is None and case.errors]
        assert len(app.error) >= len(unreadable), (names, [e.value for e in app.error])


class _CountingAnalyzer:
    """Stands in for ``Analyzer`` in ``posecheck.ui.analyses``: records each load and its thread."""

    loads: ClassVar[list[tuple[str, str]]] = []
    ways: ClassVar[list[bool]] = []
    fail = False

    @classmethod
    def open(cls, model: str, *, both_ways: bool = False) -> object:
        cls.loads.append((model, threading.current_thread().name))
        cls.ways.append(both_ways)
        if cls.fail:
            raise ModelError("no model here", code=ErrorCode.MODEL_UNAVAILABLE)
        time.sleep(0.2)  # a load takes a while: a second caller must wait for it, not load again
        return object()


@pytest.mark.slow  # over 0.2 s on a clean clone: .ci/run runs it, make test keeps its time
def test_the_photo_model_loads_in_the_background_once(monkeypatch: pytest.MonkeyPatch) -> None:
    from posecheck.ui import analyses

    monkeypatch.setattr(analyses, "Analyzer", _CountingAnalyzer)
    monkeypatch.setattr(_CountingAnalyzer, "loads", [])
    monkeypatch.setattr(_CountingAnalyzer, "ways", [])
    model = f"warm-test-{time.monotonic_ns()}"  # a key no other test has cached
    analyses.warm_up(model)
    analyses.warm_up(model)  # a second page view: nothing more
    time.sleep(0.05)
    shared = analyses.shared_analyzer(model)  # the first photo, while it loads: it waits
    assert isinstance(shared, SharedAnalyzer)
    assert _CountingAnalyzer.loads == [(model, "posecheck-warm-up")]
    assert _CountingAnalyzer.ways == [True]  # the app looks at the photo and its mirror image
    assert analyses.shared_analyzer(model) is shared


@pytest.mark.slow  # over 0.2 s on a clean clone: .ci/run runs it, make test keeps its time
def test_a_missing_model_is_tried_again_at_the_next_page_view(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from posecheck.ui import analyses

    monkeypatch.setattr(analyses, "Analyzer", _CountingAnalyzer)
    monkeypatch.setattr(_CountingAnalyzer, "loads", [])
    monkeypatch.setattr(_CountingAnalyzer, "ways", [])
    monkeypatch.setattr(_CountingAnalyzer, "fail", True)
    model = f"warm-test-{time.monotonic_ns()}"
    analyses.warm_up(model)
    deadline = time.monotonic() + 10
    while model in analyses._WARMING and time.monotonic() < deadline:
        time.sleep(0.01)
    assert model not in analyses._WARMING  # the failure forgotten: the page may try again
    monkeypatch.setattr(_CountingAnalyzer, "fail", False)
    analyses.warm_up(model)
    assert isinstance(analyses.shared_analyzer(model), SharedAnalyzer)
    assert [m for m, _ in _CountingAnalyzer.loads] == [model, model]
