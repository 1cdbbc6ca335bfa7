"""The PDF report: it opens, has a page per photo or so, and says what the JSON says."""

from __future__ import annotations

import shutil
import subprocess
from datetime import datetime
from pathlib import Path

import pytest

from posecheck.analysis import AnalysisFailure
from posecheck.cli import main
from posecheck.errors import ErrorCode, InvalidImageError
from posecheck.pdf import PdfPhoto, pdf_report
from posecheck.samples import sample_paths

PDFTOTEXT = shutil.which("pdftotext")


def _text(pdf: Path) -> str:
    if PDFTOTEXT is None:
        pytest.skip("pdftotext is not installed (.ci/run installs poppler-utils)")
    return subprocess.run(
        [PDFTOTEXT, "-layout", str(pdf), "-"], capture_output=True, check=True, text=True
    ).stdout


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
    )  # fmt: skip
    for words in expected:
        assert words in text, words
    images = subprocess.run(["pdfimages", "-list", str(out)], capture_output=True, text=True)
    if images.returncode == 0:
        assert images.stdout.count("jpeg") >= 2  # the two annotated photos
