"""History in the app through AppTest: saving only with consent (a check under the report, a live
session under its summary), and the History page: empty, two checks listed and trended with the
error band, side by side, one deleted, everything deleted after a confirmation.

Every test points ``POSECHECK_HOME`` at its own temporary folder: nothing touches the user's
real history.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import streamlit_webrtc
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.errors import AppTestError

from posecheck import (
    MEASURES_BY_NAME,
    Analysis,
    Analyzer,
    HistoryStore,
    MeasureName,
    Status,
    StoredCheck,
    TrendPoint,
    sample_paths,
)
from posecheck.ui.pages.history import (
    NO_CHANGE,
    change_words,
    findings_lines,
    session_lines,
    trend_chart,
    trend_words,
    views_words,
)
from tests.test_app_live import FakeStreamer, feed, letterboxed

ROOT = Path(__file__).resolve().parents[1]
PAGE = str(ROOT / "posecheck/ui/pages/history.py")
LIVE_PAGE = str(ROOT / "posecheck/ui/pages/live.py")
SAMPLES = {p.stem: p for p in sample_paths()}


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The history lives in this test's own folder."""
    monkeypatch.setenv("POSECHECK_HOME", str(tmp_path))
    return tmp_path


def stored(home: Path) -> HistoryStore:
    return HistoryStore(home / "history.sqlite3")


def opened(page: str = PAGE) -> AppTest:
    app = AppTest.from_file(page, default_timeout=120).run()
    assert not app.exception, app.exception
    return app


def texts(app: AppTest) -> str:
    kinds = ("markdown", "caption", "header", "info", "warning", "success", "error")
    return "\n".join(str(element.value) for kind in kinds for element in app.get(kind))


def button(app: AppTest, label: str, index: int = 0) -> object:
    found = [b for b in app.button if b.label == label]
    assert len(found) > index, f"no button {label!r}: {[b.label for b in app.button]}"
    return found[index]


def checkbox(app: AppTest, label: str) -> object:
    (found,) = [c for c in app.checkbox if c.label == label]
    return found


def charts(app: AppTest) -> list[object]:
    return list(app.get("vega_lite_chart"))


# --- the words of a change -------------------------------------------------------------------


def test_a_change_within_the_error_is_not_called_progress() -> None:
    spec = MEASURES_BY_NAME[MeasureName.LEFT_FOOT_ANGLE]  # usual range 0 to 15 degrees
    when = datetime(2026, 12, 1, tzinfo=UTC)
    first = TrendPoint(1, when, 22.0, 5.0, Status.MILD)
    small = TrendPoint(2, when + timedelta(days=7), 16.0, 5.0, Status.POSSIBLE)
    large = TrendPoint(3, when + timedelta(days=14), 12.0, 5.0, Status.NORMAL)
    assert change_words(spec, first, small) == NO_CHANGE  # 6 < 7.1, the errors together
    assert change_words(spec, first, large) == "changed by -10.0°, closer to the usual range"
    assert change_words(spec, large, first) == "changed by +10.0°, further from the usual range"
    short, sentence = trend_words(spec, [first, small])
    assert short == NO_CHANGE and "±7.1°" in sentence and "smaller" in sentence
    short, sentence = trend_words(spec, [first])
    assert short == "one reading so far" and "+22.0°" in sentence


def test_a_trend_chart_never_asks_to_recheck_a_measure_never_judged() -> None:
    """The legend's statuses: a judged measure's "possible" asks for a recheck, an experimental
    one's does not (its chart's title says it is experimental); one status a line, so that the
    legend fits a phone's width."""
    when = datetime(2026, 12, 1, tzinfo=UTC)
    points = [
        TrendPoint(1, when, 3.4, 4.5, Status.POSSIBLE),
        TrendPoint(2, when + timedelta(days=7), 1.0, 4.5, Status.NORMAL),
    ]

    def legend_words(name: MeasureName) -> tuple[list[str], dict[str, object]]:
        chart = trend_chart(MEASURES_BY_NAME[name], points)
        (marks,) = (layer for layer in chart["layer"] if layer["mark"]["type"] == "point")
        return [row["status"] for row in chart["data"]["values"]], marks["encoding"]["shape"]

    hips, shape = legend_words(MeasureName.PELVIC_TILT)
    assert hips == ["outside the usual range, but within the error", "within the usual range"]
    assert shape["legend"]["direction"] == "vertical"
    shoulders, _ = legend_words(MeasureName.SHOULDER_TILT)
    assert shoulders[0] == "possible: recheck (outside, but within the error)"


def test_a_saved_check_says_which_views_it_holds() -> None:
    def saved(views: dict[str, str]) -> StoredCheck:
        return StoredCheck(1, datetime.now(UTC), "photo", tuple(views), "", {"views": views})

    assert views_words(saved({"/photos/a.jpg": "front"})) == "one front photo"
    three = {"b.jpg": "back", "r.jpg": "right", "f.jpg": "front"}
    assert views_words(saved(three)) == "front, side and back photos"
    assert views_words(saved({"l.jpg": "left", "r.jpg": "right"})) == "side photos"


def test_saved_findings_are_listed_in_words_and_an_unknown_status_as_saved() -> None:
    lines = findings_lines(
        [
            {"status": "marked", "title": "Left foot turned out"},
            {"status": "borderline", "title": "Knee angle"},  # a status from another version
        ]
    ).splitlines()
    assert lines[0].endswith("Left foot turned out (well outside the usual range)")
    assert lines[1] == "-  Knee angle (borderline)"
    assert findings_lines([]) == ""


# --- the History page --------------------------------------------------------------------------


@pytest.mark.slow  # over 0.2 s on a clean clone: .ci/run runs it, make test keeps its time
def test_an_empty_history_says_so(home: Path) -> None:
    app = opened()
    assert app.title[0].value == "History"
    assert any("Nothing saved yet" in i.value for i in app.info)
    assert not app.header and not charts(app) and not app.button
    assert str(home) in texts(app)  # where it would be kept, said on the page


@pytest.mark.slow  # over 0.2 s on a clean clone: .ci/run runs it, make test keeps its time
def test_the_history_page_is_reachable_from_the_navigation(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(streamlit_webrtc, "webrtc_streamer", FakeStreamer())
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    app.switch_page("posecheck/ui/pages/history.py").run()
    assert not app.exception, app.exception
    assert app.title[0].value == "History"


def _beyond_the_error(points: Sequence[TrendPoint]) -> bool:
    """The store's rule: the last reading differs from the first by more than their errors."""
    first, last = points[0], points[-1]
    if first.value is None or last.value is None:
        return False
    return abs(last.value - first.value) > (first.error**2 + last.error**2) ** 0.5


@pytest.fixture(scope="module")
def two_photos() -> Iterator[tuple[Analysis, Analysis]]:
    """A neutral stance and a misaligned one (20° toe-out), both from the front."""
    with Analyzer.open("full") as analyzer:
        neutral = analyzer.analyze_path(SAMPLES["woman_neutral_front"])
        misaligned = analyzer.analyze_path(SAMPLES["man_misaligned_front"])
    assert isinstance(neutral, Analysis) and neutral.judged
    assert isinstance(misaligned, Analysis) and misaligned.judged
    yield neutral, misaligned


@pytest.mark.slow
def test_two_saved_checks_are_listed_trended_compared_and_one_deleted(
    home: Path, two_photos: tuple[Analysis, Analysis]
) -> None:
    misaligned, neutral = two_photos[1], two_photos[0]
    first_day = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)  # the same date in any time zone
    with stored(home) as store:
        first = store.save_check([misaligned], created=first_day)
        second = store.save_check([neutral], created=first_day + timedelta(days=28))
        expected_trends = {spec.label: store.trend(spec.name) for spec in MEASURES_BY_NAME.values()}
    app = opened()
    headers = [h.value for h in app.header]
    assert headers[:3] == ["Saved checks", "How your measures changed", "Two checks side by side"]
    saved = [e.label for e in app.expander if "front photo" in e.label]
    assert len(saved) == 2 and "29 Nov 2026" in saved[0] and "1 Nov 2026" in saved[1]
    # one trend per measure with readings, each said in words the store's rule agrees with
    trended = {label: points for label, points in expected_trends.items() if points}
    assert len(charts(app)) == len(trended) >= 8
    changed = [label for label, points in trended.items() if _beyond_the_error(points)]
    assert changed  # a 20° toe-out against a neutral stance: some measure moved for sure
    for label, points in trended.items():
        (title,) = [e.label for e in app.expander if e.label.startswith(f"{label.capitalize()}:")]
        if len(points) == 1:  # a measure one of the two photos could not give (the roll unknown)
            assert "one reading so far" in title, title
            continue
        assert (NO_CHANGE in title) == (label not in changed), title
        assert ("changed by " in title) == (label in changed), title
    # the chart carries the error band: each reading's value ± its error
    chart = app.get("vega_lite_chart")[0]
    assert "low" in str(chart.proto) and "high" in str(chart.proto)
    # side by side: the earlier and the later check, every shared measure compared
    assert [s.label for s in app.selectbox] == ["Earlier", "Later"]
    comparison = texts(app)
    assert "Left foot angle**: +" in comparison and "→" in comparison
    # delete the older check
    button(app, "Delete this check", 1).click().run()  # type: ignore[attr-defined]
    assert not app.exception, app.exception
    with stored(home) as store:
        assert [c.id for c in store.checks()] == [second]
        assert store.measures(first) == {}
    assert any("Deleted the check of 1 Nov 2026" in s.value for s in app.success)
    assert len([e for e in app.expander if "front photo" in e.label]) == 1
    assert all("one reading so far" in e.label for e in app.expander if "angle:" in e.label)


@pytest.mark.slow
def test_everything_is_deleted_only_after_a_confirmation(
    home: Path, two_photos: tuple[Analysis, Analysis]
) -> None:
    with stored(home) as store:
        store.save_check([two_photos[0]])
        store.save_live_session({"summary": "Stance check: measured", "title": "Stance check"})
    app = opened()
    assert "Live sessions" in [h.value for h in app.header]
    (download,) = app.get("download_button")  # everything, as JSON, before deleting it
    assert "JSON" in download.proto.label  # type: ignore[attr-defined]
    button(app, "Delete everything saved…").click().run()  # type: ignore[attr-defined]
    assert any("cannot be undone" in w.value for w in app.warning)
    button(app, "Cancel").click().run()  # type: ignore[attr-defined]
    with stored(home) as store:
        assert len(store.checks()) == 2  # asked, then cancelled: nothing deleted
    button(app, "Delete everything saved…").click().run()  # type: ignore[attr-defined]
    button(app, "Yes, delete everything").click().run()  # type: ignore[attr-defined]
    assert not app.exception, app.exception
    with stored(home) as store:
        assert store.checks() == []
    assert any("Nothing saved yet" in i.value for i in app.info)


# --- saving with consent -----------------------------------------------------------------------


def _report_script(stems: list[str]) -> None:
    """Stands in for the Check page's report: analyses, the combined report, the save offer."""
    from posecheck import combine, sample_paths
    from posecheck.ui.analyses import analyse
    from posecheck.ui.history import offer_to_save

    paths = [p for p in sample_paths() if p.stem in stems]
    analyses = [analyse(p.read_bytes(), p.name) for p in paths]
    offer_to_save(analyses, combine(analyses) if len(analyses) > 1 else None)  # type: ignore[arg-type]


def report_app(stems: list[str]) -> AppTest:
    app = AppTest.from_function(_report_script, args=(stems,), default_timeout=120).run()
    assert not app.exception, app.exception
    return app


@pytest.mark.slow
def test_nothing_is_saved_without_consent(home: Path) -> None:
    app = report_app(["woman_neutral_front"])
    save = button(app, "Save")
    assert save.disabled  # type: ignore[attr-defined]
    assert checkbox(app, "Also keep the photos themselves").disabled  # type: ignore[attr-defined]
    assert "small pictures" in texts(app)  # what would be kept, said before asking
    with pytest.raises(AppTestError):  # a disabled button cannot be pressed
        save.click()  # type: ignore[attr-defined]
    app.run()
    assert not app.exception, app.exception
    with stored(home) as store:
        assert store.checks() == []
    assert not app.success


@pytest.mark.slow
def test_with_consent_one_check_is_saved_with_thumbnails_and_photos_only_if_asked(
    home: Path,
) -> None:
    app = report_app(["woman_neutral_front"])
    checkbox(app, "Save this check on this computer").check().run()  # type: ignore[attr-defined]
    assert not button(app, "Save").disabled  # type: ignore[attr-defined]
    button(app, "Save").click().run()  # type: ignore[attr-defined]
    assert not app.exception, app.exception
    assert any("Saved on this computer" in s.value for s in app.success)
    assert not [b for b in app.button if b.label == "Save"]  # saved once, not offered again
    app.run()
    with stored(home) as store:
        (check,) = store.checks()
        assert check.images == ("woman_neutral_front.jpg",)
        thumbnails = store.pictures(check.id)
        assert list(thumbnails) == ["woman_neutral_front.jpg"]
        assert thumbnails["woman_neutral_front.jpg"][:2] == b"\xff\xd8"  # a JPEG
        assert len(thumbnails["woman_neutral_front.jpg"]) < 60_000  # small
        assert store.pictures(check.id, "photo") == {}  # the photo itself: not asked


@pytest.mark.slow
def test_a_combined_report_is_saved_with_its_photos_when_asked(home: Path) -> None:
    app = report_app(["man_misaligned_front", "man_misaligned_right"])
    checkbox(app, "Save this check on this computer").check().run()  # type: ignore[attr-defined]
    checkbox(app, "Also keep the photos themselves").check().run()  # type: ignore[attr-defined]
    button(app, "Save").click().run()  # type: ignore[attr-defined]
    assert not app.exception, app.exception
    with stored(home) as store:
        (check,) = store.checks()
        assert set(check.images) == {"man_misaligned_front.jpg", "man_misaligned_right.jpg"}
        assert check.details["views"] == {
            "man_misaligned_front.jpg": "front",
            "man_misaligned_right.jpg": "right",
        }
        assert len(store.pictures(check.id)) == 2 and len(store.pictures(check.id, "photo")) == 2
        measures = store.measures(check.id)
        assert MeasureName.LEFT_FOOT_ANGLE in measures  # from the front
        assert MeasureName.FORWARD_HEAD_ANGLE in measures  # from the side


# --- a live session ----------------------------------------------------------------------------


def _session_script() -> None:
    from posecheck import SessionSummary
    from posecheck.ui.history import offer_to_save_session

    summary = SessionSummary(30, 28, 2000.0, None, None, 0)
    offer_to_save_session(summary, "Stance check", key="0")


@pytest.mark.slow  # over 0.1 s on a clean clone: .ci/run runs it, make test keeps its time
def test_a_live_session_summary_is_saved_by_its_button(home: Path) -> None:
    app = AppTest.from_function(_session_script, default_timeout=30).run()
    assert not app.exception, app.exception
    with stored(home) as store:
        assert store.checks() == []  # shown, not saved
    button(app, "Save this session").click().run()  # type: ignore[attr-defined]
    assert any("Saved to your history" in s.value for s in app.success)
    with stored(home) as store:
        (check,) = store.checks()
    assert check.kind == "live" and check.summary == (
        "Stance check: not measured: it lasted only 2.0 s; stand still, alone in view, for 3-4 s"
    )
    assert check.details["frames"] == 30 and check.details["title"] == "Stance check"
    page = opened()
    assert "Live sessions" in [h.value for h in page.header]
    assert any("Stance check" in e.label for e in page.expander)
    assert "30 frames" in texts(page)


@pytest.mark.slow
def test_the_live_page_saves_a_stopped_session(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The real lite model on a sample render held still; Stop; Save this session."""
    streamer = FakeStreamer()
    monkeypatch.setattr(streamlit_webrtc, "webrtc_streamer", streamer)
    try:
        app = opened(LIVE_PAGE)
        streamer.playing = True
        app.run()  # START
        feed(streamer.processor, letterboxed("woman_neutral_front"), 75)  # 5 s
        streamer.stop()
        app.run()
    finally:
        streamer.stop()
    assert not app.exception, app.exception
    button(app, "Save this session").click().run()  # type: ignore[attr-defined]
    assert not app.exception, app.exception
    with stored(home) as store:
        (check,) = store.checks()
    assert check.kind == "live" and check.details["frames"] == 75
    assert check.summary.startswith("Stance check: ")


def test_a_saved_live_session_says_which_stance_means_are_not_judged() -> None:
    stance = {
        "measures": {
            "shoulder_tilt": {
                "value": 10.6, "status": "possible", "held": True,
                "reason": "the camera's roll is not known",
            },
            "pelvic_tilt": {"value": 3.1, "status": "possible", "held": False},
            "left_knee_angle_frontal": {"value": 1.0, "status": "normal"},  # an older record
        }
    }  # fmt: skip
    lines = session_lines({"duration_s": 12, "frames": 180, "stance": stance})
    assert lines[0] == "12 s, 180 frames"
    held = "possible: not judged from this camera view: the camera's roll is not known"
    assert f"Shoulder level: +10.6° ({held})" in lines
    (hips,) = (line for line in lines if line.startswith("Hip level"))
    assert "experimental: shown, not judged" in hips and "recheck" not in hips
    assert any(
        line.startswith("Left knee") and line.endswith("(within the usual range)") for line in lines
    )


def test_a_saved_live_session_says_when_someone_else_was_in_view() -> None:
    assert len(session_lines({"duration_s": 12, "frames": 180})) == 1  # older records too
    lines = session_lines({"duration_s": 12, "frames": 180, "frames_with_others": 30})
    assert lines[1] == "Someone else was in view in 30 frames (the stance check waited then)"
