"""posecheck: posture and foot-alignment screening from photos and a webcam.

A screening and self-help tool, not a diagnosis. The public API (``__all__``; the app uses
nothing else):

    from posecheck import Analysis, Analyzer
    with Analyzer.open("full") as analyzer:
        result = analyzer.analyze_path("photo.jpg")
    if isinstance(result, Analysis):
        print(result.assessment.summary)
    else:
        print(result.error.code, result.error.message)
"""

from posecheck.analysis import Analysis, AnalysisFailure, Analyzer, PhotoResult
from posecheck.calibration import Calibration
from posecheck.combine import CombinedReport, combine
from posecheck.draw import draw_analysis, draw_measures, draw_pose
from posecheck.errors import (
    ERROR_CODES,
    DataFileError,
    ErrorCode,
    InvalidImageError,
    ModelError,
    NoPersonError,
    PosecheckError,
)
from posecheck.estimator import EstimatorSettings, PoseEstimator, choose_subject
from posecheck.exercises import (
    CLINICIAN_NOTE,
    DISCLAIMER,
    Dose,
    Exercise,
    Plan,
    PlanItem,
    build_plan,
    load_catalogue,
)
from posecheck.findings import Assessment, Finding, FindingKey, assess
from posecheck.images import (
    SUPPORTED_FORMATS,
    ImageLimits,
    LoadedImage,
    decode_image,
    load_image,
)
from posecheck.measures import (
    MEASURES,
    MEASURES_BY_NAME,
    Drawing,
    DrawKind,
    Measurement,
    MeasureName,
    MeasureSpec,
    measure_pose,
)
from posecheck.report import (
    SCHEMA_VERSION,
    analysis_to_dict,
    results_csv,
    results_document,
)
from posecheck.samples import sample_paths
from posecheck.types import (
    CameraRoll,
    CaptureCheck,
    Detection,
    Landmark,
    ModelName,
    Pose,
    Side,
    Status,
    Unit,
    View,
)
from posecheck.views import ViewEstimate, detect_view

__all__ = [
    "CLINICIAN_NOTE",
    "DISCLAIMER",
    "ERROR_CODES",
    "MEASURES",
    "MEASURES_BY_NAME",
    "SCHEMA_VERSION",
    "SUPPORTED_FORMATS",
    "Analysis",
    "AnalysisFailure",
    "Analyzer",
    "Assessment",
    "Calibration",
    "CameraRoll",
    "CaptureCheck",
    "CombinedReport",
    "DataFileError",
    "Detection",
    "Dose",
    "DrawKind",
    "Drawing",
    "ErrorCode",
    "EstimatorSettings",
    "Exercise",
    "Finding",
    "FindingKey",
    "ImageLimits",
    "InvalidImageError",
    "Landmark",
    "LoadedImage",
    "MeasureName",
    "MeasureSpec",
    "Measurement",
    "ModelError",
    "ModelName",
    "NoPersonError",
    "PhotoResult",
    "Plan",
    "PlanItem",
    "Pose",
    "PoseEstimator",
    "PosecheckError",
    "Side",
    "Status",
    "Unit",
    "View",
    "ViewEstimate",
    "analysis_to_dict",
    "assess",
    "build_plan",
    "choose_subject",
    "combine",
    "decode_image",
    "detect_view",
    "draw_analysis",
    "draw_measures",
    "draw_pose",
    "load_catalogue",
    "load_image",
    "measure_pose",
    "results_csv",
    "results_document",
    "sample_paths",
]
