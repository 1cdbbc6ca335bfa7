"""posecheck: posture and foot-alignment screening from photos and a webcam.

A screening and self-help tool, not a diagnosis. The public API:

    from posecheck import Analyzer
    analysis = Analyzer.open("full").analyze_path("photo.jpg")
"""

from posecheck.analysis import Analysis, Analyzer
from posecheck.draw import draw_pose
from posecheck.estimator import EstimatorSettings, PoseEstimator, choose_subject
from posecheck.exercises import DISCLAIMER
from posecheck.images import LoadedImage, decode_image, load_image
from posecheck.report import analysis_to_dict, results_document
from posecheck.types import (
    Detection,
    InvalidImageError,
    Landmark,
    ModelError,
    ModelName,
    NoPersonError,
    Pose,
    PosecheckError,
    View,
)
from posecheck.views import ViewEstimate, detect_view

__all__ = [
    "DISCLAIMER",
    "Analysis",
    "Analyzer",
    "Detection",
    "EstimatorSettings",
    "InvalidImageError",
    "Landmark",
    "LoadedImage",
    "ModelError",
    "ModelName",
    "NoPersonError",
    "Pose",
    "PoseEstimator",
    "PosecheckError",
    "View",
    "ViewEstimate",
    "analysis_to_dict",
    "choose_subject",
    "decode_image",
    "detect_view",
    "draw_pose",
    "load_image",
    "results_document",
]
