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

from posecheck.analysis import Analysis, AnalysisFailure, Analyzer, PhotoResult, correct_points
from posecheck.bodymap import (
    BodyRegion,
    Reading,
    body_map,
    measure_meaning,
    measure_scale,
    region_states,
    unjudged_regions,
)
from posecheck.calibration import Calibration
from posecheck.clothing import Clothing
from posecheck.combine import CombinedReport, PersonCheck, combine, same_person
from posecheck.draw import draw_analysis, draw_measures, draw_pose
from posecheck.draw_live import draw_live_frame
from posecheck.errors import (
    ERROR_CODES,
    DataFileError,
    ErrorCode,
    InvalidImageError,
    ModelError,
    NoPersonError,
    PosecheckError,
    VideoError,
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
    encode_jpeg,
    load_image,
)
from posecheck.live import (
    COACHED_IDS,
    STANDING_POSTURE,
    Coach,
    CoachPhase,
    CoachState,
    CoachSummary,
    Cue,
    CueKey,
    CueKind,
    LiveFrame,
    LiveSession,
    LiveSettings,
    Rotation,
    SessionSummary,
    SideProgress,
    Signal,
    StanceMeasure,
    StanceParams,
    StancePhase,
    StanceResult,
    StanceState,
    people_counter,
    video_estimator,
)
from posecheck.live.records import summary_to_dict
from posecheck.measures import (
    EXPERIMENTAL_WORDS,
    HELD_WORDS,
    HELD_WORDS_LIVE,
    MEASURES,
    MEASURES_BY_NAME,
    Drawing,
    DrawKind,
    Measurement,
    MeasureName,
    MeasureSpec,
    measure_pose,
)
from posecheck.pdf import PdfPhoto, live_pdf_report, pdf_report
from posecheck.pictures import Picture, exercise_pictures, guide_pictures
from posecheck.report import (
    SCHEMA_VERSION,
    analysis_to_dict,
    results_csv,
    results_document,
)
from posecheck.roll import roll_known
from posecheck.samples import sample_paths
from posecheck.store import HistoryStore, StoredCheck, TrendPoint, change_beyond_error
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
from posecheck.video import (
    CameraSource,
    VideoInfo,
    VideoLimits,
    VideoReader,
    open_camera,
    open_video,
)
from posecheck.views import ViewEstimate, detect_view

__all__ = [
    "CLINICIAN_NOTE",
    "COACHED_IDS",
    "DISCLAIMER",
    "ERROR_CODES",
    "EXPERIMENTAL_WORDS",
    "HELD_WORDS",
    "HELD_WORDS_LIVE",
    "MEASURES",
    "MEASURES_BY_NAME",
    "SCHEMA_VERSION",
    "STANDING_POSTURE",
    "SUPPORTED_FORMATS",
    "Analysis",
    "AnalysisFailure",
    "Analyzer",
    "Assessment",
    "BodyRegion",
    "Calibration",
    "CameraRoll",
    "CameraSource",
    "CaptureCheck",
    "Clothing",
    "Coach",
    "CoachPhase",
    "CoachState",
    "CoachSummary",
    "CombinedReport",
    "Cue",
    "CueKey",
    "CueKind",
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
    "HistoryStore",
    "ImageLimits",
    "InvalidImageError",
    "Landmark",
    "LiveFrame",
    "LiveSession",
    "LiveSettings",
    "LoadedImage",
    "MeasureName",
    "MeasureSpec",
    "Measurement",
    "ModelError",
    "ModelName",
    "NoPersonError",
    "PdfPhoto",
    "PersonCheck",
    "PhotoResult",
    "Picture",
    "Plan",
    "PlanItem",
    "Pose",
    "PoseEstimator",
    "PosecheckError",
    "Reading",
    "Rotation",
    "SessionSummary",
    "Side",
    "SideProgress",
    "Signal",
    "StanceMeasure",
    "StanceParams",
    "StancePhase",
    "StanceResult",
    "StanceState",
    "Status",
    "StoredCheck",
    "TrendPoint",
    "Unit",
    "VideoError",
    "VideoInfo",
    "VideoLimits",
    "VideoReader",
    "View",
    "ViewEstimate",
    "analysis_to_dict",
    "assess",
    "body_map",
    "build_plan",
    "change_beyond_error",
    "choose_subject",
    "combine",
    "correct_points",
    "decode_image",
    "detect_view",
    "draw_analysis",
    "draw_live_frame",
    "draw_measures",
    "draw_pose",
    "encode_jpeg",
    "exercise_pictures",
    "guide_pictures",
    "live_pdf_report",
    "load_catalogue",
    "load_image",
    "measure_meaning",
    "measure_pose",
    "measure_scale",
    "open_camera",
    "open_video",
    "pdf_report",
    "people_counter",
    "region_states",
    "results_csv",
    "results_document",
    "roll_known",
    "same_person",
    "sample_paths",
    "summary_to_dict",
    "unjudged_regions",
    "video_estimator",
]
