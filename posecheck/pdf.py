"""The report as a PDF (fpdf2, pure Python): the same content as the JSON and the app.

Per photo: the annotated picture, the measures with their usual range, error band and status in
words; then the body map and a scale picture per measure (the same pictures as the app), the
findings, the pattern from the feet up, what a photo cannot judge, the exercise plan with steps,
doses, cautions and each exercise's pictures, the date, and the disclaimer on every page. A photo
that could not be judged says why and how to retake.

A live session or a clip (:func:`live_pdf_report`): its frames, the exercise's counts or times per
side with the form notes and what the camera cannot see, and the stance check's averaged measures
(mean, error band, spread and status in words, the held ones' reasons) with the body map; the
date, and the disclaimer on every page.
"""

from __future__ import annotations

import importlib.util
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from posecheck.analysis import Analysis, AnalysisFailure, PhotoResult
from posecheck.bodymap import (
    SCALE_HEIGHT,
    SCALE_WIDTH,
    body_map,
    measure_meaning,
    measure_scale,
)
from posecheck.capture import retake_advice
from posecheck.combine import CombinedReport
from posecheck.draw import draw_analysis
from posecheck.exercises import CLINICIAN_NOTE, DISCLAIMER, Plan
from posecheck.findings import Assessment
from posecheck.images import encode_jpeg
from posecheck.live.coach import SideProgress
from posecheck.live.records import side_amount_words, side_to_dict
from posecheck.live.session import SessionSummary
from posecheck.live.stance import StanceMeasure, StanceResult, why_no_stance
from posecheck.measures import (
    HELD_WORDS,
    HELD_WORDS_LIVE,
    MEASURES_BY_NAME,
    Measurement,
    MeasureName,
    MeasureSpec,
    status_in_words,
)
from posecheck.pictures import Picture, exercise_pictures
from posecheck.types import Status, Unit

#: Unicode fonts tried in order (Debian's DejaVu, then the copy matplotlib ships, which MediaPipe
#: installs); without one, the text is written in the PDF's built-in Latin-1 font.
_FONT_FILES = (
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/TTF/DejaVuSans.ttf"),
)
_MARGIN = 15.0
#: The long side of an annotated picture in the PDF, in pixels.
PICTURE_SIDE = 900


@dataclass(frozen=True)
class PdfPhoto:
    """One photo's result and, if there is one, its annotated picture as JPEG bytes."""

    result: PhotoResult
    picture_jpeg: bytes | None = None

    @classmethod
    def of(cls, result: PhotoResult) -> PdfPhoto:
        """The result with its annotated picture drawn (as ``analyze --pdf`` draws it), when it
        still holds its photo."""
        if not isinstance(result, Analysis) or result.image.rgb.shape[:2] == (1, 1):
            return cls(result)
        return cls(result, encode_jpeg(draw_analysis(result), side=PICTURE_SIDE, quality=95))


def _font_file() -> Path | None:
    for path in _FONT_FILES:
        if path.is_file():
            return path
    # the copy in matplotlib's package data, found without importing matplotlib
    spec = importlib.util.find_spec("matplotlib")
    if spec is None or spec.origin is None:
        return None
    bundled = Path(spec.origin).parent / "mpl-data" / "fonts" / "ttf" / "DejaVuSans.ttf"
    return bundled if bundled.is_file() else None


class _Report:
    """A thin writer over fpdf2: headings, paragraphs, a table, a picture."""

    def __init__(self, created: datetime) -> None:
        from fpdf import FPDF

        self.pdf = FPDF(format="A4")
        self.pdf.set_auto_page_break(auto=True, margin=18)
        self.pdf.set_margins(_MARGIN, _MARGIN, _MARGIN)
        font = _font_file()
        if font is not None:
            self.pdf.add_font("Body", "", str(font))
            self.family = "Body"
            self.unicode = True
        else:
            self.family = "Helvetica"
            self.unicode = False
        stamp = created.strftime("%Y-%m-%d %H:%M")
        footer = self.text(f"posecheck · {stamp} · {DISCLAIMER.split('.')[0]}.")
        pdf = self.pdf

        def draw_footer() -> None:
            pdf.set_y(-12)
            pdf.set_font(self.family, size=7)
            pdf.set_text_color(110, 110, 110)
            pdf.cell(0, 5, footer, align="C")
            pdf.set_text_color(0, 0, 0)

        pdf.footer = draw_footer  # type: ignore[method-assign]
        pdf.add_page()

    def text(self, value: str) -> str:
        if self.unicode:
            return value
        return value.replace("−", "-").encode("latin-1", errors="replace").decode("latin-1")

    def heading(self, value: str, size: float = 14, *, keep_with: float = 25.0) -> None:
        """A heading, on a new page unless ``keep_with`` mm of what follows fit under it (a
        heading alone at the foot of a page, its photo or table overleaf, reads as lost)."""
        if self.pdf.will_page_break(size * 0.55 * 2 + keep_with):
            self.pdf.add_page()
        self.pdf.set_font(self.family, size=size)
        self.pdf.multi_cell(0, size * 0.55, self.text(value), new_x="LMARGIN", new_y="NEXT")
        self.pdf.ln(1.5)

    def paragraph(
        self, value: str, size: float = 9.5, colour: tuple[int, int, int] = (0, 0, 0)
    ) -> None:
        self.pdf.set_font(self.family, size=size)
        self.pdf.set_text_color(*colour)
        self.pdf.multi_cell(0, size * 0.5, self.text(value), new_x="LMARGIN", new_y="NEXT")
        self.pdf.set_text_color(0, 0, 0)
        self.pdf.ln(1.5)

    def table(
        self,
        header: Sequence[str],
        rows: Sequence[Sequence[str]],
        widths: Sequence[float] = (52, 24, 28, 18, 58),
    ) -> None:
        self.pdf.set_font(self.family, size=8)
        from fpdf.fonts import FontFace

        plain = FontFace(emphasis="", fill_color=(235, 235, 235))
        with self.pdf.table(
            col_widths=widths, text_align="LEFT", line_height=4.2, headings_style=plain
        ) as table:
            row = table.row()
            for cell in header:
                row.cell(self.text(cell))
            for values in rows:
                row = table.row()
                for cell in values:
                    row.cell(self.text(cell))
        self.pdf.ln(2)

    @staticmethod
    def picture_size(data: bytes, tallest: float = 110.0) -> tuple[float, float]:
        """(width, height) in mm that :meth:`picture` gives the picture."""
        from PIL import Image

        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
        shown = min(90.0, tallest * width / max(height, 1))
        return shown, shown * height / max(width, 1)

    def picture(self, data: bytes, alt: str, *, tallest: float = 110.0) -> None:
        shown, _ = self.picture_size(data, tallest)
        self.pdf.image(io.BytesIO(data), w=shown, alt_text=self.text(alt))
        self.pdf.ln(2)

    def picture_row(self, pictures: Sequence[Picture], height: float = 36.0) -> None:
        """Small pictures side by side, all ``height`` mm tall (an exercise's key positions), each
        with its caption as its text alternative."""
        from PIL import Image

        if not pictures:
            return
        pdf = self.pdf
        if pdf.will_page_break(height + 2):
            pdf.add_page()
        top, x = pdf.get_y(), pdf.l_margin
        for picture in pictures:
            with Image.open(picture.path) as image:
                width = height * image.width / max(image.height, 1)
            pdf.image(str(picture.path), x=x, y=top, w=width, h=height,
                      alt_text=self.text(picture.caption))  # fmt: skip
            x += width + 3
        pdf.set_y(top + height + 2)

    def scale_card(self, measurement: Measurement) -> None:
        """One measure: its name, value and status in words on the left, its scale on the right."""
        pdf = self.pdf
        if pdf.will_page_break(24):
            pdf.add_page()
        top = pdf.get_y()
        picture_width = 72.0
        text_width = pdf.epw - picture_width - 4
        spec = MEASURES_BY_NAME[measurement.name]
        scale = encode_jpeg(measure_scale(measurement), quality=95)
        if scale is not None:
            words = f"Scale of {spec.label}: usual range and where the reading lies"
            pdf.image(io.BytesIO(scale), x=pdf.l_margin + text_width + 4, y=top,
                      w=picture_width, alt_text=self.text(words))  # fmt: skip
        pdf.set_xy(pdf.l_margin, top)
        pdf.set_font(self.family, size=10)
        value = _value(measurement)
        if measurement.value is not None and measurement.error:
            value += f" (error ±{measurement.error:.1f})"
        pdf.multi_cell(text_width, 4.6, self.text(f"{_label(spec)}: {value}"),
                       new_x="LMARGIN", new_y="NEXT")  # fmt: skip
        pdf.set_font(self.family, size=8.5)
        status = measurement.status_explained
        lines = f"{status[0].upper()}{status[1:]}. {measure_meaning(measurement.name)}"
        pdf.multi_cell(text_width, 3.9, self.text(lines), align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.set_y(max(pdf.get_y(), top + picture_width * SCALE_HEIGHT / SCALE_WIDTH) + 2.5)

    def output(self) -> bytes:
        return bytes(self.pdf.output())


def _value(m: Measurement) -> str:
    if m.value is None:
        return "unknown"
    if m.unit is Unit.RATIO:
        return f"{m.value:.2f}"
    unit = m.unit.symbol if m.unit.symbol else ""
    return f"{m.value:+.1f}{unit}"


#: What the ± beside a reading is, said once at the top of a photo report (figures:
#: docs/SCREENING.md's last table, ``python -m posecheck.dev screening out/synth/hard_test
#: [--both-ways]``, 2026-12-05).
_ERROR_NOTE = (
    "How to read the error (±): it is each reading's typical error, the measure's known error "
    "widened where the photo leaves something unknown (a body turned a little, a phone held "
    "tilted). It is not a guarantee: on rendered test photos taken the way phones are held, the "
    "true value lay within it for 8 to 9 readings in 10 for most measures, and for 96-98 % of "
    "the knees seen from the front."
)
#: Under a table with experimental measures (``for_findings`` False).
_EXPERIMENTAL_NOTE = (
    "Measures marked (experimental) are shown, not judged: a photo measures them too roughly, so "
    "they are never the basis of a finding, whatever their status."
)


def _label(spec: MeasureSpec) -> str:
    return spec.label + ("" if spec.for_findings else " (experimental)")


def _status(name: MeasureName, status: Status, held: bool, held_words: str = HELD_WORDS) -> str:
    """A table's status cell: its label says "(experimental)", the note under the table what
    that means (said in every row, it made each experimental row three lines tall)."""
    return status_in_words(name, status, held=held, held_words=held_words, say_experimental=False)


def _experimental_note(report: _Report, names: Iterable[MeasureName]) -> None:
    """Under a table with experimental measures, what "(experimental)" means."""
    if any(not MEASURES_BY_NAME[name].for_findings for name in names):
        report.paragraph(_EXPERIMENTAL_NOTE, size=8.5, colour=(90, 90, 90))


def _measure_rows(measurements: dict[MeasureName, Measurement]) -> list[list[str]]:
    rows = []
    for name, m in measurements.items():
        spec = MEASURES_BY_NAME[name]
        low, high = m.normal_range
        status = _status(name, m.status, m.held)
        rows.append([_label(spec), _value(m), f"{low:g} to {high:g}", f"±{m.error:g}", status])
    return rows


def _at_a_glance(
    report: _Report, measurements: dict[MeasureName, Measurement], assessment: Assessment
) -> None:
    """The body map and a scale per measure."""
    report.heading("At a glance", 12)
    picture = encode_jpeg(body_map(measurements, assessment), quality=95)
    if picture is not None:
        report.picture(picture, "Body map: each region's state as a shape and words", tallest=95)
    for measurement in measurements.values():
        report.scale_card(measurement)


def _judgement(report: _Report, assessment: Assessment, plan: Plan | None) -> None:
    report.paragraph(assessment.summary)
    for finding in assessment.findings:
        report.paragraph(f"{finding.title} ({finding.status.words})", size=10.5)
        report.paragraph(finding.explanation, size=9)
    if assessment.chain:
        report.paragraph(assessment.chain, size=9, colour=(60, 60, 120))
    for note in assessment.cannot_judge:
        report.paragraph(f"A photo cannot judge: {note}", size=8.5, colour=(90, 90, 90))
    if plan is None:
        return
    report.heading("General foot care" if plan.general else "Suggested exercises", 12)
    for item in plan.items:
        exercise = item.exercise
        report.paragraph(f"{exercise.name}: {exercise.dose.describe()}", size=10.5)
        steps = " ".join(f"{i}. {step}" for i, step in enumerate(exercise.steps, start=1))
        report.paragraph(steps, size=9)
        report.picture_row(exercise_pictures(exercise.id))
        report.paragraph("Take care: " + " ".join(exercise.cautions), size=8.5, colour=(90, 90, 90))


def _file_name(name: str) -> str:
    """A photo's name without the folders before it (``/`` only: a backslash may be an escape
    that ``printable_name`` wrote)."""
    return name.rsplit("/", 1)[-1] or name


def pdf_report(
    photos: Sequence[PdfPhoto],
    combined: CombinedReport | None = None,
    *,
    created: datetime | None = None,
) -> bytes:
    """The whole report as PDF bytes."""
    report = _Report(created or datetime.now())
    report.heading("posecheck report", 18)
    report.paragraph(f"{DISCLAIMER} {CLINICIAN_NOTE}", size=8.5, colour=(120, 40, 40))
    report.paragraph(_ERROR_NOTE, size=8.5, colour=(90, 90, 90))
    for photo in photos:
        result = photo.result
        # the file's own name: a report handed to a clinician need not show the folders it came from
        shown = _file_name(result.name)
        picture = photo.picture_jpeg
        report.heading(shown, 12, keep_with=report.picture_size(picture)[1] if picture else 25.0)
        if isinstance(result, AnalysisFailure):
            why = f" {result.likely_why}" if result.likely_why else ""
            report.paragraph(f"Could not analyse this photo: {result.error.message}{why}")
            continue
        assert isinstance(result, Analysis)  # narrowed for the type checker
        if photo.picture_jpeg is not None:
            report.picture(photo.picture_jpeg, f"{shown} with the skeleton and measures")
        report.paragraph(
            f"View: {result.view.view.value}; people found: {result.detection.people_detected}",
            size=9,
        )
        if result.corrected:
            moved = ", ".join(landmark.label.replace("_", " ") for landmark in result.corrected)
            report.paragraph(f"Points moved by hand: {moved}.", size=9, colour=(60, 60, 120))
        if not result.judged:
            report.paragraph(f"Please retake this photo. {result.assessment.summary}")
            continue
        for advice in retake_advice(result.checks):  # measured, but a retake would measure better
            report.paragraph(f"To take it better: {advice}", size=8.5, colour=(90, 90, 90))
        report.table(
            ("measure", "value", "usual range", "error", "status"),
            _measure_rows(dict(result.measurements)),
        )
        _experimental_note(report, result.measurements)
        if combined is None:
            _at_a_glance(report, dict(result.measurements), result.assessment)
            _judgement(report, result.assessment, result.plan)
    if combined is not None:
        report.heading("The report across the photos", 14)
        report.table(
            ("measure", "value", "usual range", "error", "status"),
            _measure_rows(dict(combined.measurements)),
        )
        _experimental_note(report, combined.measurements)
        _at_a_glance(report, dict(combined.measurements), combined.assessment)
        _judgement(report, combined.assessment, combined.plan)
    return report.output()


def live_pdf_report(
    summary: SessionSummary, title: str, *, created: datetime | None = None
) -> bytes:
    """A live session's (or a clip's) summary as PDF bytes; ``title`` names it ("Stance
    check", a clip's file name)."""
    report = _Report(created or datetime.now())
    report.heading(f"posecheck live: {title}", 18)
    report.paragraph(f"{DISCLAIMER} {CLINICIAN_NOTE}", size=8.5, colour=(120, 40, 40))
    report.paragraph(
        f"{summary.frames} frames over {summary.duration_ms / 1000:.0f} s; a person in view in "
        f"{summary.frames_with_person} of them."
    )
    exercise = summary.exercise
    if summary.frames_with_others:
        also = ", and the exercise's counts may have followed them" if exercise else ""
        report.paragraph(
            f"Someone else was in view in {summary.frames_with_others} frames: the stance check "
            f"waited then{also}.",
            colour=(120, 40, 40),
        )
    if exercise is not None:
        report.heading(f"{exercise.name} ({exercise.dose})", 12)
        rows = [
            [
                _side_words(side),
                side_amount_words(side_to_dict(side)),
                "yes" if side.done else "not yet",
            ]
            for side in exercise.sides
        ]
        report.table(("side", "done so far", "dose done"), rows, widths=(40, 80, 60))
        for note in exercise.form_notes:
            report.paragraph(f"Form: {note}", size=9)
        if exercise.cannot_see:
            report.paragraph(
                f"What the camera cannot see: {exercise.cannot_see}", size=8.5, colour=(90, 90, 90)
            )
    if summary.stance is not None:
        _stance(report, summary.stance)
    elif exercise is None:
        why = why_no_stance(
            summary.duration_ms / 1000.0, summary.frames_with_person, summary.frames_with_others
        )
        report.paragraph(f"Stance: {why}.")
    return report.output()


def _side_words(side: SideProgress) -> str:
    return f"{side.side.value} side" if side.side is not None else "the set"


def _stance(report: _Report, result: StanceResult) -> None:
    """The stance check's result: a table of means, the held ones' reasons, the body map."""
    report.heading("Stance", 12)
    report.paragraph(
        f"Averaged over {result.frames} still frames ({result.duration_ms / 1000:.1f} s, "
        f"{result.view.value} view): each measure's mean, its error band (the frames' own: "
        "averaging steadies a reading but does not remove the model's error) and its spread "
        "over the frames.",
        size=9,
    )
    rows = []
    for measure in result.measures.values():
        low, high = measure.normal_range
        status = _status(measure.name, measure.status, measure.held, HELD_WORDS_LIVE)
        rows.append([_label(MEASURES_BY_NAME[measure.name]), _stance_value(measure),
                     f"{low:g} to {high:g}", _spread(measure), status])  # fmt: skip
    report.table(("measure", "mean ± error", "usual range", "spread (sd)", "status"), rows,
                 widths=(50, 32, 26, 22, 50))  # fmt: skip
    _experimental_note(report, result.measures)
    for note in result.notes():
        report.paragraph(note, size=8.5)
    picture = encode_jpeg(body_map(result.measures), quality=95)
    if picture is not None:
        report.picture(picture, "Body map of the averaged stance", tallest=95)


def _stance_value(measure: StanceMeasure) -> str:
    if measure.value is None:
        return "not measured"
    if measure.unit is Unit.RATIO:
        return f"{measure.value:.2f} ± {measure.error:.2f}"
    return f"{measure.value:+.1f} ± {measure.error:.1f}{measure.unit.symbol}"


def _spread(measure: StanceMeasure) -> str:
    if measure.spread is None:
        return ""
    digits = 2 if measure.unit is Unit.RATIO else 1
    return f"{measure.spread:.{digits}f}"
