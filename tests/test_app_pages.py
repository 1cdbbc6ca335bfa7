"""The Exercises and About pages through AppTest (run directly, as page files)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from posecheck import (
    COACHED_IDS,
    DISCLAIMER,
    MEASURES,
    exercise_pictures,
    guide_pictures,
    load_catalogue,
)

ROOT = Path(__file__).resolve().parents[1]
PAGES = ROOT / "posecheck/ui/pages"


def opened(page: str) -> AppTest:
    app = AppTest.from_file(str(PAGES / page), default_timeout=60).run()
    assert not app.exception, app.exception
    return app


def test_the_exercises_page_lists_the_catalogue_and_what_the_coach_follows() -> None:
    app = opened("exercises.py")
    catalogue = load_catalogue()
    labels = [e.label for e in app.expander]
    assert len(labels) == len(catalogue) + 1  # and the live-only posture hold
    coached = [label for label in labels if "live coach" in label]
    assert len(coached) == len(COACHED_IDS)
    by_name = {exercise.name: exercise for exercise in catalogue}
    first = by_name[labels[0].split("**")[1]]
    assert first.id == COACHED_IDS[0]  # the coach's exercises first, in the routine's order
    text = "\n".join(m.value for m in app.markdown)
    for exercise in catalogue:
        assert exercise.steps[0] in text and exercise.cautions[0] in text
    assert "Camera side-on" in text  # where the camera goes, for coached exercises
    assert sum(DISCLAIMER in c.value for c in app.caption) == 1
    app.toggle[0].set_value(True).run()
    assert len(app.expander) == len(COACHED_IDS)


def test_each_exercise_shows_its_pictures_with_captions_beside_its_steps() -> None:
    app = opened("exercises.py")
    by_name = {exercise.name: exercise for exercise in load_catalogue()}
    seen = 0
    for expander in app.expander:
        name = expander.label.split("**")[1]
        if name not in by_name:  # the live-only posture hold has no catalogue entry
            continue
        exercise = by_name[name]
        pictures = exercise_pictures(exercise.id)
        images = expander.image
        assert len(images) == len(pictures) >= 1, exercise.id
        captions = [image.proto.imgs[0].caption for image in images]
        assert captions == [p.caption for p in pictures]
        # The pictures side by side, one a column, beside the column of words.
        columns = expander.columns
        (told,) = [c for c in columns if any(exercise.steps[0] in m.value for m in c.markdown)]
        assert not told.image
        singles = [c for c in columns if len(c.image) == 1 and not (c.markdown or c.columns)]
        assert len(singles) == len(pictures)
        told_text = "\n".join(m.value for m in told.markdown)
        assert exercise.steps[0] in told_text and exercise.dose.describe() in told_text
        seen += 1
    assert seen == len(by_name)


def test_the_capture_guide_shows_each_picture_with_its_caption_and_advice() -> None:
    def guide_page() -> None:
        from posecheck.ui.guide import show_guide

        show_guide(expanded=True)

    app = AppTest.from_function(guide_page, default_timeout=60).run()
    assert not app.exception, app.exception
    (expander,) = app.expander
    assert expander.label == "How to take the photos"
    pictures = guide_pictures()
    captions = [image.proto.imgs[0].caption for image in expander.image]
    assert captions == [p.caption for p in pictures]
    text = "\n".join(m.value for m in expander.markdown)
    for picture in pictures:
        assert picture.advice in text
    assert text.count("Avoid.") == sum(p.mistake for p in pictures) >= 1
    assert text.count("Do.") == sum(not p.mistake for p in pictures) >= 3
    assert "hip height" in text and "2 to 3 metres" in text


@pytest.mark.slow  # over 0.5 s: kept out of make test's fast suite, run by .ci/run
def test_the_about_page_says_what_it_measures_how_well_and_what_stays_here() -> None:
    app = opened("about.py")
    assert [h.value for h in app.header] == [
        "What it measures",
        "How right it is",
        "What it cannot judge",
        "Privacy",
    ]
    (table,) = app.table
    assert len(table.value) == len(MEASURES)
    text = "\n".join(m.value for m in app.markdown)
    assert "specificity ≥ 95 %" in text and "sensitivity is low" in text
    assert "told to **recheck**" in text and "in vain" in text  # what the misses are told
    assert "looked at twice" in text  # as the app analyses photos: both ways
    assert "docs/SCREENING.md" in text
    assert "flat feet" in text and "scoliosis" in text
    assert "runs on this machine" in text and "last 6 analyses" in text
    assert sum(DISCLAIMER in w.value for w in app.warning) == 1
