"""Live mode's model-free building blocks: smoothing, exercise signals and trackers.

- :mod:`posecheck.live.filters`: the one-euro filter for noisy signals sampled at uneven times.
- :mod:`posecheck.live.signals`: normalised exercise signals from one pose.
- :mod:`posecheck.live.trackers`: repetitions, holds and circles over a stream of samples.

Everything here is fed ``t_ms``, a sample's time in milliseconds (never a frame count: frames get
dropped and arrive at uneven gaps), and treats a timestamp that does not increase as a restart of
the stream. Nothing here runs on import beyond defining names.
"""

from __future__ import annotations

from posecheck.live.filters import OneEuroFilter, OneEuroParams, OneEuroVectorFilter
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

__all__ = [
    "CircleCounter",
    "CircleParams",
    "CircleState",
    "HoldParams",
    "HoldPhase",
    "HoldState",
    "HoldTimer",
    "OneEuroFilter",
    "OneEuroParams",
    "OneEuroVectorFilter",
    "RepCounter",
    "RepEvent",
    "RepParams",
    "RepPhase",
    "RepState",
    "Rotation",
]
