"""Live mode: one frame pipeline for webcams and video files, and its building blocks.

- :mod:`posecheck.live.filters`: the one-euro filter for noisy signals sampled at uneven times.
- :mod:`posecheck.live.signals`: normalised exercise signals from one pose.
- :mod:`posecheck.live.trackers`: repetitions, holds and circles over a stream of samples.
- :mod:`posecheck.live.windows`: the last second or so of readings (stillness, baselines).
- :mod:`posecheck.live.stance`: the stance check (measures averaged over still frames).
- :mod:`posecheck.live.definitions`: the coached exercises as a table (signal, tracker, camera,
  cues); :mod:`posecheck.live.coach`: the coach that runs a row.
- :mod:`posecheck.live.session`: ``LiveSession``, ``(rgb, t_ms)`` in, a ``LiveFrame`` out.
- :mod:`posecheck.live.records`: frames as CSV rows, summaries as JSON-ready data.
- :mod:`posecheck.live.voice`: which cues to say aloud, and when.

Everything here is fed ``t_ms``, a sample's time in milliseconds (never a frame count: frames get
dropped and arrive at uneven gaps), and treats a timestamp that does not increase as a restart of
the stream. Nothing here runs on import beyond defining names.
"""

from __future__ import annotations

from posecheck.live.coach import (
    Coach,
    CoachPhase,
    CoachState,
    CoachSummary,
    Cue,
    SetCount,
    SideProgress,
    beside_the_count,
)
from posecheck.live.definitions import (
    COACHED_IDS,
    STANDING_POSTURE,
    CueKey,
    CueKind,
    Signal,
    next_in_routine,
)
from posecheck.live.filters import OneEuroFilter, OneEuroParams, OneEuroVectorFilter
from posecheck.live.session import (
    LiveFrame,
    LiveSession,
    LiveSettings,
    SessionSummary,
    people_counter,
    video_estimator,
)
from posecheck.live.stance import (
    StanceCheck,
    StanceMeasure,
    StanceParams,
    StancePhase,
    StanceResult,
    StanceState,
    why_no_stance,
)
from posecheck.live.trackers import (
    CircleCounter,
    CircleParams,
    CircleState,
    HoldParams,
    HoldPhase,
    HoldState,
    HoldTimer,
    RepCounter,
    RepEvent,
    RepParams,
    RepPhase,
    RepState,
    Rotation,
)
from posecheck.live.voice import VoiceState, Words, next_words

__all__ = [
    "COACHED_IDS",
    "STANDING_POSTURE",
    "CircleCounter",
    "CircleParams",
    "CircleState",
    "Coach",
    "CoachPhase",
    "CoachState",
    "CoachSummary",
    "Cue",
    "CueKey",
    "CueKind",
    "HoldParams",
    "HoldPhase",
    "HoldState",
    "HoldTimer",
    "LiveFrame",
    "LiveSession",
    "LiveSettings",
    "OneEuroFilter",
    "OneEuroParams",
    "OneEuroVectorFilter",
    "RepCounter",
    "RepEvent",
    "RepParams",
    "RepPhase",
    "RepState",
    "Rotation",
    "SessionSummary",
    "SetCount",
    "SideProgress",
    "Signal",
    "StanceCheck",
    "StanceMeasure",
    "StanceParams",
    "StancePhase",
    "StanceResult",
    "StanceState",
    "VoiceState",
    "Words",
    "beside_the_count",
    "next_in_routine",
    "next_words",
    "people_counter",
    "video_estimator",
    "why_no_stance",
]
