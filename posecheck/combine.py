"""Several photos of one person (front, side, back) -> one report.

Each measure is taken from the photo whose view measures it best (``PREFERRED_VIEWS``), and among
photos of that view from the most confident one; findings and the plan are then made once from the
combined measures.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from posecheck.analysis import Analysis, PhotoResult
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


@dataclass(frozen=True, eq=False)
class CombinedReport:
    """One report from several analysed photos of one person.

    ``sources`` maps each measure to the photo it was taken from.
    """

    analyses: tuple[PhotoResult, ...]
    measurements: Mapping[MeasureName, Measurement]
    sources: Mapping[MeasureName, str]
    assessment: Assessment
    plan: Plan

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
    )
