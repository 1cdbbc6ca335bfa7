"""One photo in, one Analysis out: the whole one-way flow.

image -> Pose (estimator) -> view and camera roll -> measures -> capture checks -> findings -> plan

This is the path the CLI, the benchmark and the app share. Errors a user can act on
(``PosecheckError``) become a failed Analysis, never an exception.
"""

from __future__ import annotations

from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from posecheck.calibration import Calibration
from posecheck.capture import capture_checks, check_lighting, read_exif_hints
from posecheck.estimator import PoseEstimator
from posecheck.exercises import Plan, build_plan
from posecheck.findings import Assessment, assess, finding_keys
from posecheck.images import DEFAULT_MAX_SIDE, LoadedImage, decode_image, load_image
from posecheck.measures import measure_pose
from posecheck.roll import SceneEdges, roll_from_edges, scene_edges
from posecheck.types import (
    CameraRoll,
    CaptureCheck,
    Closing,
    Detection,
    Landmark,
    Measurement,
    ModelName,
    NoPersonError,
    Pose,
    PosecheckError,
    View,
)
from posecheck.views import ViewEstimate, detect_view, override


@dataclass(frozen=True, eq=False)
class Analysis:
    """The result for one image. ``error`` is set exactly when the analysis failed."""

    name: str
    model: str
    image: LoadedImage | None = None
    detection: Detection | None = None
    view: ViewEstimate | None = None
    error: PosecheckError | None = None
    roll: CameraRoll | None = None
    measurements: Mapping[str, Measurement] = field(default_factory=dict)
    checks: tuple[CaptureCheck, ...] = ()
    assessment: Assessment | None = None
    plan: Plan | None = None

    def __post_init__(self) -> None:
        if (self.error is None) == (self.detection is None):
            raise ValueError("Analysis: expected exactly one of detection and error")

    @property
    def ok(self) -> bool:
        return self.error is None


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
    ):
        self.estimator = estimator
        self.max_side = max_side
        #: None = the packaged corrections; {} = raw geometry (for fitting new ones)
        self.calibrations = calibrations
        self._background = ThreadPoolExecutor(max_workers=1, thread_name_prefix="posecheck")

    def close(self) -> None:
        self._background.shutdown(wait=True)
        self.estimator.close()

    @classmethod
    def open(cls, model: ModelName | str = ModelName.FULL) -> Analyzer:
        return cls(PoseEstimator.open(model, mode="image"))

    @property
    def model(self) -> str:
        return self.estimator.model_name

    def analyze_path(self, path: str | Path, view: View | None = None) -> Analysis:
        name = str(path)
        try:
            image = load_image(path, max_side=self.max_side)
        except PosecheckError as error:
            return Analysis(name=name, model=self.model, error=error)
        return self.analyze_image(image, view, exif=read_exif_hints(path))

    def analyze_bytes(self, data: bytes, name: str, view: View | None = None) -> Analysis:
        try:
            image = decode_image(data, name=name, max_side=self.max_side)
        except PosecheckError as error:
            return Analysis(name=name, model=self.model, error=error)
        return self.analyze_image(image, view, exif=read_exif_hints(data))

    def analyze_image(
        self,
        image: LoadedImage,
        view: View | None = None,
        *,
        exif: Mapping[str, str] | None = None,
    ) -> Analysis:
        edges = self._background.submit(scene_edges, image.rgb)
        detection = self.estimator.detect(
            image.rgb, scale=image.scale, image_size=(image.width, image.height)
        )
        if detection is None:
            error = NoPersonError(
                "No person was found in this photo. Stand so that your whole body is in the frame, "
                "in good light, facing the camera or side-on, and take it again.",
                code="no_person",
            )
            # Darkness is the usual reason: say so when it is.
            checks = (check_lighting(image),)
            return Analysis(
                name=image.name, model=self.model, image=image, error=error, checks=checks
            )
        return interpret(
            image,
            detection,
            view,
            model=self.model,
            exif=exif,
            edges=edges.result(),
            calibrations=self.calibrations,
        )


_ARMS = frozenset(range(Landmark.LEFT_ELBOW, Landmark.RIGHT_THUMB + 1))


def _body_box(pose: Pose, scale: float) -> tuple[float, float, float, float]:
    """The head, trunk and legs in working-copy pixels: the scene's edges are sought outside it.

    Arms are left out: held out to the sides (a T-pose) they would hide most of the background.
    """
    points = pose.xy[[lm for lm in Landmark if lm not in _ARMS]] * scale
    x0, y0 = points.min(axis=0)
    x1, y1 = points.max(axis=0)
    return float(x0), float(y0), float(x1), float(y1)


def interpret(
    image: LoadedImage,
    detection: Detection,
    view: View | None = None,
    *,
    model: str = "",
    exif: Mapping[str, str] | None = None,
    edges: SceneEdges | None = None,
    calibrations: Mapping[str, Calibration] | None = None,
) -> Analysis:
    """Everything after the model: view, roll, measures, checks, findings and the plan.

    ``edges`` are the picture's straight edges if already found (else they are found here).
    """
    subject = detection.subject
    estimate = override(view) if view is not None else detect_view(subject)
    found = edges if edges is not None else scene_edges(image.rgb)
    roll = roll_from_edges(found, person_box=_body_box(subject, image.scale))
    measurements = measure_pose(subject, estimate, roll, calibrations=calibrations)
    assessment = assess(measurements)
    return Analysis(
        name=image.name,
        model=model,
        image=image,
        detection=detection,
        view=estimate,
        roll=roll,
        measurements=measurements,
        checks=capture_checks(image, detection, estimate, roll, exif=exif),
        assessment=assessment,
        plan=build_plan(finding_keys(assessment)),
    )
