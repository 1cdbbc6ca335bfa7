"""One photo in, one Analysis out: load, estimate the pose, choose the subject, find the view.

This is the path the CLI, the benchmark and the app share. Errors a user can act on
(``PosecheckError``) become a failed Analysis, never an exception.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from posecheck.estimator import PoseEstimator
from posecheck.images import DEFAULT_MAX_SIDE, LoadedImage, decode_image, load_image
from posecheck.types import Detection, ModelName, NoPersonError, PosecheckError, View
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

    def __post_init__(self) -> None:
        if (self.error is None) == (self.detection is None):
            raise ValueError("Analysis: expected exactly one of detection and error")

    @property
    def ok(self) -> bool:
        return self.error is None


class Analyzer:
    """Runs the photo path with one loaded estimator (reuse it: loading a model takes ~0.2 s)."""

    def __init__(self, estimator: PoseEstimator, *, max_side: int | None = DEFAULT_MAX_SIDE):
        self.estimator = estimator
        self.max_side = max_side

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
        return self.analyze_image(image, view)

    def analyze_bytes(self, data: bytes, name: str, view: View | None = None) -> Analysis:
        try:
            image = decode_image(data, name=name, max_side=self.max_side)
        except PosecheckError as error:
            return Analysis(name=name, model=self.model, error=error)
        return self.analyze_image(image, view)

    def analyze_image(self, image: LoadedImage, view: View | None = None) -> Analysis:
        detection = self.estimator.detect(
            image.rgb, scale=image.scale, image_size=(image.width, image.height)
        )
        if detection is None:
            error = NoPersonError(
                "No person was found in this photo. Stand so that your whole body is in the frame, "
                "in good light, facing the camera or side-on, and take it again.",
                code="no_person",
            )
            return Analysis(name=image.name, model=self.model, image=image, error=error)
        estimate = override(view) if view is not None else detect_view(detection.subject)
        return Analysis(
            name=image.name, model=self.model, image=image, detection=detection, view=estimate
        )
