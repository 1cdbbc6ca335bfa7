"""The PDF report: it opens, has a page per photo or so, and says what the JSON says."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import datetime
from pathlib import Path

import pytest

from posecheck.analysis import AnalysisFailure, Analyzer
from posecheck.bodymap import measure_meaning
from posecheck.cli import EXIT_OK, main
from posecheck.combine import combine
from posecheck.errors import ErrorCode, InvalidImageError, NoPersonError
from posecheck.live.session import SessionSummary
from posecheck.live.stance import StanceMeasure, StanceResult
from posecheck.measures import EXPERIMENTAL_WORDS, HELD_WORDS_LIVE, MEASURES_BY_NAME, MeasureName
from posecheck.pdf import PdfPhoto, live_pdf_report, pdf_report
from posecheck.pictures import exercise_pictures
from posecheck.samples import sample_paths
from posecheck.types import CaptureCheck, Status, Unit, View
from tests.live_fakes import ReplayFactory, heel_raises_summary, stance_readings
from tests.test_cli_video import blank_clip
from tests.test_cli_video import replayed_heel_raises as replayed_heel_raises  # the fixture

PDFTOTEXT = shutil.which("pdftotext")


def _text(pdf: Path, mode: str = "-layout") -> str:
    """The PDF's text as pdftotext reads it (``-raw``: in the order it was written, each table
    cell whole)."""
    if PDFTOTEXT is None:
        pytest.skip(
            "pdftotext is not installed (`bash scripts/setup-system.sh --slow-tests` installs "
            "poppler-utils)"
        )
    return subprocess.run(
        [PDFTOTEXT, mode, str(pdf), "-"], capture_output=True, check=True, text=True
    ).stdout


@pytest.mark.slow  # over 0.5 s: kept out of make test's fast suite, run by .ci/run
def test_a_failed_photo_still_gives_a_report_with_the_disclaimer(tmp_path: Path) -> None:
    error = InvalidImageError("Cannot find x.jpg.", code=ErrorCode.NOT_FOUND)
    data = pdf_report(
        [PdfPhoto(AnalysisFailure("x.jpg", "full", error))], created=datetime(2026, 1, 2)
    )
    assert data.startswith(b"%PDF")
    out = tmp_path / "r.pdf"
    out.write_bytes(data)
    text = _text(out)
    assert "Could not analyse this photo" in text and "Not medical advice" in text
    assert "2026-01-02" in text
    # a photo too dark to find anyone in says so, and what to do
    dark = CaptureCheck("lighting", False, "too dark: median brightness 3 of 255", "Add light.")
    nobody = NoPersonError("No person was found in this photo.", code=ErrorCode.NO_PERSON)
    failure = AnalysisFailure("dark.jpg", "full", nobody, checks=(dark,))
    out.write_bytes(pdf_report([PdfPhoto(failure)], created=datetime(2026, 1, 2)))
    said = " ".join(_text(out, "-raw").split())
    assert "Likely why: too dark: median brightness 3 of 255. Add light." in said


@pytest.mark.slow
def test_analyze_pdf_has_the_pictures_measures_findings_and_plan(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    samples = {p.stem: p for p in sample_paths()}
    out = tmp_path / "report.pdf"
    names = [str(samples[n]) for n in ("man_misaligned_front", "man_misaligned_right")]
    assert main(["analyze", *names, "--combine", "--pdf", str(out), "--jobs", "1"]) == 0
    capsys.readouterr()
    text = _text(out)
    expected = (
        "posecheck report", "left foot angle", "usual range", "within the usual range",
        "The report across the photos", "Toe pressing", "Not medical advice",
        "How to read the error", "It is not a guarantee",
    )  # fmt: skip
    for words in expected:
        assert words in text, words
    # an experimental measure says so in its label; what that means, once under each table
    assert "hip level (experimental)" in text and "Measures marked (experimental)" in text
    # each photo by its file's name, without the folders it was read from
    assert "man_misaligned_front.jpg" in text and "data/samples" not in text
    # a photo's heading never sits alone at a page's foot, its photo overleaf (pages: form feeds)
    for page in text.split("\f"):
        lines = [line.strip() for line in page.splitlines() if line.strip()]
        for index, line in enumerate(lines):
            if line.endswith(".jpg"):
                after = lines[index + 1 : index + 3]
                assert any(words.startswith("View:") for words in after), (line, after)
    images = subprocess.run(["pdfimages", "-list", str(out)], capture_output=True, text=True)
    if images.returncode == 0:
        assert images.stdout.count("jpeg") >= 2  # the two annotated photos


@pytest.mark.slow  # the real model
def test_a_measured_photo_says_how_it_could_be_taken_better(tmp_path: Path) -> None:
    """A photo that was measured, but one of whose advisory checks failed (the body too small,
    say), says what was found and what to do, by the check's name in words."""
    from dataclasses import replace

    from posecheck.analysis import Analysis

    sample = next(p for p in sample_paths() if p.stem == "woman_neutral_front")
    with Analyzer.open() as analyzer:
        result = analyzer.analyze_path(sample)
    assert isinstance(result, Analysis) and result.judged
    small = CaptureCheck("person_size", False, "the body is about 350 px tall", "Step closer.")
    checks = tuple(small if c.name == "person_size" else c for c in result.checks)
    out = tmp_path / "r.pdf"
    out.write_bytes(pdf_report([PdfPhoto(replace(result, checks=checks))]))
    said = " ".join(_text(out, "-raw").split())
    assert "To take it better: The body large enough: the body is about 350 px tall. " in said
    assert "person_size" not in said


def _without_dates(text: str) -> list[str]:
    return [line for line in text.splitlines() if "posecheck ·" not in line]


@pytest.mark.slow
def test_the_app_and_the_cli_make_the_same_pdf_with_the_body_map_and_scales(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The app builds its PDF from the results it holds (``PdfPhoto.of``); ``analyze --pdf``
    from a batch: the same words, the same pictures, the body map and a scale per measure."""
    samples = {p.stem: p for p in sample_paths()}
    paths = [samples[n] for n in ("man_misaligned_front", "man_misaligned_right")]
    cli_pdf = tmp_path / "cli.pdf"
    assert (
        main(["analyze", *map(str, paths), "--combine", "--pdf", str(cli_pdf), "--jobs", "1"]) == 0
    )
    capsys.readouterr()
    with Analyzer.open("full") as analyzer:
        results = [analyzer.analyze_path(path) for path in paths]
    app_pdf = tmp_path / "app.pdf"
    app_pdf.write_bytes(pdf_report([PdfPhoto.of(r) for r in results], combine(results)))
    text = _text(app_pdf)
    assert _without_dates(text) == _without_dates(_text(cli_pdf))
    assert "At a glance" in text
    combined = combine(results)
    for name, measurement in combined.measurements.items():
        label = MEASURES_BY_NAME[name].label
        assert text.count(label) >= 2, label  # in the table and on its scale's card
        assert measure_meaning(name).split(";")[0][:30] in " ".join(text.split()), name
        if measurement.value is not None:
            assert measurement.status.words.capitalize()[:20] in " ".join(text.split())
    images = subprocess.run(["pdfimages", "-list", str(app_pdf)], capture_output=True, text=True)
    if images.returncode == 0:
        listed = images.stdout.count("jpeg")
        plan = combined.plan
        exercise_pictures_shown = sum(len(exercise_pictures(i.exercise.id)) for i in plan.items)
        assert exercise_pictures_shown > 0
        # two photos, the body map, a scale per measure, the plan's pictures
        expected = 2 + 1 + len(combined.measurements) + exercise_pictures_shown
        assert listed >= expected, images.stdout


def _live_session() -> SessionSummary:
    """Heel raises and a stance with a held, an experimental, a usual and an unknown mean;
    someone else in view in 12 frames."""
    foot = StanceMeasure(
        MeasureName.LEFT_FOOT_ANGLE, None, None, 3, Unit.DEG, Status.UNKNOWN, (0.0, 15.0),
        "a value on 3 of 60 still frames: not visible enough: left heel",
    )  # fmt: skip
    measures = {foot.name: foot, **stance_readings()}
    stance = StanceResult(4000.0, 4000.0, 60, View.FRONT, 0.002, measures)
    return heel_raises_summary(stance, frames_with_others=12)


@pytest.mark.slow  # over 0.5 s
def test_a_live_session_pdf_has_the_counts_the_stance_and_what_it_cannot_judge(
    tmp_path: Path,
) -> None:
    data = live_pdf_report(_live_session(), "Heel raises", created=datetime(2026, 12, 4, 9, 30))
    assert data.startswith(b"%PDF")
    out = tmp_path / "live.pdf"
    out.write_bytes(data)
    text = " ".join(_text(out, "-raw").split())
    assert "posecheck live: Heel raises" in text and "2026-12-04 09:30" in text
    assert "Not medical advice" in text
    assert "720 frames over 50 s; a person in view in 700 of them" in text
    assert "Someone else was in view in 12 frames" in text
    assert "right side 15 of 15 yes" in text and "left side 9 of 15 not yet" in text
    assert "Form: Rise straight up, not onto the outer edge: 2 times" in text
    assert "Averaged over 60 still frames (4.0 s, front view)" in text
    assert "+10.6 ± 5.0°" in text and HELD_WORDS_LIVE in text
    assert "Shoulder level: the camera's roll is not known." in text
    # said once under the table, not in each experimental row's status
    assert "hip level (experimental)" in text and EXPERIMENTAL_WORDS not in text
    assert "Measures marked (experimental) are shown, not judged" in text
    assert "+1.0 ± 5.0°" in text and "within the usual range" in text
    assert "left foot angle not measured" in text  # and why, under the table
    assert "Not measured, the left foot angle: a value on 3 of 60 still frames: not " in text
    # the body map: a picture in the PDF
    assert b"/Subtype /Image" in data


@pytest.mark.slow  # the PDF takes over 0.5 s
def test_posecheck_video_writes_the_summary_as_a_pdf(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], replayed_heel_raises: ReplayFactory
) -> None:
    clip = blank_clip(tmp_path / "raises.mp4", frames=len(replayed_heel_raises.recording.poses))
    out = tmp_path / "summary.pdf"
    argv = ["video", str(clip), "--exercise", "heel_raises", "--pdf", str(out), "--json"]
    assert main(argv) == EXIT_OK
    document = json.loads(capsys.readouterr().out)
    assert document["outputs"]["pdf"] == str(out)
    text = " ".join(_text(out, "-raw").split())
    assert "posecheck live: raises.mp4" in text and "Heel raises" in text
    assert "the set 5 of 20 not yet" in text
    assert main(["video", str(clip), "--pdf", str(tmp_path / "no" / "such" / "x.pdf")]) == 1
    assert "could not write" in capsys.readouterr().err
