"""Several photos of one person (front, side, back) -> one report.

Each measure is taken from the photo whose view measures it best (``PREFERRED_VIEWS``), and among
photos of that view from the most confident one; findings and the plan are then made once from the
combined measures. :func:`same_person` warns when the photos may show different people.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from posecheck.analysis import Analysis, PhotoResult
from posecheck.clothing import Clothing
from posecheck.exercises import Plan, build_plan
from posecheck.findings import Assessment, assess, finding_keys
from posecheck.measures import MEASURES, Measurement, MeasureName
from posecheck.types import Status, View

#: Views that measure each measure, best first. The foot angle needs the toes in view (front); the
#: rearfoot angle the heels (back); frontal knee angles and tilts read the same from the front or
#: the back, and the front is taken first because the face and feet help the model there.
_ORDER = (View.FRONT, View.BACK, View.LEFT, View.RIGHT)
PREFERRED_VIEWS: Mapping[MeasureName, tuple[View, ...]] = {
    spec.name: tuple(v for v in _ORDER if v in spec.views) for spec in MEASURES
}


#: Distance between two photos' clothes (chroma per lightness, see ``posecheck.clothing``)
#: beyond which they may show different people: torso (front and back views) and thigh (every
#: view). Set by real photos: one man filmed at one moment by three cameras (front, back, oblique;
#: ``../shared/data/photos``) differed by up to 6.1 (torso) and 16.9 (thigh), the cameras' colours
#: differing; rendered people differ far less (at most 0.8 and 6.6). On 2 x 16 rendered people,
#: each photographed front, side and back in one sitting (``python -m synth.render --set people``,
#: seeds 0 and 1), these limits flagged 0 of 84 pairs of one person's photos, and 42 % and 48 % of
#: the pairs of two people (many wear like colours: the renderer's palette is small); 93 and 182 of
#: 1128 pairs could not be compared (a side view's thighs hidden by the hands). Printed by
#: ``python -m posecheck.dev same-person out/synth/people``.
TOP_LIMIT = 12.0
BOTTOM_LIMIT = 20.0


@dataclass(frozen=True)
class PersonCheck:
    """Whether a report's photos show one person, judged by the colour of their clothes.

    ``same`` is None when it could not be told (fewer than two photos with clothes read);
    ``differing`` names the photos whose clothes do not match the first photo's.
    """

    same: bool | None
    reason: str
    differing: tuple[str, ...] = ()


def _distance(one: tuple[float, float] | None, other: tuple[float, float] | None) -> float | None:
    if one is None or other is None:
        return None
    return math.dist(one, other)


def clothes_differ(one: Clothing, other: Clothing) -> bool | None:
    """True when the clothes clearly differ, False when they match, None when nothing compares."""
    top, bottom = _distance(one.top, other.top), _distance(one.bottom, other.bottom)
    if top is None and bottom is None:
        return None
    return (top is not None and top > TOP_LIMIT) or (bottom is not None and bottom > BOTTOM_LIMIT)


def same_person(analyses: Sequence[PhotoResult]) -> PersonCheck:
    """Do the analysed photos show one person? Each is compared with the first whose clothes
    were read."""
    read = [
        (a.name, a.clothing) for a in analyses if isinstance(a, Analysis) and a.clothing is not None
    ]
    if len(read) < 2:
        return PersonCheck(None, "Fewer than two photos to compare.")
    (first, clothes), rest = read[0], read[1:]
    verdicts = {name: clothes_differ(clothes, other) for name, other in rest}
    differing = tuple(name for name, differs in verdicts.items() if differs)
    if differing:
        names = ", ".join(differing)
        return PersonCheck(
            False,
            f"The clothes in {names} do not match those in {first}: these may be photos of "
            "different people, or of another day. A report combines photos of one person taken "
            "together; check the photos.",
            differing,
        )
    if all(differs is None for differs in verdicts.values()):
        return PersonCheck(None, "The clothes could not be compared between the photos.")
    return PersonCheck(True, "The clothes match across the photos.")


@dataclass(frozen=True, eq=False)
class CombinedReport:
    """One report from several analysed photos of one person.

    ``sources`` maps each measure to the photo it was taken from; ``person`` says whether the
    photos seem to show one person.
    """

    analyses: tuple[PhotoResult, ...]
    measurements: Mapping[MeasureName, Measurement]
    sources: Mapping[MeasureName, str]
    assessment: Assessment
    plan: Plan
    person: PersonCheck = PersonCheck(None, "Not checked.")

    @property
    def views(self) -> tuple[View, ...]:
        return tuple(a.view.view for a in self.analyses if isinstance(a, Analysis))


def _rank(measurement: Measurement, preferred: tuple[View, ...]) -> tuple[int, int, float]:
    known = 0 if measurement.status is not Status.UNKNOWN else 1
    view_rank = preferred.index(measurement.view) if measurement.view in preferred else 99
    return known, view_rank, -measurement.confidence


def combine(analyses: Sequence[PhotoResult]) -> CombinedReport:
    """Combine the judged analyses; failed or unjudged ones are kept in ``analyses`` but add
    nothing."""
    best: dict[MeasureName, tuple[Measurement, str]] = {}
    for analysis in analyses:
        if not isinstance(analysis, Analysis) or not analysis.judged:
            continue
        for name, measurement in analysis.measurements.items():
            preferred = PREFERRED_VIEWS[name]
            current = best.get(name)
            if current is None or _rank(measurement, preferred) < _rank(current[0], preferred):
                best[name] = (measurement, analysis.name)
    order = [spec.name for spec in MEASURES if spec.name in best]
    measurements = {name: best[name][0] for name in order}
    assessment = assess(measurements)
    return CombinedReport(
        analyses=tuple(analyses),
        measurements=measurements,
        sources={name: best[name][1] for name in order},
        assessment=assessment,
        plan=build_plan(finding_keys(assessment)),
        person=same_person(analyses),
    )
