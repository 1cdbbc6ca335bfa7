"""One photo in, one Analysis out: the whole one-way flow.

image -> Pose (estimator) -> view and camera roll -> measures -> capture checks -> findings -> plan

This is the path the CLI, the benchmark and the app share. Errors a user can act on
(``PosecheckError``) become an ``AnalysisFailure``, never an exception.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from typing import Literal

import numpy as np

from posecheck.calibration import Calibration
from posecheck.capture import (
    GreyLevels,
    capture_checks,
    check_lighting,
    grey_levels,
    read_exif_hints,
)
from posecheck.clothing import Clothing, read_clothing
from posecheck.errors import ErrorCode, NoPersonError, PosecheckError
from posecheck.estimator import PoseEstimator, mirror_averaged
from posecheck.exercises import Plan, build_plan
from posecheck.findings import Assessment, assess, finding_keys
from posecheck.images import (
    DEFAULT_MAX_SIDE,
    LoadedImage,
    decode_image,
    load_image,
)
from posecheck.measures import Measurement, MeasureName, measure_pose
from posecheck.names import printable_name
from posecheck.roll import SceneEdges, body_box, roll_from_edges, scene_edges
from posecheck.types import (
    CameraRoll,
    CaptureCheck,
    Closing,
    Detection,
    Landmark,
    ModelName,
    Status,
    View,
)
from posecheck.views import ViewEstimate, detect_view, override


@dataclass(frozen=True, eq=False)
class Analysis:
    """A photo that was analysed: the person found, the view, the roll, every measure this view
    can take (some may be ``unknown``), the capture checks, the findings and the plan.

    ``plan`` is None exactly when the photo could not be judged (see ``judged``): a photo that is
    not a relaxed standing posture photo gets no numbers, no findings and no plan.
    """

    name: str
    model: str
    image: LoadedImage
    detection: Detection
    view: ViewEstimate
    roll: CameraRoll
    measurements: Mapping[MeasureName, Measurement]
    checks: tuple[CaptureCheck, ...]
    assessment: Assessment
    plan: Plan | None
    #: landmarks the user moved by hand (``correct_points``); their positions are the user's
    corrected: tuple[Landmark, ...] = ()
    #: the clothes' colour read before the pixels were dropped (``without_pixels``); otherwise
    #: ``clothing`` reads it from the pixels when first asked
    kept_clothing: Clothing | None = None
    #: the file's EXIF hints the capture checks read (kept so a corrected point redoes them alike)
    exif: Mapping[str, str] | None = None
    #: the subject's points are the mean of two looks, the photo's and its mirror image's
    #: (``Analyzer(both_ways=True)``, when the mirror image showed the same person)
    both_ways: bool = False

    @property
    def ok(self) -> Literal[True]:
        return True

    @cached_property
    def clothing(self) -> Clothing | None:
        """The colour of the person's clothes, for the same-person check across a report's
        photos. Read on first use (a single photo never needs it; it costs about a millisecond
        and a half of the photo path), and kept when the pixels are dropped."""
        if self.kept_clothing is not None or self.image.rgb.size <= 3:
            return self.kept_clothing
        return read_clothing(self.image, self.detection.subject, self.view.view)

    @property
    def judged(self) -> bool:
        """False when the photo is not a usable posture photo: every measure is then unknown,
        there are no findings and no plan, and ``retake`` says why and what to change."""
        return self.plan is not None

    @property
    def retake(self) -> tuple[CaptureCheck, ...]:
        """The failed checks that keep this photo from being judged (empty when judged)."""
        return () if self.judged else tuple(c for c in self.checks if _blocks(c))


@dataclass(frozen=True, eq=False)
class AnalysisFailure:
    """A photo that could not be analysed, and why. ``image`` is the photo when it could be read
    (nobody was found in it); ``checks`` are the capture checks that explain the failure."""

    name: str
    model: str
    error: PosecheckError
    image: LoadedImage | None = None
    checks: tuple[CaptureCheck, ...] = ()

    @property
    def ok(self) -> Literal[False]:
        return False

    @property
    def likely_why(self) -> str:
        """The failed capture checks' reasons and advice, in words ("" when none failed): a
        photo too dark to find anyone in says so, and what to do."""
        failed = [check for check in self.checks if check.passed is False]
        return " ".join(f"Likely why: {check.reason}. {check.advice}".strip() for check in failed)


#: What analysing one photo gives: tell the two apart with ``isinstance`` (or ``match``).
PhotoResult = Analysis | AnalysisFailure


def without_pixels(result: PhotoResult) -> PhotoResult:
    """The same result with the photo's pixels dropped (its size and name kept): what a batch
    keeps once a photo has been reported, so memory stays bounded whatever the batch's length."""
    if result.image is None:
        return result
    image = result.image
    empty = np.zeros((1, 1, 3), dtype=np.uint8)
    dropped = replace(image, rgb=empty, scale=1.0 / image.width)
    if isinstance(result, Analysis):
        return replace(result, image=dropped, kept_clothing=result.clothing)
    return replace(result, image=dropped)


class Analyzer(Closing):
    """Runs the photo path with one loaded estimator (reuse it: loading a model takes ~0.2 s).

    The scene's straight edges (for the camera roll) are found on a second thread while the pose
    model runs, which hides their cost. ``close()`` (or ``with``) frees the model and the thread.
    """

    def __init__(
        self,
        estimator: PoseEstimator,
        *,
        max_side: int | None = DEFAULT_MAX_SIDE,
        calibrations: Mapping[str, Calibration] | None = None,
        both_ways: bool = False,
    ):
        self.estimator = estimator
        self.max_side = max_side
        #: also look at the mirror image and average the two (``mirror_averaged``): steadier
        #: and mirror-consistent, for twice the model's time
        self.both_ways = both_ways
        #: None = the packaged corrections; {} = raw geometry (for fitting new ones)
        self.calibrations = calibrations
        self._background = ThreadPoolExecutor(max_workers=1, thread_name_prefix="posecheck")

    def close(self) -> None:
        self._background.shutdown(wait=True)
        self.estimator.close()

    @classmethod
    def open(cls, model: ModelName | str = ModelName.FULL, *, both_ways: bool = False) -> Analyzer:
        return cls(PoseEstimator.open(model, mode="image"), both_ways=both_ways)

    @property
    def model(self) -> str:
        return self.estimator.model_name

    def analyze_path(self, path: str | Path, view: View | None = None) -> PhotoResult:
        name = printable_name(path)
        try:
            image = replace(load_image(path, max_side=self.max_side), name=name)
        except PosecheckError as error:
            return AnalysisFailure(name=name, model=self.model, error=error)
        return self.analyze_image(image, view, exif=read_exif_hints(path))

    def analyze_bytes(self, data: bytes, name: str, view: View | None = None) -> PhotoResult:
        name = printable_name(name)
        try:
            image = decode_image(data, name=name, max_side=self.max_side)
        except PosecheckError as error:
            return AnalysisFailure(name=name, model=self.model, error=error)
        return self.analyze_image(image, view, exif=read_exif_hints(data))

    def analyze_image(
        self,
        image: LoadedImage,
        view: View | None = None,
        *,
        exif: Mapping[str, str] | None = None,
    ) -> PhotoResult:
        look = look_at(self, image)
        if look.detection is None:
            error = NoPersonError(
                "No person was found in this photo. Stand so that your whole body is in the frame, "
                "in good light, facing the camera or side-on, and take it again.",
                code=ErrorCode.NO_PERSON,
            )
            # Darkness is the usual reason: say so when it is.
            checks = (check_lighting(image, None, look.grey),)
            return AnalysisFailure(
                name=image.name, model=self.model, error=error, image=image, checks=checks
            )
        analysis = interpret(
            image,
            look.detection,
            view,
            model=self.model,
            exif=exif,
            edges=look.edges,
            calibrations=self.calibrations,
            grey=look.grey,
        )
        return replace(analysis, both_ways=True) if look.both_ways else analysis


@dataclass(frozen=True, eq=False)
class Look:
    """What ``look_at`` found in a photo: the people (None: nobody), and the picture's grey
    levels and straight edges; ``both_ways`` when the people average the photo and its mirror."""

    detection: Detection | None
    grey: GreyLevels
    edges: SceneEdges
    both_ways: bool = False


def look_at(analyzer: Analyzer, image: LoadedImage) -> Look:
    """Everything the photo path does before ``interpret``: the model (twice with ``both_ways``),
    and beside it, on the analyser's second thread, the picture's grey levels and straight edges.
    (A function, not a method, to keep ``Look`` out of the public API: ``bench`` times it.)"""
    # while the model runs: the grey levels the checks read, and the scene's edges in them
    pixels = analyzer._background.submit(_grey_and_edges, image)
    size = (image.width, image.height)
    estimator = analyzer.estimator
    detection = estimator.detect(image.rgb, scale=image.scale, image_size=size)
    averaged = False
    if detection is not None and analyzer.both_ways:
        flipped = np.ascontiguousarray(image.rgb[:, ::-1])
        mirrored = estimator.detect(flipped, scale=image.scale, image_size=size)
        if mirrored is not None:
            both = mirror_averaged(detection, mirrored)
            averaged, detection = both is not detection, both
    grey, edges = pixels.result()
    return Look(detection, grey, edges, both_ways=averaged)


def _grey_and_edges(image: LoadedImage) -> tuple[GreyLevels, SceneEdges]:
    grey = grey_levels(image)
    return grey, scene_edges(image.rgb, grey.luma)


def interpret(
    image: LoadedImage,
    detection: Detection,
    view: View | None = None,
    *,
    model: str = "",
    exif: Mapping[str, str] | None = None,
    edges: SceneEdges | None = None,
    calibrations: Mapping[str, Calibration] | None = None,
    grey: GreyLevels | None = None,
) -> Analysis:
    """Everything after the model: view, roll, measures, checks, findings and the plan.

    ``edges`` are the picture's straight edges if already found (else they are found here);
    ``grey`` is the picture's grey levels and their counts, if already made. (The work on the
    pixels was tried on a second thread beside the roll and the measures: it made this step
    slower, 9.7 ms against 8.1 ms a photo, the two contending for the interpreter.)
    """
    subject = detection.subject
    estimate = override(view) if view is not None else detect_view(subject)
    found = edges if edges is not None else scene_edges(image.rgb)
    roll = roll_from_edges(found, person_box=body_box(subject, image.scale))
    measurements = measure_pose(subject, estimate, roll, calibrations=calibrations)
    checks = capture_checks(image, detection, estimate, roll, exif=exif, grey=grey)
    blocking = [check for check in checks if _blocks(check)]
    if blocking:
        return Analysis(
            name=image.name,
            model=model,
            image=image,
            detection=detection,
            view=estimate,
            roll=roll,
            measurements=_withheld(measurements, blocking),
            checks=checks,
            assessment=_not_judged(blocking),
            plan=None,
            exif=exif,
        )
    assessment = assess(measurements)
    return Analysis(
        name=image.name,
        model=model,
        image=image,
        detection=detection,
        view=estimate,
        roll=roll,
        measurements=measurements,
        checks=checks,
        assessment=assessment,
        plan=build_plan(finding_keys(assessment)),
        exif=exif,
    )


#: Capture checks without which a photo is not a posture photo: when one fails, nothing is judged
#: (a failed check never sits beside a number that depends on it). The person's size and the
#: camera's roll only change how sure the numbers are, and stay advice.
GATE_CHECKS: frozenset[str] = frozenset(
    {
        "standing",
        "relaxed_stance",
        "whole_body",
        "feet_in_frame",
        "square_to_camera",
        "one_person",
        "lighting",
        "sharpness",
        "not_mirrored",
    }
)


def _blocks(check: CaptureCheck) -> bool:
    return check.name in GATE_CHECKS and check.passed is False


def _withheld(
    measurements: Mapping[MeasureName, Measurement], blocking: list[CaptureCheck]
) -> dict[MeasureName, Measurement]:
    why = "not judged: " + "; ".join(check.reason for check in blocking)
    return {
        name: replace(m, value=None, status=Status.UNKNOWN, confidence=0.0, reason=why)
        for name, m in measurements.items()
    }


#: Where one sentence of advice ends and the next begins.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def _not_judged(blocking: list[CaptureCheck]) -> Assessment:
    reasons = "; ".join(check.reason for check in blocking)
    # checks may give the same step ("hold the phone upright ...") in their advice: say it once
    steps = (step for check in blocking for step in _SENTENCE_END.split(check.advice.strip()))
    advice = " ".join(dict.fromkeys(step for step in steps if step))
    summary = (
        f"This photo cannot be judged as a standing posture photo ({reasons}), so nothing was "
        f"measured and no exercises are suggested. {advice}"
    ).strip()
    return Assessment(findings=(), chain=None, cannot_judge=(), summary=summary)


def correct_points(
    analysis: Analysis,
    moves: Mapping[Landmark, tuple[float, float]],
    *,
    calibrations: Mapping[str, Calibration] | None = None,
) -> Analysis:
    """The analysis redone with some landmarks moved by the user to where they belong (original
    image pixels): view, measures, capture checks, findings and the plan all follow. Moved points
    count as fully visible, and are recorded in ``corrected`` (and so in the report and JSON)."""
    if not moves:
        return analysis
    pose = analysis.detection.subject
    width, height = pose.image_size
    xy = pose.xy.copy()
    visibility = pose.visibility.copy()
    presence = pose.presence.copy()
    for landmark, (x, y) in moves.items():
        if not (0.0 <= x < width and 0.0 <= y < height):
            raise ValueError(f"correct_points: {landmark.label} at ({x}, {y}) is outside the photo")
        xy[landmark] = (x, y)
        visibility[landmark] = presence[landmark] = 1.0
    subject = replace(pose, xy=xy, visibility=visibility, presence=presence)
    people = list(analysis.detection.people)
    people[analysis.detection.subject_index] = subject
    detection = replace(analysis.detection, people=tuple(people))
    view = analysis.view.view if analysis.view.overridden else None
    redone = interpret(
        analysis.image,
        detection,
        view,
        model=analysis.model,
        exif=analysis.exif,
        calibrations=calibrations,
    )
    corrected = tuple(dict.fromkeys((*analysis.corrected, *moves)))
    return replace(redone, name=analysis.name, corrected=corrected, both_ways=analysis.both_ways)
